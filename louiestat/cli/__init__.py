"""``python -m louiestat``: the command line, each command a thin wrapper over a library call.

Exit status: 0 done, 1 file rejected or change refused (nothing written), 2 usage error, 3 the database or the
machine failed (nothing written; the message names the cause and what to do).

``--help`` and usage errors answer at once: this module imports only the standard library, and each command
imports pandas, SQLAlchemy and the rest of louiestat when it runs (``python -X importtime -m louiestat --help``
shows it)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from louiestat.cli.users import add_users_parser
from louiestat.errors import EnvironmentFailure, UserRefused, WriteRefused
from louiestat.months import parse_month

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Engine

    from louiestat.ingest import UploadResult
    from louiestat.reading import views

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3
RefusedByRights = (UserRefused, WriteRefused)  # an --as user unknown or disabled, or not allowed: exit 1
# The upload kinds (the keys of louiestat.ingest.KINDS, which a test keeps equal), named here so that building the
# parser imports nothing heavy.
KIND_NAMES = ("definitions", "values", "hiring", "process_changes")
INGEST_DESCRIPTION = (
    "Upload one CSV file all-or-nothing: every row is checked and written in one transaction, or nothing is "
    "written. What the file holds is detected from its header, or given with --kind: definitions (departments "
    "and KPI definitions), values (monthly KPI values), hiring (HR hiring records, one row per position) or "
    "process_changes (the month a KPI's way of working changed)."
)


def _say_waiting(message: str) -> None:
    """Tell the person at the terminal that a write waits for another (the ``on_wait`` of writes)."""
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)  # above a progress bar when there is one


def _engine() -> Engine:
    from louiestat.config import get_settings
    from louiestat.db.engine import engine_for
    from louiestat.db.migrate import upgrade_to_head

    engine = engine_for(get_settings().database_url)
    upgrade_to_head(engine)
    return engine


def _progress_bar(enabled: bool):
    """A tqdm progress callback when attached to a terminal, else None."""
    if not enabled:
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=100, unit="%", bar_format="{desc} {bar} {percentage:3.0f}%", file=sys.stderr)

    def update(fraction: float, stage: str) -> None:
        bar.set_description(stage)
        bar.update(int(fraction * 100) - bar.n)

    return update, bar.close


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

    engine = _engine()
    print(f"Database ready at {engine.url.render_as_string(hide_password=True)}")
    if not args.sample:
        return EXIT_OK
    actor = _actor(args)
    results = sample_city.load_files(engine, actor, on_wait=_say_waiting)
    for result in results:
        _print_result(result, as_json=False)
    if results[-1].status == "rejected":
        return EXIT_REJECTED
    from louiestat.meetings.sample import load_sample_meetings

    print(load_sample_meetings(engine, actor))
    for user in sample_city.add_accounts(engine, actor):
        print(f"Sample account {user.email}: {user.role}" + (f" of {', '.join(user.departments)}" if user.departments else ""))
    return EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    """Upload one CSV file (definitions, values, hiring or process_changes) all-or-nothing."""
    from louiestat.ingest import ingest

    path = Path(args.path)
    if not path.is_file():
        print(f"error: no file at {path}", file=sys.stderr)
        return EXIT_USAGE
    progress, close = _progress_bar(sys.stderr.isatty() and not args.json)
    try:
        result = ingest(
            _engine(), path, kind=args.kind, dry_run=args.dry_run, confirm_rescore=args.confirm_rescore,
            skip_blank=args.skip_blank, decimal_comma=args.decimal_comma, actor=_actor(args), progress=progress,
            on_wait=_say_waiting,
        )
    finally:
        close()
    _print_result(result, args.json)
    return EXIT_REJECTED if result.status == "rejected" else EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    """Write stored data in the CSV format it is uploaded in."""
    from louiestat.exports.upload_format import export_csv
    from louiestat.reading import queries

    engine = _engine()
    known = queries.departments(engine)["department"].tolist()
    if args.department and args.department not in known:
        print(f"error: no department '{args.department}'; known: {', '.join(known) or 'none yet'}", file=sys.stderr)
        return EXIT_USAGE
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as out:
            export_csv(engine, args.kind, out, args.department)
    else:
        export_csv(engine, args.kind, sys.stdout, args.department)
    return EXIT_OK


def cmd_batches(args: argparse.Namespace) -> int:
    """List uploads, edits and undos, newest first (times in local time)."""
    from louiestat.writing import batches

    frame = batches.list_batches(_engine(), limit=args.limit)
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
        result = batches.undo_batch(_engine(), args.batch_id, actor=_actor(args), on_wait=_say_waiting)
    except UndoRefused as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    print(result.message)
    return EXIT_OK


def _month(text: str) -> str:
    """A ``YYYY-MM`` argument, checked by ``parse_month``; its complaint is argparse's usage error."""
    try:
        return parse_month(text).strftime("%Y-%m")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_scorecard(args: argparse.Namespace) -> int:
    """Print a department's scorecard (one row per KPI, as the page shows it) or, with --city, the city's."""
    import pandas as pd

    from louiestat.config import get_settings
    from louiestat.reading import views

    if (args.department is None) == (not args.city):
        print("error: name a DEPARTMENT (slug) or give --city", file=sys.stderr)
        return EXIT_USAGE
    settings = get_settings()
    city = views.City.load(_engine())
    known = city.departments()["department"].tolist()
    if args.department is not None and args.department not in known:
        print(f"error: no department '{args.department}'; known: {', '.join(known) or 'none yet'}", file=sys.stderr)
        return EXIT_USAGE
    months = views.months_offered(city, settings.reporting_share)
    as_of = args.as_of or months.default or (pd.Timestamp.today() - pd.DateOffset(months=1)).strftime("%Y-%m")
    card = views.city_scorecard(city, pd.Timestamp(f"{as_of}-01"), settings.fiscal_year_start_month)
    reported = months.reported(as_of)
    if args.city:
        _print_city(card, city, as_of, reported, args)
    else:
        _print_department(card[card["department"] == args.department], as_of, reported, args)
    return EXIT_OK


