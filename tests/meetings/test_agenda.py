"""The agenda proposed from the sample city: its follow-ups, off-target, special-cause, worsening, missing and
projected items in the stat programs' order, each with the scorecard's own sentence as its reason."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine

from louiestat import meetings
from louiestat.errors import MeetingRefused, UnknownDepartment
from louiestat.reading import views
from tests.meetings.conftest import ADMIN

JULY_MEETING = dt.date(2016, 7, 20)


def explanations(engine: Engine, department: str, as_of: str) -> dict[str, str]:
    """The scorecard's sentence per KPI key, as the scorecard page shows it."""
    card = views.city_scorecard(views.City.load(engine), pd.Timestamp(f"{as_of}-01"), 7)
    card = card[card["department"] == department]
    return dict(zip(card["kpi"], card["explanation"]))


def test_off_target_comes_first_and_a_special_cause_that_is_also_off_target_once(sample_city: Engine) -> None:
    briefing = meetings.propose(sample_city, "hr", "2016-06", today=JULY_MEETING)
    assert [(i.kind, i.kpi) for i in briefing.items] == [
        ("off_target", "turnover_rate"), ("worsening", "injury_hours_lost"), ("worsening", "training_hours"),
        ("projected", "onboarding_days"),
    ]
    turnover = briefing.items[0]
    assert turnover.reason == explanations(sample_city, "hr", "2016-06")["turnover_rate"] == (
        "Worse than target for 48 months (1.3% against a target of 1.0%); 7 months in a row above the average since "
        "December 2015 — a real change for the worse, not noise"
    )
    assert turnover.question == (
        "What is keeping Monthly turnover from its target of 1.0%, and what will be different by the next meeting?")
    assert (briefing.title, briefing.department_name, briefing.followups) == (
        "Human Resources stat · June 2016", "Human Resources", [])
    assert [i.minutes for i in briefing.items] == [10, 8, 8, 6]


def test_a_special_cause_concern_follows_off_target_and_precedes_worsening(sample_city: Engine) -> None:
    briefing = meetings.propose(sample_city, "library", "2016-04", today=dt.date(2016, 5, 20))
    assert [(i.kind, i.kpi) for i in briefing.items] == [
        ("off_target", "time_to_fill"), ("off_target", "computer_sessions"), ("special_cause", "visits"),
        ("worsening", "new_library_cards"), ("worsening", "program_attendance"),
    ]
    # Time to fill is 54% over its target of 60 days, computer sessions 12% under theirs: furthest first.
    visits = briefing.items[2]
    assert visits.reason == explanations(sample_city, "library", "2016-04")["visits"] == (
        "No target set (scored against its own history); 7 months in a row below the average since October 2015 — "
        "a real change for the worse, not noise"
    )
    assert visits.question == "What changed in Library visits up to April 2016, and is it lasting?"


def test_overdue_follow_ups_come_first_and_claim_their_kpis(sample_meetings: Engine) -> None:
    briefing = meetings.propose(sample_meetings, "public_works", "2016-06", today=JULY_MEETING)
    assert [(i.kind, i.kpi) for i in briefing.items] == [
        ("followup", "fleet_availability_pct"), ("followup", "overtime_hours"),
        ("followup", "recycling_diversion_pct"), ("off_target", "time_to_fill"), ("off_target", "missed_collections"),
    ]
    assert [i.title for i in briefing.items[:3]] == [
        "Plan to cut parts waiting time for the packer trucks", "Fill the six collection-crew vacancies",
        "Cart-tagging pilot on the new recycling routes"]
    assert [i.reason for i in briefing.items[:3]] == [
        "Open follow-up from the meeting of 15 June 2016, owned by Fleet Manager: due 8 July 2016, 12 days overdue",
        ("Open follow-up from the meeting of 15 June 2016, owned by Public Works Director: due 1 August 2016, "
        "due in 12 days"),
        ("Open follow-up from the meeting of 15 June 2016, owned by Solid Waste Superintendent: due 31 August 2016, "
        "due in 42 days"),
    ]
    reasons = explanations(sample_meetings, "public_works", "2016-06")
    assert briefing.items[3].reason == reasons["time_to_fill"] == (
        "Worse than target for 2 months (92.2 days against a target of 60 days) and consistently failing it; "
        "33 months in a row below the average since October 2013 — a real change for the better, not noise")
    assert briefing.items[4].reason == reasons["missed_collections"]
    # The done follow-up (the trucks moved off the missed-collection routes) is not carried.
    assert [f.what for f in briefing.followups] == [i.title for i in briefing.items[:3]]


def test_a_proposal_carries_only_the_follow_ups_raised_by_its_day_or_outside_any_meeting(
    sample_meetings: Engine,
) -> None:
    outside = meetings.add_followup(sample_meetings, ADMIN, "public_works", what="Check the route maps",
                                    owner="Analyst", due=dt.date(2016, 7, 1))
    before = meetings.propose(sample_meetings, "public_works", "2016-05", today=dt.date(2016, 6, 14))
    on_the_day = meetings.propose(sample_meetings, "public_works", "2016-05", today=dt.date(2016, 6, 15))
    assert [f.id for f in before.followups] == [outside]
    assert [i.followup_id for i in before.items if i.kind == "followup"] == [outside]
    assert [(f.raised_on, f.what) for f in on_the_day.followups] == [
        (None, "Check the route maps"), (dt.date(2016, 6, 15), "Plan to cut parts waiting time for the packer trucks"),
        (dt.date(2016, 6, 15), "Fill the six collection-crew vacancies"),
        (dt.date(2016, 6, 15), "Cart-tagging pilot on the new recycling routes"),
    ]

def test_missing_data_is_listed_for_a_department_that_has_not_reported(sample_meetings: Engine) -> None:
    briefing = meetings.propose(sample_meetings, "library", "2016-06", today=JULY_MEETING)
    kinds = [i.kind for i in briefing.items]
    assert kinds == ["followup", "followup", "off_target", "worsening"] + ["missing"] * 7
    assert [i.followup_id for i in briefing.items[:2]] == [17, 18]
    missing = briefing.items[4]
    assert (missing.kpi, missing.reason) == (
        "program_attendance", ("No data for June 2016 yet; May 2016: just short of target for 7 months (19,142 against "
        "a target of 20,000); within normal variation this month; a 7-month run above the average ended in October "
        "2015"))
    assert missing.question == (
        "When will June 2016 data for Program attendance be reported, and what is holding it up?")


def test_unknown_department_or_month_is_refused_naming_what_is_accepted(sample_city: Engine) -> None:
    with pytest.raises(UnknownDepartment, match="no department 'zoo'; known: animal_services, codes, ems, fire, hr, "):
        meetings.propose(sample_city, "zoo", "2016-06")
    with pytest.raises(MeetingRefused, match="'June 2016' is not a month; give it as YYYY-MM, e.g. 2016-06"):
        meetings.propose(sample_city, "hr", "June 2016")


def test_the_agendas_reason_tells_a_month_within_the_limits_after_a_run_as_the_scorecard_does(
    sample_city: Engine,
) -> None:
    briefing = meetings.propose(sample_city, "ems", "2016-06", today=JULY_MEETING)
    offload = next(item for item in briefing.items if item.kpi == "hospital_offload_minutes")
    assert offload.reason == explanations(sample_city, "ems", "2016-06")["hospital_offload_minutes"]
    assert offload.reason.endswith(
        "; within normal variation this month; an 11-month run above the average ended in April 2016")
