"""Months as integers: a *month index* is ``year * 12 + month - 1``, compact, sortable and cheap to compare.
Stored as the first day of the month (a Date) in the database."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def current_month_index(today: dt.date | None = None) -> int:
    today = today or dt.date.today()
    return month_index(today.year, today.month)


def month_label(index: int) -> str:
    """``2013-03`` for the month index of March 2013."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_labels(indexes: np.ndarray) -> np.ndarray:
    """``YYYY-MM`` labels for many month indexes (computed once per distinct month)."""
    uniques, codes = np.unique(np.asarray(indexes, dtype="int64"), return_inverse=True)
    return np.array([month_label(int(u)) for u in uniques], dtype=object)[codes.reshape(-1)]


def month_start_iso(indexes: np.ndarray) -> np.ndarray:
    """ISO dates of the first day of each month (``2013-03-01``), as stored in a Date column."""
    return np.array([f"{label}-01" for label in month_labels(indexes)], dtype=object)


def month_index_of_dates(values: pd.Series) -> np.ndarray:
    """Month indexes of dates or timestamps (ISO strings, ``date`` objects or datetime64)."""
    stamps = pd.to_datetime(values)
    return (stamps.dt.year * 12 + stamps.dt.month - 1).to_numpy(dtype="int64")


def timestamps_of_months(indexes: np.ndarray | pd.Series) -> pd.Series:
    """Month-start timestamps (datetime64) for month indexes: the ``period`` the metrics package expects."""
    idx = np.asarray(indexes, dtype="int64")
    if not len(idx):
        return pd.Series(dtype="datetime64[us]")
    years, months = idx // 12, idx % 12 + 1
    return pd.to_datetime(pd.DataFrame({"year": years, "month": months, "day": 1}))
