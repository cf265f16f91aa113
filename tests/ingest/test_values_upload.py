"""Uploading monthly values: what loads, what is refused, and that a refused file writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, text

from louiestat.ingest import ingest
from louiestat.reading import queries
from tests.conftest import snapshot


def stored_values(engine: Engine) -> dict[tuple[str, str], float]:
    kpis = queries.kpis(engine).set_index("kpi_id")["kpi"]
    obs = queries.observations(engine)
    return {(kpis[k], p.strftime("%Y-%m")): v for k, p, v in zip(obs["kpi_id"], obs["period"], obs["value"])}


def test_values_with_excel_quirks_load_with_their_numbers(city: Engine) -> None:
    text = (
        "\ufeffDepartment ; KPI ;Period; VALUE ;Note;Extra\r\n"
        'Human Resources;Overtime_Hours;2013-01;"1,234";;x\r\n'
        "ems;response time;3/2013;8.5;;\r\n"
        "EMS;calls_answered_pct;04/15/2013;91%;Café note;\r\n"
        "\r\n\r\n"
    )
    result = ingest(city, text.encode("utf-8"), name="values.csv")
    assert result.status == "committed", result.message
    assert (result.new, result.changed, result.unchanged, result.rows) == (3, 0, 0, 3)
    assert result.delimiter == ";"
    assert [(w.line, w.column) for w in result.warnings] == [(1, "extra")]
    assert stored_values(city) == {
        ("overtime_hours", "2013-01"): 1234.0,
        ("response_time", "2013-03"): 8.5,
        ("calls_answered_pct", "2013-04"): 91.0,
    }
    notes = queries.observations(city)["note"].tolist()
    assert "Café note" in notes


def test_a_rejected_file_lists_every_error_and_writes_nothing(city: Engine) -> None:
    before = snapshot(city)
    text = (
        "department,kpi,period,value\n"
        "hr,overtime_hours,2013-01,10\n"
        "hr,overtime_hours,2013-13,10\n"
        "hr,overtime_hours,2013-02,\n"
        "hr,overtime_hours,2013-03,-5\n"
        "hr,overtme_hours,2013-04,5\n"
        "ems,calls_answered_pct,2013-01,101\n"
        "ems,response_time,2013-01,NaN\n"
    )
    result = ingest(city, text.encode(), name="bad.csv")
    assert result.status == "rejected"
    assert snapshot(city) == before
    found = {(e.line, e.column) for e in result.errors}
    assert found == {(3, "period"), (4, "value"), (5, "value"), (6, "kpi"), (7, "value"), (8, "value")}
    by_line = {e.line: e.message for e in result.errors}
    assert "month 13 does not exist" in by_line[3]
    assert "never read as zero" in by_line[4]
    assert "0 or more" in by_line[5]
    assert "did you mean 'overtime_hours'?" in by_line[6]
    assert "0 to 100" in by_line[7]
    assert (result.rows, result.rejected, result.error_count) == (7, 6, 6)


def stored_targets(engine: Engine) -> dict[tuple[str, str], float]:
    kpis = queries.kpis(engine).set_index("kpi_id")["kpi"]
    targets = queries.targets(engine)
    return {
        (kpis[k], p.strftime("%Y-%m")): t
        for k, p, t in zip(targets["kpi_id"], targets["effective_from"], targets["target"])
    }


@pytest.mark.parametrize("period", ["2013-03", "2013-3", "2013-03-01", "2013-03-31", "3/2013", "03/2013", "03/15/2013"])
def test_each_period_format_stores_the_month(city: Engine, period: str) -> None:
    result = ingest(city, f"department,kpi,period,value\nhr,overtime_hours,{period},7\n".encode(), name="v.csv")
    assert result.status == "committed", result.message
    assert stored_values(city) == {("overtime_hours", "2013-03"): 7.0}


def test_values_with_thousands_separators_percent_and_dollar_signs_store_the_number(city: Engine) -> None:
    more = (
        "department,department_name,kpi,kpi_name,unit,direction,target\n"
        "hr,Human Resources,payroll,Payroll,dollars,lower_is_better,\n"
    )
    assert ingest(city, more.encode(), name="definitions.csv").status == "committed"
    data = (
        "department,kpi,period,value\n"
        'hr,overtime_hours,2013-01,"1,234"\n'
        'hr,overtime_hours,2013-02,"12,345.5"\n'
        "ems,calls_answered_pct,2013-01,87.5%\n"
        "ems,calls_answered_pct,2013-02,88 %\n"
        "hr,payroll,2013-01,$950\n"
        'hr,payroll,2013-02,"$1,250,000.75"\n'
        "hr,payroll,2013-03,(200)\n"
    )
    result = ingest(city, data.encode(), name="values.csv")
    assert result.status == "committed", result.message
    assert stored_values(city) == {
        ("overtime_hours", "2013-01"): 1234.0,
        ("overtime_hours", "2013-02"): 12345.5,
        ("calls_answered_pct", "2013-01"): 87.5,
        ("calls_answered_pct", "2013-02"): 88.0,
        ("payroll", "2013-01"): 950.0,
        ("payroll", "2013-02"): 1250000.75,
        ("payroll", "2013-03"): -200.0,
    }


def test_a_target_column_sets_the_target_from_that_month_on(city: Engine) -> None:
    data = (
        "department,kpi,period,value,target\n"
        "hr,overtime_hours,2013-01,90,100\n"
        "hr,overtime_hours,2013-02,95,\n"
        "hr,overtime_hours,2013-03,85,80\n"
        "hr,overtime_hours,2013-04,82,80\n"
        "hr,overtime_hours,2013-05,75,70\n"
        "ems,response_time,2013-01,8.8,8.5\n"
    )
    result = ingest(city, data.encode(), name="values.csv")
    assert result.status == "committed", result.message
    # 100 is overtime's default target already, 80 on 2013-04 repeats the target in force: neither is stored.
    assert stored_targets(city) == {
        ("overtime_hours", "2013-03"): 80.0,
        ("overtime_hours", "2013-05"): 70.0,
        ("response_time", "2013-01"): 8.5,
    }
    assert result.details == {"targets_new": 3, "targets_changed": 0, "targets_unchanged": 0}
    with city.connect() as conn:
        rows = conn.execute(text("SELECT batch_id FROM targets")).scalars().all()
    assert set(rows) == {result.batch_id}


def test_uploading_the_same_target_again_changes_nothing(city: Engine) -> None:
    data = "department,kpi,period,value,target\nhr,overtime_hours,2013-03,85,80\nhr,overtime_hours,2013-04,82,80\n"
    assert ingest(city, data.encode(), name="values.csv").status == "committed"
    before = snapshot(city)
    again = ingest(city, data.encode(), name="values.csv")
    assert (again.status, again.new, again.changed, again.unchanged) == ("unchanged", 0, 0, 2)
    assert again.details == {"targets_new": 0, "targets_changed": 0, "targets_unchanged": 1}
    assert snapshot(city) == before


def test_a_changed_target_for_a_month_replaces_it_and_keeps_the_old_one_in_history(city: Engine) -> None:
    first = ingest(city, b"department,kpi,period,value,target\nhr,overtime_hours,2013-03,85,80\n", name="v.csv")
    second = ingest(city, b"department,kpi,period,value,target\nhr,overtime_hours,2013-03,85,75\n", name="v.csv")
    assert (second.status, second.new, second.changed, second.unchanged) == ("committed", 0, 0, 1)
    assert second.details == {"targets_new": 0, "targets_changed": 1, "targets_unchanged": 0}
    assert stored_targets(city) == {("overtime_hours", "2013-03"): 75.0}
    overtime = int(queries.kpis(city).set_index("kpi").loc["overtime_hours", "kpi_id"])
    history = [row[1:] for row in snapshot(city)["targets_history"]]
    assert history == [(overtime, dt.date(2013, 3, 1), 80.0, first.batch_id, second.batch_id)]


def test_progress_is_reported_from_reading_to_done(city: Engine) -> None:
    steps: list[tuple[float, str]] = []
    data = "department,kpi,period,value\n" + "".join(f"hr,overtime_hours,2010-{m:02d},{m}\n" for m in range(1, 13))
    result = ingest(city, data.encode(), name="values.csv", progress=lambda f, stage: steps.append((f, stage)))
    assert result.status == "committed"
    assert [stage for _, stage in steps] == ["reading", "writing", "done"]
    assert [f for f, _ in steps] == [0.8, 0.9, 1.0]


def test_values_of_a_kpi_declared_source_hiring_are_refused_with_their_line(city: Engine) -> None:
    before = snapshot(city)
    result = ingest(
        city, b"department,kpi,period,value\nhr,overtime_hours,2013-01,80\nhr,time_to_fill,2013-01,45\n", name="ttf.csv"
    )

    assert result.status == "rejected"
    assert [(e.line, e.column, e.value) for e in result.errors] == [(3, "kpi", "time_to_fill")]
    assert "declares source=hiring" in result.errors[0].message
    assert "upload a hiring file" in result.errors[0].message
    assert snapshot(city) == before


def test_time_to_fill_reported_monthly_loads_when_its_definition_says_reported(city: Engine) -> None:
    redefined = ingest(
        city,
        b"department,department_name,kpi,kpi_name,unit,direction,target,source\n"
        b"hr,Human Resources,time_to_fill,Time to fill vacancies,days,lower_is_better,60,reported\n",
        name="definitions.csv",
    )
    assert (redefined.status, redefined.changed) == ("committed", 1)

    result = ingest(city, b"department,kpi,period,value,count\nhr,time_to_fill,2013-01,45,3\n", name="hr.csv")

    assert (result.status, result.new) == ("committed", 1)
    stored = queries.observations(city)
    assert stored[["value", "count"]].values.tolist() == [[45.0, 3.0]]


def test_a_definition_without_a_source_column_is_reported_whatever_its_key(city: Engine) -> None:
    ingest(
        city,
        b"department,department_name,kpi,kpi_name,unit,direction,target\n"
        b"parks,Parks,time_to_fill,Time to fill vacancies,days,lower_is_better,60\n",
        name="definitions.csv",
    )
    result = ingest(city, b"department,kpi,period,value\nparks,time_to_fill,2013-01,45\n", name="parks.csv")
    assert result.status == "committed"
    kpis = queries.kpis(city).set_index(["department", "kpi"])
    assert kpis.at[("parks", "time_to_fill"), "source"] == "reported"
    assert kpis.at[("hr", "time_to_fill"), "source"] == "hiring"


@pytest.mark.parametrize("count", ["0", "2.5", "-1", "three"])
def test_a_count_must_be_a_whole_number_of_cases(city: Engine, count: str) -> None:
    before = snapshot(city)
    result = ingest(
        city, f"department,kpi,period,value,count\nhr,sick_leave_hours,2013-01,6.5,{count}\n".encode(), name="v.csv"
    )
    assert result.status == "rejected"
    assert [(e.line, e.column, e.value) for e in result.errors] == [(2, "count", count)]
    assert "whole number, 1 or more" in result.errors[0].message
    assert snapshot(city) == before


def test_a_file_without_a_count_column_keeps_the_stored_counts(city: Engine) -> None:
    ingest(city, b"department,kpi,period,value,count\nhr,sick_leave_hours,2013-01,6.5,40\n", name="a.csv")
    result = ingest(city, b"department,kpi,period,value\nhr,sick_leave_hours,2013-01,6.5\n", name="b.csv")
    assert result.status == "unchanged"
    cleared = ingest(city, b"department,kpi,period,value,count\nhr,sick_leave_hours,2013-01,6.5,\n", name="c.csv")
    assert (cleared.status, cleared.changed) == ("committed", 1)
    assert queries.observations(city)["count"].isna().all()


def test_counts_for_a_summed_kpi_are_stored_with_a_warning(city: Engine) -> None:
    ingest(
        city,
        b"department,department_name,kpi,kpi_name,unit,direction,target\nhr,Human Resources,hires,Hires,count,"
        b"higher_is_better,12\n",
        name="definitions.csv",
    )
    result = ingest(
        city,
        b"department,kpi,period,value,count\nhr,hires,2013-01,80,4\nhr,hires,2013-02,81,5\n",
        name="v.csv",
        dry_run=True,
    )
    assert result.status == "dry_run"
    assert [(w.line, w.column) for w in result.warnings] == [(2, "count")]
    assert "roll up by sum" in result.warnings[0].message


def test_a_percent_kpi_given_as_fractions_gets_a_warning_in_the_dry_run(city: Engine) -> None:
    data = (
        b"department,kpi,period,value\n"
        b"ems,calls_answered_pct,2013-01,0.95\nems,calls_answered_pct,2013-02,0.91\nems,response_time,2013-01,0.9\n"
    )
    result = ingest(city, data, name="v.csv", dry_run=True)
    assert (result.status, result.new) == ("dry_run", 3)
    assert [(w.line, w.column) for w in result.warnings] == [(2, "value")]
    assert "such as 0.95" in result.warnings[0].message and "90 %" in result.warnings[0].message
    as_percent = ingest(city, data.replace(b"0.95", b"95").replace(b"0.91", b"91"), name="v.csv", dry_run=True)
    assert as_percent.warnings == []
