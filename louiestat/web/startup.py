"""What the server does as it starts, in the background, so the first visitor's page does not wait for it: the
imports every page needs and the database's schema check. It overlaps with the browser loading the app."""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from louiestat.config import get_settings
from louiestat.db.migrate import migrated_engine

# What the first page (the overview) imports beyond Streamlit: imported ahead, while the browser loads.
FIRST_PAGE_NEEDS = ("plotly.graph_objects", "louiestat.presentation.charts", "louiestat.reading.views", "louiestat.ui.cache",
                    "louiestat.ui.widgets", "louiestat.presentation.sentences")
_log = logging.getLogger(__name__)


def _prepare() -> None:
    try:
        for module in FIRST_PAGE_NEEDS:
            importlib.import_module(module)
        migrated_engine(get_settings().database_url)
    except Exception:  # only saves time: the first page does the same and shows any failure in words
        _log.warning("preparing at start-up failed; the first page will do it", exc_info=True)


@asynccontextmanager
async def warm_up(app: Any) -> AsyncIterator[None]:
    """The app's lifespan: start preparing in a thread and serve at once."""
    threading.Thread(target=_prepare, name="louiestat-start-up", daemon=True).start()
    yield
