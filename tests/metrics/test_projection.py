import numpy as np
import pandas as pd
import pytest

from metrics.projection import project_many, theil_sen
from metrics.spc import xmr_many

HIGHER, LOWER = "higher_is_better", "lower_is_better"


def points_for(series: dict[int, list[float]], start: str = "2020-01-01", **xmr_options) -> pd.DataFrame:
    frames = [
        pd.DataFrame({"kpi_id": kpi_id, "period": pd.date_range(start, periods=len(v), freq="MS"), "value": v})
        for kpi_id, v in series.items()
    ]
    return xmr_many(pd.concat(frames), **xmr_options)


def project_one(values: list[float], target: float | None, direction: str | None, **xmr_options) -> pd.Series:
    result = project_many(
        points_for({1: values}, **xmr_options),
        pd.Series({1: np.nan if target is None else target}),
        pd.Series({1: direction}, dtype=object),
    )
    return result.iloc[0]


RISING_BY_2 = [10.0 + 2 * i for i in range(12)]  # 10, 12, ..., 32 from January to December 2020


def test_theil_sen_slope_intercept_and_sen_range_by_hand():
    # y = 1,3,2,5,4,6 at x = 0..5; the 15 pairwise slopes sorted:
    # -1, -1, 1/3, 1/2, 1/2, 3/4, 3/4, 1, 1, 1, 4/3, 4/3, 2, 2, 3 -> median (8th) 1
    # intercept median(y - x) = median(1, 2, 0, 2, 0, 1) = 1
    # no ties: var S = 6*5*17/18 = 28.33, 1.96*sqrt = 10.43;
    # upper rank round((15 + 10.43)/2) = 13, lower rank round((15 - 10.43)/2) - 1 = 1 (0-based) -> -1 and 2
    assert theil_sen(np.arange(6), np.array([1.0, 3, 2, 5, 4, 6])) == pytest.approx((1.0, 1.0, -1.0, 2.0))


def test_theil_sen_range_corrects_for_ties():
    # y = 1,1,2,2,3,3: slopes sorted 0,0,0, 1/3,1/3, 0.4, 0.5 x6, 2/3, 1,1 -> median 0.5
    # intercept median(1, 0.5, 1, 0.5, 1, 0.5) = 0.75
    # three tied pairs: var S = (510 - 3*2*1*9)/18 = 25.33, 1.96*sqrt = 9.865;
    # upper rank round(12.43) = 12 -> 2/3 (without the tie correction it would be rank 13 -> 1), lower rank 2 -> 0
    assert theil_sen(np.arange(6), np.array([1.0, 1, 2, 2, 3, 3])) == pytest.approx((0.5, 0.75, 0.0, 2 / 3))


def test_one_wild_point_barely_moves_the_slope_unlike_least_squares():
    x = np.arange(12.0)
    y = 2 * x + 10
    y[5] += 100
    # of the 66 pairwise slopes, 5 (pairs ending at the outlier) are above 2, 6 (starting at it) below,
    # 55 are exactly 2 -> median 2
    slope, intercept, _, _ = theil_sen(x, y)
    assert slope == 2.0 and intercept == 10.0
    # least squares moves by 100 * (5 - 5.5) / sum((x - 5.5)^2) = -50/143 -> 1.6503
    assert np.polyfit(x, y, 1)[0] == pytest.approx(2 - 50 / 143)


def test_perfect_line_reaches_the_target_in_the_hand_computed_month():
    row = project_one(RISING_BY_2, 40.0, HIGHER)
    # December 2020 sits on the line at 32; (40 - 32)/2 = 4 months later -> April 2021
    assert row["projection_status"] == "on_pace"
    assert row["slope_per_month"] == 2.0
    assert row["projected_period"] == pd.Timestamp("2021-04-01")
    # every pairwise slope is 2, so the whole 95% range is the same month
    assert row["projected_low"] == row["projected_high"] == pd.Timestamp("2021-04-01")
    assert row["projection_text"] == (
        "Around April 2021 at the current pace; the 95% confidence range is that month alone"
    )


