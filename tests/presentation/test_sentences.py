import numpy as np
import pandas as pd

from louiestat.presentation.sentences import describe_signals, explain
from louiestat.reading.views import City, city_scorecard, scorecard_table
from metrics.frames import kpis_frame, monthly_observations, targets_frame
from metrics.spc import xmr, xmr_many
from metrics.status import status_frame
from tests.metrics.test_scorecard import AS_OF, sample_city

SHIFT_7 = [1.0, 3, 1, 3, 1, 3, 1, -1, -3, -1, -3, -1, -3, -1]  # mean 0: 7 points above it, then 7 below


def months(n: int, start: str) -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="MS")


def card_row(**changes) -> dict:
    """A scorecard row on target with common-cause variation in June 2016; ``changes`` override it."""
    row = {
        "kpi_id": 1, "direction": "higher_is_better", "unit": "percent", "as_of": pd.Timestamp("2016-06-01"),
        "period": pd.Timestamp("2016-06-01"), "value": 92.0, "target": 90.0, "status": "on_target",
        "assurance": "hit_and_miss", "target_basis": "set", "special_cause": False, "rule": None, "side": None,
        "variation": "common_cause", "trial_limits": False, "trend": "stable", "trend_basis": "none",
    }
    return row | changes


def sentences(*rows: dict) -> list[str]:
    card = pd.DataFrame([row | {"kpi_id": i} for i, row in enumerate(rows, start=1)])
    return explain(card)["explanation"].tolist()


def test_sentences_from_the_card_alone():
    assert sentences(
        card_row(),
        card_row(assurance="consistently_passing"),
        card_row(status="off_target", value=74.0, target=60.0, unit="days", direction="lower_is_better"),
        card_row(status="near_target", value=88.0, assurance="consistently_failing"),
        card_row(status="no_target", target=np.nan, trend="improving", trend_basis="slope"),
        card_row(status="no_target", target=np.nan, target_basis="historical"),
        card_row(trial_limits=True),
        card_row(period=pd.Timestamp("2016-05-01")),
        card_row(period=pd.NaT, value=np.nan, status="no_data", variation=None),
    ) == [
        "On target; within normal variation",
        "Better than target and consistently passing it; within normal variation",
        "Worse than target (74 days against a target of 60 days); within normal variation",
        "Just short of target (88.0% against a target of 90.0%) and consistently failing it; within normal variation",
        "No target set; trend improving over the last 12 months",
        "No target set (scored against its own history); within normal variation",
        "On target; too few months for reliable limits — treat signals as provisional",
        "No data for June 2016 yet; May 2016: on target; within normal variation",
        "No data for June 2016 yet",
    ]


def test_signals_named_from_the_card_alone_judged_by_the_direction():
    assert sentences(
        card_row(special_cause=True, rule="outside_limits", side="high", variation="special_cause_improvement"),
        card_row(special_cause=True, rule="shift", side="high", direction="lower_is_better", status="off_target",
                 variation="special_cause_concern"),
        card_row(special_cause=True, rule="trend", side="low", trial_limits=True, variation="special_cause_concern"),
    ) == [
        "On target; June 2016 was outside the process limits (unusually high)"
        " — a real change for the better, not noise",
        "Worse than target (92.0% against a target of 90.0%); a run of months above the average"
        " — a real change for the worse, not noise",
        "On target; a run of falling months — a real change for the worse, not noise;"
        " too few months for reliable limits — treat signals as provisional",
    ]


def shifted_history(n: int | None = None) -> pd.DataFrame:
    """XmR points with each month's status, minutes, lower is better, target 10: 14 months alternating 10 and 8
    from January 2012 (on target), then 7 months from March 2013 alternating 10.5 (near) and 11.5 (off), ending on
    11.5 in September 2013; ``n`` keeps the first n months. Mean 203.5 / 21 = 9.69; AMR (13 x 2 + 2.5 + 5 x 1 + 0)
    / 20 = 1.675, upper two-sigma 12.66: only the shift rule fires, on the last 7 points."""
    kpis = kpis_frame([{"kpi_id": 1, "unit": "minutes", "direction": "lower_is_better", "target": 10.0}])
    values = ([10.0, 8.0] * 7 + [10.5, 11.5, 10.5, 11.5, 10.5, 11.5, 11.5])[:n]
    points = xmr_many(monthly_observations(1, "2012-01", values), improvement="decrease")
    return status_frame(points, kpis, targets_frame([]))


