"""Writing stat meetings: every change goes through the write service as one batch by the acting principal, so
it is checked against their rights (meetings, agendas, notes and follow-ups are the performance office's: admins
only; an analyst of the department may record a follow-up's response and close it), audited, and kept in the
tables' history, so the batch can be undone like an upload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from sqlalchemy import Connection, Engine, bindparam, delete, func, insert, select, update

from louiestat.access.policy import Action
from louiestat.access.principal import Principal, as_principal
from louiestat.db import models
from louiestat.db.versioned import AGENDA_ITEMS, FOLLOWUPS, MEETINGS, supersede
from louiestat.db.write_lock import OnWait
from louiestat.errors import MeetingRefused
from louiestat.meetings.briefing import AgendaItem, Briefing
from louiestat.meetings.read import department, meeting_row
from louiestat.presentation.agenda import date_words, local_time, stored_time
from louiestat.writing import service

M, A, F = models.Meeting, models.AgendaItemRow, models.FollowUpRow
# The agenda columns a facilitator sets before the meeting; notes are written during it, by save_notes.
AGENDA_FIELDS = ("position", "kind", "kpi", "title", "minutes", "reason", "question", "presenter_notes", "followup_id")
MEETING_STATUSES = ("planned", "held", "closed")
CLOSED_STATUSES = ("done", "dropped")


def _change(kind: str, source: str, slug: str, action: Action = "run_meetings") -> service.Change:
    return service.Change(kind=kind, source=source, departments=[slug], what="the meetings and follow-ups",
                          action=action)


def _counts(inserted: int = 0, updated: int = 0, deleted: int = 0, unchanged: int = 0) -> dict[str, int]:
    return {"rows_total": inserted + updated + deleted + unchanged, "inserted": inserted, "updated": updated,
            "deleted": deleted, "unchanged": unchanged}


def _item_values(item: AgendaItem, position: int) -> dict:
    return {"position": position, "kind": item.kind, "kpi": item.kpi, "title": item.title[:300],
            "minutes": item.minutes, "reason": item.reason, "question": item.question,
            "presenter_notes": item.presenter_notes, "followup_id": item.followup_id}


def create_meeting(engine: Engine, by: Principal | str, briefing: Briefing, on_wait: OnWait | None = None) -> int:
    """Store ``briefing`` as a meeting with its agenda (in its order, notes included); returns the meeting id."""
    with service.transaction(engine, by, doing="meeting", on_wait=on_wait) as conn:
        department_id, _ = department(conn, briefing.department)
        created: list[int] = []

        def apply(conn: Connection, batch_id: int) -> dict[str, int]:
            meeting_id = conn.execute(
                insert(M).values(department_id=department_id, date=briefing.date, title=briefing.title[:300],
                                 attendees="\n".join(briefing.attendees), status=briefing.status,
                                 as_of=briefing.as_of, current_position=briefing.current_position,
                                 started_at=briefing.started_at, ended_at=briefing.ended_at, batch_id=batch_id)
                .returning(M.id)
            ).scalar_one()
            rows = [{**_item_values(item, n), "notes": item.notes, "meeting_id": meeting_id, "batch_id": batch_id}
                    for n, item in enumerate(briefing.items, start=1)]
            if rows:
                conn.execute(insert(A), rows)
            created.append(meeting_id)
            return _counts(inserted=1 + len(rows))

        change = _change("meeting", f"meeting of {briefing.department} on {briefing.date}: {briefing.title}",
                         briefing.department)
        service.record(conn, by, change, apply)
        return created[0]


def update_meeting(
    engine: Engine, by: Principal | str, meeting_id: int, *, title: str | None = None, date: dt.date | None = None,
    attendees: Sequence[str] | None = None, status: str | None = None, on_wait: OnWait | None = None,
) -> int:
    """Change a meeting's title, date, attendees or status (planned, held, closed); returns the batch id."""
    if status is not None and status not in MEETING_STATUSES:
        raise MeetingRefused(f"no meeting status '{status}'; known: {', '.join(MEETING_STATUSES)}")
    values = {"title": title, "date": date, "status": status,
              "attendees": None if attendees is None else "\n".join(attendees)}
    values = {key: value for key, value in values.items() if value is not None}
    return _update_meeting(engine, by, meeting_id, values, "meeting", "details", on_wait)


