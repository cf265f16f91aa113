"""Migrations: an empty database is brought to the newest schema, a current one is left alone, and the schema
the migrations build is the one the models describe (on SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, event, inspect, make_url, text

from louiestat.db import migrate
from louiestat.db.engine import make_engine, write_transaction
from louiestat.db.migrate import current_revision, head_revision, upgrade_to_head
from louiestat.db.models import Base
from tests.conftest import POSTGRES_URL, snapshot


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a database without any table: a new SQLite file, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    schema = f"louiestat_migrate_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    engine = make_engine(url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def table_names(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_an_empty_database_is_upgraded_to_head(empty_engine: Engine) -> None:
    assert table_names(empty_engine) == set()
    assert current_revision(empty_engine) is None
    upgrade_to_head(empty_engine)
    assert current_revision(empty_engine) == head_revision() == "0012"
    assert table_names(empty_engine) == set(Base.metadata.tables) | {"alembic_version"}


def test_the_migrated_schema_matches_the_models(empty_engine: Engine) -> None:
    upgrade_to_head(empty_engine)
    with empty_engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert differences == []


def test_upgrading_a_current_database_again_changes_nothing(empty_engine: Engine) -> None:
    upgrade_to_head(empty_engine)
    with empty_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO batches (kind, source, actor, created_at, rows_total, inserted, updated, "
                "unchanged, deleted, status) VALUES ('values', 'f.csv', 'me', '2024-01-01', 0, 0, 0, 0, 0, "
                "'committed')"
            )
        )
    before = snapshot(empty_engine)
    statements: list[str] = []
    event.listen(empty_engine, "before_cursor_execute", lambda conn, cursor, sql, *rest: statements.append(sql))
    upgrade_to_head(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    assert snapshot(empty_engine) == before
    reads = ("SELECT", "PRAGMA", "BEGIN DEFERRED")
    writes = [s for s in statements if not s.lstrip().upper().startswith(reads) or "advisory" in s]
    assert writes == [], "a current database is only read: no DDL and no write lock"


def test_the_test_databases_are_at_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()


def test_a_database_at_an_older_revision_is_upgraded_on_start(empty_engine: Engine) -> None:
    config = migrate._config()
    with write_transaction(empty_engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    assert current_revision(empty_engine) == "0001"
    assert "process_changes" not in table_names(empty_engine)

    upgrade_to_head(empty_engine)

    assert current_revision(empty_engine) == head_revision()
    assert {"process_changes", "process_changes_history"} <= table_names(empty_engine)


def test_an_older_databases_time_to_fill_is_declared_source_hiring_and_weighted_by_its_fills(
    empty_engine: Engine,
) -> None:
    config = migrate._config()
    with write_transaction(empty_engine) as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    with empty_engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO batches (id, kind, source, actor, created_at, rows_total, inserted, updated, unchanged, "
                "deleted, status) VALUES (1, 'hiring', 'h.csv', 'me', '2024-01-01', 0, 0, 0, 0, 0, 'committed')"
            )
        )
        conn.execute(text("INSERT INTO departments (id, slug, name, batch_id) VALUES (1, 'hr', 'HR', 1)"))
        conn.execute(
            text(
                "INSERT INTO kpis (id, department_id, key, name, unit, direction, tolerance_pct, enterprise, batch_id) "
                "VALUES (1, 1, 'time_to_fill', 'Time to fill', 'days', 'lower_is_better', 10, true, 1), "
                "(2, 1, 'overtime', 'Overtime', 'hours', 'lower_is_better', 10, false, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO positions (department_id, position_id, posted_date, filled_date, batch_id) VALUES "
                "(1, 'P-1', '2013-01-01', '2013-01-11', 1), (1, 'P-2', '2013-01-05', '2013-01-25', 1), "
                "(1, 'P-3', '2013-01-20', '2013-02-09', 1), (1, 'P-4', '2013-02-01', NULL, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO observations (kpi_id, period, value, batch_id) VALUES "
                "(1, '2013-01-01', 15, 1), (1, '2013-02-01', 20, 1), (2, '2013-01-01', 80, 1)"
            )
        )

    upgrade_to_head(empty_engine)

    with empty_engine.connect() as conn:
        sources = dict(conn.execute(text("SELECT key, source FROM kpis")).all())
        counts = conn.execute(text("SELECT kpi_id, value, count FROM observations ORDER BY kpi_id, period")).all()
    assert sources == {"time_to_fill": "hiring", "overtime": "reported"}
    assert [tuple(row) for row in counts] == [(1, 15.0, 2.0), (1, 20.0, 1.0), (2, 80.0, None)]
