"""Database engines: one per URL, SQLite tuned for a shared file (WAL, foreign keys, busy timeout), and write
transactions that take the database's write lock up front so concurrent uploads queue instead of failing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import ArgumentError

from louiestat.db import failures

SQLITE_BUSY_TIMEOUT_MS = 30_000
WRITE_LOCK_KEY = 0x4C53_5441  # PostgreSQL advisory lock id for LouieStat writes ("LSTA")


def make_engine(url: str) -> Engine:
    """A new engine for ``url``; SQLite connections get WAL, foreign keys and a busy timeout. An unusable URL and
    the engine's environment failures are raised as EnvironmentFailure (``db/failures.py``)."""
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
            _tune_sqlite(engine)
        else:
            engine = create_engine(url, pool_pre_ping=True)
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
        mode = "IMMEDIATE" if connection.get_execution_options().get("louiestat_write") else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One all-or-nothing write: commits when the block ends, rolls back on any exception.

    Holds the database's write lock for the whole transaction (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL
    advisory transaction lock), so two uploads never interleave and a reader never sees half a file."""
    with engine.connect().execution_options(louiestat_write=True) as conn:
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
            yield conn
