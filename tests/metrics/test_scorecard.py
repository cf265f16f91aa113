import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from metrics.frames import kpis_frame, monthly_observations, targets_frame
from metrics.hiring import time_to_fill_by_month
from metrics.scorecard import STATUS_ORDER, city_summary, department_summary, scorecard
from metrics.spc import xmr_many

SAMPLE = Path(__file__).resolve().parents[2] / "louiestat" / "sample_data"
AS_OF = "2016-06-01"


def sample_city() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The sample city's CSVs as the metrics frames: kpi_id numbers the definitions, a values row with a
    target is a target change from its month on."""
    kpis = pd.read_csv(SAMPLE / "definitions.csv")
    kpis.insert(0, "kpi_id", np.arange(1, len(kpis) + 1))
    values = pd.read_csv(SAMPLE / "values.csv")
    key = pd.MultiIndex.from_frame(values[["department", "kpi"]])
    values["kpi_id"] = kpis.set_index(["department", "kpi"])["kpi_id"].reindex(key).to_numpy()
    values["period"] = pd.to_datetime(values["period"], format="%Y-%m")
    targets = values.loc[values["target"].notna(), ["kpi_id", "period", "target"]]
    return values[["kpi_id", "period", "value", "note"]], kpis, targets.rename(columns={"period": "effective_from"})


def csv_series(department: str, kpi: str) -> dict[str, float]:
    """One KPI's values straight from values.csv, by 'YYYY-MM'."""
    with open(SAMPLE / "values.csv", newline="") as f:
        rows = [r for r in csv.DictReader(f) if (r["department"], r["kpi"]) == (department, kpi)]
    return {r["period"]: float(r["value"]) for r in rows}


def plain_xmr_limits(series: dict[str, float]) -> tuple[float, float, float]:
    """Mean, lower and upper process limit written out plainly: moving ranges of adjacent calendar months
    only, AMR screened once (ranges >= 3.267 x AMR dropped), limits mean -/+ 2.66 x AMR."""
    months = sorted(series)
    mean = sum(series.values()) / len(series)
    ranges = []
    for earlier, later in zip(months, months[1:]):
        (y1, m1), (y2, m2) = (map(int, earlier.split("-")), map(int, later.split("-")))
        if (y2 * 12 + m2) - (y1 * 12 + m1) == 1:
            ranges.append(abs(series[later] - series[earlier]))
    amr = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r < 3.267 * amr]
    amr = sum(kept) / len(kept)
    return mean, mean - 2.66 * amr, mean + 2.66 * amr


@pytest.fixture(scope="module")
def city():
    return sample_city()


@pytest.fixture(scope="module")
def card(city):
    observations, kpis, targets = city
    return scorecard(observations, kpis, targets, AS_OF)


def row(card: pd.DataFrame, department: str, kpi: str) -> pd.Series:
    found = card[(card["department"] == department) & (card["kpi"] == kpi)]
    assert len(found) == 1
    return found.iloc[0]


def test_one_row_per_kpi_of_every_department_ordered_off_target_first(card, city):
    _, kpis, _ = city
    assert sorted(card["kpi_id"]) == sorted(kpis["kpi_id"])
    # status_rank follows the status and never decreases; inside a rank, department then KPI name.
    assert (card["status_rank"] == card["status"].map({s: i for i, s in enumerate(STATUS_ORDER)})).all()
    assert card["status_rank"].is_monotonic_increasing
    for _, group in card.groupby("status_rank"):
        keys = list(zip(group["department"], group["kpi_name"]))
        assert keys == sorted(keys)
    assert card["status"].iloc[0] == "off_target" and card["status"].iloc[-1] == "no_data"


