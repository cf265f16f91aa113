"""Files people open in a spreadsheet, safe to open: CSV and Excel whose text cells never run as formulas.

A text cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets (OWASP "CSV injection"): a KPI named ``=HYPERLINK(...)`` or a note
``=cmd|' /C calc'!A0`` would run when the file is opened. Written out, such a cell gets a leading apostrophe,
which spreadsheets show as text; a cell already beginning with apostrophes before one of those characters gets
one more, so that reading a file back (``unguard``, on every upload) removes exactly one and every stored text
round-trips: an exported file uploaded again changes nothing. Numbers stay numbers."""

from __future__ import annotations

import io
import re

import pandas as pd

from louiestat.presentation.text import text_columns

_FORMULA_START = r"'*[=+\-@\t\r]"
_GUARDED = re.compile(rf"^'(?={_FORMULA_START})")


def guard(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that a spreadsheet would read as a formula prefixed with an apostrophe."""
    guarded = frame.copy()
    for name, column in text_columns(guarded):
        formula = column.str.match(_FORMULA_START, na=False).astype(bool)
        if formula.any():
            guarded[name] = column.where(~formula, "'" + column[formula].astype(str))
    return guarded


def unguard(column: pd.Series) -> pd.Series:
    """Text cells of an uploaded file as they were stored: the apostrophe ``guard`` added removed."""
    marked = column.str.startswith("'")
    if not marked.any():
        return column
    return column.where(~marked, column[marked].str.replace(_GUARDED, "", n=1, regex=True))


def csv_text(frame: pd.DataFrame) -> str:
    """``frame`` as CSV text (no index, LF line ends), formula-like text cells guarded."""
    return guard(frame).to_csv(index=False, lineterminator="\n")


def excel_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """An .xlsx workbook holding ``frame`` (one sheet, header row frozen). Text is written as text, never as a
    formula or a link, and formula-like cells are guarded as in the CSV."""
    out = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    with pd.ExcelWriter(out, engine="xlsxwriter", engine_kwargs={"options": options}) as writer:
        guard(frame).to_excel(writer, sheet_name=sheet[:31], index=False)
        writer.sheets[sheet[:31]].freeze_panes(1, 0)
    return out.getvalue()
