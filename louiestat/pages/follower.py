"""Follow the meeting (``follow?meeting=ID``): the item the presenter is on, read-only, for the mayor's laptop or
a remote attendee; it reads the presenter's position from the database every 2 seconds."""

import datetime as dt

import streamlit as st

from louiestat.errors import MeetingRefused
from louiestat.meetings.presenting import slide as read_slide
from louiestat.ui import access, cache, slide
from louiestat.ui.widgets import escape_markdown

POLL_SECONDS = 2


@st.fragment(run_every=POLL_SECONDS)
def _follow(meeting_id: int) -> None:
    try:
        current = read_slide(cache.engine(), meeting_id)
    except MeetingRefused as refused:
        st.error(escape_markdown(str(refused)), icon=":material/event_busy:")
        return
    where = slide.progress(current, dt.datetime.now(dt.UTC).replace(tzinfo=None))
    st.markdown(f"**{escape_markdown(current.meeting.title)}** · {where}"
                + ("" if current.started_at else " · waiting for the presenter"))
    slide.show(current, key="follower")


def render() -> None:
    access.acting()
    slide.full_screen()
    meeting = st.query_params.get("meeting", "")
    if not meeting.isdigit():
        st.error("Following a meeting needs its number: follow?meeting=ID (the presenter's screen links to it).",
                 icon=":material/event_busy:")
        return
    _follow(int(meeting))


render()
