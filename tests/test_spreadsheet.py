"""Files people open in a spreadsheet never run a formula: formula-like text is guarded in CSV and Excel, and an
upload reads the guarded cells back as they were stored, so an exported file uploaded again changes nothing."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from sqlalchemy import Engine

from louiestat.exports.spreadsheet import csv_text, excel_bytes, guard, unguard
from louiestat.exports.upload_format import export_csv
from louiestat.ingest import ingest
from tests.conftest import snapshot

FORMULAS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def test_formula_like_text_gets_an_apostrophe_and_numbers_stay_numbers() -> None:
    frame = pd.DataFrame({"text": [*FORMULAS, "plain", "it's = fine", None], "number": [-2.5] * 10})
    guarded = guard(frame)
    assert guarded["text"].tolist()[:7] == ["'" + f for f in FORMULAS]
    assert guarded["text"].tolist()[7:9] == ["plain", "it's = fine"]
    assert guarded["number"].tolist() == [-2.5] * 10 and guarded["number"].dtype == float


def test_unguard_gives_back_exactly_what_was_guarded_even_text_that_began_with_apostrophes() -> None:
    stored = pd.Series([*FORMULAS, "'=already quoted", "''+twice", "'not a formula", "plain"])
    assert unguard(guard(stored.to_frame("text"))["text"]).tolist() == stored.tolist()


def test_the_csv_of_formula_like_text_opens_as_text() -> None:
    text = csv_text(pd.DataFrame({"kpi_name": ["=1+1", "Response time"], "value": [-2.0, 3.0]}))
    assert text == "kpi_name,value\n'=1+1,-2.0\nResponse time,3.0\n"


def test_no_cell_of_the_excel_download_is_a_formula_or_a_link() -> None:
    frame = pd.DataFrame({"kpi_name": FORMULAS, "note": ["http://example.org"] * 7, "value": range(7)})
    sheet = openpyxl.load_workbook(io.BytesIO(excel_bytes(frame, "scorecard"))).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert [c.data_type for c in cells if c.column == 1] == ["s"] * 7, "text, never 'f' (formula)"
    shown = [c.value.replace("_x000D_", "\r") for c in cells if c.column == 1]  # xlsx escapes a carriage return
    assert shown == ["'" + f for f in FORMULAS]
    assert all(c.hyperlink is None for c in cells)
    assert [c.value for c in cells if c.column == 3] == list(range(7))


NASTY_DEFINITIONS = (
    "department,department_name,kpi,kpi_name,unit,direction,target,description\n"
    'ems,@Ems,response_time,"=HYPERLINK(""http://x"",""y"")",minutes,lower_is_better,9,-2+3\n'
)
NASTY_VALUES = "department,kpi,period,value,note\nems,response_time,2016-05,8.5,=cmd|' /C calc'!A0\n"


def test_exports_guard_formula_like_text_and_upload_again_unchanged(city: Engine) -> None:
    assert ingest(city, NASTY_DEFINITIONS.encode(), name="definitions.csv").status == "committed"
    assert ingest(city, NASTY_VALUES.encode(), name="values.csv").status == "committed"
    before = snapshot(city)

    definitions, values = export_csv(city, "definitions"), export_csv(city, "values")
    assert "'@Ems" in definitions and "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" in definitions
    assert "'-2+3" in definitions and "'=cmd|' /C calc'!A0" in values

    for name, text in (("definitions.csv", definitions), ("values.csv", values)):
        result = ingest(city, text.encode(), name=name)
        assert (result.status, result.new, result.changed) == ("unchanged", 0, 0), result.errors
    assert snapshot(city) == before
