"""Bring a database to the newest schema with Alembic; the app and the CLI call this on start."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from louiestat.db import failures
from louiestat.db.engine import engine_for, write_transaction

MIGRATIONS = Path(__file__).parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest migration's revision id."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS}")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(engine: Engine) -> None:
    """Create or upgrade the schema; does nothing when the database is already current. A database at a revision
    this code does not know, or an upgrade that fails, raises EnvironmentFailure (the upgrade is one transaction)."""
    current, head = current_revision(engine), head_revision()
    if current == head:
        return
    config = _config()
    known = {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}
    if current is not None and current not in known:
        raise failures.unknown_revision(engine.url, current)
    try:
        with write_transaction(engine, doing="schema upgrade") as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except (CommandError, SQLAlchemyError) as error:
        raise failures.migration_failed(engine.url, current, head, error) from error


@lru_cache(maxsize=8)
def migrated_engine(url: str) -> Engine:
    """The process-wide engine for ``url``, its schema upgraded to the newest on first use (pages and routes)."""
    engine = engine_for(url)
    upgrade_to_head(engine)
    return engine
