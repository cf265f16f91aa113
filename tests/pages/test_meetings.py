"""The Follow-ups and Meetings pages on the sample city with its held meetings: filters in the URL, statuses in
words, closing with a response, the open and overdue counts on the scorecard and overview, and an edited agenda
saved as a planned meeting."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from louiestat import meetings
from louiestat.db.engine import make_engine
from tests.conftest import shown, snapshot
from tests.pages.conftest import _runner, _use


@pytest.fixture
def meetings_engine(meetings_city_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "louiestat.db"
    shutil.copy(meetings_city_file, path)
    url = f"sqlite:///{path}"
    _use(url, monkeypatch)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def open_as(meetings_engine: Engine) -> Callable[..., AppTest]:
    """``open_as(email, page, **params)``: run the app signed in as a sample account."""

    def run(email: str, page: str, **params: str) -> AppTest:
        return _runner()(page, user=email, **params)

    return run


def table(at: AppTest, n: int = 0):
    return at.dataframe[n].value


def test_follow_ups_are_listed_overdue_first_with_status_in_words(open_as, meetings_engine: Engine) -> None:
    at = open_as("viewer@city.example", "followups", closed="all")
    shown = table(at)
    assert len(shown) == 20
    assert shown["Status"].tolist()[:13] == ["⚠ Overdue"] * 13
    assert set(shown["Status"].tolist()[13:]) == {"✔ Done", "✖ Dropped"}
    days = (dt.date.today() - dt.date(2016, 7, 1)).days
    first = shown.iloc[0]
    assert (first["Department"], first["What"], first["When"]) == (
        "Human Resources", "Bring exit-interview findings for the first-year leavers", f"{days:,} days overdue")
    assert "13 open follow-ups, 13 overdue · 7 closed shown" in at.caption[0].value
    assert first["KPI"] == "Monthly turnover"  # the KPI's name, not its key (turnover_rate)
    keyed = meetings.followup_table(meetings_engine, dt.date.today())["kpi"].dropna()
    assert not set(shown["KPI"]) & set(keyed) and set(shown["KPI"]) >= {"Monthly turnover", ""}


def test_filters_live_in_the_url(open_as) -> None:
    at = open_as("viewer@city.example", "followups", department="ems", status="done", closed="all")
    shown = table(at)
    assert shown[["What", "Status", "Response"]].values.tolist() == [[
        "Overtime by shift and station for the next meeting", "✔ Done",
        "Sent to the Performance Office: 60% of overtime is on evening shifts at two stations."]]
    at = open_as("viewer@city.example", "followups", owner="Fleet Manager")
    assert table(at)["What"].tolist() == ["Plan to cut parts waiting time for the packer trucks"]
    assert at.query_params["owner"] == "Fleet Manager"


def test_closing_asks_for_the_response(open_as, meetings_engine: Engine) -> None:
    at = open_as("analyst@city.example", "followups", department="ems")
    form_select = next(s for s in at.selectbox if s.label == "Follow-up")
    assert form_select.value == 8
    before = snapshot(meetings_engine)
    next(b for b in at.button if b.label == "Close as done").click().run()
    assert "closing follow-up 8 needs the response" in shown(at.error[0].value)
    assert snapshot(meetings_engine) == before
    at.text_area[0].input("Offload agreement signed with both hospitals on 12 July.")
    next(b for b in at.button if b.label == "Close as done").click().run()
    closed = meetings.followup_table(meetings_engine, dt.date.today(), department_slug="ems")
    row = closed.loc[closed["id"] == 8].iloc[0]
    assert (row["status"], row["response"], row["closed_by"]) == (
        "done", "Offload agreement signed with both hospitals on 12 July.", "analyst@city.example")


def test_an_analyst_is_not_offered_another_departments_follow_up_to_close(open_as) -> None:
    at = open_as("analyst@city.example", "followups", department="hr")
    assert len(table(at)) > 0
    assert not at.text_area and "Close as done" not in [b.label for b in at.button]


def test_scorecard_and_overview_show_open_and_overdue_counts(open_as) -> None:
    at = open_as("viewer@city.example", "scorecard", department="public_works", as_of="2016-06")
    assert (":material/checklist: Stat-meeting follow-ups: 3 open follow-ups, 3 overdue · listed on the "
            "Follow-ups page") in [caption.value for caption in at.caption]
    at = open_as("viewer@city.example", "overview")
    assert (":material/checklist: Stat-meeting follow-ups: 13 open follow-ups, 13 overdue · listed on the "
            "Follow-ups page") in [caption.value for caption in at.caption]


def test_the_meetings_page_proposes_the_agenda_and_saves_the_edited_one(open_as, meetings_engine: Engine) -> None:
    at = open_as("admin@city.example", "meetings", department="codes", as_of="2016-06")
    assert "2 items, 15 of 90 minutes" in [caption.value for caption in at.caption]
    stored_before = meetings.meetings(meetings_engine, "codes")
    assert stored_before["status"].tolist() == ["held"]
    next(b for b in at.button if b.label == "Save as a planned meeting").click().run()
    stored = meetings.meetings(meetings_engine, "codes")
    assert stored[["status", "as_of", "items"]].values.tolist()[0] == ["planned", "2016-06", 2]
    saved = meetings.briefing(meetings_engine, int(stored["meeting_id"].iloc[0]))
    assert [(i.kind, i.kpi) for i in saved.items] == [("followup", "property_inspections"), ("off_target", "time_to_fill")]
    assert "Saved as meeting 9" in at.success[0].value
    assert [f.what for f in saved.followups] == ["Hire three property maintenance inspectors"]


def test_an_analyst_sees_the_proposal_but_no_save(open_as) -> None:
    at = open_as("analyst@city.example", "meetings", department="ems", as_of="2016-06")
    assert not [b for b in at.button if b.label == "Save as a planned meeting"]
    assert "analyst@city.example is an analyst, and meetings, agendas and meeting notes are changed by admins only" in (
        at.info[-2].value if len(at.info) > 1 else at.info[0].value)
