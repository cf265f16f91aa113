"""Months as integers, the one encoding used everywhere: a *month number* is ``year * 12 + month - 1``.

Compact, sortable and positive for every year the app accepts, so calendar arithmetic across all KPIs is integer
arithmetic (the month before is ``n - 1``, a year earlier ``n - 12``, the calendar month ``n % 12 + 1``). The
database stores months as the first day of the month (a Date); frames hold them as month-start datetimes
(``period``) or as month numbers, and the helpers below convert between the two.

A month given to ``metrics`` from outside (an ``as_of``) is a ``MonthLike``: a ``YYYY-MM`` text, a date or a
timestamp in the month; ``month_start_of`` is the one place that reads it.
"""

import datetime as dt
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

MonthLike: TypeAlias = str | dt.date | pd.Timestamp

# numpy counts datetime64[M] from January 1970; month numbers count from January of year 0.
_EPOCH = 1970 * 12


def month_of(year: int, month: int) -> int:
    """The month number of ``month`` (1 to 12) of ``year``."""
    return year * 12 + month - 1


def current_month(today: dt.date | None = None) -> int:
    """This month's number (or the month of ``today``)."""
    today = today or dt.date.today()
    return month_of(today.year, today.month)


def month_number(periods: Any) -> np.ndarray:
    """Month numbers (int64) of dates, timestamps or ISO date strings."""
    return np.asarray(periods, dtype="datetime64[ns]").astype("datetime64[M]").astype(np.int64) + _EPOCH


def month_start(numbers: Any) -> np.ndarray:
    """The first day of each month number (datetime64[ns]), the inverse of ``month_number``."""
    return (np.asarray(numbers, dtype=np.int64) - _EPOCH).astype("datetime64[M]").astype("datetime64[ns]")


def month_label(number: int) -> str:
    """``2013-03`` for the month number of March 2013."""
    return f"{number // 12:04d}-{number % 12 + 1:02d}"


def month_labels(numbers: Any) -> np.ndarray:
    """``YYYY-MM`` labels for many month numbers (computed once per distinct month)."""
    uniques, codes = np.unique(np.asarray(numbers, dtype="int64"), return_inverse=True)
    return np.array([month_label(int(u)) for u in uniques], dtype=object)[codes.reshape(-1)]


def month_start_iso(numbers: Any) -> np.ndarray:
    """ISO dates of the first day of each month (``2013-03-01``), as stored in a Date column."""
    return np.array([f"{label}-01" for label in month_labels(numbers)], dtype=object)


def month_start_of(month: MonthLike) -> pd.Timestamp:
    """The first day of ``month`` (``'2016-06'``, a date or a timestamp in it) as a timestamp."""
    return pd.Timestamp(month_start(month_number([pd.Timestamp(month)]))[0])
