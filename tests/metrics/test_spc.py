import numpy as np
import pandas as pd
import pytest

from metrics.spc import (
    ASSURANCE_LABELS,
    VARIATION_LABELS,
    assurance_many,
    ended_runs,
    rebase_positions,
    xmr,
    xmr_many,
)

NAN = np.nan


def months(n: int, start: str = "2020-01-01") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="MS")


# Baseline [10, 12, 10, 12]: mean 44/4 = 11, moving ranges 2, 2, 2 -> AMR 2,
# upl = 11 + 2.66*2 = 16.32, lpl = 5.68, two-sigma lines 11 -/+ (2*2.66/3)*2 = 7.4533 / 14.5467.
BASELINE_4 = [10.0, 12.0, 10.0, 12.0]
UPL_4 = 11.0 + 2.66 * 2.0

# 7 points alternating 1, 3 above a mean of exactly 0, then 7 alternating -1, -3 below it:
# mean (13 - 13)/14 = 0, moving ranges all 2 -> AMR 2, two-sigma 3.5467 > 3 so only the shift rule can fire.
SHIFT_7 = [1.0, 3, 1, 3, 1, 3, 1, -1, -3, -1, -3, -1, -3, -1]


def test_mean_moving_ranges_and_limits_by_hand():
    points = xmr([10.0, 12, 11, 13, 12])
    # mean = 58/5 = 11.6; moving ranges 2, 1, 2, 1 -> AMR 6/4 = 1.5 (none >= 3.267*1.5 = 4.90)
    # limits 11.6 -/+ 2.66*1.5 = 7.61 / 15.59; two-sigma 11.6 -/+ (2*2.66/3)*1.5 = 8.94 / 14.26
    np.testing.assert_allclose(points["moving_range"], [NAN, 2, 1, 2, 1])
    assert points["mean"].tolist() == pytest.approx([11.6] * 5)
    assert points["lpl"].tolist() == pytest.approx([7.61] * 5)
    assert points["upl"].tolist() == pytest.approx([15.59] * 5)
    assert points["lower_two_sigma"].tolist() == pytest.approx([8.94] * 5)
    assert points["upper_two_sigma"].tolist() == pytest.approx([14.26] * 5)
    assert points["variation"].eq("common_cause").all()
    assert points["rule"].isna().all() and points["side"].isna().all()
    assert points["segment"].tolist() == [0] * 5


def test_mean_is_accurate_enough_for_a_point_on_it_to_be_on_it():
    # (0.1 + 0.2 + 0.3) / 3 is 0.20000000000000004 in floating point; the corrected mean is 0.2
    points = xmr([0.1, 0.2, 0.3])
    assert points["mean"].iloc[0] == 0.2


def test_outlier_screening_drops_large_moving_ranges_once():
    values = [10.0, 11, 10, 11, 10, 11, 10, 30, 10]
    # mean = (5*10 + 3*11 + 30)/9 = 113/9 = 12.5556
    # moving ranges 1,1,1,1,1,1,20,20 -> AMR 46/8 = 5.75; 3.267*5.75 = 18.785 so both 20s are dropped -> AMR 6/6 = 1
    screened = xmr(values)
    assert screened["upl"].iloc[0] == pytest.approx(113 / 9 + 2.66 * 1)  # 15.2156
    assert screened["lpl"].iloc[0] == pytest.approx(113 / 9 - 2.66 * 1)  # 9.8956
    unscreened = xmr(values, screen_outliers=False)
    assert unscreened["upl"].iloc[0] == pytest.approx(113 / 9 + 2.66 * 5.75)  # 27.8506
    assert unscreened["lpl"].iloc[0] == pytest.approx(113 / 9 - 2.66 * 5.75)  # -2.7394
    # 30 is beyond both upper limits; screening also makes the 10s fall at/above lpl 9.8956 (inside)
    assert screened["outside_limits"].tolist() == [False] * 7 + [True, False]
    assert unscreened["outside_limits"].tolist() == [False] * 7 + [True, False]


