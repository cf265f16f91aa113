"""Composite scores as Boston's CityScore publishes them: value against target, 1.0 means on target.

A KPI scores value / target when higher is better and target / value when lower is better (not
capped), over the latest month, the last 3 and the last 12 calendar months ending at the as-of
month: each window's value is the KPI's aggregation over its reported months, its target the same
aggregation of the targets in force then (missing if one of those months has none). A KPI with no
target in force at the as-of month is scored against its historical target, the mean of all its
months so far minus (higher is better) or plus one sample standard deviation, given at least 12
months: ``target_basis`` says 'set', 'historical' or 'none'.

A department scores the weight-weighted mean of its KPIs' scores (an optional cap bounds each KPI's
score in that mean only), the city the mean of its departments'. KPIs or departments without a
score take no part and are counted.

A perfect month never lowers a score. A lower-is-better KPI at 0 against a positive target has no
score of its own (target / 0; Boston publishes none), but in the department's and the city's means
it counts as if its value were the smallest non-zero value its unit is shown with (``PERFECT_STEP``:
1 for counts and dollars, 0.01 for rates, 0.1 otherwise), and so does any lower-is-better value
below that step. A month at 0 complaints against a target of 5 thus counts 5.0, the same as 1
complaint, and never less than any month with complaints: the means only ever rise as such a KPI
improves. ``counted_<window>`` holds the score each KPI counts for in the means.
"""

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from metrics.frames import (
    AGGREGATION,
    COUNT,
    DEPARTMENT,
    DIRECTION,
    KPI_ID,
    PERIOD,
    UNIT,
    WEIGHT,
    direction_sign,
    kpi_settings,
    month_grid,
    shaped_like,
    trailing_windows,
)
from metrics.months import MonthLike, month_number, month_start, month_start_of
from metrics.status import targets_in_force

WINDOWS = {"month": 1, "3m": 3, "12m": 12}
MIN_HISTORY_MONTHS = 12
BASIS_SET = "set"
BASIS_HISTORICAL = "historical"
BASIS_NONE = "none"
SCORE = "score"
WINDOW = "window"
PERFECT_STEP = {"count": 1.0, "dollars": 1.0, "rate": 0.01}
DEFAULT_STEP = 0.1


