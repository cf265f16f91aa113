"""Editing a KPI's dated targets (the Manage page): the rows are checked with the same rules as an upload's
``target`` column, and the change is written through the versioned write path as one batch."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel
from sqlalchemy import Engine

from louiestat.batches import close_batch, open_batch
from louiestat.db.engine import write_transaction
from louiestat.db.versioned import TARGETS, apply_diff, diff_rows
from louiestat.ingest.catalog import Catalog
from louiestat.ingest.dates import parse_periods
from louiestat.ingest.numbers import parse_numbers
from louiestat.ingest.problems import Problem, ProblemLog
from louiestat.ingest.schemas import NON_NEGATIVE_UNITS, range_text


class TargetEdit(BaseModel):
    """What saving a KPI's targets did: the batch, the counts, or the problems (by editor row, from 1)."""

    batch_id: int | None = None
    new: int = 0
    changed: int = 0
    deleted: int = 0
    errors: list[Problem] = []

    @property
    def message(self) -> str:
        if self.errors:
            return f"Targets not saved: {len(self.errors)} problem{'s' if len(self.errors) != 1 else ''}."
        if self.batch_id is None:
            return "No change to save."
        return f"Targets saved as batch {self.batch_id}: {self.new} new, {self.changed} changed, {self.deleted} removed."


def save_targets(engine: Engine, kpi_id: int, rows: pd.DataFrame, actor: str, source: str = "Manage page") -> TargetEdit:
    """Make ``rows`` (``effective_from`` as a month, ``target``) the KPI's complete list of dated targets."""
    log = ProblemLog()
    text = rows[["effective_from", "target"]].astype("string").fillna("").apply(lambda c: c.str.strip())
    numbers = pd.Series(np.arange(1, len(rows) + 1))
    for column in ("effective_from", "target"):
        blank = (text[column] == "").to_numpy()
        log.add_rows(numbers[blank].to_numpy(), column, None, f"blank {column}; fill it in or delete the row")
    months, month_errors = parse_periods(text["effective_from"])
    values, value_errors = parse_numbers(text["target"])
    for column, errors in (("effective_from", month_errors), ("target", value_errors)):
        bad = errors.notna().to_numpy() & (text[column] != "").to_numpy()
        log.add_rows(numbers[bad].to_numpy(), column, text[column][bad].to_numpy(), errors[bad].to_numpy())
    incoming = pd.DataFrame({"kpi_id": kpi_id, "effective_from": months, "value": values, "row": numbers})
    incoming = incoming[(months >= 0) & ~np.isnan(values)]
    for month in incoming.loc[incoming.duplicated("effective_from", keep=False), "effective_from"].unique():
        same = incoming.loc[incoming["effective_from"] == month, "row"].tolist()
        log.error(f"two targets from the same month (rows {', '.join(map(str, same))}); keep one", line=same[-1],
                  column="effective_from")
    with write_transaction(engine) as conn:
        kpi = Catalog.load(conn).kpis.set_index("id").loc[kpi_id]
        low = max(kpi["min_value"] if pd.notna(kpi["min_value"]) else -np.inf,
                  0.0 if kpi["unit"] in NON_NEGATIVE_UNITS else -np.inf)
        high = kpi["max_value"] if pd.notna(kpi["max_value"]) else np.inf
        outside = incoming[(incoming["value"] < low) | (incoming["value"] > high)]
        for row, value in zip(outside["row"], outside["value"]):
            log.error(f"target outside the valid range for this KPI: {range_text(low, high)}", line=int(row),
                      column="target", value=f"{value:g}")
        if log.has_errors:
            return TargetEdit(errors=log.problems("error"))
        stored = TARGETS.read(conn, TARGETS.table.c.kpi_id == kpi_id)
        diff = diff_rows(
            stored, incoming.drop(columns="row"), ["kpi_id", "effective_from"], ["value"], delete_missing=True
        )
        if not diff.changes_anything:
            return TargetEdit()
        batch_id = open_batch(conn, kind="targets", source=source, actor=actor)
        apply_diff(conn, TARGETS, diff, batch_id)
        counts = diff.counts
        close_batch(conn, batch_id, rows_total=len(incoming), inserted=counts["new"], updated=counts["changed"],
                    unchanged=counts["unchanged"], deleted=counts["deleted"])
    return TargetEdit(batch_id=batch_id, new=counts["new"], changed=counts["changed"], deleted=counts["deleted"])