def _print_city(card: pd.DataFrame, city: views.City, as_of: str, reported: str | None, args) -> None:
    import pandas as pd

    from louiestat.config import get_settings
    from louiestat.exports import downloads
    from louiestat.presentation.values import format_score, month_label
    from metrics.scorecard import city_summary, department_summary

    cap = get_settings().score_cap
    departments = department_summary(card, city.kpis, cap)
    record = downloads.city_record(city_summary(card, city.kpis, cap), departments, as_of, reported)
    if args.json:
        print(json.dumps(record, indent=2))
    elif args.csv:
        from louiestat.exports.spreadsheet import csv_text

        print(csv_text(pd.DataFrame(record["departments"])), end="")
    else:
        provisional = " (provisional)" if record["provisional"] else ""
        print(f"City score {format_score(record['score'])}{provisional} · {month_label(as_of)}"
              + (f" · incomplete: {reported}" if reported else " · every department reported"))
        table = departments.assign(score=format_score(departments["score_month"]))
        table = table.rename(columns={"department_name": "Department", "score": "Score", "kpis_reported": "Reported",
                                      "kpis": "KPIs", "off_target": "Off", "near_target": "Near", "on_target": "On"})
        table["Overdue"] = table["overdue"].map({True: "overdue", False: ""})
        print(table[["Department", "Score", "Reported", "KPIs", "On", "Near", "Off", "Overdue"]].to_string(index=False))


def _print_department(card: pd.DataFrame, as_of: str, reported: str | None, args) -> None:
    from louiestat.exports import downloads
    from louiestat.presentation.values import month_label
    from louiestat.reading import views

    if args.json:
        print(json.dumps(downloads.scorecard_records(card), indent=2))
    elif args.csv:
        from louiestat.exports.spreadsheet import csv_text

        print(csv_text(downloads.scorecard_download(card)), end="")
    else:
        name = card["department_name"].iloc[0]
        state = " · provisional: not reported yet" if card["provisional"].any() else ""
        print(f"{name} · {month_label(as_of)}{state}" + (f" · month incomplete: {reported}" if reported else ""))
        table = views.scorecard_table(card)
        shown = [c for c in table.columns if c not in ("Last 12 months", "Signal", "Assurance", "Note")]
        print(table[shown].to_string(index=False))


