"""The audit log: who did what, when and from where, for everything a city must be able to account for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection, Engine, func, insert, select

from louiestat.db.models import AuditEvent, utcnow


def record(conn: Connection, *, actor: str, via: str, action: str, subject: str | None = None, detail: str = "") -> None:
    """Add one event, in the caller's transaction, so it is recorded exactly when the change it describes is."""
    conn.execute(
        insert(AuditEvent).values(
            at=utcnow(), actor=actor[:320], via=via, action=action, subject=subject and subject[:320], detail=detail
        )
    )


def events(
    engine: Engine,
    *,
    actor: str | None = None,
    actions: Sequence[str] = (),
    via: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> pd.DataFrame:
    """Events, newest first: ``id, at, actor, via, action, subject, detail``; filtered by who (``actor``, part of
    an email or login, any case), what (``actions``), from where (``via``) and day (``since``/``until``, UTC,
    both included)."""
    table = AuditEvent.__table__
    query = select(table).order_by(table.c.id.desc())
    if actor:
        query = query.where(func.lower(table.c.actor).contains(actor.strip().lower(), autoescape=True))
    if actions:
        query = query.where(table.c.action.in_(list(actions)))
    if via:
        query = query.where(table.c.via == via)
    if since:
        query = query.where(table.c.at >= dt.datetime.combine(since, dt.time()))
    if until:
        query = query.where(table.c.at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()))
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).mappings().all(), columns=list(table.columns.keys()))


def actions(engine: Engine) -> list[str]:
    """Every kind of event recorded so far, for a filter's choices."""
    with engine.connect() as conn:
        return list(conn.execute(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).scalars())
