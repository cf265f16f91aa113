"""Sign-in, roles and public mode end to end: `streamlit run app.py` served for real, the sign-in form posted by
Chromium, the session cookie's flags, the open-data feed over HTTP, and two app processes sharing one
PostgreSQL database's sessions."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from louiestat.db.engine import make_engine
from louiestat.db.models import Batch
from louiestat.sample_city import SAMPLE_ACCOUNTS, add_accounts, load_files
from louiestat.sign_in import FAILED
from tests.conftest import _empty_postgres, snapshot
from tests.e2e.test_browser import (  # noqa: F401 (fixtures)
    ADMIN,
    ANALYST,
    ANALYST_PASSWORD,
    ARTIFACTS,
    _settle,
    browser,
    served,
    sign_in,
)

pytestmark = pytest.mark.browser
VIEWER, _, _, VIEWER_PASSWORD = SAMPLE_ACCOUNTS[2]
OWN = "department,kpi,period,value\nems,response_time,2016-06,12.5\n"
FOREIGN = "department,kpi,period,value\nhr,overtime_hours,2016-06,120\n"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _post(url: str, form: dict[str, str], headers: dict[str, str] | None = None):
    """POST a form without following the redirect; returns (status, headers)."""
    data = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST")
    try:
        response = urllib.request.build_opener(_NoRedirect).open(request, timeout=30)
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers
    return response.status, response.headers


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
