"""Exports are written in the format files are uploaded in, so an exported file uploaded again changes nothing."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from sqlalchemy import Engine

from louiestat.exports.upload_format import export_csv
from louiestat.ingest import ingest
from tests.conftest import SAMPLE, snapshot

VALUES = (
    "department,kpi,period,value,target,note\n"
    'hr,overtime_hours,1/2013,"1,234.5",,"late, storm"\n'
    "Human Resources,Overtime_Hours,2013-02-01,100,80,\n"
    "ems,response_time,2013-01,8.5,,\n"
)
HIRING = (
    "department,position_id,title,posted_date,filled_date\nhr,P-1,Clerk,01/01/2013,2013-01-31\nhr,P-2,,2013-01-05,\n"
)


@pytest.mark.parametrize("kind", ["definitions", "values", "hiring"])
def test_each_export_of_the_sample_city_uploaded_again_changes_nothing(sample_city: Engine, kind: str) -> None:
    before = snapshot(sample_city)
    text = export_csv(sample_city, kind)
    result = ingest(sample_city, text.encode(), name=f"{kind}-export.csv")
    assert (result.status, result.kind, result.new, result.changed) == ("unchanged", kind, 0, 0)
    assert result.errors == [] and result.warnings == []
    assert result.unchanged == len(text.strip().splitlines()) - 1 > 0
    assert snapshot(sample_city) == before


def test_the_values_export_holds_the_whole_sample_city(sample_city: Engine) -> None:
    exported = pd.read_csv(io.StringIO(export_csv(sample_city, "values")), dtype=str, keep_default_na=False)
    uploaded = pd.read_csv(SAMPLE / "values.csv", dtype=str, keep_default_na=False)
    assert list(exported.columns) == ["department", "kpi", "period", "value", "target", "note", "count"]
    assert exported["period"].str.fullmatch(r"\d{4}-\d{2}").all()
    pairs = set(zip(uploaded["kpi"], uploaded["period"]))
    assert pairs <= set(zip(exported["kpi"], exported["period"]))


def test_values_are_exported_by_slug_key_and_month_with_the_target_in_force(city: Engine) -> None:
    assert ingest(city, VALUES.encode(), name="values.csv").status == "committed"
    assert ingest(city, HIRING.encode(), name="hiring.csv").status == "committed"
    assert export_csv(city, "values") == (
        "department,kpi,period,value,target,note,count\n"
        "ems,response_time,2013-01,8.5,9,,\n"
        'hr,overtime_hours,2013-01,1234.5,100,"late, storm",\n'
        "hr,overtime_hours,2013-02,100,80,,\n"
    )


def test_definitions_are_exported_with_every_column_of_a_definitions_file(city: Engine) -> None:
    assert export_csv(city, "definitions") == (
        "department,department_name,kpi,kpi_name,unit,direction,target,tolerance_pct,description,aggregation,"
        "min_value,max_value,enterprise,weight,source,owner_email,due_day,public\n"
        "ems,Emergency Medical Services,calls_answered_pct,Calls answered within 90 seconds,percent,"
        "higher_is_better,90,10,,,0,100,false,,reported,,,true\n"
        "ems,Emergency Medical Services,response_time,Response time,minutes,lower_is_better,9,10,,,,,false,,reported,,,true\n"
        "hr,Human Resources,overtime_hours,Unscheduled overtime hours,hours,lower_is_better,100,5,,,,,false,,reported,,,true\n"
        "hr,Human Resources,sick_leave_hours,Sick-leave hours per FTE,hours,lower_is_better,8,10,,,,,false,,reported,,,true\n"
        "hr,Human Resources,time_to_fill,Time to fill vacancies,days,lower_is_better,60,10,,,,,false,,hiring,,,true\n"
    )


def test_hiring_records_are_exported_with_iso_dates_and_open_positions_blank(city: Engine) -> None:
    assert ingest(city, HIRING.encode(), name="hiring.csv").status == "committed"
    assert export_csv(city, "hiring") == (
        "department,position_id,title,posted_date,filled_date\n"
        "hr,P-1,Clerk,2013-01-01,2013-01-31\n"
        "hr,P-2,,2013-01-05,\n"
    )


def test_an_export_can_be_limited_to_one_department(city: Engine) -> None:
    ingest(city, VALUES.encode(), name="values.csv")
    assert export_csv(city, "values", department="ems") == (
        "department,kpi,period,value,target,note,count\nems,response_time,2013-01,8.5,9,,\n"
    )
    assert export_csv(city, "definitions", department="ems").count("\nems,") == 2
    assert "\nhr," not in export_csv(city, "definitions", department="ems")


def test_an_export_is_written_to_a_file_when_one_is_given(city: Engine) -> None:
    ingest(city, VALUES.encode(), name="values.csv")
    out = io.StringIO()
    assert export_csv(city, "values", out) is None
    assert out.getvalue() == export_csv(city, "values")


def test_an_exported_small_city_uploaded_again_changes_nothing(city: Engine) -> None:
    ingest(city, VALUES.encode(), name="values.csv")
    ingest(city, HIRING.encode(), name="hiring.csv")
    before = snapshot(city)
    for kind in ("definitions", "values", "hiring"):
        result = ingest(city, export_csv(city, kind).encode(), name=f"{kind}.csv")
        assert result.status == "unchanged", (kind, result.message)
    assert snapshot(city) == before


def test_whole_numbers_are_exported_as_integers_and_read_back_unchanged(sample_city: Engine) -> None:
    exported = pd.read_csv(io.StringIO(export_csv(sample_city, "values")), dtype=str, keep_default_na=False)
    for column in ("value", "target", "count"):
        assert not exported[column].str.fullmatch(r"-?\d+\.0").any(), column
    assert exported["value"].str.fullmatch(r"-?\d+").any() and exported["value"].str.contains(".", regex=False).any()
    before = snapshot(sample_city)
    result = ingest(sample_city, export_csv(sample_city, "values").encode(), name="values-export.csv")
    assert (result.status, result.new, result.changed) == ("unchanged", 0, 0)
    assert snapshot(sample_city) == before


def test_a_count_kpis_values_are_written_as_integers(city: Engine) -> None:
    definitions = (
        "department,department_name,kpi,kpi_name,unit,direction,target\n"
        "hr,Human Resources,hires,Hires,count,higher_is_better,12\n"
    )
    assert ingest(city, definitions.encode(), name="definitions.csv").status == "committed"
    values = "department,kpi,period,value,count\nhr,hires,2013-01,458,3\nhr,hires,2013-02,\"1,200\",\n"
    assert ingest(city, values.encode(), name="values.csv").status == "committed"
    assert export_csv(city, "values", department="hr").splitlines()[1:] == [
        "hr,hires,2013-01,458,12,,3",
        "hr,hires,2013-02,1200,12,,",
    ]
