"""Fixtures: a migrated database on SQLite and on PostgreSQL for every database test, and table snapshots.

PostgreSQL comes from LOUIESTAT_TEST_POSTGRES_URL (default: the local server's ``test`` database); each test
session works in its own schema, emptied between tests, so runs never see each other's rows."""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, make_url, select, text

from louiestat.config import get_settings
from louiestat.db.engine import make_engine
from louiestat.db.migrate import upgrade_to_head
from louiestat.db.models import Base
from louiestat.ingest import ingest
from louiestat.sample_city import SAMPLE_FILES, add_accounts
from tests.mail_server import Mailbox, serving_mail

# Passwords hashed with cheap Argon2 parameters in the tests (and the servers they start): a sign-in takes
# milliseconds, not half a second; production keeps the library's defaults (the settings' defaults).
os.environ.setdefault("LOUIESTAT_PASSWORD_TIME_COST", "1")
os.environ.setdefault("LOUIESTAT_PASSWORD_MEMORY_KIB", "1024")
os.environ.setdefault("LOUIESTAT_PASSWORD_PARALLELISM", "1")
POSTGRES_URL = os.environ.get("LOUIESTAT_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test")
ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "louiestat" / "sample_data"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "louiestat.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    schema = f"louiestat_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    url_text = url.render_as_string(hide_password=False)
    engine = make_engine(url_text)
    upgrade_to_head(engine)
    engine.dispose()
    yield url_text
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _empty_postgres(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A freshly migrated, empty database's URL: an SQLite file, or the PostgreSQL test schema emptied."""
    if request.param == "sqlite":
        path = tmp_path / "louiestat.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    _empty_postgres(engine)
    engine.dispose()
    return url


@pytest.fixture
def louisville_clock() -> Iterator[None]:
    """The server's clock set to Louisville's time (UTC-4 in summer), as a city's server would be: stored times
    are UTC, people type and read local ones."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/Kentucky/Louisville"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.fixture
def engine(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """An engine on the test database; the settings point at it too, for code that reads them."""
    monkeypatch.setenv("LOUIESTAT_DATABASE_URL", database_url)
    monkeypatch.setenv("LOUIESTAT_USER", "tester")
    get_settings.cache_clear()
    engine = make_engine(database_url)
    yield engine
    engine.dispose()
    get_settings.cache_clear()


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    """A real SMTP server on the loopback (aiosmtpd) keeping every message it accepts."""
    with serving_mail() as box:
        yield box


def snapshot(engine: Engine) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: two equal snapshots mean the database did not change."""
    with engine.connect() as conn:
        return {
            table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for table in Base.metadata.sorted_tables
        }


DEFINITIONS = """department,department_name,kpi,kpi_name,unit,direction,target,tolerance_pct,min_value,max_value,source
hr,Human Resources,time_to_fill,Time to fill vacancies,days,lower_is_better,60,,,,hiring
hr,Human Resources,overtime_hours,Unscheduled overtime hours,hours,lower_is_better,100,5,,,
hr,Human Resources,sick_leave_hours,Sick-leave hours per FTE,hours,lower_is_better,8,,,,
ems,Emergency Medical Services,response_time,Response time,minutes,lower_is_better,9,,,,
ems,Emergency Medical Services,calls_answered_pct,Calls answered within 90 seconds,percent,higher_is_better,90,,0,100,
"""


@pytest.fixture
def city(engine: Engine) -> Engine:
    """A small inline city: two departments, five KPIs (one, time to fill, declared source=hiring), no values yet."""
    result = ingest(engine, DEFINITIONS.encode(), name="definitions.csv")
    assert result.status == "committed", result.message
    return engine


@pytest.fixture
def sample_city(engine: Engine) -> Engine:
    """The test database with the sample city loaded."""
    for name in SAMPLE_FILES:
        result = ingest(engine, SAMPLE / name, actor="sample")
        assert result.status == "committed", result.message
    return engine


@pytest.fixture(scope="session")
def sample_city_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file holding the sample city, built once per test session (copy it before writing)."""
    path = tmp_path_factory.mktemp("sample") / "louiestat.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    for name in SAMPLE_FILES:
        assert ingest(engine, SAMPLE / name, actor="sample").status == "committed"
    add_accounts(engine, "sample")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def meetings_city_file(sample_city_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample city with its accounts and held meetings, built once per test session (copy it before writing)."""
    from louiestat.meetings.sample import load_sample_meetings

    path = tmp_path_factory.mktemp("meetings") / "louiestat.db"
    shutil.copy(sample_city_file, path)
    engine = make_engine(f"sqlite:///{path}")
    load_sample_meetings(engine, "sample")
    engine.dispose()
    return path


def shown(markdown: str) -> str:
    """Markdown as a reader sees it: the backslash escapes that keep file text literal removed."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")
