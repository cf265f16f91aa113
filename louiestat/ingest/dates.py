"""Reading months and dates the way analysts type them, parsed once per distinct string."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from metrics.months import current_month, month_label, month_of

PERIOD_FORMATS = "YYYY-MM (2013-03), YYYY-MM-DD (2013-03-01), M/YYYY (3/2013) or MM/DD/YYYY (03/01/2013)"
DATE_FORMATS = "YYYY-MM-DD (2013-03-15) or MM/DD/YYYY (03/15/2013)"
EARLIEST_YEAR = 1900

_PERIOD = re.compile(
    r"^(?:(?P<y1>\d{4})-(?P<m1>\d{1,2})(?:-(?P<d1>\d{1,2}))?"
    r"|(?P<m2>\d{1,2})/(?P<y2>\d{4})"
    r"|(?P<m3>\d{1,2})/(?P<d3>\d{1,2})/(?P<y3>\d{4}))$"
)
_DATE = re.compile(r"^(?:(?P<y1>\d{4})-(?P<m1>\d{1,2})-(?P<d1>\d{1,2})|(?P<m3>\d{1,2})/(?P<d3>\d{1,2})/(?P<y3>\d{4}))$")


def _read_period(text: str, latest: int) -> tuple[int, str | None]:
    match = _PERIOD.match(text)
    if not match:
        return -1, f"not a month; use {PERIOD_FORMATS}"
    g = match.groupdict()
    year = int(g["y1"] or g["y2"] or g["y3"])
    month = int(g["m1"] or g["m2"] or g["m3"])
    day = g["d1"] or g["d3"]
    if not 1 <= month <= 12:
        return -1, f"month {month} does not exist; months run 1 to 12 ({PERIOD_FORMATS})"
    if day is not None:
        try:
            dt.date(year, month, int(day))
        except ValueError:
            return -1, f"{text} is not a real date; use {PERIOD_FORMATS}"
    if year < EARLIEST_YEAR:
        return -1, f"year {year} is before {EARLIEST_YEAR}; check the year"
    number = month_of(year, month)
    if number > latest:
        return -1, f"{month_label(number)} is after the current month ({month_label(latest)}); future months cannot be reported"
    return number, None


def parse_periods(values: pd.Series, today: dt.date | None = None) -> tuple[np.ndarray, pd.Series]:
    """Month numbers for ``values`` (-1 where invalid) and an error message per value (None where it parsed).

    Blank cells must be caught by the caller; here they are simply 'not a month'."""
    latest = current_month(today)
    codes, uniques = pd.factorize(values.str.strip(), use_na_sentinel=False)
    parsed = [_read_period(str(u), latest) for u in uniques]
    numbers = np.array([p[0] for p in parsed], dtype="int64")[codes]
    messages = np.array([p[1] for p in parsed], dtype=object)[codes]
    return numbers, pd.Series(messages, index=values.index)


def read_date(text: str, latest: dt.date | None = None) -> tuple[dt.date | None, str | None]:
    """One date, or why it is not one (no later than ``latest``, today by default)."""
    latest = latest or dt.date.today()
    match = _DATE.match(text)
    if not match:
        return None, f"not a date; use {DATE_FORMATS}"
    g = match.groupdict()
    try:
        value = dt.date(int(g["y1"] or g["y3"]), int(g["m1"] or g["m3"]), int(g["d1"] or g["d3"]))
    except ValueError:
        return None, f"{text} is not a real date; use {DATE_FORMATS}"
    if value.year < EARLIEST_YEAR:
        return None, f"year {value.year} is before {EARLIEST_YEAR}; check the year"
    if value > latest:
        return None, f"{value.isoformat()} is in the future (today is {latest.isoformat()})"
    return value, None
