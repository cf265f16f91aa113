"""Opening CSV files the way offices export them: encodings, line endings, delimiters, headers and blank lines.

Each quirk is uploaded for real (SQLite and PostgreSQL) and the stored values are checked, not just the status."""

from __future__ import annotations

import hashlib
import io

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from louiestat.db.models import Batch
from louiestat.ingest import ingest
from louiestat.ingest.source import normalise_header, open_csv
from louiestat.reading import queries


def stored(engine: Engine) -> dict[tuple[str, str], tuple[float, str | None]]:
    """``(kpi key, YYYY-MM) -> (value, note)`` for every stored observation."""
    keys = queries.kpis(engine).set_index("kpi_id")["kpi"]
    obs = queries.observations(engine)
    return {
        (keys[k], p.strftime("%Y-%m")): (v, None if pd.isna(n) else n)
        for k, p, v, n in zip(obs["kpi_id"], obs["period"], obs["value"], obs["note"])
    }


def committed(engine: Engine, data: bytes, name: str = "values.csv"):
    result = ingest(engine, data, name=name)
    assert result.status == "committed", [str(e) for e in result.errors]
    return result


def test_plain_utf8_without_bom_loads(city: Engine) -> None:
    result = committed(city, "department,kpi,period,value,note\nhr,overtime_hours,2013-01,12,Zoë\n".encode())
    assert (result.encoding, result.delimiter, result.new) == ("utf-8", ",", 1)
    assert stored(city) == {("overtime_hours", "2013-01"): (12.0, "Zoë")}


def test_utf8_with_bom_reads_the_first_header_name_without_the_bom(city: Engine) -> None:
    data = "\ufeffdepartment,kpi,period,value,note\nhr,overtime_hours,2013-01,12,Zoë\n".encode()
    assert data.startswith(b"\xef\xbb\xbf")
    result = committed(city, data)
    assert result.encoding == "utf-8-sig"
    assert result.warnings == []
    assert stored(city) == {("overtime_hours", "2013-01"): (12.0, "Zoë")}


def test_windows_1252_file_keeps_its_accented_letters(city: Engine) -> None:
    data = b"department,kpi,period,value,note\nhr,overtime_hours,2013-01,12,Caf\xe9 closed \x96 storm\n"
    result = committed(city, data)
    assert result.encoding == "cp1252"
    assert stored(city) == {("overtime_hours", "2013-01"): (12.0, "Café closed – storm")}


def test_utf16_tab_delimited_unicode_text_from_excel_loads(city: Engine) -> None:
    text = (
        "department\tkpi\tperiod\tvalue\tnote\r\n"
        "hr\tovertime_hours\t2013-01\t12\tZoë\r\n"
        "ems\tresponse_time\t2013-01\t8.5\t\r\n"
    )
    data = text.encode("utf-16")
    assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    result = committed(city, data)
    assert (result.encoding, result.delimiter, result.new) == ("utf-16", "\t", 2)
    assert stored(city) == {("overtime_hours", "2013-01"): (12.0, "Zoë"), ("response_time", "2013-01"): (8.5, None)}


def test_crlf_line_endings_leave_no_carriage_return_in_values(city: Engine) -> None:
    committed(city, b"department,kpi,period,value,note\r\nhr,overtime_hours,2013-01,12,last column\r\n")
    assert stored(city) == {("overtime_hours", "2013-01"): (12.0, "last column")}


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_each_common_delimiter_is_detected_from_the_header(city: Engine, delimiter: str) -> None:
    rows = [["department", "kpi", "period", "value"], ["hr", "overtime_hours", "2013-01", "12.5"]]
    data = "".join(delimiter.join(row) + "\n" for row in rows).encode()
    result = committed(city, data)
    assert result.delimiter == delimiter
    assert stored(city) == {("overtime_hours", "2013-01"): (12.5, None)}


def test_header_names_in_any_case_with_stray_spaces_in_any_order(city: Engine) -> None:
    data = b" VALUE ,Period,  Kpi,DEPARTMENT  , Note\n12,2013-01,overtime_hours,hr,ok\n"
    result = committed(city, data)
    assert result.warnings == []
    assert stored(city) == {("overtime_hours", "2013-01"): (12.0, "ok")}


