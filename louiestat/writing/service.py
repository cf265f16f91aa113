"""The one write service: every change a person makes (an upload, a Manage-page edit, an undo, a stat-meeting
note, a user change) runs in its transaction, and every change to the data is recorded through it.

``transaction`` is the only way into the write transaction (the database's write lock, all or nothing).
``record`` checks the acting principal's rights against every department the change touches before anything
is written (``WriteRefused``, from ``louiestat.errors``), opens the batch that every written row carries (with the
user row, and an event in the audit log), lets the caller write, and closes the batch with what was written."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, update

from louiestat.access import audit
from louiestat.access.policy import Action, refusal, require
from louiestat.access.principal import Principal, as_principal
from louiestat.db import write_lock
from louiestat.db.engine import write_transaction
from louiestat.db.models import Batch, utcnow
from louiestat.db.write_lock import OnWait
from louiestat.reading.queries import department_names

# Stat-meeting batches: the performance office's, so only those who run meetings undo them (an analyst's closing of
# a follow-up included: the batch tables hold no department for a rights check).
MEETING_KINDS = ("meeting", "agenda", "meeting_notes", "presenter", "followup")
# The action a batch of each kind needs, to be written or undone; any other kind changes a department's data.
KIND_ACTIONS: dict[str, Action] = {"definitions": "change_definitions", "targets": "change_targets",
                                   **{kind: "run_meetings" for kind in MEETING_KINDS}}

# Writes the change's rows, each carrying the batch id it is given; returns the batch's counts (rows_total,
# inserted, updated, unchanged, deleted).
Apply = Callable[[Connection, int], Mapping[str, int]]


@dataclass(frozen=True)
class Change:
    """What a batch is: its ``kind`` and ``source`` (recorded on the batch), the ``departments`` (slugs) whose
    data it touches, the ``action`` it is (``louiestat.access.policy``; by default its kind's) and ``what`` it
    changes in their data (for a refusal's message)."""

    kind: str
    source: str
    departments: Iterable[str] = ()
    what: str = "the data"
    action: Action | None = None
    sha256: str | None = None

    @property
    def needs(self) -> Action:
        """The action this change is, for the rights check."""
        return self.action or action_of(self.kind)


def action_of(kind: str) -> Action:
    """The action a batch of ``kind`` needs, to be written or undone."""
    return KIND_ACTIONS.get(kind, "change_data")


@contextmanager
def transaction(
    engine: Engine, by: Principal | str, *, doing: str, on_wait: OnWait | None = None
) -> Iterator[Connection]:
    """One all-or-nothing write by ``by``, holding the write lock (others waiting are told ``doing`` and who)."""
    with write_transaction(engine, doing=doing, actor=as_principal(by).label, on_wait=on_wait) as conn:
        yield conn


def check(conn: Connection, by: Principal | str, change: Change) -> None:
    """WriteRefused unless ``by`` may do the change's action in every department it touches (a refusal names the
    departments as people read them)."""
    principal = as_principal(by)
    if not permits(principal, change):
        require(principal, change.needs, change.departments, change.what, department_names(conn))


def permits(by: Principal | str, change: Change) -> bool:
    """Whether ``check`` would let ``by`` make ``change``: a page offers only the changes it will accept."""
    return refusal(as_principal(by), change.needs, change.departments) is None


def record(conn: Connection, by: Principal | str, change: Change, apply: Apply) -> int:
    """Check ``change`` against ``by``'s rights, then write it as one batch through ``apply``; returns the batch id.
    Call inside ``transaction``: a refusal or a failure in ``apply`` rolls everything back."""
    check(conn, by, change)
    principal = as_principal(by)
    batch_id = conn.execute(
        insert(Batch).values(kind=change.kind, source=change.source[:500], sha256=change.sha256,
                             actor=principal.label[:200], user_id=principal.user_id, created_at=utcnow())
        .returning(Batch.id)
    ).scalar_one()
    audit.record(conn, actor=principal.label, via=principal.via, action="write", subject=f"batch {batch_id}",
                 detail=f"{change.kind}: {change.source}")
    write_lock.announce_batch(conn, batch_id)
    if counts := apply(conn, batch_id):
        conn.execute(update(Batch).where(Batch.id == batch_id).values(**counts))
    return batch_id

