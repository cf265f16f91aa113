"""Account: who you are signed in as, what you may change, and signing out."""

from __future__ import annotations

import streamlit as st

from louiestat.access.policy import POLICY, named
from louiestat.config import get_settings
from louiestat.reading import queries
from louiestat.ui import access, cache
from louiestat.ui.sign_in_form import route_answers
from louiestat.ui.widgets import escape_markdown

SIGN_OUT = """
<form class="louiestat-sign-out" method="post" action="/auth/sign-out">
  <button type="submit">Sign out</button>
</form>
"""


def render() -> None:
    principal = access.acting()
    st.title("Account")
    route_answers()
    names = queries.departments(cache.engine()).set_index("department")["department_name"]
    departments = named(principal.departments, names) or "no department yet"
    st.markdown(f"Signed in as **{escape_markdown(principal.label)}**, "
                f"{escape_markdown(POLICY[principal.role].yours.format(departments=departments))}.")
    if access.identity_provider_configured():
        if st.button("Sign out", icon=":material/logout:"):
            st.logout()
    else:
        st.html(SIGN_OUT)
        settings = get_settings()
        st.caption(f"A session also ends after {settings.session_idle_minutes:g} minutes without use and "
                   f"{settings.session_max_hours:g} hours after signing in.")


render()
