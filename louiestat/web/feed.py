"""The open-data feed over HTTP, served in public mode only: ``/api/v1/kpis.csv|json`` and
``/api/v1/values.csv|json?department=SLUG``. Responses carry an ETag (the data version) and may be cached for
five minutes, so a city's portal or a researcher's script can poll it cheaply."""

from __future__ import annotations

from functools import lru_cache

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from louiestat.config import get_settings
from louiestat.db.migrate import migrated_engine
from louiestat.errors import UnknownDepartment
from louiestat.exports import feed
from louiestat.reading.views import City
from louiestat.writing.batches import data_version

FEEDS = ("kpis", "values")
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
MAX_AGE_SECONDS = 300
NOT_PUBLISHED = (
    "The open-data feed is published only when the dashboard runs in public mode (LOUIESTAT_PUBLIC_MODE=1)."
)


@lru_cache(maxsize=2)
def _city(url: str, version: int) -> City:
    """The city's data at ``version``: loaded once per data version, whichever feed asks."""
    return City.load(migrated_engine(url))


def _answer(request: Request) -> Response:
    settings = get_settings()
    if not settings.public_mode:
        return JSONResponse({"error": NOT_PUBLISHED}, status_code=404)
    what, fmt = request.path_params["what"], request.path_params["fmt"]
    if what not in FEEDS or fmt not in MEDIA:
        return JSONResponse({"error": f"no feed '{what}.{fmt}'; the feeds are kpis and values, as .csv or .json"},
                            status_code=404)
    department = request.query_params.get("department") or None
    version = data_version(migrated_engine(settings.database_url))
    etag = f'"{version}-{what}-{fmt}-{department or "all"}"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={MAX_AGE_SECONDS}"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    city = _city(settings.database_url, version)
    try:
        frame = feed.kpis_feed(city) if what == "kpis" else feed.values_feed(city, department)
    except UnknownDepartment as exc:
        return JSONResponse({"error": str(exc)}, status_code=404)
    body = feed.as_csv(frame) if fmt == "csv" else feed.as_json(frame)
    return Response(body, media_type=MEDIA[fmt], headers=headers)


async def feed_get(request: Request) -> Response:
    """One feed, computed off the event loop."""
    return await run_in_threadpool(_answer, request)


FEED_ROUTES = [Route("/api/v1/{what:str}.{fmt:str}", feed_get, methods=["GET"])]
