"""Failures of the database or the machine: each gives one sentence naming the cause and what to do, exit status
3 from the CLI and no traceback, and nothing is written. Real files, folders and servers, never a mock."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, text

from louiestat.cli import EXIT_ENVIRONMENT, main
from louiestat.config import get_settings
from louiestat.db.engine import make_engine, write_transaction
from louiestat.db.failures import ensure_writable
from louiestat.db.migrate import head_revision, upgrade_to_head
from louiestat.errors import EnvironmentFailure, LockTimeout
from louiestat.ingest import ingest
from tests.conftest import DEFINITIONS, POSTGRES_URL, ROOT, snapshot

VALUES = "department,kpi,period,value\nhr,overtime_hours,2013-01,120\n"
READ_ONLY = (
    "is read-only (its permissions or its folder's, a read-only disk, or mode=ro in LOUIESTAT_DATABASE_URL), so "
    "nothing was written; make the file and its folder writable, or set LOUIESTAT_DATABASE_URL to a writable copy"
)


@pytest.fixture
def use_url(monkeypatch: pytest.MonkeyPatch) -> Iterator:
    """Point the settings at a database URL, as LOUIESTAT_DATABASE_URL would."""

    def use(url: str) -> None:
        monkeypatch.setenv("LOUIESTAT_DATABASE_URL", url)
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


@pytest.fixture
def values_file(tmp_path: Path) -> Path:
    path = tmp_path / "values.csv"
    path.write_text(VALUES)
    return path


def failing(argv: list[str], capsys: pytest.CaptureFixture) -> str:
    """Run the CLI, check it exits 3 with one ``error:`` line and prints nothing else; return the sentence."""
    assert main(argv) == EXIT_ENVIRONMENT
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, (out, err)
    return err.removeprefix("error: ").removesuffix("\n")


def make_city(template: Path, folder: Path) -> Path:
    """An SQLite file in ``folder`` holding the small inline city."""
    path = folder / "city" / "louiestat.db"
    path.parent.mkdir()
    shutil.copy(template, path)
    engine = make_engine(f"sqlite:///{path}")
    assert ingest(engine, DEFINITIONS.encode(), name="definitions.csv").status == "committed"
    engine.dispose()
    return path


@pytest.fixture
def city_file(sqlite_template: Path, tmp_path: Path) -> Path:
    return make_city(sqlite_template, tmp_path)


def test_a_read_only_sqlite_file_fails_the_dry_run_before_it_promises_a_commit(
    city_file: Path, values_file: Path, use_url, capsys: pytest.CaptureFixture
) -> None:
    engine = make_engine(f"sqlite:///{city_file}")
    before = snapshot(engine)
    use_url(f"sqlite:///file:{city_file}?mode=ro&uri=true")

    for argv in (["ingest", str(values_file), "--dry-run"], ["ingest", str(values_file)]):
        assert failing(argv, capsys) == f"the database file {city_file} {READ_ONLY}"
    assert main(["batches", "--json"]) == 0, "reading a read-only database still works"
    assert snapshot(engine) == before
    engine.dispose()


def as_another_user(argv: list[str]) -> tuple[int, str]:
    """Run the CLI where file permissions apply: in this process when it is not root's (root may write to any
    file); else in a forked child that has become user ``nobody`` (every module it needs is already loaded)."""
    if os.geteuid() != 0:
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            return main(argv), err.getvalue()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(read)
            os.setgid(65534)
            os.setuid(65534)
            err = io.StringIO()
            with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
                status = main(argv)
            os.write(write, f"{status}\n{err.getvalue()}".encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        reply = pipe.read()
    os.waitpid(pid, 0)
    status, _, err = reply.partition("\n")
    return int(status), err


@pytest.fixture
def open_folder() -> Iterator[Path]:
    """A folder another user can reach (pytest's own are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="louiestat-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_file_permissions_that_forbid_writing_give_exit_3(
    sqlite_template: Path, open_folder: Path, use_url, read_only: str
) -> None:
    city_file = make_city(sqlite_template, open_folder)
    values_file = open_folder / "values.csv"
    values_file.write_text(VALUES)
    values_file.chmod(0o644)
    engine = make_engine(f"sqlite:///{city_file}")
    before = snapshot(engine)
    engine.dispose()
    city_file.chmod(0o644 if read_only == "file" else 0o666)
    city_file.parent.chmod(0o777 if read_only == "file" else 0o555)
    use_url(f"sqlite:///{city_file}")
    try:
        for argv in (["ingest", str(values_file), "--dry-run"], ["ingest", str(values_file)]):
            assert as_another_user(argv) == (EXIT_ENVIRONMENT, f"error: the database file {city_file} {READ_ONLY}\n")
    finally:
        city_file.parent.chmod(0o755)
    assert snapshot(make_engine(f"sqlite:///{city_file}")) == before