def test_baseline_fixes_mean_and_amr_on_first_points():
    points = xmr([1.0, 2, 3, 2, 1, 10, 20, 30], baseline=5)
    # baseline 1,2,3,2,1: mean 9/5 = 1.8, moving ranges 1,1,1,1 -> AMR 1; upl = 1.8 + 2.66 = 4.46, lpl = -0.86
    assert points["mean"].tolist() == pytest.approx([1.8] * 8)
    assert points["upl"].tolist() == pytest.approx([4.46] * 8)
    assert points["lpl"].tolist() == pytest.approx([-0.86] * 8)
    # the moving-range column still shows every range; only the baseline ones make the AMR
    np.testing.assert_allclose(points["moving_range"], [NAN, 1, 1, 1, 1, 9, 10, 10])
    assert points["outside_limits"].tolist() == [False] * 5 + [True] * 3


def test_baseline_applies_within_each_rebased_segment():
    values = [1.0, 3, 1, 3, 100, 50, 52, 50, 52, 0]
    points = xmr(values, baseline=4, rebase=[5])
    # segment 0 baseline 1,3,1,3: mean 2, AMR 2 -> limits 2 -/+ 5.32 = -3.32 / 7.32
    # segment 1 baseline 50,52,50,52: mean 51, AMR 2 -> limits 45.68 / 56.32
    assert points["segment"].tolist() == [0] * 5 + [1] * 5
    assert points["mean"].tolist() == pytest.approx([2.0] * 5 + [51.0] * 5)
    assert points["upl"].tolist() == pytest.approx([7.32] * 5 + [56.32] * 5)
    assert points["lpl"].tolist() == pytest.approx([-3.32] * 5 + [45.68] * 5)
    assert points["outside_limits"].tolist() == [False] * 4 + [True] + [False] * 4 + [True]
    assert points["side"].tolist() == [None] * 4 + ["high"] + [None] * 4 + ["low"]


def test_rebase_starts_new_segment_and_rules_do_not_cross_it():
    rising = [1.0, 2, 3, 4, 5, 6, 7, 8]
    # one segment: 8 points each higher than the last -> a trend on every point
    assert xmr(rising)["trend"].all()
    points = xmr(rising, rebase=[4])
    # segments 1..4 and 5..8: means 2.5 and 6.5, AMR 1 each, and only 4 rising points in either
    assert points["segment"].tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    assert points["mean"].tolist() == pytest.approx([2.5] * 4 + [6.5] * 4)
    assert points["upl"].tolist() == pytest.approx([5.16] * 4 + [9.16] * 4)
    np.testing.assert_allclose(points["moving_range"], [NAN, 1, 1, 1, NAN, 1, 1, 1])
    assert not points["trend"].any()


def test_trend_inside_a_segment_does_not_reach_into_the_previous_one():
    points = xmr([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10], rebase=[3])
    # segment 1 is 4..10, a 7-point trend of its own; 3 -> 4 crosses the boundary and is not a rise
    assert points["trend"].tolist() == [False] * 3 + [True] * 7


def test_rebase_stops_a_shift_spanning_the_boundary():
    values = [0.0, 0, 0, 4, 4, 4, 6, 6, 6, 6, 2, 2, 2]
    # one segment: mean 42/13 = 3.23, and 4,4,4,6,6,6,6 are 7 points above it -> shift on those 7
    assert xmr(values)["shift"].tolist() == [False] * 3 + [True] * 7 + [False] * 3
    # rebased at 6: means 2 and 30/7 = 4.29, longest run on one side is 4 points
    assert not xmr(values, rebase=[6])["shift"].any()


def test_shift_needs_seven_points_six_is_not_enough():
    six = [1.0, 3, 1, 3, 1, 3, -3, -1, -3, -1, -3, -1]
    # mean 0; moving ranges ten 2s and one 6 -> AMR 26/11 = 2.36; two-sigma 4.19; 6 points per side
    assert not xmr(six)["shift"].any()
    assert not xmr(six)["special_cause"].any()
    assert xmr(SHIFT_7)["shift"].all()


def test_every_point_of_a_qualifying_run_is_flagged():
    points = xmr(SHIFT_7)
    assert points["shift"].tolist() == [True] * 14
    assert points["rule"].tolist() == ["shift"] * 14
    assert points["side"].tolist() == ["high"] * 7 + ["low"] * 7


