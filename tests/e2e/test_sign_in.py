"""Sign-in, roles and public mode end to end: `streamlit run app.py` served for real, the sign-in form posted by
Chromium, the session cookie's flags, the open-data feed over HTTP, and two app processes sharing one
PostgreSQL database's sessions. Under load and attack: a write holding the database, a flood from one address,
an 800 MB body, posts from elsewhere, a proxy's headers, framing by another site."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import html
import http.server
import json
import re
import shutil
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from louiestat.access import users
from louiestat.access.sessions import BUSY, FAILED, LIMITED
from louiestat.db.engine import make_engine
from louiestat.db.models import Batch
from louiestat.sample_city import SAMPLE_ACCOUNTS, add_accounts, load_files
from tests.conftest import _empty_postgres, snapshot
from tests.e2e.test_browser import (  # noqa: F401 (fixtures)
    ADMIN,
    ADMIN_PASSWORD,
    ANALYST,
    ANALYST_PASSWORD,
    ARTIFACTS,
    SCREENS,
    _settle,
    browser,
    served,
    sign_in,
)
from tests.test_sign_in import user_change_in_progress

pytestmark = pytest.mark.browser
VIEWER, _, _, VIEWER_PASSWORD = SAMPLE_ACCOUNTS[2]
OWN = "department,kpi,period,value\nems,response_time,2016-06,12.5\n"
FOREIGN = "department,kpi,period,value\nhr,overtime_hours,2016-06,120\n"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _answer(url: str, form: dict[str, str], headers: dict[str, str] | None = None, timeout: float = 30):
    """POST a form without following the redirect, from the dashboard's own page (its Origin) unless ``headers``
    say otherwise; returns (status, headers, body)."""
    data = urllib.parse.urlencode(form).encode()
    origin = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(url))
    request = urllib.request.Request(url, data=data, headers={"Origin": origin} if headers is None else headers,
                                     method="POST")
    try:
        response = urllib.request.build_opener(_NoRedirect).open(request, timeout=timeout)
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, answer.read().decode()
    return response.status, response.headers, response.read().decode()


def _post(url: str, form: dict[str, str], headers: dict[str, str] | None = None):
    """POST a form as ``_answer`` does; returns (status, headers)."""
    return _answer(url, form, headers)[:2]


@pytest.fixture(scope="module")
def city_db(tmp_path_factory: pytest.TempPathFactory, sample_city_file: Path) -> Path:
    path = tmp_path_factory.mktemp("signin") / "louiestat.db"
    shutil.copy(sample_city_file, path)
    return path


@pytest.fixture(scope="module")
def app_url(city_db: Path) -> Iterator[str]:
    with served(city_db, public=True) as url:
        yield url


def _form_sign_in(page: Page, url: str, email: str, password: str, public: bool = True) -> None:
    page.goto(url + ("/sign_in" if public else "/"))
    _settle(page)
    page.fill("#louiestat-email", email)
    page.fill("#louiestat-password", password)
    page.click(".louiestat-sign-in button")
    page.wait_for_load_state("networkidle")
    _settle(page)


def _upload(page: Page, url: str, path: Path) -> None:
    page.goto(url + "/upload")
    _settle(page)
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    _settle(page)


def test_an_analyst_signs_in_uploads_their_department_is_refused_another_and_signs_out(
    browser: Browser, app_url: str, city_db: Path, tmp_path: Path
) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(app_url + "/sign_in")
    _settle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "sign-in-1440x900.png"))

    _form_sign_in(page, app_url, ANALYST, "not the password at all")
    assert "failed=1" in page.url
    expect(page.get_by_text(FAILED)).to_be_visible()
    assert not [c for c in context.cookies() if c["name"] == "louiestat_session"]

    _form_sign_in(page, app_url, ANALYST, ANALYST_PASSWORD)
    cookie = next(c for c in context.cookies() if c["name"] == "louiestat_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    expect(page.get_by_text("Data", exact=True)).to_be_visible()  # the Upload page's menu section

    own, foreign = tmp_path / "ems-june.csv", tmp_path / "hr-june.csv"
    own.write_text(OWN)
    foreign.write_text(FOREIGN)
    _upload(page, app_url, own)
    page.get_by_role("button", name="Commit ems-june.csv").click()
    _settle(page)
    expect(page.get_by_text("ems-june.csv committed as batch").first).to_be_visible(timeout=30_000)

    engine = make_engine(f"sqlite:///{city_db}")
    before = snapshot(engine)
    _upload(page, app_url, foreign)
    expect(page.get_by_text("hr-june.csv was rejected and nothing was written").first).to_be_visible()
    expect(page.get_by_text("may not change this department's data (they may change Emergency Medical Services "
                            "and Louisville Fire only)").first).to_be_attached()
    assert page.get_by_role("button", name="Commit hr-june.csv").count() == 0
    page.screenshot(path=str(ARTIFACTS / "upload-refused-analyst-1440x900.png"), full_page=True)
    assert snapshot(engine) == before
    with engine.connect() as conn:
        assert conn.execute(select(Batch.actor).order_by(Batch.id.desc())).scalars().first() == ANALYST
    engine.dispose()

    page.goto(app_url + "/account")
    _settle(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign_in?signed_out=1")
    _settle(page)
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    assert page.get_by_text("Data", exact=True).count() == 0
    context.close()


def test_a_visitor_in_public_mode_reads_the_dashboard_and_has_no_upload(browser: Browser, app_url: str) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.goto(app_url + "/?as_of=2016-06")
    _settle(page)
    expect(page.locator("h1").first).to_have_text("City overview")
    assert page.get_by_text("Data", exact=True).count() == 0
    page.get_by_text("Performance", exact=True).click()
    expect(page.get_by_text("Department scorecard", exact=True)).to_be_visible()
    assert page.get_by_text("Upload", exact=True).count() == 0
    page.goto(app_url + "/upload")
    _settle(page)
    expect(page.get_by_text("Sign in to open Upload; you come back to it once signed in.")).to_be_visible()
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator('[data-testid="stFileUploader"]').count() == 0
    context.close()


def test_the_admin_reads_the_audit_log(browser: Browser, app_url: str) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    sign_in(context, app_url)
    page = context.new_page()
    page.goto(app_url + "/audit_log")
    _settle(page)
    expect(page.locator("h1").first).to_have_text("Audit log")
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "audit-log-1440x900.png"))
    page.goto(app_url + "/user_admin")
    _settle(page)
    expect(page.locator("h1").first).to_have_text("Users")
    page.screenshot(path=str(ARTIFACTS / "users-1440x900.png"))
    context.close()


def test_the_sign_in_route_sets_a_http_only_cookie_and_refuses_other_sites(app_url: str) -> None:
    status, headers = _post(f"{app_url}/auth/sign-in", {"email": ANALYST, "password": ANALYST_PASSWORD})
    cookie = headers["set-cookie"]
    assert status == 303 and headers["location"] == "/"
    assert cookie.startswith("louiestat_session=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Path=/" in cookie

    status, headers = _post(f"{app_url}/auth/sign-in", {"email": ANALYST, "password": "wrong wrong wrong"})
    assert (status, headers["location"], headers.get("set-cookie")) == (303, "/sign_in?failed=1", None)

    status, _ = _post(f"{app_url}/auth/sign-in", {"email": ANALYST, "password": ANALYST_PASSWORD},
                      {"Origin": "http://evil.example"})
    assert status == 403

    back_to = "/scorecard?department=ems&as_of=2016-05"
    status, headers = _post(f"{app_url}/auth/sign-in", {"email": ANALYST, "password": ANALYST_PASSWORD, "next": back_to})
    assert (status, headers["location"]) == (303, back_to)
    status, headers = _post(f"{app_url}/auth/sign-in", {"email": ANALYST, "password": "wrong", "next": back_to})
    assert (status, headers["location"]) == (303, back_to + "&failed=1")
    for elsewhere in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        status, headers = _post(f"{app_url}/auth/sign-in", {"email": ANALYST, "password": ANALYST_PASSWORD,
                                                             "next": elsewhere})
        assert (status, headers["location"]) == (303, "/"), elsewhere


def test_the_open_data_feed_answers_in_public_mode(app_url: str) -> None:
    with urllib.request.urlopen(f"{app_url}/api/v1/kpis.csv", timeout=30) as response:
        lines = response.read().decode().splitlines()
        assert response.headers["content-type"].startswith("text/csv")
        assert "public, max-age=300" == response.headers["cache-control"]
    assert lines[0].startswith("department,department_name,kpi,kpi_name,")
    assert len(lines) == 1 + 80

    with urllib.request.urlopen(f"{app_url}/api/v1/values.json?department=ems", timeout=30) as response:
        rows, etag = json.loads(response.read()), response.headers["etag"]
    assert {row["department"] for row in rows} == {"ems"}
    assert set(rows[0]) == {"department", "kpi", "period", "value", "target", "status", "score"}

    request = urllib.request.Request(f"{app_url}/api/v1/values.json?department=ems", headers={"If-None-Match": etag})
    with pytest.raises(urllib.error.HTTPError) as not_modified:
        urllib.request.urlopen(request, timeout=30)
    assert not_modified.value.code == 304

    with pytest.raises(urllib.error.HTTPError) as unknown:
        urllib.request.urlopen(f"{app_url}/api/v1/values.csv?department=nope", timeout=30)
    assert unknown.value.code == 404 and "no department 'nope'" in unknown.value.read().decode()


def test_without_public_mode_visitors_get_only_the_sign_in_page_and_no_feed(browser: Browser, city_db: Path) -> None:
    with served(city_db, public=False) as url:
        with pytest.raises(urllib.error.HTTPError) as unpublished:
            urllib.request.urlopen(f"{url}/api/v1/kpis.csv", timeout=30)
        assert unpublished.value.code == 404 and "public mode" in unpublished.value.read().decode()
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(url + "/")
        _settle(page)
        expect(page.locator("h1").first).to_have_text("Sign in")
        assert page.get_by_text("Performance", exact=True).count() == 0
        page.close()


def test_a_link_to_a_page_asks_a_visitor_to_sign_in_and_comes_back_to_it(browser: Browser, city_db: Path) -> None:
    with served(city_db, public=False) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        page = context.new_page()
        page.goto(url + "/scorecard?department=ems&as_of=2016-05")
        _settle(page)
        expect(page.get_by_text("Sign in to open Department scorecard; you come back to it once signed in.")
               ).to_be_visible()
        assert page.get_by_text("Page not found").count() == 0

        for password in ("not the password", ANALYST_PASSWORD):
            page.fill("#louiestat-email", ANALYST)
            page.fill("#louiestat-password", password)
            page.click(".louiestat-sign-in button")
            page.wait_for_load_state("networkidle")
            _settle(page)
            if password != ANALYST_PASSWORD:
                assert page.url == url + "/scorecard?department=ems&as_of=2016-05&failed=1"
                expect(page.get_by_text(FAILED)).to_be_visible()
        assert page.url.startswith(url + "/scorecard?department=ems&as_of=2016-05")  # the page adds its sort
        assert "failed" not in page.url
        expect(page.locator("h1").first).to_have_text("Department scorecard")
        expect(page.locator("main")).to_contain_text("Hospital offload time")  # an EMS KPI
        page.goto(url + "/sign_in")  # Back to the sign-in address, or a bookmark of it, once signed in
        _settle(page)
        expect(page.locator("h1").first).to_have_text("Account")
        assert page.get_by_text("Page not found").count() == 0
        context.close()

        context = browser.new_context(viewport={"width": 390, "height": 844})
        sign_in(context, url, VIEWER, VIEWER_PASSWORD)
        page = context.new_page()
        page.goto(url + "/upload")
        _settle(page)
        expect(page.locator("h1").first).to_have_text("Upload")
        expect(page.get_by_text("Your role (viewer) does not open Upload.")).to_be_visible()
        assert page.get_by_text("Page not found").count() == 0
        assert page.locator('[data-testid="stFileUploader"]').count() == 0
        context.close()


@pytest.mark.postgres
def test_two_app_processes_on_one_postgres_database_share_a_session(browser: Browser, postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    _empty_postgres(engine)
    assert load_files(engine, "sample")[-1].status == "committed"
    add_accounts(engine, "sample")
    engine.dispose()
    with served(postgres_url, public=False) as first, served(postgres_url, public=False) as second:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        _form_sign_in(page, first, ANALYST, ANALYST_PASSWORD, public=False)
        expect(page.get_by_text("Data", exact=True)).to_be_visible()

        # Cookies belong to the host, not the port: the second replica gets the same cookie, as behind a balancer.
        page.goto(second + "/account")
        _settle(page)
        expect(page.locator("h1").first).to_have_text("Account")
        assert f"Signed in as {ANALYST}" in page.inner_text("main").replace("\u2060", "")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url("**/?signed_out=1")

        page.goto(first + "/")
        _settle(page)
        expect(page.locator("h1").first).to_have_text("Sign in")
        context.close()


# Under load and under attack: a flood from one address, a write holding the database, a huge body, a post from
# elsewhere, a proxy's headers, framing by another site.

NOBODY = {"email": "nobody@city.example", "password": "not an account at all"}  # fails without locking anyone


def _same_minute(needed: float = 15) -> None:
    """Wait, if need be, for a minute with ``needed`` seconds left, so that posts counted per minute share one."""
    second = dt.datetime.now(dt.UTC).second
    if 60 - second < needed:
        time.sleep(60 - second + 0.5)


def _server_pid(url: str) -> int:
    """The process id of the `streamlit run` serving ``url`` (found by its --server.port)."""
    port = url.rsplit(":", 1)[1].encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--server.port" in args and args[args.index(b"--server.port") + 1] == port:
            return int(cmdline.parent.name)
    raise LookupError(f"no server on port {port.decode()}")


def _memory_kb(pid: int) -> tuple[int, int]:
    """The process's resident memory now and at its peak (VmRSS, VmHWM), in kB."""
    status = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(status["VmRSS"].split()[0]), int(status["VmHWM"].split()[0])


