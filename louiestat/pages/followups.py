"""Follow-ups: the commitments made in stat meetings across the city, overdue first, with due dates relative to
today; filters live in the URL. Closing one asks for the response; it is offered only to those who may close it
(an admin; an analyst of its department, as done)."""

import datetime as dt

import streamlit as st

from louiestat import meetings
from louiestat.access.policy import may
from louiestat.access.principal import Principal
from louiestat.errors import MeetingRefused, WriteRefused
from louiestat.presentation.agenda import FOLLOWUP_STATE_WORDS, followup_counts_text
from louiestat.presentation.text import display_frame, display_text
from louiestat.reading import views
from louiestat.ui import access, cache
from louiestat.ui.widgets import department_filter, escape_markdown, url_pills, url_selectbox, waiting_notice

# How far back closed follow-ups are listed (``closed=`` in the URL), in days; None is any time.
CLOSED_WITHIN = {"30": ("Closed in the last 30 days", 30), "365": ("Closed in the last year", 365),
                 "all": ("Closed any time", None)}
DEFAULT_STATES = ["overdue", "open", "done", "dropped"]
COLUMNS = {
    "Status": st.column_config.TextColumn("Status", width=110),
    "Department": st.column_config.TextColumn("Department", width=170),
    "What": st.column_config.TextColumn("What", width=330),
    "Owner": st.column_config.TextColumn("Owner", width=170),
    "Due": st.column_config.DateColumn("Due", width=100, help="The revised date when the due date was moved"),
    "When": st.column_config.TextColumn("When", width=150),
    "KPI": st.column_config.TextColumn("KPI", width=150),
    "Raised": st.column_config.DateColumn("Raised", width=100, help="The date of the meeting that raised it"),
    "Response": st.column_config.TextColumn("Response", width=300),
}


def render() -> None:
    principal = access.acting()  # only the signed in may be here; the store checks every close again
    today = dt.date.today()
    engine = cache.engine()
    st.title("Follow-ups")
    pick_department, pick_owner, pick_closed = st.columns([1.4, 1.4, 1.2], vertical_alignment="bottom")
    with pick_department:
        department = department_filter(cache.city(), key="department", in_url=True)
    everything = meetings.followup_table(engine, today, department_slug=department)
    with pick_owner:
        owners = [None, *sorted(everything["owner"].unique())]
        owner = url_selectbox("Owner", owners, "owner", lambda name: "Everyone" if name is None else name)
    with pick_closed:
        closed = url_selectbox("Closed items", list(CLOSED_WITHIN), "closed", lambda key: CLOSED_WITHIN[key][0])
    states = url_pills("Status", DEFAULT_STATES, "status", FOLLOWUP_STATE_WORDS.get, default=DEFAULT_STATES)
    table = meetings.filter_followups(everything, today, owner=owner, closed_within_days=CLOSED_WITHIN[closed][1])
    table = table[table["state"].isin(states or [])]
    open_items = table[table["status"] == "open"]
    st.caption(f"{followup_counts_text(len(open_items), int((table['state'] == 'overdue').sum()))} · "
               f"{len(table) - len(open_items)} closed shown · due dates relative to today, {today:%d %B %Y}")
    if table.empty:
        st.info("No follow-ups match these filters.", icon=":material/checklist:")
        return
    st.dataframe(
        display_frame(table.assign(state=table["state"].map(FOLLOWUP_STATE_WORDS),
                                   kpi=views.kpi_names(table, cache.city().kpis),
                     response=table["response"].fillna(""))
        .rename(columns={"state": "Status", "department_name": "Department", "what": "What", "owner": "Owner",
                         "due_by": "Due", "due_text": "When", "kpi": "KPI", "raised_on": "Raised",
                         "response": "Response"})[list(COLUMNS)]),
        column_config=COLUMNS, hide_index=True, width="stretch",
    )
    closable = open_items[open_items["department"].map(lambda d: may(principal, "close_followups", d)).astype(bool)]
    if not closable.empty:
        _close_form(engine, principal, closable)


def _close_form(engine, principal: Principal, open_items) -> None:
    """Close one of ``open_items`` with its response: as done, or dropped when ``principal`` may drop them."""
    may_drop = may(principal, "run_meetings")
    labels = dict(zip(open_items["id"], "#" + open_items["id"].astype(str) + " · " + open_items["what"]))
    with st.form("close_followup", clear_on_submit=True, border=True):
        st.subheader("Close a follow-up")
        chosen = st.selectbox("Follow-up", list(labels), format_func=lambda i: display_text(labels[i]))
        response = st.text_area("Response", placeholder="What was done, or why it is dropped" if may_drop else
                                "What was done", help="Recorded with the follow-up, who closed it and when; required.")
        done, dropped = st.columns(2)
        as_done = done.form_submit_button("Close as done", type="primary", width="stretch")
        as_dropped = may_drop and dropped.form_submit_button("Drop it", width="stretch")
    if not (as_done or as_dropped):
        return
    try:
        meetings.close_followup(engine, principal, int(chosen), response,
                                status="done" if as_done else "dropped", on_wait=waiting_notice())
    except (MeetingRefused, WriteRefused) as refused:
        st.error(escape_markdown(str(refused)), icon=":material/block:")
        return
    st.toast(f"Follow-up #{chosen} closed as {'done' if as_done else 'dropped'}.", icon=":material/check:")
    st.rerun()


render()
