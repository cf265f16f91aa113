"""End to end: `streamlit run app.py` on a free port, driven by Playwright in Debian's headless Chromium.
Each page is opened and screenshotted under test-artifacts/screenshots/ (full length, and as first seen on a
1440×900 laptop, a 1280×720 projector and a 390×844 phone); a CSV goes through the real file input and the
scorecard changes; a KPI chosen on the scorecard opens in the same tab and Back returns; the phone menu closes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from louiestat.sample_city import SAMPLE_ACCOUNTS
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
(ADMIN, _, _, ADMIN_PASSWORD), (ANALYST, _, _, ANALYST_PASSWORD), _ = SAMPLE_ACCOUNTS
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(database: Path | str, *, public: bool = True) -> Iterator[str]:
    """A real `streamlit run app.py` on ``database`` (an SQLite file or a database URL); yields its URL. Public
    mode is on unless ``public`` is False."""
    port = _free_port()
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    # Tests sign in far more often than people do; a test of the limit sets its own in the environment.
    env = {"LOUIESTAT_SIGN_IN_RATE_PER_MINUTE": "1000", **os.environ, "LOUIESTAT_DATABASE_URL": url,
           "LOUIESTAT_USER": "browser", "LOUIESTAT_PUBLIC_MODE": "1" if public else "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(f"streamlit did not start: {server.stdout.read().decode()[-2000:]}") from None
                time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def sign_in(context: BrowserContext, url: str, email: str = ADMIN, password: str = ADMIN_PASSWORD) -> None:
    """Sign the browser context in through the sign-in route, as the form would (the cookie lands in the context)."""
    response = context.request.post(f"{url}/auth/sign-in", form={"email": email, "password": password},
                                    headers={"Origin": url}, max_redirects=0)
    assert response.status == 303 and response.headers["location"] == "/", response.headers


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, sample_city_file: Path) -> Iterator[str]:
    """The dashboard served by a real `streamlit run` on a copy of the sample city."""
    folder = tmp_path_factory.mktemp("served")
    shutil.copy(sample_city_file, folder / "louiestat.db")
    with served(folder / "louiestat.db") as url:
        yield url


SCREENS = {"laptop": (1440, 900), "projector": (1280, 720), "phone": (390, 844)}
PAGES = {
    "overview": "/?as_of=2016-06",
    "scorecard": "/scorecard?department=ems&as_of=2016-06",
    "kpi": "/kpi?department=ems&kpi=response_time&as_of=2016-06",
    "upload": "/upload",
    "manage": "/manage",
}
SCROLL_TO_TOP = """element => {
    element.scrollIntoView({block: "start"});
    let scroller = element;
    while (scroller && scroller.scrollHeight <= scroller.clientHeight) scroller = scroller.parentElement;
    scroller.scrollBy(0, -76);  // below the top bar
}"""


@pytest.fixture(scope="module")
def browser(app_url: str) -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed for the browser tests (apt-get install -y chromium)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def browser_page(browser: Browser, app_url: str) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    sign_in(context, app_url)
    page = context.new_page()
    yield page
    context.close()


def _screen(browser: Browser, screen: str, signed_in_at: str | None = None) -> Page:
    """A fresh tab (in its own window) sized like ``screen``, signed in as the sample admin at ``signed_in_at``."""
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height})
    if signed_in_at:
        sign_in(context, signed_in_at)
    return context.new_page()


def _settle(page: Page) -> None:
    """Wait until Streamlit has finished running the script and drawing charts."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(800)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=60_000)
    page.wait_for_timeout(700)


def _open(page: Page, url: str, shot: str, height: int = 2200) -> None:
    page.set_viewport_size({"width": 1440, "height": height})
    page.goto(url, wait_until="networkidle")
    _settle(page)
    assert page.query_selector('[data-testid="stException"]') is None, page.inner_text("body")[:2000]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{shot}.png"), full_page=True)


def test_every_page_opens_without_an_error(browser_page: Page, app_url: str) -> None:
    pages = {
        "overview": ("/", "City overview"),
        "scorecard": ("/scorecard?department=ems&as_of=2016-06", "Department scorecard"),
        "kpi": ("/kpi?department=ems&kpi=response_time&as_of=2016-06", "Response time, priority 1"),
        "upload": ("/upload", "Upload data"),
        "manage": ("/manage", "Manage KPIs and targets"),
    }
    for shot, (path, heading) in pages.items():
        _open(browser_page, app_url + path, shot, height=2800 if shot == "overview" else 1800)
        expect(browser_page.get_by_text(heading, exact=True).first).to_be_visible()


