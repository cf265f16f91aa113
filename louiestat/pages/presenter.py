"""Presenter mode (``presenter?meeting=ID&item=N``): one agenda item per screen for a projector, moved with
Previous / Next (or the arrow keys); opening the page writes nothing, every move is stored, so a follower screen
shows the same item. Start meeting starts the clock on the item on screen; End meeting marks the meeting held from
the clock's start to now. Notes and follow-ups are typed on the item and saved at once; what the boxes show is
always read back from the database."""

import datetime as dt

import streamlit as st

from louiestat import meetings
from louiestat.errors import MeetingRefused, WriteRefused
from louiestat.meetings.presenting import Slide
from louiestat.meetings.presenting import slide as read_slide
from louiestat.ui import access, cache, slide
from louiestat.ui.widgets import escape_markdown

REFUSED = "presenter.refused"
FOLLOWUP_DAYS = 14  # a new follow-up is due this long after the meeting unless the facilitator picks a date


def _number(name: str) -> int | None:
    text = st.query_params.get(name, "")
    return int(text) if text.isdigit() else None


def _write(action, *args, **kwargs) -> None:
    """Run a store write as the signed-in admin; a refusal is kept to be shown on the rerun it causes."""
    try:
        action(cache.engine(), access.acting(), *args, **kwargs)
    except (MeetingRefused, WriteRefused) as refused:
        st.session_state[REFUSED] = str(refused)


def _move(meeting_id: int, position: int) -> None:
    _write(meetings.set_current, meeting_id, position)
    st.query_params["item"] = str(position)


def _start(meeting_id: int, position: int) -> None:
    _write(meetings.start_meeting, meeting_id, position)


def _end(meeting_id: int, started_at: dt.datetime) -> None:
    _write(meetings.mark_held, meeting_id, started_at, dt.datetime.now(dt.UTC).replace(tzinfo=None))


def _save_notes(meeting_id: int, item_id: int, key: str) -> None:
    _write(meetings.save_notes, meeting_id, {item_id: st.session_state[key]})


def _add_followup(current: Slide, key: str) -> None:
    what, owner, due = (st.session_state[f"{key}_{field}"] for field in ("what", "owner", "due"))
    _write(meetings.add_followup, current.meeting.department, what=what, owner=owner, due=due,
           kpi=current.item.kpi, raised_in=current.meeting.meeting_id)


def render() -> None:
    access.acting_for("run_meetings")
    slide.full_screen()
    meeting_id = _number("meeting")
    if meeting_id is None:
        st.error("Presenter mode needs a meeting: open it from the Meetings page (presenter?meeting=ID).",
                 icon=":material/event_busy:")
        st.page_link("louiestat/pages/meetings.py", label="Go to Meetings", icon=":material/groups:")
        return
    try:
        current = read_slide(cache.engine(), meeting_id, _number("item"))
    except MeetingRefused as refused:
        st.error(escape_markdown(str(refused)), icon=":material/event_busy:")
        st.page_link("louiestat/pages/meetings.py", label="Go to Meetings", icon=":material/groups:")
        return
    st.query_params["item"] = str(current.position)
    _controls(current)
    if REFUSED in st.session_state:
        st.error(escape_markdown(st.session_state.pop(REFUSED)), icon=":material/block:")
    slide.show(current, key="presenter")
    _facilitator(current)


def _controls(current: Slide) -> None:
    meeting, position = current.meeting, current.position
    with st.container(key="slide_controls", horizontal=True, vertical_alignment="center", gap="small"):
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        st.markdown(f"**{escape_markdown(meeting.title)}** · {slide.progress(current, now)}", width="stretch")
        st.button("Previous", icon=":material/arrow_back:", shortcut="Left", disabled=position <= 1,
                  on_click=_move, args=(meeting.meeting_id, position - 1), key="previous")
        st.button("Next", icon=":material/arrow_forward:", shortcut="Right", disabled=position >= current.count,
                  on_click=_move, args=(meeting.meeting_id, position + 1), key="next", type="primary")
        st.page_link("louiestat/pages/follower.py", label="Follower screen", icon=":material/cast:",
                     query_params={"meeting": str(meeting.meeting_id)})
        st.page_link("louiestat/pages/meetings.py", label="Leave presenter", icon=":material/close:",
                     query_params={"department": meeting.department, "as_of": meeting.as_of})


def _start_or_end(current: Slide) -> None:
    """Start the meeting (its clock, and the follower on this item), or end it: marked held from start to now."""
    meeting_id = current.meeting.meeting_id
    if current.started_at is None:
        st.button("Start meeting", icon=":material/play_arrow:", on_click=_start, args=(meeting_id, current.position),
                  key="start", help="Starts the meeting's clock on this item and shows it on the follower screen "
                  "(the first Next or Previous of the day starts it too)")
    elif not current.ended:
        st.button("End meeting", icon=":material/stop:", on_click=_end, args=(meeting_id, current.started_at),
                  key="end", help="Marks the meeting held, from the clock's start to now; its minutes then say so")


def _facilitator(current: Slide) -> None:
    """The notes box and the follow-up form of the item on screen, for the facilitator."""
    item, key = current.item, f"item_{current.item.id}"
    notes, add = st.columns([1.4, 1], gap="large")
    with notes:
        _start_or_end(current)
        if item.question:
            st.markdown(f"**Ask:** {escape_markdown(item.question)}")
        if item.presenter_notes:
            st.markdown(f"**Presenter notes:** {escape_markdown(item.presenter_notes)}")
        st.session_state[f"{key}_notes"] = item.notes  # always what the database holds
        st.text_area("Notes on this item (saved as you leave the box)", key=f"{key}_notes", height=170,
                     on_change=_save_notes, args=(current.meeting.meeting_id, item.id, f"{key}_notes"))
    with add, st.form(f"{key}_followup", clear_on_submit=True, border=True):
        st.markdown("**Add a follow-up**" + (f" on {escape_markdown(item.title)}" if item.kpi else ""))
        st.text_input("What", key=f"{key}_what", max_chars=500)
        who, due = st.columns([1.3, 1])
        who.text_input("Owner", key=f"{key}_owner", max_chars=200)
        due.date_input("Due", key=f"{key}_due", value=current.meeting.date + dt.timedelta(days=FOLLOWUP_DAYS))
        st.form_submit_button("Add follow-up", icon=":material/add_task:", on_click=_add_followup,
                              args=(current, key))


render()
