"""Who is writing, and whether they may: the rights every write is checked against at the data layer, before
anything is written, so that a hidden button, a stale page or a scripted call cannot get past them.

An admin (the performance office) may change everything; an analyst may upload, correct and undo the data of
the departments granted to them, and nothing of definitions or targets; a viewer changes nothing. A plain name
in place of a principal is the local administrator: the command line without ``--as`` (whoever can run it
holds the database credentials already) and, until sign-in arrives, the dashboard."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, Subquery, select, union

from louiestat.db import models
from louiestat.db.versioned import OBSERVATIONS, POSITIONS, PROCESS_CHANGES, TARGETS
from louiestat.errors import UserRefused, WriteRefused

if TYPE_CHECKING:
    from louiestat.access.users import UserRecord

# Batches of these kinds change definitions or targets (uploads and Manage-page edits): admins' business.
ADMIN_KINDS = {"definitions": "KPI definitions", "targets": "targets"}
# Stat-meeting batches are the performance office's too, so only admins undo them (an analyst's closing of a
# follow-up included: the batch tables hold no department for a rights check).
MEETING_KINDS = ("meeting", "agenda", "meeting_notes", "presenter", "followup")
ADMIN_KINDS |= {kind: "stat meetings and follow-ups" for kind in MEETING_KINDS}


@dataclass(frozen=True)
class Principal:
    """Someone acting: ``label`` is what batches and the audit log record (an email, or a login name), ``via``
    where from (``cli`` or ``page``), ``user_id`` their user row when they are a stored user."""

    label: str
    role: str = "admin"
    departments: frozenset[str] = field(default_factory=frozenset)
    via: str = "cli"
    user_id: int | None = None

    def may_change(self, department: str) -> bool:
        """Whether this principal may change the data of ``department`` (a slug)."""
        return self.role == "admin" or (self.role == "analyst" and department in self.departments)

    def may_upload(self, kind: str) -> bool:
        """Whether this principal may upload a file of ``kind`` at all (definitions are admins' business); which
        departments' rows it may hold is ``may_change``'s."""
        return kind not in ADMIN_KINDS or self.admins_only(ADMIN_KINDS[kind]) is None

    def admins_only(self, what: str) -> str | None:
        """Why this principal may not change ``what`` (definitions, targets, process changes), None if an admin."""
        if self.role == "admin":
            return None
        return f"{self.label} is {_a(self.role)}, and {what} are changed by admins only (the performance office)"

    def refuse_unless_admin(self, what: str) -> None:
        """WriteRefused unless this principal is an admin."""
        if (why := self.admins_only(what)) is not None:
            raise WriteRefused(f"{why}; nothing was written")

    def foreign(self, departments: Iterable[str]) -> list[str]:
        """The departments (slugs) of ``departments`` this principal may not change."""
        return sorted({d for d in departments if not self.may_change(d)})

    def refuse_foreign(self, departments: Iterable[str], what: str, names: Mapping[str, str]) -> None:
        """WriteRefused naming every department in ``departments`` this principal may not change, by the display
        names in ``names`` (slug to name)."""
        if foreign := self.foreign(departments):
            raise WriteRefused(f"{self.label} may not change {what} of {named(foreign, names)} "
                               f"({self.rights(names)}); nothing was written")

    def rights(self, names: Mapping[str, str]) -> str:
        """What this principal may change, in words, its departments by the display names in ``names``."""
        if self.role == "admin":
            return "an admin may change everything"
        if self.role == "viewer" or not self.departments:
            return "they may change nothing"
        return f"they may change {named(self.departments, names)} only"


def named(slugs: Iterable[str], names: Mapping[str, str]) -> str:
    """Departments as people read them: their display names (``names``: slug to name) in order, 'A, B and C'."""
    listed = sorted(names.get(slug, slug) for slug in slugs)
    return " and ".join([", ".join(listed[:-1]), listed[-1]] if len(listed) > 1 else listed)


def department_names(conn: Connection) -> dict[str, str]:
    """Every department's display name by slug, for messages people read."""
    return dict(conn.execute(select(models.Department.slug, models.Department.name)).all())


def as_principal(actor: Principal | str) -> Principal:
    """``actor`` as a principal: a plain name is the local administrator of that name, at the command line."""
    return actor if isinstance(actor, Principal) else Principal(label=actor)


def dashboard_user(login: str) -> Principal:
    """Who the dashboard acts as until sign-in arrives: the local administrator, recorded as from a page."""
    return Principal(label=login, via="page")


def signed_in(engine: Engine, email: str, via: str = "cli") -> Principal:
    """The principal of a stored, active user (the CLI's ``--as``); UserRefused for an unknown or disabled one."""
    from louiestat.access.users import (  # here: writes is on every upload's path, users is not
        normalise_email,
        user_record,
    )

    with engine.connect() as conn:
        user = user_record(conn, normalise_email(email))
    if user.disabled:
        raise UserRefused(f"{user.email} is disabled and may not change anything")
    return principal_of(user, via)


def principal_of(user: UserRecord, via: str) -> Principal:
    """The principal of a stored user acting from ``via`` (``page`` or ``cli``)."""
    return Principal(label=user.email, role=user.role, departments=frozenset(user.departments), via=via,
                     user_id=user.id)


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


def _a(role: str) -> str:
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"
