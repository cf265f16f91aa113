"""End to end: `streamlit run app.py` on a free port, driven by Playwright in Debian's headless Chromium.
Each page is opened and screenshotted under test-artifacts/screenshots/; a CSV goes through the real file
input and the scorecard changes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.conftest import ROOT

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, sample_city_file: Path) -> Iterator[str]:
    """The dashboard served by a real `streamlit run` on a copy of the sample city."""
    folder = tmp_path_factory.mktemp("served")
    shutil.copy(sample_city_file, folder / "louiestat.db")
    port = _free_port()
    env = {**os.environ, "LOUIESTAT_DATABASE_URL": f"sqlite:///{folder / 'louiestat.db'}", "LOUIESTAT_USER": "browser"}
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


@pytest.fixture(scope="module")
def browser_page(app_url: str) -> Iterator[Page]:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is needed for the browser tests (apt-get install -y chromium)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        yield page
        browser.close()


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
