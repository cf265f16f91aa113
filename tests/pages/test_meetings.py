"""The Follow-ups and Meetings pages on the sample city with its held meetings: filters in the URL, statuses in
words, closing with a response, the open and overdue counts on the scorecard and overview, an edited agenda saved
as a planned meeting (its minutes counted as the packet counts them, an order it would not keep refused), a
meeting marked held with its times, and the agenda read-only for those who may not save it."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from louiestat import meetings
from louiestat.db.engine import make_engine
from louiestat.packet import packet_pdf
from louiestat.reading import views
from tests.conftest import shown, snapshot
from tests.packet.conftest import page_texts
from tests.pages.conftest import _runner, _use

AGENDA = "agenda_codes_2016-06"  # the editor's key: Codes & Regulations' agenda about June 2016


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


def test_an_analyst_reads_the_agenda_with_nothing_to_edit_or_save(open_as) -> None:
    at = open_as("analyst@city.example", "meetings", department="ems", as_of="2016-06")
    assert not at.data_editor  # a table to read, not an editor inviting edits that cannot be saved
    agenda = at.dataframe[0].value
    assert list(agenda.columns) == ["order", "title", "kind", "minutes", "reason", "question"]
    assert agenda["order"].tolist() == list(range(1, len(agenda) + 1)) and agenda["title"].notna().all()
    assert f"{len(agenda)} items, {agenda['minutes'].sum()} of 90 minutes" in [c.value for c in at.caption]
    assert not [b for b in at.button if b.label in ("Save as a planned meeting", "Mark held")]
    assert not at.page_link  # no "Present meeting"
    assert ("analyst@city.example is an analyst, and stat meetings and follow-ups are changed by admins only "
            "(the performance office).") in [i.value for i in at.info]


def test_an_admins_editor_shows_blanks_as_blanks_and_a_new_rows_keep_box_ticked(open_as) -> None:
    editor = open_as("admin@city.example", "meetings", department="codes", as_of="2016-06").data_editor[0]
    columns = json.loads(editor.proto.columns)
    assert editor.editing_mode == "dynamic" and editor.proto.placeholder == ""  # not "None" in an empty cell
    new_row = {name: column.get("default") for name, column in columns.items()}
    assert {key: new_row[key] for key in ("keep", "kind", "minutes", "reason")} == {  # a new row: a topic, kept
        "keep": True, "kind": "Topic", "minutes": 10, "reason": "Added by the facilitator"}
    assert "min_value" not in columns["order"]  # an Order of 0 reaches the check, which names it


def test_the_page_counts_the_agenda_minutes_as_the_packet_prints_them(open_as, meetings_engine: Engine,
                                                                      tmp_path: Path) -> None:
    at = open_as("admin@city.example", "meetings", department="codes", as_of="2016-06")
    at.session_state[AGENDA] = {  # both proposed items dropped; two free topics added, one with no minutes
        "edited_rows": {0: {"keep": False}, 1: {"keep": False}},
        "added_rows": [{"keep": True, "title": "Summer pools"}, {"keep": True, "title": "Budget", "minutes": 25}],
        "deleted_rows": [],
    }
    at.run()
    assert "2 items, 35 of 90 minutes" in [c.value for c in at.caption]  # the blank one: a topic's 10 minutes
    next(b for b in at.button if b.label == "Save as a planned meeting").click().run()
    saved = meetings.briefing(meetings_engine, int(meetings.meetings(meetings_engine, "codes")["meeting_id"].iloc[0]))
    assert [(i.title, i.minutes) for i in saved.items] == [("Summer pools", 10), ("Budget", 25)]
    pdf = tmp_path / "packet.pdf"
    pdf.write_bytes(packet_pdf(views.City.load(meetings_engine), saved))  # free topics only: no charts to draw
    assert "Total 35 min" in page_texts(pdf)[0]


def test_an_order_the_agenda_would_not_keep_is_explained_and_not_saved(open_as, meetings_engine: Engine) -> None:
    at = open_as("admin@city.example", "meetings", department="codes", as_of="2016-06")
    at.session_state[AGENDA] = {"edited_rows": {1: {"order": 0}}, "added_rows": [{"keep": True, "title": "Pools",
                                                                                  "order": 1}], "deleted_rows": []}
    at.run()
    assert [shown(w.value) for w in at.warning] == [(
        "Not saved as it is: agenda row 2: Order 0 is not a place on the agenda; agenda rows 1 and 3 both have "
        "Order 1; give each kept row a whole number from 1 up, each number once (a blank Order goes last).")]
    before = snapshot(meetings_engine)
    next(b for b in at.button if b.label == "Save as a planned meeting").click().run()
    assert at.error[0].value == "The agenda above has rows that cannot be saved as they are; nothing was written."
    assert snapshot(meetings_engine) == before


@pytest.mark.usefixtures("louisville_clock")
def test_an_admin_marks_a_meeting_held_with_its_times(open_as, meetings_engine: Engine) -> None:
    at = open_as("admin@city.example", "meetings", department="hr", as_of="2016-06")
    assert at.dataframe[1].value[["meeting_id", "status", "held"]].values.tolist() == [[1, "held", ""]]
    assert at.selectbox(key="held_meeting").value == 1
    before = snapshot(meetings_engine)
    at.date_input(key="held_1_day").set_value(dt.date(2016, 6, 14))
    at.time_input(key="held_1_start").set_value(dt.time(14, 0))
    at.time_input(key="held_1_end").set_value(dt.time(13, 30))
    at.button[[b.label for b in at.button].index("Mark held")].click().run()
    assert at.error[0].value == ("meeting 1: the end (13:30 on 14 June 2016) must be after the start (14:00 on "
                                 "14 June 2016); nothing was written")
    assert snapshot(meetings_engine) == before

    at.time_input(key="held_1_end").set_value(dt.time(15, 25))
    at.button[[b.label for b in at.button].index("Mark held")].click().run()
    assert at.success[0].value == "Meeting 1 is marked held on 14 June 2016, 14:00–15:25."
    assert at.dataframe[1].value[["meeting_id", "status", "held"]].values.tolist() == [[1, "held", "14:00–15:25"]]
    held = meetings.briefing(meetings_engine, 1)
    assert (held.date, held.started_at, held.ended_at) == (  # typed on Louisville's clock, stored in UTC
        dt.date(2016, 6, 14), dt.datetime(2016, 6, 14, 18, 0), dt.datetime(2016, 6, 14, 19, 25))
