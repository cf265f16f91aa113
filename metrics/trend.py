"""How each KPI is moving: change on the month and the year, rolling means, the 12-month slope.

Every movement is read through the KPI's direction, so ``improving`` always means better.
Months are calendar months: the previous month or the same month a year earlier missing gives
NaN (not the previous row), and its direction is None: no comparison, which is not "stable"
(stable means compared and unchanged). Percentages are of that earlier value's magnitude (NaN when
it is 0, or when the change is too large to be a finite percentage).
``rolling_3`` needs all 3 months, ``rolling_12`` at least 9 of 12. The slope is the least-squares
fit per month over the 12 calendar months ending at a month (missing months are left out).

A trend only shows as improving or worsening on evidence (``trend_basis``): an SPC special cause
on the latest point ('spc_signal', decides first), else |slope| > 2 standard errors over at least
6 points ('slope'); with enough points and neither it is stable ('none'), so noise never shows as
a trend; with fewer than 6 points and no signal there is no comparison (None).
``spc_points`` are the SPC module's points: kpi_id, period, side ('high'/'low'), special_cause.
"""

from typing import Any

import numpy as np
import pandas as pd

from metrics.frames import (
    DIRECTION,
    KPI_ID,
    NONE,
    PERIOD,
    VALUE,
    direction_sign,
    kpi_settings,
    month_grid,
    shaped_like,
    trailing_windows,
)
from metrics.months import MonthLike, month_number, month_start_of

IMPROVING = "improving"
WORSENING = "worsening"
STABLE = "stable"
BASIS_SPC = "spc_signal"
BASIS_SLOPE = "slope"
BASIS_NONE = "none"

SLOPE_MONTHS = 12
MIN_SLOPE_POINTS = 6
ROLLING_12_MIN_MONTHS = 9
SPC_SIDE_SIGN = {"high": 1.0, "low": -1.0}


def change_direction(change: Any, direction: Any) -> Any:
    """``improving``/``worsening`` by the sign of a change read through the KPI's direction, ``stable`` for 0,
    None for NaN (no comparison)."""
    better = np.asarray(change, dtype=float) * direction_sign(direction)
    result = np.select([better > 0, better < 0, better == 0], [IMPROVING, WORSENING, STABLE], NONE).astype(object)
    return shaped_like(result, change, direction)


