import numpy as np
import pandas as pd
import pytest

from metrics.frames import kpis_frame, monthly_observations, targets_frame
from metrics.scores import city_score, city_score_history, department_scores, kpi_score, kpi_scores

HIGHER = "higher_is_better"
LOWER = "lower_is_better"


def test_score_is_value_over_target_when_higher_is_better_and_target_over_value_when_lower():
    assert kpi_score(45.0, 50.0, HIGHER) == pytest.approx(0.9)
    assert kpi_score(40.0, 50.0, LOWER) == pytest.approx(1.25)
    assert kpi_score(50.0, 50.0, LOWER) == 1.0


def test_cases_without_a_score_are_nan_never_infinity():
    assert np.isnan(kpi_score(0.0, 5.0, LOWER))  # lower is better, value 0
    assert np.isnan(kpi_score(5.0, 0.0, HIGHER))  # higher is better, target 0
    assert np.isnan(kpi_score(-1.0, 5.0, HIGHER))
    assert np.isnan(kpi_score(5.0, -1.0, LOWER))
    assert np.isnan(kpi_score(np.nan, 5.0, HIGHER))
    assert np.isnan(kpi_score(5.0, np.nan, LOWER))
    # A value of 0 when higher is better is a real, bad score.
    assert kpi_score(0.0, 5.0, HIGHER) == 0.0


def test_kpi_score_returns_a_float_an_array_or_a_series_as_given():
    assert isinstance(kpi_score(45, 50, HIGHER), float)
    values = pd.Series([45.0, 0.0, 60.0], index=[7, 8, 9])
    directions = np.array([HIGHER, LOWER, LOWER])
    as_series = kpi_score(values, 50.0, directions)
    assert isinstance(as_series, pd.Series)
    assert as_series.index.tolist() == [7, 8, 9]
    # 45 / 50 = 0.9; lower-is-better 0 → NaN; 50 / 60 = 0.8333.
    np.testing.assert_allclose(as_series.to_numpy(), [0.9, np.nan, 50 / 60])
    as_array = kpi_score(values.to_numpy(), np.array([50.0, 50.0, 30.0]), HIGHER)
    assert isinstance(as_array, np.ndarray)
    np.testing.assert_allclose(as_array, [0.9, 0.0, 2.0])
    with pytest.raises(ValueError):
        kpi_score(1.0, 1.0, "sideways")


def city():
    kpis = kpis_frame(
        [
            {"kpi_id": 1, "department": "a", "unit": "count", "target": 10.0, "direction": HIGHER},
            {"kpi_id": 2, "department": "a", "unit": "days", "target": 20.0, "direction": LOWER, "weight": 3.0},
            {"kpi_id": 3, "department": "b", "unit": "count", "direction": HIGHER},
            {"kpi_id": 4, "department": "b", "unit": "percent", "direction": LOWER},
            {"kpi_id": 5, "department": "c", "unit": "count", "direction": HIGHER},
        ]
    )
    targets = targets_frame([(1, "2024-10", 12.0)])
    observations = pd.concat(
        [
            monthly_observations(1, "2024-01", [float(m) for m in range(1, 13)]),
            monthly_observations(2, "2024-07", [10.0, 20.0, 40.0, 0.0]),
            monthly_observations(3, "2023-01", [float(m) for m in range(24)]),
            monthly_observations(4, "2023-12", [float(m) for m in range(13)]),
            monthly_observations(5, "2024-02", [5.0] * 11),
        ],
        ignore_index=True,
    )
    return observations, kpis, targets


def test_window_scores_use_the_kpis_aggregation_and_the_targets_in_force():
    observations, kpis, targets = city()
    scores = kpi_scores(observations, kpis, targets, "2024-12-01").set_index("kpi_id")
    # KPI 1 (count → sum, target 10, 12 from October), values 1..12 in 2024:
    # month 12 / 12 = 1; 3 months (10 + 11 + 12) / (3 × 12) = 33 / 36; 12 months 78 / (9 × 10 + 3 × 12) = 78 / 126.
    assert scores.loc[1, "score_month"] == pytest.approx(1.0)
    assert scores.loc[1, "score_3m"] == pytest.approx(33 / 36)
    assert scores.loc[1, "score_12m"] == pytest.approx(78 / 126)
    assert scores.loc[1, ["value_12m", "target_12m"]].tolist() == [78.0, 126.0]
    # KPI 2 (days → mean, lower is better, target 20), July-October 10, 20, 40, 0:
    # no December value; October-December holds only 0 days → no score; 12 months 20 / 17.5.
    assert np.isnan(scores.loc[2, "score_month"])
    assert np.isnan(scores.loc[2, "score_3m"])
    assert scores.loc[2, "score_12m"] == pytest.approx(20 / 17.5)
    assert scores.loc[1, "target_basis"] == "set"


