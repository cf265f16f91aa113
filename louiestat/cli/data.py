"""Data in and out: ``init``, ``ingest``, ``export``, ``batches`` and ``undo``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from louiestat.cli.common import (
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_USAGE,
    actor,
    engine,
    fail,
    known_department,
    progress_bar,
    say_waiting,
)

if TYPE_CHECKING:
    import pandas as pd

    from louiestat.ingest import UploadResult

# The upload kinds (the keys of louiestat.ingest.KINDS, which a test keeps equal), named here so that building the
# parser imports nothing heavy.
KIND_NAMES = ("definitions", "values", "hiring", "process_changes")
INGEST_DESCRIPTION = (
    "Upload one CSV file all-or-nothing: every row is checked and written in one transaction, or nothing is "
    "written. What the file holds is detected from its header, or given with --kind: definitions (departments "
    "and KPI definitions), values (monthly KPI values), hiring (HR hiring records, one row per position) or "
    "process_changes (the month a KPI's way of working changed)."
)


def _print_result(result: UploadResult, as_json: bool) -> None:
    if as_json:
        print(json.dumps({**result.model_dump(mode="json"), "message": result.message}, indent=2))
        return
    print(result.message)
    for problem in result.errors:
        print(f"  error: {problem}")
    if result.error_count > len(result.errors):
        print(f"  … and {result.error_count - len(result.errors):,} more errors")
    for problem in result.warnings:
        print(f"  warning: {problem}")
    for key, value in result.details.items():
        if value:
            print(f"  {key.replace('_', ' ')}: {value:,}")
    if result.skipped_count:
        print(f"  {result.skipped_lines}")
        for row in result.skipped:
            print(f"    line {row.line}: {row.department}, {row.kpi}, {row.period}")
    for rescore in result.rescores:
        print(f"  rescore: {rescore}")
    if result.rescores and result.status == "dry_run":
        print("  commit with --confirm-rescore to score the stored history anew")


def cmd_init(args: argparse.Namespace) -> int:
    """Create or upgrade the schema; with --sample, load the sample city and its accounts."""
    from louiestat import sample_city

    database = engine()
    print(f"Database ready at {database.url.render_as_string(hide_password=True)}")
    if not args.sample:
        return EXIT_OK
    by = actor(args)
    results = sample_city.load_files(database, by, on_wait=say_waiting)
    for result in results:
        _print_result(result, as_json=False)
    if results[-1].status == "rejected":
        return EXIT_REJECTED
    from louiestat.meetings.sample import load_sample_meetings

    print(load_sample_meetings(database, by))
    for user in sample_city.add_accounts(database, by):
        print(f"Sample account {user.email}: {user.role}" + (f" of {', '.join(user.departments)}" if user.departments else ""))
    return EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    """Upload one CSV file (definitions, values, hiring or process_changes) all-or-nothing."""
    from louiestat.ingest import ingest

    path = Path(args.path)
    if not path.is_file():
        return fail(f"no file at {path}", EXIT_USAGE)
    progress, close = progress_bar(sys.stderr.isatty() and not args.json)
    try:
        result = ingest(
            engine(), path, kind=args.kind, dry_run=args.dry_run, confirm_rescore=args.confirm_rescore,
            skip_blank=args.skip_blank, decimal_comma=args.decimal_comma, actor=actor(args), progress=progress,
            on_wait=say_waiting,
        )
    finally:
        close()
    _print_result(result, args.json)
    return EXIT_REJECTED if result.status == "rejected" else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write stored data in the CSV format it is uploaded in."""
    from louiestat.exports.upload_format import export_csv

    database = engine()
    known_department(database, args.department)
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as out:
            export_csv(database, args.kind, out, args.department)
    else:
        export_csv(database, args.kind, sys.stdout, args.department)
    return EXIT_OK


def cmd_batches(args: argparse.Namespace) -> int:
    """List uploads, edits and undos, newest first (times in local time)."""
    from louiestat.writing import batches

    frame = batches.list_batches(engine(), limit=args.limit)
    if args.json:
        print(frame.to_json(orient="records", date_format="iso", indent=2))
    elif frame.empty:
        print("No batches yet: upload a file with `python -m louiestat ingest FILE`.")
    else:
        shown = frame.assign(created_at=_local_minutes(frame["created_at"])).convert_dtypes()
        print(shown.astype(object).where(shown.notna(), "").to_string(index=False))
    return EXIT_OK


def _local_minutes(times: pd.Series) -> list[str]:
    """Stored times (UTC) as local time to the minute, ``2026-12-02 14:53``; blank where there is none."""
    import pandas as pd

    return [
        "" if pd.isna(t) else (t if t.tzinfo else t.tz_localize("UTC")).to_pydatetime().astimezone().strftime(
            "%Y-%m-%d %H:%M"
        )
        for t in times
    ]


def cmd_undo(args: argparse.Namespace) -> int:
    """Undo a committed batch, restoring the values it replaced."""
    from louiestat.errors import UndoRefused
    from louiestat.writing import batches

    try:
        result = batches.undo_batch(engine(), args.batch_id, actor=actor(args), on_wait=say_waiting)
    except UndoRefused as exc:
        return fail(str(exc), EXIT_REJECTED)
    print(result.message)
    return EXIT_OK



def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The data commands' parsers."""
    p = sub.add_parser("init", help=cmd_init.__doc__, description=cmd_init.__doc__)
    p.add_argument("--sample", action="store_true", help="load the sample city (louiestat/sample_data/)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("ingest", help=cmd_ingest.__doc__, description=INGEST_DESCRIPTION)
    p.add_argument("path", help="the CSV file")
    p.add_argument(
        "--kind", choices=KIND_NAMES, help="what the file holds (detected from the header when omitted)"
    )
    p.add_argument("--dry-run", action="store_true", help="report what would change without writing anything")
    p.add_argument("--json", action="store_true", help="print a machine-readable summary, errors included")
    p.add_argument(
        "--confirm-rescore",
        action="store_true",
        help="commit a definitions file that changes the direction, unit or aggregation of KPIs with stored values "
        "(the dry run says how many months that rescores); without it such a file is refused",
    )
    p.add_argument(
        "--skip-blank",
        action="store_true",
        help="skip values rows whose value is blank, listing them as not reported (a blank is never read as zero; "
        "without this such a row is refused)",
    )
    p.add_argument(
        "--decimal-comma",
        action="store_true",
        help="read numbers written with decimal commas, as European exports write them: 8,9 is 8.9 and "
        "1.812.345,50 is 1812345.5",
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("export", help=cmd_export.__doc__, description=cmd_export.__doc__)
    p.add_argument("kind", choices=KIND_NAMES, help="which file to write")
    p.add_argument("--department", help="only this department (slug)")
    p.add_argument("--out", help="write to this file instead of standard output")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("batches", help=cmd_batches.__doc__, description=cmd_batches.__doc__)
    p.add_argument("--limit", type=int, default=None, help="show only the newest N")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_batches)

    p = sub.add_parser("undo", help=cmd_undo.__doc__, description=cmd_undo.__doc__)
    p.add_argument("batch_id", type=int, help="the batch to undo (see `batches`)")
    p.set_defaults(func=cmd_undo)