def slope_fit(windows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Least-squares slope per month, its standard error and point count along the last axis of month windows
    (NaN = missing month); the slope needs 2 points, its standard error 3, else NaN."""
    present = ~np.isnan(windows)
    points = present.sum(axis=-1)
    months = np.broadcast_to(np.arange(windows.shape[-1], dtype=float), windows.shape)
    # Measured from an observed value, a flat series is exactly flat: no rounding slope to misread.
    reference = np.where(present, windows, -np.inf).max(axis=-1, keepdims=True)
    values = np.where(present, windows - reference, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        month_mean = np.where(present, months, 0).sum(axis=-1) / points
        value_mean = values.sum(axis=-1) / points
        dx = np.where(present, months - month_mean[..., None], 0)
        dy = np.where(present, values - value_mean[..., None], 0)
        sxx = (dx * dx).sum(axis=-1)
        slope = np.where(points >= 2, (dx * dy).sum(axis=-1) / sxx, np.nan)
        residual_ss = ((dy - slope[..., None] * dx) ** 2).sum(axis=-1)
        slope_se = np.where(points >= 3, np.sqrt(residual_ss / (points - 2) / sxx), np.nan)
    return slope, slope_se, points


def trend_direction(slope: Any, slope_se: Any, spc_signal_side: Any, direction: Any, points: Any) -> pd.DataFrame:
    """Columns ``trend`` and ``trend_basis`` from the latest point's SPC signal side ('high'/'low'/None),
    else the slope if clearly non-zero over enough ``points``, else stable, or None under enough points
    (see module)."""
    index = next((item.index for item in (slope, slope_se, spc_signal_side, direction, points)
                  if isinstance(item, pd.Series)), None)
    spc_sign = pd.Series(np.atleast_1d(np.asarray(spc_signal_side, dtype=object))).map(SPC_SIDE_SIGN).fillna(0.0)
    slope, slope_se, spc_sign, sign, points = np.broadcast_arrays(
        np.atleast_1d(np.asarray(slope, dtype=float)),
        np.atleast_1d(np.asarray(slope_se, dtype=float)),
        spc_sign.to_numpy(dtype=float),
        np.atleast_1d(direction_sign(direction)),
        np.atleast_1d(np.asarray(points)),
    )
    signal = spc_sign != 0
    clear_slope = (points >= MIN_SLOPE_POINTS) & (np.abs(slope) > 2 * slope_se)
    basis = np.select([signal, clear_slope], [BASIS_SPC, BASIS_SLOPE], BASIS_NONE).astype(object)
    better = np.select([signal, clear_slope], [spc_sign, np.sign(slope)], 0.0) * sign
    compared = signal | (points >= MIN_SLOPE_POINTS)
    trend = np.select([better > 0, better < 0, compared], [IMPROVING, WORSENING, STABLE], NONE).astype(object)
    return pd.DataFrame({"trend": trend, "trend_basis": basis}, index=index)


def _spc_side(spc_points: pd.DataFrame | None, kpi_ids: np.ndarray, months: np.ndarray) -> np.ndarray:
    """The side ('high'/'low') of an SPC special cause at each (kpi_id, month), None where there is none."""
    side = np.full(len(kpi_ids), None, dtype=object)
    if spc_points is None:
        return side
    signals = spc_points[spc_points["special_cause"].fillna(False).astype(bool)]
    keys = pd.MultiIndex.from_arrays([signals[KPI_ID].to_numpy(dtype=np.int64), month_number(signals[PERIOD])])
    found = keys.get_indexer(pd.MultiIndex.from_arrays([kpi_ids, months]))
    side[found >= 0] = signals["side"].to_numpy(dtype=object)[found[found >= 0]]
    return side


def _lagged(grid: np.ndarray, rows: np.ndarray, columns: np.ndarray, lag: int) -> np.ndarray:
    """The grid value ``lag`` calendar months before each (row, column), NaN before the grid starts."""
    return np.where(columns >= lag, grid[rows, np.maximum(columns - lag, 0)], np.nan)


def _relative_pct(change: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Change as a percentage of |base|, NaN when the base is 0 or missing or the percentage is not finite."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        pct = np.where(base != 0, change / np.abs(base) * 100, np.nan)
    return np.where(np.isfinite(pct), pct, np.nan)


def trend_frame(observations: pd.DataFrame, kpis: pd.DataFrame, spc_points: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per observation: change, change_pct, change_yoy, change_yoy_pct, rolling_3, rolling_12, their directions,
    and slope_12, slope_12_se, points_12, trend, trend_basis as of that month."""
    kpi_ids = np.unique(observations[KPI_ID].to_numpy(dtype=np.int64))
    months = month_number(observations[PERIOD])
    first, last = (int(months.min()), int(months.max())) if len(months) else (0, 0)
    grid = month_grid(observations, kpi_ids, first, last)
    rows = np.searchsorted(kpi_ids, observations[KPI_ID].to_numpy(dtype=np.int64))
    columns = months - first
    windows = trailing_windows(grid, SLOPE_MONTHS)[rows, columns]
    direction = kpi_settings(kpis)[DIRECTION].reindex(kpi_ids[rows]).to_numpy()

    value = observations[VALUE].to_numpy(dtype=float)
    previous = _lagged(grid, rows, columns, 1)
    year_before = _lagged(grid, rows, columns, 12)
    last_3 = windows[:, -3:]
    months_12 = (~np.isnan(windows)).sum(axis=1)
    slope, slope_se, points = slope_fit(windows)
    with np.errstate(invalid="ignore", divide="ignore"):
        rolling_12 = np.where(months_12 >= ROLLING_12_MIN_MONTHS, np.nansum(windows, axis=1) / months_12, np.nan)
    frame = pd.DataFrame(
        {
            KPI_ID: observations[KPI_ID].to_numpy(dtype=np.int64),
            PERIOD: observations[PERIOD].to_numpy(),
            VALUE: value,
            "change": value - previous,
            "change_pct": _relative_pct(value - previous, previous),
            "change_yoy": value - year_before,
            "change_yoy_pct": _relative_pct(value - year_before, year_before),
            "rolling_3": last_3.mean(axis=1),
            "rolling_12": rolling_12,
            "slope_12": slope,
            "slope_12_se": slope_se,
            "points_12": points,
        },
        index=observations.index,
    )
    frame["change_direction"] = change_direction(frame["change"].to_numpy(), direction)
    frame["yoy_direction"] = change_direction(frame["change_yoy"].to_numpy(), direction)
    trend = trend_direction(slope, slope_se, _spc_side(spc_points, frame[KPI_ID].to_numpy(), months), direction, points)
    frame[["trend", "trend_basis"]] = trend.to_numpy()
    return frame


def latest_trend(
    observations: pd.DataFrame, kpis: pd.DataFrame, as_of: MonthLike,
    spc_points: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per KPI: slope_12, slope_12_se, points_12, trend, trend_basis over the 12 months ending at ``as_of``;
    the SPC signal looked at is the one on the KPI's latest month reported in them."""
    settings = kpi_settings(kpis)
    kpi_ids = settings.index.to_numpy()
    last = int(month_number([month_start_of(as_of)])[0])
    grid = month_grid(observations, kpi_ids, last - SLOPE_MONTHS + 1, last)
    present = ~np.isnan(grid)
    latest_month = last - np.argmax(present[:, ::-1], axis=1)
    side = np.where(present.any(axis=1), _spc_side(spc_points, kpi_ids, latest_month), NONE)
    slope, slope_se, points = slope_fit(grid)
    trend = trend_direction(slope, slope_se, side, settings[DIRECTION].to_numpy(), points)
    return pd.DataFrame(
        {
            KPI_ID: kpi_ids,
            "slope_12": slope,
            "slope_12_se": slope_se,
            "points_12": points,
            "trend": trend["trend"].to_numpy(),
            "trend_basis": trend["trend_basis"].to_numpy(),
        }
    )
