"""In Chromium: a KPI opened from a sorted, filtered scorecard with extra columns, then the browser's Back, returns
to the scorecard exactly as it was: the same URL (no `kpi=`, no parameter added or dropped) and the same rows,
order and columns, on a laptop (the table) and on a phone (the cards)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_browser import ARTIFACTS, SCREENS, _screen, _settle, app_url, browser  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
SCORECARD = "/scorecard?department=ems&sort=change&show=off_target,near_target&columns=signal,note"


def _table(page: Page) -> dict[str, list[str]]:
    """The scorecard table as the grid's accessible table lists it: headings and each row's cells."""
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    headings = grid.locator("thead th").evaluate_all("cells => cells.map(c => c.textContent.trim())")
    rows = grid.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.querySelectorAll('td')).map(c => c.textContent.trim()).join(' | '))"
    )
    return {"headings": headings, "rows": rows}


def _cards(page: Page) -> dict[str, list[str]]:
    """The phone's cards: each card's text, in order."""
    cards = page.locator(".st-key-scorecard_auto_cards [data-testid='stLayoutWrapper']")
    return {"cards": cards.evaluate_all("cards => cards.map(c => c.innerText.trim())")}


@pytest.mark.parametrize("screen", ["laptop", "phone"])
def test_back_from_a_kpi_returns_to_the_scorecard_as_it_was(
    browser: Browser, app_url: str, screen: str  # noqa: F811
) -> None:
    page = _screen(browser, screen, signed_in_at=app_url)  # signed in: a visitor is not offered the note column
    width, height = SCREENS[screen]
    page.goto(app_url + SCORECARD)
    _settle(page)
    assert page.url == app_url + SCORECARD  # opening the link rewrites nothing
    shown = _table(page) if screen == "laptop" else _cards(page)
    if screen == "laptop":
        assert shown["headings"][-2:] == ["Signal (SPC)", "Analyst's note"], shown
        assert {row.split(" | ")[1] for row in shown["rows"]} == {"✖ Off target", "◆ Near target"}, shown
        first = shown["rows"][0].split(" | ")[0]
        box = page.get_by_test_id("stDataFrame").first.bounding_box()
        page.mouse.click(box["x"] + 16, box["y"] + 36 + 18)  # the first row's selection box
    else:
        assert all("Off target" in card or "Near target" in card for card in shown["cards"]), shown
        link = page.locator(".st-key-scorecard_auto_cards").get_by_role("link").first
        first = link.inner_text().replace("arrow_forward", "").strip()  # the name after the icon's ligature
        link.click()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_url("**/kpi?**")
    _settle(page)
    assert "&kpi=" in page.url and "sort=" not in page.url and "columns=" not in page.url
    expect(page.locator("h3").first).to_have_text(first)
    page.screenshot(path=str(ARTIFACTS / f"back-kpi-{screen}-{width}x{height}.png"))

    page.go_back()
    page.wait_for_url("**/scorecard?**")
    _settle(page)
    page.screenshot(path=str(ARTIFACTS / f"back-scorecard-{screen}-{width}x{height}.png"))
    assert page.url == app_url + SCORECARD
    assert (_table(page) if screen == "laptop" else _cards(page)) == shown
    if screen == "laptop":
        expect(page.get_by_role("combobox", name="Sort")).to_have_value("Biggest change")
    else:  # on a phone the sort and filters sit behind a switch that names them
        expect(page.get_by_text("Sort and filter: Biggest change")).to_be_visible()
    page.go_back()
    assert page.url == "about:blank"  # the scorecard left no entries of its own in the history
    page.context.close()
