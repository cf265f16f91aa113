"""Text from files and people (names, notes, owners, file names) shown exactly as it was typed, wherever it is
shown: on pages, in charts, in downloads and on paper.

A bidirectional control character (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) reorders the text
after it: a description holding U+202E shows "evil" as "live". None is needed in a name or a note (Arabic and
Hebrew are ordered by the Unicode bidirectional algorithm without them), so each is shown as a visible escape,
``<U+202E>``, never stripped, so that a reader sees that the text holds one. Stored text keeps them unchanged:
exports and templates, which are uploaded again, write the text as stored."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pandas as pd

BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    return f"<U+{ord(match.group(0)):04X}>"


def display_text(text: object) -> str:
    """``text`` as shown to people: each bidirectional control character as a visible escape (``<U+202E>``)."""
    return BIDI_CONTROLS.sub(_visible, str(text))


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` for a table or a download people read: ``display_text`` in every text cell; numbers, dates and
    missing cells as they are."""
    shown = frame.copy()
    for name, column in text_columns(shown):
        controlled = column.str.contains(BIDI_CONTROLS, na=False).astype(bool)
        if controlled.any():
            shown.loc[controlled, name] = column[controlled].str.replace(BIDI_CONTROLS, _visible, regex=True)
    return shown


def text_columns(frame: pd.DataFrame) -> Iterator[tuple[str, pd.Series]]:
    """The columns of ``frame`` that hold text (not numbers or dates, and not only missing cells), by name."""
    for name in frame.columns:
        column = frame[name]
        numbers = pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column)
        if not numbers and hasattr(column, "str"):  # pandas offers .str only on a column holding text
            yield name, column
