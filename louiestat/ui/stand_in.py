"""What shows at the address of a page the visitor may not open (a link they were sent, say), instead of
Streamlit's "Page not found": the sign-in form for a visitor, who comes back to the page once signed in; for
someone signed in, that their role does not open it."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from louiestat.ui.sign_in_form import sign_in_form
from louiestat.ui.widgets import escape_markdown


def stand_in(title: str, role: str | None) -> Callable[[], None]:
    """The page to show at ``title``'s address to someone of ``role`` (None: not signed in)."""

    def show() -> None:
        if role is None:
            sign_in_form(opening=title)
            return
        st.title(title)
        st.warning(f"Your role ({role}) does not open **{escape_markdown(title)}**. The menu lists the pages it "
                   "does; the performance office can change your role.", icon=":material/block:")

    return show
