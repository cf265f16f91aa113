"""The pages' plotly figures drawn as SVG for print by kaleido in Debian's Chromium, one browser kept open for
every chart of a packet (starting it takes seconds, a chart then a fraction of one). Nothing is downloaded:
plotly.js comes from the plotly package, MathJax is off, and the browser is the one installed on the machine."""

from __future__ import annotations

import asyncio
import shutil
from types import TracebackType
from typing import Self

import plotly.graph_objects as go

from louiestat.config import get_settings
from louiestat.errors import MissingSystemPackage

# A chart fills the packet page's text width (7.5 in on US letter) at 96 px an inch.
PRINT_WIDTH_PX = 720
INSTALL_CHROMIUM = "apt-get install -y chromium"


def chromium_path() -> str:
    """The Chromium to draw charts with (``LOUIESTAT_CHROMIUM``: a path, or a command found on PATH)."""
    wanted = get_settings().chromium
    found = shutil.which(wanted)
    if found is None:
        raise MissingSystemPackage(
            f"cannot draw the packet's charts: no Chromium at '{wanted}' (LOUIESTAT_CHROMIUM); install Debian's "
            f"chromium ({INSTALL_CHROMIUM}) or set LOUIESTAT_CHROMIUM to the path of a Chromium or Chrome"
        )
    return found


class ChartRenderer:
    """An open Chromium that draws figures as SVG; use it as a context manager, and keep it open to draw the
    charts of several packets without starting the browser again."""

    def __init__(self) -> None:
        import kaleido

        self._path = chromium_path()
        self._loop = asyncio.new_event_loop()
        self._kaleido = kaleido.Kaleido(n=1, path=self._path, mathjax=False, timeout=120)

    def __enter__(self) -> Self:
        from choreographer.errors import BrowserDepsError, BrowserFailedError

        try:
            self._loop.run_until_complete(self._kaleido.open())
        except (BrowserFailedError, BrowserDepsError) as exc:
            self._close_loop()
            reason = exc.args[0] if exc.args else type(exc).__name__
            raise MissingSystemPackage(
                f"cannot draw the packet's charts: the Chromium at '{self._path}' did not start ({reason}); install "
                f"Debian's chromium ({INSTALL_CHROMIUM}) or set LOUIESTAT_CHROMIUM to a working Chromium or Chrome"
            ) from None
        except BaseException:
            self._close_loop()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self._loop.run_until_complete(self._kaleido.close())
        finally:
            self._close_loop()

    def _close_loop(self) -> None:
        """Close the event loop after ending what the browser left running in it (its watchdog)."""
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        if pending:
            self._loop.run_until_complete(asyncio.wait(pending))
        self._loop.close()

    def svg(self, figure: go.Figure) -> bytes:
        """The figure as an SVG document at the packet's print width and the figure's own height."""
        height = figure.layout.height or 470
        return self._loop.run_until_complete(
            self._kaleido.calc_fig(figure, opts={"format": "svg", "width": PRINT_WIDTH_PX, "height": height})
        )
