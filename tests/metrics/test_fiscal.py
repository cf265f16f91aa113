import numpy as np
import pandas as pd
import pytest

from metrics.fiscal import aggregate, fiscal_labels, fiscal_quarters, fiscal_to_date
from metrics.frames import kpis_frame, monthly_observations, observations_frame, targets_frame

PERIODS = pd.Series(pd.to_datetime(["2012-07-01", "2013-06-01", "2012-10-01", "2013-01-01", "2012-12-01"]))


def test_july_start_july_is_q1_and_june_is_q4_of_the_year_named_by_its_end():
    labels = fiscal_labels(PERIODS, fy_start_month=7)
    assert labels["fiscal_year"].tolist() == [2013, 2013, 2013, 2013, 2013]
    assert labels["fiscal_quarter"].tolist() == [1, 4, 2, 3, 2]
    assert labels["fq_label"].tolist() == ["FY2013 Q1", "FY2013 Q4", "FY2013 Q2", "FY2013 Q3", "FY2013 Q2"]
    assert labels["fy_label"].tolist()[0] == "FY2013"


def test_january_start_is_the_calendar_year():
    labels = fiscal_labels(PERIODS, fy_start_month=1)
    assert labels["fq_label"].tolist() == ["FY2012 Q3", "FY2013 Q2", "FY2012 Q4", "FY2013 Q1", "FY2012 Q4"]


def test_october_start_is_the_us_federal_year():
    labels = fiscal_labels(PERIODS, fy_start_month=10)
    # October 2012 opens FY2013; July 2012 and June 2013 are Q4 and Q3.
    assert labels["fq_label"].tolist() == ["FY2012 Q4", "FY2013 Q3", "FY2013 Q1", "FY2013 Q2", "FY2013 Q1"]


def test_fiscal_labels_keep_a_series_index_and_reject_a_month_13():
    periods = pd.Series(pd.to_datetime(["2024-07-01"]), index=[42])
    assert fiscal_labels(periods).index.tolist() == [42]
    with pytest.raises(ValueError):
        fiscal_labels(periods, fy_start_month=13)


def fytd_city():
    kpis = kpis_frame(
        [
            {"kpi_id": 1, "unit": "count", "target": 10.0},  # sum
            {"kpi_id": 2, "unit": "percent", "target": 80.0, "direction": "higher_is_better"},  # mean
            {"kpi_id": 3, "unit": "days", "target": 30.0, "direction": "lower_is_better", "aggregation": "last"},
            {"kpi_id": 4, "unit": "count", "target": 5.0},
        ]
    )
    targets = targets_frame([(1, "2024-10", 12.0), (2, "2024-10", 90.0), (3, "2024-10", 25.0)])
    observations = pd.concat(
        [
            monthly_observations(1, "2024-05", [99.0, 99.0, 10.0, 11.0, 12.0, 13.0, 50.0]),
            monthly_observations(2, "2024-07", [70.0, 80.0, 85.0, 95.0]),
            monthly_observations(3, "2024-07", [40.0, 35.0, 20.0, 26.0]),
        ],
        ignore_index=True,
    )
    return observations, kpis, targets


def test_fiscal_year_to_date_sums_counts_and_averages_percents_against_targets_changed_mid_year():
    observations, kpis, targets = fytd_city()
    fytd = fiscal_to_date(observations, kpis, targets, "2024-10-01").set_index("kpi_id")
    # KPI 1 (sum): July-October 10 + 11 + 12 + 13 = 46; May, June (FY2024) and November (after as_of)
    # are left out. Target: 10, 10, 10 then 12 from October = 42. 46 >= 42 → on target.
    assert fytd.loc[1, "fytd_value"] == 46.0
    assert fytd.loc[1, "fytd_target"] == 42.0
    assert fytd.loc[1, "fytd_status"] == "on_target"
    # KPI 2 (mean): (70 + 80 + 85 + 95) / 4 = 82.5 against (80 + 80 + 80 + 90) / 4 = 82.5 → on target.
    assert fytd.loc[2, "fytd_value"] == 82.5
    assert fytd.loc[2, "fytd_target"] == 82.5
    # KPI 3 (last, lower is better): October's 26 against October's 25: 1 <= 10 % of 25 → near.
    assert fytd.loc[3, ["fytd_value", "fytd_target", "fytd_status"]].tolist() == [26.0, 25.0, "near_target"]
    # KPI 4 never reported.
    assert fytd.loc[4, "fytd_months"] == 0
    assert fytd.loc[4, "fytd_status"] == "no_data"
    assert fytd["fytd_months"].tolist() == [4, 4, 4, 0]
    assert set(fytd["fy_label"]) == {"FY2025"}


