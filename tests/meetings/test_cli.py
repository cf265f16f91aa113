"""The `agenda` and `followups` commands: their JSON keys (as the README lists them), text, and exit status 2 for
an unknown department or a month that is not one."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine

from louiestat import meetings
from louiestat.cli import main
from tests.test_docs import json_table

# The keys as the README lists them (not the constants the output is built from, which would agree whatever).
AGENDA_JSON_KEYS = tuple(json_table()["agenda DEPARTMENT --as-of YYYY-MM --json"])
FOLLOWUP_JSON_KEYS = tuple(json_table()["followups --json"])


def test_agenda_json_lists_the_proposed_items(sample_meetings: Engine, capsys) -> None:
    assert main(["agenda", "public_works", "--as-of", "2016-06", "--json"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert [tuple(item) for item in items] == [AGENDA_JSON_KEYS] * 5
    assert [(i["kind"], i["kpi"]) for i in items] == [
        ("followup", "fleet_availability_pct"), ("followup", "overtime_hours"), ("followup", "recycling_diversion_pct"),
        ("off_target", "time_to_fill"), ("off_target", "missed_collections"),
    ]
    proposed = meetings.propose(sample_meetings, "public_works", "2016-06")
    assert [i["reason"] for i in items] == [i.reason for i in proposed.items]
    assert items[3]["reason"].startswith("Worse than target for 2 months (92.2 days against a target of 60 days)")
    overdue = (dt.date.today() - dt.date(2016, 7, 8)).days
    assert items[0]["reason"].endswith(f"due 8 July 2016, {overdue:,} days overdue")
    assert [i["followup_id"] for i in items] == [4, 6, 5, None, None]


def test_agenda_text(sample_city: Engine, capsys) -> None:
    assert main(["agenda", "hr", "--as-of", "2016-06"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Human Resources stat · June 2016: 4 items, 32 minutes\n\n1. Monthly turnover · Off target")
    assert "   Ask: What is keeping Monthly turnover from its target of 1.0%" in text


@pytest.mark.parametrize(("argv", "complaint"), [
    (["agenda", "zoo", "--as-of", "2016-06"], "error: no department 'zoo'; known: codes, ems, hr, fire, library"),
    (["agenda", "hr", "--as-of", "2016-6"], "'2016-6' is not a month; give it as YYYY-MM, e.g. 2016-06"),
    (["agenda", "hr"], "the following arguments are required: --as-of"),
    (["followups", "--department", "zoo"], "error: no department 'zoo'; known: codes, ems"),
    (["followups", "--status", "late"], "argument --status: invalid choice: 'late'"),
])
def test_usage_errors_exit_2(sample_city: Engine, argv: list[str], complaint: str, capsys) -> None:
    try:
        status = main(argv)
    except SystemExit as exit_:
        status = exit_.code
    assert status == 2
    assert complaint in capsys.readouterr().err


def test_followups_json_has_every_key_and_due_dates_relative_to_today(sample_meetings: Engine, capsys) -> None:
    assert main(["followups", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 20 and all(tuple(row) == FOLLOWUP_JSON_KEYS for row in rows)
    first = rows[0]
    days = (dt.date.today() - dt.date(2016, 7, 1)).days
    assert (first["department"], first["what"], first["due"], first["state"], first["due_text"]) == (
        "hr", "Bring exit-interview findings for the first-year leavers", "2016-07-01", "overdue",
        f"{days:,} days overdue")
    moved = next(row for row in rows if row["revised_due"])
    assert (moved["due"], moved["revised_due"], moved["due_by"]) == ("2016-06-30", "2016-08-01", "2016-08-01")
    done = next(row for row in rows if row["status"] == "done")
    assert (done["due_text"], done["closed_by"], done["raised_on"]) == ("done 2016-06-22", "sample", "2016-06-15")


@pytest.mark.parametrize(("argv", "count"), [
    (["followups", "--status", "overdue", "--json"], 13),
    (["followups", "--status", "open", "--json"], 13),
    (["followups", "--status", "done", "--json"], 6),
    (["followups", "--department", "hr", "--json"], 3),
])
def test_followups_filters(sample_meetings: Engine, argv: list[str], count: int, capsys) -> None:
    assert main(argv) == 0
    assert len(json.loads(capsys.readouterr().out)) == count


def test_followups_text_lists_overdue_first(sample_meetings: Engine, capsys) -> None:
    assert main(["followups", "--department", "ems"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "Department", "What", "Owner", "Due", "When", "Status"]
    assert "Meet the two hospitals about an offload agreement" in lines[1] and lines[1].endswith("overdue")
    assert "Overtime by shift and station for the next meeting" in lines[2] and lines[2].endswith("done")