def test_a_kpi_without_a_target_is_scored_against_mean_minus_or_plus_one_sd_of_its_history():
    observations, kpis, targets = city()
    scores = kpi_scores(observations, kpis, targets, "2024-12-01").set_index("kpi_id")
    # KPI 3 (sum, higher is better), 0..23 over 24 months: mean 11.5, Σ(x - 11.5)² = 1150, sd = √(1150 / 23) = √50;
    # target = 11.5 - 7.0711 = 4.4289 a month: December 23 / 4.4289 = 5.1931; 3 months 66 / (3 × 4.4289);
    # 12 months (12 + ... + 23 = 210) / (12 × 4.4289).
    monthly = 11.5 - np.sqrt(50)
    assert scores.loc[3, "target_month"] == pytest.approx(4.428932, abs=1e-6)
    assert scores.loc[3, "score_month"] == pytest.approx(23 / monthly)
    assert scores.loc[3, "score_3m"] == pytest.approx(66 / (3 * monthly))
    assert scores.loc[3, "score_12m"] == pytest.approx(210 / (12 * monthly))
    # KPI 4 (percent → mean, lower is better), 0..12 over 13 months: mean 6, Σ(x - 6)² = 182, sd = √(182 / 12) = 3.8944;
    # target = 6 + 3.8944 = 9.8944: December 9.8944 / 12; 12 months (1..12, mean 6.5) 9.8944 / 6.5.
    lower_target = 6 + np.sqrt(182 / 12)
    assert scores.loc[4, "score_month"] == pytest.approx(lower_target / 12)
    assert scores.loc[4, "score_12m"] == pytest.approx(lower_target / 6.5)
    assert scores.loc[[3, 4], "target_basis"].tolist() == ["historical", "historical"]
    # KPI 5 has 11 months of history: no score.
    assert scores.loc[5, ["score_month", "score_3m", "score_12m"]].isna().all()
    assert scores.loc[5, "target_basis"] == "none"


def test_the_historical_target_only_looks_at_months_up_to_as_of():
    observations, kpis, targets = city()
    scores = kpi_scores(observations, kpis, targets, "2023-12-01").set_index("kpi_id")
    # KPI 3 in 2023: 0..11, mean 5.5, Σ(x - 5.5)² = 143, sd = √13; December 11 / (5.5 - √13).
    assert scores.loc[3, "score_month"] == pytest.approx(11 / (5.5 - np.sqrt(13)))
    # KPI 4 has one month by then.
    assert scores.loc[4, "target_basis"] == "none"


def test_a_set_target_must_cover_every_reported_month_of_the_window():
    kpis = kpis_frame([{"kpi_id": 1, "unit": "count"}])
    targets = targets_frame([(1, "2024-11", 10.0)])
    observations = monthly_observations(1, "2023-01", [10.0] * 24)
    scores = kpi_scores(observations, kpis, targets, "2024-12-01")
    # Target set from November: December scores 10 / 10; October has no target, so no 3-month score.
    assert scores["target_basis"].tolist() == ["set"]
    assert scores["score_month"].tolist() == [1.0]
    assert scores[["score_3m", "score_12m"]].isna().all(axis=None)


def scored_kpis():
    kpis = kpis_frame(
        [
            {"kpi_id": 1, "department": "a"},
            {"kpi_id": 2, "department": "a", "weight": 3.0},
            {"kpi_id": 3, "department": "b"},
            {"kpi_id": 4, "department": "b"},
            {"kpi_id": 5, "department": "b"},
            {"kpi_id": 6, "department": "c"},
        ]
    )
    scores = pd.DataFrame(
        {
            "kpi_id": [1, 2, 3, 4, 5, 6],
            "score_month": [0.8, 1.2, 3.0, 1.0, np.nan, np.nan],
            "score_3m": [1.0, np.nan, 1.0, 1.0, 1.0, np.nan],
            "score_12m": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
            "target_basis": "set",
        }
    )
    return scores, kpis


def test_a_department_scores_the_weighted_mean_of_its_scored_kpis_and_counts_the_rest():
    scores, kpis = scored_kpis()
    departments = department_scores(scores, kpis)
    month = departments[departments["window"] == "month"].set_index("department")
    # a: (1 × 0.8 + 3 × 1.2) / (1 + 3) = 4.4 / 4 = 1.1; b: (3.0 + 1.0) / 2 = 2.0, KPI 5 unscored; c: none scored.
    assert month.loc["a", "score"] == pytest.approx(1.1)
    assert month.loc["b", "score"] == pytest.approx(2.0)
    assert np.isnan(month.loc["c", "score"])
    assert month["kpis_scored"].tolist() == [2, 2, 0]
    assert month["kpis_unscored"].tolist() == [0, 1, 1]
    assert departments["window"].astype(str).unique().tolist() == ["month", "3m", "12m"]


def test_the_city_scores_the_mean_of_departments_with_a_score():
    scores, kpis = scored_kpis()
    city_scores = city_score(department_scores(scores, kpis))
    # month: (1.1 + 2.0) / 2, department c left out; 3m: a = 1.0 (KPI 2 unscored), b = 1.0.
    assert city_scores["month"] == pytest.approx(1.55)
    assert city_scores["3m"] == pytest.approx(1.0)
    assert city_scores["12m"] == pytest.approx(1.0)


