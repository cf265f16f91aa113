"""The dashboard's menu: the pages each role may use. Hiding a page is for clarity only; the write service
refuses what a role may not do whatever page sends it."""

from __future__ import annotations

import streamlit as st

from louiestat.ui.stand_in import stand_in

PAGES = "louiestat/pages"


def menu(role: str | None, public: bool) -> dict[str, list]:
    """The pages offered to ``role`` (see ``_offered``) and, hidden, a stand-in at the address of every other page
    (``stand_in``), so that a link to a page the visitor cannot open does not end in "Page not found"; for someone
    signed in, the sign-in page's address shows their account."""
    sections = _offered(role, public)
    offered = {page.url_path for pages in sections.values() for page in pages}
    sections["Account"] += [
        st.Page(stand_in(page.title, role), title=page.title, url_path=page.url_path, visibility="hidden")
        for pages in _offered("admin", public=True).values() for page in pages
        if page.url_path not in offered and page.url_path != ""
    ]
    if role is not None:  # the sign-in page's address (Back after signing in, a bookmark) shows the account
        sections["Account"].append(st.Page(f"{PAGES}/account.py", title="Account", url_path="sign_in",
                                           visibility="hidden"))
    return sections


def _offered(role: str | None, public: bool) -> dict[str, list]:
    """The menu for ``role`` (None: a visitor who has not signed in): reading for anyone signed in (and for
    visitors in public mode), uploads for analysts and admins, KPI management and user administration for admins;
    stat meetings: follow-ups and the follower screen for anyone signed in, agendas for analysts (to read) and
    admins (to save), presenting for admins (presenter and follower are opened by link, not from the menu)."""
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
            *([st.Page(f"{PAGES}/presenter.py", title="Presenter", icon=":material/slideshow:",
                       url_path="presenter", visibility="hidden")] if role == "admin" else []),
            st.Page(f"{PAGES}/follower.py", title="Follow the meeting", icon=":material/cast:", url_path="follow",
                    visibility="hidden"),
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
