"""End to end in headless Chromium: the pages on a 1440×900 laptop, a 1280×720 projector and a 390×844 phone, measured
as a reader would see them: nothing wider than the screen, no chart title cut at the right edge, the phone's
scorecard and movers, axis titles and metric deltas on the projector, the table toolbar beside its caption and no
focus frame around the presenter's slide; screenshots under test-artifacts/screenshots/screens-*.png."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.test_browser import ARTIFACTS, SCREENS, _settle, browser, served, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser
PAGES = {
    "overview": "/?as_of=2016-06",
    "scorecard": "/scorecard?department=ems&as_of=2016-06",
    "kpi": "/kpi?department=ems&kpi=hospital_offload_minutes&as_of=2016-06",
    "presenter": "/presenter?meeting=1&item=2",  # the sample's HR meeting: hours lost to work injuries
}
CHARTS = {"overview": 5, "scorecard": 0, "kpi": 1, "presenter": 1}  # the city score and four enterprise KPIs
FITS = """() => [document.documentElement.scrollWidth, document.querySelector('[data-testid="stMain"]').scrollWidth,
    window.innerWidth]"""
# Each chart's title as drawn, with how far right it reaches and where its chart ends.
CHART_TITLES = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(chart => {
    const title = chart.querySelector('.gtitle');
    return [title ? title.textContent : null, title ? title.getBoundingClientRect().right : 0,
            chart.getBoundingClientRect().right];
})"""
AXIS_TITLE_SIZES = """() => Array.from(document.querySelectorAll('.js-plotly-plot .xtitle, .js-plotly-plot .ytitle'))
    .map(title => [title.textContent, parseFloat(getComputedStyle(title).fontSize)])"""


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, meetings_city_file: Path) -> Iterator[str]:
    """The dashboard on a copy of the sample city with its meetings (the presenter moves write to it)."""
    path = tmp_path_factory.mktemp("screens") / "louiestat.db"
    shutil.copy(meetings_city_file, path)
    with served(path, public=False) as url:
        yield url


def _screen(browser: Browser, url: str, screen: str) -> Page:
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height})
    sign_in(context, url)
    return context.new_page()


def _open(page: Page, url: str) -> None:
    """Open a page and wait until it is drawn: each of these shows numbers, which the first page after the server
    starts takes a while to send."""
    page.goto(url, wait_until="networkidle")
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=60_000)
    _settle(page)
    assert page.query_selector('[data-testid="stException"]') is None, page.inner_text("body")[:2000]


def _draw_every_chart(page: Page, count: int) -> None:
    """Wait for the page's ``count`` charts (the first page after the server starts takes a while), scroll each
    into view (Streamlit draws a chart once it is near the screen), then go back to the top."""
    expect(page.locator(".js-plotly-plot")).to_have_count(count, timeout=60_000)
    for chart in page.get_by_test_id("stPlotlyChart").all():
        chart.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
    _settle(page)
    page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 0)")


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    page.screenshot(path=ARTIFACTS / f"screens-{name}-{width}x{height}.png")


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_page_fits_the_screen_and_no_chart_title_is_cut(browser: Browser, app_url: str, screen: str) -> None:
    page = _screen(browser, app_url, screen)
    for name, path in PAGES.items():
        _open(page, app_url + path)
        _draw_every_chart(page, CHARTS[name])
        _shot(page, f"{name}-{screen}")
        widths = page.evaluate(FITS)
        assert widths[0] <= widths[2] and widths[1] <= widths[2], f"{name} is wider than the screen: {widths}"
        titles = page.evaluate(CHART_TITLES)
        assert len(titles) == CHARTS[name] and all(title for title, _, _ in titles), f"{name}: charts {titles}"
        cut = [(title, right, edge) for title, right, edge in titles if right > edge + 0.5]
        assert not cut, f"{name}: chart titles cut at the right edge: {cut}"
    page.context.close()


def test_on_a_phone_the_scorecard_shows_its_first_kpi_above_the_fold_and_its_filters_behind_a_switch(
    browser: Browser, app_url: str
) -> None:
    page = _screen(browser, app_url, "phone")
    _open(page, app_url + PAGES["scorecard"])
    _shot(page, "scorecard-first-kpi-phone")

    first = page.locator('.st-key-scorecard_auto_cards > [data-testid="stLayoutWrapper"]').first
    assert first.bounding_box()["y"] < 844
    expect(first.get_by_text("Hospital offload time")).to_be_in_viewport()
    expect(page.get_by_role("combobox", name="Sort")).to_be_hidden()

    page.get_by_text("Sort and filter: Off target first · all statuses").click()
    _settle(page)
    _shot(page, "scorecard-filters-open-phone")
    expect(page.get_by_role("combobox", name="Sort")).to_be_visible()
    expect(page.get_by_role("button", name="Columns and layout")).to_be_visible()
    assert page.evaluate(FITS)[0] <= 390

    page.get_by_role("button", name="On target").first.click()  # a choice keeps the switch on and renames it
    expect(page.get_by_text("Sort and filter: Off target first · 4 of 5 statuses")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("combobox", name="Sort")).to_be_visible()
    page.context.close()