def test_the_cap_bounds_scores_only_when_averaging():
    scores, kpis = scored_kpis()
    capped = department_scores(scores, kpis, cap=1.5)
    month = capped[capped["window"] == "month"].set_index("department")
    # b: (min(3.0, 1.5) + 1.0) / 2 = 1.25; a: 1.2 is under the cap, still 1.1.
    assert month.loc["b", "score"] == pytest.approx(1.25)
    assert month.loc["a", "score"] == pytest.approx(1.1)
    assert city_score(capped)["month"] == pytest.approx((1.1 + 1.25) / 2)
    # KPI scores themselves are never capped.
    assert kpi_score(30.0, 10.0, HIGHER) == 3.0


def test_city_score_history_matches_the_scores_of_each_as_of_month():
    observations, kpis, targets = city()
    history = city_score_history(observations, kpis, targets, pd.date_range("2024-10-01", "2024-12-01", freq="MS"))
    assert history.columns.tolist() == ["period", "department", "window", "score", "kpis_scored", "kpis_unscored"]
    for as_of in ["2024-10-01", "2024-12-01"]:
        departments = department_scores(kpi_scores(observations, kpis, targets, as_of), kpis)
        at = history[history["period"] == pd.Timestamp(as_of)]
        by_department = at.dropna(subset=["department"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(
            by_department.drop(columns="period"), departments, check_dtype=False, check_categorical=False
        )
        city_rows = at[at["department"].isna()].set_index("window")
        np.testing.assert_allclose(city_rows["score"].to_numpy(), city_score(departments).to_numpy())
    december_city = history[(history["period"] == "2024-12-01") & history["department"].isna()].set_index("window")
    # December, month window: a = KPI 1 alone = 1.0 (KPI 2 has no December value);
    # b = (23 / (11.5 - √50) + 9.8944 / 12) / 2; c unscored; city = mean of a and b.
    b = (23 / (11.5 - np.sqrt(50)) + (6 + np.sqrt(182 / 12)) / 12) / 2
    assert december_city.loc["month", "score"] == pytest.approx((1.0 + b) / 2)
    assert december_city.loc["month", ["kpis_scored", "kpis_unscored"]].tolist() == [3, 2]


def test_score_windows_of_a_mean_of_cases_are_weighted_by_its_counts():
    kpis = kpis_frame([{"kpi_id": 1, "unit": "days", "direction": LOWER, "target": 30.0}])
    observations = monthly_observations(1, "2012-12", [100.0, 10.0])
    observations["count"] = [1.0, 9.0]
    scores = kpi_scores(observations, kpis, targets_frame([]), "2013-01")
    assert scores["value_3m"].tolist() == [pytest.approx(19.0)]
    assert scores["score_3m"].tolist() == [pytest.approx(30 / 19)]
    history = city_score_history(observations, kpis, targets_frame([]), [pd.Timestamp("2013-01-01")])
    quarter = history[history["department"].isna() & (history["window"] == "3m")]
    assert quarter["score"].tolist() == [pytest.approx(30 / 19)]


def _complaints_department(complaints: float) -> pd.DataFrame:
    kpis = kpis_frame(
        [
            {"kpi_id": 1, "department": "codes", "unit": "count", "direction": LOWER, "target": 5.0},
            {"kpi_id": 2, "department": "codes", "unit": "percent", "direction": HIGHER, "target": 100.0},
        ]
    )
    observations = pd.concat(
        [monthly_observations(1, "2016-06", [complaints]), monthly_observations(2, "2016-06", [60.0])]
    )
    scores = kpi_scores(observations, kpis, targets_frame([]), "2016-06")
    departments = department_scores(scores, kpis)
    return scores, departments[departments["window"] == "month"]


def test_a_perfect_month_never_lowers_the_department_score():
    one_scores, one = _complaints_department(1.0)
    zero_scores, zero = _complaints_department(0.0)
    assert one_scores["score_month"].tolist() == [5.0, 0.6]
    assert np.isnan(zero_scores["score_month"].tolist()[0]), "the KPI's own score stays blank (Boston's rule)"
    assert zero_scores["counted_month"].tolist() == [5.0, 0.6], "it counts as its smallest non-zero value, 1"
    assert one["score"].tolist() == [pytest.approx(2.8)]
    assert zero["score"].tolist() == [pytest.approx(2.8)]
    assert zero["kpis_scored"].tolist() == [2]


def test_in_the_means_a_lower_is_better_value_never_counts_for_more_than_a_perfect_one():
    kpis = kpis_frame([{"kpi_id": 1, "unit": "days", "direction": LOWER, "target": 2.0}])
    scores = kpi_scores(monthly_observations(1, "2016-06", [0.05]), kpis, targets_frame([]), "2016-06")
    assert scores["score_month"].tolist() == [pytest.approx(40.0)]
    assert scores["counted_month"].tolist() == [pytest.approx(20.0)], "floored at the 0.1 days the page shows"
