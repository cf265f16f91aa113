"""The audit log: who did what, when and from where, for everything a city must be able to account for."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from louiestat.db.models import AuditEvent, utcnow

VIA = ("page", "cli")


def record(conn: Connection, *, actor: str, via: str, action: str, subject: str | None = None, detail: str = "") -> None:
    """Add one event, in the caller's transaction, so it is recorded exactly when the change it describes is."""
    conn.execute(
        insert(AuditEvent).values(
            at=utcnow(), actor=actor[:320], via=via, action=action, subject=subject and subject[:320], detail=detail
        )
    )


def events(engine: Engine) -> pd.DataFrame:
    """Every event, newest first: ``id, at, actor, via, action, subject, detail``."""
    query = select(AuditEvent.__table__).order_by(AuditEvent.id.desc())
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).mappings().all(), columns=list(AuditEvent.__table__.columns.keys()))
