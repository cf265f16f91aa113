import numpy as np
import pandas as pd
import pytest

from metrics.frames import kpis_frame, monthly_observations, observations_frame
from metrics.trend import (
    BASIS_NONE,
    BASIS_SLOPE,
    BASIS_SPC,
    IMPROVING,
    STABLE,
    WORSENING,
    change_direction,
    latest_trend,
    slope_fit,
    trend_direction,
    trend_frame,
)

HIGHER = "higher_is_better"
LOWER = "lower_is_better"

# Six consecutive months, x = 0..5: x̄ = 2.5, Sxx = 6.25 + 2.25 + 0.25 + 0.25 + 2.25 + 6.25 = 17.5.
# Rising with noise, y = 1 3 2 4 3 5: ȳ = 3, Sxy = Σ dx·y = -2.5 - 4.5 - 1 + 2 + 4.5 + 12.5 = 11,
# slope = 11 / 17.5 = 0.628571; Syy = 4 + 0 + 1 + 1 + 0 + 4 = 10, SSE = 10 - 11²/17.5 = 3.085714,
# se = √(3.085714 / 4 / 17.5) = 0.209956; 0.6286 > 2 × 0.2100 → a clear slope.
RISING = [1.0, 3.0, 2.0, 4.0, 3.0, 5.0]
RISING_SLOPE, RISING_SE = 11 / 17.5, np.sqrt((10 - 11**2 / 17.5) / 4 / 17.5)
# Noise, y = 2 4 1 4 2 3: Sxy = -5 - 6 - 0.5 + 2 + 3 + 7.5 = 1, slope = 1 / 17.5 = 0.057143;
# Syy = 50 - 16²/6 = 7.333333, SSE = 7.333333 - 1/17.5 = 7.276190, se = √(7.276190 / 70) = 0.322406 → no signal.
NOISE = [2.0, 4.0, 1.0, 4.0, 2.0, 3.0]
NOISE_SLOPE, NOISE_SE = 1 / 17.5, np.sqrt((50 - 16**2 / 6 - 1 / 17.5) / 4 / 17.5)


def by_period(frame: pd.DataFrame, kpi_id: int, column: str) -> dict[str, float]:
    rows = frame[frame["kpi_id"] == kpi_id]
    return dict(zip(rows["period"].dt.strftime("%Y-%m"), rows[column]))


def words(values) -> list:
    """Directions as a list, missing ones (no comparison) as None."""
    return [None if pd.isna(v) else v for v in values]


def test_change_against_a_missing_previous_month_is_nan_not_the_previous_row():
    kpis = kpis_frame([{"kpi_id": 1}])
    observations = observations_frame([(1, "2024-01", 10.0), (1, "2024-02", 12.0), (1, "2024-04", 15.0)])
    frame = trend_frame(observations, kpis)
    # February: 12 - 10 = 2, 2 / 10 = 20 %; April: March is missing → NaN, not 15 - 12.
    np.testing.assert_array_equal(frame["change"], [np.nan, 2.0, np.nan])
    np.testing.assert_allclose(frame["change_pct"], [np.nan, 20.0, np.nan])
    assert words(frame["change_direction"]) == [None, IMPROVING, None], "no comparison is not stable"


def test_change_against_a_zero_month_has_no_percentage():
    frame = trend_frame(observations_frame([(1, "2024-01", 0.0), (1, "2024-02", 3.0)]), kpis_frame([{"kpi_id": 1}]))
    assert frame["change"].tolist()[1] == 3.0
    assert np.isnan(frame["change_pct"].tolist()[1])


def test_year_on_year_change_compares_the_same_month_a_year_earlier_and_reads_the_direction():
    kpis = kpis_frame([{"kpi_id": 1, "direction": LOWER}, {"kpi_id": 2, "direction": HIGHER}])
    observations = observations_frame(
        [(1, "2023-03", 50.0), (1, "2024-02", 45.0), (1, "2024-03", 40.0), (2, "2023-03", 50.0), (2, "2024-03", 40.0)]
    )
    frame = trend_frame(observations, kpis)
    # March 2024 vs March 2023: 40 - 50 = -10, -10 / 50 = -20 %: better when lower, worse when higher.
    assert by_period(frame, 1, "change_yoy")["2024-03"] == -10.0
    assert by_period(frame, 1, "change_yoy_pct")["2024-03"] == -20.0
    assert by_period(frame, 1, "yoy_direction")["2024-03"] == IMPROVING
    assert by_period(frame, 2, "yoy_direction")["2024-03"] == WORSENING
    # February 2023 was never reported.
    assert np.isnan(by_period(frame, 1, "change_yoy")["2024-02"])
    # Month on month, lower is better: 40 - 45 = -5 improves.
    assert by_period(frame, 1, "change_direction")["2024-03"] == IMPROVING