def test_a_database_in_a_missing_folder_names_the_folder(tmp_path: Path, use_url, capsys) -> None:
    use_url(f"sqlite:///{tmp_path / 'nowhere' / 'louiestat.db'}")
    for argv in (["init"], ["batches"]):
        assert failing(argv, capsys) == (
            f"the folder {tmp_path / 'nowhere'} does not exist, so the database file "
            f"{tmp_path / 'nowhere' / 'louiestat.db'} cannot be opened or created; create the folder, or set "
            "LOUIESTAT_DATABASE_URL to a file in an existing folder"
        )
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("not a url", "Could not parse SQLAlchemy URL from given URL string"),
        ("sqlite:/louiestat.db", "Could not parse SQLAlchemy URL from given URL string"),
        ("postgresql+psycopg://me:secret@db:port/x", "invalid literal for int() with base 10: 'port'"),
        ("oracle+nothing://me:secret@db/x", "Can't load plugin: sqlalchemy.dialects:oracle.nothing"),
        ("postgresql+asyncpg://me:secret@db/x", "its driver asyncpg is not installed"),
    ],
    ids=["garbage", "two-slashes-short", "bad-port", "unknown-dialect", "missing-driver"],
)
def test_an_unusable_database_url_says_what_a_url_looks_like(url: str, reason: str, use_url, capsys) -> None:
    use_url(url)
    shown = url.replace(":secret@", ":***@")
    assert failing(["batches"], capsys) == (
        f"LOUIESTAT_DATABASE_URL '{shown}' is not a database URL LouieStat can use ({reason}); set it to "
        "sqlite:///path/to/louiestat.db or postgresql+psycopg://user@host:5432/dbname"
    )


def test_a_postgresql_server_that_is_not_running_says_start_it(use_url, capsys) -> None:
    use_url("postgresql+psycopg://127.0.0.1:1/louiestat")
    assert failing(["batches"], capsys) == (
        "cannot reach the PostgreSQL server at 127.0.0.1:1 (the connection was refused); start the server, or "
        "correct the host and port in LOUIESTAT_DATABASE_URL"
    )


@pytest.mark.postgres
def test_an_unknown_postgresql_database_says_create_it(use_url, capsys) -> None:
    url = make_url(POSTGRES_URL).set(database="louiestat_no_such_database")
    use_url(url.render_as_string(hide_password=False))
    assert failing(["init"], capsys) == (
        f"the PostgreSQL server at {url.host}:{url.port or 5432} has no database 'louiestat_no_such_database'; "
        "create it (createdb louiestat_no_such_database) or correct the database name in LOUIESTAT_DATABASE_URL"
    )


def with_options(url: str, *options: str) -> str:
    """``url`` with more PostgreSQL ``-c`` settings for its connections."""
    parsed = make_url(url)
    joined = " ".join([parsed.query.get("options", ""), *(f"-c{o}" for o in options)]).strip()
    return parsed.update_query_dict({"options": joined}).render_as_string(hide_password=False)


ON_POSTGRES = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


@pytest.mark.postgres
@ON_POSTGRES
def test_a_read_only_postgresql_database_fails_the_dry_run(
    engine: Engine, database_url: str, values_file: Path, use_url, capsys
) -> None:
    assert ingest(engine, DEFINITIONS.encode(), name="definitions.csv").status == "committed"
    before = snapshot(engine)
    use_url(with_options(database_url, "default_transaction_read_only=on"))
    server = f"{engine.url.host}:{engine.url.port or 5432}"
    for argv in (["ingest", str(values_file), "--dry-run"], ["ingest", str(values_file)]):
        assert failing(argv, capsys) == (
            f"the PostgreSQL database '{engine.url.database}' at {server} is read-only (a standby server, or "
            "default_transaction_read_only is on), so nothing was written; set LOUIESTAT_DATABASE_URL to a "
            "writable server"
        )
    assert snapshot(engine) == before


