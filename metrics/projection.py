"""When each KPI reaches its target at the current pace, with a plainly stated 95% range.

The pace is a Theil–Sen trend (median of pairwise slopes, x in months before the
KPI's latest month, so a missing month keeps its place) over the last ``max_points``
points of the KPI's latest SPC segment: one wild month barely moves it and a rebased
process is not mixed with the one before. The intercept is the median of
y - slope * x (scipy's method='joint'), i.e. the fitted level at the latest month.
Sen's (1968) 95% range of the slope (normal approximation of Kendall's S with tie
correction, order statistics of the pairwise slopes, as ``scipy.stats.theilslopes``
computes it) becomes a range of months by keeping that level and varying the pace.

Status per KPI, first that applies: 'no_target' (no target or no direction), 'met'
(the latest value meets the target), 'insufficient_data' (fewer than ``min_points``
in the latest segment), 'on_pace' (the fitted line reaches the target within 10
years; the projected month is the first whole month on or past it, at least the
month after the latest) or 'not_at_current_pace' (flat, moving away, or further out).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.frames import DIRECTION_SIGN, sign_per_kpi
from metrics.months import month_number, month_start

Z_95 = 1.959963984540054  # standard normal 97.5% quantile
MAX_MONTHS_AHEAD = 120


def theil_sen(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float, float]:
    """Theil–Sen slope, intercept (median of y - slope*x) and the 95% range of the slope for one series.

    Pairs with equal x are skipped; the range is scipy.stats.theilslopes' (method='joint' for the intercept).
    """
    slope, intercept, low, high = _theil_sen_rows(
        np.asarray(x, dtype=float)[np.newaxis], np.asarray(y, dtype=float)[np.newaxis]
    )
    return float(slope[0]), float(intercept[0]), float(low[0]), float(high[0])


def project_many(
    points: pd.DataFrame,
    targets: pd.Series,
    direction: pd.Series,
    *,
    min_points: int = 6,
    max_points: int = 24,
) -> pd.DataFrame:
    """Pace and projected month per kpi_id from :func:`metrics.spc.xmr_many` points, targets and direction.

    ``targets`` (NaN = none) and ``direction`` ('higher_is_better'/'lower_is_better') are indexed by kpi_id."""
    if min_points < 2 or max_points < min_points:
        raise ValueError("need 2 <= min_points <= max_points")
    kpi = points["kpi_id"].to_numpy(np.int64)
    period = pd.DatetimeIndex(points["period"]).to_numpy()
    month = month_number(period)
    order = np.lexsort((month, kpi))
    kpi, month, period = kpi[order], month[order], period[order]
    segment = points["segment"].to_numpy(np.int64)[order]
    value = points["value"].to_numpy(float)[order]

    n = len(kpi)
    kpi_start = np.ones(n, dtype=bool)
    kpi_start[1:] = kpi[1:] != kpi[:-1]
    kpi_index = np.cumsum(kpi_start) - 1
    first_of_kpi = np.flatnonzero(kpi_start)
    kpi_end = np.ones(n, dtype=bool)
    kpi_end[:-1] = kpi_start[1:]
    last_of_kpi = np.flatnonzero(kpi_end)
    kpi_ids = kpi[first_of_kpi]
    latest_month = month[last_of_kpi]
    latest_value = value[last_of_kpi]

    in_latest_segment = segment == segment[last_of_kpi][kpi_index]
    n_latest = np.bincount(kpi_index, weights=in_latest_segment, minlength=len(kpi_ids)).astype(np.int64)
    from_end = last_of_kpi[kpi_index] - np.arange(n)
    used = in_latest_segment & (from_end < max_points)
    rows, columns = kpi_index[used], max_points - 1 - from_end[used]
    x = np.full((len(kpi_ids), max_points), np.nan)
    y = np.full((len(kpi_ids), max_points), np.nan)
    x[rows, columns] = month[used] - latest_month[rows]
    y[rows, columns] = value[used]

    enough = n_latest >= min_points
    slope, level, low, high = (np.where(enough, a, np.nan) for a in _theil_sen_rows(x, y))

    target = targets.reindex(kpi_ids).to_numpy(float)
    sign = sign_per_kpi(direction, DIRECTION_SIGN, kpi_ids)
    has_goal = ~np.isnan(target) & (sign != 0)
    met = has_goal & (sign * (latest_value - target) >= 0)
    pace = sign * slope
    fast, slow = np.where(sign > 0, high, low), np.where(sign > 0, low, high)
    with np.errstate(invalid="ignore", divide="ignore"):
        ahead = _months_ahead(target, level, slope)
        ahead_fast = _months_ahead(target, level, fast)
        ahead_slow = np.where(sign * slow > 0, _months_ahead(target, level, slow), np.inf)
    on_pace = has_goal & ~met & enough & (pace > 0) & (ahead <= MAX_MONTHS_AHEAD)
    status = np.select(
        [~has_goal, met, ~enough, on_pace],
        ["no_target", "met", "insufficient_data", "on_pace"],
        "not_at_current_pace",
    ).astype(object)

    unit = period.dtype if n else np.dtype("datetime64[us]")
    projected = _month_start(latest_month + ahead, on_pace, unit)
    projected_low = _month_start(latest_month + ahead_fast, on_pace, unit)
    projected_high = _month_start(latest_month + ahead_slow, on_pace & (ahead_slow <= MAX_MONTHS_AHEAD), unit)
    text = _projection_text(status, target, pace, n_latest, ahead_slow, projected, projected_low, projected_high)
    return pd.DataFrame(
        {
            "kpi_id": kpi_ids,
            "slope_per_month": slope,
            "slope_low": low,
            "slope_high": high,
            "projected_period": projected,
            "projected_low": projected_low,
            "projected_high": projected_high,
            "projection_status": pd.Series(status, dtype=object),
            "projection_text": pd.Series(text, dtype=object),
        }
    )


def _theil_sen_rows(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Theil–Sen slope, intercept and 95% slope range for each row of NaN-padded 2-D ``x``, ``y``."""
    first, second = np.triu_indices(x.shape[1], 1)
    dx = x[:, second] - x[:, first]
    with np.errstate(invalid="ignore", divide="ignore"):
        slopes = np.where(dx != 0, (y[:, second] - y[:, first]) / dx, np.nan)
    slopes.sort(axis=1)
    n_slopes = np.isfinite(slopes).sum(axis=1)
    slope = _sorted_median(slopes, n_slopes)

    valid = np.isfinite(x) & np.isfinite(y)
    residuals = np.sort(y - slope[:, np.newaxis] * x, axis=1)
    intercept = _sorted_median(residuals, valid.sum(axis=1))

    n = valid.sum(axis=1)
    variance = (n * (n - 1) * (2 * n + 5) - _tie_term(x, valid) - _tie_term(y, valid)) / 18
    with np.errstate(invalid="ignore"):
        spread = Z_95 * np.sqrt(variance)
    usable = np.isfinite(spread) & (n_slopes > 0)
    spread = np.where(usable, spread, 0.0)
    upper = np.minimum(np.round((n_slopes + spread) / 2).astype(np.int64), n_slopes - 1)
    lower = np.maximum(np.round((n_slopes - spread) / 2).astype(np.int64) - 1, 0)
    low = np.where(usable, _take(slopes, lower), np.nan)
    high = np.where(usable, _take(slopes, np.maximum(upper, 0)), np.nan)
    return slope, intercept, low, high