def test_target_between_months_is_reached_in_the_following_month():
    # (41 - 32)/2 = 4.5 months after December 2020: reached during May 2021
    assert project_one(RISING_BY_2, 41.0, HIGHER)["projected_period"] == pd.Timestamp("2021-05-01")


def test_range_of_months_from_the_range_of_slopes():
    row = project_one([0.0, 2, 3, 5, 6, 8], 12.0, HIGHER)
    # slopes sorted 1,1, 4/3, 1.5 x6, 1.6, 5/3,5/3, 2,2,2 -> pace 1.5, range 1 (rank 1) to 2 (rank 13)
    # x = -5..0 (months before June 2020): level = median(y - 1.5x) = median(7.5, 8, 7.5, 8, 7.5, 8) = 7.75
    # (12 - 7.75)/1.5 = 2.83 -> September; at 2/month 2.125 -> September; at 1/month 4.25 -> November
    assert (row["slope_per_month"], row["slope_low"], row["slope_high"]) == pytest.approx((1.5, 1.0, 2.0))
    assert row["projected_period"] == pd.Timestamp("2020-09-01")
    assert row["projected_low"] == pd.Timestamp("2020-09-01")
    assert row["projected_high"] == pd.Timestamp("2020-11-01")
    assert row["projection_text"] == (
        "Around September 2020 at the current pace; between September 2020 and November 2020 at 95% confidence"
    )


def test_slope_range_including_zero_could_be_never():
    row = project_one([1.0, 3, 2, 5, 4, 6], 10.0, HIGHER)
    # pace 1, range -1..2; level = median(y - x) with x = -5..0 = median(6, 7, 5, 7, 5, 6) = 6
    # (10 - 6)/1 = 4 -> October 2020; at 2/month 2 -> August 2020; at the slowest pace never
    assert row["projected_period"] == pd.Timestamp("2020-10-01")
    assert row["projected_low"] == pd.Timestamp("2020-08-01")
    assert pd.isna(row["projected_high"])
    assert row["projection_text"] == (
        "Around October 2020 at the current pace; from August 2020 at 95% confidence, "
        "and could be never at the slowest plausible pace"
    )


def test_moving_away_is_not_at_the_current_pace():
    row = project_one(RISING_BY_2[::-1], 40.0, HIGHER)  # 32 down to 10, slope -2, higher is better
    assert row["slope_per_month"] == -2.0
    assert row["projection_status"] == "not_at_current_pace"
    assert pd.isna(row["projected_period"])
    assert row["projection_text"] == "Not at the current pace: the trend is moving away from the target"


def test_flat_is_not_at_the_current_pace():
    row = project_one([10.0] * 12, 40.0, HIGHER)
    assert row["slope_per_month"] == 0.0
    assert row["projection_status"] == "not_at_current_pace"
    assert row["projection_text"] == "Not at the current pace: the trend is flat"


def test_five_points_are_too_few():
    row = project_one([10.0, 12, 14, 16, 18], 40.0, HIGHER)
    assert row["projection_status"] == "insufficient_data"
    assert np.isnan(row["slope_per_month"])
    assert row["projection_text"] == "Too few months in the current process (5) to project"


def test_only_the_latest_segment_counts_towards_the_points():
    # 20 months rebased at position 15: the current process has 5 points
    row = project_one([10.0 + i for i in range(20)], 40.0, HIGHER, rebase={1: [15]})
    assert row["projection_status"] == "insufficient_data"
    assert row["projection_text"] == "Too few months in the current process (5) to project"


def test_already_meeting_the_target():
    assert project_one(RISING_BY_2, 30.0, HIGHER)["projection_status"] == "met"  # 32 >= 30
    row = project_one(RISING_BY_2[::-1], 10.0, LOWER)  # latest 10 <= 10
    assert row["projection_status"] == "met"
    assert row["projection_text"] == "Already meeting the target"
    assert pd.isna(row["projected_period"])


