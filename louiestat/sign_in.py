"""The built-in sign-in: email and password checked against the stored Argon2id hash, a lockout per account after
repeated failures, and server-side sessions that several app replicas share.

OWASP's rules, as settings: after ``sign_in_max_failures`` failures within ``sign_in_failure_window_minutes`` an
account is locked for ``sign_in_lockout_minutes``; every failure gets one message that does not say whether the
email exists, the password was wrong or the account is locked (the audit log says which). A session is a random
token the browser keeps in a cookie; the database keeps only its SHA-256, so a copy of the database signs no one
in. A session ends on sign-out, after ``session_idle_minutes`` without use, after ``session_max_hours`` and when
its user is disabled."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from functools import cache

from sqlalchemy import Connection, Engine, insert, select, update

from louiestat import audit
from louiestat.config import get_settings
from louiestat.db.models import Session, User, utcnow
from louiestat.errors import SignInFailed
from louiestat.passwords import hash_password, verify_password
from louiestat.users import UserRecord, user_record

FAILED = "That email and password do not match an account that may sign in; check both and try again."
SESSION_COOKIE = "louiestat_session"  # the browser's cookie holding the session token
SEEN_EVERY = dt.timedelta(minutes=1)  # how stale ``last_seen_at`` may get before a request refreshes it


@cache
def _nobody() -> str:
    """A hash no password matches, checked for an unknown email so that it takes as long as a wrong password
    (made on first use, not when the module is imported)."""
    return hash_password("a password no account has")


def sign_in(engine: Engine, email: str, password: str, *, via: str = "page", now: dt.datetime | None = None) -> str:
    """Check ``email`` and ``password`` and open a session; returns its token (for the cookie). Raises
    SignInFailed with the one generic message on any failure, after recording what really happened."""
    with engine.begin() as conn:
        token = _attempt(conn, email.strip().lower(), password, via, now or utcnow())
    if token is None:
        raise SignInFailed(FAILED)
    return token


def _attempt(conn: Connection, email: str, password: str, via: str, now: dt.datetime) -> str | None:
    settings = get_settings()
    user = conn.execute(select(User.__table__).where(User.email == email)).mappings().first()
    if user is None or user["disabled"] or not user["password_hash"]:
        verify_password(_nobody(), password)
        why = "no such user" if user is None else "disabled" if user["disabled"] else "no password"
        audit.record(conn, actor=email, via=via, action="sign_in_failed", subject=email, detail=why)
        return None
    if user["locked_until"] is not None and user["locked_until"] > now:
        audit.record(conn, actor=email, via=via, action="sign_in_failed", subject=email,
                     detail=f"locked until {user['locked_until']:%Y-%m-%d %H:%M} UTC")
        return None
    if not verify_password(user["password_hash"], password):
        _count_failure(conn, user, now, via, settings)
        return None
    conn.execute(update(User).where(User.id == user["id"]).values(failed_sign_ins=0, first_failed_at=None,
                                                                    locked_until=None))
    token = secrets.token_urlsafe(32)
    conn.execute(insert(Session).values(token_hash=_digest(token), user_id=user["id"], created_at=now,
                                        last_seen_at=now))
    audit.record(conn, actor=email, via=via, action="sign_in", subject=email)
    return token


def session_user(engine: Engine, token: str | None, *, now: dt.datetime | None = None) -> UserRecord | None:
    """The user a session token belongs to, or None when it is unknown, ended, idle too long, too old or its
    user disabled. Refreshes the session's last use (at most once a minute, so reads rarely write)."""
    if not token:
        return None
    now = now or utcnow()
    settings = get_settings()
    with engine.connect() as conn:
        row = conn.execute(
            select(Session.__table__, User.email, User.disabled)
            .join(User, User.id == Session.user_id)
            .where(Session.token_hash == _digest(token), Session.ended_at.is_(None))
        ).mappings().first()
        if row is None or row["disabled"]:
            return None
        idle = now - row["last_seen_at"] > dt.timedelta(minutes=settings.session_idle_minutes)
        old = now - row["created_at"] > dt.timedelta(hours=settings.session_max_hours)
        if idle or old:
            return None
        record = user_record(conn, row["email"])
    if now - row["last_seen_at"] > SEEN_EVERY:
        with engine.begin() as conn:
            conn.execute(update(Session).where(Session.token_hash == row["token_hash"]).values(last_seen_at=now))
    return record


def sign_out(engine: Engine, token: str | None, *, via: str = "page") -> None:
    """End the session (nothing happens for an unknown or ended one)."""
    if not token:
        return
    with engine.begin() as conn:
        row = conn.execute(
            select(Session.token_hash, User.email).join(User, User.id == Session.user_id)
            .where(Session.token_hash == _digest(token), Session.ended_at.is_(None))
        ).first()
        if row is None:
            return
        conn.execute(update(Session).where(Session.token_hash == row.token_hash).values(ended_at=utcnow()))
        audit.record(conn, actor=row.email, via=via, action="sign_out", subject=row.email)


def _count_failure(conn: Connection, user, now: dt.datetime, via: str, settings) -> None:
    window = dt.timedelta(minutes=settings.sign_in_failure_window_minutes)
    fresh = user["first_failed_at"] is None or now - user["first_failed_at"] > window
    failures = 1 if fresh else user["failed_sign_ins"] + 1
    values = {"failed_sign_ins": failures, "first_failed_at": now if fresh else user["first_failed_at"]}
    audit.record(conn, actor=user["email"], via=via, action="sign_in_failed", subject=user["email"],
                 detail=f"wrong password ({failures} of {settings.sign_in_max_failures})")
    if failures >= settings.sign_in_max_failures:
        values |= {"locked_until": now + dt.timedelta(minutes=settings.sign_in_lockout_minutes),
                   "failed_sign_ins": 0, "first_failed_at": None}
        audit.record(conn, actor=user["email"], via=via, action="lockout", subject=user["email"],
                     detail=f"{failures} failed sign-ins within {settings.sign_in_failure_window_minutes:g} minutes; "
                     f"locked for {settings.sign_in_lockout_minutes:g} minutes")
    conn.execute(update(User).where(User.id == user["id"]).values(**values))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
