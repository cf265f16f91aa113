"""Reading stat meetings: a stored meeting as a ``Briefing`` (its agenda and the follow-ups it carries), the
meetings held or planned, and the city's follow-ups with their due dates in words."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, Engine, and_, case, func, or_, select, tuple_
from sqlalchemy.orm import aliased

from louiestat.db import bulk, models
from louiestat.errors import MeetingRefused, UnknownDepartment
from louiestat.meetings.briefing import AgendaItem, Briefing, FollowUp
from louiestat.presentation.agenda import due_words
from louiestat.reading.queries import _connection

D, M, A, F, K = models.Department, models.Meeting, models.AgendaItemRow, models.FollowUpRow, models.Kpi
FOLLOWUP_STATES = ("open", "overdue", "done", "dropped")
FOLLOWUP_FIELDS = ("id", "department", "what", "owner", "due", "revised_due", "kpi", "status", "response",
                   "closed_by", "closed_at", "raised_in")
# When a follow-up is due: its revised date when it was moved, else the date first agreed.
DUE_BY = func.coalesce(F.revised_due, F.due)


def department(conn: Connection, slug: str) -> tuple[int, str]:
    """A department's id and name by its slug; UnknownDepartment naming the known slugs otherwise."""
    row = conn.execute(select(D.id, D.name).where(D.slug == slug)).one_or_none()
    if row is None:
        known = conn.execute(select(D.slug).order_by(D.slug)).scalars().all()
        raise UnknownDepartment(slug, known)
    return row.id, row.name


def meeting_row(conn: Connection, meeting_id: int):
    """A stored meeting with its department's slug and name; MeetingRefused when there is none."""
    row = conn.execute(
        select(M.__table__, D.slug.label("department"), D.name.label("department_name"))
        .join(D, D.id == M.department_id).where(M.id == meeting_id)
    ).one_or_none()
    if row is None:
        raise MeetingRefused(f"there is no meeting {meeting_id}; the Meetings page lists the stored ones")
    return row


RAISED = aliased(M)


def _followups_query():
    """Follow-ups with their department's slug, the name of their KPI and the date of the meeting that raised them
    (``RAISED``)."""
    columns = (F.__table__.c[c] for c in FOLLOWUP_FIELDS if c != "department")
    return (
        select(*columns, D.slug.label("department"), K.name.label("kpi_name"), RAISED.date.label("raised_on"))
        .join(D, D.id == F.department_id).outerjoin(RAISED, RAISED.id == F.raised_in)
        .outerjoin(K, and_(K.department_id == F.department_id, K.key == F.kpi))
    )


def _followup(row) -> FollowUp:
    return FollowUp(**{field: getattr(row, field) for field in (*FOLLOWUP_FIELDS, "kpi_name", "raised_on")})


def open_followups(conn: Connection, department_slug: str, raised_by: dt.date) -> list[FollowUp]:
    """The department's follow-ups open and raised by ``raised_by`` (or outside any meeting), earliest due first:
    a meeting prepared on that day does not know of those its later meetings raised."""
    rows = conn.execute(
        _followups_query()
        .where(D.slug == department_slug, F.status == "open", or_(RAISED.date.is_(None), RAISED.date <= raised_by))
        .order_by(DUE_BY, F.id)
    )
    return [_followup(row) for row in rows]


def carried_followups(conn: Connection, meeting) -> list[FollowUp]:
    """The follow-ups a meeting lists: every one it raised, and those raised before it (or outside any meeting)
    that are still open, so open items carry over to each later meeting until they are closed."""
    earlier = tuple_(RAISED.date, RAISED.id) < tuple_(meeting.date, meeting.id)
    query = (
        _followups_query()
        .where(
            F.department_id == meeting.department_id,
            or_(F.raised_in == meeting.id, and_(F.status == "open", or_(F.raised_in.is_(None), earlier))),
        )
        .order_by(DUE_BY, F.id)
    )
    return [_followup(row) for row in conn.execute(query)]


def briefing(source: Engine | Connection, meeting_id: int) -> Briefing:
    """A stored meeting as the presenter page, the packet and the minutes read it."""
    with _connection(source) as conn:
        meeting = meeting_row(conn, meeting_id)
        items = conn.execute(select(A.__table__).where(A.meeting_id == meeting_id).order_by(A.position)).all()
        return Briefing(
            department=meeting.department,
            department_name=meeting.department_name,
            as_of=meeting.as_of,
            title=meeting.title,
            date=meeting.date,
            attendees=[name for name in meeting.attendees.split("\n") if name],
            status=meeting.status,
            meeting_id=meeting_id,
            current_position=meeting.current_position,
            started_at=meeting.started_at,
            ended_at=meeting.ended_at,
            items=[
                AgendaItem(id=item.id, kind=item.kind, kpi=item.kpi, title=item.title, reason=item.reason,
                           question=item.question, minutes=item.minutes, presenter_notes=item.presenter_notes,
                           notes=item.notes, followup_id=item.followup_id)
                for item in items
            ],
            followups=carried_followups(conn, meeting),
        )


