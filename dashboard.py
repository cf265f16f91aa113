"""The dashboard's pages: works out who is looking (``louiestat.pages.access``) and offers the pages their role
may use; each page is a thin script in louiestat/pages/. ``app.py`` serves this with the sign-in and feed routes."""

from pathlib import Path

import streamlit as st

from louiestat.config import get_settings
from louiestat.errors import EnvironmentFailure
from louiestat.pages import access, cache
from louiestat.pages.screen import fit_to_screen

PAGES = "louiestat/pages"
# A file in the repository, sent inline: a ":material/…:" page icon is fetched from Google's font server.
ICON = Path(__file__).parent / "louiestat" / "assets" / "favicon.svg"


def _pages(role: str | None, public: bool) -> dict[str, list]:
    """The menu for ``role`` (None: a visitor who has not signed in): reading for anyone signed in (and for
    visitors in public mode), uploads for analysts and admins, KPI management and user administration for admins;
    stat meetings: follow-ups for anyone signed in, agendas for analysts (to read) and admins (to save)."""
    reads = role is not None or public
    sections: dict[str, list] = {}
    if reads:
        sections["Performance"] = [
            st.Page(f"{PAGES}/overview.py", title="City overview", icon=":material/location_city:", default=True),
            st.Page(f"{PAGES}/scorecard.py", title="Department scorecard", icon=":material/table_chart:"),
            st.Page(f"{PAGES}/kpi.py", title="KPI detail", icon=":material/show_chart:"),
        ]
    data = []
    if role in ("admin", "analyst"):
        data.append(st.Page(f"{PAGES}/upload.py", title="Upload", icon=":material/upload_file:"))
    if role == "admin":
        data.append(st.Page(f"{PAGES}/manage.py", title="Manage KPIs & targets", icon=":material/tune:"))
    if data:
        sections["Data"] = data
    if role is not None:
        sections["Meetings"] = [
            *([st.Page(f"{PAGES}/meetings.py", title="Meetings", icon=":material/groups:")]
              if role in ("admin", "analyst") else []),
            st.Page(f"{PAGES}/followups.py", title="Follow-ups", icon=":material/checklist:"),
        ]
    if role == "admin":
        sections["Admin"] = [
            st.Page(f"{PAGES}/user_admin.py", title="Users", icon=":material/group:"),
            st.Page(f"{PAGES}/audit_log.py", title="Audit log", icon=":material/history:"),
        ]
    account = (st.Page(f"{PAGES}/account.py", title="Account", icon=":material/account_circle:") if role else
               st.Page(f"{PAGES}/sign_in.py", title="Sign in", icon=":material/login:", default=not reads))
    sections["Account"] = [account]
    return sections


st.set_page_config(page_title="LouieStat", page_icon=str(ICON), layout="wide")
try:
    visitor = access.identify()
    navigation = st.navigation(_pages(visitor.role, get_settings().public_mode), position="top")
    fit_to_screen()
    navigation.run()
    cache.warm_up_in_background()  # after the first page is drawn, so it does not compete with it
except EnvironmentFailure as failure:  # the database or the machine failed: say what to do, not a traceback
    st.error(str(failure), icon=":material/error:")
