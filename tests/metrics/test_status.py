import numpy as np
import pandas as pd
import pytest

from metrics.frames import kpis_frame, observations_frame, targets_frame
from metrics.status import (
    NEAR_TARGET,
    NO_DATA,
    NO_TARGET,
    OFF_TARGET,
    ON_TARGET,
    STATUS_COLORS,
    STATUS_ICONS,
    STATUS_LABELS,
    STATUSES,
    status,
    status_frame,
    targets_in_force,
)

HIGHER = "higher_is_better"
LOWER = "lower_is_better"


def test_target_effective_from_july_applies_from_july_on_and_june_keeps_the_default():
    kpis = kpis_frame([{"kpi_id": 1, "target": 100.0}, {"kpi_id": 2, "target": 5.0}])
    targets = targets_frame([(1, "2024-07", 120.0), (1, "2025-01", 130.0)])
    periods = observations_frame(
        [(1, "2024-06", 0), (1, "2024-07", 0), (1, "2024-12", 0), (1, "2025-03", 0), (2, "2024-07", 0)]
    )
    in_force = targets_in_force(kpis, targets, periods)
    # June: default 100; July to December: 120; from January: 130; KPI 2 never changed: 5.
    assert in_force.tolist() == [100.0, 120.0, 120.0, 130.0, 5.0]


def test_targets_in_force_keeps_the_row_order_and_index_of_unsorted_periods():
    kpis = kpis_frame([{"kpi_id": 1}, {"kpi_id": 2, "target": 7.0}])
    targets = targets_frame([(1, "2024-07", 120.0)])
    periods = observations_frame([(2, "2024-09", 0), (1, "2024-08", 0), (1, "2024-06", 0)])
    periods.index = [10, 20, 30]
    in_force = targets_in_force(kpis, targets, periods)
    # KPI 1 has no default target, so June (before July's change) has none.
    assert in_force.index.tolist() == [10, 20, 30]
    np.testing.assert_array_equal(in_force.to_numpy(), [7.0, 120.0, np.nan])


def test_target_set_to_nan_removes_the_target_from_that_month_on():
    kpis = kpis_frame([{"kpi_id": 1, "target": 100.0}])
    targets = targets_frame([(1, "2024-07", np.nan)])
    periods = observations_frame([(1, "2024-06", 0), (1, "2024-07", 0)])
    np.testing.assert_array_equal(targets_in_force(kpis, targets, periods).to_numpy(), [100.0, np.nan])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100.0, ON_TARGET),  # meets
        (101.0, ON_TARGET),  # beats
        (90.0, NEAR_TARGET),  # |90 - 100| = 10 <= 10 % of 100: exactly on the boundary is near
        (89.99, OFF_TARGET),  # 10.01 > 10
    ],
)
def test_higher_is_better_boundary_between_near_and_off(value, expected):
    assert status(value, 100.0, HIGHER, 10.0) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (40.0, ON_TARGET),
        (39.0, ON_TARGET),
        (42.0, NEAR_TARGET),  # |42 - 40| = 2 <= 5 % of 40 = 2
        (42.01, OFF_TARGET),
    ],
)
def test_lower_is_better_boundary_between_near_and_off(value, expected):
    assert status(value, 40.0, LOWER, 5.0) == expected


def test_decimal_value_exactly_on_the_boundary_is_near_despite_binary_rounding():
    # 0.85 - 10 % of 0.85 = 0.765; in binary 0.85 - 0.765 is not exactly 0.085.
    assert status(0.765, 0.85, HIGHER, 10.0) == NEAR_TARGET
    assert status(0.935, 0.85, LOWER, 10.0) == NEAR_TARGET


def test_missing_tolerance_means_ten_percent():
    assert status(91.0, 100.0, HIGHER, np.nan) == NEAR_TARGET
    assert status(89.0, 100.0, HIGHER, np.nan) == OFF_TARGET


def test_no_target_and_no_data():
    assert status(5.0, np.nan, HIGHER, 10.0) == NO_TARGET
    assert status(np.nan, 5.0, HIGHER, 10.0) == NO_DATA
    assert status(np.nan, np.nan, LOWER, 10.0) == NO_DATA


def test_lower_is_better_with_a_zero_target_is_only_on_target_at_zero():
    assert status(0.0, 0.0, LOWER, 10.0) == ON_TARGET
    assert status(0.1, 0.0, LOWER, 10.0) == OFF_TARGET


def test_status_is_elementwise_over_arrays_and_keeps_a_series_index():
    values = pd.Series([100.0, 95.0, 80.0, np.nan], index=list("abcd"))
    directions = np.array([HIGHER, LOWER, LOWER, HIGHER])
    result = status(values, np.array([100.0, 90.0, 90.0, 1.0]), directions, 10.0)
    # 95 vs 90 lower: worse by 5 <= 9 → near; 80 vs 90 lower: beats → on.
    assert result.index.tolist() == list("abcd")
    assert result.tolist() == [ON_TARGET, NEAR_TARGET, ON_TARGET, NO_DATA]
    as_array = status(values.to_numpy(), 90.0, LOWER, 10.0)
    assert isinstance(as_array, np.ndarray)
    assert as_array.tolist() == [OFF_TARGET, NEAR_TARGET, ON_TARGET, NO_DATA]


def test_unknown_direction_is_an_error():
    with pytest.raises(ValueError):
        status(1.0, 1.0, "up", 10.0)


def test_status_frame_adds_the_target_in_force_and_the_status():
    kpis = kpis_frame(
        [
            {"kpi_id": 1, "target": 100.0, "direction": HIGHER},
            {"kpi_id": 2, "target": 30.0, "direction": LOWER, "tolerance_pct": 20.0},
            {"kpi_id": 3},
        ]
    )
    targets = targets_frame([(1, "2024-07", 120.0)])
    observations = observations_frame(
        [(1, "2024-06", 100.0), (1, "2024-07", 110.0), (2, "2024-07", 35.0), (2, "2024-08", np.nan), (3, "2024-07", 1.0)]
    )
    frame = status_frame(observations, kpis, targets)
    # June 100 vs default 100 → on; July 110 vs 120: 10 <= 12 → near;
    # KPI 2: 35 vs 30 lower, 5 <= 20 % of 30 = 6 → near; August missing → no data; KPI 3 has no target.
    assert frame["target"].fillna(-1).tolist() == [100.0, 120.0, 30.0, 30.0, -1]
    assert frame["status"].tolist() == [ON_TARGET, NEAR_TARGET, NEAR_TARGET, NO_DATA, NO_TARGET]
    assert frame.columns.tolist() == ["kpi_id", "period", "value", "note", "target", "status"]


def test_every_status_has_a_label_a_distinct_icon_and_a_distinct_colour():
    assert set(STATUS_LABELS) == set(STATUS_ICONS) == set(STATUS_COLORS) == set(STATUSES)
    assert len(set(STATUS_ICONS.values())) == len(STATUSES)
    assert len(set(STATUS_COLORS.values())) == len(STATUSES)
    assert STATUS_LABELS[NEAR_TARGET] == "Near target"
