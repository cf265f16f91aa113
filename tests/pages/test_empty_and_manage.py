"""Every page on an empty database tells the user what to do; the Manage page on the sample city."""

from __future__ import annotations

import re

import pytest

from louiestat.config import get_settings
from louiestat.reading import queries
from louiestat.writing.batches import list_batches
from tests.db.test_write_lock import alices_upload


@pytest.mark.parametrize("page", ["scorecard", "kpi", "manage", "upload"])
def test_each_page_on_an_empty_database_points_to_the_next_step(open_empty_page, page: str) -> None:
    at = open_empty_page(page)

    text = " ".join(i.value for i in at.info)
    if page == "upload":
        assert "No uploads yet. Start with a definitions file" in text
        assert len(at.file_uploader) == 1
    elif page == "manage":
        assert "No KPIs yet. Upload a definitions file on the Upload page first." in text
    else:
        assert "No KPIs are defined yet" in text
        assert "Go to Upload" in [link.label for link in at.get("page_link")]


def test_manage_lists_every_kpi_definition_and_a_kpis_dated_targets(open_page, city_engine) -> None:
    at = open_page("manage")

    shown = at.dataframe[0].value
    assert len(shown) == len(queries.kpis(city_engine))
    assert set(shown.columns) >= {"department", "kpi", "kpi_name", "unit", "direction", "target"}
    labels = [s.label for s in at.selectbox]
    assert labels == ["Department", "Department", "KPI", "Department", "KPI"]
    assert "Default target" in " ".join(m.value for m in at.markdown)


def test_saving_unchanged_definitions_on_the_manage_page_says_nothing_changed(open_page, city_engine) -> None:
    at = open_page("manage")
    next(b for b in at.button if b.label == "Save definitions").click().run()

    assert [s.value for s in at.success] == ["No change to save."]
    assert len(list_batches(city_engine)) == 4


def test_a_save_behind_another_write_too_long_says_whose_and_saves_nothing(
    open_page, city_engine, monkeypatch
) -> None:
    monkeypatch.setenv("LOUIESTAT_LOCK_WAIT_SECONDS", "0.5")
    get_settings.cache_clear()
    at = open_page("manage")
    with alices_upload(city_engine) as (batch_id, _release):
        next(b for b in at.button if b.label == "Save targets").click().run()
    assert len(at.error) == 1
    assert re.fullmatch(
        rf"Targets not saved: gave up after waiting 0.5 s for another upload to finish \(batch {batch_id}, started "
        rf"\d\d:\d\d by alice\), so nothing was written: try again when batch {batch_id} has finished, or raise "
        r"LOUIESTAT_LOCK_WAIT_SECONDS.",
        at.error[0].value,
    ), at.error[0].value
    assert len(list_batches(city_engine)) == 5, "the sample city's four batches and alice's"
