"""The dashboard's menu: the pages each role may use. Hiding a page is for clarity only; the write service
refuses what a role may not do whatever page sends it."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from louiestat.access.policy import Action, may
from louiestat.access.principal import Principal
from louiestat.ui.stand_in import stand_in

PAGES = "louiestat/pages"


def menu(principal: Principal | None, public: bool) -> dict[str, list]:
    """The pages offered to ``principal`` (see ``_offered``) and, hidden, a stand-in at the address of every other
    page (``stand_in``), so that a link to a page the visitor cannot open does not end in "Page not found"; for
    someone signed in, the sign-in page's address shows their account."""
    sections = _offered(lambda action: may(principal, action), principal is not None, public)
    offered = {page.url_path for pages in sections.values() for page in pages}
    role = principal.role if principal else None
    sections["Account"] += [
        st.Page(stand_in(page.title, role), title=page.title, url_path=page.url_path, visibility="hidden")
        for pages in _offered(lambda action: True, True, True).values() for page in pages
        if page.url_path not in offered and page.url_path != ""
    ]
    if principal is not None:  # the sign-in page's address (Back after signing in, a bookmark) shows the account
        sections["Account"].append(st.Page(f"{PAGES}/account.py", title="Account", url_path="sign_in",
                                           visibility="hidden"))
    return sections


def _offered(allowed: Callable[[Action], bool], signed_in: bool, public: bool) -> dict[str, list]:
    """The menu for someone who may do what ``allowed`` says (``signed_in``, or a visitor): reading for anyone
    signed in (and for visitors in public mode), each other page for those whose role may do what it is for;
    follow-ups and the follower screen for anyone signed in (presenter and follower are opened by link, not from
    the menu)."""
    reads = signed_in or public
    sections: dict[str, list] = {}
    if reads:
        sections["Performance"] = [
            st.Page(f"{PAGES}/overview.py", title="City overview", icon=":material/location_city:", default=True),
            st.Page(f"{PAGES}/scorecard.py", title="Department scorecard", icon=":material/table_chart:"),
            st.Page(f"{PAGES}/kpi.py", title="KPI detail", icon=":material/show_chart:"),
        ]
    data = []
    if allowed("change_data"):
        data.append(st.Page(f"{PAGES}/upload.py", title="Upload", icon=":material/upload_file:"))
    if allowed("change_definitions"):
        data.append(st.Page(f"{PAGES}/manage.py", title="Manage KPIs & targets", icon=":material/tune:"))
    if data:
        sections["Data"] = data
    if signed_in:
        sections["Meetings"] = [
            *([st.Page(f"{PAGES}/meetings.py", title="Meetings", icon=":material/groups:")]
              if allowed("read_agendas") else []),
            st.Page(f"{PAGES}/followups.py", title="Follow-ups", icon=":material/checklist:"),
            *([st.Page(f"{PAGES}/presenter.py", title="Presenter", icon=":material/slideshow:",
                       url_path="presenter", visibility="hidden")] if allowed("run_meetings") else []),
            st.Page(f"{PAGES}/follower.py", title="Follow the meeting", icon=":material/cast:", url_path="follow",
                    visibility="hidden"),
        ]
    admin = [
        *([st.Page(f"{PAGES}/user_admin.py", title="Users", icon=":material/group:")] if allowed("manage_users") else []),
        *([st.Page(f"{PAGES}/audit_log.py", title="Audit log", icon=":material/history:")]
          if allowed("read_audit_log") else []),
    ]
    if admin:
        sections["Admin"] = admin
    account = (st.Page(f"{PAGES}/account.py", title="Account", icon=":material/account_circle:") if signed_in else
               st.Page(f"{PAGES}/sign_in.py", title="Sign in", icon=":material/login:", default=not reads))
    sections["Account"] = [account]
    return sections
