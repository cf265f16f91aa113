"""The database's write lock: one write at a time. A writer that finds it held says who holds it (through an
``on_wait`` callback) and keeps trying until ``LOUIESTAT_LOCK_WAIT_SECONDS`` have passed, then gives up with
``LockTimeout``. The holder announces itself where a waiting writer can read it: on PostgreSQL in its session's
``application_name`` (for this transaction only), on SQLite in a ``<database>-writer`` file next to the database."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import Connection, text

from louiestat.config import get_settings
from louiestat.db.driver import driver_connection
from louiestat.errors import LockTimeout

OnWait = Callable[[str], None]

POLL_SECONDS = 0.25
WRITE_LOCK_KEY = 0x4C53_5441  # PostgreSQL advisory lock id for LouieStat writes ("LSTA"), one lock per schema
_ANNOUNCED = "louiestat_writer"  # the holder's Writer, kept in Connection.info for announce_batch
_PREFIX = "louiestat"
_PG_NAME_BYTES = 63  # PostgreSQL keeps this much of an application_name

# The advisory lock of the connection's schema (current_schema), so LouieStats in other schemas do not queue.
_PG_TRY_LOCK = text("SELECT pg_try_advisory_xact_lock(:key, hashtext(current_schema()))")
_PG_HOLDER = text(
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.classid = CAST(:key AS oid) "
    "AND l.objid = CAST(hashtext(current_schema()) AS oid) "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


@dataclass(frozen=True)
class Writer:
    """Who holds the write lock: what they are doing, for whom, since when, and their batch once it is open."""

    doing: str
    actor: str
    started: dt.datetime
    batch_id: int | None = None

    def __str__(self) -> str:
        when = self.started.strftime("%H:%M" if self.started.date() == dt.date.today() else "%Y-%m-%d %H:%M")
        batch = f"batch {self.batch_id}, " if self.batch_id else ""
        return f"{batch}started {when} by {self.actor}"

    def encode(self) -> str:
        """The announcement: fields joined by ``|``, the actor last (it may hold one)."""
        return "|".join((_PREFIX, self.doing, str(self.batch_id or ""), str(int(self.started.timestamp())), self.actor))

    @classmethod
    def decode(cls, announced: str | None) -> Writer | None:
        """The writer an announcement names; None for anything else (nothing, another program's name)."""
        parts = (announced or "").split("|", 4)
        if len(parts) != 5 or parts[0] != _PREFIX or not parts[3].isdigit():
            return None
        _, doing, batch, started, actor = parts
        return cls(doing, actor, dt.datetime.fromtimestamp(int(started)), int(batch) if batch.isdigit() else None)


def waiting_message(writer: Writer | None) -> str:
    """What a waiting writer is told."""
    if writer is None:
        return "waiting for another write to the database to finish"
    return f"waiting for another {writer.doing} to finish ({writer})"


def _gave_up(writer: Writer | None, seconds: float) -> str:
    if writer is None:
        holder, until = "another write to the database to finish", "it has finished"
    else:
        holder = f"another {writer.doing} to finish ({writer})"
        until = f"batch {writer.batch_id}" if writer.batch_id else f"{writer.actor}'s {writer.doing}"
        until += " has finished"
    return (
        f"gave up after waiting {seconds:g} s for {holder}, so nothing was written: try again when {until}, "
        "or raise LOUIESTAT_LOCK_WAIT_SECONDS"
    )


def take(conn: Connection, doing: str, actor: str, on_wait: OnWait | None) -> None:
    """Take the write lock for ``conn``'s transaction and announce its holder (``actor``, ``doing`` what).

    The lock is tried once without waiting; while another writer holds it, ``on_wait`` is told who (again
    whenever the holder changes) and it is tried again until the configured wait has passed."""
    if not _try_lock(conn, 0):
        _wait(conn, on_wait)
    writer = conn.info[_ANNOUNCED] = Writer(doing, actor, dt.datetime.now())
    _announce(conn, writer)


def release(conn: Connection) -> None:
    """Withdraw the announcement; call before the transaction ends, while the lock is still held."""
    conn.info.pop(_ANNOUNCED, None)
    if conn.dialect.name == "sqlite" and (path := _writer_file(conn)):
        path.unlink(missing_ok=True)


def announce_batch(conn: Connection, batch_id: int) -> None:
    """Name the batch the holder of the write lock on ``conn`` has opened, for writers waiting behind it."""
    writer = conn.info.get(_ANNOUNCED)
    if writer is not None:
        conn.info[_ANNOUNCED] = replace(writer, batch_id=batch_id)
        _announce(conn, conn.info[_ANNOUNCED])


def _wait(conn: Connection, on_wait: OnWait | None) -> None:
    limit = get_settings().lock_wait_seconds
    deadline = time.monotonic() + limit
    told = None
    while True:
        writer = _holder(conn)
        message = waiting_message(writer)
        # Nobody named after someone was: most likely the lock is being handed over, so say nothing new.
        if on_wait is not None and message != told and (writer is not None or told is None):
            on_wait(message)
            told = message
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LockTimeout(_gave_up(writer, limit))
        if _try_lock(conn, min(POLL_SECONDS, remaining)):
            return


def _try_lock(conn: Connection, seconds: float) -> bool:
    """Try to take the lock within ``seconds``: SQLite's busy handler waits for it, PostgreSQL sleeps, then tries."""
    if conn.dialect.name == "sqlite":
        return sqlite_begin_immediate(conn, seconds)
    time.sleep(seconds)
    return conn.execute(_PG_TRY_LOCK, {"key": WRITE_LOCK_KEY}).scalar_one()


def _holder(conn: Connection) -> Writer | None:
    """The writer holding the lock, as it announced itself (None when it did not)."""
    if conn.dialect.name == "sqlite":
        return Writer.decode(_read(_writer_file(conn)))
    # pg_stat_activity is read once per transaction unless cleared, and this transaction keeps polling.
    conn.execute(text("SELECT pg_stat_clear_snapshot()"))
    return Writer.decode(conn.execute(_PG_HOLDER, {"key": WRITE_LOCK_KEY}).scalar())


def _announce(conn: Connection, writer: Writer) -> None:
    if conn.dialect.name == "postgresql":
        name = writer.encode().encode()[:_PG_NAME_BYTES].decode(errors="ignore")
        conn.execute(text("SELECT set_config('application_name', :name, true)"), {"name": name})
    elif path := _writer_file(conn):
        # Best effort: a writer that cannot leave the note still writes; waiting writers just learn less.
        with contextlib.suppress(OSError):
            partial = path.with_name(f"{path.name}.{os.getpid()}")
            partial.write_text(writer.encode(), encoding="utf-8")
            partial.replace(path)


def sqlite_begin_immediate(conn: Connection, seconds: float) -> bool:
    """BEGIN IMMEDIATE, waiting at most ``seconds`` for the lock (SQLite's busy timeout does the waiting)."""
    sqlite = driver_connection(conn)
    busy_timeout = sqlite.execute("PRAGMA busy_timeout").fetchone()[0]
    sqlite.execute(f"PRAGMA busy_timeout={int(seconds * 1000)}")
    try:
        sqlite.execute("BEGIN IMMEDIATE")
        return True
    except sqlite3.OperationalError as exc:
        if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
            raise
        return False
    finally:
        sqlite.execute(f"PRAGMA busy_timeout={busy_timeout}")


def _writer_file(conn: Connection) -> Path | None:
    database = conn.engine.url.database
    return Path(f"{database}-writer") if database and database != ":memory:" else None


def _read(path: Path | None) -> str | None:
    try:
        return path.read_text(encoding="utf-8") if path else None
    except OSError:
        return None