def test_point_on_the_mean_breaks_a_shift():
    values = [1.0, 3, 1, 0, 3, 1, 3, 1, -1, -3, -1, 0, -3, -1, -3, -1]
    # mean (13 - 13)/16 = 0; moving ranges sum 30 over 15 -> AMR 2, two-sigma 3.55
    # above: 3 points, the 0 on the mean, 4 points -> no run of 7; likewise below
    points = xmr(values)
    assert points["mean"].iloc[0] == 0.0
    assert not points["shift"].any()


def test_shift_run_length_is_a_parameter():
    # SHIFT_7 has runs of exactly 7: they are not runs of 8
    assert not xmr(SHIFT_7, run_length=8)["shift"].any()


def test_trend_needs_seven_points_six_is_not_enough():
    six = [5.0, 1, 2, 3, 4, 5, 6, 2]  # 1..6 is 6 rising points (5 rises)
    assert not xmr(six)["trend"].any()
    seven = [5.0, 1, 2, 3, 4, 5, 6, 7, 2]  # 1..7 is 7 rising points (6 rises), all flagged
    assert xmr(seven)["trend"].tolist() == [False] + [True] * 7 + [False]
    falling = [0.0, 7, 6, 5, 4, 3, 2, 1, 6]
    assert xmr(falling)["trend"].tolist() == [False] + [True] * 7 + [False]


def test_equal_neighbours_break_a_trend():
    values = [1.0, 2, 3, 3, 4, 5, 6, 7]  # 1,2,3 then 3,4,5,6,7: five rising points at most
    assert not xmr(values)["trend"].any()


def test_trend_side_follows_the_trend_not_the_mean():
    points = xmr([5.0, 1, 2, 3, 4, 5, 6, 7, 2])
    # mean 35/9 = 3.89; 1, 2, 3 sit below it yet belong to a rising trend -> side high, improvement
    # moving ranges 4,1,1,1,1,1,1,5 -> AMR 15/8 = 1.875, two-sigma 3.89 -/+ 3.325: nothing beyond it
    assert points["rule"].tolist() == [None] + ["trend"] * 7 + [None]
    assert points["side"].tolist() == [None] + ["high"] * 7 + [None]
    assert points["variation"].iloc[1:8].eq("special_cause_improvement").all()


def test_two_in_three_on_the_same_side_flags_both_points_beyond_two_sigma():
    points = xmr(BASELINE_4 + [15.0, 11.5, 15.0], baseline=4)
    # two-sigma upper 14.5467, upl 16.32: both 15s are between them, 11.5 is above the mean but not beyond
    assert points["two_in_three"].tolist() == [False] * 4 + [True, False, True]
    assert points["rule"].tolist() == [None] * 4 + ["two_in_three", None, "two_in_three"]
    assert points["side"].tolist() == [None] * 4 + ["high", None, "high"]


def test_two_in_three_flags_a_point_that_only_qualifies_as_the_middle_of_its_window():
    points = xmr(BASELINE_4 + [10.0, 15, 15, 11.5, 10], baseline=4)
    # only the window 15, 15, 11.5 qualifies (the ones around it include a 10 below the mean of 11);
    # the second 15 is its middle point
    assert points["two_in_three"].tolist() == [False] * 5 + [True, True, False, False]


def test_two_in_three_split_across_the_mean_is_not_flagged():
    points = xmr(BASELINE_4 + [15.0, 10.0, 15.0], baseline=4)
    # window 15, 10, 15 has two points beyond two sigma but 10 is below the mean of 11
    assert not points["two_in_three"].any()
    assert not points["special_cause"].any()


def test_two_in_three_counts_a_point_exactly_on_the_process_limit():
    points = xmr(BASELINE_4 + [UPL_4, 11.5, 15.0], baseline=4)
    # UPL_4 = 16.32 is not outside (strict) but is beyond the two-sigma line, so it counts
    assert points["outside_limits"].tolist() == [False] * 7
    assert points["two_in_three"].tolist() == [False] * 4 + [True, False, True]


def test_outside_limits_is_strict():
    just_over = np.nextafter(UPL_4, np.inf)
    points = xmr(BASELINE_4 + [UPL_4, 11.0, just_over], baseline=4)
    assert points["upl"].iloc[0] == UPL_4
    assert points["outside_limits"].tolist() == [False] * 6 + [True]