def set_current(engine: Engine, by: Principal | str, meeting_id: int, position: int,
                on_wait: OnWait | None = None) -> int:
    """Move the presenter to agenda ``position`` (1 first), which a second screen follows; returns the batch id."""
    return _update_meeting(engine, by, meeting_id, {"current_position": position}, "presenter",
                           f"presenter on item {position}", on_wait, _on_the_agenda(meeting_id, position))


def start_meeting(engine: Engine, by: Principal | str, meeting_id: int, position: int,
                  on_wait: OnWait | None = None) -> int:
    """Start the meeting with the presenter on agenda ``position``: a presenter's move (the clock starts, a second
    screen follows) that records when it started; returns the batch id."""
    values = {"current_position": position, "started_at": models.utcnow(), "ended_at": None}
    return _update_meeting(engine, by, meeting_id, values, "presenter", f"started on item {position}", on_wait,
                           _on_the_agenda(meeting_id, position))


def mark_held(engine: Engine, by: Principal | str, meeting_id: int, started_at: dt.datetime, ended_at: dt.datetime,
              on_wait: OnWait | None = None) -> int:
    """Record that the meeting was held from ``started_at`` to ``ended_at`` (UTC, the end after the start and
    past): it is held (a closed one stays closed) on the day it started. Returns the batch id."""
    start, end = local_time(started_at), local_time(ended_at)
    if ended_at <= started_at:
        raise MeetingRefused(f"meeting {meeting_id}: the end ({end:%H:%M} on {date_words(end.date())}) must be after "
                             f"the start ({start:%H:%M} on {date_words(start.date())}); nothing was written")
    if ended_at > models.utcnow():
        raise MeetingRefused(f"meeting {meeting_id} ends at {end:%H:%M} on {date_words(end.date())}, which is still "
                             "to come; mark it held once it has ended. Nothing was written")

    def held(meeting) -> dict:
        return {"status": "closed" if meeting.status == "closed" else "held", "date": start.date(),
                "started_at": started_at, "ended_at": ended_at}

    return _update_meeting(engine, by, meeting_id, held, "meeting",
                           f"held {start:%Y-%m-%d %H:%M}–{end:%H:%M}", on_wait)


def held_between(day: dt.date, start: dt.time | None, end: dt.time | None) -> tuple[dt.datetime, dt.datetime]:
    """The start and end (UTC) of a meeting held on ``day`` from ``start`` to ``end`` by the local clock, as a
    person types them; MeetingRefused when either is missing."""
    if start is None or end is None:
        raise MeetingRefused("a meeting is marked held with the time it started and the time it ended (HH:MM); "
                             "nothing was written")
    return stored_time(dt.datetime.combine(day, start)), stored_time(dt.datetime.combine(day, end))


def _on_the_agenda(meeting_id: int, position: int) -> Callable[[Connection], None]:
    """A check that ``position`` is on the meeting's agenda, naming the positions it has."""

    def check(conn: Connection) -> None:
        count = conn.execute(select(func.count()).select_from(A).where(A.meeting_id == meeting_id)).scalar_one()
        if not 1 <= position <= count:
            raise MeetingRefused(f"meeting {meeting_id} has no agenda position {position}; it has 1 to {count}")

    return check


def _update_meeting(engine: Engine, by: Principal | str, meeting_id: int, values: dict | Callable[..., dict],
                    kind: str, what: str, on_wait: OnWait | None,
                    check: Callable[[Connection], None] | None = None) -> int:
    """Change the meeting's row to ``values`` (or to what ``values`` makes of the stored row) as one batch."""
    with service.transaction(engine, by, doing=kind, on_wait=on_wait) as conn:
        meeting = meeting_row(conn, meeting_id)
        if check is not None:
            check(conn)
        values = values(meeting) if callable(values) else values

        def apply(conn: Connection, batch_id: int) -> dict[str, int]:
            if all(getattr(meeting, key) == value for key, value in values.items()):
                return _counts(unchanged=1)
            supersede(conn, MEETINGS, M.id == meeting_id, batch_id)
            conn.execute(update(M).where(M.id == meeting_id).values(**values, batch_id=batch_id))
            return _counts(updated=1)

        change = _change(kind, f"meeting {meeting_id}: {what}", meeting.department)
        return service.record(conn, by, change, apply)


