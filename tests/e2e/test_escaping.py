"""In a real browser, names, notes and query parameters crafted as links, images, tags and javascript: links are
shown as text: no dialog opens and the browser never asks the local image server for anything."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser

from louiestat.db.engine import make_engine
from louiestat.ingest import ingest
from tests.e2e.test_browser import _settle, browser, served, sign_in  # noqa: F401 (fixtures)

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
