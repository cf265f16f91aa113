"""No gaps or jargon where a person reads: every page, on the sample city and on an empty database, shows no
"None", "nan", "NaN", "<NA>" or "-0.00" in any text, label, tooltip or table cell, and no empty cell that
Streamlit would draw as "None"."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

import pandas as pd
import pytest
from google.protobuf.message import Message
from streamlit.testing.v1 import AppTest

GAPS = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|<NA>|-0\.0+\b")
PAGES = ["overview", "scorecard", "kpi", "upload", "manage"]


def _strings(message: Message) -> Iterator[str]:
    """Every string field of an element's protobuf (body, label, help, options, delta…), arrow data aside."""
    for field, value in message.ListFields():
        if field.name == "arrow_data":
            continue
        values = value if isinstance(value, Sequence) and not isinstance(value, str) else [value]
        for item in values:
            if isinstance(item, str):
                yield item
            elif isinstance(item, Message):
                yield from _strings(item)


def _elements(node) -> Iterator:
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _elements(child)


def _shown_columns(table) -> list[str]:
    config = json.loads(table.proto.columns or "{}")
    return [c for c in table.value.columns if not config.get(str(c), {}).get("hidden")]


def gaps_on_page(at: AppTest) -> list[str]:
    """What a person would read as a gap: each offending text, or table cell with its column."""
    found = []
    for element in _elements(at.main):
        for text in _strings(element.proto):
            if GAPS.search(text) and not text.startswith(("{", "$$ID")):  # column configs and element ids
                found.append(f"{element.type}: {text[:200]}")
        if element.type == "dataframe":
            frame = element.value
            for column in _shown_columns(element):
                cells = frame[column]
                scalar = cells.map(lambda v: not isinstance(v, (list, tuple)) and getattr(v, "ndim", 0) == 0)
                empty = cells[scalar].isna()
                if empty.any():
                    found.append(f"table column {column!r}: {int(empty.sum())} empty cells shown as None")
                bad = cells[scalar].astype(str).str.contains(GAPS) & ~empty
                if bad.any():
                    found.append(f"table column {column!r}: {cells[scalar][bad].iloc[0]!r}")
    return found


@pytest.mark.parametrize("page", PAGES)
def test_no_page_of_the_sample_city_shows_a_gap_or_a_negative_zero(open_page, page: str) -> None:
    at = open_page(page)
    assert gaps_on_page(at) == []


def test_the_kpi_page_with_notes_and_process_changes_shows_no_gap(open_page) -> None:
    at = open_page("kpi", department="ems", kpi="response_time", as_of="2016-06")
    assert gaps_on_page(at) == []


@pytest.mark.parametrize("page", PAGES)
def test_no_page_of_an_empty_database_shows_a_gap(open_empty_page, page: str) -> None:
    at = open_empty_page(page)
    assert gaps_on_page(at) == []


def test_a_rejected_upload_shows_no_gap_in_its_error_table(open_page) -> None:
    at = open_page("upload")
    duplicate = b"department,kpi,period,value\nems,response_time,2016-06,8.1\nems,response_time,2016-06,8.2\n"
    at.file_uploader[0].upload("twice.csv", duplicate, "text/csv").run()

    assert at.error, "the duplicate row is rejected"
    errors = next(e for e in _elements(at.main) if e.type == "dataframe" and "message" in e.value.columns)
    assert "appears more than once" in " ".join(errors.value["message"])
    assert gaps_on_page(at) == []


def test_downloads_hold_no_gap(open_page) -> None:
    from louiestat.exports import downloads
    from louiestat.reading import views
    from louiestat.ui import cache

    open_page("kpi")  # fills the caches with the sample city
    as_of = cache.months().default
    card = cache.scorecard(as_of)
    scorecard = downloads.scorecard_download(card).to_csv(index=False)
    kpi_id = int(card.loc[card["kpi"] == "response_time", "kpi_id"].iloc[0])
    kpi_table = views.kpi_table(cache.kpi_detail(kpi_id, as_of), cache.value_history(kpi_id), "minutes")
    for text in (scorecard, kpi_table.to_csv(index=False)):
        assert not GAPS.search(text), GAPS.search(text).group()
    assert not pd.read_csv(pd.io.common.StringIO(scorecard)).empty


def test_the_overdue_card_carries_no_spc_badge_and_real_concerns_have_their_own(open_page) -> None:
    at = open_page()
    metrics = {m.label: m for m in at.metric}
    overdue = next(m for label, m in metrics.items() if label.startswith("Overdue, of "))
    assert not overdue.proto.delta
    assert "Real concerns" in metrics
    assert "real change for the worse" in metrics["Real concerns"].proto.help


def test_the_kpi_page_counts_earlier_signals_in_the_right_number_and_explains_assurance(open_page) -> None:
    at = open_page("kpi", department="ems", kpi="response_time", as_of="2016-06")
    assert all(not re.match(r"1 earlier signals", e.label) for e in at.expander)
    assert all(re.fullmatch(r"1 earlier signal|\d+ earlier signals", e.label) for e in at.expander)
    assurance = next(m for m in at.markdown if m.value.startswith("- **Assurance:**"))
    assert "the target" in assurance.proto.help and "normal range" in assurance.proto.help
    heading = next(h for h in at.subheader if h.value == "What the chart says")
    assert "Normal variation (common cause)" in heading.proto.help


def test_the_scorecard_explains_signal_and_assurance_in_its_column_help(open_page) -> None:
    at = open_page("scorecard", department="ems", as_of="2016-06", columns="signal,assurance", view="table")
    columns = json.loads(at.dataframe[0].proto.columns)
    assert "Hit and miss: the target lies inside the normal range" in columns["Assurance"]["help"]
    assert "Real concern (special cause)" in columns["Signal"]["help"]


def test_a_kpi_without_a_default_target_reads_not_set_on_the_manage_page(open_page, city_engine) -> None:
    from louiestat.reading import queries

    kpis = queries.kpis(city_engine)
    intake = kpis[(kpis["department"] == "animal_services") & (kpis["kpi"] == "intake")].iloc[0]
    assert intake["target"] != intake["target"], "the sample city's animal intake has no default target"
    at = open_page("manage")
    at.selectbox(key="targets_department").set_value("animal_services").run()
    at.selectbox(key="targets_kpi").set_value(int(intake["kpi_id"])).run()

    assert any(m.value.startswith("Default target: **not set** (count") for m in at.markdown)
    editor = at.dataframe[0].value
    assert editor.loc[editor["kpi"] == "intake", "target"].tolist() == [""]
    assert gaps_on_page(at) == []
