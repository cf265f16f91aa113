"""Audit log (admins): every write, sign-in, failed sign-in, lockout and change of users, roles and grants, with
who, when, from where and what; filtered by who, what, where from and day, and downloadable as CSV."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from louiestat.access import audit
from louiestat.exports.spreadsheet import csv_text
from louiestat.ui import access, cache
from louiestat.ui.widgets import url_pills

ACTION_WORDS = {
    "write": "change to the data", "sign_in": "signed in", "sign_in_failed": "failed sign-in", "lockout": "locked out",
    "sign_out": "signed out", "user_added": "user added", "user_disabled": "user disabled",
    "password_set": "password set", "granted": "department granted", "revoked": "department revoked",
    "reminders": "reminders sent",
}
VIA_WORDS = {"page": "dashboard", "cli": "command line"}
SHOWN = 500  # rows drawn on the page; the download has them all


def render() -> None:
    access.acting_for("read_audit_log")
    st.title("Audit log")
    st.caption("Who did what, when and from where. Times are UTC. Sign-in failures say why here only; the person "
               "signing in is told the same thing whatever went wrong.")
    engine = cache.engine()
    left, middle, right = st.columns([2, 2, 2])
    who = left.text_input("Who (part of an email or login)", value=st.query_params.get("who", ""), key="audit_who")
    days = middle.date_input("Days", value=(dt.date.today() - dt.timedelta(days=30), dt.date.today()),
                             key="audit_days", format="YYYY-MM-DD")
    with right:
        via = url_pills("From", list(VIA_WORDS), "via", format_func=VIA_WORDS.get, multi=False)
    chosen = url_pills("What", audit.actions(engine), "action", format_func=lambda a: ACTION_WORDS.get(a, a))
    _keep_in_url("who", who)
    since, until = (days[0], days[-1]) if days else (None, None)
    events = audit.events(engine, actor=who, actions=chosen or (), via=via, since=since, until=until)
    st.caption(f"{len(events):,} event{'s' if len(events) != 1 else ''}"
               + (f"; the newest {SHOWN} shown, the download has them all" if len(events) > SHOWN else ""))
    table = events.assign(action=events["action"].map(lambda a: ACTION_WORDS.get(a, a)),
                          via=events["via"].map(VIA_WORDS).fillna(events["via"]), subject=events["subject"].fillna(""))
    st.dataframe(
        table.head(SHOWN)[["at", "actor", "via", "action", "subject", "detail"]],
        hide_index=True, width="stretch",
        column_config={
            "at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm:ss", pinned=True),
            "actor": st.column_config.TextColumn("Who"), "via": st.column_config.TextColumn("From"),
            "action": st.column_config.TextColumn("What"), "subject": st.column_config.TextColumn("About"),
            "detail": st.column_config.TextColumn("Detail", width="large"),
        },
    )
    st.download_button("Download CSV", csv_text(events), f"audit-log-{dt.date.today():%Y-%m-%d}.csv", "text/csv",
                       icon=":material/download:", key="audit_csv")


def _keep_in_url(key: str, value: str) -> None:
    if value and st.query_params.get(key) != value:
        st.query_params[key] = value
    elif not value and key in st.query_params:
        del st.query_params[key]


render()
