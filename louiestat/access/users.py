"""Users, their roles and the departments analysts may change: who may do what. Every change is made under the
write lock and recorded in the audit log in the same transaction, so a change and its record never part."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from pydantic import BaseModel
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from louiestat.access import audit
from louiestat.access.passwords import hash_password, password_problem
from louiestat.access.policy import POLICY, ROLES, a_role, may, require, roles_that_may
from louiestat.access.principal import Principal, Role, as_principal
from louiestat.db.models import Department, Session, User, UserDepartment, utcnow
from louiestat.errors import UnknownDepartment, UserRefused
from louiestat.writing.service import transaction

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class UserRecord(BaseModel):
    """A user as the CLI and the admin page show them (never the password hash)."""

    id: int
    email: str
    name: str | None
    role: Role
    departments: list[str]
    disabled: bool
    has_password: bool
    created_at: dt.datetime


def normalise_email(email: str) -> str:
    """The stored form of an email address (lower case, no surrounding spaces); UserRefused if it is not one."""
    cleaned = email.strip().lower()
    if not _EMAIL.fullmatch(cleaned):
        raise UserRefused(f"'{email}' is not an email address; give one such as ana.lopez@louisvilleky.gov")
    return cleaned


def add_user(
    engine: Engine,
    email: str,
    role: Role,
    *,
    departments: Iterable[str] = (),
    name: str | None = None,
    password: str | None = None,
    by: Principal | str,
) -> UserRecord:
    """Create a user. A role that acts on granted departments (an analyst) needs at least one; the others take
    none. Without a password the user can sign in only through the city's identity provider."""
    email, slugs = normalise_email(email), sorted(set(departments))
    _check_role(role, slugs)
    if POLICY[role].takes_departments and not slugs:
        how = _next_step(by, command=f"add --department SLUG for {email}",
                         page=f"choose the departments {email} may change")
        raise UserRefused(f"{a_role(role)} needs at least one department they may change: {how}")
    password_hash = _hashed(password)
    with _user_change(engine, by) as (conn, principal):
        if _user_id(conn, email, missing_ok=True) is not None:
            how = _next_step(by, command="change them with `users grant`, `users revoke` or `users passwd`",
                             page="change them under “Change a user”")
            raise UserRefused(f"a user {email} already exists; {how}")
        ids = _department_ids(conn, slugs)
        user_id = conn.execute(
            insert(User).values(email=email, name=name, role=role, password_hash=password_hash, disabled=False,
                                created_at=utcnow())
            .returning(User.id)
        ).scalar_one()
        if ids:
            conn.execute(insert(UserDepartment), [{"user_id": user_id, "department_id": i} for i in ids])
        grants = f"; departments {', '.join(slugs)}" if slugs else ""
        audit.record(conn, actor=principal.label, via=principal.via, action="user_added", subject=email,
                     detail=f"role {role}{grants}; {'with' if password_hash else 'without'} a password")
        return user_record(conn, email)


def grant(engine: Engine, email: str, department: str, *, by: Principal | str) -> UserRecord:
    """Let an analyst change ``department`` too (nothing happens when they already may)."""
    return _change_grant(engine, email, department, True, by)


def revoke(engine: Engine, email: str, department: str, *, by: Principal | str) -> UserRecord:
    """Stop an analyst changing ``department`` (nothing happens when they could not)."""
    return _change_grant(engine, email, department, False, by)


def disable(engine: Engine, email: str, *, by: Principal | str) -> UserRecord:
    """Stop a user signing in or changing anything; their past changes keep their name. The last active admin
    cannot be disabled, so that someone can always manage users."""
    email = normalise_email(email)
    with _user_change(engine, by) as (conn, principal):
        user = user_record(conn, email)
        if user.disabled:
            return user
        if user.role in roles_that_may("manage_users") and _active_admins(conn) == 1:
            raise UserRefused(f"{email} is the last active admin; add another admin before disabling this one")
        conn.execute(update(User).where(User.email == email).values(disabled=True))
        _end_sessions(conn, email)
        audit.record(conn, actor=principal.label, via=principal.via, action="user_disabled", subject=email)
        return user_record(conn, email)


def set_password(engine: Engine, email: str, password: str, *, by: Principal | str) -> UserRecord:
    """Give a user a new password (the old one stops working at once)."""
    email, password_hash = normalise_email(email), _hashed(password)
    with _user_change(engine, by) as (conn, principal):
        _user_id(conn, email)
        conn.execute(update(User).where(User.email == email).values(password_hash=password_hash, failed_sign_ins=0,
                                                                    first_failed_at=None, locked_until=None))
        _end_sessions(conn, email)
        audit.record(conn, actor=principal.label, via=principal.via, action="password_set", subject=email)
        return user_record(conn, email)


def list_users(engine: Engine) -> list[UserRecord]:
    """Every user, by email."""
    with engine.connect() as conn:
        emails = conn.execute(select(User.email).order_by(User.email)).scalars().all()
        return _records(conn, emails)


