"""Dates and follow-ups as the packet and the minutes print them; the words for an item's kind and a follow-up's
state are the pages' own (``louiestat.presentation.agenda``), so paper and screen say the same."""

from __future__ import annotations

import datetime as dt

from louiestat.meetings.briefing import FollowUp
from louiestat.presentation.agenda import FOLLOWUP_STATE_WORDS


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
    words = FOLLOWUP_STATE_WORDS[followup.status]
    when = f" {short_date(followup.closed_at.date())}" if followup.closed_at else ""
    who = f" by {followup.closed_by}" if followup.closed_by else ""
    response = f": {followup.response}" if followup.response else ""
    return f"{words}{when}{who}{response}" if followup.status != "open" else words
