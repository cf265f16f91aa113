"""Editing a KPI's dated targets: checked like an upload, written as one batch, undoable."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from louiestat.reading import queries
from louiestat.writing.batches import list_batches, undo_batch
from louiestat.writing.edits import save_process_changes, save_targets
from tests.conftest import snapshot


def kpi_id(engine: Engine, key: str) -> int:
    kpis = queries.kpis(engine)
    return int(kpis.loc[kpis["kpi"] == key, "kpi_id"].iloc[0])


def stored(engine: Engine, kpi: int) -> list[tuple[str, float]]:
    targets = queries.targets(engine, [kpi])
    return [(p.strftime("%Y-%m"), t) for p, t in zip(targets["effective_from"], targets["target"])]


def test_saving_targets_adds_changes_and_removes_them_in_one_batch(city: Engine) -> None:
    kpi = kpi_id(city, "response_time")
    first = save_targets(city, kpi, pd.DataFrame({"effective_from": ["2014-07", "2015-07"], "target": [8.5, 8.0]}),
                         actor="office")
    assert (first.new, first.changed, first.deleted) == (2, 0, 0)
    assert stored(city, kpi) == [("2014-07", 8.5), ("2015-07", 8.0)]

    second = save_targets(city, kpi, pd.DataFrame({"effective_from": ["2014-07"], "target": [8.25]}), actor="office")

    assert (second.new, second.changed, second.deleted) == (0, 1, 1)
    assert stored(city, kpi) == [("2014-07", 8.25)]
    batches = list_batches(city)
    assert batches.loc[0, ["kind", "actor", "source"]].tolist() == ["targets", "office", "Manage page"]
    undo_batch(city, second.batch_id, actor="office")
    assert stored(city, kpi) == [("2014-07", 8.5), ("2015-07", 8.0)]


def test_bad_target_rows_are_refused_by_row_and_nothing_is_written(city: Engine) -> None:
    kpi = kpi_id(city, "calls_answered_pct")
    before = snapshot(city)
    rows = pd.DataFrame(
        {"effective_from": ["2014-13", "2014-07", "2015-01", "2015-01", ""], "target": [90, 120, 95, 96, 90]}
    )

    result = save_targets(city, kpi, rows, actor="office")

    assert result.batch_id is None
    problems = {(p.line, p.column) for p in result.errors}
    assert problems == {(1, "From month"), (2, "Target"), (4, "From month"), (5, "From month")}
    messages = " ".join(p.message for p in result.errors)
    assert "month 13 does not exist" in messages and "0 to 100" in messages and "rows 3, 4" in messages
    assert snapshot(city) == before


def test_saving_the_same_targets_again_changes_nothing(city: Engine) -> None:
    kpi = kpi_id(city, "overtime_hours")
    rows = pd.DataFrame({"effective_from": ["2013-07"], "target": [90.0]})
    assert save_targets(city, kpi, rows, actor="office").batch_id is not None
    before = snapshot(city)

    again = save_targets(city, kpi, rows, actor="office")

    assert again.batch_id is None and again.message == "No change to save."
    assert snapshot(city) == before


def test_blank_target_cells_say_blank_and_full_dates_are_read_as_their_month(city: Engine) -> None:
    kpi = kpi_id(city, "overtime_hours")
    rows = pd.DataFrame({"effective_from": [None, "03/01/2014"], "target": [90.0, None]})

    result = save_targets(city, kpi, rows, actor="office")

    assert [(p.line, p.column, p.message) for p in result.errors] == [
        (1, "From month", "From month is blank; fill it in or delete the row"),
        (2, "Target", "Target is blank; fill it in or delete the row"),
    ]
    fixed = save_targets(city, kpi, pd.DataFrame({"effective_from": ["03/01/2014"], "target": [90.0]}), actor="o")
    assert fixed.new == 1 and stored(city, kpi) == [("2014-03", 90.0)]


def test_process_changes_are_saved_reworded_and_removed_as_batches(city: Engine) -> None:
    kpi = kpi_id(city, "response_time")
    rows = pd.DataFrame({"period": ["2014-03", "2015-07"], "reason": ["New CAD system", "Second station opened"]})

    first = save_process_changes(city, kpi, rows, actor="office")
    assert (first.new, first.deleted) == (2, 0)

    second = save_process_changes(city, kpi, pd.DataFrame({"period": ["2014-03"], "reason": ["New CAD dispatch"]}),
                                  actor="office")

    assert (second.new, second.changed, second.deleted) == (0, 1, 1)
    changes = queries.process_changes(city, [kpi])
    assert list(zip(changes["period"].dt.strftime("%Y-%m"), changes["reason"])) == [("2014-03", "New CAD dispatch")]
    assert list_batches(city).loc[0, "kind"] == "process_changes"


def test_a_process_change_without_a_reason_is_refused(city: Engine) -> None:
    kpi = kpi_id(city, "response_time")
    before = snapshot(city)

    result = save_process_changes(city, kpi, pd.DataFrame({"period": ["2014-03"], "reason": [" "]}), actor="office")

    assert [(p.line, p.column, p.message) for p in result.errors] == [
        (1, "What changed", "What changed is blank; fill it in or delete the row")]
    assert result.message == "Process changes not saved: 1 problem."
    assert snapshot(city) == before
