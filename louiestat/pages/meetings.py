"""Meetings: the agenda proposed from the data for a department and month, which the facilitator reorders, trims
and adds free topics to before saving it as a planned meeting; and the department's meetings so far."""

import datetime as dt

import streamlit as st

from louiestat import meetings
from louiestat.briefing import Briefing
from louiestat.errors import MeetingRefused, WriteRefused
from louiestat.meetings.editing import agenda_table, edited_agenda, kept_rows
from louiestat.meetings.presenting import MEETING_MINUTES
from louiestat.meetings.store import MEETINGS_WORD
from louiestat.pages import access, cache
from louiestat.pages.widgets import department_picker, empty_city, escape_markdown, month_picker, waiting_notice
from louiestat.presentation.text import display_frame

AGENDA_COLUMNS = {
    "keep": st.column_config.CheckboxColumn("Keep", width=80, help="Untick to drop the item from the agenda"),
    "order": st.column_config.NumberColumn("Order", width=85, min_value=1, step=1,
                                           help="Change the numbers to reorder; ties keep their rows' order"),
    "title": st.column_config.TextColumn("Item", width=300, required=True),
    "kind": st.column_config.TextColumn("Why it is here", width=230),
    "minutes": st.column_config.NumberColumn("Minutes", width=100, min_value=1, max_value=MEETING_MINUTES,
                                             step=1),
    "reason": st.column_config.TextColumn("Reason", width=380),
    "question": st.column_config.TextColumn("Leading question", width=380),
}
MEETING_COLUMNS = {
    "meeting_id": st.column_config.NumberColumn("Meeting", width=80),
    "date": st.column_config.DateColumn("Date", width=110),
    "title": st.column_config.TextColumn("Title", width=320),
    "status": st.column_config.TextColumn("Status", width=100),
    "as_of": st.column_config.TextColumn("About", width=90),
    "items": st.column_config.NumberColumn("Items", width=70),
}


@st.cache_data(max_entries=16, show_spinner=False)
def _proposal(version: int, department: str, as_of: str, today: dt.date) -> Briefing:
    return meetings.propose(cache.engine(), department, as_of, city=cache.city(), today=today)


def render() -> None:
    city = cache.city()
    title, pick_department, pick_month = st.columns([2.2, 1.6, 1.2], vertical_alignment="bottom")
    title.title("Meetings")
    if city.observations.empty:
        empty_city(city)
        return
    with pick_department:
        department = department_picker(city, key="department", in_url=True)
    with pick_month:
        as_of = month_picker(cache.months(), key="as_of")
    today = dt.date.today()
    proposed = _proposal(cache.batch_version(), department, as_of, today)
    st.subheader("Proposed agenda")
    st.caption("Open follow-ups first, then KPIs off target, special-cause concerns, worsening trends, missing or "
               "late data and KPIs not on pace to reach target; most urgent first in each group. Untick, renumber "
               "or add rows (free topics) before saving.")
    edited = st.data_editor(agenda_table(proposed.items), column_config=AGENDA_COLUMNS, disabled=["kind", "reason"],
                            num_rows="dynamic", hide_index=True, width="stretch", key=f"agenda_{department}_{as_of}")
    kept = kept_rows(edited)
    st.caption(f"{len(kept)} items, {int(kept['minutes'].fillna(0).sum())} of {MEETING_MINUTES} minutes")
    _save_form(proposed, edited, today)
    st.subheader(f"{escape_markdown(proposed.department_name)}: meetings")
    stored = meetings.meetings(cache.engine(), department)
    if stored.empty:
        st.info("No meetings stored for this department yet.", icon=":material/event:")
    else:
        st.dataframe(display_frame(stored[list(MEETING_COLUMNS)]), column_config=MEETING_COLUMNS, hide_index=True,
                     width="stretch")
        _present_links(stored)


def _present_links(stored) -> None:
    """A "Present" link per meeting, opening presenter mode in this tab (admins: the performance office)."""
    principal = access.visitor().principal
    if principal is None or principal.admins_only(MEETINGS_WORD):
        return
    for meeting_id, date, title in stored[["meeting_id", "date", "title"]].itertuples(index=False):
        st.page_link("louiestat/pages/presenter.py", label=f"Present meeting {meeting_id}: {escape_markdown(title)} ({date})",
                     icon=":material/slideshow:", query_params={"meeting": str(meeting_id)})


def _save_form(proposed: Briefing, edited, today: dt.date) -> None:
    """Save the edited agenda as a planned meeting (admins: the performance office)."""
    principal = access.visitor().principal
    why_not = principal.admins_only(MEETINGS_WORD) if principal else "Sign in as an admin to save meetings"
    if why_not:
        st.info(f"{why_not}.", icon=":material/lock:")
        return
    with st.form("save_meeting", border=True):
        date, name = st.columns([1, 3])
        day = date.date_input("Meeting date", value=today)
        heading = name.text_input("Title", value=proposed.title, max_chars=300)
        attendees = st.text_area("Attendees", placeholder="One per line")
        saved = st.form_submit_button("Save as a planned meeting", type="primary")
    if not saved:
        return
    try:
        items = edited_agenda(proposed.items, edited)
        briefing = proposed.model_copy(update={
            "items": items, "date": day, "title": heading.strip() or proposed.title,
            "attendees": [line.strip() for line in attendees.splitlines() if line.strip()],
        })
        meeting_id = meetings.create_meeting(cache.engine(), access.acting(), briefing, on_wait=waiting_notice())
    except (MeetingRefused, WriteRefused) as refused:
        st.error(escape_markdown(str(refused)), icon=":material/block:")
        return
    st.success(f"Saved as meeting {meeting_id}, planned for {day:%d %B %Y}, with {len(items)} items.",
               icon=":material/event_available:")


render()
