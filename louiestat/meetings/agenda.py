"""The agenda builder: a department's proposed meeting agenda for an as-of month, from its scorecard and its open
follow-ups (order in ``metrics.agenda``, wording in ``louiestat.presentation.agenda``); and ``briefing_for``, the
briefing the packet prints: a stored meeting's, or the one proposed."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine

from louiestat.config import get_settings
from louiestat.errors import BriefingNotFound, MeetingRefused
from louiestat.meetings.briefing import AgendaItem, Briefing
from louiestat.meetings.read import briefing, department, open_followups
from louiestat.months import parse_month
from louiestat.presentation.agenda import followup_item_words, kpi_item_words
from louiestat.presentation.values import month_label
from louiestat.reading import views
from metrics.agenda import agenda_order


def propose(
    engine: Engine, department_slug: str, as_of: str, *, city: views.City | None = None,
    today: dt.date | None = None,
) -> Briefing:
    """The agenda proposed for ``department_slug``'s meeting about ``as_of`` (YYYY-MM) held ``today`` (default
    today): the follow-ups open from earlier meetings (overdue judged on ``today``), then KPIs off target, special-cause concerns, worsening trends, missing
    or late data and KPIs not on pace to reach target, each with its reason and a leading question. ``city``
    saves a page reloading the data it has cached."""
    try:
        month = pd.Timestamp(parse_month(as_of))
    except ValueError as exc:
        raise MeetingRefused(str(exc)) from None
    today = today or dt.date.today()
    with engine.connect() as conn:
        _, name = department(conn, department_slug)
        followups = open_followups(conn, department_slug, raised_by=today)
    card = views.city_scorecard((city or views.City.load(engine)).only(department_slug), month,
                                get_settings().fiscal_year_start_month)
    open_items = pd.DataFrame(
        [{"followup_id": f.id, "kpi": f.kpi, "due_by": f.due_by, "what": f.what, "owner": f.owner,
          "raised_on": f.raised_on} for f in followups],
        columns=["followup_id", "kpi", "due_by", "what", "owner", "raised_on"],
    )
    order = agenda_order(card, open_items, pd.Timestamp(today))
    kpi_rows = order[order["kind"] != "followup"].merge(card, on="kpi", how="left")
    kpi_rows.index = order.index[order["kind"] != "followup"]
    followup_rows = order[order["kind"] == "followup"].merge(
        open_items.drop(columns="kpi"), on="followup_id", how="left"
    )
    followup_rows.index = order.index[order["kind"] == "followup"]
    words = pd.concat([followup_item_words(followup_rows, today), kpi_item_words(kpi_rows)]).sort_index()
    items = [
        AgendaItem(kind=kind, kpi=None if pd.isna(kpi) else kpi, title=title, reason=reason, question=question,
                   minutes=int(minutes), followup_id=None if pd.isna(followup) else int(followup))
        for kind, kpi, followup, title, reason, question, minutes in zip(
            order["kind"], order["kpi"], order["followup_id"], words["title"], words["reason"], words["question"],
            words["minutes"],
        )
    ]
    return Briefing(
        department=department_slug, department_name=name, as_of=as_of, title=f"{name} stat · {month_label(as_of)}",
        date=today, items=items, followups=followups,
    )



def briefing_for(
    engine: Engine, department: str | None, as_of: str | None, meeting_id: int | None, today: dt.date | None = None,
    *, city: views.City | None = None,
) -> Briefing:
    """The stored meeting ``meeting_id``, or the agenda proposed for ``department`` as of ``as_of`` (YYYY-MM);
    raises ``BriefingNotFound`` naming what is accepted. ``city`` saves reading the stored city again when the
    caller has it (the packet needs it too)."""
    try:
        if meeting_id is not None:
            return briefing(engine, meeting_id)
        if department is None or as_of is None:
            raise BriefingNotFound("name a DEPARTMENT and --as-of YYYY-MM, or a stored meeting")
        city = city or views.City.load(engine)
        _check_month(city, as_of)
        return propose(engine, department, as_of, city=city, today=today)
    except MeetingRefused as exc:
        raise BriefingNotFound(str(exc)) from exc


def _check_month(city: views.City, as_of: str) -> None:
    """BriefingNotFound unless ``as_of`` is a month with data, naming the months there are."""
    months = views.months_offered(city, get_settings().reporting_share).options
    if as_of not in months:
        accepted = f"a month from {months[-1]} to {months[0]}" if months else "none: no values are stored yet"
        raise BriefingNotFound(f"no data for the month {as_of}; accepted: {accepted} (YYYY-MM)")
