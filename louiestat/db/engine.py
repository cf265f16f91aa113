"""Database engines: one per URL, SQLite tuned for a shared file (WAL, foreign keys, busy timeout), PostgreSQL
sessions that end with their client (and, when configured, a statement timeout), and write transactions that
take the database's write lock up front so concurrent writes queue, say whom they wait for, and give up cleanly;
short writes beside them (a sign-in) wait only briefly."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError

from louiestat.config import get_settings
from louiestat.db import failures, write_lock
from louiestat.db.driver import driver_connection
from louiestat.db.write_lock import OnWait
from louiestat.errors import LockTimeout

SQLITE_BUSY_TIMEOUT_MS = 30_000
# How often PostgreSQL checks, while a statement runs, that its client is still there (PostgreSQL 14 and later).
CLIENT_CHECK_INTERVAL = "2s"


def make_engine(url: str) -> Engine:
    """A new engine for ``url``; SQLite connections get WAL, foreign keys and a busy timeout, PostgreSQL ones a
    check for a gone client and the statement timeout. An unusable URL and the engine's environment failures are
    raised as EnvironmentFailure (``db/failures.py``)."""
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
            _tune_sqlite(engine)
        else:
            engine = create_engine(url, pool_pre_ping=True)
            _tune_postgres(engine, get_settings().statement_timeout_seconds)
    except (ArgumentError, ImportError, ValueError) as error:
        raise failures.bad_url(url, error) from None
    failures.watch(engine)
    return engine


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """The process-wide engine for ``url`` (engines hold connection pools; make one per URL)."""
    return make_engine(url)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        # Take over transaction control from the sqlite3 module so BEGIN IMMEDIATE is possible.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # A write transaction has already begun (BEGIN IMMEDIATE, when it took the write lock).
        if not driver_connection(connection).in_transaction:
            connection.exec_driver_sql("BEGIN DEFERRED")


def _tune_postgres(engine: Engine, statement_timeout_seconds: float | None) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        parameters = {}
        if dbapi_connection.info.server_version >= 140000:
            # A statement whose client has gone away (a killed CLI, a stopped app) stops instead of running on.
            parameters["client_connection_check_interval"] = CLIENT_CHECK_INTERVAL
        if statement_timeout_seconds:
            parameters["statement_timeout"] = f"{round(statement_timeout_seconds * 1000)}ms"
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        with dbapi_connection.cursor() as cursor:
            for name, value in parameters.items():
                cursor.execute("SELECT set_config(%s, %s, false)", (name, value))
        dbapi_connection.autocommit = autocommit


@contextmanager
def write_transaction(
    engine: Engine, *, doing: str = "change", actor: str | None = None, on_wait: OnWait | None = None
) -> Iterator[Connection]:
    """One all-or-nothing write: commits when the block ends, rolls back on any exception.

    Holds the database's write lock for the whole transaction (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL
    advisory transaction lock), so two writes never interleave and a reader never sees half a file. While
    another write holds it, ``on_wait`` is told whose (``doing`` and ``actor`` are what this one tells others),
    and after ``LOUIESTAT_LOCK_WAIT_SECONDS`` it raises ``LockTimeout``, having written nothing."""
    actor = actor or get_settings().user
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            write_lock.take(conn, doing, actor, on_wait)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                write_lock.take(conn, doing, actor, on_wait)
            try:
                yield conn
            finally:
                write_lock.release(conn)


@contextmanager
def short_write(engine: Engine, *, wait_seconds: float) -> Iterator[Connection]:
    """A small all-or-nothing write beside the batches (a sign-in, a sign-out) that waits at most ``wait_seconds``
    for the database, then raises LockTimeout having written nothing.

    On SQLite it waits for the one writer (``BEGIN IMMEDIATE``); on PostgreSQL only for the rows it changes
    (``lock_timeout``), not for the write lock: it never touches what an upload writes, so it need not queue."""
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite" and not write_lock.sqlite_begin_immediate(conn, wait_seconds):
            raise LockTimeout(f"another write held the database for longer than {wait_seconds:g} s, so nothing "
                              "was written; try again in a moment")
        with conn.begin():
            if conn.dialect.name == "postgresql":
                # 0 would mean no limit to PostgreSQL; a millisecond is "do not wait".
                milliseconds = max(1, round(wait_seconds * 1000))
                conn.execute(text("SELECT set_config('lock_timeout', :limit, true)"), {"limit": f"{milliseconds}ms"})
            yield conn
