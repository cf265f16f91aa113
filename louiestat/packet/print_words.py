"""Wording shared by the packet and the minutes: why an item is on the agenda, dates, a follow-up's state."""

from __future__ import annotations

import datetime as dt

from louiestat.briefing import FollowUp

KIND_WORDS = {
    "followup": "Follow-up from an earlier meeting",
    "off_target": "Off target",
    "special_cause": "Real concern (special cause)",
    "worsening": "Worsening trend",
    "missing": "Data missing or late",
    "projected": "Not on course to reach its target",
    "topic": "Topic",
}
FOLLOWUP_STATUS_WORDS = {"open": "○ Open", "done": "✔ Done", "dropped": "– Dropped"}


def long_date(day: dt.date) -> str:
    """'Thursday 14 July 2016'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: dt.date) -> str:
    """'14 Jul 2016'."""
    return f"{day.day} {day:%b %Y}"


def due_text(followup: FollowUp, on: dt.date) -> str:
    """'due 31 Jul 2016 (moved from 30 Jun 2016) · overdue': when it is due, and whether it is late on ``on``."""
    moved = f" (moved from {short_date(followup.due)})" if followup.revised_due else ""
    late = " · ✖ overdue" if followup.is_overdue(on) else ""
    return f"due {short_date(followup.due_by)}{moved}{late}"


def closed_text(followup: FollowUp) -> str:
    """'✔ Done 12 Jul 2016 by ana: the response' for a closed follow-up; its status word while open."""
    words = FOLLOWUP_STATUS_WORDS[followup.status]
    when = f" {short_date(followup.closed_at.date())}" if followup.closed_at else ""
    who = f" by {followup.closed_by}" if followup.closed_by else ""
    response = f": {followup.response}" if followup.response else ""
    return f"{words}{when}{who}{response}" if followup.status != "open" else words
