"""Skipping the rows of months not reported: the values template filled in part and uploaded with
``skip_blank`` stores the filled rows and lists the blank ones; without it a blank value is still an error."""

from __future__ import annotations

import csv
import io

from sqlalchemy import Engine

from louiestat.exports import templates
from louiestat.ingest import ingest
from louiestat.reading import queries, views
from tests.conftest import snapshot

REPORTED = {"billing_collections": "98.5", "calls_answered_90s_pct": "91"}
NOT_REPORTED = [
    (4, "cardiac_arrest_rosc_pct"), (5, "hospital_offload_minutes"), (6, "injury_hours_lost"), (7, "overtime_hours"),
    (8, "patient_satisfaction_pct"), (9, "response_time"), (10, "sick_leave_hours_per_fte"),
]


def filled_template(engine: Engine) -> bytes:
    """The app's own values template for EMS (9 KPIs, July 2016) with 2 of its rows filled in."""
    template = templates.template_csv(engine, views.City.load(engine), "values", "ems")
    rows = list(csv.reader(io.StringIO(template)))
    assert rows[0] == ["department", "kpi", "kpi_name", "unit", "current_target", "period", "value", "target", "note",
                       "count"] and len(rows) == 10
    for row in rows[1:]:
        row[6] = REPORTED.get(row[1], "")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def july(engine: Engine) -> dict[str, float]:
    kpis = queries.kpis(engine).set_index("kpi_id")["kpi"]
    obs = queries.observations(engine)
    obs = obs[obs["period"].dt.strftime("%Y-%m") == "2016-07"]
    return {kpis[k]: v for k, v in zip(obs["kpi_id"], obs["value"])}


def test_the_template_with_2_of_9_rows_filled_is_refused_without_skip_blank(sample_city: Engine) -> None:
    before = snapshot(sample_city)
    result = ingest(sample_city, filled_template(sample_city), name="ems-july.csv")

    assert result.message == "ems-july.csv was rejected and nothing was written: 7 errors in 7 of 9 rows."
    assert [(e.line, e.column) for e in result.errors] == [(line, "value") for line, _ in NOT_REPORTED]
    assert all(e.message.startswith("blank value; a blank is never read as zero") for e in result.errors)
    assert "--skip-blank" in result.errors[0].message
    assert (result.skipped_count, result.skipped) == (0, [])
    assert snapshot(sample_city) == before


def test_the_template_with_2_of_9_rows_filled_loads_2_and_lists_7_as_not_reported(sample_city: Engine) -> None:
    before = snapshot(sample_city)
    template = filled_template(sample_city)
    dry = ingest(sample_city, template, name="ems-july.csv", dry_run=True, skip_blank=True)
    assert dry.message == (
        "Dry run of ems-july.csv (values, 9 rows): a commit would write 2 new, 0 changed, 0 unchanged; 7 rows "
        "skipped: no value (not reported)."
    )
    assert dry.skipped_lines == "lines 4–10 skipped: no value (not reported)"
    assert [(s.line, s.department, s.kpi, s.period) for s in dry.skipped] == [
        (line, "ems", kpi, "2016-07") for line, kpi in NOT_REPORTED
    ]
    assert (dry.rejected, dry.errors, dry.warnings) == (0, [], [])
    assert snapshot(sample_city) == before

    result = ingest(sample_city, template, name="ems-july.csv", skip_blank=True)
    assert result.message == (
        f"ems-july.csv committed as batch {result.batch_id}: 2 new, 0 changed, 0 unchanged (values, 9 rows); 7 rows "
        "skipped: no value (not reported)."
    )
    assert result.skipped == dry.skipped and result.skipped_count == 7
    assert july(sample_city) == {"billing_collections": 98.5, "calls_answered_90s_pct": 91.0}
    assert len(queries.observations(sample_city)) == len(before["observations"]) + 2

    again = ingest(sample_city, template, name="ems-july.csv", skip_blank=True)
    assert again.message == (
        "ems-july.csv changes nothing: all 2 rows with a value are already stored (0 inserted, 0 updated); 7 rows "
        "skipped: no value (not reported)."
    )


