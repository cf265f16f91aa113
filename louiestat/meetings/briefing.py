"""What a stat meeting is about, as plain data: its agenda items and the follow-ups it carries. The meetings
store builds it from the database, the presenter page shows it and the packet and minutes print it, so all three
read one shape."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel

ItemKind = Literal["followup", "off_target", "special_cause", "worsening", "missing", "projected", "topic"]
FollowUpStatus = Literal["open", "done", "dropped"]
MeetingStatus = Literal["planned", "held", "closed"]


class FollowUp(BaseModel):
    """A commitment made in a meeting: what, who, by when, and how it ended; ``raised_on`` is the date of the
    meeting that raised it (``raised_in``); ``kpi_name`` is the name of the KPI it is about (``kpi`` is its key)."""

    id: int
    department: str
    what: str
    owner: str
    due: dt.date
    revised_due: dt.date | None = None
    kpi: str | None = None
    kpi_name: str | None = None
    status: FollowUpStatus = "open"
    response: str | None = None
    closed_by: str | None = None
    closed_at: dt.datetime | None = None
    raised_in: int | None = None
    raised_on: dt.date | None = None

    @property
    def due_by(self) -> dt.date:
        """The date it is due now: the revised one when it was moved."""
        return self.revised_due or self.due

    def is_overdue(self, today: dt.date) -> bool:
        return self.status == "open" and self.due_by < today


class AgendaItem(BaseModel):
    """One topic of a meeting: a KPI (``kpi`` is its key) or a free topic, with why it is on the agenda."""

    kind: ItemKind
    kpi: str | None = None
    title: str
    reason: str
    question: str = ""
    minutes: int = 10
    presenter_notes: str = ""
    notes: str = ""
    followup_id: int | None = None
    id: int | None = None


class Briefing(BaseModel):
    """A department's meeting for one as-of month (``as_of`` is YYYY-MM): stored (``meeting_id``) or proposed;
    ``current_position`` is the agenda position (1 first) the presenter is on, which a second screen follows;
    ``started_at`` and ``ended_at`` (UTC) when it was held."""

    department: str
    department_name: str
    as_of: str
    title: str
    date: dt.date
    attendees: list[str] = []
    status: MeetingStatus = "planned"
    meeting_id: int | None = None
    current_position: int | None = None
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    items: list[AgendaItem] = []
    followups: list[FollowUp] = []


def agenda_minutes(items: list[AgendaItem]) -> int:
    """The minutes an agenda takes: the sum of its items' minutes, as the Meetings page counts them and the packet
    prints its total."""
    return sum(item.minutes for item in items)
