"""Who is reminded of what: for a month, each KPI owner (``owner_email``) with a KPI whose value is late (missing
and past its due date), and which of those KPIs they have not been reminded of yet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, select

from louiestat.db.models import ReminderRow
from louiestat.months import parse_month
from louiestat.reading import queries
from metrics import due
from metrics.frames import reported_kpis


@dataclass(frozen=True)
class LateKpi:
    """A KPI whose value for the month is late: its department and KPI by slug, key and name, and when it was due."""

    department: str
    department_name: str
    kpi: str
    kpi_name: str
    due: dt.date


@dataclass(frozen=True)
class Reminder:
    """One message to a KPI owner (``to``) listing their late KPIs of ``month`` (``YYYY-MM``), by department."""

    month: str
    to: str
    kpis: tuple[LateKpi, ...]


def owned(conn: Connection) -> pd.DataFrame:
    """The KPIs a person reports and is named for (values files or entry, not derived from hiring records)."""
    kpis = queries.kpis(conn)
    return kpis[reported_kpis(kpis) & kpis["owner_email"].notna()]


def default_month(conn: Connection, today: dt.date, default_day: int) -> str:
    """The newest month (``YYYY-MM``) whose values are late for some owned KPI on ``today``."""
    return due.latest_due_month(owned(conn), today, default_day)


def due_reminders(conn: Connection, month: str, today: dt.date, default_day: int, again: bool = False) -> list[Reminder]:
    """One reminder per owner with a KPI late for ``month`` on ``today`` that they have not been reminded of for that
    month (any late KPI with ``again``), listing all their late KPIs; owners in order of address."""
    late = due.late(owned(conn), queries.reported_in(conn, parse_month(month)), month, today, default_day)
    if late.empty:
        return []
    if not again:
        reminded = pd.DataFrame(conn.execute(
            select(ReminderRow.recipient.label("owner_email"), ReminderRow.department, ReminderRow.kpi)
            .where(ReminderRow.month == month)).all(), columns=["owner_email", "department", "kpi"])
        known = late.merge(reminded.drop_duplicates(), how="left", indicator=True)["_merge"].eq("both").to_numpy()
        fresh = late.loc[~known, "owner_email"].unique()
        late = late[late["owner_email"].isin(fresh)]
    late = late.sort_values(["owner_email", "department_name", "kpi_name"])
    return [
        Reminder(month, str(owner), tuple(
            LateKpi(r.department, r.department_name, r.kpi, r.kpi_name, r.due.date())
            for r in kpis.itertuples(index=False)))
        for owner, kpis in late.groupby("owner_email", sort=True)
    ]
