"""What the app serves beside the dashboard's pages (``st.App`` routes): the sign-in that sets the session cookie,
and the open-data feed; and what wraps every request (middleware): believing only trusted proxies' forwarded
headers, and keeping other sites from framing the dashboard."""

from starlette.middleware import Middleware

from louiestat.web.feed import FEED_ROUTES
from louiestat.web.framing import FrameGuard
from louiestat.web.proxies import TrustedProxies
from louiestat.web.session import SESSION_ROUTES

ROUTES = [*SESSION_ROUTES, *FEED_ROUTES]
MIDDLEWARE = [Middleware(TrustedProxies), Middleware(FrameGuard)]  # the first wraps the rest