def test_ems_response_time_against_the_target_lowered_in_july_2014(card):
    r = row(card, "ems", "response_time")
    # minutes, lower is better, default target 9, 8.5 from 2014-07, tolerance 10 %, mean aggregation.
    assert r["period"] == pd.Timestamp(AS_OF) and r["reported_as_of"] and r["months_behind"] == 0
    assert r["value"] == 8.66 and r["value_as_of"] == 8.66
    assert r["target"] == 8.5
    assert r["status"] == "near_target"  # |8.66 - 8.5| = 0.16 <= 0.85
    assert r["change"] == pytest.approx(8.66 - 8.68)  # May 2016: 8.68
    assert r["change_pct"] == pytest.approx((8.66 - 8.68) / 8.68 * 100)
    assert r["change_direction"] == "improving"
    assert r["change_yoy"] == pytest.approx(8.66 - 9.15)  # June 2015: 9.15
    assert r["yoy_direction"] == "improving"
    fy2016 = [8.30, 8.84, 8.11, 8.74, 8.66, 8.54, 8.42, 9.08, 8.86, 8.74, 8.68, 8.66]  # July 2015 to June 2016
    assert r["fy_label"] == "FY2016" and r["fytd_months"] == 12
    assert r["fytd_value"] == pytest.approx(sum(fy2016) / 12)  # 8.6358
    assert r["fytd_target"] == 8.5
    assert r["fytd_status"] == "near_target"
    assert r["rolling_3"] == pytest.approx((8.74 + 8.68 + 8.66) / 3)
    assert r["rolling_12"] == pytest.approx(sum(fy2016) / 12)
    assert r["score_month"] == pytest.approx(8.5 / 8.66)
    assert r["score_3m"] == pytest.approx(8.5 / ((8.74 + 8.68 + 8.66) / 3))
    assert r["score_12m"] == pytest.approx(8.5 / (sum(fy2016) / 12))
    assert r["target_basis"] == "set"
    assert r["sparkline"] == pytest.approx(fy2016)


def test_ems_billing_collections_sum_over_the_fiscal_year(card):
    r = row(card, "ems", "billing_collections")
    # dollars (summed), higher is better, target 1,800,000 a month.
    assert r["value"] == 1773299 and r["target"] == 1800000
    assert r["status"] == "near_target"  # 26,701 short, within 180,000
    assert r["change"] == 1773299 - 1789796 and r["change_direction"] == "worsening"
    assert r["change_yoy"] == 1773299 - 1781891 and r["yoy_direction"] == "worsening"
    fy2016 = [
        1730677, 1631440, 1720741, 1664577, 1692527, 1701984, 1715992, 1634088, 1663692, 1650142, 1789796, 1773299
    ]
    assert r["fytd_value"] == sum(fy2016)  # 20,338,955
    assert r["fytd_target"] == 12 * 1800000
    assert r["fytd_status"] == "near_target"  # 1,261,045 short, within 2,160,000
    assert r["score_month"] == pytest.approx(1773299 / 1800000)
    assert r["score_3m"] == pytest.approx((1650142 + 1789796 + 1773299) / (3 * 1800000))
    assert r["score_12m"] == pytest.approx(sum(fy2016) / (12 * 1800000))


def test_codes_permit_days_meets_the_target_tightened_in_july_2014_but_not_over_the_year(card):
    r = row(card, "codes", "permit_days")
    # days, lower is better, default target 10, 8 from 2014-07; June 2016 8.0, May 8.8, June 2015 8.9.
    assert r["value"] == 8.0 and r["target"] == 8.0 and r["status"] == "on_target"
    assert r["change"] == pytest.approx(-0.8) and r["change_yoy"] == pytest.approx(-0.9)
    fy2016 = [9.8, 9.0, 9.0, 8.4, 9.3, 10.2, 8.9, 8.4, 8.9, 8.4, 8.8, 8.0]
    assert r["fytd_value"] == pytest.approx(sum(fy2016) / 12)  # 8.925
    assert r["fytd_status"] == "off_target"  # 0.925 over 8, more than 0.8
    assert r["score_month"] == 1.0
    assert r["score_3m"] == pytest.approx(8 / ((8.4 + 8.8 + 8.0) / 3))
    assert r["score_12m"] == pytest.approx(8 / (sum(fy2016) / 12))