def cmd_packet(args: argparse.Namespace) -> int:
    """Write the briefing packet of a department's stat meeting as a PDF: a cover, then a page per agenda item."""
    from louiestat.packet import BriefingNotFound, MissingSystemPackage, briefing_for, packet_pdf
    from louiestat.reading import views

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        print(f"error: the packet is a PDF; give --out a file name ending in .pdf, not '{out.name}'", file=sys.stderr)
        return EXIT_USAGE
    engine = _engine()
    city = views.City.load(engine)
    try:
        briefing = briefing_for(engine, args.department, args.as_of, args.meeting, city=city)
    except BriefingNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        pdf = packet_pdf(city, briefing)
    except MissingSystemPackage as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    out.write_bytes(pdf)
    print(f"Wrote {out}: the briefing packet of {briefing.department_name} as of {briefing.as_of}, a cover and "
          f"{len(briefing.items)} agenda item{'' if len(briefing.items) == 1 else 's'}")
    return EXIT_OK


MINUTES_FORMATS = (".pdf", ".md")


def cmd_minutes(args: argparse.Namespace) -> int:
    """Write the minutes of a held meeting (attendees, notes per item, every follow-up) as PDF or Markdown."""
    out = Path(args.out)
    if out.suffix.lower() not in MINUTES_FORMATS:
        print(f"error: the minutes are written as {' or '.join(MINUTES_FORMATS)} (the format comes from the "
              f"extension); give --out a file name ending in one of them, not '{out.name}'", file=sys.stderr)
        return EXIT_USAGE
    from louiestat.packet import BriefingNotFound, briefing_for, minutes_markdown, minutes_pdf

    try:
        briefing = briefing_for(_engine(), None, None, args.meeting_id)
    except BriefingNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if out.suffix.lower() == ".pdf":
        out.write_bytes(minutes_pdf(briefing))
    else:
        out.write_text(minutes_markdown(briefing), encoding="utf-8")
    print(f"Wrote {out}: the minutes of meeting {args.meeting_id}, {len(briefing.followups)} follow-ups")
    return EXIT_OK


def _known_department(engine: Engine, department: str | None) -> bool:
    """Whether ``department`` (a slug, or None for all) is stored; says which are when it is not."""
    from louiestat.reading import queries

    known = queries.departments(engine)["department"].tolist()
    if department is None or department in known:
        return True
    print(f"error: no department '{department}'; known: {', '.join(known) or 'none yet'}", file=sys.stderr)
    return False


def cmd_agenda(args: argparse.Namespace) -> int:
    """Propose a department's stat-meeting agenda for a month: open follow-ups, then KPIs off target, special-cause
    concerns, worsening trends, missing or late data and KPIs not on pace, each with its reason and a question."""
    from louiestat.meetings import propose
    from louiestat.presentation.agenda import KIND_WORDS

    engine = _engine()
    if not _known_department(engine, args.department):
        return EXIT_USAGE
    briefing = propose(engine, args.department, args.as_of)
    if args.json:
        print(json.dumps([item.model_dump(include=set(AGENDA_JSON_KEYS)) for item in briefing.items], indent=2))
        return EXIT_OK
    minutes = sum(item.minutes for item in briefing.items)
    print(f"{briefing.title}: {len(briefing.items)} items, {minutes} minutes")
    for n, item in enumerate(briefing.items, start=1):
        print(f"\n{n}. {item.title} · {KIND_WORDS[item.kind]} · {item.minutes} min")
        print(f"   Why: {item.reason}")
        print(f"   Ask: {item.question}")
    return EXIT_OK


def cmd_followups(args: argparse.Namespace) -> int:
    """List follow-ups from stat meetings across the city, overdue first, with due dates relative to today."""
    from louiestat.meetings import followup_table

    engine = _engine()
    if not _known_department(engine, args.department):
        return EXIT_USAGE
    table = followup_table(engine, dt.date.today(), department_slug=args.department, state=args.status)
    if args.json:
        records = table[list(FOLLOWUP_JSON_KEYS)].astype(object)
        records = records.where(records.notna(), None).to_dict(orient="records")
        print(json.dumps(records, indent=2, default=lambda day: day.isoformat()))
    elif table.empty:
        print("No follow-ups" + (f" {args.status}" if args.status else "") + ".")
    else:
        shown = table.rename(columns={"id": "ID", "department_name": "Department", "what": "What", "owner": "Owner",
                                      "due_by": "Due", "due_text": "When", "state": "Status"})
        print(shown[["ID", "Department", "What", "Owner", "Due", "When", "Status"]].to_string(index=False))
    return EXIT_OK


