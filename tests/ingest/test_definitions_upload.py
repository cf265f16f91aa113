"""Uploading definitions: departments and KPIs are created, then updated in place with the old versions kept."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine

from louiestat.db.models import kpi_history
from louiestat.exports.upload_format import export_csv
from louiestat.ingest import UploadResult, ingest
from louiestat.reading import queries
from tests.conftest import DEFINITIONS, snapshot

HEADER = "department,department_name,kpi,kpi_name,unit,direction,target"
FIELDS = [
    "department",
    "department_name",
    "kpi_name",
    "unit",
    "direction",
    "target",
    "tolerance_pct",
    "min_value",
    "max_value",
    "enterprise",
    "weight",
    "aggregation",
    "description",
]


def definitions(engine: Engine) -> dict[str, dict]:
    """KPI key -> its stored definition (missing numbers as None)."""
    frame = queries.kpis(engine).set_index("kpi")[FIELDS]
    return {
        key: {f: (None if pd.isna(v) else v) for f, v in row.items()} for key, row in frame.to_dict("index").items()
    }


def upload(engine: Engine, data: str) -> UploadResult:
    return ingest(engine, data.encode(), name="definitions.csv")


def rejected(engine: Engine, data: str) -> UploadResult:
    before = snapshot(engine)
    result = upload(engine, data)
    assert result.status == "rejected", result.message
    assert snapshot(engine) == before
    return result


def test_a_definitions_file_creates_departments_and_kpis_with_every_field(engine: Engine) -> None:
    data = (
        "department,department_name,kpi,kpi_name,unit,direction,target,tolerance_pct,description,aggregation,"
        "min_value,max_value,enterprise,weight\n"
        "public_works,Public Works,potholes_pct,Potholes filled in 3 days,Percent,Higher is better,90,,"
        '"Share of potholes, filled",mean,0,100,no,2\n'
        'public_works,Public Works,overtime_hours,Unscheduled overtime,hours,lower-is-better,"1,200",5,,sum,,,yes,\n'
        "hr,Human Resources,overtime_hours,Unscheduled overtime,hours,lower_is_better,300,,,,,,x,\n"
    )
    result = upload(engine, data)
    assert (result.status, result.kind, result.new, result.changed) == ("committed", "definitions", 3, 0)
    assert result.details == {"departments_new": 2, "departments_changed": 0, "departments_unchanged": 0}
    assert queries.departments(engine)[["department", "department_name"]].values.tolist() == [
        ["hr", "Human Resources"],
        ["public_works", "Public Works"],
    ]
    kpis = queries.kpis(engine)
    stored = {(d, k): row for d, k, row in zip(kpis["department"], kpis["kpi"], kpis.to_dict("records"))}
    potholes = stored[("public_works", "potholes_pct")]
    assert {
        f: potholes[f]
        for f in [
            "unit",
            "direction",
            "target",
            "tolerance_pct",
            "min_value",
            "max_value",
            "enterprise",
            "weight",
            "aggregation",
            "description",
        ]
    } == {
        "unit": "percent",
        "direction": "higher_is_better",
        "target": 90.0,
        "tolerance_pct": 10.0,
        "min_value": 0.0,
        "max_value": 100.0,
        "enterprise": False,
        "weight": 2.0,
        "aggregation": "mean",
        "description": "Share of potholes, filled",
    }
    overtime = stored[("public_works", "overtime_hours")]
    assert (overtime["direction"], overtime["target"], overtime["tolerance_pct"], overtime["enterprise"]) == (
        "lower_is_better",
        1200.0,
        5.0,
        True,
    )
    assert stored[("hr", "overtime_hours")]["enterprise"]


def test_updating_one_kpis_target_and_tolerance_changes_only_that_kpi(city: Engine) -> None:
    before = definitions(city)
    old_batch = queries.kpis(city).set_index("kpi").loc["overtime_hours"]
    changed = DEFINITIONS.replace(
        "overtime_hours,Unscheduled overtime hours,hours,lower_is_better,100,5",
        "overtime_hours,Unscheduled overtime hours,hours,lower_is_better,80,15",
    )
    assert changed != DEFINITIONS
    result = upload(city, changed)
    assert (result.status, result.new, result.changed, result.unchanged) == ("committed", 0, 1, 4)
    assert result.details == {"departments_new": 0, "departments_changed": 0, "departments_unchanged": 2}
    after = definitions(city)
    assert after["overtime_hours"] == {**before["overtime_hours"], "target": 80.0, "tolerance_pct": 15.0}
    assert {k: v for k, v in after.items() if k != "overtime_hours"} == {
        k: v for k, v in before.items() if k != "overtime_hours"
    }
    history = snapshot(city)["kpis_history"]
    assert len(history) == 1
    row = dict(zip([c.name for c in kpi_history.columns], history[0]))
    assert (row["key"], row["target"], row["tolerance_pct"]) == ("overtime_hours", 100.0, 5.0)
    assert (row["id"], row["superseded_by_batch_id"]) == (int(old_batch["kpi_id"]), result.batch_id)


def test_uploading_the_same_definitions_again_changes_nothing(city: Engine) -> None:
    before = snapshot(city)
    result = upload(city, DEFINITIONS)
    assert (result.status, result.new, result.changed, result.unchanged, result.batch_id) == (
        "unchanged",
        0,
        0,
        5,
        None,
    )
    assert snapshot(city) == before


def test_renaming_a_department_updates_it_in_place(city: Engine) -> None:
    result = upload(city, f"{HEADER}\nems,EMS Louisville,response_time,Response time,minutes,lower_is_better,9\n")
    assert result.status == "committed", result.message
    assert result.details == {"departments_new": 0, "departments_changed": 1, "departments_unchanged": 0}
    names = dict(queries.departments(city)[["department", "department_name"]].values.tolist())
    assert names == {"ems": "EMS Louisville", "hr": "Human Resources"}
    assert len(snapshot(city)["departments_history"]) == 1


def test_a_bad_unit_or_direction_is_refused_listing_the_allowed_ones(city: Engine) -> None:
    result = rejected(city, f"{HEADER}\nhr,Human Resources,hires,Hires,widgets,up,5\n")
    assert [(e.line, e.column, e.value) for e in result.errors] == [(2, "unit", "widgets"), (2, "direction", "up")]
    assert result.errors[0].message == (
        "not allowed; use 'count', 'days', 'hours', 'minutes', 'percent', 'dollars' or 'rate'"
    )
    assert result.errors[1].message == "not allowed; use 'higher_is_better' or 'lower_is_better'"


def test_min_above_max_is_refused(city: Engine) -> None:
    result = rejected(
        city, f"{HEADER},min_value,max_value\nhr,Human Resources,score,Score,rate,higher_is_better,,10,1\n"
    )
    assert [(e.line, e.column, e.value) for e in result.errors] == [(2, "max_value", "1")]
    assert result.errors[0].message == "max_value 1 is below min_value 10; swap them or correct one"


def test_a_negative_minimum_for_a_count_is_refused(city: Engine) -> None:
    result = rejected(city, f"{HEADER},min_value\nhr,Human Resources,hires,Hires,count,higher_is_better,,-1\n")
    assert [(e.line, e.column, e.value) for e in result.errors] == [(2, "min_value", "-1")]
    assert "never negative" in result.errors[0].message


def test_a_target_outside_the_kpis_own_range_is_refused(city: Engine) -> None:
    result = rejected(city, f"{HEADER},max_value\nhr,Human Resources,rate,Rate,percent,higher_is_better,120,100\n")
    assert [e.line for e in result.errors] == [2]
    assert result.errors[0].message == "target 120 is outside the valid range 100 or less"


def test_a_slug_with_spaces_is_refused_with_an_example(city: Engine) -> None:
    result = rejected(
        city,
        f"{HEADER}\n"
        "public works,Public Works,potholes,Potholes,count,lower_is_better,\n"
        "hr,Human Resources,new kpi,New,count,lower_is_better,\n",
    )
    assert [(e.line, e.column, e.value) for e in result.errors] == [
        (2, "department", "public works"),
        (3, "kpi", "new kpi"),
    ]
    assert all(
        e.message == "use lowercase letters, digits, '_' or '-' (for example public_works)" for e in result.errors
    )


def test_the_same_department_with_two_names_is_refused(city: Engine) -> None:
    result = rejected(
        city,
        f"{HEADER}\nparks,Parks,mowing,Acres mowed,count,higher_is_better,\n"
        "parks,Parks and Recreation,pools,Pools open,count,higher_is_better,\n",
    )
    assert [(e.line, e.column, e.value) for e in result.errors] == [(3, "department_name", "Parks and Recreation")]
    assert (
        result.errors[0].message
        == "department 'parks' is named 'Parks' on an earlier line; use one name per department"
    )


def test_the_same_kpi_twice_is_refused_on_both_lines(city: Engine) -> None:
    result = rejected(
        city,
        f"{HEADER}\n"
        "parks,Parks,mowing,Acres mowed,count,higher_is_better,\n"
        "parks,Parks,Mowing,Acres,count,higher_is_better,\n",
    )
    assert [e.line for e in result.errors] == [2, 3]
    assert "KPI 'mowing' of department 'parks' appears more than once in the file (also on line 3)" in (
        result.errors[0].message
    )


@pytest.mark.parametrize("column", ["department_name", "kpi_name"])
def test_a_blank_name_is_refused(city: Engine, column: str) -> None:
    row = {
        "department": "parks",
        "department_name": "Parks",
        "kpi": "mowing",
        "kpi_name": "Mowing",
        "unit": "count",
        "direction": "higher_is_better",
        "target": "",
    }
    row[column] = " "
    result = rejected(city, f"{HEADER}\n" + ",".join(row.values()) + "\n")
    assert [(e.line, e.column) for e in result.errors] == [(2, column)]
    assert result.errors[0].message == "blank; this column must be filled in on every row"


def test_a_definitions_file_without_optional_columns_keeps_the_stored_ones(city: Engine) -> None:
    full = (
        "department,department_name,kpi,kpi_name,unit,direction,target,tolerance_pct,min_value,max_value,"
        "enterprise,weight,aggregation,description\n"
        "hr,Human Resources,hires,Hires,count,higher_is_better,10,5,0,1000,true,3,last,New hires in the month\n"
    )
    assert upload(city, full).status == "committed"
    renamed = (
        "department,department_name,kpi,kpi_name,unit,direction,target\n"
        "hr,Human Resources,hires,Hires (all departments),count,higher_is_better,10\n"
    )

    result = upload(city, renamed)

    assert (result.status, result.changed) == ("committed", 1)
    hires = queries.kpis(city).set_index("kpi").loc["hires"]
    assert hires["kpi_name"] == "Hires (all departments)"
    assert (hires["tolerance_pct"], hires["min_value"], hires["max_value"], hires["weight"]) == (5, 0, 1000, 3)
    assert (bool(hires["enterprise"]), hires["aggregation"], hires["description"]) == (
        True, "last", "New hires in the month"
    )


def test_a_department_name_another_department_has_is_refused_with_both_lines(city: Engine) -> None:
    before = queries.departments(city)
    result = rejected(
        city,
        f"{HEADER}\nparks,Parks,mowing,Acres mowed,count,higher_is_better,\n"
        "parks_rec,  PARKS ,pools,Pools open,count,higher_is_better,\n",
    )
    assert [(e.line, e.column, e.value) for e in result.errors] == [
        (2, "department_name", "Parks"),
        (3, "department_name", "PARKS"),
    ]
    assert result.errors[0].message.startswith(
        "department name 'Parks' would also be the name of department 'parks_rec' on line 3: departments need "
        "display names that differ in more than case and spacing"
    )
    assert "department 'parks' on line 2" in result.errors[1].message
    assert queries.departments(city).equals(before)


def test_a_new_department_named_like_a_stored_one_is_refused_naming_it(city: Engine) -> None:
    result = rejected(
        city, f"{HEADER}\nems2,emergency  medical Services,calls,Calls,count,higher_is_better,\n"
    )
    assert [(e.line, e.column) for e in result.errors] == [(2, "department_name")]
    assert result.errors[0].message.startswith(
        "department name 'emergency  medical Services' would also be the name of the stored department 'ems' "
        "('Emergency Medical Services'):"
    )


def test_renaming_a_department_frees_its_old_name_for_another_in_the_same_file(city: Engine) -> None:
    result = upload(
        city,
        f"{HEADER}\nems,EMS (retired),response_time,Response time,minutes,lower_is_better,9\n"
        "ems2,Emergency Medical Services,calls,Calls,count,higher_is_better,\n",
    )
    assert result.status == "committed", [str(e) for e in result.errors]
    names = queries.departments(city).set_index("department")["department_name"]
    assert (names["ems"], names["ems2"]) == ("EMS (retired)", "Emergency Medical Services")


def test_a_kpi_name_another_kpi_of_the_department_has_is_refused(city: Engine) -> None:
    result = rejected(
        city,
        f"{HEADER}\nems,Emergency Medical Services,response_time_p1,RESPONSE TIME,minutes,lower_is_better,9\n"
        "ems,Emergency Medical Services,calls,Calls,count,higher_is_better,\n"
        "ems,Emergency Medical Services,calls_new,calls ,count,higher_is_better,\n"
        "hr,Human Resources,calls,Calls,count,higher_is_better,\n",
    )
    assert [(e.line, e.column, e.value) for e in result.errors] == [
        (2, "kpi_name", "RESPONSE TIME"),
        (3, "kpi_name", "Calls"),
        (4, "kpi_name", "calls"),
    ]
    messages = [e.message for e in result.errors]
    assert messages[0].startswith(
        "KPI name 'RESPONSE TIME' of department 'ems' would also be the name of the stored KPI 'response_time' "
        "('Response time'): a department's KPIs need names that differ in more than case and spacing"
    )
    assert "would also be the name of KPI 'calls_new' on line 4" in messages[1]
    assert "would also be the name of KPI 'calls' on line 3" in messages[2]
    assert sorted(definitions(city)) == sorted(
        ["time_to_fill", "overtime_hours", "sick_leave_hours", "response_time", "calls_answered_pct"]
    )


OWNED = (
    "department,department_name,kpi,kpi_name,unit,direction,target,owner_email,due_day,public\n"
    "ems,Emergency Medical Services,response_time,Response time,minutes,lower_is_better,9,Ana.Lopez@City.gov,10,false\n"
    "ems,Emergency Medical Services,calls,Calls answered,count,higher_is_better,,,,\n"
)


def test_a_kpi_names_its_owner_its_due_day_and_whether_the_public_sees_it(engine: Engine) -> None:
    assert ingest(engine, OWNED.encode(), name="owned.csv").status == "committed"
    kpis = queries.kpis(engine).set_index("kpi")
    assert kpis.loc["response_time", ["owner_email", "due_day", "public"]].tolist() == ["ana.lopez@city.gov", 10, False]
    assert pd.isna(kpis.loc["calls", "owner_email"]) and pd.isna(kpis.loc["calls", "due_day"])
    assert bool(kpis.loc["calls", "public"]) is True  # blank: public
    again = ingest(engine, export_csv(engine, "definitions").encode(), name="again.csv")
    assert again.status == "unchanged", again.message


def test_an_owner_that_is_no_address_a_due_day_past_28_and_a_public_flag_of_maybe_are_refused(engine: Engine) -> None:
    before = snapshot(engine)
    bad = OWNED.splitlines()[0] + "\nems,EMS,response_time,Response time,minutes,lower_is_better,9,ana,29,maybe\n"
    result = ingest(engine, bad.encode(), name="bad.csv")
    assert [(p.line, p.column, p.value, p.message) for p in result.errors] == [
        (2, "owner_email", "ana", "not an email address; give the address of the person who reports the KPI, such as "
                                  "ana.lopez@louisvilleky.gov, or leave it blank"),
        (2, "due_day", "29", "out of range; use a number at most 28"),
        (2, "public", "maybe", "use true or false (yes/no, 1/0 also work)"),
    ]
    assert snapshot(engine) == before