def minutes_row(**changes) -> dict:
    return card_row(unit="minutes", direction="lower_is_better", target=10.0, **changes)


def test_history_counts_months_off_target_and_dates_the_shift():
    history = shifted_history()
    assert history["rule"].tolist() == [None] * 14 + ["shift"] * 7
    september = pd.Timestamp("2013-09-01")
    card = pd.DataFrame([minutes_row(
        as_of=september, period=september, value=11.5, status="off_target", special_cause=True, rule="shift",
        side="high", variation="special_cause_concern",
    )])
    assert explain(card, history)["explanation"].tolist() == [
        "Worse than target for 7 months (11.5 min against a target of 10 min); 7 months in a row above the average"
        " since March 2013 — a real change for the worse, not noise"
    ]
    # Without the history the same signal is named without counting.
    assert explain(card)["explanation"].tolist() == [
        "Worse than target (11.5 min against a target of 10 min); a run of months above the average"
        " — a real change for the worse, not noise"
    ]


def test_a_month_within_the_limits_after_a_run_says_so_and_when_the_run_ended():
    kpis = kpis_frame([{"kpi_id": 1, "unit": "minutes", "direction": "lower_is_better", "target": 10.0}])
    # shifted_history's 21 months, then October 2013 at 9.0: below the new mean 212.5 / 22 = 9.66, within limits.
    values = [10.0, 8.0] * 7 + [10.5, 11.5, 10.5, 11.5, 10.5, 11.5, 11.5, 9.0]
    points = xmr_many(monthly_observations(1, "2012-01", values), improvement="decrease")
    assert points["rule"].tolist() == [None] * 14 + ["shift"] * 7 + [None]
    october = pd.Timestamp("2013-10-01")
    card = pd.DataFrame([minutes_row(as_of=october, period=october, value=9.0)])
    said = explain(card, status_frame(points, kpis, targets_frame([]))).iloc[0]
    assert said["explanation"] == (
        "On target; within normal variation this month; a 7-month run above the average ended in September 2013")
    assert said["chart_says"] == (
        "Within normal variation this month; a 7-month run above the average ended in September 2013")
    # Without the history there is nothing to tell about the run.
    assert explain(card).iloc[0].tolist() == ["On target; within normal variation", "Within normal variation"]


def test_the_sample_citys_hospital_offload_time_is_within_the_limits_after_an_11_month_run():
    card = city_sentences(*sample_city(), AS_OF).set_index(["department", "kpi"])
    offload = card.loc[("ems", "hospital_offload_minutes")]
    assert offload["variation"] == "common_cause"  # the code stays; the words say more
    assert offload["explanation"] == (
        "Worse than target for 48 months (27.2 min against a target of 20 min); within normal variation this month; "
        "an 11-month run above the average ended in April 2016"
    )
    assert offload["chart_says"] == (
        "Within normal variation this month; an 11-month run above the average ended in April 2016")
    assert card.loc[("codes", "property_inspections"), "chart_says"].endswith(
        "an 18-month run below the average ended in May 2016")


def test_history_counts_the_points_behind_trial_limits_and_must_reach_the_cards_month():
    history = shifted_history(8)
    august = pd.Timestamp("2012-08-01")
    card = pd.DataFrame([minutes_row(as_of=august, period=august, value=8.0, trial_limits=True)])
    assert explain(card, history)["explanation"].tolist() == [
        "On target; too few months (8) for reliable limits — treat signals as provisional"
    ]
    # A history ending before the card's month says nothing about it.
    assert explain(card, history.head(7))["explanation"].tolist() == [
        "On target; too few months for reliable limits — treat signals as provisional"
    ]


def test_describe_signals_tells_each_shift_with_its_months_and_judgement():
    points = xmr(SHIFT_7, months(14, "2013-01"), improvement="decrease")
    assert describe_signals(points, "decrease") == [
        "7 months in a row above the average, January to July 2013 — a real change for the worse, not noise",
        "7 months in a row below the average since August 2013 — a real change for the better, not noise",
    ]


