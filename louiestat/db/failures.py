"""Failures of the database or the machine, each told as one sentence: what failed and what to do.

Engines raise an EnvironmentFailure in place of a driver error the environment caused (``watch``, a SQLAlchemy
``handle_error`` hook, for sqlite3 and psycopg alike); an unusable URL, a failed migration and a file that cannot
be read or written are told here too. The CLI prints the sentence and exits with status 3; the app shows it in
an error box. Errors that are bugs (a constraint, bad SQL) are left as they are."""

from __future__ import annotations

import os
import re

from sqlalchemy import Engine, delete, event, false, insert, select, update
from sqlalchemy.engine import URL, ExceptionContext

from louiestat.db.models import Base
from louiestat.errors import EnvironmentFailure, LockTimeout

WRITABLE_CHECK_WAIT_MS = 200  # how long the dry run's check waits on a SQLite write lock
URL_FORMS = "sqlite:///path/to/louiestat.db or postgresql+psycopg://user@host:5432/dbname"
_SERVER_TROUBLE = ("08", "53", "57", "58")  # SQLSTATE classes: connection, resources, shutdown, system


def bad_url(url: str, error: Exception) -> EnvironmentFailure:
    """The failure for a LOUIESTAT_DATABASE_URL that SQLAlchemy cannot use (its password, if any, hidden)."""
    shown = re.sub(r"(://[^/:@]*:)[^/@]*@", r"\1***@", url)
    reason = f"its driver {error.name} is not installed" if isinstance(error, ImportError) else _first_line(error)
    return EnvironmentFailure(
        f"LOUIESTAT_DATABASE_URL '{shown}' is not a database URL LouieStat can use ({reason}); set it to {URL_FORMS}"
    )


def watch(engine: Engine) -> None:
    """Make ``engine`` raise an EnvironmentFailure in place of any error the environment caused."""

    @event.listens_for(engine, "handle_error")
    def on_error(context: ExceptionContext) -> None:
        error, url = context.original_exception, engine.url
        if context.is_pre_ping or not isinstance(error, engine.dialect.loaded_dbapi.Error):
            return  # the pool reconnects by itself; a Python error is a bug
        if url.get_backend_name() == "sqlite":
            failure = _sqlite(error, url)
        else:
            failure = _postgres(error, url, connecting=context.connection is None, lost=context.is_disconnect)
        if failure is not None:
            raise failure from error


def _sqlite(error: BaseException, url: URL) -> EnvironmentFailure | None:
    code = (getattr(error, "sqlite_errorname", None) or "").removeprefix("SQLITE_").split("_")[0]
    path = _name(url)
    folder = os.path.dirname(path)
    if code in ("BUSY", "LOCKED"):
        return LockTimeout(
            f"the database file {path} stayed locked by another write for longer than the wait allowed, so nothing "
            "was written; try again when the other upload or undo has finished"
        )
    if code == "READONLY":
        return EnvironmentFailure(
            f"the database file {path} is read-only (its permissions or its folder's, a read-only disk, or mode=ro "
            "in LOUIESTAT_DATABASE_URL), so nothing was written; make the file and its folder writable, or set "
            "LOUIESTAT_DATABASE_URL to a writable copy"
        )
    if code in ("CANTOPEN", "PERM") and not os.path.isdir(folder):
        return EnvironmentFailure(
            f"the folder {folder} does not exist, so the database file {path} cannot be opened or created; create "
            "the folder, or set LOUIESTAT_DATABASE_URL to a file in an existing folder"
        )
    if code in ("CANTOPEN", "PERM"):
        return EnvironmentFailure(
            f"the database file {path} cannot be opened or created ({_first_line(error)}); check that you may read "
            f"and write the file and its folder {folder}, or set LOUIESTAT_DATABASE_URL to another file"
        )
    if code in ("NOTADB", "CORRUPT"):
        return EnvironmentFailure(
            f"{path} is not a readable SQLite database ({_first_line(error)}); restore it from a backup, or set "
            "LOUIESTAT_DATABASE_URL to a LouieStat database file (or to a new file, to start one)"
        )
    if code in ("FULL", "IOERR"):
        return EnvironmentFailure(
            f"reading or writing the database file {path} failed ({_first_line(error)}), so nothing was written; "
            "check that its disk has free space and is attached, then try again"
        )
    return None


