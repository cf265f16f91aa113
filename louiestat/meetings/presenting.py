"""Presenting a stored meeting: the agenda item on screen (the one the presenter moved to, which a second screen
follows), the open follow-ups shown with it, and the meeting's clock against its 90 minutes."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel
from sqlalchemy import Connection, Engine, Subquery, func, select

from louiestat.db import models
from louiestat.db.versioned import MEETINGS
from louiestat.errors import MeetingRefused
from louiestat.meetings.briefing import AgendaItem, Briefing, FollowUp
from louiestat.meetings.read import briefing
from louiestat.reading.queries import _connection

MEETING_MINUTES = 90
"""How long a stat meeting runs (the stat programs' 90 minutes), against which the presenter shows time used."""

B = models.Batch


class Slide(BaseModel):
    """One screen of a meeting: the agenda item at ``position`` (1 first) of ``count``, its open follow-ups, and
    when the meeting was started today (None before the presenter's first move of the day)."""

    meeting: Briefing
    position: int
    item: AgendaItem
    followups: list[FollowUp]
    started_at: dt.datetime | None

    @property
    def count(self) -> int:
        return len(self.meeting.items)

    @property
    def ended(self) -> bool:
        """Whether the meeting was marked held with an end after this presentation started."""
        ended_at = self.meeting.ended_at
        return self.started_at is not None and ended_at is not None and ended_at >= self.started_at

    def minutes_used(self, now: dt.datetime) -> int:
        """Whole minutes since the meeting was started (0 before it is)."""
        return 0 if self.started_at is None else max(0, int((now - self.started_at).total_seconds() // 60))


def item_followups(meeting: Briefing, item: AgendaItem) -> list[FollowUp]:
    """The open follow-ups an item is about: those on its KPI, or the one a follow-up item carries."""
    return [f for f in meeting.followups if f.status == "open" and (
        (item.kpi is not None and f.kpi == item.kpi) or (item.followup_id is not None and f.id == item.followup_id))]


def _presenter_moves(meeting_id: int) -> Subquery:
    """When the presenter moved in the meeting: the presenter batches that replaced a version of its row."""
    history = MEETINGS.history
    return (
        select(B.created_at.label("at")).join(history, history.c.superseded_by_batch_id == B.id)
        .where(history.c.id == meeting_id, B.kind == "presenter")
        .subquery()
    )


def started_at(source: Engine | Connection, meeting_id: int, day: dt.date | None = None) -> dt.datetime | None:
    """When the meeting was started on ``day`` (default today, UTC): the presenter's first move that day, so a
    meeting presented again another day starts its clock again; None before it."""
    day = day or models.utcnow().date()
    moves = _presenter_moves(meeting_id)
    since, until = (dt.datetime.combine(d, dt.time()) for d in (day, day + dt.timedelta(days=1)))
    with _connection(source) as conn:
        return conn.execute(select(func.min(moves.c.at)).where(moves.c.at >= since, moves.c.at < until)).scalar_one()


def slide(source: Engine | Connection, meeting_id: int, position: int | None = None) -> Slide:
    """The meeting's item at ``position`` (default: where the presenter is, else the first), read afresh."""
    with _connection(source) as conn:
        meeting = briefing(conn, meeting_id)
        if not meeting.items:
            raise MeetingRefused(f"meeting {meeting_id} has no agenda items; add them on the Meetings page")
        position = position or meeting.current_position or 1
        if not 1 <= position <= len(meeting.items):
            raise MeetingRefused(f"meeting {meeting_id} has no agenda position {position}; it has 1 to "
                                 f"{len(meeting.items)}")
        item = meeting.items[position - 1]
        return Slide(meeting=meeting, position=position, item=item, followups=item_followups(meeting, item),
                     started_at=started_at(conn, meeting_id))