def test_on_a_phone_the_movers_show_kpi_department_and_why(browser: Browser, app_url: str) -> None:
    page = _screen(browser, app_url, "phone")
    _open(page, app_url + PAGES["overview"])
    expect(page.locator(".st-key-movers_table")).to_be_hidden()
    first = page.locator('.st-key-movers_cards > [data-testid="stLayoutWrapper"]').first
    first.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    _shot(page, "overview-movers-phone")

    expect(first.get_by_role("link", name="Monthly turnover")).to_be_in_viewport()
    why = first.get_by_text("Human Resources · Real concern: a run of months on the worse side of the average")
    expect(why).to_be_in_viewport()
    box = why.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert why.evaluate("e => e.scrollWidth <= e.clientWidth")
    page.context.close()


def test_on_a_projector_axis_titles_are_at_least_16px_and_the_kpi_deltas_are_whole(
    browser: Browser, app_url: str
) -> None:
    page = _screen(browser, app_url, "projector")
    for name in ("kpi", "presenter"):
        _open(page, app_url + PAGES[name])
        sizes = page.evaluate(AXIS_TITLE_SIZES)
        assert sizes and all(size >= 16 for _, size in sizes), f"{name}: axis titles {sizes}"
        if name == "kpi":
            _shot(page, "kpi-delta-projector")
            deltas = page.locator('[data-testid="stMetricDelta"] [data-testid="stMarkdownContainer"], '
                                  '[data-testid="stMetricDeltaDescription"] [data-testid="stCaptionContainer"]')
            shown = deltas.evaluate_all("els => els.map(e => [e.innerText, e.scrollWidth, e.clientWidth])")
            assert "+12.0% (worse)" in [text for text, _, _ in shown]
            assert all(scrolled <= width for _, scrolled, width in shown), f"a delta is cut: {shown}"
    page.context.close()


def test_after_the_arrow_keys_no_focus_frame_surrounds_the_slide_but_the_buttons_keep_theirs(
    browser: Browser, app_url: str
) -> None:
    page = _screen(browser, app_url, "projector")
    _open(page, app_url + "/presenter?meeting=1&item=1")
    page.get_by_role("heading", name="Monthly turnover").click()  # the page takes the focus, as a click on it does
    page.keyboard.press("ArrowRight")
    page.get_by_role("heading", name="Hours lost to work injuries").wait_for(timeout=60_000)
    _settle(page)
    _shot(page, "presenter-after-arrow-keys-projector")

    focused = page.evaluate("""() => { const e = document.activeElement, frame = getComputedStyle(e, '::before');
        return [e.dataset.testid, e.matches(':focus-visible'), frame.boxShadow, getComputedStyle(e).outlineStyle]; }""")
    assert focused == ["stMain", True, "none", "none"]

    page.keyboard.press("Tab")
    control = page.evaluate("""() => { const e = document.activeElement, style = getComputedStyle(e);
        return [e.tagName, e.matches(':focus-visible'), style.outlineStyle, style.boxShadow]; }""")
    assert control[0] in ("BUTTON", "A") and control[1], control
    assert control[2] != "none" or control[3] != "none", f"a control without a visible focus: {control}"
    page.context.close()


def test_the_table_toolbar_leaves_the_caption_above_it_readable(browser: Browser, app_url: str) -> None:
    page = _screen(browser, app_url, "phone")
    _open(page, app_url + PAGES["scorecard"] + "&view=table")
    table = page.get_by_test_id("stDataFrame").first
    table.scroll_into_view_if_needed()
    page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollBy(0, -200)")
    box = table.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 80)
    toolbar = page.get_by_test_id("stElementToolbar").first
    expect(toolbar).to_be_visible()
    _shot(page, "scorecard-table-toolbar-phone")

    tools = toolbar.bounding_box()
    caption = page.get_by_text("Tick the box at the start of a row to open that KPI.")
    lines = caption.evaluate("""e => { const range = document.createRange(); range.selectNodeContents(e);
        return Array.from(range.getClientRects()).map(r => [r.left, r.top, r.right, r.bottom]); }""")
    covered = [line for line in lines if line[0] < tools["x"] + tools["width"] and tools["x"] < line[2]
               and line[1] < tools["y"] + tools["height"] and tools["y"] < line[3]]
    assert lines and not covered, f"the toolbar {tools} covers the caption's lines {covered}"
    page.context.close()
