"""``python -m louiestat users …``: who may sign in and what they may do. The CLI acts as the local administrator
(whoever can run it already holds the database credentials); the audit log records it under ``--user`` (or the
login), from ``cli``, as every other command does."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from louiestat.access.policy import POLICY, ROLES
from louiestat.cli.common import EXIT_OK, EXIT_REJECTED, actor, engine, fail

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from louiestat.access.principal import Principal
    from louiestat.access.users import UserRecord

USERS_HELP = "Manage who may sign in and what they may do: add, grant, revoke, disable, list, passwd."


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The ``users`` command and its subcommands."""
    users = sub.add_parser("users", help=USERS_HELP, description=USERS_HELP)
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="SUBCOMMAND")

    p = users_sub.add_parser("add", help="add a user", description="Add a user with a role (and, for analysts, "
                             "the departments they may change).")
    p.add_argument("email")
    p.add_argument("--role", required=True, choices=ROLES,
                   help="; ".join(f"{role}: {rights.meaning}" for role, rights in POLICY.items()))
    p.add_argument("--department", action="append", default=[], metavar="SLUG",
                   help="a department an analyst may change (repeat for several)")
    p.add_argument("--name", help="the person's name, as pages show it")
    p.add_argument("--password-stdin", action="store_true",
                   help="read a password for the built-in sign-in from standard input (at least 15 characters)")
    p.set_defaults(func=cmd_users_add)

    for name, verb in (("grant", "let an analyst change a department too"), ("revoke", "stop an analyst changing a department")):
        p = users_sub.add_parser(name, help=verb, description=verb[0].upper() + verb[1:] + ".")
        p.add_argument("email")
        p.add_argument("--department", required=True, metavar="SLUG", help="the department (slug)")
        p.set_defaults(func=cmd_users_grant if name == "grant" else cmd_users_revoke)

    p = users_sub.add_parser("disable", help="stop a user signing in",
                             description="Stop a user signing in or changing anything (their past changes keep their name).")
    p.add_argument("email")
    p.set_defaults(func=cmd_users_disable)

    p = users_sub.add_parser("list", help="list the users", description="List the users, their roles and departments.")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_users_list)

    p = users_sub.add_parser("passwd", help="set a user's password",
                             description="Set a user's password for the built-in sign-in, read from standard input.")
    p.add_argument("email")
    p.add_argument("--password-stdin", action="store_true", required=True,
                   help="read the password from standard input (at least 15 characters)")
    p.set_defaults(func=cmd_users_passwd)


def cmd_users_add(args: argparse.Namespace) -> int:
    from louiestat.access import users

    password = _read_password() if args.password_stdin else None
    return _done(args, lambda engine, by: users.add_user(
        engine, args.email, args.role, departments=args.department, name=args.name, password=password, by=by,
    ), "added")


def cmd_users_grant(args: argparse.Namespace) -> int:
    from louiestat.access import users

    return _done(args, lambda engine, by: users.grant(engine, args.email, args.department, by=by),
                 f"may change {args.department}")


def cmd_users_revoke(args: argparse.Namespace) -> int:
    from louiestat.access import users

    return _done(args, lambda engine, by: users.revoke(engine, args.email, args.department, by=by),
                 f"may no longer change {args.department}")


def cmd_users_disable(args: argparse.Namespace) -> int:
    from louiestat.access import users

    return _done(args, lambda engine, by: users.disable(engine, args.email, by=by), "disabled")


def cmd_users_passwd(args: argparse.Namespace) -> int:
    from louiestat.access import users

    password = _read_password()
    return _done(args, lambda engine, by: users.set_password(engine, args.email, password, by=by),
                 "has a new password")


def cmd_users_list(args: argparse.Namespace) -> int:
    from louiestat.access import users

    records = users.list_users(engine())
    if args.json:
        print(json.dumps([r.model_dump(mode="json") for r in records], indent=2))
        return EXIT_OK
    if not records:
        print("No users yet: add the first admin with `python -m louiestat users add EMAIL --role admin --password-stdin`.")
        return EXIT_OK
    rows = [("email", "name", "role", "departments", "status", "sign-in")] + [
        (r.email, r.name or "", r.role, ", ".join(r.departments), "disabled" if r.disabled else "active",
         "password" if r.has_password else "identity provider")
        for r in records
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return EXIT_OK


def _done(args: argparse.Namespace, change: Callable[[Engine, Principal | str], UserRecord], what: str) -> int:
    """Run a user change as the command's actor and print the user as it now is; a refused change (an unknown
    user or department included) prints why and exits 1."""
    from louiestat.errors import UnknownDepartment, UserRefused

    try:
        record = change(engine(), actor(args))
    except (UserRefused, UnknownDepartment) as exc:
        return fail(str(exc), EXIT_REJECTED)
    departments = (f" ({', '.join(record.departments) or 'no departments'})"
                   if POLICY[record.role].takes_departments else "")
    state = "disabled" if record.disabled else "active"
    print(f"{record.email}: {record.role}{departments}, {state} — {what}")
    return EXIT_OK


def _read_password() -> str:
    """One line from standard input, without its line end (a terminal echoes it; pipe it in)."""
    return sys.stdin.readline().rstrip("\r\n")
