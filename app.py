"""LouieStat: ``streamlit run app.py``. The dashboard's pages (``dashboard.py``) served together with the routes
beside them: the sign-in form's post, which sets the session cookie, and the open-data feed; every request goes
through the middleware for proxies' headers and framing (``louiestat/web``)."""

import streamlit as st

from louiestat.web import MIDDLEWARE, ROUTES
from louiestat.web.startup import warm_up

app = st.App("dashboard.py", routes=ROUTES, middleware=MIDDLEWARE, lifespan=warm_up)
