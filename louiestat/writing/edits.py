"""Editing a KPI's dated rows on the Manage page — its targets and its process changes. The edited table is
the KPI's complete list: rows are checked with the same rules as an upload, and what was added, changed or
removed is written through the versioned write path as one batch."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from pydantic import BaseModel
from sqlalchemy import Connection, Engine

from louiestat.access.principal import Principal, as_principal
from louiestat.db.versioned import PROCESS_CHANGES, TARGETS, Versioned, apply_diff, diff_rows
from louiestat.db.write_lock import OnWait
from louiestat.ingest.catalog import Catalog
from louiestat.ingest.dates import parse_periods
from louiestat.ingest.numbers import parse_numbers
from louiestat.ingest.problems import Problem, ProblemLog
from louiestat.ingest.schemas import range_text, valid_ranges
from louiestat.writing.service import Change, check, record, transaction

# The editor's columns as the Manage page heads them: problems name them so, never by their stored names.
HEADINGS = {"effective_from": "From month", "period": "From month", "target": "Target", "reason": "What changed"}
# Checks an edited column's text against the KPI (a row of Catalog.kpis) and returns the values to store.
ValueReader = Callable[[pd.Series, pd.Series, pd.Series, ProblemLog], np.ndarray]


class DatedEdit(BaseModel):
    """What saving a KPI's dated rows did: the batch and the counts, or the problems (by editor row, from 1)."""

    what: str
    batch_id: int | None = None
    new: int = 0
    changed: int = 0
    deleted: int = 0
    errors: list[Problem] = []

    @property
    def message(self) -> str:
        if self.errors:
            return f"{self.what} not saved: {len(self.errors)} problem{'s' if len(self.errors) != 1 else ''}."
        if self.batch_id is None:
            return "No change to save."
        return (
            f"{self.what} saved as batch {self.batch_id}: {self.new} new, {self.changed} changed, "
            f"{self.deleted} removed."
        )


def save_targets(
    engine: Engine, kpi_id: int, rows: pd.DataFrame, actor: Principal | str, source: str = "Manage page",
    on_wait: OnWait | None = None,
) -> DatedEdit:
    """Make ``rows`` (``effective_from`` as a month, ``target``) the KPI's complete list of dated targets;
    ``on_wait`` is told when the save waits for another write to finish."""
    return _save(
        engine, TARGETS, "Targets", kpi_id, rows, ("effective_from", "target", "value"), _read_targets, actor, source,
        on_wait,
    )


def save_process_changes(
    engine: Engine, kpi_id: int, rows: pd.DataFrame, actor: Principal | str, source: str = "Manage page",
    on_wait: OnWait | None = None,
) -> DatedEdit:
    """Make ``rows`` (``period`` as a month, ``reason``) the KPI's complete list of process changes;
    ``on_wait`` is told when the save waits for another write to finish."""
    return _save(
        engine, PROCESS_CHANGES, "Process changes", kpi_id, rows, ("period", "reason", "reason"), _read_reasons, actor,
        source, on_wait,
    )


def _read_targets(text: pd.Series, rows: pd.Series, kpi: pd.Series, log: ProblemLog) -> np.ndarray:
    """Targets as numbers within the KPI's valid range (as an upload's ``target`` column)."""
    values, errors = parse_numbers(text)
    bad = errors.notna().to_numpy() & (text != "").to_numpy()
    log.add_rows(rows[bad].to_numpy(), "target", text[bad].to_numpy(), errors[bad].to_numpy())
    low, high = valid_ranges(kpi["unit"], kpi["min_value"], kpi["max_value"])
    outside = ~np.isnan(values) & ((values < low) | (values > high))
    log.add_rows(rows[outside].to_numpy(), "target", text[outside].to_numpy(),
                 f"target outside the valid range for this KPI: {range_text(low, high)}")
    return np.where(outside, np.nan, values)


def _read_reasons(text: pd.Series, rows: pd.Series, kpi: pd.Series, log: ProblemLog) -> np.ndarray:
    """Reasons as given (blank ones are reported with every other blank cell)."""
    return np.where(text == "", np.nan, text.to_numpy(dtype=object))


def _save(
    engine: Engine,
    spec: Versioned,
    what: str,
    kpi_id: int,
    rows: pd.DataFrame,
    columns: tuple[str, str, str],
    read_value: ValueReader,
    actor: Principal | str,
    source: str,
    on_wait: OnWait | None,
) -> DatedEdit:
    """``columns``: the editor's month and value columns, and the table column the value is stored in."""
    month_column, value_column, stored_value = columns
    log = ProblemLog()
    text = rows[[month_column, value_column]].astype("string").fillna("").apply(lambda c: c.str.strip())
    numbers = pd.Series(np.arange(1, len(rows) + 1))
    for column in (month_column, value_column):
        blank = (text[column] == "").to_numpy()
        log.add_rows(numbers[blank].to_numpy(), column, None, f"{HEADINGS[column]} is blank; fill it in or delete "
                     "the row")
    months, month_errors = parse_periods(text[month_column])
    bad = month_errors.notna().to_numpy() & (text[month_column] != "").to_numpy()
    log.add_rows(numbers[bad].to_numpy(), month_column, text[month_column][bad].to_numpy(), month_errors[bad].to_numpy())
    principal = as_principal(actor)
    with transaction(engine, principal, doing="edit", on_wait=on_wait) as conn:
        catalog = Catalog.load(conn)
        kpi = catalog.kpis.set_index("id").loc[kpi_id]
        department = catalog.departments.set_index("id").at[kpi["department_id"], "slug"]
        change = Change(kind=spec.table.name, source=source, departments=[department], what=what.lower())
        check(conn, principal, change)
        values = read_value(text[value_column], numbers, kpi, log)
        incoming = pd.DataFrame({"kpi_id": kpi_id, spec.month_columns[0]: months, stored_value: values, "row": numbers})
        incoming = incoming[(months >= 0) & pd.notna(values)]
        _report_repeated_months(incoming, spec.month_columns[0], month_column, log)
        if log.has_errors:
            errors = [p.model_copy(update={"column": HEADINGS.get(p.column or "", p.column)}) for p in log.problems("error")]
            return DatedEdit(what=what, errors=errors)
        return _write(conn, spec, what, kpi_id, incoming.drop(columns="row"), stored_value, principal, change)


def _report_repeated_months(incoming: pd.DataFrame, month: str, column: str, log: ProblemLog) -> None:
    for value in incoming.loc[incoming.duplicated(month, keep=False), month].unique():
        same = incoming.loc[incoming[month] == value, "row"].tolist()
        log.error(f"two rows for the same month (rows {', '.join(map(str, same))}); keep one", line=same[-1],
                  column=column)


def _write(
    conn: Connection, spec: Versioned, what: str, kpi_id: int, incoming: pd.DataFrame, value: str, by: Principal,
    change: Change,
) -> DatedEdit:
    stored = spec.read(conn, spec.table.c.kpi_id == kpi_id)
    diff = diff_rows(stored, incoming, list(spec.identity), [value], delete_missing=True)
    if not diff.changes_anything:
        return DatedEdit(what=what)
    counts = diff.counts

    def apply(c: Connection, batch_id: int) -> dict[str, int]:
        apply_diff(c, spec, diff, batch_id)
        return {"rows_total": len(incoming), "inserted": counts["new"], "updated": counts["changed"],
                "unchanged": counts["unchanged"], "deleted": counts["deleted"]}

    batch_id = record(conn, by, change, apply)
    return DatedEdit(what=what, batch_id=batch_id, new=counts["new"], changed=counts["changed"],
                     deleted=counts["deleted"])