@pytest.mark.postgres
@ON_POSTGRES
def test_a_postgresql_user_without_write_privileges_fails_the_dry_run(
    engine: Engine, database_url: str, values_file: Path, use_url, capsys
) -> None:
    schema = make_url(database_url).query["options"].removeprefix("-csearch_path=")
    role = f"{schema}_reader"
    with engine.begin() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
        conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
        conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'))
    try:
        use_url(with_options(database_url, f"role={role}"))
        message = failing(["ingest", str(values_file), "--dry-run"], capsys)
        assert message.startswith("the user of LOUIESTAT_DATABASE_URL may not write to LouieStat's tables in the "
                                  f"PostgreSQL database '{engine.url.database}' at ")
        assert re.search(r"\(permission denied for table \w+\); ask the database owner to grant it SELECT, INSERT, "
                         r"UPDATE and DELETE on them$", message), message
        assert main(["batches", "--json"]) == 0, "reading is still allowed"
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))


def test_ensure_writable_writes_nothing_and_passes_on_a_writable_database(engine: Engine) -> None:
    before = snapshot(engine)
    ensure_writable(engine)
    assert snapshot(engine) == before


def test_the_writable_check_never_waits_behind_a_write_but_a_locked_postgres_table_times_out(engine: Engine) -> None:
    """SQLite: another write's lock shows the file is writable, so the dry run goes on at once. PostgreSQL: the
    check takes no write lock, but a table locked past lock_timeout is a LockTimeout with its sentence."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        before = conn.exec_driver_sql("PRAGMA busy_timeout" if sqlite else "SHOW lock_timeout").scalar_one()
        if not sqlite:  # a short wait on the pooled connection the check will use
            conn.exec_driver_sql("SET lock_timeout = '50ms'")
            conn.commit()
    holder = make_engine(engine.url.render_as_string(hide_password=False))
    with write_transaction(holder) as other:
        started = time.monotonic()
        if sqlite:
            ensure_writable(engine)
            assert time.monotonic() - started < 2
        else:
            other.execute(text("LOCK TABLE batches IN ACCESS EXCLUSIVE MODE"))
            with pytest.raises(LockTimeout) as failure:
                ensure_writable(engine)
    holder.dispose()
    if sqlite:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == before, "the wait is restored"
    else:
        assert str(failure.value) == (
            f"the PostgreSQL database '{engine.url.database}' at {engine.url.host}:{engine.url.port} stayed locked "
            "by another write for longer than the wait allowed, so nothing was written; try again when the other "
            "upload or undo has finished"
        )


def test_a_database_at_an_unknown_schema_revision_says_which_and_what_to_do(engine: Engine, capsys) -> None:
    head = head_revision()
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00dfeed'"))
    try:
        message = failing(["batches"], capsys)
    finally:  # the PostgreSQL schema is shared by the whole test session
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    where = engine.url.database if engine.dialect.name == "sqlite" else f"'{engine.url.database}' at "
    assert message.startswith(f"the database {where}")
    assert message.endswith(
        "is at schema revision 'f00dfeed', which this version of LouieStat does not know (a newer LouieStat probably "
        "upgraded it); run that newer version, or set LOUIESTAT_DATABASE_URL to another database"
    )


def test_a_failed_migration_changes_nothing_and_says_restore_a_backup(tmp_path: Path, use_url, capsys) -> None:
    path = tmp_path / "older.db"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE process_changes (note TEXT)"))  # in the way of migration 0002
    use_url(f"sqlite:///{path}")
    assert failing(["init"], capsys) == (
        f"upgrading the database {path} from schema revision none (empty) to {head_revision()} failed (table "
        "process_changes already exists), so nothing was changed; restore the database from a backup, or report "
        "this error"
    )
    with engine.connect() as conn:
        tables = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars().all()
    assert tables == ["process_changes"]
    with pytest.raises(EnvironmentFailure):
        upgrade_to_head(engine)
    engine.dispose()


def test_an_output_file_in_a_missing_folder_exits_3(engine: Engine, tmp_path: Path, capsys) -> None:
    out = tmp_path / "missing" / "values.csv"
    assert failing(["export", "values", "--out", str(out)], capsys) == (
        f"cannot use {out} (No such file or directory); check that the path exists, that you may read and write "
        "there and that the disk has free space"
    )


def test_python_m_louiestat_prints_the_sentence_without_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "LOUIESTAT_DATABASE_URL": "postgresql+psycopg://127.0.0.1:1/louiestat"}
    run = subprocess.run(
        [sys.executable, "-m", "louiestat", "batches"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=False,
    )
    assert (run.returncode, run.stdout) == (3, "")
    assert run.stderr.startswith("error: cannot reach the PostgreSQL server at 127.0.0.1:1")
    assert "Traceback" not in run.stderr and run.stderr.count("\n") == 1
