"""Versioned tables: the one mechanism behind every write. A change is diffed against what is stored, the
replaced versions go to the table's history with the batch that replaced them, and a batch can be undone by
putting those versions back."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Connection, Table, and_, delete, exists, func, insert, literal, select, update
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Integer

from louiestat.db import bulk, models


class sql_month_number(FunctionElement):
    """SQL for a date column's month number (``year * 12 + month - 1``), so diffs compare integers."""

    type = Integer()
    inherit_cache = True


@compiles(sql_month_number)
def _month_number_default(element, compiler, **kw):
    (col,) = list(element.clauses)
    c = compiler.process(col, **kw)
    return f"(CAST(EXTRACT(YEAR FROM {c}) AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM {c}) AS INTEGER) - 1)"


@compiles(sql_month_number, "sqlite")
def _month_number_sqlite(element, compiler, **kw):
    (col,) = list(element.clauses)
    c = compiler.process(col, **kw)
    return f"(CAST(substr({c}, 1, 4) AS INTEGER) * 12 + CAST(substr({c}, 6, 2) AS INTEGER) - 1)"


@dataclass(frozen=True)
class Versioned:
    """A table whose rows are versioned: ``identity`` names a row across versions; ``month_columns`` are Date
    columns holding first-of-month dates, handled as month numbers in frames."""

    table: Table
    history: Table
    identity: tuple[str, ...]
    month_columns: tuple[str, ...] = ()
    date_columns: tuple[str, ...] = ()

    @property
    def columns(self) -> list[str]:
        return [c.name for c in self.table.columns]

    @property
    def data_columns(self) -> list[str]:
        return [c for c in self.columns if c not in self.identity and c != "batch_id"]

    def selectable(self, *where: ColumnElement[bool]):
        """SELECT of every column, month columns as month numbers."""
        cols = [
            sql_month_number(self.table.c[c]).label(c) if c in self.month_columns else self.table.c[c] for c in self.columns
        ]
        return select(*cols).where(*where)

    def read(self, conn: Connection, *where: ColumnElement[bool]) -> pd.DataFrame:
        """Stored rows matching ``where``, as a frame with month columns as month numbers."""
        frame = bulk.fetch_frame(conn, self.selectable(*where))
        for c in self.date_columns:
            frame[c] = pd.to_datetime(frame[c])
        return frame


DEPARTMENTS = Versioned(models.table_of(models.Department), models.department_history, ("id",))
KPIS = Versioned(models.table_of(models.Kpi), models.kpi_history, ("id",))
TARGETS = Versioned(models.table_of(models.Target), models.target_history, ("kpi_id", "effective_from"), ("effective_from",))
PROCESS_CHANGES = Versioned(
    models.table_of(models.ProcessChange), models.process_change_history, ("kpi_id", "period"), ("period",)
)
OBSERVATIONS = Versioned(models.table_of(models.Observation), models.observation_history, ("kpi_id", "period"), ("period",))
POSITIONS = Versioned(
    models.table_of(models.Position),
    models.position_history,
    ("department_id", "position_id"),
    date_columns=("posted_date", "filled_date"),
)
MEETINGS = Versioned(models.table_of(models.Meeting), models.meeting_history, ("id",), date_columns=("date",))
AGENDA_ITEMS = Versioned(models.table_of(models.AgendaItemRow), models.agenda_item_history, ("id",))
FOLLOWUPS = Versioned(
    models.table_of(models.FollowUpRow), models.followup_history, ("id",), date_columns=("due", "revised_due", "closed_at")
)
# Parents before children: inserts run in this order, deletes in reverse.
ALL = (DEPARTMENTS, KPIS, TARGETS, PROCESS_CHANGES, OBSERVATIONS, POSITIONS, MEETINGS, AGENDA_ITEMS, FOLLOWUPS)


