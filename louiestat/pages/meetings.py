"""Meetings: the agenda proposed from the data for a department and month, which the facilitator (an admin)
reorders, trims and adds free topics to before saving it as a planned meeting, and which others read; and the
department's meetings so far, which an admin presents or marks held with the times it started and ended."""

import datetime as dt

import pandas as pd
import streamlit as st

from louiestat import meetings
from louiestat.access.policy import refusal
from louiestat.errors import MeetingRefused, WriteRefused
from louiestat.meetings.briefing import AgendaItem, Briefing, agenda_minutes
from louiestat.meetings.editing import ADDED, agenda_table, edited_agenda, kept_items
from louiestat.meetings.presenting import MEETING_MINUTES
from louiestat.meetings.store import held_between
from louiestat.presentation.agenda import KIND_WORDS, MINUTES, held_times, local_time, meeting_status_words
from louiestat.presentation.text import display_frame, display_text
from louiestat.presentation.words import counted
from louiestat.ui import access, cache
from louiestat.ui.widgets import department_picker, empty_city, escape_markdown, month_picker, waiting_notice

# A new row is a free topic: its defaults show what saving it will store.
AGENDA_COLUMNS = {
    "keep": st.column_config.CheckboxColumn("Keep", width=80, default=True,
                                            help="Untick to drop the item from the agenda"),
    "order": st.column_config.NumberColumn("Order", width=85, step=1,
                                           help="Change the numbers to reorder: a whole number from 1 up, each "
                                                "once; a row without one goes last"),
    "title": st.column_config.TextColumn("Item", width=300, required=True),
    "kind": st.column_config.TextColumn("Why it is here", width=230, default=KIND_WORDS["topic"]),
    "minutes": st.column_config.NumberColumn("Minutes", width=100, min_value=1, max_value=MEETING_MINUTES,
                                             step=1, default=MINUTES["topic"],
                                             help="Left blank, the usual minutes for its kind (10 for a topic)"),
    "reason": st.column_config.TextColumn("Reason", width=380, default=ADDED),
    "question": st.column_config.TextColumn("Leading question", width=380),
}
HELD_OUTCOME = "meetings.held"  # what marking a meeting held said, shown on the rerun it causes
READ_ONLY_COLUMNS = ["order", "title", "kind", "minutes", "reason", "question"]
MEETING_COLUMNS = {
    "meeting_id": st.column_config.NumberColumn("Meeting", width=80),
    "date": st.column_config.DateColumn("Date", width=110),
    "title": st.column_config.TextColumn("Title", width=320),
    "status": st.column_config.TextColumn("Status", width=100),
    "held": st.column_config.TextColumn("Held", width=110),
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
    principal = access.visitor().principal
    why_not = refusal(principal, "run_meetings") if principal else "Sign in as an admin to save meetings"
    st.subheader("Proposed agenda")
    if why_not is None:
        _agenda_editor(proposed, department, as_of, today)
    else:
        _agenda_read_only(proposed, why_not)
    st.subheader(f"{escape_markdown(proposed.department_name)}: meetings")
    stored = meetings.meetings(cache.engine(), department)
    if stored.empty:
        st.info("No meetings stored for this department yet.", icon=":material/event:")
        return
    shown = stored.assign(held=[held_times(s, e) for s, e in zip(stored["started_at"], stored["ended_at"])])
    st.dataframe(display_frame(shown[list(MEETING_COLUMNS)]), column_config=MEETING_COLUMNS, hide_index=True,
                 width="stretch")
    if why_not is None:
        _present_links(stored)
        _mark_held_form(stored)


def _agenda_editor(proposed: Briefing, department: str, as_of: str, today: dt.date) -> None:
    """The proposed agenda as a table to edit, its minutes counted as they will be saved, and the save form."""
    st.caption("Open follow-ups first, then KPIs off target, special-cause concerns, worsening trends, missing or "
               "late data and KPIs not on pace to reach target; most urgent first in each group. Untick, renumber "
               "or add rows (free topics) before saving.")
    edited = st.data_editor(agenda_table(proposed.items), column_config=AGENDA_COLUMNS, disabled=["kind", "reason"],
                            num_rows="dynamic", hide_index=True, width="stretch", placeholder="",
                            key=f"agenda_{department}_{as_of}")
    st.caption(_minutes_used(kept_items(proposed.items, edited)))
    try:
        items = edited_agenda(proposed.items, edited)
    except MeetingRefused as refused:
        st.warning(f"Not saved as it is: {escape_markdown(str(refused))}.", icon=":material/warning:")
        items = None
    _save_form(proposed, items, today)


def _agenda_read_only(proposed: Briefing, why_not: str) -> None:
    """The proposed agenda as a table to read, for those who may not save meetings."""
    st.caption("Open follow-ups first, then KPIs off target, special-cause concerns, worsening trends, missing or "
               "late data and KPIs not on pace to reach target; most urgent first in each group.")
    st.dataframe(agenda_table(proposed.items)[READ_ONLY_COLUMNS], column_config=AGENDA_COLUMNS, hide_index=True,
                 width="stretch")
    st.caption(_minutes_used(proposed.items))
    st.info(f"{why_not}.", icon=":material/lock:")


def _minutes_used(items: list[AgendaItem]) -> str:
    """'2 items, 15 of 90 minutes', counted as the packet counts its total."""
    return f"{counted(len(items), 'item')}, {agenda_minutes(items)} of {MEETING_MINUTES} minutes"


def _present_links(stored: pd.DataFrame) -> None:
    """A "Present" link per meeting, opening presenter mode in this tab (admins: the performance office)."""
    for meeting_id, date, title in stored[["meeting_id", "date", "title"]].itertuples(index=False):
        st.page_link("louiestat/pages/presenter.py", label=f"Present meeting {meeting_id}: {escape_markdown(title)} ({date})",
                     icon=":material/slideshow:", query_params={"meeting": str(meeting_id)})


def _save_form(proposed: Briefing, items: list[AgendaItem] | None, today: dt.date) -> None:
    """Save the edited agenda as a planned meeting (admins: the performance office); ``items`` is None while the
    table has rows that cannot be saved as they are."""
    with st.form("save_meeting", border=True):
        date, name = st.columns([1, 3])
        day = date.date_input("Meeting date", value=today)
        heading = name.text_input("Title", value=proposed.title, max_chars=300)
        attendees = st.text_area("Attendees", placeholder="One per line")
        saved = st.form_submit_button("Save as a planned meeting", type="primary")
    if not saved:
        return
    if items is None:
        st.error("The agenda above has rows that cannot be saved as they are; nothing was written.",
                 icon=":material/block:")
        return
    try:
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


def _mark_held_form(stored: pd.DataFrame) -> None:
    """Mark a meeting held, with the times it started and ended, for a meeting run without the presenter (admins)."""
    st.markdown("**Mark a meeting held**")
    labels = {row.meeting_id: f"Meeting {row.meeting_id}: {row.title} ({row.date}, "
              f"{meeting_status_words(row.status, row.started_at, row.ended_at)})" for row in stored.itertuples()}
    meeting_id = st.selectbox("Meeting", list(labels), format_func=lambda i: display_text(labels[i]), key="held_meeting")
    row = stored.set_index("meeting_id").loc[meeting_id]
    start, end = (None if pd.isna(at) else local_time(pd.Timestamp(at).to_pydatetime())
                  for at in (row["started_at"], row["ended_at"]))
    key = f"held_{meeting_id}"
    with st.form(key, border=True):
        day, started, ended = st.columns(3)
        day.date_input("Held on", value=start.date() if start else row["date"], key=f"{key}_day")
        started.time_input("Started at", value=start.time() if start else None, step=300, key=f"{key}_start")
        ended.time_input("Ended at", value=end.time() if end else None, step=300, key=f"{key}_end")
        st.form_submit_button("Mark held", icon=":material/event_available:", on_click=_mark_held,
                              args=(int(meeting_id), key))
    if (outcome := st.session_state.pop(HELD_OUTCOME, None)) is not None:
        said, text = outcome
        if said == "success":
            st.success(text, icon=":material/event_available:")
        else:
            st.error(text, icon=":material/block:")


def _mark_held(meeting_id: int, key: str) -> None:
    """Store the times typed in the form; runs before the page, so the list above shows them at once."""
    day, start, end = (st.session_state[f"{key}_{field}"] for field in ("day", "start", "end"))
    try:
        meetings.mark_held(cache.engine(), access.acting(), meeting_id, *held_between(day, start, end))
    except (MeetingRefused, WriteRefused) as refused:
        st.session_state[HELD_OUTCOME] = ("error", str(refused))
        return
    said = f"Meeting {meeting_id} is marked held on {day:%d %B %Y}, {start:%H:%M}–{end:%H:%M}."
    st.session_state[HELD_OUTCOME] = ("success", said)


render()