def test_variation_follows_the_improvement_direction():
    increase = xmr(SHIFT_7, improvement="increase")["variation"].tolist()
    assert increase == ["special_cause_improvement"] * 7 + ["special_cause_concern"] * 7
    decrease = xmr(SHIFT_7, improvement="decrease")["variation"].tolist()
    assert decrease == ["special_cause_concern"] * 7 + ["special_cause_improvement"] * 7
    neutral = xmr(SHIFT_7, improvement="neutral")["variation"].tolist()
    assert neutral == ["special_cause_neutral_high"] * 7 + ["special_cause_neutral_low"] * 7


def test_a_peak_shared_by_a_rise_and_a_fall_takes_the_later_trend():
    values = [0.0, 8, 0, 8, 1, 2, 3, 4, 5, 6, 7, 6, 5, 4, 3, 2, 1]
    # baseline 0,8,0,8: mean 4, AMR 8 -> limits 4 -/+ 21.28, two-sigma 4 -/+ 14.19: only trends fire
    # 1..7 rises over 7 points and 7..1 falls over 7 points; the peak 7 belongs to both -> low, as in R
    points = xmr(values, baseline=4)
    assert points["rule"].tolist() == [None] * 4 + ["trend"] * 13
    assert points["side"].tolist() == [None] * 4 + ["high"] * 6 + ["low"] * 7


def test_rule_precedence_outside_limits_then_trend_then_two_in_three_then_shift():
    values = BASELINE_4 + [17.0, 16, 15, 14, 13, 12, 11]
    points = xmr(values, baseline=4)
    # limits from the baseline: mean 11, upl 16.32, two-sigma 14.5467
    # 17 is outside (high) and starts a 7-point fall 17..11 (low): outside limits decides -> high
    # 16, 15 are two-in-three (high) and in the fall: trend decides -> low
    # 12 (position 3) then 17..12 are 7 points above the mean: a shift; only position 3 has nothing stronger
    assert points["outside_limits"].tolist() == [False] * 4 + [True] + [False] * 6
    assert points["two_in_three"].tolist() == [False] * 5 + [True, True] + [False] * 4
    assert points["trend"].tolist() == [False] * 4 + [True] * 7
    assert points["shift"].tolist() == [False] * 3 + [True] * 7 + [False]
    assert points["rule"].tolist() == [None] * 3 + ["shift", "outside_limits"] + ["trend"] * 6
    assert points["side"].tolist() == [None] * 3 + ["high", "high"] + ["low"] * 6
    assert points["variation"].tolist() == (
        ["common_cause"] * 3 + ["special_cause_improvement"] * 2 + ["special_cause_concern"] * 6
    )


@pytest.mark.parametrize(
    ("improvement", "target", "expected"),
    [
        # limits of [10, 12, 11, 13, 12] are 7.61 / 15.59
        ("increase", 7.0, "consistently_passing"),  # whole range above the target
        ("increase", 16.0, "consistently_failing"),  # whole range below the target
        ("increase", 12.0, "hit_and_miss"),
        ("decrease", 7.0, "consistently_failing"),
        ("decrease", 16.0, "consistently_passing"),
        ("decrease", 12.0, "hit_and_miss"),
        ("neutral", 7.0, None),
        ("increase", None, None),
        ("decrease", None, None),
    ],
)
def test_assurance_against_the_target(improvement, target, expected):
    points = xmr([10.0, 12, 11, 13, 12], improvement=improvement, target=target)
    assert points.attrs["assurance"] == expected


def test_assurance_target_on_a_limit_is_hit_and_miss():
    points = xmr(BASELINE_4, target=UPL_4)  # upl is exactly 16.32: not strictly beyond it
    assert points.attrs["assurance"] == "hit_and_miss"


def test_trial_limits_below_thirteen_points_per_segment():
    assert xmr(np.arange(12.0) % 3)["trial_limits"].all()
    assert not xmr(np.arange(13.0) % 3)["trial_limits"].any()
    rebased = xmr(np.arange(18.0) % 3, rebase=[13])  # segments of 13 and 5 points
    assert rebased["trial_limits"].tolist() == [False] * 13 + [True] * 5