@dataclass
class RowDiff:
    """What writing ``incoming`` over the stored rows would do."""

    new: pd.DataFrame
    changed: pd.DataFrame
    replaced: pd.DataFrame
    unchanged: int
    deleted: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def changes_anything(self) -> bool:
        return not (self.new.empty and self.changed.empty and self.deleted.empty)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "deleted": len(self.deleted),
        }


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Elementwise equality where two missing values count as equal."""
    a_na, b_na = a.isna().to_numpy(), b.isna().to_numpy()
    equal = (a.astype(object).to_numpy() == b.astype(object).to_numpy()) & ~a_na & ~b_na
    return equal | (a_na & b_na)


def diff_rows(
    existing: pd.DataFrame, incoming: pd.DataFrame, match: list[str], compare: list[str], delete_missing: bool = False
) -> RowDiff:
    """Split ``incoming`` into new, changed and unchanged rows by the ``match`` columns.

    ``changed`` rows take the stored row's other columns (such as its id); ``replaced`` holds the stored
    versions of the changed rows, whole, for the history. With ``delete_missing``, ``incoming`` is the
    complete new set: stored rows it lacks become ``deleted``."""
    if delete_missing and not existing.empty:
        kept = existing.merge(incoming[match].drop_duplicates(), on=match, how="left", indicator=True)
        diff = diff_rows(existing, incoming, match, compare)
        diff.deleted = kept.loc[kept["_merge"] == "left_only", existing.columns].reset_index(drop=True)
        return diff
    if existing.empty:
        return RowDiff(new=incoming.reset_index(drop=True), changed=incoming.iloc[:0], replaced=existing, unchanged=0)
    merged = incoming.merge(existing, on=match, how="left", suffixes=("", "_old"), indicator=True)
    found = (merged["_merge"] == "both").to_numpy()
    same = np.ones(len(merged), dtype=bool)
    for c in compare:
        same &= _same(merged[c], merged[f"{c}_old"] if f"{c}_old" in merged else merged[c])
    new = incoming.loc[~found]
    changed_mask = found & ~same
    keep = [c for c in existing.columns if c not in match and c not in compare and c != "batch_id"]
    changed = merged.loc[changed_mask, match + compare + keep]
    replaced = existing.merge(changed[match], on=match, how="inner")[existing.columns]
    return RowDiff(
        new=new.reset_index(drop=True),
        changed=changed.reset_index(drop=True),
        replaced=replaced.reset_index(drop=True),
        unchanged=int((found & same).sum()),
    )


def apply_diff(conn: Connection, spec: Versioned, diff: RowDiff, batch_id: int) -> None:
    """Write a diff: old versions into the history (superseded by ``batch_id``), then update, delete, insert."""
    history_columns = [*spec.columns, "superseded_by_batch_id"]
    for old in (diff.replaced, diff.deleted):
        if not old.empty:
            bulk.insert_rows(conn, spec.history, old.assign(superseded_by_batch_id=batch_id), history_columns)
    if not diff.deleted.empty:
        bulk.delete_rows(conn, spec.table, diff.deleted, spec.identity)
    if not diff.changed.empty:
        values = [c for c in spec.data_columns if c in diff.changed.columns]
        bulk.update_rows(conn, spec.table, diff.changed.assign(batch_id=batch_id), spec.identity, [*values, "batch_id"])
    if not diff.new.empty:
        columns = [c for c in spec.columns if c in diff.new.columns and c != "batch_id"]
        bulk.insert_rows(conn, spec.table, diff.new.assign(batch_id=batch_id), [*columns, "batch_id"])


def supersede(conn: Connection, spec: Versioned, where: ColumnElement[bool], batch_id: int) -> None:
    """Keep the stored versions of the rows matching ``where`` in the history, as replaced by ``batch_id``: for
    writers that change or delete rows one by one with SQL rather than through a diff."""
    conn.execute(
        insert(spec.history).from_select(
            [*spec.columns, "superseded_by_batch_id"], select(*spec.table.c, literal(batch_id)).where(where)
        )
    )


def _identity(a: Table, b: Table) -> ColumnElement[bool]:
    return and_(*(a.c[c] == b.c[c] for c in _IDENTITY[a.name]))


_IDENTITY = {}
for _spec in ALL:
    _IDENTITY[_spec.table.name] = _spec.identity
    _IDENTITY[_spec.history.name] = _spec.identity


# Tables whose rows point at a parent's rows: a parent created by a batch cannot be removed while they do.
DEPENDENTS = {
    "departments": ((KPIS, "department_id"), (POSITIONS, "department_id"), (MEETINGS, "department_id"),
                    (FOLLOWUPS, "department_id")),
    "kpis": ((TARGETS, "kpi_id"), (PROCESS_CHANGES, "kpi_id"), (OBSERVATIONS, "kpi_id")),
    "meetings": ((AGENDA_ITEMS, "meeting_id"), (FOLLOWUPS, "raised_in")),
}


def later_changes(conn: Connection, batch_id: int) -> set[int]:
    """Batches that later replaced, re-created or built on rows this batch wrote: undo them first."""
    blockers: set[int] = set()
    for spec in (DEPARTMENTS, KPIS, MEETINGS):
        t, h = spec.table, spec.history
        created = select(t.c.id).where(
            t.c.batch_id == batch_id,
            ~exists(select(literal(1)).where(h.c.superseded_by_batch_id == batch_id, h.c.id == t.c.id)),
        )
        for child, column in DEPENDENTS[t.name]:
            ct = child.table
            blockers.update(
                conn.execute(
                    select(ct.c.batch_id).where(ct.c[column].in_(created), ct.c.batch_id != batch_id).distinct()
                ).scalars()
            )
    for spec in ALL:
        t, h = spec.table, spec.history
        blockers.update(
            conn.execute(select(h.c.superseded_by_batch_id).where(h.c.batch_id == batch_id).distinct()).scalars()
        )
        rewritten = (
            select(t.c.batch_id)
            .select_from(h.join(t, _identity(h, t)))
            .where(h.c.superseded_by_batch_id == batch_id, t.c.batch_id != batch_id)
            .distinct()
        )
        blockers.update(conn.execute(rewritten).scalars())
    return blockers


def undo_rows(conn: Connection, batch_id: int, undo_batch_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """Put back every version ``batch_id`` replaced or deleted and remove what it inserted, keeping its own
    versions in the history as superseded by ``undo_batch_id``. Returns, per table, the rows removed (the
    batch added them) and the rows restored (the batch changed or deleted them).

    A few set-based statements per table, each finding a row's replaced version through the history's index
    on (superseded batch, identity), so the time grows with the batch, not with its square."""
    removed: dict[str, int] = {}
    restored: dict[str, int] = {}
    for spec in reversed(ALL):
        t, h = spec.table, spec.history
        replaced_here = and_(h.c.superseded_by_batch_id == batch_id, _identity(h, t))
        conn.execute(
            insert(h).from_select(
                [*spec.columns, "superseded_by_batch_id"],
                select(*t.c, literal(undo_batch_id)).where(t.c.batch_id == batch_id),
            )
        )
        had_version = exists(select(literal(1)).where(replaced_here))
        removed[t.name] = conn.execute(delete(t).where(t.c.batch_id == batch_id, ~had_version)).rowcount
        restore = {t.c[c]: h.c[c] for c in [*spec.data_columns, "batch_id"]}
        restored[t.name] = conn.execute(update(t).where(t.c.batch_id == batch_id, replaced_here).values(restore)).rowcount
    for spec in ALL:
        t, h = spec.table, spec.history
        current = select(literal(1)).where(_identity(t, h))
        removed_by_batch = select(*(h.c[c] for c in spec.columns)).where(
            h.c.superseded_by_batch_id == batch_id, ~exists(current)
        )
        # INSERT … SELECT need not report its row count (through psycopg it is -1), so count the rows first.
        inserted = conn.execute(select(func.count()).select_from(removed_by_batch.subquery())).scalar_one()
        conn.execute(insert(t).from_select(spec.columns, removed_by_batch))
        conn.execute(delete(h).where(h.c.superseded_by_batch_id == batch_id))
        restored[t.name] += inserted
    return removed, restored
