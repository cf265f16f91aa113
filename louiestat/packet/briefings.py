"""Where the CLI gets the ``Briefing`` it prints: a stored meeting, or the agenda the meetings store proposes
for a department and month (``briefing_for``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from louiestat import meetings
from louiestat.config import get_settings
from louiestat.errors import MeetingRefused
from louiestat.meetings.briefing import Briefing
from louiestat.packet.errors import BriefingNotFound
from louiestat.reading import views


def briefing_for(
    engine: Engine, department: str | None, as_of: str | None, meeting_id: int | None, today: dt.date | None = None,
    *, city: views.City | None = None,
) -> Briefing:
    """The stored meeting ``meeting_id``, or the agenda proposed for ``department`` as of ``as_of`` (YYYY-MM);
    raises ``BriefingNotFound`` naming what is accepted. ``city`` saves reading the stored city again when the
    caller has it (the packet needs it too)."""
    try:
        if meeting_id is not None:
            return meetings.briefing(engine, meeting_id)
        if department is None or as_of is None:
            raise BriefingNotFound("name a DEPARTMENT and --as-of YYYY-MM, or a stored meeting")
        city = city or views.City.load(engine)
        _check_month(city, as_of)
        return meetings.propose(engine, department, as_of, city=city, today=today)
    except MeetingRefused as exc:
        raise BriefingNotFound(str(exc)) from exc


def _check_month(city: views.City, as_of: str) -> None:
    """BriefingNotFound unless ``as_of`` is a month with data, naming the months there are."""
    months = views.months_offered(city, get_settings().reporting_share).options
    if as_of not in months:
        accepted = f"a month from {months[-1]} to {months[0]}" if months else "none: no values are stored yet"
        raise BriefingNotFound(f"no data for the month {as_of}; accepted: {accepted} (YYYY-MM)")