def test_rolling_means_count_calendar_months_3_of_3_and_9_of_12():
    # 2023: value = month number, with February, May and August missing: 9 of 12 months.
    months = [1, 3, 4, 6, 7, 9, 10, 11, 12]
    observations = observations_frame([(1, f"2023-{m:02d}", float(m)) for m in months])
    frame = trend_frame(observations, kpis_frame([{"kpi_id": 1}]))
    rolling_3 = by_period(frame, 1, "rolling_3")
    rolling_12 = by_period(frame, 1, "rolling_12")
    assert rolling_3["2023-12"] == (10 + 11 + 12) / 3  # 11
    assert rolling_3["2023-11"] == (9 + 10 + 11) / 3  # 10
    assert np.isnan(rolling_3["2023-10"])  # August missing
    assert np.isnan(rolling_3["2023-06"])  # May missing
    assert rolling_12["2023-12"] == (1 + 3 + 4 + 6 + 7 + 9 + 10 + 11 + 12) / 9  # 63 / 9 = 7
    assert np.isnan(rolling_12["2023-11"])  # 8 months reported up to November


def test_slope_fit_matches_the_hand_computed_least_squares_line():
    slope, slope_se, points = slope_fit(np.array([RISING, NOISE]))
    np.testing.assert_allclose(slope, [RISING_SLOPE, NOISE_SLOPE])
    np.testing.assert_allclose(slope_se, [RISING_SE, NOISE_SE])
    np.testing.assert_allclose(slope_se, [0.209956, 0.322406], atol=1e-6)
    assert points.tolist() == [6, 6]


def test_slope_fit_places_points_on_their_calendar_months_across_a_gap():
    # x = 0, 1, 2, 4 and y = 3, 1, 2, 4: x̄ = 1.75, ȳ = 2.5, Sxy = 3.5, Sxx = 8.75 → slope 0.4.
    slope, _, points = slope_fit(np.array([3.0, 1.0, 2.0, np.nan, 4.0]))
    assert slope == pytest.approx(0.4)
    assert points == 4


def test_a_flat_series_has_exactly_zero_slope_and_stays_stable():
    flat = monthly_observations(1, "2024-01", [0.1] * 12)
    latest = latest_trend(flat, kpis_frame([{"kpi_id": 1}]), "2024-12")
    assert latest["slope_12"].tolist() == [0.0]
    assert latest["trend"].tolist() == [STABLE]


def test_noisy_series_is_stable_and_a_clearly_rising_one_improves_or_worsens_by_direction():
    kpis = kpis_frame(
        [{"kpi_id": 1, "direction": HIGHER}, {"kpi_id": 2, "direction": LOWER}, {"kpi_id": 3, "direction": HIGHER}]
    )
    observations = pd.concat(
        [
            monthly_observations(1, "2024-07", RISING),
            monthly_observations(2, "2024-07", RISING),
            monthly_observations(3, "2024-07", NOISE),
        ]
    )
    latest = latest_trend(observations, kpis, "2024-12").set_index("kpi_id")
    assert latest.loc[1, "slope_12"] == pytest.approx(RISING_SLOPE)
    assert latest.loc[1, "slope_12_se"] == pytest.approx(RISING_SE)
    assert latest["trend"].tolist() == [IMPROVING, WORSENING, STABLE]
    assert latest["trend_basis"].tolist() == [BASIS_SLOPE, BASIS_SLOPE, BASIS_NONE]


def test_a_clear_slope_needs_at_least_six_points():
    five = monthly_observations(1, "2024-08", [1.0, 2.0, 3.0, 4.0, 5.0])  # perfect line, se = 0
    latest = latest_trend(five, kpis_frame([{"kpi_id": 1}]), "2024-12")
    assert latest["slope_12"].tolist() == [1.0]
    assert words(latest["trend"]) == [None], "too few points: no comparison, not stable"
    assert latest["trend_basis"].tolist() == [BASIS_NONE]


