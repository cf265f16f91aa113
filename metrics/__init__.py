"""The metrics engine: pure pandas/numpy, DataFrames in and out, no database or Streamlit.

Modules, each stating its rules once in its docstring:

* ``frames``     — the input frames (kpis, observations, targets, hiring), defaults, month arithmetic.
* ``status``     — on / near / off target, no target, no data against the target in force.
* ``trend``      — monthly and yearly change, rolling means, the 12-month slope, direction-aware trends.
* ``fiscal``     — fiscal-year labels, year-to-date and quarterly values and status.
* ``scores``     — CityScore-style KPI, department and city scores.
* ``hiring``     — time to fill by department and month, the age of open positions.
* ``spc``        — XmR charts (Making Data Count rules) and assurance for one or all KPIs.
* ``projection`` — Theil–Sen pace and the month each KPI reaches its target.
* ``scorecard``  — one row per KPI with all of the above as of a month; department and city summaries.
* ``reporting``  — how completely each month is reported; the reporting month shown by default.

Wording (values with units, sentences) is presentation and lives in ``louiestat.presentation``.

The names below are the entry points. ``metrics.scorecard`` is the function named after its module; import
the modules' other names directly (``from metrics.status import status``).
"""

from metrics.fiscal import fiscal_labels, fiscal_quarters, fiscal_to_date
from metrics.hiring import open_positions, time_to_fill, time_to_fill_by_month
from metrics.projection import project_many, theil_sen
from metrics.reporting import completeness, reporting_month
from metrics.scorecard import city_summary, department_summary, scorecard
from metrics.scores import city_score, city_score_history, department_scores, kpi_score, kpi_scores
from metrics.spc import assurance_many, rebase_positions, xmr, xmr_many
from metrics.status import status_frame, targets_in_force
from metrics.trend import latest_trend, trend_frame

__all__ = [
    "assurance_many",
    "city_score",
    "city_score_history",
    "city_summary",
    "completeness",
    "department_scores",
    "department_summary",
    "fiscal_labels",
    "fiscal_quarters",
    "fiscal_to_date",
    "kpi_score",
    "kpi_scores",
    "latest_trend",
    "open_positions",
    "project_many",
    "rebase_positions",
    "reporting_month",
    "scorecard",
    "status_frame",
    "targets_in_force",
    "theil_sen",
    "time_to_fill",
    "time_to_fill_by_month",
    "trend_frame",
    "xmr",
    "xmr_many",
]