def _huge_post(url: str, megabytes: int, chunked: bool) -> tuple[int | None, int]:
    """POST ``megabytes`` of form body to the sign-in route, streamed a megabyte at a time with Content-Length or
    chunked without it, until it is all sent or the server hangs up; returns (the status answered, bytes sent)."""
    parts = urllib.parse.urlsplit(url)
    total, chunk, sent = megabytes * 2**20, b"a" * 2**20, 0
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as conn:
        length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}"
        conn.sendall(f"POST /auth/sign-in HTTP/1.1\r\nHost: {parts.netloc}\r\nOrigin: {url}\r\n"
                     f"Content-Type: application/x-www-form-urlencoded\r\n{length}\r\n\r\n".encode())
        try:
            while sent < total:
                conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
                sent += len(chunk)
            conn.sendall(b"0\r\n\r\n" if chunked else b"")
        except OSError:  # the server stopped reading and hung up: what it answered is already on its way
            pass
        try:
            status_line = conn.recv(4096).split(b"\r\n", 1)[0]
        except OSError:
            return None, sent
    return int(status_line.split()[1]) if status_line else None, sent


def test_posts_that_do_not_show_they_come_from_the_dashboard_are_refused(app_url: str) -> None:
    form, sign_in_url = {"email": ANALYST, "password": ANALYST_PASSWORD}, f"{app_url}/auth/sign-in"
    assert _post(sign_in_url, form, {})[0] == 403, "neither Origin nor Referer"
    assert _post(f"{app_url}/auth/sign-out", {}, {})[0] == 403
    assert _post(sign_in_url, form, {"Origin": "null"})[0] == 403
    assert _post(sign_in_url, form, {"Sec-Fetch-Site": "cross-site"})[0] == 403
    assert _post(sign_in_url, form, {"Sec-Fetch-Site": "same-origin"})[0] == 303, "the browser vouches for it"
    assert _post(sign_in_url, form, {"Referer": f"{app_url}/sign_in"})[0] == 303
    spoofed = {"Origin": "http://evil.example", "X-Forwarded-Host": "evil.example"}
    assert _post(sign_in_url, form, spoofed)[0] == 403, "a client that is no trusted proxy names the host"


