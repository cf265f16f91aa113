"""What every command shares: exit statuses, the engine, who acts, a month argument, the known-department check and
telling the person at the terminal that a write waits. Imports only the standard library at import time, so that
``--help`` and usage errors answer at once."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from louiestat.errors import UnknownDepartment
from louiestat.months import parse_month

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from louiestat.access.principal import Principal

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3


def engine() -> Engine:
    """The database of ``LOUIESTAT_DATABASE_URL``, its schema upgraded to this version's."""
    from louiestat.config import get_settings
    from louiestat.db.engine import engine_for
    from louiestat.db.migrate import upgrade_to_head

    database = engine_for(get_settings().database_url)
    upgrade_to_head(database)
    return database


def actor(args: argparse.Namespace) -> Principal | str:
    """Who the command acts as, for every command alike: the user named by ``--as`` (with their rights), else the
    local administrator named by ``--user`` (or the login), recorded as that name from ``cli``."""
    if not args.as_user:
        return args.user
    from louiestat.access.users import signed_in

    return signed_in(engine(), args.as_user)


def month(text: str) -> str:
    """A ``YYYY-MM`` argument, checked by ``parse_month``; its complaint is argparse's usage error."""
    try:
        return parse_month(text).strftime("%Y-%m")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def known_department(database: Engine, department: str | None) -> None:
    """UnknownDepartment (usage error, exit 2) unless ``department`` (a slug, or None for all) is stored."""
    if department is None:
        return
    from louiestat.reading import queries

    known = queries.departments(database)["department"].tolist()
    if department not in known:
        raise UnknownDepartment(department, known)


def say_waiting(message: str) -> None:
    """Tell the person at the terminal that a write waits for another (the ``on_wait`` of writes)."""
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)  # above a progress bar when there is one


def progress_bar(enabled: bool) -> tuple[Callable[[float, str], None] | None, Callable[[], None]]:
    """A tqdm progress callback and its closing, when attached to a terminal; else nothing to call."""
    if not enabled:
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=100, unit="%", bar_format="{desc} {bar} {percentage:3.0f}%", file=sys.stderr)

    def update(fraction: float, stage: str) -> None:
        bar.set_description(stage)
        bar.update(int(fraction * 100) - bar.n)

    return update, bar.close


def fail(message: str, status: int) -> int:
    """Print ``error: message`` on stderr and return ``status``."""
    print(f"error: {message}", file=sys.stderr)
    return status
