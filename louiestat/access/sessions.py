"""The built-in sign-in: email and password checked against the stored Argon2id hash, a lockout per account after
repeated failures, and server-side sessions that several app replicas share.

OWASP's rules, as settings: after ``sign_in_max_failures`` failures within ``sign_in_failure_window_minutes`` an
account is locked for ``sign_in_lockout_minutes``; every failure gets one message that does not say whether the
email exists, the password was wrong or the account is locked (the audit log says which), and takes as long
(every attempt checks one password). Failures are counted by one UPDATE, so attempts at the same moment are all
counted. A hash made with other Argon2 parameters than today's is replaced on the next sign-in. A session is a
random token the browser keeps in a cookie; the database keeps only its SHA-256, so a copy of the database signs
no one in. A session ends on sign-out, after ``session_idle_minutes`` without use, after ``session_max_hours``
and when its user is disabled.

Under load: sign-in posts are counted per client address and minute in the database (``sign_in_rate_per_minute``,
shared by every replica), and a sign-in or sign-out waits at most ``sign_in_wait_seconds`` for another write,
then raises LockTimeout having written nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import secrets
from functools import cache

from sqlalchemy import ColumnElement, Connection, Engine, RowMapping, case, delete, insert, null, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from louiestat.access import audit
from louiestat.access.passwords import hash_password, needs_rehash, verify_password
from louiestat.access.users import UserRecord, user_record
from louiestat.config import get_settings
from louiestat.db.engine import short_write
from louiestat.db.models import Session, SignInPosts, User, table_of, utcnow
from louiestat.errors import LockTimeout, SignInFailed

FAILED = "That email and password do not match an account that may sign in; check both and try again."
BUSY = "The dashboard is busy; try again in a moment."
LIMITED = "Too many sign-in attempts have come from your address in the last minute; wait a minute, then try again."
SESSION_COOKIE = "louiestat_session"  # the browser's cookie holding the session token
SEEN_EVERY = dt.timedelta(minutes=1)  # how stale ``last_seen_at`` may get before a request refreshes it


@cache
def _nobody() -> str:
    """A hash no password matches, checked for an unknown email so that it takes as long as a wrong password
    (made on first use, not when the module is imported)."""
    return hash_password("a password no account has")


def sign_in(engine: Engine, email: str, password: str, *, via: str = "page", now: dt.datetime | None = None) -> str:
    """Check ``email`` and ``password`` and open a session; returns its token (for the cookie). Raises
    SignInFailed with the one generic message on any failure, after recording what really happened, and
    LockTimeout, having written nothing, when another write holds the database past ``sign_in_wait_seconds``."""
    email, now = email.strip().lower(), now or utcnow()
    with engine.connect() as conn:
        user = conn.execute(select(User.__table__).where(User.email == email)).mappings().first()
    usable = user is not None and not user["disabled"] and bool(user["password_hash"])
    stored = user["password_hash"] if user is not None and usable else None
    # One password check whatever the account (none, disabled, locked), before the database is waited for.
    matches = verify_password(stored or _nobody(), password) and stored is not None
    upgraded = hash_password(password) if matches and stored is not None and needs_rehash(stored) else None
    token = None
    with short_write(engine, wait_seconds=get_settings().sign_in_wait_seconds) as conn:
        if stored is None or user is None:
            why = "no such user" if user is None else "disabled" if user["disabled"] else "no password"
            audit.record(conn, actor=email, via=via, action="sign_in_failed", subject=email, detail=why)
        elif matches:
            token = _open_session(conn, user, upgraded, via, now)
        else:
            _count_failure(conn, user, via, now)
    if token is None:
        raise SignInFailed(FAILED)
    return token


def count_sign_in_post(engine: Engine, address: str, *, now: dt.datetime | None = None) -> int | None:
    """Count a sign-in post from ``address`` in the current minute (one atomic upsert, shared by every replica);
    returns the seconds until the next minute when the address has posted more than ``sign_in_rate_per_minute``
    times in this one, else None. Waits for the database as a sign-in does (LockTimeout)."""
    now = now or utcnow()
    settings = get_settings()
    minute = int(now.replace(tzinfo=dt.UTC).timestamp() // 60)
    table = table_of(SignInPosts)
    with short_write(engine, wait_seconds=settings.sign_in_wait_seconds) as conn:
        conn.execute(delete(table).where(table.c.minute < minute))
        dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        posts = conn.execute(
            dialect_insert(table).values(address=address[:64], minute=minute, posts=1)
            .on_conflict_do_update(index_elements=[table.c.address, table.c.minute], set_={"posts": table.c.posts + 1})
            .returning(table.c.posts)
        ).scalar_one()
    if posts <= settings.sign_in_rate_per_minute:
        return None
    return 60 - now.second


def session_user(engine: Engine, token: str | None, *, now: dt.datetime | None = None) -> UserRecord | None:
    """The user a session token belongs to, or None when it is unknown, ended, idle too long, too old or its
    user disabled. Refreshes the session's last use (at most once a minute, so reads rarely write; not at all
    while another write holds the database: the next request does it)."""
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
        with contextlib.suppress(LockTimeout), short_write(engine, wait_seconds=0) as conn:
            conn.execute(update(Session).where(Session.token_hash == row["token_hash"]).values(last_seen_at=now))
    return record


def sign_out(engine: Engine, token: str | None, *, via: str = "page") -> None:
    """End the session (nothing happens for an unknown or ended one); LockTimeout, having ended nothing, when
    another write holds the database past ``sign_in_wait_seconds``."""
    if not token:
        return
    with short_write(engine, wait_seconds=get_settings().sign_in_wait_seconds) as conn:
        row = conn.execute(
            select(Session.token_hash, User.email).join(User, User.id == Session.user_id)
            .where(Session.token_hash == _digest(token), Session.ended_at.is_(None))
        ).first()
        if row is None:
            return
        conn.execute(update(Session).where(Session.token_hash == row.token_hash).values(ended_at=utcnow()))
        audit.record(conn, actor=row.email, via=via, action="sign_out", subject=row.email)


def _open_session(conn: Connection, user: RowMapping, upgraded: str | None, via: str,
                  now: dt.datetime) -> str | None:
    """Clear the failures, store the upgraded hash if there is one, and open a session: unless, since the password
    was checked, the account was locked or disabled or its password changed."""
    opened = conn.execute(
        update(User)
        .where(User.id == user["id"], User.password_hash == user["password_hash"], User.disabled.is_(False),
               _not_locked(now))
        .values(failed_sign_ins=0, first_failed_at=None, locked_until=None,
                password_hash=upgraded or user["password_hash"])
        .returning(User.id)
    ).first()
    if opened is None:
        _record_refusal(conn, user, via, now)
        return None
    token = secrets.token_urlsafe(32)
    conn.execute(insert(Session).values(token_hash=_digest(token), user_id=user["id"], created_at=now,
                                        last_seen_at=now))
    audit.record(conn, actor=user["email"], via=via, action="sign_in", subject=user["email"],
                 detail="password hash upgraded to the current Argon2 parameters" if upgraded else "")
    return token


def _count_failure(conn: Connection, user: RowMapping, via: str, now: dt.datetime) -> None:
    """Count a wrong password, and lock the account at the limit, in one UPDATE computed from the row as it is
    then, so that failures at the same moment are all counted; a locked account's failures are not."""
    settings = get_settings()
    window_start = now - dt.timedelta(minutes=settings.sign_in_failure_window_minutes)
    fresh = or_(User.first_failed_at.is_(None), User.first_failed_at < window_start)
    failures = case((fresh, 1), else_=User.failed_sign_ins + 1)
    locks = failures >= settings.sign_in_max_failures
    counted = conn.execute(
        update(User)
        .where(User.id == user["id"], _not_locked(now))
        .values(failed_sign_ins=case((locks, 0), else_=failures),
                first_failed_at=case((locks, null()), (fresh, now), else_=User.first_failed_at),
                locked_until=case((locks, now + dt.timedelta(minutes=settings.sign_in_lockout_minutes)),
                                  else_=User.locked_until))
        .returning(User.failed_sign_ins, User.locked_until)
    ).first()
    if counted is None:
        _record_refusal(conn, user, via, now)
        return
    locked = counted.locked_until is not None and counted.locked_until > now
    count = settings.sign_in_max_failures if locked else counted.failed_sign_ins
    audit.record(conn, actor=user["email"], via=via, action="sign_in_failed", subject=user["email"],
                 detail=f"wrong password ({count} of {settings.sign_in_max_failures})")
    if locked:
        audit.record(conn, actor=user["email"], via=via, action="lockout", subject=user["email"],
                     detail=f"{count} failed sign-ins within {settings.sign_in_failure_window_minutes:g} minutes; "
                     f"locked for {settings.sign_in_lockout_minutes:g} minutes")


def _record_refusal(conn: Connection, user: RowMapping, via: str, now: dt.datetime) -> None:
    """Record why an account that was usable when read may not sign in now: locked (perhaps by attempts at the same
    moment), disabled, or its password changed."""
    row = conn.execute(select(User.locked_until, User.disabled).where(User.id == user["id"])).one()
    if row.locked_until is not None and row.locked_until > now:
        why = f"locked until {row.locked_until:%Y-%m-%d %H:%M} UTC"
    else:
        why = "disabled" if row.disabled else "password changed while signing in"
    audit.record(conn, actor=user["email"], via=via, action="sign_in_failed", subject=user["email"], detail=why)


def _not_locked(now: dt.datetime) -> ColumnElement[bool]:
    return or_(User.locked_until.is_(None), User.locked_until <= now)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
