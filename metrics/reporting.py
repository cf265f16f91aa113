"""How completely the city has reported each month, and the month the dashboard shows by default.

A department has reported a month when any of its reported KPIs (not those derived from hiring records) has a
value for it. A month is complete when every department with reported KPIs has reported it; until then it is
incomplete, and its scores are provisional. The reporting month is the newest month that more than a given
share of departments (by default half) has reported, so one department uploading early does not move the
whole city to a month the others have not reported yet.
"""

import numpy as np
import pandas as pd

from metrics.frames import DEPARTMENT, KPI_ID, PERIOD, VALUE, reported_kpis

DEFAULT_SHARE = 0.5
COMPLETENESS_COLUMNS = ("period", "departments_reported", "departments", "kpis_reported", "kpis", "complete")


def completeness(observations: pd.DataFrame, kpis: pd.DataFrame) -> pd.DataFrame:
    """One row per month with any reported value, oldest first: departments_reported of departments, kpis_reported
    of kpis (reported KPIs only) and complete."""
    mine = kpis[reported_kpis(kpis)]
    reported = observations[observations[VALUE].notna() & observations[KPI_ID].isin(mine[KPI_ID])]
    if reported.empty:
        empty = pd.DataFrame({c: pd.Series(dtype="int64") for c in COMPLETENESS_COLUMNS})
        return empty.astype({PERIOD: "datetime64[ns]", "complete": bool})
    department = mine.set_index(KPI_ID)[DEPARTMENT].reindex(reported[KPI_ID]).to_numpy()
    months = reported.assign(**{DEPARTMENT: department}).groupby(PERIOD, sort=True).agg(
        departments_reported=(DEPARTMENT, "nunique"), kpis_reported=(KPI_ID, "nunique")
    )
    months["departments"] = mine[DEPARTMENT].nunique()
    months["kpis"] = len(mine)
    months["complete"] = months["departments_reported"] == months["departments"]
    return months.reset_index()[list(COMPLETENESS_COLUMNS)]


def reporting_month(months: pd.DataFrame, share: float = DEFAULT_SHARE) -> pd.Timestamp | None:
    """The newest month of ``completeness`` that more than ``share`` of the departments reported (the newest
    month with any data when none did); None when nothing is reported."""
    if months.empty:
        return None
    enough = months["departments_reported"].to_numpy() > share * months["departments"].to_numpy()
    chosen = months.loc[enough, PERIOD] if enough.any() else months[PERIOD]
    return pd.Timestamp(np.max(chosen.to_numpy()))