@contextmanager
def _user_change(engine: Engine, by: Principal | str) -> Iterator[tuple[Connection, Principal]]:
    """A write transaction for a change to users, which only admins may make (WriteRefused otherwise)."""
    principal = as_principal(by)
    require(principal, "manage_users")
    with transaction(engine, principal, doing="user change") as conn:
        yield conn, principal


def _change_grant(engine: Engine, email: str, slug: str, granted: bool, by: Principal | str) -> UserRecord:
    email = normalise_email(email)
    with _user_change(engine, by) as (conn, principal):
        user = user_record(conn, email)
        _check_role(user.role, [slug])
        if (slug in user.departments) == granted:
            return user
        user_id, (department_id,) = _user_id(conn, email), _department_ids(conn, [slug])
        if granted:
            conn.execute(insert(UserDepartment).values(user_id=user_id, department_id=department_id))
        else:
            conn.execute(delete(UserDepartment).where(UserDepartment.user_id == user_id,
                                                      UserDepartment.department_id == department_id))
        audit.record(conn, actor=principal.label, via=principal.via, action="granted" if granted else "revoked", subject=email,
                     detail=f"department {slug}")
        return user_record(conn, email)


def _end_sessions(conn: Connection, email: str) -> None:
    """End every open session of the user (disabled, or a new password: whoever knew the old one is out)."""
    user_id = _user_id(conn, email)
    conn.execute(update(Session).where(Session.user_id == user_id, Session.ended_at.is_(None)).values(ended_at=utcnow()))


def _next_step(by: Principal | str, *, command: str, page: str) -> str:
    """What to do next, told where the change was asked for: the command to type at the command line, what to
    choose on the Users page (a page never asks for a command or a department's slug)."""
    return page if as_principal(by).via == "page" else command


def _check_role(role: str, slugs: list[str]) -> None:
    if role not in POLICY:
        raise UserRefused(f"'{role}' is not a role; roles are {', '.join(ROLES)}")
    if slugs and not POLICY[role].takes_departments:
        takers = " and ".join(f"{r}s" for r in ROLES if POLICY[r].takes_departments)
        rights = "may change every department" if may(Principal("", role), "change_data") else "only reads"
        raise UserRefused(f"departments are granted to {takers} only ({a_role(role)} {rights})")


def _hashed(password: str | None) -> str | None:
    if password is None:
        return None
    problem = password_problem(password)
    if problem:
        raise UserRefused(problem)
    return hash_password(password)


def _user_id(conn: Connection, email: str, missing_ok: bool = False) -> int | None:
    user_id = conn.execute(select(User.id).where(User.email == email)).scalar()
    if user_id is None and not missing_ok:
        raise UserRefused(f"there is no user {email}; `python -m louiestat users list` shows who there is")
    return user_id


def _department_ids(conn: Connection, slugs: list[str]) -> list[int]:
    known = dict(conn.execute(select(Department.slug, Department.id)).all())
    unknown = [s for s in slugs if s not in known]
    if unknown:
        raise UnknownDepartment(unknown, sorted(known))
    return [known[s] for s in slugs]


def _active_admins(conn: Connection) -> int:
    managers = roles_that_may("manage_users")
    return conn.execute(select(func.count()).where(User.role.in_(managers), User.disabled.is_(False))).scalar_one()


def user_record(conn: Connection, email: str) -> UserRecord:
    """The user with ``email`` (UserRefused when there is none)."""
    records = _records(conn, [email])
    if not records:
        raise UserRefused(f"there is no user {email}; `python -m louiestat users list` shows who there is")
    return records[0]


def _records(conn: Connection, emails: Sequence[str]) -> list[UserRecord]:
    users = conn.execute(select(User.__table__).where(User.email.in_(emails)).order_by(User.email)).mappings().all()
    grants = conn.execute(
        select(UserDepartment.user_id, Department.slug)
        .join(Department, Department.id == UserDepartment.department_id)
        .where(UserDepartment.user_id.in_([u["id"] for u in users]))
    ).all()
    slugs: dict[int, list[str]] = {}
    for user_id, slug in grants:
        slugs.setdefault(user_id, []).append(slug)
    return [
        UserRecord(id=u["id"], email=u["email"], name=u["name"], role=u["role"], departments=sorted(slugs.get(u["id"], [])),
                   disabled=u["disabled"], has_password=u["password_hash"] is not None, created_at=u["created_at"])
        for u in users
    ]


def signed_in(engine: Engine, email: str, via: str = "cli") -> Principal:
    """The principal of a stored, active user (the CLI's ``--as``); UserRefused for an unknown or disabled one."""
    with engine.connect() as conn:
        user = user_record(conn, normalise_email(email))
    if user.disabled:
        raise UserRefused(f"{user.email} is disabled and may not change anything")
    return principal_of(user, via)


def principal_of(user: UserRecord, via: str) -> Principal:
    """The principal of a stored user acting from ``via`` (``page`` or ``cli``)."""
    return Principal(label=user.email, role=user.role, departments=frozenset(user.departments), via=via,
                     user_id=user.id)
