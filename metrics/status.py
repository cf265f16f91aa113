"""Whether a KPI met the target in force for a month: on, near or off target, no target, no data.

on_target meets or beats the target in the KPI's direction; near_target is worse but within
tolerance: |value - target| <= tolerance_pct / 100 × |target| (a missing tolerance means 10 %);
anything worse is off_target. A missing value is no_data, even without a target; a missing
target is no_target. Targets are looked up as of each month: a ``targets`` row applies from its
effective_from on (an explicit NaN removes the target), the KPI's default target before the first.
"""

from typing import Any

import numpy as np
import pandas as pd

from metrics.frames import (
    DEFAULT_TOLERANCE_PCT,
    DIRECTION,
    EFFECTIVE_FROM,
    KPI_ID,
    PERIOD,
    TARGET,
    TOLERANCE_PCT,
    VALUE,
    direction_sign,
    kpi_settings,
    shaped_like,
)
from metrics.months import month_number

STATUS = "status"
ON_TARGET = "on_target"
NEAR_TARGET = "near_target"
OFF_TARGET = "off_target"
NO_TARGET = "no_target"
NO_DATA = "no_data"
STATUSES = (ON_TARGET, NEAR_TARGET, OFF_TARGET, NO_TARGET, NO_DATA)

STATUS_LABELS = {
    ON_TARGET: "On target",
    NEAR_TARGET: "Near target",
    OFF_TARGET: "Off target",
    NO_TARGET: "No target",
    NO_DATA: "No data",
}
STATUS_ICONS = {ON_TARGET: "✔", NEAR_TARGET: "◆", OFF_TARGET: "✖", NO_TARGET: "○", NO_DATA: "–"}
# Okabe–Ito hues for the three judgements, neutral greys for the two statuses that judge nothing.
STATUS_COLORS = {
    ON_TARGET: "#009E73",
    NEAR_TARGET: "#E69F00",
    OFF_TARGET: "#D55E00",
    NO_TARGET: "#7F7F7F",
    NO_DATA: "#BBBBBB",
}

# Keeps a decimal value exactly on the tolerance boundary near target despite binary rounding.
_BOUNDARY_SLACK = 1e-9


def status(values: Any, targets: Any, direction: Any, tolerance_pct: Any) -> Any:
    """Each value's status against its target, elementwise, under the direction and tolerance given.

    Scalars give a str, any Series a Series on its index, arrays an array."""
    value = np.asarray(values, dtype=float)
    target = np.asarray(targets, dtype=float)
    tolerance = np.asarray(tolerance_pct, dtype=float)
    tolerance = np.where(np.isnan(tolerance), DEFAULT_TOLERANCE_PCT, tolerance)
    better_by = (value - target) * direction_sign(direction)
    allowed = tolerance * np.abs(target) * (1 + _BOUNDARY_SLACK)
    # Positions in STATUSES, picked last: numpy selects among integers much faster than among strings.
    position = np.select(
        [np.isnan(value), np.isnan(target), better_by >= 0, np.abs(value - target) * 100 <= allowed],
        [STATUSES.index(NO_DATA), STATUSES.index(NO_TARGET), STATUSES.index(ON_TARGET), STATUSES.index(NEAR_TARGET)],
        STATUSES.index(OFF_TARGET),
    )
    result = np.array(STATUSES, dtype=object)[np.atleast_1d(position)].reshape(np.shape(position))
    return shaped_like(result, values, targets, direction, tolerance_pct, name=STATUS)


def targets_in_force(kpis: pd.DataFrame, targets: pd.DataFrame, periods: pd.DataFrame) -> pd.Series:
    """The target in force for each (kpi_id, period) row of ``periods``, on its index, so every
    module judges a month against the same target: the latest change by then, else the default."""
    kpi = periods[KPI_ID].to_numpy(dtype=np.int64)
    month = month_number(periods[PERIOD])
    changed_kpi = targets[KPI_ID].to_numpy(dtype=np.int64)
    changed_month = month_number(targets[EFFECTIVE_FROM])
    # One integer key per (kpi_id, month), so a sorted search finds each row's latest change by then;
    # of two changes in one month the later row wins.
    first_kpi = min(kpi.min(initial=0), changed_kpi.min(initial=0))
    first_month = min(month.min(initial=0), changed_month.min(initial=0))
    span = max(month.max(initial=0), changed_month.max(initial=0)) - first_month + 1
    order = np.lexsort((changed_month, changed_kpi))
    changed_key = ((changed_kpi - first_kpi) * span + changed_month - first_month)[order]
    latest = np.searchsorted(changed_key, (kpi - first_kpi) * span + month - first_month, side="right") - 1
    changed = latest >= 0
    changed[changed] = changed_kpi[order][latest[changed]] == kpi[changed]
    changed_target = np.append(targets[TARGET].to_numpy(dtype=float)[order], np.nan)
    default = pd.Series(kpis[TARGET].to_numpy(dtype=float), index=kpis[KPI_ID].to_numpy(dtype=np.int64))
    in_force = np.where(changed, changed_target[np.where(changed, latest, -1)], default.reindex(kpi).to_numpy())
    return pd.Series(in_force, index=periods.index, name=TARGET)


def status_frame(observations: pd.DataFrame, kpis: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """``observations`` with the ``target`` in force for each month and the month's ``status``."""
    settings = kpi_settings(kpis).reindex(observations[KPI_ID].to_numpy(dtype=np.int64))
    frame = observations.copy()
    frame[TARGET] = targets_in_force(kpis, targets, observations).to_numpy()
    frame[STATUS] = status(
        frame[VALUE].to_numpy(dtype=float),
        frame[TARGET].to_numpy(),
        settings[DIRECTION].to_numpy(),
        settings[TOLERANCE_PCT].to_numpy(),
    )
    return frame