def test_describe_signals_tells_a_trend_from_the_point_it_starts_from():
    ended = xmr([5.0, 1, 2, 3, 4, 5, 6, 7, 2], months(9, "2015-01"))
    assert describe_signals(ended, "increase") == [
        "7 months in a row rising, February to August 2015 — a real change for the better, not noise"
    ]
    # mean 7.3, AMR 33 / 9 = 3.67: nothing beyond two sigma; 11 down to 5 is 7 falling points, still going.
    ongoing = xmr([2.0, 12, 3, 11, 10, 9, 8, 7, 6, 5], months(10, "2015-01"))
    assert describe_signals(ongoing, "increase") == [
        "7 months in a row falling since April 2015 — a real change for the worse, not noise"
    ]


def test_describe_signals_tells_points_outside_the_limits_in_each_segment():
    points = xmr([1.0, 3, 1, 3, 100, 50, 52, 50, 52, 0], months(10, "2014-02"), baseline=4, rebase=[5])
    assert describe_signals(points, "neutral") == [
        "June 2014 was outside the process limits (unusually high) — a real change, not noise",
        "November 2014 was outside the process limits (unusually low) — a real change, not noise",
    ]


def test_describe_signals_tells_two_in_three_near_a_limit():
    points = xmr([10.0, 12, 10, 12, 15, 11.5, 15], months(7, "2020-01"), baseline=4)
    assert describe_signals(points, "increase") == [
        "2 of 3 months near the upper limit in May to July 2020 — a real change for the better, not noise"
    ]
    assert describe_signals(xmr([10.0, 12, 11, 13, 12], months(5, "2020-01")), "increase") == []


def city_sentences(observations: pd.DataFrame, kpis: pd.DataFrame, targets: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """The scorecard the pages show, with its sentences, from metrics frames (no process changes)."""
    changes = pd.DataFrame({"kpi_id": pd.Series(dtype="int64"), "period": pd.Series(dtype="datetime64[ns]"),
                            "reason": pd.Series(dtype=object)})
    return city_scorecard(City(kpis, observations, targets, changes), pd.Timestamp(as_of), 7)


def test_sample_city_sentences_count_months_short_and_date_the_signal():
    card = city_sentences(*sample_city(), AS_OF).set_index(["department", "kpi"])["explanation"]
    response_time = card[("ems", "response_time")]
    assert response_time.startswith("Just short of target for 5 months (8.7 min against a target of 8.5 min)")
    assert response_time.endswith(
        "3 months in a row near the lower limit in April to June 2016 — a real change for the better, not noise"
    )
    assert card[("ems", "time_to_fill")] == "No data for June 2016 yet"
    assert card[("library", "computer_sessions")].startswith("No data for June 2016 yet; May 2016: ")


def test_sentences_of_a_short_series_and_of_a_city_without_values():
    kpis = kpis_frame([{"kpi_id": 1, "target": 10.0}, {"kpi_id": 2, "direction": "lower_is_better", "target": 5.0}])
    observations = monthly_observations(1, "2024-01", [8.0, 9.0, 10.0, 11.0, 50.0])
    card = city_sentences(observations, kpis, targets_frame([]), "2024-04-01").set_index("kpi_id")
    assert card.loc[1, "explanation"] == "On target; too few months (4) for reliable limits — treat signals as provisional"
    assert card.loc[2, "explanation"] == "No data for April 2024 yet"


def test_finite_extremes_never_print_inf_or_hundreds_of_digits():
    kpis = kpis_frame([{"kpi_id": 1, "unit": "percent", "target": 90.0},
                       {"kpi_id": 2, "unit": "dollars", "direction": "lower_is_better", "target": 5.0}])
    observations = pd.concat([
        monthly_observations(1, "2023-01", [-1e308, 1e308] * 9),
        monthly_observations(2, "2023-01", [1.7976931348623157e308] * 18),
    ], ignore_index=True)
    card = city_sentences(observations, kpis, targets_frame([]), "2024-06")
    table = scorecard_table(card)
    texts = [*card["explanation"], *table.drop(columns=["Last 12 months"]).astype(str).to_numpy().ravel()]
    assert not [t for t in texts if "inf" in t or "nan" in t]
    assert max(len(t) for t in texts) < 200
    sentences = card.set_index("kpi_id")["explanation"]
    assert sentences[1].startswith("On target")
    assert sentences[2].startswith("Worse than target for 18 months ($1.8e+308 against a target of $5)")
