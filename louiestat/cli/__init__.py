"""``python -m louiestat`` (or ``louiestat``): the command line, each command a thin wrapper over a library call.
The commands live by family: ``data`` (init, ingest, export, batches, undo), ``reports`` (scorecard), ``meetings``
(agenda, followups, packet, minutes), ``remind`` and ``users``; ``common`` holds what they share.

Exit status: 0 done, 1 file rejected or change refused (nothing written) or a message refused by the mail server,
2 usage error, 3 the database, the machine or the mail server failed (the message names the cause and what to do).

``--help`` and usage errors answer at once: the parser imports only the standard library, and each command
imports pandas, SQLAlchemy and the rest of louiestat when it runs (``python -X importtime -m louiestat --help``
shows it)."""

from __future__ import annotations

import argparse
import os
import sys

from louiestat.cli import data, meetings, remind, reports, users
from louiestat.cli.common import EXIT_ENVIRONMENT, EXIT_OK, EXIT_REJECTED, EXIT_USAGE, fail
from louiestat.errors import (
    BriefingNotFound,
    EnvironmentFailure,
    MissingSystemPackage,
    UnknownDepartment,
    UserRefused,
    WriteRefused,
)

# What the exceptions a command lets through exit with: asked for what is not there (2), refused (1).
EXIT_STATUS: tuple[tuple[tuple[type[Exception], ...], int], ...] = (
    ((UnknownDepartment, BriefingNotFound), EXIT_USAGE),
    ((UserRefused, WriteRefused, MissingSystemPackage), EXIT_REJECTED),
    ((EnvironmentFailure,), EXIT_ENVIRONMENT),
)


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: the global options and every family's commands."""
    parser = argparse.ArgumentParser(
        prog="python -m louiestat" if os.path.basename(sys.argv[0]) == "__main__.py" else "louiestat",
        description="LouieStat: monthly KPI data for city departments. The database is LOUIESTAT_DATABASE_URL "
        "(default sqlite:///louiestat.db).",
    )
    parser.add_argument("--user", default=None, help="who is acting, recorded with every change (default: "
                        "$LOUIESTAT_USER or your login)")
    parser.add_argument("--as", dest="as_user", metavar="EMAIL", default=None,
                        help="act with this user's rights (an analyst changes only their departments); without it the "
                        "CLI acts as the local administrator")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for family in (data, reports, meetings, remind, users):
        family.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (argparse exits with 2 on usage errors)."""
    args = build_parser().parse_args(argv)
    from louiestat.config import get_settings

    args.user = args.user or get_settings().user
    try:
        return args.func(args)
    except tuple(kind for kinds, _ in EXIT_STATUS for kind in kinds) as exc:
        return fail(str(exc), next(status for kinds, status in EXIT_STATUS if isinstance(exc, kinds)))
    except BrokenPipeError:
        # The reader went away (`export values | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        from louiestat.db import failures

        return fail(str(failures.from_os_error(error)), EXIT_ENVIRONMENT)