def save_agenda(engine: Engine, by: Principal | str, meeting_id: int, items: Sequence[AgendaItem],
                on_wait: OnWait | None = None) -> int:
    """Make ``items`` the meeting's agenda, in this order: stored items (by ``id``) are moved or changed, items
    without an id added (free topics too), stored items left out dropped; notes taken stay. Returns the batch id."""
    with service.transaction(engine, by, doing="agenda", on_wait=on_wait) as conn:
        meeting = meeting_row(conn, meeting_id)
        stored = {row.id: row for row in conn.execute(select(A.__table__).where(A.meeting_id == meeting_id))}
        foreign = sorted({item.id for item in items if item.id is not None} - stored.keys())
        if foreign:
            raise MeetingRefused(f"agenda items {', '.join(map(str, foreign))} are not items of meeting {meeting_id}")

        def apply(conn: Connection, batch_id: int) -> dict[str, int]:
            wanted = {n: _item_values(item, n) for n, item in enumerate(items, start=1)}
            kept = {item.id: n for n, item in enumerate(items, start=1) if item.id is not None}
            changed = [{**wanted[n], "_id": item_id} for item_id, n in kept.items()
                       if any(getattr(stored[item_id], key) != wanted[n][key] for key in AGENDA_FIELDS)]
            dropped = sorted(stored.keys() - kept.keys())
            new = [{**wanted[n], "notes": items[n - 1].notes, "meeting_id": meeting_id, "batch_id": batch_id}
                   for n, item in enumerate(items, start=1) if item.id is None]
            touched = [row["_id"] for row in changed] + dropped
            if touched:
                supersede(conn, AGENDA_ITEMS, A.id.in_(touched), batch_id)
            if changed:
                conn.execute(
                    update(A).where(A.id == bindparam("_id")).values(batch_id=batch_id),
                    changed,
                )
            if dropped:
                conn.execute(delete(A).where(A.id.in_(dropped)))
            if new:
                conn.execute(insert(A), new)
            return _counts(inserted=len(new), updated=len(changed), deleted=len(dropped),
                           unchanged=len(kept) - len(changed))

        change = _change("agenda", f"meeting {meeting_id}: agenda", meeting.department)
        return service.record(conn, by, change, apply)


def save_notes(engine: Engine, by: Principal | str, meeting_id: int, notes: Mapping[int, str],
               on_wait: OnWait | None = None) -> int:
    """Save the notes taken on agenda items (item id → the whole note) at once; returns the batch id."""
    with service.transaction(engine, by, doing="meeting notes", on_wait=on_wait) as conn:
        meeting = meeting_row(conn, meeting_id)
        stored = dict(conn.execute(select(A.id, A.notes).where(A.meeting_id == meeting_id)).all())
        foreign = sorted(notes.keys() - stored.keys())
        if foreign:
            raise MeetingRefused(f"agenda items {', '.join(map(str, foreign))} are not items of meeting {meeting_id}")

        def apply(conn: Connection, batch_id: int) -> dict[str, int]:
            changed = [{"_id": item_id, "notes": text} for item_id, text in notes.items() if stored[item_id] != text]
            if changed:
                supersede(conn, AGENDA_ITEMS, A.id.in_([row["_id"] for row in changed]), batch_id)
                conn.execute(update(A).where(A.id == bindparam("_id")).values(batch_id=batch_id), changed)
            return _counts(updated=len(changed), unchanged=len(notes) - len(changed))

        change = _change("meeting_notes", f"meeting {meeting_id}: notes", meeting.department)
        return service.record(conn, by, change, apply)


