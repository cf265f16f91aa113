"""Why a row does not fit its file's header, in words: too few fields, or more fields than the header (or a value
past its last named column), most often a number with an unquoted thousands separator (``5,210``) split in two,
which is named when the row has one."""

from __future__ import annotations

import re

from louiestat.ingest.problems import quote

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


def misfit(row: list[str], header: list[str], named: int, delimiter: str) -> tuple[str | None, str | None, str]:
    """Why ``row`` does not fit ``header`` (named up to column ``named``; the rest is Excel's padding), as
    (column, value, message)."""
    width = len(header)
    size = f"{width}" if width == named else f"{width} ({named} named, then {width - named} empty)"
    if len(row) < named:
        return None, None, (
            f"this row has {len(row)} fields but the header has {size}; check for a delimiter missing between "
            "two values, or a value left out together with its delimiter"
        )
    if len(row) > width:
        what = f"this row has {len(row)} fields but the header has {size}"
    else:
        last = header[named - 1]
        what = f"this row has a value past the header's last named column ('{quote(last)}', column {named})"
    split = _split_number(row) if delimiter == "," else None
    if split is None:
        kind = DELIMITERS[delimiter]
        numbers = " (a note, or a number with a thousands separator such as 5,210)" if kind == "comma" else ""
        return None, None, (
            f"{what}: most likely a value with an unquoted {kind} in it{numbers}, which splits it into two "
            "fields; put quotes around such a value"
        )
    start, pieces = split
    number = ",".join(pieces)
    placed = [f"{piece} {_column_words(header, start + k)}" for k, piece in enumerate(pieces)]
    column = (header[start] or None) if start < width else None
    fields = _COUNT_WORDS.get(len(pieces), len(pieces))
    return column, number, (
        f"{what}: most likely the number {number} written without quotes, whose thousands separator splits it "
        f"into {fields} fields ({', '.join(placed[:-1])} and {placed[-1]}); write it as "
        f"{number.replace(',', '')} or \"{number}\""
    )


def _column_words(header: list[str], position: int) -> str:
    """Where a field at ``position`` lands: 'under 'value'', 'in an unnamed column', 'past the header'."""
    if position >= len(header):
        return "past the header"
    name = header[position]
    return f"under '{quote(name)}'" if name else "in an unnamed column"


_COUNT_WORDS = {2: "two", 3: "three", 4: "four"}
# A number's first thousands group (with its sign, bracket or currency), its middle groups and its last one.
_LEADING_GROUP = re.compile(r"[-+(]?[$€£]?\d{1,3}")
_GROUP = re.compile(r"\d{3}")
_LAST_GROUP = re.compile(r"\d{3}(\.\d+)?\)?%?")


def _split_number(fields: list[str]) -> tuple[int, list[str]] | None:
    """The first number in ``fields`` that an unquoted thousands separator split into several (``5``, ``210``):
    its position and its pieces."""
    cells = [field.strip() for field in fields]
    for start, cell in enumerate(cells[:-1]):
        if not _LEADING_GROUP.fullmatch(cell):
            continue
        end = start + 1
        while end < len(cells) and _GROUP.fullmatch(cells[end]):
            end += 1
        if end < len(cells) and _LAST_GROUP.fullmatch(cells[end]):
            end += 1
        if end > start + 1:
            return start, cells[start:end]
    return None