def test_lower_is_better_reaches_the_target_going_down():
    row = project_one(RISING_BY_2[::-1], 2.0, LOWER)
    # 32 down to 10 by 2 a month; (2 - 10)/(-2) = 4 months after December 2020 -> April 2021
    assert row["projection_status"] == "on_pace"
    assert row["projected_period"] == pd.Timestamp("2021-04-01")
    assert project_one(RISING_BY_2, 2.0, LOWER)["projection_status"] == "not_at_current_pace"


def test_more_than_ten_years_out_is_capped():
    row = project_one([10.0 + 0.01 * i for i in range(12)], 20.0, HIGHER)
    # (20 - 10.11)/0.01 = 989 months > 120
    assert row["projection_status"] == "not_at_current_pace"
    assert row["projection_text"] == "Not within 10 years at the current pace"
    assert pd.isna(row["projected_period"])


def test_missing_month_keeps_its_place_on_the_x_axis():
    periods = pd.date_range("2020-01-01", periods=7, freq="MS").delete(3)  # April missing
    observations = pd.DataFrame({"kpi_id": 1, "period": periods, "value": [0.0, 2, 4, 8, 10, 12]})
    result = project_many(xmr_many(observations), pd.Series({1: 20.0}), pd.Series({1: HIGHER}))
    # 2 a month over real months (not 12/5 = 2.4 per data point); (20 - 12)/2 = 4 -> November 2020
    assert result["slope_per_month"].iloc[0] == 2.0
    assert result["projected_period"].iloc[0] == pd.Timestamp("2020-11-01")


def test_no_target_or_no_direction():
    result = project_many(
        points_for({1: RISING_BY_2, 2: RISING_BY_2}),
        pd.Series({1: np.nan, 2: 40.0}),
        pd.Series({1: HIGHER}),
    )
    assert result["projection_status"].tolist() == ["no_target", "no_target"]
    assert result["projection_text"].tolist() == [
        "No target to project towards",
        "No improvement direction to project with",
    ]


def test_project_many_equals_the_scalar_computation_per_kpi():
    rng = np.random.default_rng(11)
    series = {
        1: list(np.cumsum(rng.normal(0.5, 1, 40))),  # rebased at 25: only the last 15 points count
        2: list(rng.normal(50, 3, 18) - np.arange(18) * 0.4),
        3: list(np.round(rng.normal(5, 1, 9))),  # rounded: ties
        4: list(np.cumsum(rng.normal(0.5, 1, 40))),  # rebased at 10: the last 24 of 30 points count
    }
    rebase = {1: [25], 4: [10]}
    targets = pd.Series({1: 25.0, 2: 30.0, 3: 9.0, 4: 30.0})
    direction = pd.Series({1: HIGHER, 2: LOWER, 3: HIGHER, 4: HIGHER})
    result = project_many(points_for(series, rebase=rebase), targets, direction).set_index("kpi_id")
    assert result.index.tolist() == [1, 2, 3, 4]
    assert result["projection_status"].tolist() == ["on_pace", "on_pace", "not_at_current_pace", "on_pace"]
    for kpi_id, values in series.items():
        used = np.asarray(values[rebase.get(kpi_id, [0])[0]:])[-24:]
        x = np.arange(len(used)) - (len(used) - 1.0)  # months before the latest
        slope, level, low, high = theil_sen(x, used)
        row = result.loc[kpi_id]
        assert (row["slope_per_month"], row["slope_low"], row["slope_high"]) == pytest.approx((slope, low, high))
        if row["projection_status"] == "on_pace":
            ahead = max(np.ceil((targets[kpi_id] - level) / slope), 1)
            latest = pd.Timestamp("2020-01-01") + pd.DateOffset(months=len(values) - 1)
            assert row["projected_period"] == latest + pd.DateOffset(months=int(ahead))