def test_codes_building_permits_are_summed_and_open_cases_take_the_last_month(card):
    permits = row(card, "codes", "building_permits_issued")
    # count (summed), higher is better, target 550; June 2016 739, May 648, June 2015 582.
    assert permits["status"] == "on_target"
    assert permits["change"] == 739 - 648 and permits["change_yoy"] == 739 - 582
    fy2016 = [663, 587, 510, 471, 565, 523, 535, 593, 650, 672, 648, 739]
    assert permits["fytd_value"] == sum(fy2016) == 7156
    assert permits["fytd_target"] == 12 * 550
    assert permits["score_month"] == pytest.approx(739 / 550)
    assert permits["score_3m"] == pytest.approx((672 + 648 + 739) / (3 * 550))
    assert permits["score_12m"] == pytest.approx(7156 / 6600)

    cases = row(card, "codes", "open_cases")
    # a month-end stock (aggregation last), lower is better, target 6,000: every window is June's 6,237.
    assert cases["value"] == 6237 and cases["status"] == "near_target"  # 237 over, within 600
    assert cases["fytd_value"] == 6237 and cases["fytd_target"] == 6000 and cases["fytd_status"] == "near_target"
    assert cases["score_month"] == cases["score_3m"] == cases["score_12m"] == pytest.approx(6000 / 6237)


@pytest.mark.parametrize(
    ("department", "kpi"),
    [
        ("ems", "response_time"),  # a designed shift in 2014-03
        ("codes", "building_permits_issued"),  # an outlier in 2015-03 that screening drops from the AMR
        ("codes", "complaint_response_days"),  # no 2014-10 value: no moving range across the gap
    ],
)
def test_spc_mean_and_limits_match_a_plain_calculation(card, department, kpi):
    mean, lpl, upl = plain_xmr_limits(csv_series(department, kpi))
    r = row(card, department, kpi)
    assert (r["mean"], r["lpl"], r["upl"]) == pytest.approx((mean, lpl, upl))
    assert not r["trial_limits"]


def test_response_time_latest_point_signal(card):
    r = row(card, "ems", "response_time")
    # April to June 2016 (8.74, 8.68, 8.66) all lie below the lower two-sigma line and above the lower limit.
    assert r["special_cause"] and r["rule"] == "two_in_three" and r["side"] == "low"
    assert r["variation"] == "special_cause_improvement"
    # Near or off target since February 2016 (9.08, 8.86, 8.74, 8.68, 8.66; January's 8.42 met 8.5).


def test_targets_before_and_from_july_2014(city):
    observations, kpis, targets = city
    june, july = (scorecard(observations, kpis, targets, month).set_index("kpi_id") for month in ("2014-06", "2014-07"))
    for department, kpi, before, after in [("ems", "response_time", 9.0, 8.5), ("codes", "permit_days", 10.0, 8.0)]:
        kpi_id = kpis.loc[(kpis["department"] == department) & (kpis["kpi"] == kpi), "kpi_id"].item()
        assert (june.loc[kpi_id, "target"], july.loc[kpi_id, "target"]) == (before, after)


def test_a_kpi_without_observations_has_a_no_data_row(card):
    r = row(card, "ems", "time_to_fill")  # time_to_fill comes from hiring records, never from values.csv
    assert r["status"] == "no_data" and r["status_rank"] == 4
    assert pd.isna(r["period"]) and pd.isna(r["months_behind"]) and not r["reported_as_of"]
    assert np.isnan(r["value"]) and r["target"] == 60.0
    assert not r["special_cause"] and r["fytd_months"] == 0
    assert np.isnan(r["sparkline"]).all() and len(r["sparkline"]) == 12


def test_library_without_june_rows_shows_may_and_is_overdue(card, city):
    _, kpis, _ = city
    r = row(card, "library", "computer_sessions")
    assert r["period"] == pd.Timestamp("2016-05-01") and r["months_behind"] == 1
    assert not r["reported_as_of"] and np.isnan(r["value_as_of"])

    summary = department_summary(card, kpis).set_index("department")
    assert summary["overdue"].to_dict() == {d: d == "library" for d in summary.index}
    assert summary.loc["library", "last_period"] == pd.Timestamp("2016-05-01")
    assert summary.loc["ems", "last_period"] == pd.Timestamp(AS_OF)
    ems = card[card["department"] == "ems"]
    assert summary.loc["ems", "kpis"] == 10
    assert summary.loc["ems", ["on_target", "near_target", "off_target", "no_target", "no_data"]].tolist() == [
        (ems["status"] == s).sum() for s in ("on_target", "near_target", "off_target", "no_target", "no_data")
    ]
    # Weight 2 for response time; time_to_fill has no score and takes no part.
    weights = ems["weight"].where(ems["score_month"].notna())
    assert summary.loc["ems", "score_month"] == pytest.approx((ems["score_month"] * weights).sum() / weights.sum())

    city_row = city_summary(card, kpis)
    assert city_row["departments"] == 8 and city_row["departments_overdue"] == 1 and city_row["kpis"] == 80
    assert city_row["score_12m"] == pytest.approx(summary["score_12m"].mean())