def add_followup(
    engine: Engine, by: Principal | str, department_slug: str, *, what: str, owner: str, due: dt.date,
    kpi: str | None = None, raised_in: int | None = None, on_wait: OnWait | None = None,
) -> int:
    """Record a commitment (``what``, its ``owner``, ``due`` date, the KPI it is about and the meeting that
    raised it); returns the follow-up's id."""
    if not what.strip() or not owner.strip():
        raise MeetingRefused("a follow-up needs what is to be done and its owner; nothing was written")
    with service.transaction(engine, by, doing="follow-up", on_wait=on_wait) as conn:
        department_id, _ = department(conn, department_slug)
        if kpi is not None:
            keys = conn.execute(select(models.Kpi.key).where(models.Kpi.department_id == department_id)).scalars()
            known = sorted(keys)
            if kpi not in known:
                raise MeetingRefused(f"{department_slug} has no KPI '{kpi}'; known: {', '.join(known)}")
        if raised_in is not None and meeting_row(conn, raised_in).department != department_slug:
            raise MeetingRefused(f"meeting {raised_in} is not a meeting of {department_slug}")
        created: list[int] = []

        def apply(conn: Connection, batch_id: int) -> dict[str, int]:
            created.append(conn.execute(
                insert(F).values(department_id=department_id, what=what.strip(), owner=owner.strip()[:200], due=due,
                                 kpi=kpi, status="open", raised_in=raised_in, batch_id=batch_id)
                .returning(F.id)
            ).scalar_one())
            return _counts(inserted=1)

        change = _change("followup", f"follow-up for {department_slug}: {what.strip()}", department_slug)
        service.record(conn, by, change, apply)
        return created[0]


def close_followup(
    engine: Engine, by: Principal | str, followup_id: int, response: str, *, status: str = "done",
    at: dt.datetime | None = None, on_wait: OnWait | None = None,
) -> int:
    """Close an open follow-up as done (an analyst of its department may) or dropped (admins only), with the
    response that closes it, who closed it and when (``at``, default now); returns the batch id."""
    if status not in CLOSED_STATUSES:
        raise MeetingRefused(f"a follow-up is closed as {' or '.join(CLOSED_STATUSES)}, not '{status}'")
    if not response.strip():
        raise MeetingRefused(f"closing follow-up {followup_id} needs the response: what was done, or why it was "
                             "dropped; nothing was written")
    values = {"status": status, "response": response.strip(), "closed_by": as_principal(by).label[:320],
              "closed_at": at or models.utcnow()}
    action: Action = "run_meetings" if status == "dropped" else "close_followups"
    return _update_followup(engine, by, followup_id, values, f"{status}: {response.strip()}", action, on_wait)


def reschedule_followup(engine: Engine, by: Principal | str, followup_id: int, revised_due: dt.date,
                        on_wait: OnWait | None = None) -> int:
    """Move an open follow-up's due date to ``revised_due``, keeping the original; returns the batch id."""
    return _update_followup(engine, by, followup_id, {"revised_due": revised_due}, f"due {revised_due}",
                            "run_meetings", on_wait)


def _update_followup(engine: Engine, by: Principal | str, followup_id: int, values: dict, what: str,
                     action: Action, on_wait: OnWait | None) -> int:
    with service.transaction(engine, by, doing="follow-up", on_wait=on_wait) as conn:
        row = conn.execute(
            select(F.status, models.Department.slug).join(models.Department, models.Department.id == F.department_id)
            .where(F.id == followup_id)
        ).one_or_none()
        if row is None:
            raise MeetingRefused(f"there is no follow-up {followup_id}; `python -m louiestat followups` lists them")
        if row.status != "open":
            raise MeetingRefused(f"follow-up {followup_id} is already {row.status}; only open follow-ups change")

        def apply(conn: Connection, batch_id: int) -> dict[str, int]:
            supersede(conn, FOLLOWUPS, F.id == followup_id, batch_id)
            conn.execute(update(F).where(F.id == followup_id).values(**values, batch_id=batch_id))
            return _counts(updated=1)

        change = _change("followup", f"follow-up {followup_id}: {what}", row.slug, action)
        return service.record(conn, by, change, apply)