def test_an_uploaded_csv_changes_the_scorecard(browser_page: Page, app_url: str, tmp_path: Path) -> None:
    page = browser_page
    kpi_url = app_url + "/kpi?department=ems&kpi=response_time&as_of=2016-06"
    _open(page, kpi_url, "kpi-before", height=1200)
    before = page.get_by_test_id("stMetric").first.inner_text()
    assert "12.5 min" not in before

    upload = tmp_path / "june-fix.csv"
    upload.write_text("department,kpi,period,value,note\nems,response_time,2016-06,12.5,Storm week\n")
    _open(page, app_url + "/upload", "upload-before", height=1400)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
    _settle(page)
    expect(page.get_by_text("june-fix.csv", exact=True).first).to_be_visible()
    page.get_by_role("button", name="Commit june-fix.csv").click()
    _settle(page)
    expect(page.get_by_text("june-fix.csv committed as batch").first).to_be_visible(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "upload-committed.png"), full_page=True)

    _open(page, kpi_url, "kpi-after", height=1200)
    after = page.get_by_test_id("stMetric").first.inner_text()
    assert "12.5 min" in after
    expect(page.get_by_text("Storm week").first).to_be_attached()


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_page_as_first_seen_on_each_screen(browser: Browser, app_url: str, screen: str) -> None:
    page = _screen(browser, screen, signed_in_at=app_url)
    width, height = SCREENS[screen]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in PAGES.items():
        page.goto(app_url + path, wait_until="networkidle")
        _settle(page)
        assert page.query_selector('[data-testid="stException"]') is None, page.inner_text("body")[:2000]
        page.screenshot(path=str(ARTIFACTS / f"{name}-{screen}-{width}x{height}.png"))
        assert page.locator("h1").first.bounding_box()["y"] < 110, f"{name}: the title is far from the top"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} is wider than the screen"
        assert page.locator(".modebar-btn").count() == 0, "plotly's toolbar would cover the chart title"
        if name == "scorecard":  # as a presenter sees it once the department is chosen (docs/screenshots)
            page.locator(".st-key-metric_row_department").evaluate(SCROLL_TO_TOP)
            page.wait_for_timeout(500)
            page.screenshot(path=str(ARTIFACTS / f"{name}-{screen}-{width}x{height}-scrolled.png"))
    page.context.close()


def test_the_scorecard_keeps_the_kpi_name_in_view_when_its_table_scrolls_right(browser: Browser, app_url: str) -> None:
    page = _screen(browser, "projector", signed_in_at=app_url)  # the note column is for those signed in
    page.goto(app_url + "/scorecard?department=ems&as_of=2016-06&columns=signal,assurance,ytd,note")
    _settle(page)
    table = page.get_by_test_id("stDataFrame").first
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(3000, 0)
    page.wait_for_timeout(800)
    page.screenshot(path=str(ARTIFACTS / "scorecard-scrolled-right-projector-1280x720.png"))

    # The grid is drawn on a canvas; its accessible table lists the cells in view, by column number.
    scrolled = table.locator(".dvn-scroller").evaluate("s => s.scrollLeft")
    in_view = table.locator('tbody tr[aria-rowindex="2"] td').evaluate_all(
        "cells => cells.map(c => [c.getAttribute('aria-colindex'), c.textContent])"
    )
    columns = dict(in_view)
    assert scrolled > 0
    assert "12" in columns, f"the last column (the note) should be in view: {in_view}"
    assert columns.get("1") == "Hospital offload time", f"the KPI name left the view: {in_view}"


def test_a_kpi_chosen_on_the_scorecard_opens_in_the_same_tab_and_back_returns(browser: Browser, app_url: str) -> None:
    page = _screen(browser, "projector")
    context = page.context
    page.goto(app_url + "/scorecard?department=ems&as_of=2016-03")
    _settle(page)
    table = page.get_by_test_id("stDataFrame").first
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 36 + 18)  # the first row's selection box
    page.wait_for_url("**/kpi?**")
    _settle(page)

    assert len(context.pages) == 1
    assert "as_of=2016-03" in page.url and "kpi=hospital_offload_minutes" in page.url
    expect(page.get_by_text("Hospital offload time", exact=True).first).to_be_visible()
    expect(page.get_by_text("Latest (March 2016)").first).to_be_visible()

    page.go_back()
    page.wait_for_url("**/scorecard?**")
    _settle(page)
    assert len(context.pages) == 1
    assert "as_of=2016-03" in page.url
    expect(page.get_by_text("Department scorecard", exact=True).first).to_be_visible()
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    context.close()


def test_on_a_projector_the_kpi_chart_and_the_department_tiles_start_above_the_fold(
    browser: Browser, app_url: str
) -> None:
    page = _screen(browser, "projector")
    page.goto(app_url + PAGES["kpi"])
    _settle(page)
    assert page.get_by_test_id("stPlotlyChart").first.bounding_box()["y"] < 720 - 200  # its title and some months

    page.goto(app_url + PAGES["overview"])
    _settle(page)
    first_tile = page.locator("h4").first  # a department tile's name
    assert first_tile.bounding_box()["y"] < 720 - 100
    page.context.close()


@pytest.mark.parametrize("browser_says", ["desktop", "phone"])
def test_on_a_phone_the_menu_closes_after_choosing_a_page(browser: Browser, app_url: str, browser_says: str) -> None:
    """Streamlit closes it only for a browser that says it is a phone; a narrow desktop window or an iPad
    (which says it is a Mac) kept it open over the page."""
    phone = {"user_agent": "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
             "Chrome/120.0 Mobile Safari/537.36", "is_mobile": True, "has_touch": True}
    context = browser.new_context(viewport={"width": 390, "height": 844}, **(phone if browser_says == "phone" else {}))
    page = context.new_page()
    page.goto(app_url + PAGES["overview"])
    _settle(page)
    sidebar = page.get_by_test_id("stSidebar")
    page.get_by_test_id("stExpandSidebarButton").click()
    expect(sidebar.get_by_role("link", name="Department scorecard")).to_be_in_viewport()
    sidebar.get_by_role("link", name="Department scorecard").click()
    page.wait_for_url("**/scorecard**")
    _settle(page)
    page.screenshot(path=str(ARTIFACTS / f"phone-menu-closed-{browser_says}-390x844.png"))

    expect(sidebar.get_by_role("link", name="Department scorecard")).not_to_be_in_viewport()
    expect(page.locator("h1").first).to_have_text("Department scorecard")
    expect(page.locator("h1").first).to_be_in_viewport()
    assert page.locator(".st-key-scorecard_auto_cards").is_visible()  # a card per KPI, not the wide table
    assert not page.locator(".st-key-scorecard_auto_table").is_visible()
    context.close()
