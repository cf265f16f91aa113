"""A month as a person types it (``YYYY-MM``), checked in one place for the command line and the meetings; it
imports only the standard library, so the CLI can check its arguments without loading pandas."""

from __future__ import annotations

import datetime as dt


def parse_month(text: str) -> dt.date:
    """The first day of the ``YYYY-MM`` month ``text``; ValueError saying the form accepted otherwise."""
    try:
        if len(text) == 7:
            return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        pass
    raise ValueError(f"'{text}' is not a month; give it as YYYY-MM, e.g. 2016-06")