def test_missing_month_is_a_gap_excluded_from_the_amr():
    periods = pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-05-01", "2020-06-01"])
    points = xmr([10.0, 12, 10, 20, 22], periods)
    # no April: ranges 2, 2, (gap), 2 -> AMR 2 rather than (2+2+10+2)/4 = 4; mean 74/5 = 14.8
    np.testing.assert_allclose(points["moving_range"], [NAN, 2, 2, NAN, 2])
    assert points["upl"].iloc[0] == pytest.approx(14.8 + 2.66 * 2)
    assert points["period"].tolist() == list(periods)


def test_missing_value_without_periods_is_a_gap():
    points = xmr([10.0, 12, NAN, 20, 22])
    np.testing.assert_allclose(points["moving_range"], [NAN, 2, NAN, 2])
    assert points["mean"].iloc[0] == pytest.approx(64 / 4)


def test_a_gap_does_not_break_a_run():
    periods = months(8).delete(3)  # April missing
    points = xmr([1.0, 2, 3, 4, 5, 6, 7], periods)
    assert points["trend"].all()


def test_single_point():
    points = xmr([5.0], ["2020-01-01"], target=3.0)
    assert points["mean"].tolist() == [5.0]
    assert points[["lpl", "upl", "moving_range"]].isna().all().all()
    assert not points["special_cause"].any()
    assert points["trial_limits"].tolist() == [True]
    assert points.attrs["assurance"] is None


def test_constant_series_has_zero_amr_and_no_signals():
    points = xmr([4.0] * 15, target=3.0)
    # every moving range is 0 -> AMR 0, limits equal the mean; nothing is strictly outside
    # and every point sits on the mean, which breaks any shift
    assert points["lpl"].tolist() == [4.0] * 15
    assert points["upl"].tolist() == [4.0] * 15
    assert not points["special_cause"].any()
    assert points.attrs["assurance"] == "consistently_passing"  # 3 < lpl 4, higher is better


def test_negative_values():
    points = xmr([-10.0, -12, -11, -13, -12, -30], baseline=5)
    # baseline mean -58/5 = -11.6, AMR 6/4 = 1.5 -> limits -15.59 / -7.61; -30 is below lpl
    assert points["lpl"].iloc[0] == pytest.approx(-15.59)
    assert points["upl"].iloc[0] == pytest.approx(-7.61)
    assert points["side"].tolist() == [None] * 5 + ["low"]
    assert points["variation"].iloc[-1] == "special_cause_concern"


def test_no_target_means_no_assurance():
    assert xmr(SHIFT_7).attrs["assurance"] is None


def test_duplicate_month_is_rejected():
    with pytest.raises(ValueError, match="more than one value"):
        xmr([1.0, 2.0], ["2020-01-01", "2020-01-15"])