def _tie_term(v: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Sum over groups of tied values of k(k-1)(2k+5), per row (as a sum over members of (k-1)(2k+5))."""
    k = (v[:, :, np.newaxis] == v[:, np.newaxis, :]).sum(axis=2)
    return np.where(valid, (k - 1) * (2 * k + 5), 0).sum(axis=1)


def _take(rows: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``rows[i, index[i]]`` for every row i."""
    return np.take_along_axis(rows, index[:, np.newaxis], axis=1)[:, 0] if len(rows) else np.empty(0)


def _sorted_median(rows: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Median of the first ``count`` values of each row sorted ascending (NaN where count is 0)."""
    lower = _take(rows, np.maximum((count - 1) // 2, 0))
    upper = _take(rows, np.maximum(count // 2, 0))
    return np.where(count > 0, (lower + upper) / 2, np.nan)


def _months_ahead(target: np.ndarray, level: np.ndarray, slope: np.ndarray) -> np.ndarray:
    """Whole months after the latest until the line from ``level`` at that slope reaches the target (at least 1)."""
    return np.maximum(np.ceil((target - level) / slope), 1)


def _month_start(month: np.ndarray, keep: np.ndarray, unit: np.dtype) -> np.ndarray:
    """Month numbers as month-start datetimes, NaT where not ``keep``."""
    whole = np.where(keep, month, 0).astype(np.int64)
    return np.where(keep, month_start(whole).astype(unit), np.datetime64("NaT"))


def _projection_text(
    status: np.ndarray,
    target: np.ndarray,
    pace: np.ndarray,
    n_latest: np.ndarray,
    ahead_slow: np.ndarray,
    projected: np.ndarray,
    projected_low: np.ndarray,
    projected_high: np.ndarray,
) -> np.ndarray:
    """The projection in plain words, one sentence per KPI."""
    central, earliest, latest = (pd.Series(p).dt.strftime("%B %Y") for p in (projected, projected_low, projected_high))
    around = "Around " + central + " at the current pace; "
    on_pace = np.select(
        [projected_low == projected_high, np.isinf(ahead_slow)],
        [
            around + "the 95% confidence range is that month alone",
            around + "from " + earliest + " at 95% confidence, and could be never at the slowest plausible pace",
        ],
        np.where(
            ahead_slow > MAX_MONTHS_AHEAD,
            around + "from " + earliest
            + " at 95% confidence, and could be more than 10 years away at the slowest plausible pace",
            around + "between " + earliest + " and " + latest + " at 95% confidence",
        ),
    )
    not_at_pace = np.select(
        [pace > 0, pace == 0],
        ["Not within 10 years at the current pace", "Not at the current pace: the trend is flat"],
        "Not at the current pace: the trend is moving away from the target",
    )
    return np.select(
        [status == "no_target", status == "met", status == "insufficient_data", status == "on_pace"],
        [
            np.where(np.isnan(target), "No target to project towards", "No improvement direction to project with"),
            "Already meeting the target",
            "Too few months in the current process (" + pd.Series(n_latest).astype(str) + ") to project",
            on_pace,
        ],
        not_at_pace,
    ).astype(object)
