"""Sign-in and sign-out as plain form posts, so that the session token travels only in an HttpOnly, SameSite
cookie the page's scripts cannot read.

A post is refused (403) unless it shows it comes from this dashboard's own pages: its Origin (else its Referer)
names this host, or, with neither, the browser vouches for it (``Sec-Fetch-Site: same-origin``). A body over
4 KB is not read (413). Under load neither route answers 500: more than LOUIESTAT_SIGN_IN_RATE_PER_MINUTE sign-in
posts in a minute from one address get 429, and another write holding the database past
LOUIESTAT_SIGN_IN_WAIT_SECONDS gets 503. Both carry Retry-After and a small page that takes the browser straight
back to the form (``?limited=1``, ``?busy=1``), which says why; a script reads the status."""

from __future__ import annotations

import html
import math
from urllib.parse import parse_qs, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from louiestat.access.sessions import BUSY, LIMITED, SESSION_COOKIE, count_sign_in_post, sign_in, sign_out
from louiestat.config import get_settings
from louiestat.db.migrate import migrated_engine
from louiestat.errors import LockTimeout, SignInFailed

MAX_FORM_BYTES = 4096
FOREIGN = "Sign-in forms are accepted only from this dashboard's own pages."
TOO_LARGE = f"A sign-in form is at most {MAX_FORM_BYTES} bytes; this post is larger, so it was not read."
BACK = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url={url}">
<title>LouieStat</title></head>
<body><p>{message} <a href="{url}">{link}</a></p></body></html>
"""


async def sign_in_post(request: Request) -> Response:
    """Check the form's email and password; on success set the session cookie and go to the page the form names
    (``next``: the page the visitor asked for), else to the overview."""
    if (refused := _foreign(request)) is not None:
        return refused
    form = await _form(request)
    if form is None:
        return PlainTextResponse(TOO_LARGE, status_code=413, headers={"Connection": "close"})
    back_to = _local_path(form.get("next", ""))
    again = back_to or _sign_in_page()
    engine = migrated_engine(get_settings().database_url)
    try:
        if (wait := await run_in_threadpool(count_sign_in_post, engine, _address(request))) is not None:
            return _back(_answered(again, "limited"), LIMITED, "Back to the sign-in form", 429, wait)
        token = await run_in_threadpool(sign_in, engine, form.get("email", ""), form.get("password", ""), via="page")
    except SignInFailed:
        return RedirectResponse(_answered(again, "failed"), status_code=303)
    except LockTimeout:
        return _back(_answered(again, "busy"), BUSY, "Back to the sign-in form", 503, _busy_retry())
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
    try:
        await run_in_threadpool(sign_out, engine, request.cookies.get(SESSION_COOKIE), via="page")
    except LockTimeout:
        return _back("/account?busy=1", BUSY, "Back to your account", 503, _busy_retry())
    response = RedirectResponse(_answered(_sign_in_page(), "signed_out"), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=_https(request))
    return response


def _sign_in_page() -> str:
    """Where a visitor finds the sign-in form: its own page in public mode, else the only page there is."""
    return "/sign_in" if get_settings().public_mode else "/"


def _answered(path: str, answer: str) -> str:
    """``path`` with the route's answer for the page to show (``failed``, ``busy``, ``limited``…)."""
    return f"{path}{'&' if '?' in path else '?'}{answer}=1"


def _back(url: str, message: str, link: str, status: int, retry_after: int) -> HTMLResponse:
    """A 429 or 503 whose page sends the browser on to ``url`` at once (the form, saying why)."""
    page = BACK.format(url=html.escape(url, quote=True), message=html.escape(message), link=html.escape(link))
    return HTMLResponse(page, status_code=status, headers={"Retry-After": str(retry_after)})


def _busy_retry() -> int:
    """Seconds to suggest waiting when the database was busy: as long as a sign-in waits for it."""
    return max(1, math.ceil(get_settings().sign_in_wait_seconds))


def _local_path(path: str) -> str:
    """``path`` if it is a path on this site ("/scorecard?department=ems"), else "": a form cannot send a visitor on
    to another site after signing in."""
    parts = urlsplit(path)
    local = path.startswith("/") and not path.startswith("//") and not parts.scheme and not parts.netloc
    return path if local and "\\" not in path and path.isprintable() else ""


def _foreign(request: Request) -> Response | None:
    """A 403 for a post that does not show it comes from this dashboard: its Origin (else Referer) names another
    host than the one it was sent to, or it has neither and the browser does not say it is same-origin. The host
    is the Host header (X-Forwarded-Host only from a trusted proxy: ``proxies``)."""
    source = request.headers.get("origin") or request.headers.get("referer")
    if source:
        ours = urlsplit(source).netloc == request.headers.get("host")
    else:
        ours = request.headers.get("sec-fetch-site") == "same-origin"
    return None if ours else PlainTextResponse(FOREIGN, status_code=403)


async def _form(request: Request) -> dict[str, str] | None:
    """The urlencoded form's fields (first value of each), or None when the body is over MAX_FORM_BYTES: the
    declared length is checked before anything is read, and the stream is cut as soon as it passes the limit,
    so an oversized post is never held in memory."""
    declared = request.headers.get("content-length", "0")
    if not declared.isdigit() or int(declared) > MAX_FORM_BYTES:
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    return {key: values[0] for key, values in parse_qs(body.decode("utf-8", "replace")).items()}


def _address(request: Request) -> str:
    """The client's address, as the socket or a trusted proxy gives it (``proxies``)."""
    return request.client.host if request.client else "unknown"


def _https(request: Request) -> bool:
    return request.url.scheme == "https"


SESSION_ROUTES = [
    Route("/auth/sign-in", sign_in_post, methods=["POST"]),
    Route("/auth/sign-out", sign_out_post, methods=["POST"]),
]