def test_scorecard_ignores_later_months_and_accepts_precomputed_spc_points():
    kpis = kpis_frame([{"kpi_id": 1, "target": 10.0}, {"kpi_id": 2, "direction": "lower_is_better", "target": 5.0}])
    observations = pd.concat(
        [
            monthly_observations(1, "2024-01", [8.0, 9.0, 10.0, 11.0, 50.0]),
            monthly_observations(2, "2024-01", [6.0] * 5),
        ],
        ignore_index=True,
    )
    targets = targets_frame([(2, "2024-05", 7.0)])
    card = scorecard(observations, kpis, targets, "2024-04-15").set_index("kpi_id")
    # April is the as-of month: May's 50 and KPI 2's May target are not seen.
    assert card.loc[1, "value"] == 11.0 and card.loc[1, "mean"] == pytest.approx(9.5)
    assert card.loc[2, ["value", "target", "status"]].tolist() == [6.0, 5.0, "off_target"]
    assert card.loc[1, "as_of"] == pd.Timestamp("2024-04-01")
    assert card["trial_limits"].all()

    rebased = xmr_many(observations[observations["period"] <= "2024-04-01"], rebase={1: [2]})
    with_points = scorecard(observations, kpis, targets, "2024-04-01", spc_points=rebased).set_index("kpi_id")
    # A rebase at the third point: the latest segment is 10, 11.
    assert with_points.loc[1, "mean"] == pytest.approx(10.5)


def test_june_2016_mix_with_time_to_fill_from_hiring_matches_the_sample_readme(city):
    observations, kpis, targets = city
    hiring = pd.read_csv(SAMPLE / "hiring.csv", parse_dates=["posted_date", "filled_date"])
    filled = time_to_fill_by_month(hiring)
    time_to_fill_ids = kpis[kpis["kpi"] == "time_to_fill"].set_index("department")["kpi_id"]
    time_to_fill = pd.DataFrame(
        {
            "kpi_id": time_to_fill_ids.reindex(filled["department"]).to_numpy(),
            "period": filled["period"],
            "value": filled["mean_days"],
            "note": None,
        }
    )
    card = scorecard(pd.concat([observations, time_to_fill], ignore_index=True), kpis, targets, AS_OF)
    # sample_data/README.md: of the 70 KPIs reported for June 2016 with a target, 36 on, 17 near, 17 off.
    reported = card[card["reported_as_of"]]
    assert reported["status"].value_counts().to_dict() == {
        "on_target": 36, "near_target": 17, "off_target": 17, "no_target": 1
    }
    # The library's June time to fill comes from hiring records, not from the library: still overdue.
    assert row(card, "library", "time_to_fill")["reported_as_of"]
    summary = department_summary(card, kpis).set_index("department")
    assert summary["overdue"].to_dict() == {d: d == "library" for d in summary.index}
    assert summary.loc["library", "last_period"] == pd.Timestamp("2016-05-01")


def test_a_city_without_observations_has_a_no_data_row_per_kpi_and_every_department_overdue():
    kpis = kpis_frame([{"kpi_id": 1, "department": "a"}, {"kpi_id": 2, "department": "b", "target": 3.0}])
    no_values = monthly_observations(1, "2024-01", [])
    card = scorecard(no_values, kpis, targets_frame([]), "2024-06")
    assert card["status"].tolist() == ["no_data", "no_data"]
    assert department_summary(card, kpis)["overdue"].tolist() == [True, True]
    assert city_summary(card, kpis)[["departments_overdue", "no_data"]].tolist() == [2, 2]