def kpi_score(value: Any, target: Any, direction: Any) -> Any:
    """value / target when higher is better, target / value when lower; NaN for missing or negative inputs, a
    lower-is-better value of 0 or a higher-is-better target of 0. Scalars give a float, Series a Series."""
    value_array = np.asarray(value, dtype=float)
    target_array = np.asarray(target, dtype=float)
    higher = direction_sign(direction) > 0
    numerator = np.where(higher, value_array, target_array)
    denominator = np.where(higher, target_array, value_array)
    scored = (value_array >= 0) & (target_array >= 0) & (denominator > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        result = np.where(scored, numerator / denominator, np.nan)
    return shaped_like(result, value, target, direction, name=SCORE)


def _roll_up(windows: np.ndarray, reported: np.ndarray, how: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each window (last axis) rolled up over its reported months under its row's aggregation in ``how``; a
    mean is weighted by ``weights`` (the months' counts) where every reported month has one. A window without
    a reported month is NaN."""
    months = reported.sum(axis=-1)
    total = np.where(reported, windows, 0).sum(axis=-1)
    last_position = windows.shape[-1] - 1 - np.argmax(reported[..., ::-1], axis=-1)
    counted = (reported & ~np.isnan(weights)).sum(axis=-1) == months
    weight = np.where(reported, weights, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        weighted_mean = np.where(reported, windows * weight, 0).sum(axis=-1) / weight.sum(axis=-1)
        candidates = {
            "sum": total,
            "mean": np.where(counted, weighted_mean, total / months),
            "last": np.take_along_axis(windows, last_position[..., None], axis=-1)[..., 0],
            "min": np.where(reported, windows, np.inf).min(axis=-1),
            "max": np.where(reported, windows, -np.inf).max(axis=-1),
        }
    how = how.reshape(how.shape + (1,) * (months.ndim - how.ndim))
    rolled_up = np.select([how == name for name in candidates], list(candidates.values()), np.nan)
    return np.where(months > 0, rolled_up, np.nan)


def _historical_targets(grid: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """Per (KPI, month): mean of all months so far minus (higher is better) or plus one sample sd; NaN under 12 months."""
    reported = ~np.isnan(grid)
    with np.errstate(invalid="ignore", divide="ignore"):
        # Centred on each KPI's overall mean so the running sums of squares do not cancel.
        centre = np.where(reported.any(axis=1), np.nansum(grid, axis=1) / reported.sum(axis=1), 0)[:, None]
        centred = np.where(reported, grid - centre, 0)
        count = np.cumsum(reported, axis=1)
        total = np.cumsum(centred, axis=1)
        variance = (np.cumsum(centred**2, axis=1) - total**2 / count) / (count - 1)
        target = centre + total / count - sign[:, None] * np.sqrt(np.maximum(variance, 0))
    return np.where(count >= MIN_HISTORY_MONTHS, target, np.nan)


def _window_scores(
    observations: pd.DataFrame, kpis: pd.DataFrame, targets: pd.DataFrame, as_of_months: np.ndarray
) -> dict[str, np.ndarray]:
    """Scores, values, targets (KPI × as-of month arrays) per window, and the target basis, for all KPIs at once."""
    settings = kpi_settings(kpis)
    kpi_ids = settings.index.to_numpy()
    observed = month_number(observations[PERIOD])
    first = int(min(observed.min(initial=as_of_months.min()), as_of_months.min() - max(WINDOWS.values()) + 1))
    last = int(as_of_months.max())
    values = month_grid(observations, kpi_ids, first, last)
    counts = month_grid(observations, kpi_ids, first, last, COUNT) if COUNT in observations else np.full_like(values, np.nan)
    cells = pd.DataFrame(
        {KPI_ID: np.repeat(kpi_ids, last - first + 1), PERIOD: np.tile(month_start(np.arange(first, last + 1)), len(kpi_ids))}
    )
    set_targets = targets_in_force(kpis, targets, cells).to_numpy().reshape(values.shape)
    sign = direction_sign(settings[DIRECTION].to_numpy())
    columns = as_of_months - first
    historical = _historical_targets(values, sign)[:, columns]
    has_set = ~np.isnan(set_targets[:, columns])
    basis = np.select([has_set, ~np.isnan(historical)], [BASIS_SET, BASIS_HISTORICAL], BASIS_NONE).astype(object)
    how = settings[AGGREGATION].to_numpy()
    direction = settings[DIRECTION].to_numpy()[:, None]
    step = kpis[UNIT].map(PERFECT_STEP).fillna(DEFAULT_STEP).to_numpy(dtype=float)[:, None]
    result = {"target_basis": basis}
    for name, width in WINDOWS.items():
        value_windows = trailing_windows(values, width)[:, columns]
        reported = ~np.isnan(value_windows)
        weights = trailing_windows(counts, width)[:, columns]
        target_windows = np.where(has_set[..., None], trailing_windows(set_targets, width)[:, columns], historical[..., None])
        value = _roll_up(value_windows, reported, how, weights)
        target = np.where(
            (reported & np.isnan(target_windows)).any(axis=-1), np.nan, _roll_up(target_windows, reported, how, weights)
        )
        result[f"value_{name}"] = value
        result[f"target_{name}"] = target
        result[f"score_{name}"] = kpi_score(value, target, direction)
        floored = np.where((sign[:, None] < 0) & (target > 0) & (value >= 0), np.maximum(value, step), value)
        result[f"counted_{name}"] = kpi_score(floored, target, direction)
    return result


def kpi_scores(
    observations: pd.DataFrame, kpis: pd.DataFrame, targets: pd.DataFrame, as_of: MonthLike
) -> pd.DataFrame:
    """One row per KPI: score_month, score_3m, score_12m, target_basis, the score each counts for in the means
    (counted_month, ...) and each window's value and target (value_month, target_month, ...) as of ``as_of``'s
    month."""
    scores = _window_scores(observations, kpis, targets, month_number([month_start_of(as_of)]))
    columns = {KPI_ID: kpi_settings(kpis).index.to_numpy()}
    columns.update({f"score_{name}": scores[f"score_{name}"][:, 0] for name in WINDOWS})
    columns.update({f"counted_{name}": scores[f"counted_{name}"][:, 0] for name in WINDOWS})
    columns["target_basis"] = scores["target_basis"][:, 0]
    for name in WINDOWS:
        columns[f"value_{name}"] = scores[f"value_{name}"][:, 0]
        columns[f"target_{name}"] = scores[f"target_{name}"][:, 0]
    return pd.DataFrame(columns)


def department_scores(kpi_scores: pd.DataFrame, kpis: pd.DataFrame, cap: float | None = None) -> pd.DataFrame:
    """Per department and window ('month', '3m', '12m'): score, kpis_scored, kpis_unscored, led by period
    when ``kpi_scores`` has one. Each KPI counts for its ``counted_<window>`` score (see the module), or its
    ``score_<window>`` when only that is given; ``cap`` bounds it in the mean only."""
    keys = [PERIOD] if PERIOD in kpi_scores else []
    prefix = "counted_" if "counted_month" in kpi_scores else "score_"
    long = kpi_scores.melt(
        id_vars=[KPI_ID, *keys], value_vars=[f"{prefix}{name}" for name in WINDOWS], var_name=WINDOW, value_name=SCORE
    )
    long[WINDOW] = pd.Categorical(long[WINDOW].str.removeprefix(prefix), categories=list(WINDOWS), ordered=True)
    by_kpi = kpis.set_index(KPI_ID)
    long[DEPARTMENT] = by_kpi[DEPARTMENT].reindex(long[KPI_ID]).to_numpy()
    score = long[SCORE].to_numpy(dtype=float)
    scored = ~np.isnan(score)
    weight = np.where(scored, kpi_settings(kpis)[WEIGHT].reindex(long[KPI_ID]).to_numpy(), 0.0)
    capped = score if cap is None else np.minimum(score, cap)
    long["weighted"] = np.where(scored, capped * weight, 0.0)
    long["weight"] = weight
    long["kpis_scored"] = scored
    sums = long.groupby([*keys, DEPARTMENT, WINDOW], observed=True, sort=True).agg(
        weighted=("weighted", "sum"), weight=("weight", "sum"),
        kpis_scored=("kpis_scored", "sum"), kpis=("kpis_scored", "size"),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        sums[SCORE] = np.where(sums["weight"] > 0, sums["weighted"] / sums["weight"], np.nan)
    sums["kpis_unscored"] = sums["kpis"] - sums["kpis_scored"]
    return sums.reset_index()[[*keys, DEPARTMENT, WINDOW, SCORE, "kpis_scored", "kpis_unscored"]]


def city_score(department_scores: pd.DataFrame) -> pd.Series:
    """The city score per window (per period and window for a history): the mean of the departments'
    scores, departments without one left out."""
    keys = [PERIOD] if PERIOD in department_scores else []
    return department_scores.groupby([*keys, WINDOW], observed=True, sort=True)[SCORE].mean().rename("city_score")


def city_score_history(
    observations: pd.DataFrame, kpis: pd.DataFrame, targets: pd.DataFrame, periods: Iterable[Any],
    cap: float | None = None,
) -> pd.DataFrame:
    """Department and city scores for each as-of month in ``periods``, all KPIs and months at once: period,
    department (missing on the city's rows), window, score, kpis_scored, kpis_unscored."""
    as_of_months = np.unique(month_number(pd.DatetimeIndex(list(periods))))
    scores = _window_scores(observations, kpis, targets, as_of_months)
    kpi_ids = kpi_settings(kpis).index.to_numpy()
    per_kpi = pd.DataFrame(
        {
            KPI_ID: np.repeat(kpi_ids, len(as_of_months)),
            PERIOD: np.tile(month_start(as_of_months), len(kpi_ids)),
            **{f"counted_{name}": scores[f"counted_{name}"].ravel() for name in WINDOWS},
        }
    )
    departments = department_scores(per_kpi, kpis, cap)
    city = departments.groupby([PERIOD, WINDOW], observed=True, sort=True)[["kpis_scored", "kpis_unscored"]].sum()
    city[SCORE] = city_score(departments)
    city = city.reset_index().assign(**{DEPARTMENT: None})
    return pd.concat([city, departments], ignore_index=True)[list(departments.columns)]
