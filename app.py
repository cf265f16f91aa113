"""LouieStat: ``streamlit run app.py``. The dashboard's pages (``dashboard.py``) served together with the routes
beside them: the sign-in form's post, which sets the session cookie, and the open-data feed (``louiestat/web``)."""

import streamlit as st

from louiestat.web import ROUTES
from louiestat.web.startup import warm_up

app = st.App("dashboard.py", routes=ROUTES, lifespan=warm_up)
