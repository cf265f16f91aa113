"""Cached reads for the pages. The engine is made once per process; data and computed views are cached per
*data version* (the newest batch id, one cheap query), so a page switch reuses them and a commit or undo
shows at once. ``invalidate()`` also drops them explicitly after a write."""

from __future__ import annotations

import importlib
import logging
import threading

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from louiestat.config import get_settings
from louiestat.db.migrate import migrated_engine
from louiestat.reading import queries, views
from louiestat.writing import batches
from louiestat.writing.batches import departments_by_batch
from metrics.months import month_start_of
from metrics.scorecard import department_summary

# What the other pages import and the overview does not: imported ahead by the warm-up.
OTHER_PAGES_NEED = ("louiestat.ingest", "louiestat.exports.templates", "louiestat.exports.upload_format", "louiestat.exports.downloads",
                    "louiestat.writing.edits", "xlsxwriter")
_log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """The database, upgraded to the newest schema on first use."""
    return migrated_engine(get_settings().database_url)


def data_version() -> int:
    return batches.data_version(engine())


def batch_version() -> int:
    """Changes with every write, stat meetings' included (``data_version`` ignores those)."""
    return batches.newest_batch(engine())


@st.cache_data(max_entries=4, show_spinner=False)
def _city(version: int) -> views.City:
    return views.City.load(engine())


def city() -> views.City:
    """All KPIs, values and targets of the city, as of the latest change."""
    return _city(data_version())


@st.cache_data(max_entries=4, show_spinner=False)
def _months(version: int) -> views.Months:
    return views.months_offered(_city(version), get_settings().reporting_share)


def months() -> views.Months:
    """The months to offer, the reporting month as default, and which are incomplete."""
    return _months(data_version())


@st.cache_data(max_entries=64, show_spinner=False)
def _data_batches(version: int) -> pd.DataFrame:
    return batches.list_batches(engine(), meetings=False)


def data_batches() -> pd.DataFrame:
    """The batches that changed the KPI data (uploads, Manage edits, undos), newest first: not stat meetings'."""
    return _data_batches(data_version())


@st.cache_data(max_entries=4, show_spinner=False)
def _batch_departments(version: int) -> dict[int, frozenset[str]]:
    with engine().connect() as conn:
        return departments_by_batch(conn)


def batch_departments() -> dict[int, frozenset[str]]:
    """The departments whose data each batch changed (``batches.departments_by_batch``), for the undo picker."""
    return _batch_departments(data_version())


def invalidate() -> None:
    """Forget every cached view after a write (the data version would also change)."""
    for cached in (_city, _months, _data_batches, _batch_departments, _scorecard, _departments, _overview,
                   _kpi_detail, _value_history):
        cached.clear()


@st.cache_data(max_entries=24, show_spinner=False)
def _scorecard(version: int, as_of: str) -> pd.DataFrame:
    return views.city_scorecard(_city(version), month_start_of(as_of), get_settings().fiscal_year_start_month)


def scorecard(as_of: str) -> pd.DataFrame:
    """Every KPI of the city as of ``as_of`` (``YYYY-MM``)."""
    return _scorecard(data_version(), as_of)


@st.cache_data(max_entries=24, show_spinner=False)
def _departments(version: int, as_of: str) -> pd.DataFrame:
    return department_summary(_scorecard(version, as_of), _city(version).kpis, get_settings().score_cap)


def departments(as_of: str) -> pd.DataFrame:
    """One summary row per department as of ``as_of`` (score, status counts, overdue)."""
    return _departments(data_version(), as_of)


@st.cache_data(max_entries=24, show_spinner=False)
def _overview(version: int, as_of: str) -> views.Overview:
    card = _scorecard(version, as_of)
    return views.overview(_city(version), card, month_start_of(as_of), get_settings().score_cap)


def overview(as_of: str) -> views.Overview:
    return _overview(data_version(), as_of)


@st.cache_data(max_entries=64, show_spinner=False)
def _kpi_detail(version: int, kpi_id: int, as_of: str) -> views.KpiDetail:
    return views.kpi_detail(_city(version), kpi_id, month_start_of(as_of))


def kpi_detail(kpi_id: int, as_of: str) -> views.KpiDetail:
    """One KPI's XmR chart data, targets, notes and signals up to ``as_of``."""
    return _kpi_detail(data_version(), kpi_id, as_of)


@st.cache_data(max_entries=64, show_spinner=False)
def _value_history(version: int, kpi_id: int) -> pd.DataFrame:
    return queries.value_history(engine(), kpi_id)


def value_history(kpi_id: int) -> pd.DataFrame:
    """Every stored version of a KPI's values, with its batch."""
    return _value_history(data_version(), kpi_id)


def _warm() -> None:
    """Compute the reporting month's views and import what the other pages need, filling the caches."""
    try:
        as_of = months().default
        if as_of:
            overview(as_of)
            departments(as_of)
        for module in OTHER_PAGES_NEED:
            importlib.import_module(module)
    except Exception:  # a warm-up only saves time: the page that needs the view computes it and shows any failure
        _log.warning("warming the caches failed; pages will compute their views when opened", exc_info=True)


@st.cache_resource(show_spinner=False)
def _warm_up() -> threading.Thread:
    thread = threading.Thread(target=_warm, name="louiestat-warm-up", daemon=True)
    add_script_run_ctx(thread, get_script_run_ctx())  # the caches are Streamlit's: run as part of this session
    thread.start()
    return thread


def warm_up_in_background() -> None:
    """Once per server process, after its first page: fill the caches of the reporting month and import what the
    other pages need in a background thread, so the first visit to each page does not wait for them. Only in a
    browser's session (one with HTTP headers), not under AppTest, whose tests each switch databases."""
    if st.context.headers:
        _warm_up()
