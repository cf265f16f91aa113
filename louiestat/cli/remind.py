"""Reminders: ``remind`` mails each KPI owner the values they have not reported past their due date."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from louiestat.cli.common import EXIT_OK, EXIT_REJECTED, actor, engine, month, say_waiting

if TYPE_CHECKING:
    from louiestat.reminders import RemindRun


def cmd_remind(args: argparse.Namespace) -> int:
    """Mail each KPI owner the KPIs whose value for the month is late (missing past its due date), once per KPI and
    month, with the due dates and the address of the entry page; --dry-run shows who would be reminded of what."""
    from louiestat.mail import mail_server
    from louiestat.reminders import remind

    server = None if args.dry_run else mail_server()
    run = remind(engine(), by=actor(args), server=server, month=args.month, again=args.again, on_wait=say_waiting)
    if args.json:
        print(json.dumps(_record(run), indent=2))
    else:
        _print(run, args.dry_run)
    for refused in run.refused:
        print(f"error: the mail server refused the reminder to {refused.to} ({refused.error}); it stays in the "
              "outbox and is sent again by the next run", file=sys.stderr)
    return EXIT_REJECTED if run.refused else EXIT_OK


def _record(run: RemindRun) -> dict:
    """What ``--json`` prints (the README's JSON table lists the keys)."""
    return {
        "month": run.month,
        "reminders": [
            {"to": r.reminder.to,
             "kpis": [{"department": k.department, "kpi": k.kpi, "kpi_name": k.kpi_name} for k in r.reminder.kpis],
             "sent": r.sent}
            for r in run.reminders
        ],
    }


def _print(run: RemindRun, dry_run: bool) -> None:
    from louiestat.presentation.agenda import date_words
    from louiestat.presentation.text import display_text
    from louiestat.presentation.values import month_label
    from louiestat.presentation.words import counted

    month = month_label(run.month)
    sent = sum(d.sent for d in run.earlier)
    if sent:
        print(f"Sent {counted(sent, 'reminder')} an earlier run had recorded but not sent.")
    if not run.reminders:
        print(f"No reminders for {month}: no owner has a late value they have not been reminded of.")
        return
    verb = "Would remind" if dry_run else "Reminded"
    print(f"{verb} {counted(len(run.reminders), 'owner')} of late values for {month}:")
    for reminded in run.reminders:
        state = "" if dry_run else ("  (sent)" if reminded.sent else "  (not sent)")
        print(f"\n{reminded.reminder.to}{state}")
        for kpi in reminded.reminder.kpis:
            print(f"  {display_text(kpi.department_name)}: {display_text(kpi.kpi_name)}, due {date_words(kpi.due)}")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The reminder commands' parsers."""
    p = sub.add_parser("remind", help="Mail KPI owners the values they have not reported past their due date",
                       description=cmd_remind.__doc__)
    p.add_argument("--month", type=month, metavar="YYYY-MM",
                   help="the month whose values are reminded of (default: the newest month some value is late for)")
    p.add_argument("--dry-run", action="store_true",
                   help="show who would be reminded of what; record and send nothing (no mail server needed)")
    p.add_argument("--again", action="store_true",
                   help="remind owners of their late KPIs even if they have been reminded of them for the month")
    p.add_argument("--json", action="store_true", help="print JSON (keys in the README)")
    p.set_defaults(func=cmd_remind)
