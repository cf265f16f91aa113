"""What the app serves beside the dashboard's pages (``st.App`` routes): the sign-in that sets the session cookie,
and the open-data feed."""

from louiestat.web.feed import FEED_ROUTES
from louiestat.web.session import SESSION_ROUTES

ROUTES = [*SESSION_ROUTES, *FEED_ROUTES]
