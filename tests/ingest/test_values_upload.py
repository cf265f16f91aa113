"""Uploading monthly values: what loads, what is refused, and that a refused file writes nothing."""

from __future__ import annotations

from sqlalchemy import Engine

from louiestat import queries
from louiestat.ingest import ingest
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
