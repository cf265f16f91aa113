"""Who may write what of a stat meeting: admins everything; an analyst of the department may record a follow-up's
response and close it as done, nothing else; a viewer nothing. A refusal leaves every table as it was."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import Engine

from louiestat import meetings
from louiestat.access.principal import Principal
from louiestat.errors import WriteRefused
from louiestat.meetings.briefing import AgendaItem, Briefing
from louiestat.writing.batches import list_batches, undo_batch
from tests.conftest import snapshot
from tests.meetings.conftest import ADMIN, EMS_ANALYST, HR_ANALYST, VIEWER

BRIEFING = Briefing(
    department="hr", department_name="Human Resources", as_of="2016-05", title="HR stat", date=dt.date(2016, 6, 14),
    items=[AgendaItem(kind="topic", title="Hiring", reason="Asked"), AgendaItem(kind="topic", title="Pay", reason="x")],
)


@pytest.fixture
def held(city: Engine) -> tuple[Engine, int, int]:
    """The inline city with an HR meeting and one open follow-up it raised."""
    meeting_id = meetings.create_meeting(city, ADMIN, BRIEFING)
    followup_id = meetings.add_followup(city, ADMIN, "hr", what="Report", owner="HR Director",
                                        due=dt.date(2016, 7, 1), raised_in=meeting_id)
    return city, meeting_id, followup_id


WRITES: dict[str, Callable[[Engine, Principal, int, int], object]] = {
    "create a meeting": lambda e, by, m, f: meetings.create_meeting(e, by, BRIEFING),
    "save the agenda": lambda e, by, m, f: meetings.save_agenda(e, by, m, meetings.briefing(e, m).items[::-1]),
    "save notes": lambda e, by, m, f: meetings.save_notes(e, by, m, {meetings.briefing(e, m).items[0].id: "Noted"}),
    "move the presenter": lambda e, by, m, f: meetings.set_current(e, by, m, 2),
    "hold the meeting": lambda e, by, m, f: meetings.update_meeting(e, by, m, status="held"),
    "start the meeting": lambda e, by, m, f: meetings.start_meeting(e, by, m, 1),
    "mark it held with its times": lambda e, by, m, f: meetings.mark_held(e, by, m, dt.datetime(2016, 6, 14, 14),
                                                                          dt.datetime(2016, 6, 14, 15, 30)),
    "add a follow-up": lambda e, by, m, f: meetings.add_followup(e, by, "hr", what="More", owner="HR Director",
                                                              due=dt.date(2016, 8, 1)),
    "reschedule a follow-up": lambda e, by, m, f: meetings.reschedule_followup(e, by, f, dt.date(2016, 8, 1)),
    "drop a follow-up": lambda e, by, m, f: meetings.close_followup(e, by, f, "Not needed", status="dropped"),
    "close a follow-up as done": lambda e, by, m, f: meetings.close_followup(e, by, f, "Sent the report"),
}


@pytest.mark.parametrize("action", list(WRITES))
def test_an_admin_makes_every_meeting_write(held, action: str) -> None:
    engine, meeting_id, followup_id = held
    before = len(list_batches(engine))
    WRITES[action](engine, ADMIN, meeting_id, followup_id)
    assert len(list_batches(engine)) == before + 1 and list_batches(engine).iloc[0]["actor"] == "perf@city.gov"


@pytest.mark.parametrize("action", [a for a in WRITES if a != "close a follow-up as done"])
def test_an_analyst_of_the_department_is_refused_all_but_closing_and_nothing_is_written(held, action: str) -> None:
    engine, meeting_id, followup_id = held
    before = snapshot(engine)
    with pytest.raises(WriteRefused, match="ann@city.gov is an analyst, and .* are changed by admins only"):
        WRITES[action](engine, HR_ANALYST, meeting_id, followup_id)
    assert snapshot(engine) == before


def test_an_analyst_of_the_department_closes_a_follow_up_with_the_response(held) -> None:
    engine, meeting_id, followup_id = held
    meetings.close_followup(engine, HR_ANALYST, followup_id, "Sent the report on 30 June")
    closed = meetings.briefing(engine, meeting_id).followups[0]
    assert (closed.status, closed.response, closed.closed_by) == ("done", "Sent the report on 30 June", "ann@city.gov")
    assert list_batches(engine).iloc[0][["kind", "actor"]].tolist() == ["followup", "ann@city.gov"]


@pytest.mark.parametrize(("who", "message"), [
    (EMS_ANALYST, "eli@city.gov may not change the meetings and follow-ups of Human Resources (they may change Emergency "
     "Medical Services only)"),
    (VIEWER, "val@city.gov may not change the meetings and follow-ups of Human Resources (they may change nothing)"),
])
def test_another_departments_analyst_and_a_viewer_may_not_close_it(held, who: Principal, message: str) -> None:
    engine, _, followup_id = held
    before = snapshot(engine)
    with pytest.raises(WriteRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        meetings.close_followup(engine, who, followup_id, "Done")
    assert snapshot(engine) == before


@pytest.mark.parametrize("action", list(WRITES))
def test_a_viewer_writes_nothing(held, action: str) -> None:
    engine, meeting_id, followup_id = held
    before = snapshot(engine)
    with pytest.raises(WriteRefused, match="val@city.gov"):
        WRITES[action](engine, VIEWER, meeting_id, followup_id)
    assert snapshot(engine) == before


def test_only_an_admin_undoes_a_meeting_batch(held) -> None:
    engine, meeting_id, followup_id = held
    batch_id = meetings.close_followup(engine, HR_ANALYST, followup_id, "Sent")
    before = snapshot(engine)
    with pytest.raises(WriteRefused, match="ann@city.gov is an analyst, and stat meetings and follow-ups are changed "
                                           "by admins only"):
        undo_batch(engine, batch_id, HR_ANALYST)
    assert snapshot(engine) == before
    undo_batch(engine, batch_id, ADMIN)
    assert meetings.briefing(engine, meeting_id).followups[0].status == "open"