def _postgres(error: BaseException, url: URL, connecting: bool, lost: bool) -> EnvironmentFailure | None:
    state = getattr(error, "sqlstate", None) or ""
    detail = _first_line(error).removeprefix("connection failed: ")
    server = f"{url.host or 'localhost'}:{url.port or 5432}"
    if connecting and re.search(r'database ".*" does not exist', detail):
        return EnvironmentFailure(
            f"the PostgreSQL server at {server} has no database '{url.database}'; create it (createdb "
            f"{url.database}) or correct the database name in LOUIESTAT_DATABASE_URL"
        )
    if connecting and "Connection refused" in detail:
        return EnvironmentFailure(
            f"cannot reach the PostgreSQL server at {server} (the connection was refused); start the server, or "
            "correct the host and port in LOUIESTAT_DATABASE_URL"
        )
    if connecting:
        return EnvironmentFailure(
            f"cannot connect to the PostgreSQL server at {server} ({detail}); check that it is running and that "
            "LOUIESTAT_DATABASE_URL has the right host, port, user and password"
        )
    if state == "55P03":
        return LockTimeout(
            f"the PostgreSQL database {_name(url)} stayed locked by another write for longer than the wait allowed, "
            "so nothing was written; try again when the other upload or undo has finished"
        )
    if state == "25006":
        return EnvironmentFailure(
            f"the PostgreSQL database {_name(url)} is read-only (a standby server, or default_transaction_read_only "
            "is on), so nothing was written; set LOUIESTAT_DATABASE_URL to a writable server"
        )
    if state == "42501":
        return EnvironmentFailure(
            f"the user of LOUIESTAT_DATABASE_URL may not write to LouieStat's tables in the PostgreSQL database "
            f"{_name(url)} ({detail}); ask the database owner to grant it SELECT, INSERT, UPDATE and DELETE on them"
        )
    if state == "57014" and "statement timeout" in detail:
        return EnvironmentFailure(
            f"a statement on the PostgreSQL database {_name(url)} ran longer than LOUIESTAT_STATEMENT_TIMEOUT_SECONDS "
            "allows and was cancelled, so nothing was written; raise or unset LOUIESTAT_STATEMENT_TIMEOUT_SECONDS, "
            "or try again when the server is less busy"
        )
    if lost or state.startswith(_SERVER_TROUBLE):
        return EnvironmentFailure(
            f"the PostgreSQL server at {server} failed ({detail}), so nothing was written; check the server, then "
            "try again"
        )
    return None


def unknown_revision(url: URL, revision: str) -> EnvironmentFailure:
    """The database's schema is at a revision this LouieStat has no migration for."""
    return EnvironmentFailure(
        f"the database {_name(url)} is at schema revision '{revision}', which this version of LouieStat does not "
        "know (a newer LouieStat probably upgraded it); run that newer version, or set LOUIESTAT_DATABASE_URL to "
        "another database"
    )


def migration_failed(url: URL, current: str | None, head: str, error: Exception) -> EnvironmentFailure:
    """Upgrading the schema failed; the upgrade runs in one transaction, so the database is as it was."""
    return EnvironmentFailure(
        f"upgrading the database {_name(url)} from schema revision {current or 'none (empty)'} to {head} failed "
        f"({_first_line(error)}), so nothing was changed; restore the database from a backup, or report this error"
    )


def from_os_error(error: OSError) -> EnvironmentFailure:
    """A file or folder that cannot be read or written."""
    return EnvironmentFailure(
        f"cannot use {error.filename or 'a file'} ({error.strerror or error}); check that the path exists, that "
        "you may read and write there and that the disk has free space"
    )


def ensure_writable(engine: Engine) -> None:
    """Raise EnvironmentFailure unless every table would take inserts, updates and deletes: each is asked to
    change no rows, in a transaction rolled back, so a read-only file or server or a missing privilege shows
    before a dry run promises a commit. A SQLite file whose write lock another write holds is writable (SQLite
    says read-only at once, before any lock): the dry run does not wait for it."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            busy_timeout = conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
            conn.exec_driver_sql(f"PRAGMA busy_timeout={WRITABLE_CHECK_WAIT_MS}")
        try:
            for table in Base.metadata.sorted_tables:
                nothing = false()
                conn.execute(insert(table).from_select(list(table.c.keys()), select(table).where(nothing)))
                conn.execute(update(table).where(nothing).values({c.name: c for c in table.primary_key}))
                conn.execute(delete(table).where(nothing))
        except LockTimeout:
            if not sqlite:
                raise
        finally:
            conn.rollback()
            if sqlite:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={busy_timeout}")


def _name(url: URL) -> str:
    """The database file's absolute path, or a PostgreSQL database's name and server."""
    if url.get_backend_name() == "sqlite":
        return os.path.abspath((url.database or "").removeprefix("file:"))
    return f"'{url.database}' at {url.host or 'localhost'}:{url.port or 5432}"


def _first_line(error: BaseException) -> str:
    """The driver's own words: the first line of its message, without SQLAlchemy's ``(module.Class)`` prefix."""
    line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return re.sub(r"^\([\w.]+\) ", "", line).strip()
