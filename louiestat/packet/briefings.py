"""Where the CLI gets the ``Briefing`` it prints: ``briefing_for``, the one seam to the meetings store.

Until ``louiestat.meetings`` (issue 12's store and agenda builder) is merged, a briefing is proposed here from
the scorecard alone (one item per off-target KPI, worst score first, the scorecard's sentence as its reason) and
no meeting is stored, so ``--meeting`` and ``minutes MEETING_ID`` find none. Merging replaces the body of
``briefing_for`` with the store's propose / read calls; nothing else changes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine

from louiestat import views
from louiestat.briefing import AgendaItem, Briefing
from louiestat.config import get_settings
from louiestat.packet.errors import BriefingNotFound
from louiestat.presentation.values import month_label


def briefing_for(
    engine: Engine, department: str | None, as_of: str | None, meeting_id: int | None, today: dt.date | None = None
) -> Briefing:
    """The stored meeting ``meeting_id``, or the briefing proposed for ``department`` as of ``as_of`` (YYYY-MM);
    raises ``BriefingNotFound`` naming what is accepted."""
    if meeting_id is not None:
        raise BriefingNotFound(
            f"no meeting {meeting_id}: no meetings are stored yet; leave out --meeting for the proposed agenda"
        )
    if department is None or as_of is None:
        raise BriefingNotFound("name a DEPARTMENT and --as-of YYYY-MM, or a stored meeting")
    return proposed_briefing(engine, department, as_of, today or dt.date.today())


def proposed_briefing(engine: Engine, department: str, as_of: str, today: dt.date) -> Briefing:
    """The agenda the scorecard alone proposes for ``department`` as of ``as_of``: each off-target KPI, worst
    score first, with the scorecard's sentence as its reason and a leading question."""
    settings = get_settings()
    city = views.City.load(engine)
    departments = city.departments()
    if department not in set(departments["department"]):
        raise BriefingNotFound(
            f"no department '{department}'; known: {', '.join(departments['department']) or 'none yet'}"
        )
    months = views.months_offered(city, settings.reporting_share).options
    if as_of not in months:
        accepted = f"a month from {months[-1]} to {months[0]}" if months else "none: no values are stored yet"
        raise BriefingNotFound(f"no data for the month {as_of}; accepted: {accepted} (YYYY-MM)")
    card = views.city_scorecard(city, pd.Timestamp(f"{as_of}-01"), settings.fiscal_year_start_month)
    off = card[(card["department"] == department) & (card["status"] == "off_target")].sort_values("score_month")
    name = departments.set_index("department").loc[department, "department_name"]
    return Briefing(
        department=department,
        department_name=name,
        as_of=as_of,
        title=f"LouieStat, {month_label(as_of)}",
        date=today,
        items=[
            AgendaItem(
                kind="off_target", kpi=row.kpi, title=row.kpi_name, reason=row.explanation,
                question=f"What keeps {row.kpi_name.lower()} off target, and what will change before the next "
                "meeting?",
            )
            for row in off.itertuples()
        ],
    )
