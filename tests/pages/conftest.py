"""Fixtures for page tests: the app under ``AppTest`` on a fresh SQLite copy of the sample city, or on an
empty database. Streamlit's caches live in the process, so each test starts with them cleared."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from louiestat.access.users import add_user
from louiestat.config import get_settings
from louiestat.db.engine import make_engine
from louiestat.db.migrate import upgrade_to_head
from louiestat.sample_city import SAMPLE_ACCOUNTS
from tests.conftest import ROOT

ADMIN, ANALYST, VIEWER = (account[0] for account in SAMPLE_ACCOUNTS)  # the analyst's departments: ems and fire


def _use(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOUIESTAT_DATABASE_URL", url)
    monkeypatch.setenv("LOUIESTAT_USER", "page-tester")
    get_settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def city_url(sample_city_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A private copy of the sample city; the app's settings point at it."""
    path = tmp_path / "louiestat.db"
    shutil.copy(sample_city_file, path)
    url = f"sqlite:///{path}"
    _use(url, monkeypatch)
    yield url
    get_settings.cache_clear()


@pytest.fixture
def empty_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    add_user(engine, ADMIN, "admin", by="page-tester")
    engine.dispose()
    _use(url, monkeypatch)
    yield url
    get_settings.cache_clear()


@pytest.fixture
def city_engine(city_url: str) -> Iterator[Engine]:
    engine = make_engine(city_url)
    yield engine
    engine.dispose()


def _runner() -> Callable[..., AppTest]:
    def run(page: str = "overview", *, user: str | None = ADMIN, **params: str) -> AppTest:
        """``user``: who is signed in (through the identity provider, faked at ``st.user``); None, a visitor."""
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
        at.user = {"email": user, "is_logged_in": True} if user else {"is_logged_in": False}
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if page != "overview":
            at.switch_page(f"louiestat/pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


@pytest.fixture
def open_page(city_url: str) -> Callable[..., AppTest]:
    """Run the app on the sample city, optionally with URL parameters, on a page (``scorecard``, ``kpi``, …)."""
    return _runner()


@pytest.fixture
def open_empty_page(empty_url: str) -> Callable[..., AppTest]:
    """Run the app on an empty database."""
    return _runner()


@pytest.fixture
def open_page_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Callable[..., AppTest]]]:
    """``open_page_on(url)``: run the app on the database at ``url``, which may be broken or read-only."""

    def on(url: str) -> Callable[..., AppTest]:
        _use(url, monkeypatch)
        return _runner()

    yield on
    get_settings.cache_clear()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_city_url(request: pytest.FixtureRequest, sample_city_file: Path, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The sample city with its accounts, on SQLite (a private copy) and on PostgreSQL (the test schema, loaded
    afresh); the app's settings point at it."""
    if request.param == "sqlite":
        shutil.copy(sample_city_file, tmp_path / "louiestat.db")
        url = f"sqlite:///{tmp_path / 'louiestat.db'}"
    else:
        from louiestat.sample_city import add_accounts, load_files
        from tests.conftest import _empty_postgres

        url = request.getfixturevalue("postgres_url")
        engine = make_engine(url)
        _empty_postgres(engine)
        assert load_files(engine, "sample")[-1].status == "committed"
        add_accounts(engine, "sample")
        engine.dispose()
    _use(url, monkeypatch)
    yield url
    get_settings.cache_clear()
