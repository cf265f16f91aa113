"""End to end in headless Chromium: the Meetings page's agenda editor as a facilitator uses it (a row added shows
blank cells and a ticked Keep box, its minutes counted at once, an Order of 0 explained and not saved), the same
page read-only for an analyst, and the form that marks a meeting held; screenshots at 1440×900, 1280×720 and
390×844 under test-artifacts/screenshots/meetings-*.png."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from louiestat import meetings
from louiestat.db.engine import make_engine
from louiestat.sample_city import SAMPLE_ACCOUNTS
from tests.e2e.test_browser import ARTIFACTS, SCREENS, _settle, browser, served, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
_, (ANALYST, _, _, ANALYST_PASSWORD), _ = SAMPLE_ACCOUNTS
CODES = "/meetings?department=codes&as_of=2016-06"  # two proposed items: a follow-up (5 min), time to fill (10)
ROW_HEIGHT = 35  # the editor's header and rows, in pixels
ITEM_X, ORDER_X = 330, 150  # a point inside the Item and Order columns, from the editor's left edge
CELLS = """() => Array.from(document.querySelectorAll('[data-testid="stDataFrame"]')[0].querySelectorAll('table tr'))
    .map(row => Array.from(row.querySelectorAll('td, th')).map(cell => cell.getAttribute('aria-checked') ?? cell.innerText))"""


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory, meetings_city_file: Path) -> Path:
    path = tmp_path_factory.mktemp("meetings") / "louiestat.db"
    shutil.copy(meetings_city_file, path)
    return path


@pytest.fixture(scope="module")
def app_url(database: Path) -> Iterator[str]:
    with served(database, public=False) as url:
        yield url


def _screen(browser: Browser, url: str, screen: str, **account: str) -> Page:
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height})
    sign_in(context, url, **account)
    return context.new_page()


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / name)


def _type_into(page: Page, x: float, y: float, text: str) -> None:
    """Open the editor's cell at (x, y), replace what it holds with ``text`` and commit it."""
    page.mouse.dblclick(x, y)
    box = page.locator(".gdg-input")  # the grid's cell editor (a text area, or a number box), once open
    box.fill(text)
    box.press("Enter")
    page.wait_for_timeout(1500)
    _settle(page)


def _row_y(box: dict, row: int) -> float:
    """The middle of the editor's row ``row`` (0 is the header) on the page."""
    return box["y"] + ROW_HEIGHT * row + ROW_HEIGHT / 2


def _codes_meetings(database: Path) -> int:
    engine = make_engine(f"sqlite:///{database}")
    try:
        return len(meetings.meetings(engine, "codes"))
    finally:
        engine.dispose()


def test_a_row_added_to_the_agenda_shows_as_it_will_be_saved_and_an_order_of_0_is_explained(
    browser: Browser, app_url: str, database: Path
) -> None:
    page = _screen(browser, app_url, "laptop")
    page.goto(f"{app_url}{CODES}")
    _settle(page)
    editor = page.get_by_test_id("stDataFrame").first
    editor.scroll_into_view_if_needed()
    box = editor.bounding_box()
    editor.hover()
    page.get_by_role("button", name="Add row").click()  # the toolbar shows while the pointer is over it
    page.wait_for_function(f"({CELLS})().length > 3", timeout=10_000)
    _settle(page)  # the page reruns with the row added
    box = editor.bounding_box()  # where the table is once the row is in
    assert page.evaluate(CELLS)[3] == ["true", "", "", "Topic", "10", "Added by the facilitator", ""]  # no "None"

    _type_into(page, box["x"] + ITEM_X, _row_y(box, 3), "Summer pools")
    assert page.evaluate(CELLS)[3][:3] == ["true", "", "Summer pools"]
    assert "3 items, 25 of 90 minutes" in page.get_by_test_id("stCaptionContainer").all_inner_texts()
    _shot(page, "meetings-1440x900-row-added.png")

    _type_into(page, box["x"] + ORDER_X, _row_y(box, 2), "0")
    warning = page.get_by_test_id("stAlertContainer").filter(has_text="Not saved as it is")
    assert "agenda row 2: Order 0 is not a place on the agenda; give each kept row a whole number from 1 up" in (
        warning.inner_text())
    _shot(page, "meetings-1440x900-order-0.png")
    before = _codes_meetings(database)
    page.get_by_role("button", name="Save as a planned meeting").click()
    page.get_by_text("The agenda above has rows that cannot be saved as they are; nothing was written.").wait_for()
    assert _codes_meetings(database) == before
    page.context.close()


@pytest.mark.parametrize("screen", ["laptop", "projector", "phone"])
def test_the_meetings_page_for_an_admin_and_for_an_analyst(browser: Browser, app_url: str, screen: str) -> None:
    width, height = SCREENS[screen]
    admin = _screen(browser, app_url, screen)
    admin.goto(f"{app_url}/meetings?department=hr&as_of=2016-06")
    _settle(admin)
    assert admin.get_by_role("button", name="Mark held").count() == 1
    _shot(admin, f"meetings-{width}x{height}-admin.png")
    admin.get_by_text("Mark a meeting held").scroll_into_view_if_needed()
    _shot(admin, f"meetings-{width}x{height}-mark-held.png")
    admin.context.close()

    analyst = _screen(browser, app_url, screen, email=ANALYST, password=ANALYST_PASSWORD)
    analyst.goto(f"{app_url}/meetings?department=ems&as_of=2016-06")
    _settle(analyst)
    agenda = analyst.get_by_test_id("stDataFrame").first
    agenda.hover()
    assert analyst.get_by_role("button", name="Add row").count() == 0  # a table to read, not to edit
    assert analyst.get_by_role("button", name="Save as a planned meeting").count() == 0
    assert analyst.get_by_role("button", name="Mark held").count() == 0
    _shot(analyst, f"meetings-{width}x{height}-analyst.png")
    analyst.context.close()
