"""Reports: ``scorecard`` for a department or the city."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from louiestat.cli.common import EXIT_OK, EXIT_USAGE, engine, fail, known_department, month

if TYPE_CHECKING:
    import pandas as pd

    from louiestat.reading import views


def cmd_scorecard(args: argparse.Namespace) -> int:
    """Print a department's scorecard (one row per KPI, as the page shows it) or, with --city, the city's."""
    import pandas as pd

    from louiestat.config import get_settings
    from louiestat.reading import views
    from metrics.months import month_start_of

    if (args.department is None) == (not args.city):
        return fail("name a DEPARTMENT (slug) or give --city", EXIT_USAGE)
    settings = get_settings()
    database = engine()
    known_department(database, args.department)
    city = views.City.load(database)
    months = views.months_offered(city, settings.reporting_share)
    as_of = args.as_of or months.default or (pd.Timestamp.today() - pd.DateOffset(months=1)).strftime("%Y-%m")
    card = views.city_scorecard(city, month_start_of(as_of), settings.fiscal_year_start_month)
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



def add_parsers(sub: argparse._SubParsersAction) -> None:
    """The report commands' parsers."""
    p = sub.add_parser("scorecard", help=cmd_scorecard.__doc__, description=cmd_scorecard.__doc__)
    p.add_argument("department", nargs="?", help="the department's slug (see `export definitions`)")
    p.add_argument("--city", action="store_true", help="the city's score and each department's instead")
    p.add_argument("--as-of", type=month, metavar="YYYY-MM",
                   help="the month (default: the newest month most departments have reported)")
    output = p.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON (keys in the README)")
    output.add_argument("--csv", action="store_true", help="print CSV")
    p.set_defaults(func=cmd_scorecard)
