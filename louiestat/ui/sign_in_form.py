"""The sign-in form: through the city's identity provider when one is configured, else the built-in email and
password form, which posts to the app's own route so the session lives in an HttpOnly cookie. Shown by the
sign-in page, and at the address of a page a visitor must sign in to open (then it comes back to that page)."""

from __future__ import annotations

import html
from urllib.parse import urlencode

import streamlit as st

from louiestat.access.sessions import BUSY, FAILED, LIMITED
from louiestat.config import get_settings
from louiestat.ui import access
from louiestat.ui.widgets import escape_markdown

FORM = """
<form class="louiestat-sign-in" method="post" action="/auth/sign-in">
  <label for="louiestat-email">Email</label>
  <input id="louiestat-email" name="email" type="email" autocomplete="username" required>
  <label for="louiestat-password">Password</label>
  <input id="louiestat-password" name="password" type="password" autocomplete="current-password" required>
  <input name="next" type="hidden" value="{back_to}">
  <button type="submit">Sign in</button>
</form>
"""
# The sign-in route's answers, not part of the page a visitor comes back to.
ANSWERS = ("failed", "signed_out", "busy", "limited")


def sign_in_form(opening: str | None = None) -> None:
    """The form, and why it is shown: ``opening`` names the page the visitor asked for and returns to."""
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
    route_answers()
    if opening:
        st.info(f"Sign in to open **{escape_markdown(opening)}**; you come back to it once signed in.",
                icon=":material/lock:")
    elif get_settings().public_mode:
        st.caption("The city overview, department scorecards and KPI pages are public; sign in to upload data, "
                   "manage KPIs and run stat meetings.")
    if access.identity_provider_configured():
        if st.button("Sign in with the city's account", type="primary", icon=":material/login:"):
            st.login()
        return
    st.html(FORM.format(back_to=html.escape(_this_page() if opening else "", quote=True)))
    settings = get_settings()
    st.caption(f"After {settings.sign_in_max_failures} wrong passwords in {settings.sign_in_failure_window_minutes:g} "
               f"minutes an account is locked for {settings.sign_in_lockout_minutes:g} minutes. Forgotten your "
               "password? The performance office sets a new one.")


def route_answers() -> None:
    """What the sign-in or sign-out route answered, on the page it sent the browser back to."""
    if st.query_params.get("failed"):
        st.error(FAILED, icon=":material/error:")
    if st.query_params.get("busy"):
        st.warning(BUSY, icon=":material/hourglass_top:")
    if st.query_params.get("limited"):
        st.warning(LIMITED, icon=":material/front_hand:")
    if st.query_params.get("signed_out"):
        st.success("You are signed out.", icon=":material/logout:")


def _this_page() -> str:
    """The address of the page being shown, with its query (month, department, KPI…), as a local path."""
    path = "/" + (st.context.url or "").split("://", 1)[-1].partition("/")[2]
    query = {key: value for key, value in st.query_params.to_dict().items() if key not in ANSWERS}
    return path + (f"?{urlencode(query)}" if query else "")
