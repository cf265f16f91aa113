"""How the analyst asked for a file to be read: the Upload page's checkboxes and the CLI's flags, one value
passed from ``ingest`` to every step that reads a cell."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadOptions:
    """``skip_blank``: a values row whose value cell is blank is skipped as not reported instead of refused (a
    blank is still never read as zero). ``decimal_comma``: numbers are written ``8,9`` and ``1.812.345,50``."""

    skip_blank: bool = False
    decimal_comma: bool = False