def test_xmr_many_equals_xmr_per_kpi():
    rng = np.random.default_rng(7)
    frames = []
    series = {
        1: (rng.normal(50, 5, 30), months(30)),
        2: (np.r_[rng.normal(10, 1, 15), rng.normal(20, 1, 15)], months(30, "2019-06-01")),
        3: (rng.normal(0, 1, 20), months(24).delete([5, 6, 17, 18])),
        4: (np.array([3.0]), months(1)),
    }
    for kpi_id, (values, periods) in series.items():
        frames.append(pd.DataFrame({"kpi_id": kpi_id, "period": periods, "value": values}))
    observations = pd.concat(frames).sample(frac=1, random_state=3)
    improvement = pd.Series({1: "increase", 2: "decrease", 3: "neutral"})  # 4 absent -> neutral
    targets = pd.Series({1: 45.0, 2: 30.0, 3: 0.0, 4: NAN})
    points = xmr_many(observations, improvement=improvement, rebase={2: [15]})
    assurance = assurance_many(points, targets, improvement)

    assert points["kpi_id"].tolist() == [1] * 30 + [2] * 30 + [3] * 20 + [4]
    assert points["segment"][points["kpi_id"].eq(2)].tolist() == [0] * 15 + [1] * 15
    for kpi_id, (values, periods) in series.items():
        one = xmr(
            values, periods,
            improvement=improvement.get(kpi_id, "neutral"),
            target=targets[kpi_id] if not np.isnan(targets[kpi_id]) else None,
            rebase=[15] if kpi_id == 2 else None,
        )
        many = points[points["kpi_id"].eq(kpi_id)].drop(columns="kpi_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(many, one)
        assert assurance[kpi_id] == one.attrs["assurance"]
    assert assurance[3] is None and assurance[4] is None


def test_assurance_many_uses_the_latest_segment():
    observations = pd.DataFrame(
        {"kpi_id": 9, "period": months(10), "value": [0.0, 2, 0, 2, 0, 10, 12, 10, 12, 10]}
    )
    points = xmr_many(observations, rebase={9: [5]})
    # latest segment 10,12,10,12,10: mean 10.8, AMR 2 -> limits 5.48 / 16.12; target 4 is below both
    assert points["lpl"].iloc[-1] == pytest.approx(5.48)
    assert assurance_many(points, pd.Series({9: 4.0}), "increase").to_dict() == {9: "consistently_passing"}
    assert assurance_many(points, pd.Series({9: 4.0}), "decrease").to_dict() == {9: "consistently_failing"}


def test_labels_cover_every_code():
    assert set(VARIATION_LABELS) == {
        "common_cause", "special_cause_improvement", "special_cause_concern",
        "special_cause_neutral_high", "special_cause_neutral_low",
    }
    assert set(ASSURANCE_LABELS) == {"consistently_passing", "consistently_failing", "hit_and_miss"}
    assert VARIATION_LABELS["special_cause_improvement"] == "Special cause — improvement"
    assert ASSURANCE_LABELS["consistently_passing"] == "Consistently passing the target"


def test_process_changes_become_segment_starts_at_the_first_reported_month_on_or_after_them() -> None:
    months = pd.date_range("2014-01-01", periods=6, freq="MS").delete(2)  # March 2014 missing
    observations = pd.DataFrame({"kpi_id": 7, "period": months, "value": [1.0, 2.0, 3.0, 4.0, 5.0]})
    changes = pd.DataFrame(
        {
            "kpi_id": [7, 7, 7, 8],
            # March (missing) starts at April, position 2; January is the first month: no segment;
            # a change after the last month starts nothing; KPI 8 has no data.
            "period": pd.to_datetime(["2014-03-01", "2014-01-01", "2015-01-01", "2014-03-01"]),
        }
    )

    assert rebase_positions(observations, changes) == {7: [2]}
    points = xmr_many(observations, rebase=rebase_positions(observations, changes))
    assert points["segment"].tolist() == [0, 0, 1, 1, 1]


# SHIFT_7 and then two months back above the (new) mean 1.5 / 16: the run of 7 below it ended in February 2014.
ENDED = [*SHIFT_7, 0.5, 1.0]


def test_a_run_that_ended_before_a_month_within_the_limits_is_the_charts_recent_story():
    points = xmr(ENDED, months(16, "2013-01-01"))
    assert points["rule"].tolist() == ["shift"] * 14 + [None, None]
    ended = ended_runs(points)
    assert ended.to_dict("index") == {0: {"rule": "shift", "side": -1, "months": 7,
                                          "first": pd.Timestamp("2013-08-01"), "last": pd.Timestamp("2014-02-01")}}


def test_no_ended_run_while_the_latest_month_is_a_signal_long_after_or_in_an_earlier_segment():
    assert ended_runs(xmr(SHIFT_7, months(14))).empty  # the latest month is still in the run
    assert ended_runs(xmr(ENDED, months(16)), within=1).empty  # ended 2 months before the latest
    assert ended_runs(xmr(ENDED, months(16), rebase=[14])).empty  # a process change since


def test_ended_runs_per_kpi_at_once():
    observations = pd.concat([
        pd.DataFrame({"kpi_id": 1, "period": months(16), "value": ENDED}),
        pd.DataFrame({"kpi_id": 2, "period": months(14), "value": SHIFT_7}),
        pd.DataFrame({"kpi_id": 3, "period": months(16), "value": [-v for v in ENDED]}),
    ])
    ended = ended_runs(xmr_many(observations))
    assert ended.index.tolist() == [1, 3]
    assert ended[["rule", "side", "months"]].values.tolist() == [["shift", -1, 7], ["shift", 1, 7]]
    assert ended["last"].tolist() == [pd.Timestamp("2021-02-01")] * 2
