"""The sample city's stat meetings (``sample_data/meetings.json``), loaded through the store as any facilitator's
would be: each meeting's agenda is the one proposed from the data for its month, narrowed to the items the file
names, with the notes taken and the follow-ups raised (some since closed, one moved)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import Engine

from louiestat.access.principal import Principal
from louiestat.errors import MeetingRefused
from louiestat.meetings.agenda import propose
from louiestat.meetings.briefing import AgendaItem
from louiestat.meetings.store import add_followup, close_followup, create_meeting, reschedule_followup
from louiestat.presentation.words import counted
from louiestat.reading import views
from louiestat.sample_city import SAMPLE_DATA

SAMPLE_MEETINGS = SAMPLE_DATA / "meetings.json"


class SampleItem(BaseModel):
    """An agenda item: a KPI the proposed agenda lists (``kpi``) or a free topic (``title``), with its notes."""

    kpi: str | None = None
    title: str | None = None
    notes: str = ""


class SampleFollowUp(BaseModel):
    what: str
    owner: str
    due: dt.date
    kpi: str | None = None
    revised_due: dt.date | None = None
    status: str = "open"
    response: str = ""
    closed_on: dt.date | None = None


class SampleMeeting(BaseModel):
    department: str
    as_of: str
    date: dt.date
    attendees: list[str]
    items: list[SampleItem]
    followups: list[SampleFollowUp] = []


class SampleMeetings(BaseModel):
    about: str = ""
    meetings: list[SampleMeeting]


def _agenda(proposed: list[AgendaItem], wanted: list[SampleItem], where: str) -> list[AgendaItem]:
    by_kpi = {item.kpi: item for item in proposed if item.kpi}
    missing = [item.kpi for item in wanted if item.kpi and item.kpi not in by_kpi]
    if missing:
        raise MeetingRefused(f"{where}: the proposed agenda has no item for {', '.join(missing)}; it has "
                             f"{', '.join(by_kpi) or 'none'}")
    return [
        by_kpi[item.kpi].model_copy(update={"notes": item.notes}) if item.kpi
        else AgendaItem(kind="topic", title=item.title or "Topic", reason="Raised by the department", notes=item.notes)
        for item in wanted
    ]


def load_sample_meetings(engine: Engine, by: Principal | str, path: Path = SAMPLE_MEETINGS) -> str:
    """Store the meetings and follow-ups in ``path`` (held, with their notes); returns what was loaded, in words."""
    sample = SampleMeetings.model_validate_json(path.read_text(encoding="utf-8"))
    city = views.City.load(engine)
    followups = closed = 0
    for meeting in sample.meetings:
        proposed = propose(engine, meeting.department, meeting.as_of, city=city, today=meeting.date)
        where = f"{path.name}, {meeting.department} on {meeting.date}"
        briefing = proposed.model_copy(update={
            "items": _agenda(proposed.items, meeting.items, where), "attendees": meeting.attendees,
            "status": "held", "followups": [],
        })
        meeting_id = create_meeting(engine, by, briefing)
        for item in meeting.followups:
            followup_id = add_followup(engine, by, meeting.department, what=item.what, owner=item.owner, due=item.due,
                                       kpi=item.kpi, raised_in=meeting_id)
            followups += 1
            if item.revised_due:
                reschedule_followup(engine, by, followup_id, item.revised_due)
            if item.status != "open":
                closed_at = dt.datetime.combine(item.closed_on or item.due, dt.time(12))
                close_followup(engine, by, followup_id, item.response, status=item.status, at=closed_at)
                closed += 1
    return (f"{path.name}: {counted(len(sample.meetings), 'held meeting')} with "
            f"{counted(followups, 'follow-up')} ({closed} closed)")
