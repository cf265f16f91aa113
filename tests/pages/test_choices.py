"""Rights shown as choices: each role is offered only the controls it may use (the write service still refuses the
rest). A viewer closes no follow-up; an analyst closes their departments' ones as done and drops none, gets no
definitions template, a department picker of their departments, and an undo picker of the batches they may undo,
starting on their own; an admin gets everything. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from louiestat import meetings
from louiestat.access.users import signed_in
from louiestat.db.engine import make_engine
from louiestat.ingest import ingest
from louiestat.meetings.sample import load_sample_meetings
from tests.pages.conftest import ADMIN, ANALYST, VIEWER, _runner

TEMPLATES = ["Monthly values template", "Hiring records template", "Process changes template"]


@pytest.fixture
def city(any_city_url: str) -> Iterator[Engine]:
    engine = make_engine(any_city_url)
    yield engine
    engine.dispose()


def open_page(page: str, user: str, **params: str) -> AppTest:
    return _runner()(page, user=user, **params)


def buttons(at: AppTest) -> list[str]:
    return [button.label for button in at.button]


def picker(at: AppTest, label: str):
    return next((box for box in at.selectbox if box.label == label), None)


def test_each_role_is_offered_to_close_only_the_follow_ups_it_may(city: Engine) -> None:
    load_sample_meetings(city, "sample")
    open_items = meetings.followup_table(city, dt.date.today()).query("status == 'open'")
    labels = "#" + open_items["id"].astype(str) + " · " + open_items["what"]
    ems_and_fire = labels[open_items["department"].isin(["ems", "fire"])].tolist()
    assert 0 < len(ems_and_fire) < len(labels)

    viewer = open_page("followups", VIEWER)
    assert len(viewer.dataframe[0].value) == 20 - 7, "the viewer reads every open follow-up"
    assert "Close a follow-up" not in [s.value for s in viewer.subheader]
    assert picker(viewer, "Follow-up") is None and not viewer.text_area
    assert "Close as done" not in buttons(viewer) and "Drop it" not in buttons(viewer)

    analyst = open_page("followups", ANALYST)
    assert picker(analyst, "Follow-up").options == ems_and_fire
    assert "Close as done" in buttons(analyst) and "Drop it" not in buttons(analyst)
    assert picker(open_page("followups", ANALYST, department="hr"), "Follow-up") is None

    admin = open_page("followups", ADMIN)
    assert picker(admin, "Follow-up").options == labels.tolist()
    assert {"Close as done", "Drop it"} <= set(buttons(admin))


def test_an_analysts_upload_page_offers_their_departments_templates_and_batches(city: Engine) -> None:
    analyst, admin = signed_in(city, ANALYST, via="page"), signed_in(city, ADMIN, via="page")
    at = open_page("upload", ANALYST)
    assert [b.label for b in at.get("download_button")] == TEMPLATES
    department = picker(at, "Department")
    assert (department.options, department.value) == (["Emergency Medical Services", "Louisville Fire"], "ems")
    assert picker(at, "Undo a batch") is None, "the sample city's batches each touch other departments"
    assert "None of these batches can be undone with your rights" in " ".join(c.value for c in at.caption)

    for name, rows, by in (("ems-june.csv", "ems,response_time,2016-06,12.5", analyst),
                           ("fire-june.csv", "fire,overtime_hours,2016-06,21000", admin),
                           ("hr-june.csv", "hr,overtime_hours,2016-06,120", admin)):
        assert ingest(city, f"department,kpi,period,value\n{rows}\n".encode(), name=name, actor=by).status == (
            "committed")

    undo = picker(open_page("upload", ANALYST), "Undo a batch")
    assert undo.options == ["Batch 6: fire-june.csv", "Batch 5: ems-june.csv"]
    assert undo.value == 5, "the analyst's own batch, not the newer one an admin made"


def test_an_admins_upload_page_offers_every_template_department_and_batch(city: Engine) -> None:
    admin = signed_in(city, ADMIN, via="page")
    at = open_page("upload", ADMIN)
    assert [b.label for b in at.get("download_button")] == ["KPI definitions template", *TEMPLATES]
    assert len(picker(at, "Department").options) == 8
    assert picker(at, "Undo a batch").options == [
        "Batch 4: process_changes.csv", "Batch 3: hiring.csv", "Batch 2: values.csv", "Batch 1: definitions.csv"]
    assert picker(at, "Undo a batch").value == 4

    ingest(city, b"department,kpi,period,value\nhr,overtime_hours,2016-06,120\n", name="hr-june.csv", actor=admin)
    ingest(city, b"department,kpi,period,value\nems,response_time,2016-06,12.5\n", name="ems.csv",
           actor=signed_in(city, ANALYST, via="page"))
    undo = picker(open_page("upload", ADMIN), "Undo a batch")
    assert undo.options[:2] == ["Batch 6: ems.csv", "Batch 5: hr-june.csv"] and undo.value == 5
