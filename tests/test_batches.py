"""Undo at scale: undoing a correction of every value of a large city puts back exactly what it replaced,
removes what it added and puts back what it deleted, in time that grows with the batch (on SQLite and
PostgreSQL)."""

from __future__ import annotations

import time

import pandas as pd
from sqlalchemy import Engine

from louiestat.ingest import UploadResult, ingest
from louiestat.writing import batches
from louiestat.writing.batches import undo_batch
from louiestat.writing.edits import save_targets
from tests.conftest import snapshot

KPIS, MONTHS = 200, 100  # 20,000 values
VERSIONED = ("departments", "kpis", "targets", "process_changes", "observations", "positions")


def definitions() -> str:
    rows = [f"dept_{k % 4},Department {k % 4},kpi_{k},KPI {k},count,higher_is_better,100" for k in range(KPIS)]
    return "department,department_name,kpi,kpi_name,unit,direction,target\n" + "\n".join(rows) + "\n"


def values(shift: float, months: range = range(MONTHS), note: str = "") -> str:
    """Every KPI's value for ``months`` (0 = January 2010), each ``shift`` above the first upload's."""
    rows = [
        f"dept_{k % 4},kpi_{k},{2010 + m // 12}-{m % 12 + 1:02d},{(k * 7 + m * 13) % 1000 + 0.5 + shift},{note}"
        for k in range(KPIS)
        for m in months
    ]
    return "department,kpi,period,value,note\n" + "\n".join(rows) + "\n"


def upload(engine: Engine, text: str, name: str) -> UploadResult:
    result = ingest(engine, text.encode(), name=name)
    assert result.status == "committed", result.message
    return result


def versioned_tables(engine: Engine) -> dict[str, list[tuple]]:
    state = snapshot(engine)
    return {name: state[name] for name in VERSIONED}


def test_undo_of_a_correction_of_20000_values_restores_every_value_exactly_and_fast(engine: Engine) -> None:
    upload(engine, definitions(), "definitions.csv")
    upload(engine, values(0), "values.csv")
    before = versioned_tables(engine)
    correction = upload(engine, values(1.25, note="recounted"), "values-corrected.csv")
    assert (correction.changed, correction.new) == (KPIS * MONTHS, 0)

    start = time.perf_counter()
    result = undo_batch(engine, correction.batch_id, actor="supervisor")
    seconds = time.perf_counter() - start

    assert result.rows == {"observations": KPIS * MONTHS}
    assert versioned_tables(engine) == before
    assert seconds < 30, f"undoing 20,000 values took {seconds:.1f} s"


def test_undo_of_a_batch_that_added_values_removes_them_and_restores_the_ones_it_changed(engine: Engine) -> None:
    upload(engine, definitions(), "definitions.csv")
    upload(engine, values(0, range(50)), "values.csv")
    before = versioned_tables(engine)
    grown = upload(engine, values(2, range(40, MONTHS)), "values-more.csv")
    assert (grown.changed, grown.new) == (KPIS * 10, KPIS * 50)

    result = undo_batch(engine, grown.batch_id, actor="supervisor")

    assert result.rows == {"observations": KPIS * 60}
    after = versioned_tables(engine)
    assert len(after["observations"]) == KPIS * 50
    assert after == before


def test_undo_of_an_edit_that_removed_targets_puts_them_back(engine: Engine) -> None:
    upload(engine, definitions(), "definitions.csv")
    upload(
        engine,
        "department,kpi,period,value,target\n" + "".join(f"dept_0,kpi_0,2010-{m:02d},5,{90 + m}\n" for m in range(1, 13)),
        "targets.csv",
    )
    before = versioned_tables(engine)
    kpi_id = next(row[0] for row in before["kpis"] if row[2] == "kpi_0")
    edit = save_targets(engine, kpi_id, pd.DataFrame({"effective_from": ["2010-01"], "target": ["91"]}), actor="me")
    assert (edit.deleted, len(versioned_tables(engine)["targets"])) == (11, 1)

    undo_batch(engine, edit.batch_id, actor="supervisor")

    assert versioned_tables(engine) == before


def test_the_data_version_moves_with_data_writes_and_not_with_stat_meeting_writes(sample_city: Engine) -> None:
    from louiestat.meetings.sample import load_sample_meetings

    assert batches.data_version(sample_city) == batches.newest_batch(sample_city) == 4
    load_sample_meetings(sample_city, "sample")
    assert batches.data_version(sample_city) == 4 < batches.newest_batch(sample_city)
    newest = batches.newest_batch(sample_city)
    csv = b"department,kpi,period,value\nems,response_time,2016-06,12.5\n"
    assert ingest(sample_city, csv, name="june.csv", actor="tester").status == "committed"
    assert batches.data_version(sample_city) == batches.newest_batch(sample_city) == newest + 1
