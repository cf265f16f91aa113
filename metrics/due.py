"""When a month's values are due, and which are late.

A KPI's value for a month is due on its ``due_day`` (1–28; the city's default day where it gives none) of the
following month: June's value with due day 15 is due on 15 July. It is late from the day after.
"""

import datetime as dt

import numpy as np
import pandas as pd

from metrics.frames import KPI_ID
from metrics.months import MonthLike, current_month, month_label, month_start_of

DUE_DAY = "due_day"
DUE = "due"


def due_dates(kpis: pd.DataFrame, month: MonthLike, default_day: int) -> pd.Series:
    """Each KPI's due date (datetime64) for ``month``'s value, on the kpis frame's index: its ``due_day`` (the
    ``default_day`` where it is missing) of the next month."""
    days = _days(kpis, default_day)
    following = month_start_of(month) + pd.DateOffset(months=1)
    return pd.Series(following + pd.to_timedelta(days - 1, unit="D"), index=kpis.index, name=DUE)


def latest_due_month(kpis: pd.DataFrame, today: dt.date, default_day: int) -> str:
    """The newest month (``YYYY-MM``) some KPI's value is late for on ``today``: last month's once the earliest
    due day of this month has passed, else the month before."""
    earliest = int(_days(kpis, default_day).min()) if len(kpis) else default_day
    return month_label(current_month(today) - (1 if today.day > earliest else 2))


def late(kpis: pd.DataFrame, reported: pd.Series, month: MonthLike, today: dt.date, default_day: int) -> pd.DataFrame:
    """The KPIs whose value for ``month`` is late on ``today``: not among the ``reported`` kpi_ids and past its due
    date; the kpis frame's rows with their ``due`` date."""
    due = due_dates(kpis, month, default_day)
    missing = ~kpis[KPI_ID].isin(reported) & (due < pd.Timestamp(today)).to_numpy()
    return kpis.loc[missing].assign(**{DUE: due[missing]})


def _days(kpis: pd.DataFrame, default_day: int) -> np.ndarray:
    if DUE_DAY not in kpis:
        return np.full(len(kpis), default_day, dtype=np.int64)
    return pd.to_numeric(kpis[DUE_DAY], errors="coerce").fillna(default_day).to_numpy(dtype=np.int64)