def test_fiscal_year_to_date_before_the_target_change_uses_the_earlier_target():
    observations, kpis, targets = fytd_city()
    fytd = fiscal_to_date(observations, kpis, targets, "2024-09-15").set_index("kpi_id")
    # July-September: 10 + 11 + 12 = 33 against 3 × 10 = 30; percents (70 + 80 + 85) / 3 = 78.33 vs 80 → near.
    assert fytd.loc[1, ["fytd_value", "fytd_target"]].tolist() == [33.0, 30.0]
    assert fytd.loc[2, "fytd_value"] == pytest.approx(235 / 3)
    assert fytd.loc[2, "fytd_status"] == "near_target"


def test_fiscal_year_to_date_with_a_january_start():
    observations, kpis, targets = fytd_city()
    fytd = fiscal_to_date(observations, kpis, targets, "2024-11-01", fy_start_month=1).set_index("kpi_id")
    # FY2024 = calendar 2024, May-November: 99 + 99 + 10 + 11 + 12 + 13 + 50 = 294; target 5 × 10 + 2 × 12 = 74.
    assert fytd.loc[1, ["fytd_value", "fytd_target", "fytd_months"]].tolist() == [294.0, 74.0, 7]
    assert fytd.loc[1, "fy_label"] == "FY2024"


def test_a_sum_target_is_missing_when_a_reported_month_has_no_target():
    kpis = kpis_frame([{"kpi_id": 1}])
    targets = targets_frame([(1, "2024-09", 10.0)])
    observations = monthly_observations(1, "2024-07", [5.0, 6.0, 7.0])
    fytd = fiscal_to_date(observations, kpis, targets, "2024-09-01")
    # A July-September target of just September's 10 would be misleading: no target.
    assert fytd["fytd_value"].tolist() == [18.0]
    assert np.isnan(fytd["fytd_target"].tolist()[0])
    assert fytd["fytd_status"].tolist() == ["no_target"]


def test_aggregate_leaves_out_months_without_a_value():
    kpis = kpis_frame([{"kpi_id": 1, "aggregation": "max"}, {"kpi_id": 2, "aggregation": "min"}])
    frame = observations_frame(
        [(1, "2024-01", 3.0), (1, "2024-02", np.nan), (1, "2024-03", 5.0), (2, "2024-01", 4.0), (2, "2024-02", 2.0)]
    )
    rolled = aggregate(frame, kpis, by=[])
    assert rolled.to_dict("list") == {"kpi_id": [1, 2], "months": [2, 2], "value": [5.0, 2.0]}


