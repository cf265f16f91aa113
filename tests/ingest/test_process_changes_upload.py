"""Uploading process changes: the months a KPI's way of working changed, where its SPC limits start afresh."""

from __future__ import annotations

from sqlalchemy import Engine

from louiestat.exports.upload_format import export_csv
from louiestat.ingest import ingest
from louiestat.reading import queries
from louiestat.writing import batches
from tests.conftest import snapshot

CHANGES = (
    "department,kpi,period,reason\n"
    "ems,response_time,2014-03,New CAD dispatch system live\n"
    "Emergency Medical Services,Calls answered within 90 seconds,3/2014,New CAD dispatch system live\n"
)


def stored(engine: Engine) -> list[tuple[str, str, str]]:
    keys = queries.kpis(engine).set_index("kpi_id")["kpi"]
    changes = queries.process_changes(engine)
    return [(keys[k], p.strftime("%Y-%m"), r) for k, p, r in zip(changes["kpi_id"], changes["period"], changes["reason"])]


def test_a_process_changes_file_is_recognised_and_stored(city: Engine) -> None:
    result = ingest(city, CHANGES.encode(), name="changes.csv")

    assert (result.kind, result.status, result.new) == ("process_changes", "committed", 2)
    assert sorted(stored(city)) == [
        ("calls_answered_pct", "2014-03", "New CAD dispatch system live"),
        ("response_time", "2014-03", "New CAD dispatch system live"),
    ]


def test_the_same_file_again_changes_nothing_and_a_new_reason_is_a_correction(city: Engine) -> None:
    ingest(city, CHANGES.encode(), name="changes.csv")
    before = snapshot(city)
    assert ingest(city, CHANGES.encode(), name="changes.csv").status == "unchanged"
    assert snapshot(city) == before

    reworded = "department,kpi,period,reason\nems,response_time,2014-03,CAD dispatch (phase 1) live\n"
    result = ingest(city, reworded.encode(), name="reworded.csv")

    assert (result.new, result.changed) == (0, 1)
    assert ("response_time", "2014-03", "CAD dispatch (phase 1) live") in stored(city)
    batches.undo_batch(city, result.batch_id, actor="tester")
    assert ("response_time", "2014-03", "New CAD dispatch system live") in stored(city)


def test_bad_process_change_rows_are_refused_by_line_and_nothing_is_written(city: Engine) -> None:
    before = snapshot(city)
    data = (
        "department,kpi,period,reason\n"
        "ems,respons_time,2014-03,typo\n"
        "ems,response_time,2014-13,bad month\n"
        "ems,response_time,2014-05,\n"
        "ems,response_time,2014-06,twice\n"
        "ems,Response Time,2014-06,twice again\n"
    )

    result = ingest(city, data.encode(), name="changes.csv")

    assert result.status == "rejected"
    assert [(e.line, e.column) for e in result.errors] == [
        (2, "kpi"), (3, "period"), (4, "reason"), (5, None), (6, None)
    ]
    assert "did you mean 'response_time'?" in result.errors[0].message
    assert "appears more than once" in result.errors[3].message
    assert snapshot(city) == before


def test_exported_process_changes_upload_again_unchanged(city: Engine) -> None:
    ingest(city, CHANGES.encode(), name="changes.csv")
    exported = export_csv(city, "process_changes")

    assert exported.splitlines()[0] == "department,kpi,period,reason"
    assert "ems,response_time,2014-03,New CAD dispatch system live" in exported
    assert ingest(city, exported.encode(), name="exported.csv").status == "unchanged"
