"""Redefining a KPI with stored values: a range that stored values or targets fall outside is refused, and a
new direction, unit or aggregation is shown with the months it rescores and committed only when confirmed."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from louiestat.ingest import UploadResult, ingest
from louiestat.reading import queries
from tests.conftest import snapshot

HEADER = "department,department_name,kpi,kpi_name,unit,direction,target"
# Lower is better against 9, then 10 from April, with 10 % tolerance: on, on, near, on, off, on. Higher is better:
# off, on, on, on, on, off, so 4 of the 6 months change status; both fiscal quarters change too (FY2013 Q3: mean
# 8.83 against 9, on then near; Q4: 9.67 against 10, on then near).
VALUES = (
    "department,kpi,period,value,target\n"
    "ems,response_time,2013-01,8,\n"
    "ems,response_time,2013-02,9,\n"
    "ems,response_time,2013-03,9.5,\n"
    "ems,response_time,2013-04,10,10\n"
    "ems,response_time,2013-05,12,\n"
    "ems,response_time,2013-06,7,\n"
)
RESPONSE_TIME = "ems,Emergency Medical Services,response_time,Response time,minutes"


@pytest.fixture
def history(city: Engine) -> Engine:
    """The inline city with six months of response times, the target raised to 10 from April."""
    result = ingest(city, VALUES.encode(), name="values.csv")
    assert result.status == "committed", result.message
    return city


def upload(engine: Engine, data: str, **options) -> UploadResult:
    return ingest(engine, data.encode(), name="definitions.csv", **options)


def refused(engine: Engine, data: str, **options) -> UploadResult:
    before = snapshot(engine)
    result = upload(engine, data, **options)
    assert result.status == "rejected", result.message
    assert snapshot(engine) == before
    return result


def response_time(engine: Engine) -> dict:
    kpis = queries.kpis(engine)
    return kpis[kpis["kpi"] == "response_time"].iloc[0].to_dict()


def test_a_max_value_below_stored_values_is_refused_with_how_many_and_the_first(history: Engine) -> None:
    result = refused(history, f"{HEADER},max_value\n{RESPONSE_TIME},lower_is_better,7,7.5\n")

    assert [(e.line, e.column, e.value) for e in result.errors] == [(2, "max_value", "7.5")]
    assert result.errors[0].message == (
        "max_value 7.5 is below 5 stored values and 1 stored target of this KPI (first: ems, response_time, "
        "2013-01: 8; ems, response_time, 2013-02: 9; ems, response_time, 2013-03: 9.5; ems, response_time, "
        "2013-04: 10; ems, response_time, target from 2013-04: 10, …); give a max_value of 12 or more, or "
        "correct those values first"
    )
    assert (result.rejected, result.error_count) == (1, 1)


def test_a_min_value_above_stored_values_is_refused_naming_them_all(history: Engine) -> None:
    result = refused(history, f"{HEADER},min_value\n{RESPONSE_TIME},lower_is_better,9,8.5\n")

    assert [(e.line, e.column, e.value) for e in result.errors] == [(2, "min_value", "8.5")]
    assert result.errors[0].message == (
        "min_value 8.5 is above 2 stored values of this KPI (ems, response_time, 2013-01: 8; ems, response_time, "
        "2013-06: 7); give a min_value of 7 or less, or correct those values first"
    )


def test_a_unit_that_is_never_negative_is_refused_for_a_kpi_with_negative_values(city: Engine) -> None:
    assert upload(city, f"{HEADER}\nems,Emergency Medical Services,net_units,Net units added,rate,higher_is_better,\n"
                  ).status == "committed"
    assert ingest(city, b"department,kpi,period,value\nems,net_units,2013-01,-3\nems,net_units,2013-02,2\n",
                  name="v.csv").status == "committed"

    result = refused(
        city, f"{HEADER}\nems,Emergency Medical Services,net_units,Net units added,count,higher_is_better,\n",
        confirm_rescore=True,
    )
    assert [(e.line, e.column, e.value) for e in result.errors] == [(2, "unit", "count")]
    assert result.errors[0].message == (
        "a KPI in count is never negative, but 1 stored value of this KPI is (ems, net_units, 2013-01: -3); keep "
        "the unit rate, or correct those values first"
    )


def test_widening_the_range_needs_no_check(history: Engine) -> None:
    result = upload(history, f"{HEADER},min_value,max_value\n{RESPONSE_TIME},lower_is_better,9,0,60\n")

    assert (result.status, result.changed, result.errors) == ("committed", 1, [])
    assert (response_time(history)["min_value"], response_time(history)["max_value"]) == (0.0, 60.0)


def test_a_direction_change_is_refused_without_confirmation_and_says_what_it_rescores(history: Engine) -> None:
    result = refused(history, f"{HEADER}\n{RESPONSE_TIME},higher_is_better,9\n")

    assert [(e.line, e.column) for e in result.errors] == [(2, "direction")]
    assert result.errors[0].message == (
        "this KPI has stored values and its direction changes, which rescores 6 months of history: 4 months change "
        "status, as do 2 of 2 fiscal quarters; confirm the rescore to commit it (--confirm-rescore on the command "
        "line, the 'Rescore the stored history' checkbox on the Upload page), or keep its stored definition"
    )
    assert [r.model_dump() for r in result.rescores] == [
        {"department": "ems", "kpi": "response_time", "line": 2, "changed": ["direction"], "months": 6,
         "months_changing_status": 4, "quarters": 2, "quarters_changing_status": 2}
    ]
    assert response_time(history)["direction"] == "lower_is_better"


def test_the_dry_run_shows_the_rescore_and_a_confirmed_commit_applies_it(history: Engine) -> None:
    data = f"{HEADER}\n{RESPONSE_TIME},higher_is_better,9\n"
    before = snapshot(history)
    dry = upload(history, data, dry_run=True)
    assert snapshot(history) == before
    assert (dry.status, dry.errors) == ("dry_run", [])
    assert [str(r) for r in dry.rescores] == [
        (
            "KPI 'response_time' of department 'ems' (line 2): direction changes, which rescores 6 months of "
            "history: 4 months change status, as do 2 of 2 fiscal quarters"
        )
    ]
    assert dry.message.endswith("It rescores the stored history of 1 KPI: a commit needs that confirmed.")

    result = upload(history, data, confirm_rescore=True)
    assert (result.status, result.changed) == ("committed", 1)
    assert response_time(history)["direction"] == "higher_is_better"


def test_a_new_aggregation_rescores_quarters_not_months(history: Engine) -> None:
    # The last month of Q3 is near target (9.5 against 9) where its mean is on; Q4's last month is on, as its mean.
    result = upload(history, f"{HEADER},aggregation\n{RESPONSE_TIME},lower_is_better,9,last\n", dry_run=True)

    assert [(r.changed, r.months, r.months_changing_status, r.quarters, r.quarters_changing_status)
            for r in result.rescores] == [(["aggregation"], 6, 0, 2, 1)]


def test_spelling_out_the_default_aggregation_rescores_nothing(history: Engine) -> None:
    result = upload(history, f"{HEADER},aggregation\n{RESPONSE_TIME},lower_is_better,9,mean\n")

    assert (result.status, result.changed, result.rescores) == ("committed", 1, [])


def test_a_kpi_without_stored_values_changes_direction_without_confirmation(history: Engine) -> None:
    result = upload(
        history, f"{HEADER}\nhr,Human Resources,sick_leave_hours,Sick-leave hours per FTE,hours,higher_is_better,8\n"
    )

    assert (result.status, result.changed, result.rescores) == ("committed", 1, [])
