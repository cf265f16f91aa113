"""End to end in headless Chromium: a whole meeting walked in presenter mode at 1280×720 (opened without writing,
next by the keyboard, next by the button, a follow-up added, notes typed and kept over a reload, previous), a
follower screen in a second browser context showing the presenter's item, the meeting ended and marked held, and
the presenter at 1920×1080; screenshots under test-artifacts/screenshots/presenter-*.png."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from louiestat import meetings
from louiestat.db.engine import make_engine
from louiestat.meetings.briefing import Briefing
from louiestat.sample_city import SAMPLE_ACCOUNTS
from tests.e2e.test_browser import ARTIFACTS, _settle, browser, served, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
_, _, (VIEWER, _, _, VIEWER_PASSWORD) = SAMPLE_ACCOUNTS
HR_MEETING = 1  # the sample's Human Resources meeting: turnover, injury hours, onboarding days, a free topic
FOLLOW_SECONDS = 10  # the follower polls every 2 s; allow for a slow machine


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory, meetings_city_file: Path) -> Path:
    path = tmp_path_factory.mktemp("presenter") / "louiestat.db"
    shutil.copy(meetings_city_file, path)
    return path


@pytest.fixture(scope="module")
def app_url(database: Path) -> Iterator[str]:
    with served(database, public=False) as url:
        yield url


def _screen(browser: Browser, url: str, width: int, height: int, **account: str) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height})
    sign_in(context, url, **account)
    return context.new_page()


def _on_item(page: Page, position: int, title: str, timeout: float = 60_000) -> None:
    page.get_by_text(f"Item {position} of 4", exact=False).wait_for(timeout=timeout)
    page.get_by_role("heading", name=title).wait_for(timeout=timeout)


def _fits(page: Page) -> None:
    """No horizontal scroll, and nothing wider than the window."""
    widths = page.evaluate("""() => [document.documentElement.scrollWidth,
        document.querySelector('[data-testid="stMain"]').scrollWidth, window.innerWidth]""")
    assert widths[0] <= widths[2] and widths[1] <= widths[2], widths


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / name)


def _meeting(database: Path) -> Briefing:
    engine = make_engine(f"sqlite:///{database}")
    try:
        return meetings.briefing(engine, HR_MEETING)
    finally:
        engine.dispose()


def _position(database: Path) -> int | None:
    return _meeting(database).current_position


def test_a_meeting_walked_in_presenter_mode_with_a_follower(browser: Browser, app_url: str, database: Path) -> None:
    page = _screen(browser, app_url, 1280, 720)
    page.goto(f"{app_url}/presenter?meeting={HR_MEETING}")
    _on_item(page, 1, "Monthly turnover")
    _settle(page)
    assert page.get_by_test_id("stHeader").is_hidden()  # no menu over the projector's picture
    status = page.locator("h3").all_inner_texts()
    assert any(text.strip().startswith("✖") and "Off target" in text for text in status), status  # not colour alone
    chart = page.get_by_test_id("stPlotlyChart").first.bounding_box()
    assert chart["y"] + chart["height"] <= 720  # the whole chart above the fold
    _fits(page)
    _shot(page, "presenter-1280x720-1-turnover.png")
    assert _position(database) is None  # opening the presenter writes nothing
    page.get_by_text("Item 1 of 4 · 90 min, not started").wait_for()

    page.keyboard.press("ArrowRight")
    _on_item(page, 2, "Hours lost to work injuries")
    assert _position(database) == 2

    page.get_by_role("button", name="Next").click()
    _on_item(page, 3, "Days to onboard a new hire")
    _settle(page)
    assert _position(database) == 3
    _fits(page)
    _shot(page, "presenter-1280x720-3-onboarding.png")

    form = page.get_by_test_id("stForm")
    form.get_by_label("What").fill("Ask the state for a date for the faster background checks")
    form.get_by_label("Owner").fill("HR Director")
    form.get_by_role("button", name="Add follow-up").click()
    page.get_by_text("Ask the state for a date for the faster background checks — HR Director").wait_for(timeout=30_000)
    engine = make_engine(f"sqlite:///{database}")
    try:
        table = meetings.followup_table(engine, dt.date(2016, 7, 1), department_slug="hr", state="open")
    finally:
        engine.dispose()
    added = table[table["what"] == "Ask the state for a date for the faster background checks"]
    assert added[["owner", "kpi", "raised_in"]].values.tolist() == [["HR Director", "onboarding_days", HR_MEETING]]

    notes = page.get_by_label("Notes on this item (saved as you leave the box)")
    notes.fill("State portal answer expected by the end of July.")
    notes.press("Control+Enter")
    _settle(page)
    page.reload()
    _on_item(page, 3, "Days to onboard a new hire")
    _settle(page)
    assert page.get_by_label("Notes on this item (saved as you leave the box)").input_value() == (
        "State portal answer expected by the end of July.")
    _shot(page, "presenter-1280x720-4-follow-up-and-notes.png")

    page.get_by_role("heading", name="Days to onboard a new hire").click()  # out of the notes box: arrows steer
    page.keyboard.press("ArrowLeft")
    _on_item(page, 2, "Hours lost to work injuries")
    assert _position(database) == 2

    follower = _screen(browser, app_url, 1280, 720, email=VIEWER, password=VIEWER_PASSWORD)
    follower.goto(f"{app_url}/follow?meeting={HR_MEETING}")
    _on_item(follower, 2, "Hours lost to work injuries")
    assert follower.get_by_role("button", name="Next").count() == 0 and follower.locator("textarea").count() == 0
    page.get_by_role("button", name="Next").click()
    _on_item(page, 3, "Days to onboard a new hire")
    moved = time.monotonic()
    _on_item(follower, 3, "Days to onboard a new hire", timeout=FOLLOW_SECONDS * 1000)
    print(f"the follower showed the presenter's move within {time.monotonic() - moved:.1f} s")
    _settle(follower)
    _fits(follower)
    _shot(follower, "presenter-1280x720-5-follower.png")

    page.get_by_role("button", name="End meeting").click()
    page.get_by_text("Item 3 of 4 · held ", exact=False).wait_for(timeout=30_000)
    _settle(page)
    held = _meeting(database)
    assert held.status == "held" and held.started_at < held.ended_at
    assert page.get_by_role("button", name="End meeting").count() == 0
    _fits(page)
    _shot(page, "presenter-1280x720-6-held.png")
    page.context.close()
    follower.context.close()


def test_the_presenter_on_a_1920x1080_projector(browser: Browser, app_url: str) -> None:
    page = _screen(browser, app_url, 1920, 1080)
    page.goto(f"{app_url}/presenter?meeting={HR_MEETING}&item=2")
    _on_item(page, 2, "Hours lost to work injuries")
    _settle(page)
    _fits(page)
    form = page.get_by_test_id("stForm").bounding_box()
    assert form["y"] + form["height"] <= 1080  # chart, numbers, notes and the follow-up form on one screen
    _shot(page, "presenter-1920x1080.png")
    page.context.close()
