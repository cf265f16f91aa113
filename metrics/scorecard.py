"""The scorecard: one row per KPI with everything the other modules say about it as of a month.

Only observations up to the as-of month count. ``period`` is the KPI's latest month with a value by then
(NaT if none) and ``value``, ``note``, ``target`` (in force that month; at the as-of month without data),
``status``, the changes and rolling means (``metrics.trend``) and the SPC columns of the latest point
belong to it, so a department a month behind still shows its latest standing. ``reported_as_of`` says
whether the as-of month itself has a value (``value_as_of``) and ``months_behind`` how far the latest is
behind. ``reportable`` marks the KPIs a department reports (not derived from hiring records), and
``provisional`` the rows of a department that has not reported the as-of month yet: their figures can
still change. The 12-month slope and trend, fiscal year to date and scores are as of the as-of month
(``metrics.trend.latest_trend``, ``metrics.fiscal.fiscal_to_date``, ``metrics.scores.kpi_scores``).

SPC runs on all of a KPI's months up to the as-of month, improvement read from its direction. Assurance
and the projection look ahead, so they use the target in force at the as-of month. ``sparkline`` lists
the values of the 12 months ending at the as-of month, NaN where a month has none. Rows are ordered off
target first, then near, on, no target and no data (``status_rank``), then by department and KPI name.

A department's ``last_period`` is the latest month it reported: KPIs derived from hiring records (``source``
'hiring', such as time to fill) do not count. It is overdue when that month is before the as-of month.
"""


import numpy as np
import pandas as pd

from metrics.fiscal import fiscal_to_date
from metrics.frames import (
    DEPARTMENT,
    DEPARTMENT_NAME,
    DIRECTION,
    ENTERPRISE,
    HIGHER_IS_BETTER,
    KPI,
    KPI_ID,
    KPI_NAME,
    LOWER_IS_BETTER,
    NONE,
    NOTE,
    PERIOD,
    TARGET,
    TOLERANCE_PCT,
    UNIT,
    VALUE,
    WEIGHT,
    kpi_settings,
    month_grid,
    reported_kpis,
)
from metrics.months import MonthLike, month_number, month_start_of
from metrics.projection import project_many
from metrics.scores import WINDOWS, city_score, department_scores, kpi_scores
from metrics.spc import assurance_many, xmr_many
from metrics.status import (
    NEAR_TARGET,
    NO_DATA,
    NO_TARGET,
    OFF_TARGET,
    ON_TARGET,
    STATUS,
    STATUSES,
    status,
    targets_in_force,
)
from metrics.trend import latest_trend, trend_frame

STATUS_ORDER = (OFF_TARGET, NEAR_TARGET, ON_TARGET, NO_TARGET, NO_DATA)
IMPROVEMENT = {HIGHER_IS_BETTER: "increase", LOWER_IS_BETTER: "decrease"}
SPARKLINE_MONTHS = 12
YEAR = 12

CHANGE_COLUMNS = (
    "change", "change_pct", "change_direction", "change_yoy", "change_yoy_pct", "yoy_direction", "rolling_3",
    "rolling_12",
)
TREND_COLUMNS = ("slope_12", "trend", "trend_basis")
FISCAL_COLUMNS = ("fy_label", "fytd_value", "fytd_target", "fytd_status", "fytd_months")
SPC_COLUMNS = ("variation", "rule", "side", "special_cause", "trial_limits", "mean", "lpl", "upl")
SCORE_COLUMNS = tuple(f"score_{name}" for name in WINDOWS)
COUNTED_COLUMNS = tuple(f"counted_{name}" for name in WINDOWS)
PROJECTION_COLUMNS = ("projection_status", "projected_period", "projection_text")


