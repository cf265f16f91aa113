"""The agenda's order: follow-ups, off target, special cause, worsening, missing, projected; most urgent first in
each group; a KPI once, in its first group (a follow-up about it claims it)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.agenda import agenda_order, shortfall

AS_OF = pd.Timestamp("2016-06-01")


def card(*rows: dict) -> pd.DataFrame:
    """Scorecard rows with quiet defaults: on target, common cause, stable, reported, met."""
    quiet = {"direction": "lower_is_better", "target": 10.0, "value": 9.0, "status": "on_target",
             "variation": "common_cause", "trend": "stable", "change_pct": 0.0, "slope_12": 0.0, "rolling_12": 9.0,
             "reportable": True, "months_behind": 0, "projection_status": "met"}
    return pd.DataFrame([{**quiet, **row} for row in rows])


def followups(*rows: tuple[int, str | None, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["followup_id", "kpi", "due_by"]).astype({"due_by": "datetime64[ns]"})


def test_groups_come_in_the_stat_programs_order() -> None:
    scored = card(
        {"kpi": "late", "months_behind": 2},
        {"kpi": "pace", "projection_status": "not_at_current_pace", "value": 10.5, "status": "near_target"},
        {"kpi": "worse", "trend": "worsening", "slope_12": 0.5},
        {"kpi": "signal", "variation": "special_cause_concern", "change_pct": 12.0},
        {"kpi": "off", "status": "off_target", "value": 14.0},
        {"kpi": "fine"},
    )
    order = agenda_order(scored, followups((7, None, "2016-07-01")), pd.Timestamp("2016-07-20"))
    assert order["kind"].tolist() == ["followup", "off_target", "special_cause", "worsening", "missing", "projected"]
    assert order["kpi"].tolist()[1:] == ["off", "signal", "worse", "late", "pace"]
    assert order["followup_id"].iloc[0] == 7 and order["followup_id"].iloc[1:].isna().all()
    assert order.loc[0, "urgency"] == 19  # days overdue on 20 July


def test_a_kpi_is_listed_once_in_its_first_group_and_a_follow_up_claims_it() -> None:
    scored = card(
        {"kpi": "both", "status": "off_target", "value": 13.0, "variation": "special_cause_concern",
         "trend": "worsening", "projection_status": "not_at_current_pace"},
        {"kpi": "claimed", "status": "off_target", "value": 20.0},
        {"kpi": "signal", "variation": "special_cause_concern", "trend": "worsening", "months_behind": 1},
    )
    order = agenda_order(scored, followups((1, "claimed", "2016-08-01"), (2, "claimed", "2016-07-01")),
                         pd.Timestamp("2016-07-20"))
    assert list(zip(order["kind"], order["kpi"], order["followup_id"].astype(object))) == [
        ("followup", "claimed", 2), ("followup", "claimed", 1), ("off_target", "both", pd.NA),
        ("special_cause", "signal", pd.NA),
    ]


def test_most_urgent_first_within_a_group() -> None:
    scored = card(
        {"kpi": "a bit", "status": "off_target", "value": 11.5},
        {"kpi": "far", "status": "off_target", "value": 30.0},
        {"kpi": "higher is better", "direction": "higher_is_better", "target": 90.0, "value": 45.0,
         "status": "off_target"},
        {"kpi": "never reported", "months_behind": np.nan},
        {"kpi": "a month late", "months_behind": 1},
    )
    due = followups((1, None, "2016-07-19"), (2, None, "2016-06-01"), (3, None, "2016-09-01"))
    order = agenda_order(scored, due, pd.Timestamp("2016-07-20"))
    assert order["followup_id"].tolist()[:3] == [2, 1, 3]
    assert order.loc[order["kind"] == "off_target", "kpi"].tolist() == ["far", "higher is better", "a bit"]
    assert order.loc[order["kind"] == "missing", "kpi"].tolist() == ["never reported", "a month late"]
    assert order.loc[:2, "urgency"].tolist() == [49.0, 1.0, -43.0]


def test_shortfall_is_the_share_of_target_on_the_wrong_side() -> None:
    scored = card(
        {"kpi": "lower", "value": 12.0},
        {"kpi": "higher", "direction": "higher_is_better", "target": 80.0, "value": 60.0},
        {"kpi": "beats", "value": 8.0},
        {"kpi": "zero target", "target": 0.0, "value": 2.0},
    )
    assert shortfall(scored).tolist() == [0.2, 0.25, -0.2, 2.0]


def test_no_follow_ups_and_a_quiet_card_give_an_empty_agenda() -> None:
    order = agenda_order(card({"kpi": "fine"}), followups(), AS_OF)
    assert order.empty and list(order.columns) == ["kind", "kpi", "followup_id", "urgency"]