def test_an_spc_signal_on_the_latest_point_decides_the_trend_before_the_slope():
    kpis = kpis_frame([{"kpi_id": 1, "direction": HIGHER}, {"kpi_id": 2, "direction": LOWER}])
    observations = pd.concat(
        [monthly_observations(1, "2024-07", RISING), monthly_observations(2, "2024-07", NOISE)]
    )
    spc = pd.DataFrame(
        {
            "kpi_id": [1, 2, 2],
            "period": pd.to_datetime(["2024-12-01", "2024-12-01", "2024-11-01"]),
            "side": ["low", "high", "low"],
            "special_cause": [True, True, True],
        }
    )
    latest = latest_trend(observations, kpis, "2024-12", spc_points=spc)
    # KPI 1 rises clearly, but a low special cause on December says worsening.
    # KPI 2 is noise, but a high special cause when lower is better is worsening too.
    assert latest["trend"].tolist() == [WORSENING, WORSENING]
    assert latest["trend_basis"].tolist() == [BASIS_SPC, BASIS_SPC]


def test_spc_points_that_are_not_special_causes_or_not_latest_are_ignored():
    kpis = kpis_frame([{"kpi_id": 1, "direction": HIGHER}])
    observations = monthly_observations(1, "2024-07", NOISE)
    spc = pd.DataFrame(
        {
            "kpi_id": [1, 1],
            "period": pd.to_datetime(["2024-12-01", "2024-11-01"]),
            "side": ["high", "high"],
            "special_cause": [False, True],
        }
    )
    latest = latest_trend(observations, kpis, "2024-12", spc_points=spc)
    assert latest[["trend", "trend_basis"]].values.tolist() == [[STABLE, BASIS_NONE]]
    # As of November the special cause is on the latest point.
    latest = latest_trend(observations, kpis, "2024-11", spc_points=spc)
    assert latest[["trend", "trend_basis"]].values.tolist() == [[IMPROVING, BASIS_SPC]]


def test_latest_trend_has_a_row_for_every_kpi_and_ignores_months_after_as_of():
    kpis = kpis_frame([{"kpi_id": 1}, {"kpi_id": 2}])
    observations = monthly_observations(1, "2024-07", RISING + [100.0, 200.0])
    latest = latest_trend(observations, kpis, "2024-12")
    assert latest["kpi_id"].tolist() == [1, 2]
    assert latest["slope_12"].tolist()[0] == pytest.approx(RISING_SLOPE)
    assert latest["points_12"].tolist() == [6, 0]
    assert np.isnan(latest["slope_12"].tolist()[1])
    assert words(latest["trend"]) == [IMPROVING, None]


def test_trend_frame_gives_each_month_the_trend_up_to_that_month():
    kpis = kpis_frame([{"kpi_id": 1, "direction": LOWER}])
    frame = trend_frame(monthly_observations(1, "2024-07", RISING), kpis)
    assert frame["slope_12"].tolist()[-1] == pytest.approx(RISING_SLOPE)
    assert frame["points_12"].tolist() == [1, 2, 3, 4, 5, 6]
    assert words(frame["trend"]) == [None] * 5 + [WORSENING]
    assert frame["trend_basis"].tolist()[-1] == BASIS_SLOPE


def test_trend_direction_takes_scalars_and_series():
    scalar = trend_direction(1.0, 0.1, None, LOWER, 8)
    assert scalar.values.tolist() == [[WORSENING, BASIS_SLOPE]]
    frame = trend_direction(
        pd.Series([1.0, 1.0, 0.1, np.nan], index=list("abcd")),
        np.array([0.1, 0.1, 0.1, np.nan]),
        np.array(["low", None, None, None], dtype=object),
        HIGHER,
        np.array([8, 5, 8, 0]),
    )
    # a: SPC low when higher is better; b: too few points; c: 0.1 is not > 2 × 0.1; d: nothing.
    assert frame.index.tolist() == list("abcd")
    assert words(frame["trend"]) == [WORSENING, None, STABLE, None]
    assert frame["trend_basis"].tolist() == [BASIS_SPC, BASIS_NONE, BASIS_NONE, BASIS_NONE]


def test_change_direction_is_stable_for_no_change_and_none_without_a_base():
    assert words(change_direction(np.array([0.0, np.nan, -2.0]), LOWER)) == [STABLE, None, IMPROVING]


def test_a_change_too_large_for_a_percentage_has_none_but_keeps_its_direction():
    kpis = kpis_frame([{"kpi_id": 1, "direction": LOWER}])
    frame = trend_frame(observations_frame([(1, "2024-01", 1e-300), (1, "2024-02", 1e308)]), kpis)
    assert np.isnan(frame["change_pct"].tolist()[1])
    assert words(frame["change_direction"]) == [None, WORSENING]
