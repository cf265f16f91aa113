"""In a real browser, names, notes and query parameters crafted as links, images, tags and javascript: links are
shown as text: no dialog opens and the browser never asks the local image server for anything. Names written as
Streamlit's icons, colours and emoji show as typed, a right-to-left override shows as an escape, and a 300-letter
KPI name or a 10,000-letter note wraps instead of making the page wider than the screen."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, expect

from louiestat.db.engine import make_engine
from louiestat.ingest import ingest
from tests.e2e.test_browser import ARTIFACTS, SCREENS, _settle, browser, served, sign_in  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def image_server() -> Iterator[tuple[str, list[str]]]:
    """A local server that records every request: any request to it means an image or link went live."""
    asked: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()


LONG_NAME = "K" + "x" * 298 + "K"  # 300 letters without a space
MARKUP_NAME = ":material/warning: :red[x] :blue-background[y] :small[s] :smile:"
OVERRIDE = "Described as \u202eevil\u202c here"
LONG_NOTE = "N" * 10_000  # the longest field an upload takes (LOUIESTAT_MAX_FIELD_CHARS)
TYPED_DEFINITIONS = (
    "department,department_name,kpi,kpi_name,unit,direction,target,description\n"
    f"typed,Typed names,long,{LONG_NAME},count,higher_is_better,5,{OVERRIDE}\n"
    f'typed,Typed names,markup,"{MARKUP_NAME}",count,higher_is_better,5,{OVERRIDE}\n'
)
TYPED_VALUES = (
    "department,kpi,period,value,note\n"
    f"typed,long,2016-05,3,{LONG_NOTE}\ntyped,long,2016-06,4,{LONG_NOTE}\n"
    "typed,markup,2016-05,3,\ntyped,markup,2016-06,4,\n"
)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, sample_city_file: Path, image_server) -> Iterator[str]:
    """The sample city plus a department and KPI named to attack the page, served by `streamlit run`."""
    images, _ = image_server
    database = tmp_path_factory.mktemp("escaping") / "louiestat.db"
    shutil.copy(sample_city_file, database)
    engine = make_engine(f"sqlite:///{database}")
    definitions = (
        "department,department_name,kpi,kpi_name,unit,direction,target\n"
        f'evil,"<img src={images}/tag.png onerror=alert(1)>",linky,'
        f'"[x]({images}/link.png) ![t]({images}/image.png)",count,higher_is_better,5\n'
    )
    values = f"department,kpi,period,value,note\nevil,linky,2016-06,4,[x](javascript:alert(1)) {images}/note\n"
    assert ingest(engine, definitions.encode(), name="evil.csv").status == "committed"
    assert ingest(engine, values.encode(), name="evil-values.csv").status == "committed"
    assert ingest(engine, TYPED_DEFINITIONS.encode(), name="typed.csv").status == "committed"
    assert ingest(engine, TYPED_VALUES.encode(), name="typed-values.csv").status == "committed"
    engine.dispose()
    with served(database) as url:
        yield url


def test_crafted_names_notes_and_links_stay_text(browser: Browser, app_url: str, image_server) -> None:  # noqa: F811
    images, asked = image_server
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    sign_in(context, app_url)  # signed in, to read the note too (a visitor is not shown notes)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    crafted = quote(f"[click]({images}/param.png) ![t]({images}/param-image.png) <img src={images}/p.png>")
    for path in ("/kpi?department=evil&kpi=linky&as_of=2016-06", "/scorecard?department=evil&as_of=2016-06",
                 "/?as_of=2016-06", f"/scorecard?department={crafted}"):
        page.goto(app_url + path, wait_until="networkidle")
        _settle(page)
        for link in page.query_selector_all('[data-testid="stMain"] a[href]'):
            href = link.get_attribute("href") or ""
            where = link.evaluate("a => a.closest('[data-testid]').getAttribute('data-testid') + ': ' + "
                                  "a.closest('[data-testid]').innerText")
            assert not href.startswith(("javascript:", images)), f"{path}: {href} in {where}"
    assert "[x](" in page.content() or "[click](" in page.content(), "the crafted text is shown, as text"
    context.close()
    assert dialogs == []
    assert asked == [], "the browser fetched an image or followed a link from crafted text"


@pytest.mark.parametrize("screen", list(SCREENS))
def test_typed_names_show_as_typed_and_long_ones_wrap_within_the_screen(
    browser: Browser, app_url: str, screen: str  # noqa: F811
) -> None:
    width, height = SCREENS[screen]
    context = browser.new_context(viewport={"width": width, "height": height})
    sign_in(context, app_url)  # signed in, to read the notes too (a visitor is not shown notes)
    page = context.new_page()
    pages = {  # each page's address, and a text it shows once drawn
        "kpi-long": ("/kpi?department=typed&kpi=long&as_of=2016-06", "Values, uploads and corrections"),
        "kpi-markup": ("/kpi?department=typed&kpi=markup&as_of=2016-06", "Values, uploads and corrections"),
        "scorecard": ("/scorecard?department=typed&as_of=2016-06&columns=note", "What needs attention"),
        "overview": ("/?as_of=2016-06", "Enterprise KPIs across departments"),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, (path, drawn) in pages.items():
        page.goto(app_url + path, wait_until="networkidle")
        _settle(page)
        expect(page.locator('[data-testid="stMain"]')).to_contain_text(drawn, timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / f"typed-{name}-{screen}-{width}x{height}.png"), full_page=True)
        assert page.query_selector('[data-testid="stException"]') is None, page.inner_text("body")[:2000]
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= page.evaluate("window.innerWidth"), f"{name} at {width}px is {wide}px wide"
        main = page.inner_text('[data-testid="stMain"]').replace("\u2060", "")
        if name.startswith("kpi"):
            assert "Described as <U+202E>evil<U+202C> here" in main and "\u202e" not in main
        if name == "kpi-markup":
            flowing = "".join(main.split())  # the chart title wraps over lines (no space between them) on a phone
            assert flowing.count("".join(MARKUP_NAME.split())) >= 2, main[:1500]  # the heading and the chart title
            assert page.locator('[data-testid="stMain"] [data-testid="stIconMaterial"]').filter(
                has_text="warning").count() == 0, "the name drew an icon"
            assert page.locator('[data-testid="stMain"] .stMarkdownColoredText, '
                                '[data-testid="stMain"] .stMarkdownColoredBackground').count() == 0
        if name == "kpi-long":
            heading = page.locator('[data-testid="stMain"] h3').filter(has_text="Kxxxx").first
            box = heading.bounding_box()
            assert box["x"] + box["width"] <= width and box["height"] > 40, "the long name wraps over lines"
            notes = page.locator('[data-testid="stMain"] .annotation').all()
            assert notes and all(note.bounding_box()["width"] < 400 for note in notes), "a note's box wraps"
    context.close()
