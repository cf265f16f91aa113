"""One line for the overview and scorecard pages: how many stat-meeting follow-ups are open and overdue (the
city's, or one department's), linking to the Follow-ups page for those signed in, who are offered it."""

import datetime as dt
from urllib.parse import urlencode

import streamlit as st

from louiestat import meetings
from louiestat.pages import access, cache
from louiestat.presentation.agenda import followup_counts_text

FOLLOWUPS_PATH = "followups"  # the Follow-ups page's URL path, relative to the page showing the line


def followup_counts_line(department: str | None = None) -> None:
    """'3 open follow-ups, 1 overdue' for ``department`` (None: the whole city), with a link to the list."""
    if access.visitor().role is None:
        return
    counts = meetings.followup_counts(cache.engine(), dt.date.today())
    if department is not None:
        counts = counts.loc[counts.index == department]
    text = followup_counts_text(int(counts["open"].sum()), int(counts["overdue"].sum()))
    # A link in a caption, not a page link, so the pages' own page links (one per KPI card) stay theirs alone.
    query = f"?{urlencode({'department': department})}" if department else ""
    st.caption(f":material/checklist: Stat-meeting follow-ups: {text} · [see them]({FOLLOWUPS_PATH}{query})")
