"""In a real browser, in public mode: a visitor who has not signed in reads a KPI whose latest month carries an
analyst's note, and the scorecard by a deep link asking for the note column, on a laptop, a projector and a phone.
Neither page holds the note, the uploader, the file or a batch; signed in, the same KPI page shows them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from louiestat.access.users import signed_in
from louiestat.db.engine import make_engine
from louiestat.ingest import ingest
from tests.e2e.test_browser import ARTIFACTS, SCREENS, _settle, browser, served, sign_in  # noqa: F401 (fixtures)
from tests.pages.conftest import ANALYST

pytestmark = pytest.mark.browser

NOTE = "Quokka4711 staffing memo"
FILE = "quokka-june.csv"
KPI = "/kpi?department=ems&kpi=response_time&as_of=2016-06"
SCORECARD = "/scorecard?department=ems&as_of=2016-06&view=table&columns=signal,note"
UNPUBLISHED = ("Quokka4711", ANALYST, FILE, "Uploaded by", "Earlier values", "Batch")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory, sample_city_file: Path) -> Iterator[str]:
    """The sample city in public mode, where the EMS analyst corrected June 2016's response time with a note."""
    database = tmp_path_factory.mktemp("public") / "louiestat.db"
    shutil.copy(sample_city_file, database)
    engine = make_engine(f"sqlite:///{database}")
    values = f"department,kpi,period,value,note\nems,response_time,2016-06,10.1,{NOTE}\n"
    assert ingest(engine, values.encode(), name=FILE, actor=signed_in(engine, ANALYST, via="page")).changed == 1
    engine.dispose()
    with served(database) as url:
        yield url


@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_visitor_reads_no_note_uploader_file_or_batch_on_the_kpi_page_or_the_scorecard(
    browser: Browser, app_url: str, screen: str
) -> None:
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in (("kpi", KPI), ("scorecard", SCORECARD)):
        page.goto(app_url + path, wait_until="networkidle")
        _settle(page)
        page.screenshot(path=str(ARTIFACTS / f"public-{name}-{screen}-{width}x{height}.png"))
        html = page.content()
        page.set_viewport_size({"width": width, "height": 2600})  # the page scrolls inside: show it all at once
        _settle(page)
        page.screenshot(path=str(ARTIFACTS / f"public-{name}-{screen}-{width}-whole.png"))
        html += page.content()
        page.set_viewport_size({"width": width, "height": height})
        assert "Response time, priority 1" in html
        assert [word for word in UNPUBLISHED if word in html] == [], name
    assert "columns=signal" in page.url and "note" not in page.url, "the link drops the note column"
    context.close()


def test_signed_in_the_same_kpi_page_shows_the_note_on_the_chart_and_the_upload_in_the_table(
    browser: Browser, app_url: str
) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    sign_in(context, app_url)
    page = context.new_page()
    page.goto(app_url + KPI, wait_until="networkidle")
    _settle(page)
    page.set_viewport_size({"width": 1440, "height": 2600})
    _settle(page)
    page.screenshot(path=str(ARTIFACTS / "signed-in-kpi-laptop-1440-whole.png"))
    html = page.content()
    assert NOTE in html, "the note is an annotation on the chart"
    assert "Uploaded by" in html
    context.close()