def test_fiscal_quarters_roll_up_each_quarter_with_its_targets():
    observations, kpis, targets = fytd_city()
    quarters = fiscal_quarters(observations, kpis, targets)
    kpi_1 = quarters[quarters["kpi_id"] == 1]
    # FY2024 Q4 = May, June: 99 + 99 = 198 vs 20; FY2025 Q1 = July-September: 33 vs 30;
    # FY2025 Q2 so far = October, November: 13 + 50 = 63 vs 12 + 12 = 24.
    assert kpi_1["fq_label"].tolist() == ["FY2024 Q4", "FY2025 Q1", "FY2025 Q2"]
    assert kpi_1["value"].tolist() == [198.0, 33.0, 63.0]
    assert kpi_1["target"].tolist() == [20.0, 30.0, 24.0]
    assert kpi_1["months"].tolist() == [2, 3, 2]
    assert kpi_1["status"].tolist() == ["on_target"] * 3
    kpi_3 = quarters[quarters["kpi_id"] == 3]
    # last, lower is better: Q1 ends on September's 20 vs 30 → on; Q2 October's 26 vs 25 → near.
    assert kpi_3[["value", "target", "status"]].values.tolist() == [[20.0, 30.0, "on_target"], [26.0, 25.0, "near_target"]]
    assert quarters.columns.tolist() == [
        "kpi_id", "fiscal_year", "fiscal_quarter", "fy_label", "fq_label", "value", "target", "status", "months",
    ]


def _time_to_fill(counts: tuple[float, float] | None) -> pd.DataFrame:
    """One position at 100 days in December, nine at 10 days in January (as monthly means with their counts)."""
    observations = observations_frame([(1, "2012-12", 100.0), (1, "2013-01", 10.0)])
    observations["count"] = counts if counts else np.nan
    return observations


def test_a_mean_of_cases_rolls_up_weighted_by_its_counts():
    kpis = kpis_frame([{"kpi_id": 1, "unit": "days", "direction": "lower_is_better", "target": 30.0}])
    ytd = fiscal_to_date(_time_to_fill((1.0, 9.0)), kpis, targets_frame([]), "2013-01", fy_start_month=7)
    assert ytd[["fytd_value", "fytd_target", "fytd_status", "fytd_months"]].values.tolist() == [
        [pytest.approx(19.0), 30.0, "on_target", 2]
    ]


def test_without_counts_a_mean_rolls_up_as_the_plain_mean_of_months():
    kpis = kpis_frame([{"kpi_id": 1, "unit": "days", "direction": "lower_is_better", "target": 30.0}])
    ytd = fiscal_to_date(_time_to_fill(None), kpis, targets_frame([]), "2013-01", fy_start_month=7)
    assert ytd[["fytd_value", "fytd_status"]].values.tolist() == [[55.0, "off_target"]]
    half = _time_to_fill((1.0, 9.0))
    half.loc[0, "count"] = np.nan
    mixed = fiscal_to_date(half, kpis, targets_frame([]), "2013-01", fy_start_month=7)
    assert mixed["fytd_value"].tolist() == [55.0], "a month without a count cannot be weighted"


def test_counts_weight_the_targets_alike_and_quarters_too():
    kpis = kpis_frame([{"kpi_id": 1, "unit": "days", "direction": "lower_is_better", "target": 40.0}])
    targets = targets_frame([(1, "2013-01", 20.0)])
    ytd = fiscal_to_date(_time_to_fill((1.0, 9.0)), kpis, targets, "2013-01", fy_start_month=7)
    assert ytd["fytd_target"].tolist() == [pytest.approx((40 * 1 + 20 * 9) / 10)]
    quarters = fiscal_quarters(_time_to_fill((1.0, 9.0)), kpis, targets_frame([]), fy_start_month=1)
    assert quarters[["fq_label", "value"]].values.tolist() == [["FY2012 Q4", 100.0], ["FY2013 Q1", 10.0]]
    counted = _time_to_fill((1.0, 9.0))
    counted["period"] = pd.to_datetime(["2013-01-01", "2013-02-01"])
    quarter = fiscal_quarters(counted, kpis, targets_frame([]), fy_start_month=1)
    assert quarter["value"].tolist() == [pytest.approx(19.0)]


def test_counts_do_not_change_a_summed_kpi():
    kpis = kpis_frame([{"kpi_id": 1, "unit": "count", "aggregation": "sum", "target": 10.0}])
    ytd = fiscal_to_date(_time_to_fill((1.0, 9.0)), kpis, targets_frame([]), "2013-01", fy_start_month=7)
    assert ytd["fytd_value"].tolist() == [110.0]
