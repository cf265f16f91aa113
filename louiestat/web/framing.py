"""Other sites may not show the dashboard in a frame, where a visitor could be tricked into clicking it
(clickjacking): every HTTP response says so, with ``X-Frame-Options: DENY`` and ``Content-Security-Policy:
frame-ancestors 'none'``. LOUIESTAT_FRAME_ANCESTORS names the sites that may (a city portal): frame-ancestors
then lists them, and X-Frame-Options, which cannot name a site, is left out."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from louiestat.config import get_settings


def frame_headers(ancestors: str) -> list[tuple[bytes, bytes]]:
    """The headers every response carries, given ``ancestors`` (origins separated by spaces; empty: no site)."""
    origins = ancestors.split()
    if not origins:
        return [(b"x-frame-options", b"DENY"), (b"content-security-policy", b"frame-ancestors 'none'")]
    return [(b"content-security-policy", f"frame-ancestors {' '.join(origins)}".encode())]


class FrameGuard:
    """ASGI middleware adding ``frame_headers`` to every HTTP response: pages, assets, routes and errors alike."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = frame_headers(get_settings().frame_ancestors)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.headers]}
            await send(message)

        await self.app(scope, receive, send_guarded)