def test_only_a_trusted_proxy_is_believed_about_the_client_address_host_and_scheme(
    tmp_path: Path, sample_city_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(sample_city_file, tmp_path / "louiestat.db")
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "")  # uvicorn believes no one: LouieStat's own setting decides
    monkeypatch.setenv("LOUIESTAT_SIGN_IN_RATE_PER_MINUTE", "2")
    with served(tmp_path / "louiestat.db") as url:
        _same_minute()
        claims = [{"Origin": url, "X-Forwarded-For": f"203.0.113.{n}"} for n in range(3)]
        assert [_post(f"{url}/auth/sign-in", NOBODY, claim)[0] for claim in claims] == [303, 303, 429], (
            "all three are the socket's address, whatever they claim")
        spoofed = {"Origin": "https://dashboard.city.example", "X-Forwarded-Host": "dashboard.city.example"}
        assert _post(f"{url}/auth/sign-in", NOBODY, spoofed)[0] == 403

    monkeypatch.setenv("LOUIESTAT_TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")
    with served(tmp_path / "louiestat.db") as url:
        sign_in_url = f"{url}/auth/sign-in"

        def through_proxy(forwarded_for: str) -> dict[str, str]:
            return {"Origin": "https://dashboard.city.example", "X-Forwarded-Host": "dashboard.city.example",
                    "X-Forwarded-Proto": "https", "X-Forwarded-For": forwarded_for}

        _same_minute()
        assert [_post(sign_in_url, NOBODY, through_proxy("198.51.100.1"))[0] for _ in range(3)] == [303, 303, 429]
        status, headers, body = _answer(sign_in_url, NOBODY, through_proxy("198.51.100.7, 198.51.100.1"))
        assert status == 429, "the address the proxy saw, not one the client wrote further left"
        assert 1 <= int(headers["retry-after"]) <= 60
        assert html.unescape(body).count("/sign_in?limited=1") == 2 and LIMITED in html.unescape(body)
        assert _post(sign_in_url, NOBODY, through_proxy("198.51.100.2, 10.1.2.3"))[0] == 303, (
            "another client, behind two trusted proxies")

        status, headers = _post(sign_in_url, {"email": VIEWER, "password": VIEWER_PASSWORD},
                                through_proxy("198.51.100.3"))
        assert status == 303 and "Secure" in headers["set-cookie"], "the proxy was asked over HTTPS"