def meetings(source: Engine | Connection, department_slug: str | None = None) -> pd.DataFrame:
    """Stored meetings, newest first: ``meeting_id, department, department_name, date, title, status, as_of,
    started_at, ended_at`` (UTC, when it was held) and ``items`` (the number of agenda items)."""
    counted = select(A.meeting_id, func.count().label("item_count")).group_by(A.meeting_id).subquery()
    query = (
        select(M.id.label("meeting_id"), D.slug.label("department"), D.name.label("department_name"), M.date,
               M.title, M.status, M.as_of, M.started_at, M.ended_at, func.coalesce(counted.c.item_count, 0).label("items"))
        .join(D, D.id == M.department_id).outerjoin(counted, counted.c.meeting_id == M.id)
        .order_by(M.date.desc(), M.id.desc())
    )
    if department_slug is not None:
        query = query.where(D.slug == department_slug)
    with _connection(source) as conn:
        frame = bulk.fetch_frame(conn, query)
    # The driver's raw rows hold SQLite's times as text.
    return frame.assign(**{column: pd.to_datetime(frame[column]) for column in ("started_at", "ended_at")})


def followup_table(
    source: Engine | Connection, today: dt.date, *, department_slug: str | None = None, owner: str | None = None,
    state: str | None = None, closed_within_days: int | None = None,
) -> pd.DataFrame:
    """The city's follow-ups, overdue first then by due date: every stored field plus ``department_name``,
    ``due_by`` (the revised date when it moved), ``state`` (open, overdue, done or dropped), ``due_text`` ('due
    in 3 days', '12 days overdue'; for a closed one, when it was closed), ``raised_on`` (the meeting's date) and
    ``kpi_name``.
    ``owner``, ``state`` and ``closed_within_days`` filter as ``filter_followups`` does."""
    query = _followups_query().add_columns(D.name.label("department_name"))
    if department_slug is not None:
        query = query.where(D.slug == department_slug)
    with _connection(source) as conn:
        frame = pd.DataFrame(conn.execute(query).mappings().all(),
                             columns=[*FOLLOWUP_FIELDS, "kpi_name", "raised_on", "department_name"])
    frame["due_by"] = frame["revised_due"].where(frame["revised_due"].notna(), frame["due"])
    overdue = frame["status"].eq("open") & (frame["due_by"] < today)
    frame["state"] = frame["status"].where(~overdue, "overdue")
    frame["due_text"] = [
        due_words(due, today) if status == "open" else f"{status} {closed_at:%Y-%m-%d}" if pd.notna(closed_at) else status
        for due, status, closed_at in zip(frame["due_by"], frame["status"], frame["closed_at"])
    ]
    order = frame["state"].map({"overdue": 0, "open": 1, "done": 2, "dropped": 2})
    frame = frame.assign(order=order).sort_values(["order", "due_by", "id"]).drop(columns="order")
    return filter_followups(frame, today, owner=owner, state=state, closed_within_days=closed_within_days)


def filter_followups(
    table: pd.DataFrame, today: dt.date, *, owner: str | None = None, state: str | None = None,
    closed_within_days: int | None = None,
) -> pd.DataFrame:
    """The rows of a ``followup_table`` that ``owner``, ``state`` (open includes overdue) and ``closed_within_days``
    (closed items closed that recently) keep, in its order: a page reads the table once and filters it here."""
    if state is not None and state not in FOLLOWUP_STATES:
        raise MeetingRefused(f"no follow-up status '{state}'; known: {', '.join(FOLLOWUP_STATES)}")
    kept = pd.Series(True, index=table.index)
    if owner is not None:
        kept &= table["owner"].eq(owner)
    if state == "open":
        kept &= table["status"].eq("open")
    elif state is not None:
        kept &= table["state"].eq(state)
    if closed_within_days is not None:
        since = pd.Timestamp(today) - pd.Timedelta(days=closed_within_days)
        kept &= table["status"].eq("open") | (pd.to_datetime(table["closed_at"]) >= since)
    return table[kept].reset_index(drop=True)


def followup_counts(source: Engine | Connection, today: dt.date) -> pd.DataFrame:
    """Per department (slug, as the index): ``open`` (overdue included) and ``overdue`` follow-ups, for the
    overview and scorecard pages."""
    query = (
        select(D.slug.label("department"), func.count().label("open"),
               func.sum(case((DUE_BY < today, 1), else_=0)).label("overdue"))
        .join(D, D.id == F.department_id).where(F.status == "open").group_by(D.slug)
    )
    with _connection(source) as conn:
        frame = bulk.fetch_frame(conn, query)
    return frame.set_index("department").astype(int)