def _latest_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The last row of each kpi_id by period, indexed by kpi_id."""
    order = np.lexsort((month_number(frame[PERIOD]), frame[KPI_ID].to_numpy(np.int64)))
    ordered = frame.iloc[order]
    return ordered.drop_duplicates(KPI_ID, keep="last").set_index(KPI_ID)


def _changes(reported: pd.DataFrame, kpis: pd.DataFrame, latest: pd.DataFrame) -> pd.DataFrame:
    """The trend module's changes and rolling means at each KPI's latest month, from its last 13 months only."""
    latest_month = pd.Series(month_number(latest[PERIOD]), index=latest.index)
    since = latest_month.reindex(reported[KPI_ID].to_numpy()).to_numpy() - YEAR
    changes = trend_frame(reported[month_number(reported[PERIOD]) >= since], kpis)
    at_latest = month_number(changes[PERIOD]) == latest_month.reindex(changes[KPI_ID].to_numpy()).to_numpy()
    return changes[at_latest].set_index(KPI_ID)[list(CHANGE_COLUMNS)]


def scorecard(
    observations: pd.DataFrame,
    kpis: pd.DataFrame,
    targets: pd.DataFrame,
    as_of: MonthLike,
    *,
    fy_start_month: int = 7,
    spc_points: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per KPI of ``kpis`` as of ``as_of``'s month (see the module); ``spc_points`` may hold a
    precomputed ``metrics.spc.xmr_many`` of the observations (e.g. with rebases)."""
    as_of = month_start_of(as_of)
    last = int(month_number([as_of])[0])
    settings = kpi_settings(kpis)
    kpi_ids = settings.index.to_numpy()
    in_time = month_number(observations[PERIOD]) <= last
    observed = observations[observations[KPI_ID].isin(kpi_ids).to_numpy() & in_time]
    reported = observed[observed[VALUE].notna()]
    improvement = settings[DIRECTION].map(IMPROVEMENT)
    if spc_points is None:
        points = xmr_many(reported, improvement=improvement)
    else:
        points = spc_points[month_number(spc_points[PERIOD]) <= last]

    latest = _latest_rows(reported[[KPI_ID, PERIOD, VALUE, NOTE]])
    identity = [KPI_ID, DEPARTMENT, DEPARTMENT_NAME, KPI, KPI_NAME, UNIT, DIRECTION, ENTERPRISE]
    card = kpis[identity].reset_index(drop=True)
    card[WEIGHT] = settings[WEIGHT].to_numpy()
    card["as_of"] = as_of
    card = card.join(latest, on=KPI_ID)
    months_behind = last - month_number(card[PERIOD].fillna(as_of))
    card["months_behind"] = pd.array(np.where(card[PERIOD].isna(), NONE, months_behind), dtype="Int64")
    card["reported_as_of"] = (card[PERIOD] == as_of).to_numpy()
    card["value_as_of"] = card[VALUE].where(card["reported_as_of"])
    card["reportable"] = reported_kpis(kpis).to_numpy()
    department_reported = (card["reported_as_of"] & card["reportable"]).groupby(card[DEPARTMENT]).transform("any")
    card["provisional"] = ~department_reported.to_numpy()

    # One lookup for both: the target of the latest month (the as-of month without data) and of the as-of month.
    months = np.concatenate([card[PERIOD].fillna(as_of).to_numpy(), np.full(len(kpi_ids), as_of)])
    in_force = targets_in_force(kpis, targets, pd.DataFrame({KPI_ID: np.tile(kpi_ids, 2), PERIOD: months}))
    card[TARGET] = in_force.to_numpy()[: len(kpi_ids)]
    target_as_of = pd.Series(in_force.to_numpy()[len(kpi_ids):], index=kpi_ids)
    card[STATUS] = status(
        card[VALUE].to_numpy(), card[TARGET].to_numpy(), settings[DIRECTION].to_numpy(),
        settings[TOLERANCE_PCT].to_numpy(),
    )

    card = card.join(_changes(reported, kpis, latest), on=KPI_ID)
    card = card.join(latest_trend(reported, kpis, as_of, points).set_index(KPI_ID)[list(TREND_COLUMNS)], on=KPI_ID)
    fiscal = fiscal_to_date(observed, kpis, targets, as_of, fy_start_month)
    card = card.join(fiscal.set_index(KPI_ID)[list(FISCAL_COLUMNS)], on=KPI_ID)
    card = card.join(points.drop_duplicates(KPI_ID, keep="last").set_index(KPI_ID)[list(SPC_COLUMNS)], on=KPI_ID)
    card["special_cause"] = card["special_cause"].fillna(False).astype(bool)
    card["trial_limits"] = card["trial_limits"].fillna(False).astype(bool)
    card = card.join(assurance_many(points, target_as_of, improvement), on=KPI_ID)
    scores = kpi_scores(observed, kpis, targets, as_of)
    card = card.join(scores.set_index(KPI_ID)[[*SCORE_COLUMNS, *COUNTED_COLUMNS, "target_basis"]], on=KPI_ID)
    projection = project_many(points, target_as_of, settings[DIRECTION])
    card = card.join(projection.set_index(KPI_ID)[list(PROJECTION_COLUMNS)], on=KPI_ID)
    card["sparkline"] = month_grid(reported, kpi_ids, last - SPARKLINE_MONTHS + 1, last).tolist()

    card.insert(0, "status_rank", pd.Categorical(card[STATUS], categories=STATUS_ORDER).codes.astype(np.int64))
    return card.sort_values(["status_rank", DEPARTMENT, KPI_NAME], kind="stable").reset_index(drop=True)


