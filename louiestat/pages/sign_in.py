"""Sign in: through the city's identity provider when one is configured, else with the built-in email and
password form, which posts to the app's own route so the session lives in an HttpOnly cookie."""

from __future__ import annotations

import streamlit as st

from louiestat.config import get_settings
from louiestat.pages import access
from louiestat.pages.widgets import escape_markdown
from louiestat.sign_in import FAILED

FORM = """
<form class="louiestat-sign-in" method="post" action="/auth/sign-in">
  <label for="louiestat-email">Email</label>
  <input id="louiestat-email" name="email" type="email" autocomplete="username" required>
  <label for="louiestat-password">Password</label>
  <input id="louiestat-password" name="password" type="password" autocomplete="current-password" required>
  <button type="submit">Sign in</button>
</form>
"""


def render() -> None:
    st.title("Sign in")
    visitor = access.visitor()
    if visitor.unknown_email:
        st.warning(
            f"{escape_markdown(visitor.unknown_email)} has no active account on this dashboard. Ask the performance "
            "office to add you; until then you see only what is published.",
            icon=":material/person_off:",
        )
        if st.button("Sign out of the city's account"):
            st.logout()
    if st.query_params.get("failed"):
        st.error(FAILED, icon=":material/error:")
    if st.query_params.get("signed_out"):
        st.success("You are signed out.", icon=":material/logout:")
    if get_settings().public_mode:
        st.caption("The city overview, department scorecards and KPI pages are public; sign in to upload data, "
                   "manage KPIs and run stat meetings.")
    if access.identity_provider_configured():
        if st.button("Sign in with the city's account", type="primary", icon=":material/login:"):
            st.login()
        return
    st.html(FORM)
    settings = get_settings()
    st.caption(f"After {settings.sign_in_max_failures} wrong passwords in {settings.sign_in_failure_window_minutes:g} "
               f"minutes an account is locked for {settings.sign_in_lockout_minutes:g} minutes. Forgotten your "
               "password? The performance office sets a new one.")


render()
