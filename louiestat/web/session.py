"""Sign-in and sign-out as plain form posts, so that the session token travels only in an HttpOnly, SameSite
cookie the page's scripts cannot read. A post from another site is refused (its Origin is not this host)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from louiestat.config import get_settings
from louiestat.db.migrate import migrated_engine
from louiestat.errors import SignInFailed
from louiestat.sign_in import SESSION_COOKIE, sign_in, sign_out

MAX_FORM_BYTES = 4096


async def sign_in_post(request: Request) -> Response:
    """Check the form's email and password; on success set the session cookie and go to the page the form names
    (``next``: the page the visitor asked for), else to the overview."""
    if (refused := _foreign(request)) is not None:
        return refused
    form = await _form(request)
    back_to = _local_path(form.get("next", ""))
    engine = migrated_engine(get_settings().database_url)
    try:
        token = await run_in_threadpool(sign_in, engine, form.get("email", ""), form.get("password", ""), via="page")
    except SignInFailed:
        again = back_to or _sign_in_page()
        return RedirectResponse(f"{again}{'&' if '?' in again else '?'}failed=1", status_code=303)
    response = RedirectResponse(back_to or "/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=int(get_settings().session_max_hours * 3600), path="/", httponly=True,
        samesite="lax", secure=_https(request),
    )
    return response


async def sign_out_post(request: Request) -> Response:
    """End the session in the database and forget the cookie."""
    if (refused := _foreign(request)) is not None:
        return refused
    engine = migrated_engine(get_settings().database_url)
    await run_in_threadpool(sign_out, engine, request.cookies.get(SESSION_COOKIE), via="page")
    response = RedirectResponse(f"{_sign_in_page()}?signed_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=_https(request))
    return response


def _sign_in_page() -> str:
    """Where a visitor finds the sign-in form: its own page in public mode, else the only page there is."""
    return "/sign_in" if get_settings().public_mode else "/"


def _local_path(path: str) -> str:
    """``path`` if it is a path on this site ("/scorecard?department=ems"), else "": a form cannot send a visitor on
    to another site after signing in."""
    parts = urlsplit(path)
    local = path.startswith("/") and not path.startswith("//") and not parts.scheme and not parts.netloc
    return path if local and "\\" not in path and path.isprintable() else ""


def _foreign(request: Request) -> Response | None:
    """A 403 for a post whose Origin (or Referer) names another host than the one it was sent to."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    host = request.headers.get("x-forwarded-host") or request.headers.get("host")
    if origin and urlsplit(origin).netloc != host:
        return PlainTextResponse("Sign-in forms are accepted only from this dashboard's own pages.", status_code=403)
    return None


async def _form(request: Request) -> dict[str, str]:
    """The urlencoded form's fields (first value of each); an oversized body counts as empty."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    return {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}


def _https(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


SESSION_ROUTES = [
    Route("/auth/sign-in", sign_in_post, methods=["POST"]),
    Route("/auth/sign-out", sign_out_post, methods=["POST"]),
]
