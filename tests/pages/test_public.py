"""Public mode: a visitor who has not signed in sees only what the open-data feed publishes. No analyst's note,
uploader, file name, batch number or correction on the KPI page (table, chart, download) or the scorecard (any
column choice, either layout, the downloads), not even by deep link; a signed-in viewer sees them all as before.
On SQLite and PostgreSQL."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence

import openpyxl
import pytest
from google.protobuf.message import Message
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest, app_test

from louiestat.access.users import signed_in
from louiestat.config import get_settings
from louiestat.db.engine import make_engine
from louiestat.ingest import ingest
from tests.pages.conftest import ANALYST, VIEWER, _runner

NOTE = "Quokka4711 staffing memo"
FIRST_FILE, SECOND_FILE = "quokka-first-upload.csv", "quokka-second-upload.csv"
KPI = {"department": "ems", "kpi": "response_time", "as_of": "2016-06"}
# What a visitor must never read: the note, the uploaders (the analyst's email, the sample loader's name), the
# files and the batches (numbers and the word itself).
UNPUBLISHED = ("Quokka4711", ANALYST, "sample", "quokka-", "batch")
COLUMN_CHOICES = ["", "signal", "assurance", "ytd", "note", "signal,assurance,ytd,note"]


@pytest.fixture
def city_with_a_note(any_city_url: str, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """The sample city in public mode, where the EMS analyst has uploaded June 2016's response time with a note
    (batch 5, a correction of the sample value) and corrected it again from a second file (batch 6)."""
    engine = make_engine(any_city_url)
    analyst = signed_in(engine, ANALYST, via="page")
    for name, value in ((FIRST_FILE, "9.9"), (SECOND_FILE, "10.1")):
        text = f"department,kpi,period,value,note\nems,response_time,2016-06,{value},{NOTE}\n"
        assert ingest(engine, text.encode(), name=name, actor=analyst).status == "committed"
    engine.dispose()
    monkeypatch.setenv("LOUIESTAT_PUBLIC_MODE", "1")
    get_settings.cache_clear()
    return _runner()


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """The bytes of every download button the pages draw, by file name (AppTest keeps them in a media store it
    throws away after each run; this one remembers them)."""
    kept: dict[str, bytes] = {}

    class Kept(MemoryMediaFileStorage):
        def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
            file_id = super().load_and_get_id(path_or_data, mimetype, kind, filename)
            kept[filename] = self._files_by_id[file_id].content
            return file_id

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Kept)
    return kept


def _strings(message: Message) -> Iterator[str]:
    """Every string of an element's protobuf: text, labels, help, options, a chart's figure as JSON."""
    for field, value in message.ListFields():
        values = value if isinstance(value, Sequence) and not isinstance(value, (str, bytes)) else [value]
        for item in values:
            if isinstance(item, str):
                yield item
            elif isinstance(item, Message):
                yield from _strings(item)


def page_text(at: AppTest) -> str:
    """Everything the page sends to the browser as text: every element's strings and every table's cells."""
    texts = []
    for node in at._tree:
        if getattr(node, "type", None) == "dataframe":
            texts.append(node.value.to_csv())
        if getattr(node, "proto", None) is not None:
            texts.extend(_strings(node.proto))
    return "\n".join(texts)


def download_text(data: bytes, name: str) -> str:
    """A download as text: a CSV as it is, a workbook's every cell."""
    if name.endswith(".xlsx"):
        sheets = openpyxl.load_workbook(io.BytesIO(data)).worksheets
        return "\n".join(str(cell) for sheet in sheets for row in sheet.iter_rows(values_only=True) for cell in row)
    return data.decode("utf-8-sig")


def unpublished_in(text: str) -> list[str]:
    return [word for word in UNPUBLISHED if word.lower() in text.lower()]


def test_a_visitors_kpi_page_chart_and_download_hold_no_note_uploader_file_or_batch(
    city_with_a_note, downloads: dict[str, bytes]
) -> None:
    at = city_with_a_note("kpi", user=None, **KPI)

    table = at.dataframe[0].value
    assert table.columns.tolist() == ["Month", "Value", "Target", "Signal"]
    assert table.loc[table["Month"] == "2016-06", "Value"].tolist() == ["10.1 min"]
    text = page_text(at)
    assert "Process change: New CAD dispatch" in text, "published annotations stay"
    assert unpublished_in(text) == []
    assert list(downloads) == ["ems-response_time.csv"]
    assert "2016-06,10.1 min" in download_text(downloads["ems-response_time.csv"], "ems-response_time.csv")
    assert unpublished_in(download_text(downloads["ems-response_time.csv"], "ems-response_time.csv")) == []


def test_a_signed_in_viewers_kpi_page_shows_the_note_the_uploads_and_the_corrections(
    city_with_a_note, downloads: dict[str, bytes]
) -> None:
    at = city_with_a_note("kpi", user=VIEWER, **KPI)

    june = at.dataframe[0].value.set_index("Month").loc["2016-06"]
    assert (june["Note"], june["Batch"], june["Uploaded by"], june["File"]) == (NOTE, 6, ANALYST, SECOND_FILE)
    assert f"9.9 min (batch 5, {ANALYST}, " in june["Earlier values (corrected)"]
    assert "(batch 2, sample, " in june["Earlier values (corrected)"]
    assert NOTE in page_text(at), "the note is an annotation on the chart"
    csv = download_text(downloads["ems-response_time.csv"], "ems-response_time.csv")
    assert NOTE in csv and SECOND_FILE in csv


@pytest.mark.parametrize("layout", ["table", "cards"])
def test_a_visitors_scorecard_holds_no_note_with_any_column_choice_or_in_its_downloads(
    city_with_a_note, downloads: dict[str, bytes], layout: str
) -> None:
    for columns in COLUMN_CHOICES:
        downloads.clear()
        at = city_with_a_note("scorecard", user=None, department="ems", as_of="2016-06", view=layout,
                              **({"columns": columns} if columns else {}))

        assert "Analyst's note" not in at.button_group(key="url_columns").options
        text = page_text(at)
        assert "Response time, priority 1" in text and unpublished_in(text) == [], (columns, unpublished_in(text))
        if layout == "table":
            assert "Note" not in at.dataframe[0].value.columns
        assert sorted(downloads) == ["scorecard-ems-2016-06.csv", "scorecard-ems-2016-06.xlsx"]
        for name, data in downloads.items():
            text = download_text(data, name)
            assert "response_time" in text and unpublished_in(text) == [], (name, unpublished_in(text))
    assert at.query_params["columns"] == "signal,assurance,ytd", "a choice a visitor is not offered leaves the link"


def test_a_signed_in_viewers_scorecard_shows_the_note_column_and_downloads_it(
    city_with_a_note, downloads: dict[str, bytes]
) -> None:
    at = city_with_a_note("scorecard", user=VIEWER, department="ems", as_of="2016-06", view="table", columns="note")

    assert "note" in at.button_group(key="url_columns").value
    table = at.dataframe[0].value.set_index("KPI")
    assert table.loc["Response time, priority 1", "Note"] == NOTE
    assert list(at.dataframe[0].proto.column_order)[-1] == "Note"
    for name, data in downloads.items():
        assert NOTE in download_text(data, name), name
