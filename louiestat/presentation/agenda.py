"""A stat meeting's agenda and follow-ups in words: each proposed item's title, reason and leading question, the
minutes it is given, and a due date relative to today ('due in 3 days', '12 days overdue')."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from louiestat.presentation.sentences import MONTH_NAMES, month_names
from louiestat.presentation.values import format_value
from louiestat.presentation.words import counted

# Minutes each kind of item is given by default; the facilitator changes them before the meeting.
MINUTES = {"followup": 5, "off_target": 10, "special_cause": 10, "worsening": 8, "missing": 4, "projected": 6,
           "topic": 10}
KIND_WORDS = {
    "followup": "Follow-up from an earlier meeting",
    "off_target": "Off target",
    "special_cause": "Special-cause concern",
    "worsening": "Worsening trend",
    "missing": "Data missing or late",
    "projected": "Not on pace to reach target",
    "topic": "Topic",
}

# A follow-up's state with an icon, so that it is never told by colour alone.
FOLLOWUP_STATE_WORDS = {"overdue": "⚠ Overdue", "open": "○ Open", "done": "✔ Done", "dropped": "✖ Dropped"}


def followup_counts_text(open_count: int, overdue: int) -> str:
    """'3 open follow-ups, 1 overdue' ('No open follow-ups' for none)."""
    if not open_count:
        return "No open follow-ups"
    return f"{counted(open_count, 'open follow-up')}, {overdue} overdue"


def date_words(day: dt.date) -> str:
    """'30 June 2016', in English whatever the locale."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def local_time(at: dt.datetime) -> dt.datetime:
    """A stored time (UTC) as the server's clock reads it, as the people in the meeting room read theirs."""
    return at.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def stored_time(local: dt.datetime) -> dt.datetime:
    """A time read off the server's clock (a meeting's start typed on a page) as it is stored: UTC."""
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def held_times(started_at: dt.datetime | None, ended_at: dt.datetime | None) -> str:
    """When a meeting was held on the local clock, '10:02–11:30' ('' until both are known)."""
    if pd.isna(started_at) or pd.isna(ended_at):
        return ""
    start, end = (local_time(pd.Timestamp(at).to_pydatetime()) for at in (started_at, ended_at))
    return f"{start:%H:%M}–{end:%H:%M}"


def meeting_status_words(status: str, started_at: dt.datetime | None, ended_at: dt.datetime | None) -> str:
    """How far a meeting got: 'planned (not held yet)', 'held 10:02–11:30' ('held' when no times were recorded),
    'held 10:02–11:30 and closed'."""
    if status == "planned":
        return "planned (not held yet)"
    times = held_times(started_at, ended_at)
    held = f"held {times}" if times else "held"
    return f"{held} and closed" if status == "closed" else held


def due_words(due_by: dt.date, today: dt.date) -> str:
    """When an open item is due, relative to ``today``: 'due today', 'due tomorrow', 'due in 3 days',
    '1 day overdue', '12 days overdue'."""
    days = (due_by - today).days
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days > 1:
        return f"due in {days:,} days"
    return f"{counted(-days, 'day')} overdue"


def kpi_item_words(items: pd.DataFrame) -> pd.DataFrame:
    """``title, reason, question, minutes`` for KPI items: ``items`` has the agenda's ``kind`` and the
    scorecard's columns (``kpi_name``, ``explanation``, ``target``, ``unit``, ``period``, ``as_of``,
    ``projection_text``). The reason is the scorecard's own sentence."""
    kind = items["kind"].to_numpy(dtype=object)
    name = items["kpi_name"].to_numpy(dtype=object)
    target = np.asarray(format_value(items["target"].to_numpy(float), items["unit"].to_numpy(dtype=object)), dtype=object)
    latest = month_names(items["period"].fillna(items["as_of"]))
    as_of = month_names(items["as_of"])
    projected = kind == "projected"
    reason = items["explanation"].to_numpy(dtype=object)
    reason = np.where(projected, reason + ". Reaching the target: " + items["projection_text"].fillna("").to_numpy(
        dtype=object), reason)
    question = np.select(
        [kind == "off_target", kind == "special_cause", kind == "worsening", kind == "missing", projected],
        [
            "What is keeping " + name + " from its target of " + target + ", and what will be different by the "
            "next meeting?",
            "What changed in " + name + " up to " + latest + ", and is it lasting?",
            "What is driving the worsening trend in " + name + ", and what is being done to turn it around?",
            "When will " + as_of + " data for " + name + " be reported, and what is holding it up?",
            "At the current pace " + name + " will not reach its target of " + target + "; what would bring it "
            "back on pace?",
        ],
        "",
    ).astype(object)
    return pd.DataFrame(
        {"title": name, "reason": reason, "question": question, "minutes": items["kind"].map(MINUTES).to_numpy()},
        index=items.index,
    )


def followup_item_words(items: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """``title, reason, question, minutes`` for follow-up items: ``items`` has ``what``, ``owner``, ``due_by``
    and ``raised_on`` (the date of the meeting that raised it, None when none did)."""
    reason = [
        (f"Open follow-up from the meeting of {date_words(raised)}" if pd.notna(raised) else "Open follow-up")
        + f", owned by {owner}: due {date_words(due)}, {due_words(due, today)}"
        for raised, owner, due in zip(items["raised_on"], items["owner"], items["due_by"])
    ]
    return pd.DataFrame(
        {
            "title": items["what"].to_numpy(dtype=object),
            "reason": reason,
            "question": "What has been done since the last meeting, and when will it be finished?",
            "minutes": MINUTES["followup"],
        },
        index=items.index,
    )
