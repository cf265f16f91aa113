"""Batches: every change to the data (an upload, an edit, an undo) is one batch that records who made it,
when, from what, and what it did; a batch can be undone, putting back the versions it replaced."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, Subquery, func, select, union, update

from louiestat.access.principal import Principal, as_principal
from louiestat.db import bulk, models, versioned
from louiestat.db.models import Batch
from louiestat.db.versioned import OBSERVATIONS, POSITIONS, PROCESS_CHANGES, TARGETS
from louiestat.db.write_lock import OnWait
from louiestat.errors import UndoRefused
from louiestat.presentation.words import counted
from louiestat.writing.service import MEETING_KINDS, Change, action_of, check, permits, record, transaction

# What a person calls the rows of each table in a message.
TABLE_WORDS = {
    "departments": ("department", "departments"),
    "kpis": ("KPI definition", "KPI definitions"),
    "targets": ("target", "targets"),
    "process_changes": ("process change", "process changes"),
    "observations": ("value", "values"),
    "positions": ("hiring record", "hiring records"),
    "meetings": ("meeting", "meetings"),
    "agenda_items": ("agenda item", "agenda items"),
    "followups": ("follow-up", "follow-ups"),
}


def _rows_in_words(rows: dict[str, int]) -> str:
    """'12 values and 1 target': the non-zero counts of ``rows`` (per table) in words."""
    words = [counted(n, *TABLE_WORDS.get(table, (table, table))) for table, n in rows.items() if n]
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


class UndoResult(BaseModel):
    """What an undo did: the batch it undid, the undo's own batch, and per table the rows it removed (the
    batch had added them), the rows it restored (the batch had changed or deleted them) and both together."""

    batch_id: int
    undo_batch_id: int
    rows: dict[str, int]
    removed: dict[str, int] = {}
    restored: dict[str, int] = {}

    @property
    def message(self) -> str:
        parts = [f"removed {_rows_in_words(self.removed)} it added" if any(self.removed.values()) else "",
                 f"restored {_rows_in_words(self.restored)} it changed" if any(self.restored.values()) else ""]
        done = ", ".join(part for part in parts if part) or "it had changed nothing"
        return f"Undid batch {self.batch_id} (the undo is batch {self.undo_batch_id}): {done}."


def undo_batch(engine: Engine, batch_id: int, actor: Principal | str, on_wait: OnWait | None = None) -> UndoResult:
    """Undo a committed batch in one transaction, refusing when later batches changed or built on its rows, or
    when ``actor`` may not change what it changed (WriteRefused); ``on_wait`` is told when it waits for another
    write to finish."""
    principal = as_principal(actor)
    with transaction(engine, principal, doing="undo", on_wait=on_wait) as conn:
        batch = conn.execute(select(Batch).where(Batch.id == batch_id)).one_or_none()
        if batch is None:
            raise UndoRefused(f"there is no batch {batch_id}; `python -m louiestat batches` lists them")
        if batch.status == "undone":
            raise UndoRefused(f"batch {batch_id} was already undone by batch {batch.undone_by_id}")
        if batch.kind == "undo":
            raise UndoRefused(f"batch {batch_id} is itself an undo; to redo the change, upload the file again")
        change = _undo(batch_id, batch.kind, batch_departments(conn, batch_id))
        check(conn, principal, change)
        blockers = sorted(versioned.later_changes(conn, batch_id))
        if blockers:
            listed = ", ".join(str(b) for b in blockers)
            raise UndoRefused(
                f"later batches ({listed}) changed or depend on rows batch {batch_id} wrote; undo them first, newest first"
            )
        undone: dict[str, dict[str, int]] = {}

        def apply(c: Connection, undo_id: int) -> dict[str, int]:
            undone["removed"], undone["restored"] = versioned.undo_rows(c, batch_id, undo_id)
            total = sum(undone["removed"].values()) + sum(undone["restored"].values())
            return {"rows_total": total, "updated": total}

        undo_id = record(conn, principal, change, apply)
        conn.execute(update(Batch).where(Batch.id == batch_id).values(status="undone", undone_by_id=undo_id))
        conn.execute(update(Batch).where(Batch.id == undo_id).values(undoes_id=batch_id))
    removed, restored = undone["removed"], undone["restored"]
    rows = {table: removed[table] + restored[table] for table in removed}
    return UndoResult(
        batch_id=batch_id,
        undo_batch_id=undo_id,
        rows={k: v for k, v in rows.items() if v},
        removed={k: v for k, v in removed.items() if v},
        restored={k: v for k, v in restored.items() if v},
    )


def _undo(batch_id: int, kind: str, departments: Iterable[str]) -> Change:
    """The change an undo of batch ``batch_id`` (of ``kind``, touching ``departments``) makes, as rights see it."""
    return Change(kind="undo", source=f"undo of batch {batch_id}", departments=departments,
                  what=f"batch {batch_id}, which changed data", action=action_of(kind))


def undoable(listed: pd.DataFrame, by: Principal | str, touched: Mapping[int, Iterable[str]]) -> pd.DataFrame:
    """The batches of ``listed`` (``list_batches``) that ``by`` may undo, newest first: committed, not undos
    themselves, and of a kind and departments (``touched``: ``departments_by_batch``) that ``undo_batch``
    lets ``by`` change; ``own`` marks those ``by`` made."""
    principal = as_principal(by)
    candidates = listed[(listed["status"] == "committed") & (listed["kind"] != "undo")]
    allowed = [permits(principal, _undo(batch_id, kind, touched.get(batch_id, ())))
               for batch_id, kind in zip(candidates["id"], candidates["kind"])]
    return candidates.loc[allowed].assign(own=lambda rows: rows["actor"] == principal.label)


def list_batches(engine: Engine, limit: int | None = None, meetings: bool = True) -> pd.DataFrame:
    """Batches, newest first, with who made them and what they did; without stat meetings' writes (agendas,
    notes, follow-ups, presenter moves) when ``meetings`` is False."""
    b = Batch
    query = select(
        b.id, b.created_at, b.actor, b.kind, b.source, b.rows_total, b.inserted, b.updated, b.unchanged,
        b.deleted, b.status, b.undone_by_id, b.undoes_id,
    ).order_by(b.id.desc())
    if not meetings:
        query = query.where(b.kind.not_in(MEETING_KINDS))
    if limit:
        query = query.limit(limit)
    with engine.connect() as conn:
        frame = bulk.fetch_frame(conn, query)
    # Nullable integers, so a batch id reads 3 (not 3.0) in tables and JSON; times as timestamps on every database.
    frame["created_at"] = pd.to_datetime(frame["created_at"])
    return frame.astype({"undone_by_id": "Int64", "undoes_id": "Int64"})


def data_version(engine: Engine) -> int:
    """The newest batch that changed the KPI data (any but a stat-meeting write): it keys the caches of computed
    views and the feed's ETag, so a commit or an undo shows at once while a presenter's move or a note taken in a
    meeting does not recompute the city."""
    with engine.connect() as conn:
        return conn.execute(select(func.max(Batch.id)).where(Batch.kind.not_in(MEETING_KINDS))).scalar_one() or 0


def newest_batch(engine: Engine) -> int:
    """The newest batch of any kind (stat-meeting writes included): it keys what lists batches or meetings."""
    with engine.connect() as conn:
        return conn.execute(select(func.max(Batch.id))).scalar_one() or 0


def batch_departments(conn: Connection, batch_id: int) -> set[str]:
    """The departments whose data batch ``batch_id`` wrote, changed or deleted (its rows and the versions it
    superseded), so an undo can be checked like the upload it reverses."""
    touched = _touched(batch_id)
    slugs = select(models.Department.slug).join(touched, touched.c.department_id == models.Department.id)
    return set(conn.execute(slugs).scalars())


def departments_by_batch(conn: Connection) -> dict[int, frozenset[str]]:
    """``batch_departments`` of every batch at once (a batch that touched no department's data is left out)."""
    touched = _touched()
    rows = conn.execute(
        select(touched.c.batch_id, models.Department.slug).join(touched, touched.c.department_id == models.Department.id)
    )
    found: dict[int, set[str]] = {}
    for batch_id, slug in rows:
        found.setdefault(batch_id, set()).add(slug)
    return {batch_id: frozenset(slugs) for batch_id, slugs in found.items()}


def _touched(batch_id: int | None = None) -> Subquery:
    """``batch_id, department_id`` of every department whose data a batch (every batch, or ``batch_id``) wrote,
    changed or deleted: the rows it wrote and the versions it superseded."""
    queries = []
    for spec in (OBSERVATIONS, TARGETS, PROCESS_CHANGES, POSITIONS):
        for table, column in ((spec.table, spec.table.c.batch_id), (spec.history, spec.history.c.superseded_by_batch_id)):
            if "department_id" in table.c:
                query = select(column.label("batch_id"), table.c.department_id.label("department_id"))
            else:
                query = (
                    select(column.label("batch_id"), models.Kpi.department_id.label("department_id"))
                    .join(table, table.c.kpi_id == models.Kpi.id)
                )
            queries.append(query if batch_id is None else query.where(column == batch_id))
    return union(*queries).subquery()