def test_a_huge_sign_in_post_is_cut_short_and_leaves_the_servers_memory_where_it_was(app_url: str) -> None:
    pid = _server_pid(app_url)
    _post(f"{app_url}/auth/sign-in", NOBODY)  # the route's first use loads what it needs
    rss, peak = _memory_kb(pid)
    for chunked in (False, True):
        status, sent = _huge_post(app_url, 800, chunked)
        assert status == 413 and sent < 800 * 2**20, (chunked, status, sent)
    rss_after, peak_after = _memory_kb(pid)
    assert rss_after - rss < 5 * 1024 and peak_after - peak < 5 * 1024, (rss, rss_after, peak, peak_after)


def test_twelve_sign_ins_while_a_write_holds_the_database_are_answered_busy_never_500(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(database_url)
    users.add_user(engine, ADMIN, "admin", password=ADMIN_PASSWORD, by="test")
    monkeypatch.setenv("LOUIESTAT_SIGN_IN_WAIT_SECONDS", "1")
    form = {"email": ADMIN, "password": ADMIN_PASSWORD}
    try:
        with served(database_url, public=False) as url:
            _, headers, _ = _answer(f"{url}/auth/sign-in", form)
            cookie = {"Origin": url, "Cookie": headers["set-cookie"].split(";")[0]}
            with user_change_in_progress(engine), concurrent.futures.ThreadPoolExecutor(12) as pool:
                answers = list(pool.map(lambda _: _answer(f"{url}/auth/sign-in", form, timeout=60), range(12)))
                signing_out = _answer(f"{url}/auth/sign-out", {}, cookie)
            assert [status for status, _, _ in answers] == [503] * 12
            for _, headers, body in answers:
                assert headers["retry-after"] == "1" and BUSY in body
                assert 'content="0; url=/?busy=1"' in body, "the page takes the browser back to the form"
            assert signing_out[0] == 503 and 'url=/account?busy=1"' in signing_out[2]

            status, headers, _ = _answer(f"{url}/auth/sign-in", form)
            assert status == 303 and headers["set-cookie"].startswith("louiestat_session="), "works once it ends"
            status, headers, _ = _answer(f"{url}/auth/sign-out", {}, cookie)
            assert (status, headers["location"]) == (303, "/?signed_out=1")
    finally:
        engine.dispose()


def test_no_other_site_may_frame_a_page_a_route_or_an_asset_unless_named(
    browser: Browser, app_url: str, tmp_path: Path, sample_city_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with urllib.request.urlopen(f"{app_url}/", timeout=30) as response:
        asset = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', response.read().decode()).group(1)
    paths = ["/", "/scorecard?department=ems", "/_stcore/health", f"/{asset}", "/api/v1/kpis.csv"]
    for path in paths:
        with urllib.request.urlopen(f"{app_url}{path}", timeout=30) as response:
            assert response.headers["x-frame-options"] == "DENY", path
            assert response.headers["content-security-policy"] == "frame-ancestors 'none'", path
    status, headers = _post(f"{app_url}/auth/sign-in", {}, {})
    assert (status, headers["x-frame-options"], headers["content-security-policy"]) == (
        403, "DENY", "frame-ancestors 'none'")

    with _portal() as portal:
        assert _framed_health(browser, portal, app_url) != "ok", "another site's frame stays empty"
        shutil.copy(sample_city_file, tmp_path / "louiestat.db")
        monkeypatch.setenv("LOUIESTAT_FRAME_ANCESTORS", f"{portal} https://*.louisvilleky.gov")
        with served(tmp_path / "louiestat.db") as url:
            with urllib.request.urlopen(f"{url}/", timeout=30) as response:
                assert response.headers["x-frame-options"] is None
                assert response.headers["content-security-policy"] == (
                    f"frame-ancestors {portal} https://*.louisvilleky.gov")
            assert _framed_health(browser, portal, url) == "ok", "a site named in the setting shows it"


@contextmanager
def _portal() -> Iterator[str]:
    """Another site (a plain HTTP server on the loopback) whose page frames the address in its ``frame`` query."""

    class Portal(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            framed = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["frame"][0]
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(f'<!doctype html><iframe src="{html.escape(framed)}"></iframe>'.encode())

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Portal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _framed_health(browser: Browser, portal: str, dashboard: str) -> str:
    """What the portal's frame of the dashboard's health check shows: "ok", or nothing when the browser refused."""
    page = browser.new_page()
    try:
        page.goto(f"{portal}/?{urllib.parse.urlencode({'frame': dashboard + '/_stcore/health'})}", wait_until="load")
        page.wait_for_timeout(500)
        return page.frames[1].evaluate("() => document.body ? document.body.innerText : ''").strip()
    finally:
        page.close()


def test_a_busy_or_limited_sign_in_comes_back_to_the_form_saying_so(
    browser: Browser, tmp_path: Path, sample_city_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(sample_city_file, tmp_path / "louiestat.db")
    engine = make_engine(f"sqlite:///{tmp_path / 'louiestat.db'}")
    monkeypatch.setenv("LOUIESTAT_SIGN_IN_WAIT_SECONDS", "1")
    monkeypatch.setenv("LOUIESTAT_SIGN_IN_RATE_PER_MINUTE", "4")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    try:
        with served(tmp_path / "louiestat.db") as url:
            for (width, height) in SCREENS.values():
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                page.goto(url + "/sign_in")
                _settle(page)
                page.fill("#louiestat-email", ANALYST)
                page.fill("#louiestat-password", ANALYST_PASSWORD)
                with user_change_in_progress(engine):
                    page.click(".louiestat-sign-in button")
                    page.wait_for_url("**/sign_in?busy=1", timeout=30_000)
                _settle(page)
                expect(page.get_by_text(BUSY)).to_be_visible()
                expect(page.locator("#louiestat-email")).to_be_visible()
                assert not [c for c in context.cookies() if c["name"] == "louiestat_session"]
                page.screenshot(path=str(ARTIFACTS / f"sign-in-busy-{width}x{height}.png"))
                context.close()

            context = browser.new_context(viewport={"width": 390, "height": 844})
            sign_in(context, url, ANALYST, ANALYST_PASSWORD)
            page = context.new_page()
            page.goto(url + "/account")
            _settle(page)
            with user_change_in_progress(engine):
                page.get_by_role("button", name="Sign out").click()
                page.wait_for_url("**/account?busy=1", timeout=30_000)
            _settle(page)
            expect(page.get_by_text(BUSY)).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "account-busy-390x844.png"))
            context.close()

            _same_minute()
            for _ in range(5):
                if _post(f"{url}/auth/sign-in", NOBODY)[0] == 429:
                    break
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            page = context.new_page()
            _form_sign_in(page, url, ANALYST, ANALYST_PASSWORD)
            assert page.url.endswith("/sign_in?limited=1")
            expect(page.get_by_text(LIMITED)).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "sign-in-limited-1280x720.png"))
            context.close()
    finally:
        engine.dispose()