def test_unknown_extra_column_is_ignored_with_a_warning_naming_it(city: Engine) -> None:
    result = committed(city, b"department,kpi,Entered By,period,value\nhr,overtime_hours,Pat,2013-01,12\n")
    assert [(w.line, w.column, w.severity) for w in result.warnings] == [(1, "entered_by", "warning")]
    assert "'entered_by' is not part of a values file and is ignored" in result.warnings[0].message
    assert stored(city) == {("overtime_hours", "2013-01"): (12.0, None)}


def test_blank_trailing_lines_are_not_rows(city: Engine) -> None:
    result = committed(city, b"department,kpi,period,value\nhr,overtime_hours,2013-01,12\n\n\r\n,,,\n  \n")
    assert (result.rows, result.new, result.rejected) == (1, 1, 0)
    assert stored(city) == {("overtime_hours", "2013-01"): (12.0, None)}


@pytest.mark.parametrize(
    "rows",
    [
        ["hr,overtime_hours,2013-01,12,,,", "hr,overtime_hours,2013-02,13,late,,"],
        ["hr,overtime_hours,2013-01,12,,,", "hr,overtime_hours,2013-02,13,late", "hr,overtime_hours,2013-03,14,,"],
        ['hr,overtime_hours,2013-01,"12",,,', "hr,overtime_hours,2013-02,13,late,,"],
    ],
    ids=["padded like the header", "padded or not", "quoted"],
)
def test_a_header_ending_in_empty_columns_loads_as_excel_pads_it(city: Engine, rows: list[str]) -> None:
    result = committed(city, ("department,kpi,period,value,note,,\n" + "\n".join(rows) + "\n").encode())
    assert (result.rows, result.new, result.warnings) == (len(rows), len(rows), [])
    assert stored(city) == {
        ("overtime_hours", "2013-01"): (12.0, None),
        ("overtime_hours", "2013-02"): (13.0, "late"),
        **({("overtime_hours", "2013-03"): (14.0, None)} if len(rows) == 3 else {}),
    }


def test_blank_lines_between_rows_keep_later_line_numbers_exact(city: Engine) -> None:
    result = ingest(
        city, b"department,kpi,period,value\n\nhr,overtime_hours,2013-01,12\n\n\nhr,overtime_hours,2013-02,x\n"
    )
    assert result.status == "rejected"
    assert [(e.line, e.column, e.value) for e in result.errors] == [(6, "value", "x")]


def test_quoted_values_may_hold_delimiters_quotes_and_line_breaks(city: Engine) -> None:
    data = (
        b"department,kpi,period,value,note\n"
        b'hr,overtime_hours,2013-01,"1,234","storm, then ""flood""\nsecond line"\n'
        b"hr,overtime_hours,2013-02,x,\n"
    )
    rejected = ingest(city, data, name="values.csv")
    assert [(e.line, e.column) for e in rejected.errors] == [(4, "value")], "the note spans lines 2 and 3"
    committed(city, data.replace(b"2013-02,x", b"2013-02,5"))
    assert stored(city)[("overtime_hours", "2013-01")] == (1234.0, 'storm, then "flood"\nsecond line')


def test_department_by_slug_or_name_and_kpi_by_key_or_name_in_any_case(city: Engine) -> None:
    data = (
        b"department,kpi,period,value\n"
        b"hr,overtime_hours,2013-01,1\n"
        b"HUMAN RESOURCES,Unscheduled Overtime Hours,2013-02,2\n"
        b"  Human Resources ,OVERTIME_HOURS,2013-03,3\n"
        b"Ems,response time,2013-01,9\n"
        b"emergency medical services,Response_Time,2013-02,8\n"
    )
    result = committed(city, data)
    assert result.new == 5
    assert stored(city) == {
        ("overtime_hours", "2013-01"): (1.0, None),
        ("overtime_hours", "2013-02"): (2.0, None),
        ("overtime_hours", "2013-03"): (3.0, None),
        ("response_time", "2013-01"): (9.0, None),
        ("response_time", "2013-02"): (8.0, None),
    }