def test_a_skipped_row_with_a_note_or_target_warns_that_they_were_not_stored(city: Engine) -> None:
    text = (
        "department,kpi,period,value,target,note\n"
        "hr,overtime_hours,2013-01,120,,\n"
        "hr,overtime_hours,2013-02,,,Strike: no data\n"
        "hr,overtime_hours,2013-03,,90,Strike\n"
    )
    result = ingest(city, text.encode(), name="values.csv", skip_blank=True)

    assert result.status == "committed", result.message
    assert [str(w) for w in result.warnings] == [
        "line 3: this row has no value, so it is skipped as not reported, and its note was not stored",
        "line 4: this row has no value, so it is skipped as not reported, and its target and note were not stored",
    ]
    assert [s.line for s in result.skipped] == [3, 4]
    assert queries.observations(city)[["value", "note"]].values.tolist() == [[120.0, None]]
    with city.connect() as conn:
        assert queries.targets(conn).empty


def test_skipped_lines_are_the_files_own_lines_past_blank_lines(city: Engine) -> None:
    text = "department,kpi,period,value\n\nhr,overtime_hours,2013-01,\n\n\nhr,overtime_hours,2013-02,7\n"
    result = ingest(city, text.encode(), name="values.csv", skip_blank=True)

    assert result.status == "committed", result.message
    assert [(s.line, s.period) for s in result.skipped] == [(3, "2013-01")]
    assert result.skipped_lines == "line 3 skipped: no value (not reported)"


def test_only_blank_values_are_skipped_other_errors_still_refuse_the_file(city: Engine) -> None:
    before = snapshot(city)
    text = "department,kpi,period,value\nhr,overtime_hours,2013-01,\nhr,overtime_hours,2013-13,5\n"
    result = ingest(city, text.encode(), name="values.csv", skip_blank=True)

    assert result.message == (
        "values.csv was rejected and nothing was written: 1 error in 1 of 2 rows; 1 row skipped: no value (not "
        "reported)."
    )
    assert [(e.line, e.column) for e in result.errors] == [(3, "period")]
    assert snapshot(city) == before


def test_a_file_whose_every_value_is_blank_is_refused_as_having_nothing_to_store(city: Engine) -> None:
    text = "department,kpi,period,value\nhr,overtime_hours,2013-01,\nhr,overtime_hours,2013-02,\n"
    result = ingest(city, text.encode(), name="values.csv", skip_blank=True)

    assert result.status == "rejected" and result.skipped_count == 2
    assert [e.message for e in result.errors] == [
        "every row of the file has a blank value, so there is nothing to store; fill in the values that were reported"
    ]


def test_skip_blank_leaves_other_kinds_alone(city: Engine) -> None:
    text = "department,kpi,period,reason\nhr,overtime_hours,2013-01,\n"
    result = ingest(city, text.encode(), name="changes.csv", skip_blank=True)

    assert result.status == "rejected" and result.skipped == []
    assert [(e.line, e.column) for e in result.errors] == [(2, "reason")]


def test_the_template_filled_in_full_loads_with_no_warning_its_names_units_and_targets_ignored(
    sample_city: Engine,
) -> None:
    template = templates.template_csv(sample_city, views.City.load(sample_city), "values", "ems")
    rows = list(csv.reader(io.StringIO(template)))
    assert rows[8][:6] == ["ems", "response_time", "Response time, priority 1", "minutes", "8.5", "2016-07"]
    for row in rows[1:]:
        row[6] = "7"
        row[4] = "999"  # a person's scribble over the target shown changes nothing
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)

    targets = queries.targets(sample_city)
    result = ingest(sample_city, out.getvalue().encode(), name="ems-july.csv")
    assert (result.kind, result.status, result.new) == ("values", "committed", 9)
    assert (result.warnings, result.errors) == ([], [])
    assert set(july(sample_city).values()) == {7.0}
    assert queries.targets(sample_city).equals(targets)


def test_an_unknown_column_beside_them_is_still_warned_about(sample_city: Engine) -> None:
    text = ("department,kpi,kpi_name,unit,current_target,period,value,remarks\n"
            "ems,response_time,\"Response time, priority 1\",minutes,8.5,2016-07,8.1,x\n")
    result = ingest(sample_city, text.encode(), name="ems-july.csv")
    assert result.status == "committed"
    assert [w.message for w in result.warnings] == ["column 'remarks' is not part of a values file and is ignored"]