def _scores_only(card: pd.DataFrame) -> pd.DataFrame:
    """The card's kpi_id and the scores its KPIs count for, the shape ``metrics.scores.department_scores`` takes
    for one month."""
    return card[[KPI_ID, *COUNTED_COLUMNS]]


def department_summary(card: pd.DataFrame, kpis: pd.DataFrame, cap: float | None = None) -> pd.DataFrame:
    """One row per department of a scorecard: score_month/3m/12m, the number of KPIs in each status, with a
    special-cause concern, kpis_reported (reported KPIs with a value for the as-of month), last_period reported,
    overdue and provisional (the department has not reported the as-of month, see the module); ``cap`` bounds
    each KPI's score in the means."""
    scores = department_scores(_scores_only(card), kpis, cap).pivot(index=DEPARTMENT, columns="window", values="score")
    scores = scores.reindex(columns=list(WINDOWS))
    scores.columns = [f"score_{name}" for name in scores.columns]
    counts = pd.crosstab(card[DEPARTMENT], card[STATUS]).reindex(columns=list(STATUSES), fill_value=0)
    flags = card.assign(
        concern=card["variation"].eq("special_cause_concern"),
        reported=card[PERIOD].where(card["reportable"]),
        reported_as_of=card["reported_as_of"] & card["reportable"],
    )
    summary = flags.groupby(DEPARTMENT, sort=True).agg(
        department_name=(DEPARTMENT_NAME, "first"),
        kpis=(KPI_ID, "size"),
        special_cause_concern=("concern", "sum"),
        kpis_reported=("reported_as_of", "sum"),
        last_period=("reported", "max"),
        as_of=("as_of", "first"),
    )
    summary = summary.join(scores).join(counts)
    summary["overdue"] = ~(summary["last_period"] >= summary["as_of"]).to_numpy()
    summary["provisional"] = summary["overdue"]
    columns = [
        DEPARTMENT_NAME, *scores.columns, "kpis", "kpis_reported", *STATUSES, "special_cause_concern",
        "last_period", "overdue", "provisional",
    ]
    return summary[columns].sort_values(DEPARTMENT_NAME, kind="stable").reset_index()


def city_summary(card: pd.DataFrame, kpis: pd.DataFrame, cap: float | None = None) -> pd.Series:
    """The city's score_month/3m/12m (mean of its departments') and counts: departments, those that reported
    the as-of month and those overdue, KPIs, the reported KPIs with a value for the as-of month (of all reported
    KPIs), KPIs in each status and with a special-cause concern; provisional while a department has not
    reported the as-of month (see ``metrics.reporting``)."""
    departments = department_summary(card, kpis, cap)
    city = city_score(department_scores(_scores_only(card), kpis, cap))
    overdue = int(departments["overdue"].sum())
    return pd.Series(
        {
            **{f"score_{name}": city.get(name, np.nan) for name in WINDOWS},
            "departments": len(departments),
            "departments_reported": len(departments) - overdue,
            "departments_overdue": overdue,
            "kpis_reported": int((card["reported_as_of"] & card["reportable"]).sum()),
            "kpis_reportable": int(card["reportable"].sum()),
            "provisional": overdue > 0,
            "kpis": int(departments["kpis"].sum()),
            **{name: int(departments[name].sum()) for name in STATUSES},
            "special_cause_concern": int(departments["special_cause_concern"].sum()),
        },
        name="city",
        dtype=object,
    )
