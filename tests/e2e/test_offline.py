"""Offline by default: every page loads with every request going to the app's own server (icon, fonts,
scripts) and no request failing, so the dashboard works on a network with no way out."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from tests.e2e.test_browser import _settle, app_url, browser, browser_page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
PAGES = ["/", "/scorecard?department=ems&as_of=2016-06", "/kpi?department=ems&kpi=response_time&as_of=2016-06",
         "/upload", "/manage"]
# Opened at a page's own path, Streamlit's front end first asks for /<page>/_stcore/health and host-config
# before the root ones (streamlit/streamlit#7074): two 404s of its own, not assets that failed.
STREAMLIT_PATH_PROBE = re.compile(r"^/[a-z_]+/_stcore/(health|host-config)$")


def test_every_page_loads_from_the_app_alone_with_no_failed_request(browser_page: Page, app_url: str) -> None:  # noqa: F811
    page, own = browser_page, urlsplit(app_url).netloc
    elsewhere: list[str] = []
    failed: list[str] = []

    def on_request(request) -> None:
        if urlsplit(request.url).scheme in ("http", "https", "ws", "wss") and urlsplit(request.url).netloc != own:
            elsewhere.append(request.url)

    def on_response(response) -> None:
        if response.status >= 400 and not STREAMLIT_PATH_PROBE.match(urlsplit(response.url).path):
            failed.append(f"{response.status} {response.url}")

    def on_failure(request) -> None:
        if request.failure != "net::ERR_ABORTED":  # a load cut short by going to the next page
            failed.append(f"{request.failure} {request.url}")

    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", on_failure)
    page.on("websocket", on_request)
    try:
        for path in PAGES:
            page.goto(app_url + path, wait_until="networkidle")
            _settle(page)
            icon = page.eval_on_selector("link[rel~='icon']", "link => link.href")
            assert icon.startswith("data:image/svg+xml") or urlsplit(icon).netloc == own, icon
    finally:
        page.remove_listener("request", on_request)
        page.remove_listener("response", on_response)
        page.remove_listener("requestfailed", on_failure)
        page.remove_listener("websocket", on_request)

    assert elsewhere == []
    assert failed == []
