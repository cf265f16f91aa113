"""Engines and write transactions: SQLite is tuned for a shared file (WAL, foreign keys, busy timeout), foreign
keys are enforced on both databases, and a write transaction is all-or-nothing and holds the write lock."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from louiestat.config import Settings, get_settings
from louiestat.db.engine import SQLITE_BUSY_TIMEOUT_MS, engine_for, make_engine, write_transaction
from louiestat.db.migrate import upgrade_to_head
from louiestat.db.write_lock import WRITE_LOCK_KEY
from louiestat.errors import EnvironmentFailure
from tests.conftest import ROOT, snapshot

BATCH = (
    "INSERT INTO batches (kind, source, actor, created_at, rows_total, inserted, updated, unchanged, deleted, status) "
    "VALUES ('values', 'f.csv', 'me', '2024-01-01', 0, 0, 0, 0, 0, 'committed')"
)


@pytest.fixture
def sqlite_engine(tmp_path: Path):
    engine = make_engine(f"sqlite:///{tmp_path / 'louiestat.db'}")
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


def pragma(engine: Engine, name: str):
    with engine.connect() as conn:
        return conn.exec_driver_sql(f"PRAGMA {name}").scalar()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(sqlite_engine: Engine) -> None:
    assert pragma(sqlite_engine, "journal_mode") == "wal"
    assert pragma(sqlite_engine, "foreign_keys") == 1
    assert pragma(sqlite_engine, "busy_timeout") == SQLITE_BUSY_TIMEOUT_MS == 30_000
    assert pragma(sqlite_engine, "synchronous") == 1  # NORMAL: safe with WAL, much faster than FULL


def test_the_sqlite_file_itself_is_in_wal_mode(sqlite_engine: Engine, tmp_path: Path) -> None:
    with sqlite_engine.begin() as conn:
        conn.execute(text(BATCH))
    plain = sqlite3.connect(tmp_path / "louiestat.db")
    try:
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        plain.close()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    before = snapshot(engine)
    with pytest.raises(IntegrityError), write_transaction(engine) as conn:
        conn.execute(text(BATCH))
        conn.execute(
            text("INSERT INTO observations (kpi_id, period, value, batch_id) VALUES (999, '2013-01-01', 1, 1)")
        )
    assert snapshot(engine) == before


def test_a_write_transaction_commits_when_its_block_ends(engine: Engine) -> None:
    with write_transaction(engine) as conn:
        conn.execute(text(BATCH))
    assert len(snapshot(engine)["batches"]) == 1


def test_a_write_transaction_rolls_back_on_any_exception(engine: Engine) -> None:
    before = snapshot(engine)
    with pytest.raises(KeyboardInterrupt), write_transaction(engine) as conn:
        conn.execute(text(BATCH))
        raise KeyboardInterrupt
    assert snapshot(engine) == before


def test_a_sqlite_write_transaction_holds_the_write_lock_from_its_start(sqlite_engine: Engine, tmp_path: Path) -> None:
    other = sqlite3.connect(tmp_path / "louiestat.db", timeout=0.05, isolation_level=None)
    try:
        with write_transaction(sqlite_engine):
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
            assert other.execute("SELECT count(*) FROM batches").fetchone() == (0,), "readers are not blocked"
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


@pytest.mark.postgres
def test_a_postgres_write_transaction_holds_the_advisory_write_lock_of_its_schema(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try_lock = text("SELECT pg_try_advisory_xact_lock(:k, hashtext(:schema))")
    try:
        with engine.connect() as other:
            schema = other.execute(text("SELECT current_schema()")).scalar_one()
            with write_transaction(engine):
                assert other.execute(try_lock, {"k": WRITE_LOCK_KEY, "schema": schema}).scalar() is False
                assert other.execute(try_lock, {"k": WRITE_LOCK_KEY, "schema": "another"}).scalar() is True
            other.rollback()
            assert other.execute(try_lock, {"k": WRITE_LOCK_KEY, "schema": schema}).scalar() is True
            other.rollback()
    finally:
        engine.dispose()


def test_engine_for_makes_one_engine_per_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    assert engine_for(url) is engine_for(url)
    assert engine_for(url) is not engine_for(f"sqlite:///{tmp_path / 'b.db'}")


def test_the_database_url_comes_from_the_environment_with_a_local_file_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LOUIESTAT_DATABASE_URL", raising=False)
    assert Settings().database_url == "sqlite:///louiestat.db"
    monkeypatch.setenv("LOUIESTAT_DATABASE_URL", "postgresql+psycopg://db.example/louiestat")
    get_settings.cache_clear()
    assert get_settings().database_url == "postgresql+psycopg://db.example/louiestat"
    get_settings.cache_clear()


@pytest.mark.postgres
def test_postgres_statements_have_no_timeout_unless_one_is_set(postgres_url: str, monkeypatch) -> None:
    monkeypatch.delenv("LOUIESTAT_STATEMENT_TIMEOUT_SECONDS", raising=False)
    get_settings.cache_clear()
    assert show(postgres_url, "statement_timeout") == "0"
    monkeypatch.setenv("LOUIESTAT_STATEMENT_TIMEOUT_SECONDS", "0.5")
    get_settings.cache_clear()
    assert show(postgres_url, "statement_timeout") == "500ms"
    engine = make_engine(postgres_url)
    try:
        with (
            pytest.raises(EnvironmentFailure, match="ran longer than LOUIESTAT_STATEMENT_TIMEOUT_SECONDS allows"),
            engine.connect() as conn,
        ):
            conn.execute(text("SELECT pg_sleep(2)"))
    finally:
        engine.dispose()
        get_settings.cache_clear()


@pytest.mark.postgres
def test_a_postgres_statement_stops_soon_after_its_client_is_killed(postgres_url: str) -> None:
    assert show(postgres_url, "client_connection_check_interval") == "2s"
    marker = f"louiestat-killed-{uuid.uuid4().hex[:8]}"
    client = subprocess.Popen(
        [sys.executable, "-c", (
            "import sys; from sqlalchemy import text; from louiestat.db.engine import make_engine\n"
            "with make_engine(sys.argv[1]).connect() as conn:\n"
            f"    conn.execute(text(\"SET application_name = '{marker}'\"))\n"
            "    conn.execute(text('SELECT pg_sleep(60)'))\n"
        ), postgres_url],
        cwd=ROOT,
    )
    engine = make_engine(postgres_url)
    running = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :marker AND state = 'active'")
    try:
        assert wait_until(lambda: count(engine, running, marker) == 1, 20), "the client's statement never started"
        client.kill()
        client.wait()
        killed = time.monotonic()
        assert wait_until(lambda: count(engine, running, marker) == 0, 10), "the statement ran on without its client"
        assert time.monotonic() - killed < 5
    finally:
        client.kill()
        engine.dispose()


def show(url: str, parameter: str) -> str:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(f"SHOW {parameter}")).scalar_one()
    finally:
        engine.dispose()


def count(engine: Engine, query, marker: str) -> int:
    with engine.connect() as conn:
        return conn.execute(query, {"marker": marker}).scalar_one()


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True
