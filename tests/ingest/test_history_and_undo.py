"""Re-uploads, corrections and undo: the same file changes nothing, a corrected file changes only what differs
and keeps the old values in the history, and an undo puts back exactly what a batch replaced."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from louiestat.db.models import Batch, observation_history
from louiestat.ingest import UploadResult, ingest
from louiestat.reading import queries
from louiestat.writing import batches
from tests.conftest import snapshot

FIRST = (
    "department,kpi,period,value,note\n"
    "hr,overtime_hours,2013-01,100,\n"
    "hr,overtime_hours,2013-02,110,\n"
    "hr,overtime_hours,2013-03,120,storm\n"
    "ems,response_time,2013-01,8.5,\n"
)
CORRECTED = (
    "department,kpi,period,value,note\n"
    "hr,overtime_hours,2013-01,100,\n"
    "hr,overtime_hours,2013-02,112,recounted\n"
    "hr,overtime_hours,2013-03,120,storm and flood\n"
    "ems,response_time,2013-01,8.5,\n"
    "ems,response_time,2013-02,8.7,\n"
)


def upload(engine: Engine, data: str, name: str = "values.csv", **options) -> UploadResult:
    result = ingest(engine, data.encode(), name=name, **options)
    assert result.status in {"committed", "unchanged"}, [str(e) for e in result.errors]
    return result


def batch(engine: Engine, batch_id: int) -> dict:
    table = Batch.__table__
    with engine.connect() as conn:
        return dict(conn.execute(table.select().where(table.c.id == batch_id)).mappings().one())


def data_tables(state: dict) -> dict:
    return {name: state[name] for name in ("departments", "kpis", "targets", "observations", "positions")}


def test_uploading_the_same_file_again_changes_nothing_and_says_so(city: Engine) -> None:
    upload(city, FIRST)
    before = snapshot(city)
    again = upload(city, FIRST)
    assert (again.status, again.new, again.changed, again.unchanged, again.batch_id) == ("unchanged", 0, 0, 4, None)
    assert again.message == "values.csv changes nothing: all 4 rows are already stored (0 inserted, 0 updated)."
    assert snapshot(city) == before


def test_the_same_values_in_another_format_change_nothing(city: Engine) -> None:
    upload(city, FIRST)
    before = snapshot(city)
    reformatted = (
        "KPI;Department;Period;Value;Note\r\n"
        "Unscheduled overtime hours;Human Resources;1/2013;100.0;\r\n"
        "overtime_hours;hr;02/01/2013;110;\r\n"
        "OVERTIME_HOURS;HR;2013-03-15;120;storm\r\n"
        "response time;ems;2013-01;8.50;\r\n"
    )
    assert upload(city, reformatted).status == "unchanged"
    assert snapshot(city) == before


def test_a_corrected_file_updates_only_the_changed_rows_and_keeps_the_old_values(city: Engine) -> None:
    first = upload(city, FIRST)
    corrected = upload(city, CORRECTED, name="values-corrected.csv")
    assert (corrected.status, corrected.new, corrected.changed, corrected.unchanged) == ("committed", 1, 2, 2)
    recorded = batch(city, corrected.batch_id)
    assert {k: recorded[k] for k in ("kind", "source", "actor", "rows_total", "inserted", "updated", "unchanged")} == {
        "kind": "values",
        "source": "values-corrected.csv",
        "actor": "tester",
        "rows_total": 5,
        "inserted": 1,
        "updated": 2,
        "unchanged": 2,
    }
    observations = {(row[0], row[1]): (row[2], row[4]) for row in snapshot(city)["observations"]}
    assert observations[(2, dt.date(2013, 2, 1))] == (112.0, corrected.batch_id)
    assert observations[(2, dt.date(2013, 1, 1))] == (100.0, first.batch_id), "unchanged rows keep their batch"
    names = [c.name for c in observation_history.columns]
    history = sorted(
        (dict(zip(names, row)) for row in snapshot(city)["observations_history"]), key=lambda r: r["period"]
    )
    assert [(r["period"], r["value"], r["note"], r["batch_id"], r["superseded_by_batch_id"]) for r in history] == [
        (dt.date(2013, 2, 1), 110.0, None, first.batch_id, corrected.batch_id),
        (dt.date(2013, 3, 1), 120.0, "storm", first.batch_id, corrected.batch_id),
    ]


def test_each_correction_adds_the_version_it_replaced(city: Engine) -> None:
    batch_ids = [upload(city, FIRST.replace("110", str(v))).batch_id for v in (110, 111, 112)]
    history = snapshot(city)["observations_history"]
    versions = sorted((row[3], row[5], row[-1]) for row in history)
    assert versions == [(110.0, batch_ids[0], batch_ids[1]), (111.0, batch_ids[1], batch_ids[2])]


def test_undo_restores_the_values_a_batch_replaced_exactly(city: Engine) -> None:
    upload(city, "department,kpi,period,value,target\nhr,overtime_hours,2012-12,90,95\n")
    upload(city, FIRST)
    before = snapshot(city)
    corrected = upload(
        city,
        "department,kpi,period,value,note,target\n"
        "hr,overtime_hours,2013-01,100,,\n"
        "hr,overtime_hours,2013-02,112,recounted,80\n"
        "hr,overtime_hours,2013-03,120,storm and flood,\n"
        "ems,response_time,2013-02,8.7,,\n",
    )
    assert (corrected.status, corrected.new, corrected.changed) == ("committed", 1, 2)
    assert corrected.details["targets_new"] == 1
    result = batches.undo_batch(city, corrected.batch_id, actor="supervisor")
    assert result.rows == {"observations": 3, "targets": 1}
    assert (result.removed, result.restored) == ({"observations": 1, "targets": 1}, {"observations": 2})
    after = snapshot(city)
    assert data_tables(after) == data_tables(before)
    assert result.message == (
        f"Undid batch {corrected.batch_id} (the undo is batch {result.undo_batch_id}): "
        "removed 1 value and 1 target it added, restored 2 values it changed."
    )


def test_undo_marks_the_batch_undone_and_records_who_undid_it(city: Engine) -> None:
    upload(city, FIRST)
    corrected = upload(city, CORRECTED)
    result = batches.undo_batch(city, corrected.batch_id, actor="supervisor")
    undone = batch(city, corrected.batch_id)
    assert (undone["status"], undone["undone_by_id"]) == ("undone", result.undo_batch_id)
    undo = batch(city, result.undo_batch_id)
    assert (undo["kind"], undo["actor"], undo["undoes_id"], undo["source"], undo["status"]) == (
        "undo",
        "supervisor",
        corrected.batch_id,
        f"undo of batch {corrected.batch_id}",
        "committed",
    )
    listed = batches.list_batches(city)
    assert listed["id"].tolist()[:2] == [result.undo_batch_id, corrected.batch_id]


def test_the_undone_versions_stay_in_the_history_under_the_undo_batch(city: Engine) -> None:
    first = upload(city, FIRST)
    corrected = upload(city, CORRECTED)
    result = batches.undo_batch(city, corrected.batch_id, actor="supervisor")
    history = sorted((row[3], row[5], row[-1]) for row in snapshot(city)["observations_history"])
    assert history == [
        (8.7, corrected.batch_id, result.undo_batch_id),
        (112.0, corrected.batch_id, result.undo_batch_id),
        (120.0, corrected.batch_id, result.undo_batch_id),
    ]
    assert all(row[5] != first.batch_id for row in snapshot(city)["observations_history"])


def test_after_an_undo_the_corrected_file_can_be_uploaded_again(city: Engine) -> None:
    upload(city, FIRST)
    corrected = upload(city, CORRECTED)
    state = data_tables(snapshot(city))
    batches.undo_batch(city, corrected.batch_id, actor="supervisor")
    again = upload(city, CORRECTED)
    assert (again.status, again.new, again.changed) == ("committed", 1, 2)
    assert [row[:4] for row in data_tables(snapshot(city))["observations"]] == [
        row[:4] for row in state["observations"]
    ]


def test_undo_of_a_definitions_update_restores_the_old_target(city: Engine) -> None:
    before = snapshot(city)
    update = ingest(
        city,
        b"department,department_name,kpi,kpi_name,unit,direction,target\n"
        b"hr,Human Resources,overtime_hours,Unscheduled overtime hours,hours,lower_is_better,50\n",
        name="definitions.csv",
    )
    assert (update.status, update.changed) == ("committed", 1)
    batches.undo_batch(city, update.batch_id, actor="supervisor")
    assert data_tables(snapshot(city)) == data_tables(before)


def test_undo_of_a_hiring_upload_restores_the_time_to_fill_values(city: Engine) -> None:
    hiring = (
        "department,position_id,posted_date,filled_date\nhr,P-1,2013-01-01,2013-01-31\nhr,P-2,2013-01-01,2013-02-11\n"
    )
    upload(city, hiring, name="hiring.csv")
    before = snapshot(city)
    correction = upload(city, hiring.replace("2013-02-11", "2013-01-21"), name="hiring.csv")
    assert correction.details["time_to_fill_values_deleted"] == 1
    result = batches.undo_batch(city, correction.batch_id, actor="supervisor")
    assert result.rows == {"positions": 1, "observations": 2}
    assert data_tables(snapshot(city)) == data_tables(before)


def test_undo_is_refused_while_a_later_batch_changed_the_same_rows(city: Engine) -> None:
    first = upload(city, FIRST)
    corrected = upload(city, CORRECTED)
    before = snapshot(city)
    with pytest.raises(batches.UndoRefused) as refused:
        batches.undo_batch(city, first.batch_id, actor="supervisor")
    assert str(refused.value) == (
        f"later batches ({corrected.batch_id}) changed or depend on rows batch {first.batch_id} wrote; "
        "undo them first, newest first"
    )
    assert snapshot(city) == before
    batches.undo_batch(city, corrected.batch_id, actor="supervisor")
    batches.undo_batch(city, first.batch_id, actor="supervisor")
    assert snapshot(city)["observations"] == []


def test_a_later_batch_on_other_rows_does_not_block_an_undo(city: Engine) -> None:
    first = upload(city, FIRST)
    other = upload(city, "department,kpi,period,value\nhr,overtime_hours,2014-01,100\n")
    result = batches.undo_batch(city, first.batch_id, actor="supervisor")
    assert result.rows == {"observations": 4}
    remaining = [(row[0], row[1], row[4]) for row in snapshot(city)["observations"]]
    assert remaining == [(2, dt.date(2014, 1, 1), other.batch_id)]


def test_undo_is_refused_when_a_later_batch_built_on_a_kpi_it_created(city: Engine) -> None:
    created = ingest(
        city,
        b"department,department_name,kpi,kpi_name,unit,direction,target\n"
        b"parks,Parks,mowing,Acres mowed,count,higher_is_better,\n",
        name="definitions.csv",
    )
    values = upload(city, "department,kpi,period,value\nparks,mowing,2013-01,40\n")
    before = snapshot(city)
    with pytest.raises(batches.UndoRefused, match=rf"later batches \({values.batch_id}\) changed or depend on rows"):
        batches.undo_batch(city, created.batch_id, actor="supervisor")
    assert snapshot(city) == before


def test_undo_of_an_undo_is_refused(city: Engine) -> None:
    upload(city, FIRST)
    corrected = upload(city, CORRECTED)
    result = batches.undo_batch(city, corrected.batch_id, actor="supervisor")
    before = snapshot(city)
    with pytest.raises(batches.UndoRefused) as refused:
        batches.undo_batch(city, result.undo_batch_id, actor="supervisor")
    assert str(refused.value) == (
        f"batch {result.undo_batch_id} is itself an undo; to redo the change, upload the file again"
    )
    with pytest.raises(batches.UndoRefused) as again:
        batches.undo_batch(city, corrected.batch_id, actor="supervisor")
    assert str(again.value) == f"batch {corrected.batch_id} was already undone by batch {result.undo_batch_id}"
    assert snapshot(city) == before


def test_undo_of_an_unknown_batch_is_refused(city: Engine) -> None:
    before = snapshot(city)
    with pytest.raises(batches.UndoRefused) as refused:
        batches.undo_batch(city, 999, actor="supervisor")
    assert str(refused.value) == "there is no batch 999; `python -m louiestat batches` lists them"
    assert snapshot(city) == before


def test_a_file_without_the_note_column_keeps_the_stored_notes(city: Engine) -> None:
    first = upload(city, FIRST)
    without_notes = "department,kpi,period,value\nhr,overtime_hours,2013-03,125\nhr,overtime_hours,2013-04,130\n"
    result = upload(city, without_notes)
    assert (result.new, result.changed, result.unchanged) == (1, 1, 0)
    notes = {row[1]: (row[2], row[3], row[4]) for row in snapshot(city)["observations"] if row[0] == 2}
    assert notes[dt.date(2013, 3, 1)] == (125.0, "storm", result.batch_id)
    assert notes[dt.date(2013, 4, 1)] == (130.0, None, result.batch_id)
    assert upload(city, FIRST.replace("120,storm", "125,storm")).status == "unchanged"
    assert notes[dt.date(2013, 1, 1)] == (100.0, None, first.batch_id)


def test_a_blank_note_in_a_note_column_clears_the_stored_note(city: Engine) -> None:
    upload(city, FIRST)
    result = upload(city, "department,kpi,period,value,note\nhr,overtime_hours,2013-03,120,\n")
    assert (result.new, result.changed) == (0, 1)
    notes = {row[1]: row[3] for row in snapshot(city)["observations"] if row[0] == 2}
    assert notes[dt.date(2013, 3, 1)] is None


def test_an_undone_kpis_id_is_never_given_to_a_new_kpi(city: Engine) -> None:
    created = upload(city, "department,department_name,kpi,kpi_name,unit,direction,target\n"
                           "hr,Human Resources,potholes,Potholes,count,higher_is_better,10\n", name="one.csv")
    undone_id = int(queries.kpis(city).set_index("kpi").at["potholes", "kpi_id"])
    batches.undo_batch(city, created.batch_id, actor="tester")

    upload(city, "department,department_name,kpi,kpi_name,unit,direction,target\n"
                 "hr,Human Resources,sick,Sick days,days,lower_is_better,5\n", name="two.csv")

    assert int(queries.kpis(city).set_index("kpi").at["sick", "kpi_id"]) > undone_id


def test_batch_times_are_timestamps_on_every_database(city: Engine) -> None:
    listed = batches.list_batches(city)
    assert str(listed["created_at"].dtype).startswith("datetime64")