@pytest.mark.parametrize(
    ("data", "encoding", "delimiter", "header"),
    [
        (b"a,b\n1,2\n", "utf-8", ",", ["a", "b"]),
        (b"\xef\xbb\xbfa;b\n1;2\n", "utf-8-sig", ";", ["a", "b"]),
        ("a\tb\n1\t2\n".encode("utf-16"), "utf-16", "\t", ["a", "b"]),
        (b"a;b\n1;caf\xe9\n", "cp1252", ";", ["a", "b"]),
        (b'"x,y";b;c\n1;2;3\n', "utf-8", ";", ["x,y", "b", "c"]),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16", "cp1252", "quoted-comma-in-header"],
)
def test_open_csv_detects_encoding_and_delimiter(data: bytes, encoding: str, delimiter: str, header: list[str]) -> None:
    with open_csv(data, "f.csv") as csv_file:
        assert (csv_file.encoding, csv_file.delimiter, csv_file.size) == (encoding, delimiter, len(data))
        assert csv_file.header == header


def test_open_csv_reads_a_path_and_names_the_file_after_it(tmp_path) -> None:
    path = tmp_path / "March values.csv"
    path.write_bytes(b"Department , KPI\nhr,x\n")
    with open_csv(path) as csv_file:
        assert (csv_file.name, csv_file.header) == ("March values.csv", ["department", "kpi"])
        assert list(csv_file.preview()["department"]) == ["hr"]
    assert csv_file.data.closed


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Department", "department"),
        ("  KPI Name ", "kpi_name"),
        ("posted-date", "posted_date"),
        ("\ufeffPeriod", "period"),
    ],
)
def test_header_names_are_normalised(raw: str, name: str) -> None:
    assert normalise_header(raw) == name


def test_an_uploaded_file_object_is_read_under_its_own_name_and_fingerprinted(city: Engine) -> None:
    data = b"department,kpi,period,value\nhr,overtime_hours,2013-01,12\n"
    upload = io.BytesIO(data)
    upload.name = "March KPIs.csv"
    result = ingest(city, upload)
    assert result.status == "committed"
    assert (result.file, result.sha256) == ("March KPIs.csv", hashlib.sha256(data).hexdigest())
    with city.connect() as conn:
        recorded = conn.execute(select(Batch.source, Batch.sha256).where(Batch.id == result.batch_id)).one()
    assert tuple(recorded) == ("March KPIs.csv", hashlib.sha256(data).hexdigest())


def test_utf16_without_a_byte_order_mark_loads_in_either_byte_order(city: Engine) -> None:
    text = "department,kpi,period,value,note\nhr,overtime_hours,2013-01,12,Zoë\nems,response_time,2013-01,8.5,\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        data = text.replace("2013-01", "2013-02" if encoding == "utf-16-be" else "2013-01").encode(encoding)
        assert data[:2] not in (b"\xff\xfe", b"\xfe\xff")
        result = committed(city, data)
        assert (result.encoding, result.delimiter, result.new) == (encoding, ",", 2)
    assert stored(city) == {
        ("overtime_hours", "2013-01"): (12.0, "Zoë"),
        ("response_time", "2013-01"): (8.5, None),
        ("overtime_hours", "2013-02"): (12.0, "Zoë"),
        ("response_time", "2013-02"): (8.5, None),
    }


def test_a_windows_1252_file_longer_than_a_read_block_is_read_as_windows_1252(city: Engine) -> None:
    rows = "".join(f"hr,overtime_hours,{1990 + i // 12}-{i % 12 + 1:02d},{i},Café {'é' * 3000}\n" for i in range(400))
    data = ("department,kpi,period,value,note\n" + rows).encode("cp1252")
    assert len(data) > 1 << 20
    result = committed(city, data)
    assert (result.encoding, result.new) == ("cp1252", 400)
    assert stored(city)[("overtime_hours", "1990-01")] == (0.0, "Café " + "é" * 3000)


def test_a_character_split_between_the_sniffed_head_and_the_next_block_is_still_utf8() -> None:
    prefix = b"a,b\n1," + b"x" * 8185
    data = prefix + "ë".encode() + b"\n"
    assert data[8191:8193] == b"\xc3\xab", "the head read first is 8,192 bytes: ë's two bytes straddle its end"
    with open_csv(data, "f.csv") as csv_file:
        assert csv_file.encoding == "utf-8"
