"""The meetings store: a meeting and its agenda saved, reordered, trimmed and added to; notes that survive a new
connection; follow-ups carried to each later meeting until closed; every write one batch that can be undone."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select

from louiestat import meetings
from louiestat.access import audit
from louiestat.db.engine import make_engine
from louiestat.db.models import agenda_item_history
from louiestat.errors import MeetingRefused, UnknownDepartment
from louiestat.meetings.briefing import AgendaItem, Briefing
from louiestat.writing.batches import list_batches, undo_batch
from tests.conftest import snapshot
from tests.meetings.conftest import ADMIN

MAY_MEETING = dt.date(2016, 6, 14)
JULY_MEETING = dt.date(2016, 7, 20)


def hr_briefing(date: dt.date = MAY_MEETING, as_of: str = "2016-05") -> Briefing:
    return Briefing(
        department="hr", department_name="Human Resources", as_of=as_of, title=f"HR stat {as_of}", date=date,
        attendees=["Chief of Staff", "HR Director"],
        items=[
            AgendaItem(kind="off_target", kpi="overtime_hours", title="Unscheduled overtime hours",
                       reason="Worse than target", question="Why?", minutes=10),
            AgendaItem(kind="missing", kpi="sick_leave_hours", title="Sick-leave hours per FTE",
                       reason="No data for May 2016 yet", question="When?", minutes=4),
            AgendaItem(kind="projected", kpi="time_to_fill", title="Time to fill vacancies", reason="Not on pace",
                       question="What would help?", minutes=6),
        ],
    )


def test_a_meeting_is_stored_with_its_agenda_in_order(city: Engine) -> None:
    meeting_id = meetings.create_meeting(city, ADMIN, hr_briefing())
    stored = meetings.briefing(city, meeting_id)
    assert (stored.meeting_id, stored.status, stored.attendees) == (meeting_id, "planned", ["Chief of Staff", "HR Director"])
    assert [(i.kind, i.kpi, i.minutes) for i in stored.items] == [
        ("off_target", "overtime_hours", 10), ("missing", "sick_leave_hours", 4), ("projected", "time_to_fill", 6)]
    batch = list_batches(city).iloc[0]
    assert (batch["kind"], batch["actor"], batch["inserted"]) == ("meeting", "perf@city.gov", 4)
    assert audit.events(city).iloc[0]["detail"] == (
        "meeting: meeting of hr on 2016-06-14: HR stat 2016-05")
    listed = meetings.meetings(city)
    assert listed[["meeting_id", "department", "title", "status", "items"]].values.tolist() == [
        [meeting_id, "hr", "HR stat 2016-05", "planned", 3]]


def test_the_agenda_is_reordered_trimmed_and_given_a_free_topic(city: Engine) -> None:
    meeting_id = meetings.create_meeting(city, ADMIN, hr_briefing())
    overtime, _, fill = meetings.briefing(city, meeting_id).items
    topic = AgendaItem(kind="topic", title="Summer hiring for the pools", reason="Asked by the Mayor", minutes=5)
    batch_id = meetings.save_agenda(city, ADMIN, meeting_id, [fill.model_copy(update={"minutes": 8}), topic, overtime])
    stored = meetings.briefing(city, meeting_id)
    assert [(i.title, i.minutes) for i in stored.items] == [
        ("Time to fill vacancies", 8), ("Summer hiring for the pools", 5), ("Unscheduled overtime hours", 10)]
    assert [i.id for i in stored.items][::2] == [fill.id, overtime.id]
    batch = list_batches(city).iloc[0]
    assert (batch["id"], batch["inserted"], batch["updated"], batch["deleted"], batch["unchanged"]) == (
        batch_id, 1, 2, 1, 0)
    with city.connect() as conn:
        superseded = conn.execute(select(func.count()).select_from(agenda_item_history)
                                  .where(agenda_item_history.c.superseded_by_batch_id == batch_id)).scalar_one()
    assert superseded == 3  # the two moved items and the dropped one, as they were


def test_notes_saved_survive_a_new_connection(city: Engine, database_url: str) -> None:
    meeting_id = meetings.create_meeting(city, ADMIN, hr_briefing())
    overtime, sick, _ = meetings.briefing(city, meeting_id).items
    meetings.save_notes(city, ADMIN, meeting_id, {overtime.id: "Overtime follows the vacancies.", sick.id: ""})
    meetings.save_notes(city, ADMIN, meeting_id, {sick.id: "Data comes from payroll on the 12th."})
    fresh = make_engine(database_url)
    try:
        notes = [item.notes for item in meetings.briefing(fresh, meeting_id).items]
    finally:
        fresh.dispose()
    assert notes == ["Overtime follows the vacancies.", "Data comes from payroll on the 12th.", ""]
    assert list_batches(city)[["kind", "updated", "unchanged"]].head(2).values.tolist() == [
        ["meeting_notes", 1, 0], ["meeting_notes", 1, 1]]


def test_the_presenter_position_is_stored_for_a_second_screen(city: Engine) -> None:
    meeting_id = meetings.create_meeting(city, ADMIN, hr_briefing())
    meetings.set_current(city, ADMIN, meeting_id, 2)
    assert meetings.briefing(city, meeting_id).current_position == 2
    with pytest.raises(MeetingRefused, match="meeting 1 has no agenda position 4; it has 1 to 3"):
        meetings.set_current(city, ADMIN, meeting_id, 4)


def test_open_follow_ups_carry_over_to_later_meetings_until_closed(city: Engine) -> None:
    may = meetings.create_meeting(city, ADMIN, hr_briefing())
    report = meetings.add_followup(city, ADMIN, "hr", what="Report on overtime by shift", owner="HR Director",
                                   due=dt.date(2016, 7, 1), kpi="overtime_hours", raised_in=may)
    payroll = meetings.add_followup(city, ADMIN, "hr", what="Get payroll data by the 10th", owner="Payroll",
                                    due=dt.date(2016, 8, 15), raised_in=may)
    july = meetings.create_meeting(city, ADMIN, hr_briefing(JULY_MEETING, "2016-06"))
    raised_in_july = meetings.add_followup(city, ADMIN, "hr", what="Cost a second shift", owner="HR Director",
                                           due=dt.date(2016, 9, 1), raised_in=july)
    assert [f.id for f in meetings.briefing(city, july).followups] == [report, payroll, raised_in_july]
    assert [f.id for f in meetings.briefing(city, may).followups] == [report, payroll]

    meetings.close_followup(city, ADMIN, report, "Sent on 30 June: evening shifts carry 60%.",
                            at=dt.datetime(2016, 6, 30, 9))
    carried = meetings.briefing(city, july).followups
    assert [f.id for f in carried] == [payroll, raised_in_july]
    closed = meetings.briefing(city, may).followups[0]
    assert (closed.id, closed.status, closed.response, closed.closed_by, closed.raised_on) == (
        report, "done", "Sent on 30 June: evening shifts carry 60%.", "perf@city.gov", MAY_MEETING)


def test_follow_ups_across_the_city_with_due_dates_in_words(city: Engine) -> None:
    meetings.add_followup(city, ADMIN, "hr", what="Overdue one", owner="HR Director", due=dt.date(2016, 7, 8))
    moved = meetings.add_followup(city, ADMIN, "ems", what="Moved one", owner="EMS Director",
                                  due=dt.date(2016, 7, 1))
    meetings.reschedule_followup(city, ADMIN, moved, dt.date(2016, 7, 23))
    done = meetings.add_followup(city, ADMIN, "hr", what="Done one", owner="Payroll", due=dt.date(2016, 7, 1))
    meetings.close_followup(city, ADMIN, done, "Done on time.", at=dt.datetime(2016, 6, 29, 10))
    table = meetings.followup_table(city, JULY_MEETING)
    assert table[["what", "state", "due_text", "due_by"]].values.tolist() == [
        ["Overdue one", "overdue", "12 days overdue", dt.date(2016, 7, 8)],
        ["Moved one", "open", "due in 3 days", dt.date(2016, 7, 23)],
        ["Done one", "done", "done 2016-06-29", dt.date(2016, 7, 1)],
    ]
    assert meetings.followup_table(city, JULY_MEETING, state="overdue")["what"].tolist() == ["Overdue one"]
    assert meetings.followup_table(city, JULY_MEETING, state="open")["what"].tolist() == ["Overdue one", "Moved one"]
    assert meetings.followup_table(city, JULY_MEETING, owner="Payroll")["what"].tolist() == ["Done one"]
    assert meetings.followup_table(city, JULY_MEETING, department_slug="ems")["what"].tolist() == ["Moved one"]
    assert meetings.followup_table(city, dt.date(2016, 8, 10), closed_within_days=30)["what"].tolist() == [
        "Overdue one", "Moved one"]
    read_once = meetings.followup_table(city, JULY_MEETING)  # the Follow-ups page filters one read
    assert meetings.filter_followups(read_once, JULY_MEETING, owner="Payroll")["what"].tolist() == ["Done one"]
    assert meetings.filter_followups(read_once, JULY_MEETING, closed_within_days=21)["what"].tolist() == [
        "Overdue one", "Moved one", "Done one"]
    assert meetings.filter_followups(read_once, JULY_MEETING, owner="Payroll", closed_within_days=20).empty
    assert meetings.filter_followups(read_once, JULY_MEETING, owner="HR Director", state="open")["what"].tolist() == [
        "Overdue one"]
    assert read_once["what"].tolist() == ["Overdue one", "Moved one", "Done one"]
    with pytest.raises(MeetingRefused, match="no follow-up status 'late'; known: open, overdue, done, dropped"):
        meetings.filter_followups(read_once, JULY_MEETING, state="late")
    assert meetings.followup_counts(city, JULY_MEETING).to_dict("index") == {
        "hr": {"open": 1, "overdue": 1}, "ems": {"open": 1, "overdue": 0}}


def test_closing_needs_a_response_and_an_open_follow_up(city: Engine) -> None:
    followup = meetings.add_followup(city, ADMIN, "hr", what="Report", owner="HR Director", due=dt.date(2016, 7, 1))
    before = snapshot(city)
    with pytest.raises(MeetingRefused, match="closing follow-up 1 needs the response"):
        meetings.close_followup(city, ADMIN, followup, "  ")
    assert snapshot(city) == before
    meetings.close_followup(city, ADMIN, followup, "Dropped: no longer needed.", status="dropped")
    with pytest.raises(MeetingRefused, match="follow-up 1 is already dropped; only open follow-ups change"):
        meetings.close_followup(city, ADMIN, followup, "Again")


def test_unknown_department_kpi_and_meeting_are_named(city: Engine) -> None:
    before = snapshot(city)
    with pytest.raises(UnknownDepartment, match="no department 'parks'; known: ems, hr"):
        meetings.add_followup(city, ADMIN, "parks", what="x", owner="y", due=dt.date(2016, 7, 1))
    with pytest.raises(MeetingRefused, match="hr has no KPI 'response_time'; known: overtime_hours, "):
        meetings.add_followup(city, ADMIN, "hr", what="x", owner="y", due=dt.date(2016, 7, 1), kpi="response_time")
    with pytest.raises(MeetingRefused, match="there is no meeting 9"):
        meetings.save_notes(city, ADMIN, 9, {1: "x"})
    assert snapshot(city) == before


def test_meeting_batches_are_undone_newest_first(city: Engine) -> None:
    meeting_id = meetings.create_meeting(city, ADMIN, hr_briefing())
    after_create = snapshot(city)
    items = meetings.briefing(city, meeting_id).items
    agenda_batch = meetings.save_agenda(city, ADMIN, meeting_id, items[::-1][:2])  # one moved, one kept, one dropped
    notes_batch = meetings.save_notes(city, ADMIN, meeting_id, {items[2].id: "Moved first."})
    assert undo_batch(city, notes_batch, ADMIN).message == (
        f"Undid batch {notes_batch} (the undo is batch {notes_batch + 1}): restored 1 agenda item it changed.")
    assert undo_batch(city, agenda_batch, ADMIN).message == (
        f"Undid batch {agenda_batch} (the undo is batch {notes_batch + 2}): restored 2 agenda items it changed.")
    restored = snapshot(city)
    assert restored["agenda_items"] == after_create["agenda_items"]
    assert restored["meetings"] == after_create["meetings"]
