"""The dashboard's pages: works out who is looking (``louiestat.ui.access``) and offers the pages their role
may use; each page is a thin script in louiestat/pages/. ``app.py`` serves this with the sign-in and feed routes."""

from pathlib import Path

import streamlit as st

from louiestat.config import get_settings
from louiestat.errors import EnvironmentFailure
from louiestat.ui import access, cache
from louiestat.ui.menu import menu
from louiestat.ui.screen import fit_to_screen

# A file in the repository, sent inline: a ":material/…:" page icon is fetched from Google's font server.
ICON = Path(__file__).parent / "louiestat" / "assets" / "favicon.svg"


st.set_page_config(page_title="LouieStat", page_icon=str(ICON), layout="wide")
try:
    visitor = access.identify()
    navigation = st.navigation(menu(visitor.principal, get_settings().public_mode), position="top")
    fit_to_screen()
    navigation.run()
    cache.warm_up_in_background()  # after the first page is drawn, so it does not compete with it
except EnvironmentFailure as failure:  # the database or the machine failed: say what to do, not a traceback
    st.error(str(failure), icon=":material/error:")
