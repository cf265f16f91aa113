"""The one policy: what each role may do, in one table, and the one question every check asks,
``may(principal, action, department)`` (in the spirit of datasette's ``permission_allowed``).

The write service, the menu, the pages and the CLI all ask it; no role name is compared anywhere else. A role may
do an action everywhere (``everywhere``) or only in the departments granted to its users (``granted``). Adding a
role is adding a row to ``POLICY``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, get_args

from louiestat.access.principal import Principal, Role
from louiestat.errors import WriteRefused

ROLES: tuple[Role, ...] = get_args(Role)
LEAST_ROLE: Role = "viewer"  # what a new user is offered first: reading only

Action = Literal[
    "read",                # the overview, scorecards, KPI pages, follow-ups
    "change_data",         # upload, correct and undo values, hiring records and process changes
    "change_definitions",  # departments and KPI definitions
    "change_targets",      # a KPI's targets
    "read_agendas",        # the Meetings page's proposed and stored agendas
    "run_meetings",        # meetings, agendas, notes, presenting, dropping follow-ups, undoing meeting batches
    "close_followups",     # record a follow-up's response and close it as done
    "manage_users",        # users, roles and grants
    "read_audit_log",
    "publish",             # review a department's months and publish them to visitors and the open-data feed
    "unpublish",           # take a published month back
    "manage_sources",      # the systems KPI values are pulled from (the sources upload kind)
    "send_reminders",      # remind KPI owners of late values by mail
]
ACTIONS: tuple[Action, ...] = get_args(Action)

# What an action changes, in words, for a refusal: "targets are changed by admins only".
ACTION_WORDS: dict[Action, str] = {
    "read": "the dashboard",
    "change_data": "the data",
    "change_definitions": "KPI definitions",
    "change_targets": "targets",
    "read_agendas": "stat-meeting agendas",
    "run_meetings": "stat meetings and follow-ups",
    "close_followups": "follow-ups",
    "manage_users": "users and their rights",
    "read_audit_log": "the audit log",
    "publish": "published months",
    "unpublish": "published months",
    "manage_sources": "data sources",
    "send_reminders": "reminders of late values",
}


@dataclass(frozen=True)
class RoleRights:
    """A row of the policy: what the role means in words (``meaning``, and ``yours`` for its holder), what it may do
    in every department and what only in the departments granted to its users (who then need at least one)."""

    meaning: str
    yours: str
    everywhere: frozenset[Action]
    granted: frozenset[Action] = frozenset()

    @property
    def takes_departments(self) -> bool:
        return bool(self.granted)


POLICY: dict[Role, RoleRights] = {
    "admin": RoleRights(
        meaning="the performance office: changes everything, users included",
        yours="an admin (the performance office): you may change everything, users included",
        everywhere=frozenset(ACTIONS),
    ),
    "head": RoleRights(
        meaning="heads the departments granted: reviews and publishes their months, enters and corrects their data, "
                "closes their follow-ups; reads everything",
        yours="a department head: you may review and publish the months of {departments}, enter and correct their "
              "data and close their follow-ups, and read everything",
        everywhere=frozenset({"read", "read_agendas"}),
        granted=frozenset({"change_data", "close_followups", "publish"}),
    ),
    "analyst": RoleRights(
        meaning="uploads, corrects and undoes the data of the departments granted; reads everything",
        yours="an analyst: you may upload, correct and undo the data of {departments}, and read everything",
        everywhere=frozenset({"read", "read_agendas"}),
        granted=frozenset({"change_data", "close_followups"}),
    ),
    "viewer": RoleRights(
        meaning="reads",
        yours="a viewer: you may read everything and change nothing",
        everywhere=frozenset({"read"}),
    ),
}


def may(principal: Principal | None, action: Action, department: str | None = None) -> bool:
    """Whether ``principal`` may do ``action`` in ``department`` (a slug); without a department, whether they may do
    it anywhere at all (what the menu asks). ``None`` is a visitor who has not signed in: they may do nothing
    here (what public mode lets them read is the menu's business)."""
    if principal is None:
        return False
    rights = POLICY[principal.role]
    if action in rights.everywhere:
        return True
    if action not in rights.granted:
        return False
    return bool(principal.departments) if department is None else department in principal.departments


def refusal(
    principal: Principal, action: Action, departments: Iterable[str] = (), what: str | None = None,
    names: Mapping[str, str] | None = None,
) -> str | None:
    """Why ``principal`` may not do ``action`` in every one of ``departments``, in words, or None when they may:
    for an action no role does by department, that their role does not do it; else the departments they may not
    do it in, by their display names (``names``: slug to name). ``what`` names what the departments' refusal is
    about ("the meetings and follow-ups"); the action's own words otherwise."""
    if not may(principal, action) and not departmental(action):
        return (f"{principal.label} is {a_role(principal.role)}, and {ACTION_WORDS[action]} are changed by "
                f"{who_may(action)}")
    foreign = sorted({d for d in departments if not may(principal, action, d)})
    if foreign:
        return (f"{principal.label} may not change {what or ACTION_WORDS[action]} of {named(foreign, names)} "
                f"({rights_words(principal, action, names)})")
    return None


def require(
    principal: Principal, action: Action, departments: Iterable[str] = (), what: str | None = None,
    names: Mapping[str, str] | None = None,
) -> None:
    """WriteRefused, saying why, unless ``principal`` may do ``action`` in every one of ``departments``."""
    if (why := refusal(principal, action, departments, what, names)) is not None:
        raise WriteRefused(f"{why}; nothing was written")


def rights_words(principal: Principal, action: Action = "change_data", names: Mapping[str, str] | None = None) -> str:
    """Where ``principal`` may do ``action``, in words, departments by their display names (``names``): "they may
    change Emergency Medical Services and Louisville Fire only"."""
    rights = POLICY[principal.role]
    if action in rights.everywhere:
        return f"{a_role(principal.role)} may change everything"
    if action not in rights.granted or not principal.departments:
        return "they may change nothing"
    return f"they may change {named(principal.departments, names)} only"


def named(slugs: Iterable[str], names: Mapping[str, str] | None = None) -> str:
    """Departments as people read them: their display names (``names``: slug to name; the slug where there is
    none) in order, 'A, B and C'."""
    lookup = names if names is not None else {}
    listed = sorted(lookup.get(slug, slug) for slug in slugs)
    return " and ".join([", ".join(listed[:-1]), listed[-1]] if len(listed) > 1 else listed)


def who_may(action: Action) -> str:
    """The roles that may do ``action`` everywhere, in words: "admins only (the performance office)"."""
    roles = [role for role, rights in POLICY.items() if action in rights.everywhere]
    if roles == ["admin"]:
        return "admins only (the performance office)"
    return " and ".join(f"{role}s" for role in roles)


def departmental(action: Action) -> bool:
    """Whether some role does ``action`` only in the departments granted to its users (uploads do; users do not)."""
    return any(action in rights.granted for rights in POLICY.values())


def roles_that_may(action: Action) -> tuple[Role, ...]:
    """The roles that may do ``action`` everywhere (the last active admin check counts these users)."""
    return tuple(role for role, rights in POLICY.items() if action in rights.everywhere)


def is_role(text: str) -> bool:
    """Whether ``text`` names a role."""
    return text in POLICY


def a_role(role: str) -> str:
    """The role with its article: "an analyst", "a viewer"."""
    return f"an {role}" if role[0] in "aeiou" else f"a {role}"