# The keys of `agenda --json` and `followups --json` objects (the README lists them; a test keeps them true).
AGENDA_JSON_KEYS = ("kind", "kpi", "title", "reason", "question", "minutes", "followup_id")
FOLLOWUP_JSON_KEYS = (
    "id", "department", "department_name", "what", "owner", "due", "revised_due", "due_by", "kpi", "status", "state",
    "due_text", "response", "closed_by", "closed_at", "raised_in", "raised_on",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m louiestat",
        description="LouieStat: monthly KPI data for city departments. The database is LOUIESTAT_DATABASE_URL "
        "(default sqlite:///louiestat.db).",
    )
    parser.add_argument("--user", default=None, help="who is acting, recorded with every change (default: $LOUIESTAT_USER or your login)")
    parser.add_argument("--as", dest="as_user", metavar="EMAIL", default=None,
                        help="act with this user's rights (an analyst changes only their departments); without it the "
                        "CLI acts as the local administrator")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help=cmd_init.__doc__, description=cmd_init.__doc__)
    p.add_argument("--sample", action="store_true", help="load the sample city from sample_data/")
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

    p = sub.add_parser("scorecard", help=cmd_scorecard.__doc__, description=cmd_scorecard.__doc__)
    p.add_argument("department", nargs="?", help="the department's slug (see `export definitions`)")
    p.add_argument("--city", action="store_true", help="the city's score and each department's instead")
    p.add_argument("--as-of", type=_month, metavar="YYYY-MM",
                   help="the month (default: the newest month most departments have reported)")
    output = p.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON (keys in the README)")
    output.add_argument("--csv", action="store_true", help="print CSV")
    p.set_defaults(func=cmd_scorecard)

    p = sub.add_parser("packet", help=cmd_packet.__doc__, description=cmd_packet.__doc__)
    p.add_argument("department", help="the department's slug (see `export definitions`)")
    p.add_argument("--as-of", type=_month, metavar="YYYY-MM", required=True, help="the month the data is shown as of")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF file to write")
    p.add_argument("--meeting", type=int, metavar="ID", default=None,
                   help="a stored meeting's agenda, attendees and notes (default: the agenda proposed from the data)")
    p.set_defaults(func=cmd_packet)

    p = sub.add_parser("minutes", help=cmd_minutes.__doc__, description=cmd_minutes.__doc__)
    p.add_argument("meeting_id", type=int, help="the meeting")
    p.add_argument("--out", required=True, metavar="FILE.pdf|FILE.md", help="the file to write; its extension "
                   "chooses PDF or Markdown")
    p.set_defaults(func=cmd_minutes)

    p = sub.add_parser("undo", help=cmd_undo.__doc__, description=cmd_undo.__doc__)
    p.add_argument("batch_id", type=int, help="the batch to undo (see `batches`)")
    p.set_defaults(func=cmd_undo)

    p = sub.add_parser("agenda", help=cmd_agenda.__doc__.split(":")[0], description=cmd_agenda.__doc__)
    p.add_argument("department", help="the department's slug (see `export definitions`)")
    p.add_argument("--as-of", type=_month, metavar="YYYY-MM", required=True, help="the month the meeting is about")
    p.add_argument("--json", action="store_true", help="print JSON (keys in the README)")
    p.set_defaults(func=cmd_agenda)

    p = sub.add_parser("followups", help=cmd_followups.__doc__, description=cmd_followups.__doc__)
    p.add_argument("--department", help="only this department (slug)")
    p.add_argument("--status", choices=("open", "overdue", "done"),
                   help="only open ones (overdue included), only overdue ones, or only those done")
    p.add_argument("--json", action="store_true", help="print JSON (keys in the README)")
    p.set_defaults(func=cmd_followups)

    add_users_parser(sub)
    return parser


def _actor(args: argparse.Namespace):
    """Who the command acts as, for every command alike: the user named by ``--as`` (with their rights), else the
    local administrator named by ``--user`` (or the login), recorded as that name from ``cli``."""
    from louiestat.access.principal import signed_in

    return signed_in(_engine(), args.as_user) if args.as_user else args.user


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (argparse exits with 2 on usage errors)."""
    args = build_parser().parse_args(argv)
    from louiestat.config import get_settings

    args.user = args.user or get_settings().user
    try:
        return args.func(args)
    except RefusedByRights as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_REJECTED
    except EnvironmentFailure as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except BrokenPipeError:
        # The reader went away (`export values | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as error:
        from louiestat.db import failures

        print(f"error: {failures.from_os_error(error)}", file=sys.stderr)
        return EXIT_ENVIRONMENT
