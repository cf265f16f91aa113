"""Time to fill positions: days from posting to filling, by department and month, and the age of open ones.

Days are whole calendar days (a position filled the day it was posted took 0); a filled date
before the posted date is a recording error and counts for nothing. The 90th percentile
interpolates linearly, as numpy does by default. The database layer stores ``mean_days`` per
department and month, with ``filled`` as its count, as the values of the department's KPIs declared
``source=hiring``.
"""

from datetime import date

import numpy as np
import pandas as pd

from metrics.frames import DEPARTMENT, FILLED_DATE, PERIOD, POSITION_ID, POSTED_DATE, TITLE

DAYS_TO_FILL = "days_to_fill"


def _calendar_days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    """Whole calendar days between two date columns, times of day ignored; NaN where either is missing."""
    return (later.dt.normalize() - earlier.dt.normalize()).dt.days.astype(float)


def time_to_fill(records: pd.DataFrame) -> pd.DataFrame:
    """One row per position: its hiring columns, days_to_fill and ``period``, the month it was filled
    (both missing while open)."""
    days = _calendar_days(records[FILLED_DATE], records[POSTED_DATE])
    return pd.DataFrame(
        {
            DEPARTMENT: records[DEPARTMENT],
            POSITION_ID: records[POSITION_ID],
            TITLE: records[TITLE],
            POSTED_DATE: records[POSTED_DATE],
            FILLED_DATE: records[FILLED_DATE],
            DAYS_TO_FILL: days.where(days >= 0),
            PERIOD: records[FILLED_DATE].dt.to_period("M").dt.to_timestamp(),
        }
    )


def time_to_fill_by_month(records: pd.DataFrame) -> pd.DataFrame:
    """Per department and month of filling: mean_days, median_days, p90_days and the count filled."""
    filled = time_to_fill(records).dropna(subset=[DAYS_TO_FILL])
    days = filled.groupby([DEPARTMENT, PERIOD], sort=True)[DAYS_TO_FILL]
    result = days.agg(mean_days="mean", median_days="median", filled="size")
    result.insert(2, "p90_days", days.quantile(0.9, interpolation="linear"))
    return result.reset_index()


def open_positions(records: pd.DataFrame, as_of: date | pd.Timestamp | str) -> pd.DataFrame:
    """Per department in ``records``: positions open on ``as_of`` (posted by then, not filled by then),
    their mean_age_days and oldest_age_days."""
    as_of = pd.Timestamp(as_of).normalize()
    open_then = (records[POSTED_DATE] <= as_of) & ~(records[FILLED_DATE] <= as_of)
    age = (as_of - records[POSTED_DATE].dt.normalize()).dt.days.astype(float)
    ages = pd.DataFrame({DEPARTMENT: records[DEPARTMENT], "age_days": np.where(open_then, age, np.nan)})
    result = ages.groupby(DEPARTMENT, sort=True)["age_days"].agg(open="count", mean_age_days="mean", oldest_age_days="max")
    return result.reset_index()
