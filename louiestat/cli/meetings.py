"""The stat meeting: ``agenda``, ``followups``, ``packet`` and ``minutes``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

from louiestat.cli.common import EXIT_OK, EXIT_USAGE, engine, fail, known_department, month


def cmd_packet(args: argparse.Namespace) -> int:
    """Write the briefing packet of a department's stat meeting as a PDF: a cover, then a page per agenda item."""
    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        return fail(f"the packet is a PDF; give --out a file name ending in .pdf, not '{out.name}'", EXIT_USAGE)
    from louiestat.meetings import briefing_for
    from louiestat.packet import packet_pdf
    from louiestat.reading import views

    database = engine()
    city = views.City.load(database)
    briefing = briefing_for(database, args.department, args.as_of, args.meeting, city=city)
    out.write_bytes(packet_pdf(city, briefing))
    print(f"Wrote {out}: the briefing packet of {briefing.department_name} as of {briefing.as_of}, a cover and "
          f"{len(briefing.items)} agenda item{'' if len(briefing.items) == 1 else 's'}")
    return EXIT_OK


MINUTES_FORMATS = (".pdf", ".md")


def cmd_minutes(args: argparse.Namespace) -> int:
    """Write the minutes of a held meeting (attendees, notes per item, every follow-up) as PDF or Markdown."""
    out = Path(args.out)
    if out.suffix.lower() not in MINUTES_FORMATS:
        return fail(f"the minutes are written as {' or '.join(MINUTES_FORMATS)} (the format comes from the "
                    f"extension); give --out a file name ending in one of them, not '{out.name}'", EXIT_USAGE)
    from louiestat.meetings import briefing_for
    from louiestat.packet import minutes_markdown, minutes_pdf

    briefing = briefing_for(engine(), None, None, args.meeting_id)
    if out.suffix.lower() == ".pdf":
        out.write_bytes(minutes_pdf(briefing))
    else:
        out.write_text(minutes_markdown(briefing), encoding="utf-8")
    print(f"Wrote {out}: the minutes of meeting {args.meeting_id}, {len(briefing.followups)} follow-ups")
    return EXIT_OK


AGENDA_HELP = "Propose a department's stat-meeting agenda for a month"


def cmd_agenda(args: argparse.Namespace) -> int:
    """Propose a department's stat-meeting agenda for a month: open follow-ups, then KPIs off target, special-cause
    concerns, worsening trends, missing or late data and KPIs not on pace, each with its reason and a question."""
    from louiestat.meetings import propose
    from louiestat.presentation.agenda import KIND_WORDS

    database = engine()
    known_department(database, args.department)
    briefing = propose(database, args.department, args.as_of)
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

    database = engine()
    known_department(database, args.department)
    table = followup_table(database, dt.date.today(), department_slug=args.department, state=args.status)
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


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The stat-meeting commands' parsers."""
    p = sub.add_parser("packet", help=cmd_packet.__doc__, description=cmd_packet.__doc__)
    p.add_argument("department", help="the department's slug (see `export definitions`)")
    p.add_argument("--as-of", type=month, metavar="YYYY-MM", required=True, help="the month the data is shown as of")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="the PDF file to write")
    p.add_argument("--meeting", type=int, metavar="ID", default=None,
                   help="a stored meeting's agenda, attendees and notes (default: the agenda proposed from the data)")
    p.set_defaults(func=cmd_packet)

    p = sub.add_parser("minutes", help=cmd_minutes.__doc__, description=cmd_minutes.__doc__)
    p.add_argument("meeting_id", type=int, help="the meeting")
    p.add_argument("--out", required=True, metavar="FILE.pdf|FILE.md", help="the file to write; its extension "
                   "chooses PDF or Markdown")
    p.set_defaults(func=cmd_minutes)

    p = sub.add_parser("agenda", help=AGENDA_HELP, description=cmd_agenda.__doc__)
    p.add_argument("department", help="the department's slug (see `export definitions`)")
    p.add_argument("--as-of", type=month, metavar="YYYY-MM", required=True, help="the month the meeting is about")
    p.add_argument("--json", action="store_true", help="print JSON (keys in the README)")
    p.set_defaults(func=cmd_agenda)

    p = sub.add_parser("followups", help=cmd_followups.__doc__, description=cmd_followups.__doc__)
    p.add_argument("--department", help="only this department (slug)")
    p.add_argument("--status", choices=("open", "overdue", "done"),
                   help="only open ones (overdue included), only overdue ones, or only those done")
    p.add_argument("--json", action="store_true", help="print JSON (keys in the README)")
    p.set_defaults(func=cmd_followups)
