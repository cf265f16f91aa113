"""Presenting a stored meeting: the item on screen follows the stored position, so a second screen (another
connection) sees each move; notes and follow-ups typed on the item are read back from any connection; the clock
starts at the presenter's first move of the day (or Start meeting) and a meeting is marked held with the times it
started and ended; people who are not admins are refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine, select, update

from louiestat import meetings
from louiestat.db.engine import make_engine
from louiestat.db.models import Batch
from louiestat.errors import MeetingRefused, WriteRefused
from louiestat.meetings.presenting import MEETING_MINUTES, slide, started_at
from louiestat.meetings.store import held_between
from louiestat.packet import minutes_markdown
from louiestat.writing.batches import undo_batch
from tests.conftest import snapshot
from tests.meetings.conftest import ADMIN, HR_ANALYST, VIEWER


def hr_meeting(engine: Engine) -> int:
    """The sample HR meeting (May 2016): turnover, injury hours, onboarding days and a free topic."""
    stored = meetings.meetings(engine, "hr")
    return int(stored["meeting_id"].iloc[0])


def test_the_item_on_screen_is_the_stored_position_and_a_second_connection_follows(sample_meetings: Engine) -> None:
    meeting_id = hr_meeting(sample_meetings)
    first = slide(sample_meetings, meeting_id)
    assert (first.position, first.count, first.item.kpi) == (1, 4, "turnover_rate")
    assert first.meeting.current_position is None and first.started_at is None

    meetings.set_current(sample_meetings, ADMIN, meeting_id, 3)
    follower = make_engine(sample_meetings.url.render_as_string(hide_password=False))
    try:
        seen = slide(follower, meeting_id)
        assert (seen.position, seen.item.kpi, seen.item.title) == (3, "onboarding_days", "Days to onboard a new hire")
        meetings.set_current(sample_meetings, ADMIN, meeting_id, 4)
        topic = slide(follower, meeting_id)
        assert (topic.position, topic.item.kind, topic.item.kpi) == (4, "topic", None)
        assert topic.item.title == "Summer hiring for Parks pools" and topic.followups == []
    finally:
        follower.dispose()


def test_a_position_off_the_agenda_is_refused_with_the_range(sample_meetings: Engine) -> None:
    meeting_id = hr_meeting(sample_meetings)
    with pytest.raises(MeetingRefused, match=f"meeting {meeting_id} has no agenda position 5; it has 1 to 4"):
        slide(sample_meetings, meeting_id, 5)
    with pytest.raises(MeetingRefused, match="there is no meeting 999"):
        slide(sample_meetings, 999)


def test_an_item_shows_the_open_follow_ups_on_its_kpi_and_not_the_closed_ones(sample_meetings: Engine) -> None:
    meeting_id = hr_meeting(sample_meetings)
    turnover = slide(sample_meetings, meeting_id, 1)
    assert [f.what for f in turnover.followups] == ["Bring exit-interview findings for the first-year leavers"]
    injuries = slide(sample_meetings, meeting_id, 2)
    assert injuries.item.kpi == "injury_hours_lost" and injuries.followups == []  # the sample's one is done

    added = meetings.add_followup(sample_meetings, ADMIN, "hr", what="Split the claims by department",
                                  owner="Risk Manager", due=dt.date(2016, 7, 15), kpi="injury_hours_lost",
                                  raised_in=meeting_id)
    injuries = slide(sample_meetings, meeting_id, 2)
    assert [(f.id, f.what, f.owner, f.due) for f in injuries.followups] == [
        (added, "Split the claims by department", "Risk Manager", dt.date(2016, 7, 15))]
    meetings.close_followup(sample_meetings, ADMIN, added, "Split and sent to the directors")
    assert slide(sample_meetings, meeting_id, 2).followups == []


def test_notes_saved_on_an_item_are_read_back_from_a_new_connection(sample_meetings: Engine) -> None:
    meeting_id = hr_meeting(sample_meetings)
    item = slide(sample_meetings, meeting_id, 2).item
    meetings.save_notes(sample_meetings, ADMIN, meeting_id, {item.id: "Risk to report on both claims in July."})
    other = make_engine(sample_meetings.url.render_as_string(hide_password=False))
    try:
        assert slide(other, meeting_id, 2).item.notes == "Risk to report on both claims in July."
        assert slide(other, meeting_id, 1).item.notes == (
            "Exits are concentrated in the first year of service; exit interviews are not done consistently.")
    finally:
        other.dispose()


def test_the_clock_starts_at_the_presenters_first_move(sample_meetings: Engine) -> None:
    meeting_id = hr_meeting(sample_meetings)
    assert started_at(sample_meetings, meeting_id) is None
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    meetings.set_current(sample_meetings, ADMIN, meeting_id, 1)
    meetings.set_current(sample_meetings, ADMIN, meeting_id, 2)
    shown = slide(sample_meetings, meeting_id)
    assert before <= shown.started_at <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert shown.started_at == started_at(sample_meetings, meeting_id)
    assert shown.minutes_used(shown.started_at + dt.timedelta(minutes=23, seconds=40)) == 23
    assert MEETING_MINUTES == 90
    other_meeting = int(meetings.meetings(sample_meetings, "ems")["meeting_id"].iloc[0])
    assert started_at(sample_meetings, other_meeting) is None


def test_the_clock_reads_the_moves_of_its_own_meeting_only(sample_meetings: Engine) -> None:
    hr = meetings.briefing(sample_meetings, hr_meeting(sample_meetings))
    added = [meetings.create_meeting(sample_meetings, ADMIN, hr.model_copy(update={"status": "planned"}))
             for _ in range(4)]
    assert added[-1] == 12 and 1 in meetings.meetings(sample_meetings)["meeting_id"].tolist()
    meetings.update_meeting(sample_meetings, ADMIN, 1, status="closed")  # a change, but not a presenter's move
    meetings.set_current(sample_meetings, ADMIN, 12, 2)
    assert started_at(sample_meetings, 1) is None
    twelve = started_at(sample_meetings, 12)
    assert twelve is not None
    meetings.set_current(sample_meetings, ADMIN, 1, 2)
    assert started_at(sample_meetings, 1) >= twelve and started_at(sample_meetings, 12) == twelve


def test_a_meeting_presented_again_another_day_starts_its_clock_again(sample_meetings: Engine) -> None:
    meeting_id = hr_meeting(sample_meetings)
    yesterday = [meetings.set_current(sample_meetings, ADMIN, meeting_id, n) for n in (1, 2)]
    with sample_meetings.begin() as conn:  # both moves made a day earlier
        moved_at = dict(conn.execute(select(Batch.id, Batch.created_at).where(Batch.id.in_(yesterday))).all())
        for batch_id, at in moved_at.items():
            conn.execute(update(Batch).where(Batch.id == batch_id).values(created_at=at - dt.timedelta(days=1)))
    first_yesterday = moved_at[yesterday[0]] - dt.timedelta(days=1)
    assert started_at(sample_meetings, meeting_id) is None  # not started today
    assert slide(sample_meetings, meeting_id).started_at is None
    assert started_at(sample_meetings, meeting_id, first_yesterday.date()) == first_yesterday
    today = meetings.set_current(sample_meetings, ADMIN, meeting_id, 3)
    meetings.set_current(sample_meetings, ADMIN, meeting_id, 4)
    with sample_meetings.connect() as conn:
        first_today = conn.execute(select(Batch.created_at).where(Batch.id == today)).scalar_one()
    assert started_at(sample_meetings, meeting_id) == first_today


def test_an_undone_move_does_not_start_the_clock(sample_meetings: Engine) -> None:
    meeting_id = hr_meeting(sample_meetings)
    moved = meetings.set_current(sample_meetings, ADMIN, meeting_id, 2)
    assert started_at(sample_meetings, meeting_id) is not None
    undo_batch(sample_meetings, moved, ADMIN)
    assert started_at(sample_meetings, meeting_id) is None
    assert meetings.briefing(sample_meetings, meeting_id).current_position is None


@pytest.mark.parametrize("who", [VIEWER, HR_ANALYST])
def test_only_admins_present_take_notes_or_add_follow_ups_and_a_refusal_writes_nothing(
    sample_meetings: Engine, who
) -> None:
    meeting_id = hr_meeting(sample_meetings)
    item = slide(sample_meetings, meeting_id, 1).item
    before = snapshot(sample_meetings)
    with pytest.raises(WriteRefused, match=f"{who.label} is an? {who.role}, and .* admins only"):
        meetings.set_current(sample_meetings, who, meeting_id, 2)
    with pytest.raises(WriteRefused, match=f"{who.label} is an? {who.role}"):
        meetings.save_notes(sample_meetings, who, meeting_id, {item.id: "typed by someone else"})
    with pytest.raises(WriteRefused, match=f"{who.label} is an? {who.role}"):
        meetings.add_followup(sample_meetings, who, "hr", what="Anything", owner="Anyone", due=dt.date(2016, 7, 1),
                              kpi="turnover_rate", raised_in=meeting_id)
    assert snapshot(sample_meetings) == before


def test_start_meeting_starts_the_clock_on_the_item_the_presenter_is_already_on(sample_meetings: Engine) -> None:
    meeting_id = hr_meeting(sample_meetings)
    moved = meetings.set_current(sample_meetings, ADMIN, meeting_id, 2)
    with sample_meetings.begin() as conn:  # the move was made yesterday
        conn.execute(update(Batch).where(Batch.id == moved).values(created_at=Batch.created_at - dt.timedelta(days=1)))
    assert (slide(sample_meetings, meeting_id).position, slide(sample_meetings, meeting_id).started_at) == (2, None)

    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    meetings.start_meeting(sample_meetings, ADMIN, meeting_id, 2)  # a move to where it is, which still starts it
    started = slide(sample_meetings, meeting_id)
    assert started.position == 2 and before <= started.started_at <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
    assert abs(started.meeting.started_at - started.started_at) < dt.timedelta(seconds=1)
    assert started.meeting.ended_at is None and not started.ended
    with pytest.raises(MeetingRefused, match=f"meeting {meeting_id} has no agenda position 9; it has 1 to 4"):
        meetings.start_meeting(sample_meetings, ADMIN, meeting_id, 9)


@pytest.mark.usefixtures("louisville_clock")
def test_a_meeting_is_marked_held_with_its_times_and_times_it_cannot_have_are_refused(sample_meetings: Engine) -> None:
    meeting_id = hr_meeting(sample_meetings)
    before = snapshot(sample_meetings)
    june_14 = dt.datetime(2016, 6, 14, 18)  # 14:00 in Louisville
    with pytest.raises(MeetingRefused, match=(
            rf"^meeting {meeting_id}: the end \(13:00 on 14 June 2016\) must be after the start \(14:00 on 14 June "
            r"2016\); nothing was written$")):
        meetings.mark_held(sample_meetings, ADMIN, meeting_id, june_14, june_14 - dt.timedelta(hours=1))
    with pytest.raises(MeetingRefused, match="must be after the start"):
        meetings.mark_held(sample_meetings, ADMIN, meeting_id, june_14, june_14)
    soon = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(hours=2)
    with pytest.raises(MeetingRefused, match=f"meeting {meeting_id} ends at .*, which is still to come; mark it held "
                                             "once it has ended"):
        meetings.mark_held(sample_meetings, ADMIN, meeting_id, soon - dt.timedelta(hours=1), soon)
    with pytest.raises(MeetingRefused, match="marked held with the time it started and the time it ended"):
        held_between(dt.date(2016, 6, 14), dt.time(14), None)
    assert snapshot(sample_meetings) == before

    batch = meetings.mark_held(sample_meetings, ADMIN, meeting_id, *held_between(dt.date(2016, 6, 15), dt.time(14),
                                                                                 dt.time(15, 20)))
    held = meetings.briefing(sample_meetings, meeting_id)
    assert (held.status, held.date, held.started_at, held.ended_at) == (
        "held", dt.date(2016, 6, 15), dt.datetime(2016, 6, 15, 18), dt.datetime(2016, 6, 15, 19, 20))
    assert meetings.meetings(sample_meetings, "hr")[["started_at", "ended_at"]].values.tolist() == [
        [pd.Timestamp(2016, 6, 15, 18), pd.Timestamp(2016, 6, 15, 19, 20)]]
    undo_batch(sample_meetings, batch, ADMIN)
    restored = meetings.briefing(sample_meetings, meeting_id)
    assert (restored.status, restored.date, restored.started_at, restored.ended_at) == (
        "held", dt.date(2016, 6, 14), None, None)


@pytest.mark.usefixtures("louisville_clock")
def test_a_closed_meeting_marked_held_stays_closed(sample_meetings: Engine) -> None:
    meeting_id = hr_meeting(sample_meetings)
    meetings.update_meeting(sample_meetings, ADMIN, meeting_id, status="closed")
    meetings.mark_held(sample_meetings, ADMIN, meeting_id, dt.datetime(2016, 6, 14, 14), dt.datetime(2016, 6, 14, 15))
    closed = meetings.briefing(sample_meetings, meeting_id)
    assert closed.status == "closed"
    assert "- **Meeting:** Tuesday 14 June 2016, held 10:00–11:00 and closed" in minutes_markdown(closed)
