"""One line for the overview and scorecard pages: how many stat-meeting follow-ups are open and overdue (the
city's, or one department's), pointing to the Follow-ups page, for those signed in, who are offered it."""

import datetime as dt

import streamlit as st

from louiestat import meetings
from louiestat.presentation.agenda import followup_counts_text
from louiestat.ui import access, cache


def followup_counts_line(department: str | None = None) -> None:
    """'3 open follow-ups, 1 overdue' for ``department`` (None: the whole city), with a link to the list."""
    if access.visitor().principal is None:
        return
    counts = meetings.followup_counts(cache.engine(), dt.date.today())
    if department is not None:
        counts = counts.loc[counts.index == department]
    text = followup_counts_text(int(counts["open"].sum()), int(counts["overdue"].sum()))
    # Words, not a link: the pages' own page links (one per KPI card) stay theirs alone, and their text no link.
    st.caption(f":material/checklist: Stat-meeting follow-ups: {text} · listed on the Follow-ups page")
