"""Who is looking at the dashboard: a user signed in through the city's identity provider (``st.user``, when
``[auth]`` is configured) or through the built-in sign-in (the session cookie), or a visitor. The principal is
worked out once per run, before the page, and the pages act as it; the data layer checks it again on every write."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from louiestat.access import sessions
from louiestat.access.policy import Action, refusal
from louiestat.access.principal import Principal
from louiestat.access.users import normalise_email, principal_of, user_record
from louiestat.errors import UserRefused
from louiestat.ui import cache

_KEY = "louiestat.visitor"


@dataclass(frozen=True)
class Visitor:
    """``principal`` when signed in as an active user; ``unknown_email`` when the identity provider vouched for
    someone the city has no (active) account for."""

    principal: Principal | None = None
    unknown_email: str | None = None


    @property
    def public(self) -> bool:
        """Not signed in: shown only what is published (``views.UNPUBLISHED`` is withheld)."""
        return self.principal is None


def session_token() -> str | None:
    """The session cookie the browser sent with this session's connection (tests replace this function; under
    AppTest there are no cookies)."""
    token = st.context.cookies.get(sessions.SESSION_COOKIE)
    return token if isinstance(token, str) else None


def identity_provider_configured() -> bool:
    """Whether ``[auth]`` in ``.streamlit/secrets.toml`` names the city's OpenID Connect provider."""
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


def identify() -> Visitor:
    """Work out who this run is for and remember it for the page (call once, before the page runs)."""
    engine = cache.engine()
    claims = st.user.to_dict()  # without [auth], st.user has no is_logged_in at all
    if claims.get("is_logged_in"):
        email = str(claims.get("email") or "")
        try:
            with engine.connect() as conn:
                user = user_record(conn, normalise_email(email))
        except UserRefused:
            user = None
        visitor = Visitor(principal_of(user, "page")) if user and not user.disabled else Visitor(unknown_email=email)
    else:
        user = sessions.session_user(engine, session_token())
        visitor = Visitor(principal_of(user, "page") if user else None)
    st.session_state[_KEY] = visitor
    return visitor


def visitor() -> Visitor:
    """Who this run is for, as ``identify`` found."""
    return st.session_state.get(_KEY) or Visitor()


def acting() -> Principal:
    """The signed-in principal a page that writes acts as; stops the page with a sign-in hint for a visitor (the
    navigation does not offer such pages to visitors, but a stale tab may still show one)."""
    principal = visitor().principal
    if principal is None:
        st.warning("Sign in to make changes.", icon=":material/lock:")
        st.page_link("louiestat/pages/sign_in.py", label="Sign in", icon=":material/login:")
        st.stop()
    return principal


def acting_for(action: Action) -> Principal:
    """Like ``acting``, for pages only those who may do ``action`` use: anyone else is told so and the page stops."""
    principal = acting()
    if (why := refusal(principal, action)) is not None:
        st.warning(f"{why}.", icon=":material/lock:")
        st.stop()
    return principal
