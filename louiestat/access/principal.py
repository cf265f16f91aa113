"""Who is acting: a principal is a stored user signed in (from a page or the CLI's ``--as``) or the local
administrator (the command line without ``--as``: whoever can run it holds the database credentials already).
What a principal may do is the policy's question (``louiestat.access.policy.may``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Role = Literal["admin", "head", "analyst", "viewer"]
LOCAL_ADMIN: Role = "admin"  # the role of the command line acting without --as


@dataclass(frozen=True)
class Principal:
    """Someone acting: ``label`` is what batches and the audit log record (an email, or a login name), ``via``
    where from (``cli`` or ``page``), ``user_id`` their user row when they are a stored user."""

    label: str
    role: Role = LOCAL_ADMIN
    departments: frozenset[str] = field(default_factory=frozenset)
    via: str = "cli"
    user_id: int | None = None


def as_principal(actor: Principal | str) -> Principal:
    """``actor`` as a principal: a plain name is the local administrator of that name, at the command line."""
    return actor if isinstance(actor, Principal) else Principal(label=actor)
