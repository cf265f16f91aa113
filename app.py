"""LouieStat dashboard: `streamlit run app.py`. The entry point only builds the navigation; each page is a
thin script in louiestat/pages/."""

from pathlib import Path

import streamlit as st

from louiestat.errors import EnvironmentFailure
from louiestat.pages import cache
from louiestat.pages.screen import fit_to_screen

PAGES = "louiestat/pages"
# A file in the repository, sent inline: a ":material/…:" page icon is fetched from Google's font server.
ICON = Path(__file__).parent / "louiestat" / "assets" / "favicon.svg"

st.set_page_config(page_title="LouieStat", page_icon=str(ICON), layout="wide")
navigation = st.navigation(
    {
        "Performance": [
            st.Page(f"{PAGES}/overview.py", title="City overview", icon=":material/location_city:", default=True),
            st.Page(f"{PAGES}/scorecard.py", title="Department scorecard", icon=":material/table_chart:"),
            st.Page(f"{PAGES}/kpi.py", title="KPI detail", icon=":material/show_chart:"),
        ],
        "Data": [
            st.Page(f"{PAGES}/upload.py", title="Upload", icon=":material/upload_file:"),
            st.Page(f"{PAGES}/manage.py", title="Manage KPIs & targets", icon=":material/tune:"),
        ],
    },
    position="top",  # the full width for tables and charts, on a laptop or a projector
)
fit_to_screen()
try:
    navigation.run()
    cache.warm_up_in_background()  # after the first page is drawn, so it does not compete with it
except EnvironmentFailure as failure:  # the database or the machine failed: say what to do, not a traceback
    st.error(str(failure), icon=":material/error:")
