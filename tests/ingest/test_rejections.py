"""Files that are refused: each error names its line (header = line 1), column and value, says what would be
accepted, and the database is exactly as it was (every table compared before and after)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time

import pytest
from sqlalchemy import Engine

from louiestat.config import get_settings
from louiestat.ingest import KINDS, UploadResult, ingest, validate
from tests.conftest import snapshot

HEADER = "department,kpi,period,value\n"


def rejected(engine: Engine, data: bytes | str, name: str = "values.csv", **options) -> UploadResult:
    """Upload ``data`` and check it was refused without writing anything."""
    before = snapshot(engine)
    result = ingest(engine, data.encode() if isinstance(data, str) else data, name=name, **options)
    assert result.status == "rejected", result.message
    assert result.batch_id is None
    assert result.error_count == len(result.errors) > 0
    assert snapshot(engine) == before
    assert result.message.startswith(f"{name} was rejected and nothing was written")
    return result


def where(result: UploadResult) -> list[tuple[int | None, str | None, str | None]]:
    return [(e.line, e.column, e.value) for e in result.errors]


def next_month() -> str:
    today = dt.date.today()
    return f"{today.year + today.month // 12}-{today.month % 12 + 1:02d}"


def test_an_empty_file_is_refused(city: Engine) -> None:
    result = rejected(city, b"")
    assert where(result) == [(None, None, None)]
    assert result.errors[0].message == "values.csv is empty; upload a CSV file whose first line is the header"


def test_a_file_of_blank_lines_is_refused_as_empty(city: Engine) -> None:
    result = rejected(city, b"\n\r\n  \n")
    assert "is empty" in result.errors[0].message


def test_a_header_without_rows_is_refused(city: Engine) -> None:
    result = rejected(city, HEADER + "\n\n")
    assert result.errors[0].message == "the file has a header but no data rows; add one row per value below the header"
    assert (result.rows, result.kind) == (0, "values")


def test_a_missing_required_column_is_named_with_the_columns_a_file_needs(city: Engine) -> None:
    result = rejected(city, "department,kpi,value\nhr,overtime_hours,5\n")
    assert where(result) == [(1, "period", None)]
    message = result.errors[0].message
    assert message.startswith("missing required column 'period'; a values file needs the columns")
    assert "department, kpi, period, value and may have target, note" in message


def test_a_misspelt_header_gets_a_hint(city: Engine) -> None:
    result = rejected(city, "departmnet,kpi,period,valeu\nhr,overtime_hours,2013-01,5\n")
    messages = {e.column: e.message for e in result.errors}
    assert set(messages) == {"department", "value"}
    assert "(is 'departmnet' meant to be 'department'?)" in messages["department"]
    assert "(is 'valeu' meant to be 'value'?)" in messages["value"]
    assert all(e.line == 1 for e in result.errors)


def test_a_column_repeated_in_the_header_is_refused(city: Engine) -> None:
    result = rejected(city, "department,kpi,period,value,Value\nhr,overtime_hours,2013-01,5,6\n")
    assert where(result) == [(1, "value", None)]
    assert "appears 2 times in the header; keep one" in result.errors[0].message


def test_a_blank_value_is_an_error_never_a_zero(city: Engine) -> None:
    result = rejected(
        city, HEADER + "hr,overtime_hours,2013-01,5\nhr,overtime_hours,2013-02,\nhr,overtime_hours,2013-03,  \n"
    )
    assert where(result) == [(3, "value", None), (4, "value", None)]
    assert "a blank is never read as zero" in result.errors[0].message
    assert "leave a month without data out of the file, or enter 0 if it was 0" in result.errors[0].message


@pytest.mark.parametrize(
    ("row", "column"),
    [(",overtime_hours,2013-01,5", "department"), ("hr,,2013-01,5", "kpi"), ("hr,overtime_hours,,5", "period")],
)
def test_each_blank_required_cell_is_an_error(city: Engine, row: str, column: str) -> None:
    result = rejected(city, HEADER + "hr,overtime_hours,2013-01,5\n" + row + "\n")
    assert where(result) == [(3, column, None)]
    assert result.errors[0].message == f"blank {column}; this column must be filled in on every row"


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("Jan 2013", "not a month; use YYYY-MM (2013-03), YYYY-MM-DD (2013-03-01), M/YYYY (3/2013) or MM/DD/YYYY"),
        ("2013-13", "month 13 does not exist; months run 1 to 12"),
        ("1899-12", "year 1899 is before 1900; check the year"),
        ("2013-02-30", "2013-02-30 is not a real date; use YYYY-MM"),
    ],
)
def test_an_unreadable_or_impossible_period_is_refused(city: Engine, period: str, message: str) -> None:
    result = rejected(city, HEADER + f"hr,overtime_hours,2013-01,5\nhr,overtime_hours,{period},5\n")
    assert where(result) == [(3, "period", period)]
    assert message in result.errors[0].message


def test_a_month_after_the_current_one_is_refused(city: Engine) -> None:
    today = dt.date.today()
    this_month = f"{today.year}-{today.month:02d}"
    result = rejected(city, HEADER + f"hr,overtime_hours,{this_month},5\nhr,overtime_hours,{next_month()},5\n")
    assert where(result) == [(3, "period", next_month())]
    assert result.errors[0].message == (
        f"{next_month()} is after the current month ({this_month}); future months cannot be reported"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("twelve", "not a number; use a plain number such as 1234.5, optionally with thousands commas"),
        ("NaN", "not a number; use a plain number"),
        ("inf", "infinite values are not accepted; give a finite number"),
        ("-Infinity", "infinite values are not accepted"),
        ("1.234,5", "commas are only read as thousands separators"),
    ],
)
def test_a_value_that_is_not_a_finite_number_is_refused(city: Engine, value: str, message: str) -> None:
    result = rejected(city, HEADER + f'hr,overtime_hours,2013-01,5\nhr,overtime_hours,2013-02,"{value}"\n')
    assert where(result) == [(3, "value", value)]
    assert message in result.errors[0].message


def test_a_value_outside_the_kpis_min_and_max_is_refused(city: Engine) -> None:
    result = rejected(
        city,
        HEADER
        + "ems,calls_answered_pct,2013-01,100\n"
        + "ems,calls_answered_pct,2013-02,100.5\n"
        + "ems,calls_answered_pct,2013-03,-1\n",
    )
    assert where(result) == [(3, "value", "100.5"), (4, "value", "-1")]
    assert result.errors[0].message == "value outside the valid range for this KPI (percent): 0 to 100"


def test_negative_days_hours_minutes_and_counts_are_refused(city: Engine) -> None:
    more = (
        "department,department_name,kpi,kpi_name,unit,direction,target\n"
        "hr,Human Resources,hires,Hires,count,higher_is_better,10\n"
        "hr,Human Resources,onboarding_days,Days to onboard,days,lower_is_better,10\n"
    )
    assert ingest(city, more.encode(), name="definitions.csv").status == "committed"
    result = rejected(
        city,
        HEADER
        + "hr,onboarding_days,2013-01,-1\n"
        + "hr,overtime_hours,2013-01,-0.5\n"
        + "ems,response_time,2013-01,-2\n"
        + "hr,hires,2013-01,-3\n"
        + "hr,hires,2013-02,0\n",
    )
    assert where(result) == [(2, "value", "-1"), (3, "value", "-0.5"), (4, "value", "-2"), (5, "value", "-3")]
    units = [e.message for e in result.errors]
    assert units == [
        f"value outside the valid range for this KPI ({u}): 0 or more" for u in ("days", "hours", "minutes", "count")
    ]


def test_a_target_outside_the_kpis_range_is_refused(city: Engine) -> None:
    result = rejected(city, "department,kpi,period,value,target\nems,calls_answered_pct,2013-01,90,120\n")
    assert where(result) == [(2, "target", "120")]
    assert "0 to 100" in result.errors[0].message


def test_two_rows_for_the_same_kpi_and_month_are_both_reported(city: Engine) -> None:
    result = rejected(
        city,
        HEADER + "hr,overtime_hours,2013-01,5\nhr,overtime_hours,2013-02,5\nHuman Resources,Overtime_Hours,1/2013,6\n",
    )
    assert [e.line for e in result.errors] == [2, 4]
    assert result.errors[0].message == (
        "KPI 'overtime_hours' for 2013-01 appears more than once in the file (also on line 4); keep one row"
    )
    assert "(also on line 2)" in result.errors[1].message


def test_duplicates_are_found_across_chunks(city: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOUIESTAT_INGEST_CHUNK_ROWS", "1000")
    get_settings.cache_clear()
    kpis = [("hr", "overtime_hours"), ("hr", "sick_leave_hours"), ("ems", "response_time"), ("ems", "calls_answered_pct")]
    rows = [f"{d},{k},{year}-{month:02d},50" for d, k in kpis for year in range(1900, 2020) for month in range(1, 13)]
    rows.append("ems,response_time,1950-06,7")
    chunks: list[tuple[int, int]] = []
    original = validate.validate_values

    def recording(chunk, *args, **kwargs):
        chunks.append((int(chunk.lines.min()), int(chunk.lines.max())))
        return original(chunk, *args, **kwargs)

    monkeypatch.setitem(KINDS, "values", dataclasses.replace(KINDS["values"], validate=recording))
    result = rejected(city, HEADER + "\n".join(rows) + "\n")
    first = 2 + 2 * 1440 + 50 * 12 + 5
    last = len(rows) + 1
    assert [e.line for e in result.errors] == [first, last]
    assert f"(also on line {last})" in result.errors[0].message
    assert len(chunks) > 1
    assert [i for i, (low, high) in enumerate(chunks) if low <= first <= high] != [
        i for i, (low, high) in enumerate(chunks) if low <= last <= high
    ]
    assert (result.rows, result.rejected, result.error_count) == (len(rows), 2, 2)


def test_a_row_repeated_20000_times_is_refused_as_fast_as_other_errors_naming_three_other_lines(
    city: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOUIESTAT_MAX_LISTED_ERRORS", "10000")
    get_settings.cache_clear()
    before = snapshot(city)
    started = time.perf_counter()
    baseline = ingest(city, (HEADER + "hr,overtime_hours,2013-13,5\n" * 20_000).encode(), name="values.csv")
    baseline_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = ingest(city, (HEADER + "hr,overtime_hours,2013-01,5\n" * 20_000).encode(), name="values.csv")
    seconds = time.perf_counter() - started
    assert snapshot(city) == before
    assert (baseline.status, baseline.error_count, len(baseline.errors)) == ("rejected", 20_000, 10_000)
    assert result.message == (
        "values.csv was rejected and nothing was written: 20,000 errors (10,000 listed) in 20,000 of 20,000 rows."
    )
    said = "KPI 'overtime_hours' for 2013-01 appears more than once in the file (also on lines {}); keep one row"
    assert [(e.line, e.message) for e in result.errors[:3]] == [
        (2, said.format("3, 4, 5 and 19,996 others")),
        (3, said.format("2, 4, 5 and 19,996 others")),
        (4, said.format("2, 3, 5 and 19,996 others")),
    ]
    assert (result.errors[-1].line, result.errors[-1].message) == (10_001, said.format("2, 3, 4 and 19,996 others"))
    assert {len(e.message) for e in result.errors} == {len(said.format("2, 3, 4 and 19,996 others"))}
    # Linear: no slower than the same number of errors of another kind, give or take a loaded machine.
    assert seconds < 3 * baseline_seconds + 2, (seconds, baseline_seconds)


@pytest.mark.parametrize(
    ("name", "header", "row", "said"),
    [
        ("values.csv", HEADER, "hr,overtime_hours,2013-01,{n}", "KPI 'overtime_hours' for 2013-01"),
        (
            "process_changes.csv",
            "department,kpi,period,reason\n",
            "Human Resources,Unscheduled Overtime Hours,1/2013,reason {n}",
            "KPI 'overtime_hours' for 2013-01",
        ),
        (
            "hiring.csv",
            "department,position_id,posted_date,filled_date\n",
            "hr,{case} 7,2013-01-0{n},",
            "position 'HR 7' of department 'hr'",
        ),
        (
            "definitions.csv",
            "department,department_name,kpi,kpi_name,unit,direction,target\n",
            "hr,Human Resources,overtime_hours,Unscheduled overtime hours,hours,lower_is_better,{n}",
            "KPI 'overtime_hours' of department 'hr'",
        ),
    ],
    ids=["values", "process_changes", "hiring", "definitions"],
)
def test_a_repeated_row_of_each_kind_names_three_other_lines_and_counts_the_rest(
    city: Engine, name: str, header: str, row: str, said: str
) -> None:
    rows = [row.format(n=n, case="HR" if n == 1 else "hr") for n in range(1, 6)]
    result = rejected(city, header + "\n\n".join(rows) + "\n", name=name)
    assert [e.line for e in result.errors] == [2, 4, 6, 8, 10]
    assert result.errors[0].message == (
        f"{said} appears more than once in the file (also on lines 4, 6, 8 and 1 other); keep one row"
    )
    assert result.errors[2].message == (
        f"{said} appears more than once in the file (also on lines 2, 4, 8 and 1 other); keep one row"
    )


def test_a_kpi_name_many_kpis_share_names_three_of_them_at_their_lines_and_counts_the_rest(city: Engine) -> None:
    rows = [f"hr,Human Resources,kpi_{n},Same name,hours,lower_is_better,1" for n in range(6)]
    result = rejected(
        city, "department,department_name,kpi,kpi_name,unit,direction,target\n\n" + "\n".join(rows), "definitions.csv"
    )
    assert [(e.line, e.column) for e in result.errors] == [(line, "kpi_name") for line in range(3, 9)]
    assert result.errors[0].message.startswith(
        "KPI name 'Same name' of department 'hr' would also be the name of KPI 'kpi_1' on line 4, KPI 'kpi_2' on "
        "line 5, KPI 'kpi_3' on line 6 and 2 others: a department's KPIs need names"
    )
    assert "of KPI 'kpi_0' on line 3, KPI 'kpi_1' on line 4, KPI 'kpi_2' on line 5 and 2 others:" in (
        result.errors[5].message
    )


def test_ragged_rows_are_refused_with_their_field_counts(city: Engine) -> None:
    result = rejected(
        city, HEADER + "hr,overtime_hours,2013-01,5\nhr,overtime_hours,2013-02,5,6\nhr,overtime_hours,2013-03\n"
    )
    assert [e.line for e in result.errors] == [3, 4]
    assert result.errors[0].message.startswith("this row has 5 fields but the header has 4: most likely a value with")
    assert result.errors[1].message == (
        "this row has 3 fields but the header has 4; check for a delimiter missing between two values, or a value "
        "left out together with its delimiter"
    )


SHIFTED = (
    "this row has 8 fields but the header has 7: most likely the number 5,210 written without quotes, whose "
    "thousands separator splits it into two fields (5 under 'value' and 210 under 'target'); write it as 5210 or "
    '"5,210"'
)


@pytest.mark.parametrize("dry_run", [True, False])
@pytest.mark.parametrize("extra", [",,,", ",,,x", ",New CAD,,", ",,,\"quoted\""])
def test_a_number_split_by_an_unquoted_thousands_separator_is_refused_whatever_the_extra_fields_hold(
    city: Engine, extra: str, dry_run: bool
) -> None:
    data = (
        "department,kpi,period,value,target,note,count\n"
        "hr,overtime_hours,2016-06,7,,,\n"
        f"hr,overtime_hours,2016-07,5,210{extra}\n"
        "hr,overtime_hours,2016-08,6,,,\n"
    )
    result = rejected(city, data, dry_run=dry_run)
    assert where(result) == [(3, "value", "5,210")]
    assert result.errors[0].message == SHIFTED.replace("8 fields", f"{5 + extra.count(',')} fields")
    assert (result.rows, result.rejected) == (3, 1)


def test_a_row_with_more_fields_than_the_header_is_refused_even_when_the_extra_ones_are_empty(city: Engine) -> None:
    result = rejected(city, HEADER + "hr,overtime_hours,2013-01,5\nhr,overtime_hours,2013-02,5,,\n")
    assert where(result) == [(3, None, None)]
    assert result.errors[0].message == (
        "this row has 6 fields but the header has 4: most likely a value with an unquoted comma in it (a note, or a "
        "number with a thousands separator such as 5,210), which splits it into two fields; put quotes around such "
        "a value"
    )


@pytest.mark.parametrize("quoted", [False, True], ids=["fast reader", "exact reader"])
def test_a_value_in_the_empty_columns_ending_the_header_is_refused(city: Engine, quoted: bool) -> None:
    first = '"hr",overtime_hours,2016-06,7,,,' if quoted else "hr,overtime_hours,2016-06,7,,,"
    data = f"department,kpi,period,value,,,\n{first}\nhr,overtime_hours,2016-07,1,234,567,\n"
    result = rejected(city, data)
    assert where(result) == [(3, "value", "1,234,567")]
    assert result.errors[0].message == (
        "this row has a value past the header's last named column ('value', column 4): most likely the number "
        "1,234,567 written without quotes, whose thousands separator splits it into three fields (1 under 'value', "
        '234 in an unnamed column and 567 in an unnamed column); write it as 1234567 or "1,234,567"'
    )
    assert result.warnings == []


def test_a_short_row_under_a_header_ending_in_empty_columns_is_told_how_many_it_needs(city: Engine) -> None:
    result = rejected(city, "department,kpi,period,value,,\nhr,overtime_hours,2016-07\n")
    assert where(result) == [(2, None, None)]
    assert result.errors[0].message.startswith(
        "this row has 3 fields but the header has 6 (4 named, then 2 empty); check for a delimiter missing"
    )


def test_an_extra_field_in_a_semicolon_file_is_put_down_to_an_unquoted_semicolon(city: Engine) -> None:
    result = rejected(city, "department;kpi;period;value;note\nhr;overtime_hours;2016-07;5;late; storm\n")
    assert where(result) == [(2, None, None)]
    assert result.errors[0].message == (
        "this row has 6 fields but the header has 5: most likely a value with an unquoted semicolon in it, which "
        "splits it into two fields; put quotes around such a value"
    )


def test_rows_that_do_not_fit_beyond_the_listing_limit_are_counted_not_listed(
    city: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOUIESTAT_MAX_LISTED_ERRORS", "3")
    get_settings.cache_clear()
    before = snapshot(city)
    result = ingest(city, (HEADER + "hr,overtime_hours,2013-01,5,210\n" * 50_000).encode(), name="values.csv")
    assert (result.status, result.error_count, len(result.errors), result.rows) == ("rejected", 50_000, 3, 50_000)
    assert [e.line for e in result.errors] == [2, 3, 4]
    assert result.errors[0].message == (
        "this row has 5 fields but the header has 4: most likely the number 5,210 written without quotes, whose "
        "thousands separator splits it into two fields (5 under 'value' and 210 past the header); write it as 5210 "
        'or "5,210"'
    )
    assert snapshot(city) == before


def test_an_unterminated_quote_is_reported_on_the_line_where_it_opens(city: Engine) -> None:
    data = (
        "department,kpi,period,value,note\n"
        "hr,overtime_hours,2013-01,5,fine\n"
        'hr,overtime_hours,2013-02,6,"storm closed the office\n'
        "hr,overtime_hours,2013-03,7,\n"
        "hr,overtime_hours,2013-04,8,\n"
    )
    result = rejected(city, data)
    assert [e.line for e in result.errors] == [3]
    assert result.errors[0].message == (
        'a quoted value starts on this line and its closing quote is missing; add the closing " character'
    )


def test_an_unterminated_quote_is_found_when_other_values_are_quoted_too(city: Engine) -> None:
    data = (
        "department,kpi,period,value\n"
        'hr,overtime_hours,2013-01,"1,234"\n'
        'hr,overtime_hours,2013-02,"1,300\n'
        'hr,overtime_hours,2013-03,"1,500"\n'
    )
    result = rejected(city, data)
    assert [e.line for e in result.errors] == [3]
    assert "put quotes around the whole value and double any quote inside it" in result.errors[0].message


def test_text_after_a_closing_quote_is_refused_with_its_line(city: Engine) -> None:
    data = (
        "department,kpi,period,value,note\n"
        'hr,overtime_hours,2013-01,5,"storm"ed\n'
        "hr,overtime_hours,2013-02,6,\n"
    )
    result = rejected(city, data)
    assert [e.line for e in result.errors] == [2]
    assert "put quotes around the whole value and double any quote inside it" in result.errors[0].message


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml", "an Excel workbook (.xlsx)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00", "an old-style Excel workbook (.xls)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF document"),
        (bytes(range(256)) * 4, "a binary file"),
    ],
    ids=["xlsx", "xls", "pdf", "binary"],
)
def test_binary_and_spreadsheet_files_renamed_csv_are_refused(city: Engine, data: bytes, what: str) -> None:
    result = rejected(city, data, name="march.csv")
    assert where(result) == [(None, None, None)]
    message = result.errors[0].message
    assert message.startswith(f"march.csv is {what}")
    assert "use File > Save As > 'CSV UTF-8 (Comma delimited)'" in message


def test_an_unknown_department_or_kpi_gets_the_closest_existing_name(city: Engine) -> None:
    result = rejected(
        city,
        HEADER
        + "hrr,overtime_hours,2013-01,5\n"
        + "hr,overtme_hours,2013-01,5\n"
        + "Emergency Medical Service,response_time,2013-01,9\n"
        "parks,mowing,2013-01,1\n",
    )
    assert where(result) == [
        (2, "department", "hrr"),
        (3, "kpi", "overtme_hours"),
        (4, "department", "Emergency Medical Service"),
        (5, "department", "parks"),
    ]
    messages = [e.message for e in result.errors]
    assert messages[0] == "unknown department; did you mean 'hr'?"
    assert messages[1] == "unknown KPI of department 'hr'; did you mean 'overtime_hours'?"
    assert messages[2] == "unknown department; did you mean 'Emergency Medical Services'?"
    assert messages[3].startswith("unknown department; known ones include ")
    assert "(departments are created by uploading a definitions file)" in messages[3]


def test_a_header_of_no_known_kind_lists_the_columns_of_each_kind(city: Engine) -> None:
    result = rejected(city, "name,amount\nx,1\n")
    assert where(result) == [(1, None, None)]
    message = result.errors[0].message
    assert "cannot tell what this file holds from its header (name, amount)" in message
    assert "values: department, kpi, period, value" in message and "hiring: department, position_id" in message


def test_every_error_in_the_file_is_reported_not_only_the_first(city: Engine) -> None:
    good = [f"hr,overtime_hours,2010-{m:02d},5" for m in range(1, 13)]
    bad = [f"hr,overtime_hours,2011-{m:02d},lots" for m in range(1, 13)] + [
        f"ems,response_time,{y}-13,5" for y in range(2000, 2040)
    ]
    result = rejected(city, HEADER + "\n".join(good + bad) + "\n")
    assert result.error_count == 52
    assert [e.line for e in result.errors] == list(range(14, 66))
    assert {e.column for e in result.errors} == {"value", "period"}
    assert (result.rows, result.rejected) == (64, 52)
    assert "52 errors in 52 of 64 rows" in result.message


def test_beyond_the_listing_limit_errors_are_still_counted(city: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOUIESTAT_MAX_LISTED_ERRORS", "5")
    get_settings.cache_clear()
    result = ingest(
        city, (HEADER + "".join(f"hr,overtime_hours,{y}-13,5\n" for y in range(2000, 2020))).encode(), name="values.csv"
    )
    assert (result.status, result.error_count, len(result.errors)) == ("rejected", 20, 5)
    assert [e.line for e in result.errors] == [2, 3, 4, 5, 6]
    assert result.message == "values.csv was rejected and nothing was written: 20 errors (5 listed) in 20 of 20 rows."


def test_a_row_with_several_problems_reports_each(city: Engine) -> None:
    result = rejected(city, HEADER + "hr,overtime_hours,2013-13,abc\n")
    assert where(result) == [(2, "period", "2013-13"), (2, "value", "abc")]


def test_hiring_fill_date_before_posting_is_refused(city: Engine) -> None:
    data = (
        "department,position_id,posted_date,filled_date\nhr,P-1,2013-01-10,2013-02-01\nhr,P-2,2013-03-10,2013-03-09\n"
    )
    result = rejected(city, data, name="hiring.csv")
    assert where(result) == [(3, "filled_date", "2013-03-09")]
    assert result.errors[0].message == (
        "filled_date 2013-03-09 is before posted_date 2013-03-10; a position is filled on or after the day it is posted"
    )


def test_hiring_rows_with_bad_dates_unknown_departments_or_repeats_are_all_reported(city: Engine) -> None:
    data = (
        "department,position_id,posted_date,filled_date\n"
        "hr,P-1,2013-02-30,\n"
        "parks,P-2,2013-01-01,\n"
        "hr,P-3,,2013-01-01\n"
        "hr,P-4,2013-01-01,2013-01-05\n"
        "hr,P-4,2013-01-02,\n"
    )
    result = rejected(city, data, name="hiring.csv")
    assert where(result) == [
        (2, "posted_date", "2013-02-30"),
        (3, "department", "parks"),
        (4, "posted_date", ""),
        (5, None, None),
        (6, None, None),
    ]
    assert "not a real date; use YYYY-MM-DD (2013-03-15) or MM/DD/YYYY (03/15/2013)" in result.errors[0].message
    assert result.errors[2].message == "blank; this column must be filled in on every row"
    assert (
        "position 'P-4' of department 'hr' appears more than once in the file (also on line 6)"
        in result.errors[3].message
    )


def test_a_nul_byte_deep_in_the_file_is_refused_with_its_line(city: Engine) -> None:
    data = HEADER.encode() + b"hr,overtime_hours,2013-01,5\n" * 600 + b"hr,overtime_hours,2013-02,5\x00\n"
    result = rejected(city, data, name="march.csv")
    assert "march.csv line 602 holds a NUL byte" in result.errors[0].message


def test_a_title_longer_than_the_database_holds_is_refused_in_the_dry_run_too(city: Engine) -> None:
    data = "department,position_id,title,posted_date,filled_date\nhr,P-1," + "x" * 301 + ",2013-01-02,\n"
    for dry_run in (True, False):
        result = rejected(city, data, name="hiring.csv", dry_run=dry_run)
        assert where(result)[0][:2] == (2, "title")
        assert "at most 300 characters" in result.errors[0].message, result.errors[0].message


def test_a_utf8_file_with_one_bad_byte_is_refused_naming_its_line_and_byte(city: Engine) -> None:
    data = (HEADER.replace("value", "value,note") + "hr,overtime_hours,2013-01,12,Zoë\n").encode()
    data += b"hr,overtime_hours,2013-02,12,Caf\xe9\n"
    result = rejected(city, data, name="march.csv")
    assert where(result) == [(None, None, None)]
    assert result.errors[0].message == (
        "march.csv is UTF-8 text except for 1 byte that is not UTF-8, counting bytes from 1 at the start of each "
        "line: line 3 byte 33 (0xe9); reading it as Windows-1252 instead would garble its other accented letters, "
        "so correct those characters and save the file as UTF-8 (in Excel: File > Save As > 'CSV UTF-8 (Comma "
        "delimited)')"
    )


def test_bad_utf8_bytes_are_listed_up_to_ten_then_counted(city: Engine) -> None:
    rows = "".join(f"hr,overtime_hours,2013-{m:02d},12,Zoë\n" for m in range(1, 13)).encode()
    data = HEADER.replace("value", "value,note").encode() + rows.replace(b"\xc3\xab\n", b"\xeb\n", 12)
    data = data.replace(b"\xeb\n", b"\xc3\xab\n", 1)  # line 2 keeps its ë: the file is UTF-8 with damage
    message = rejected(city, data).errors[0].message
    listed = ", ".join(f"line {line} byte 32 (0xeb)" for line in range(3, 13))
    assert "values.csv is UTF-8 text except for 11 bytes that are not UTF-8" in message
    assert f"of each line: {listed} and 1 more; reading it as Windows-1252" in message


def test_a_file_with_a_utf8_byte_order_mark_is_never_read_as_windows_1252(city: Engine) -> None:
    data = b"\xef\xbb\xbf" + HEADER.encode() + b"hr,overtime_hours,2013-01,12\xa0\n"
    message = rejected(city, data).errors[0].message
    assert "values.csv is UTF-8 text except for 1 byte that is not UTF-8" in message
    assert "line 2 byte 29 (0xa0)" in message


@pytest.mark.parametrize("chunk_rows", ["100000", "1000"], ids=["one-block", "field-longer-than-a-block"])
@pytest.mark.parametrize("quoted", [False, True], ids=["unquoted", "quoted"])
def test_a_200000_character_field_and_an_error_elsewhere_are_both_reported(
    city: Engine, monkeypatch: pytest.MonkeyPatch, quoted: bool, chunk_rows: str
) -> None:
    monkeypatch.setenv("LOUIESTAT_INGEST_CHUNK_ROWS", chunk_rows)
    get_settings.cache_clear()
    note = "storm " * 33_333 + "xx"
    assert len(note) == 200_000
    field = f'"{note}"' if quoted else note
    data = f"department,kpi,period,value,note\nhr,overtime_hours,2013-01,12,{field}\nhr,overtime_hours,2013-13,5,\n"
    result = rejected(city, data)
    shown = "storm " * 13 + "st… (200,000 characters)"
    assert where(result) == [(2, "note", shown), (3, "period", "2013-13")]
    assert result.errors[0].message == (
        "this value is 200,000 characters long, more than the 10,000 a field may hold (LOUIESTAT_MAX_FIELD_CHARS); "
        "shorten it, or check for a quote that opens a value and is never closed"
    )
    assert str(result.errors[0]) == f"line 2, column 'note': {result.errors[0].message} (value {shown!r})"


def test_a_field_over_max_field_chars_is_refused_with_its_line_and_column_in_any_column(
    city: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOUIESTAT_MAX_FIELD_CHARS", "20")
    get_settings.cache_clear()
    data = (
        "department,kpi,period,value,note,entered_by\n"
        f"hr,overtime_hours,2013-01,12,{'n' * 20},Pat\n"
        f"hr,overtime_hours,2013-02,12,{'n' * 21},Pat\n"
        f"hr,overtime_hours,2013-03,12,,{'p' * 30}\n"
    )
    result = rejected(city, data)
    assert where(result) == [(3, "note", "n" * 21), (4, "entered_by", "p" * 30)]
    assert result.errors[1].message.startswith("this value is 30 characters long, more than the 20 a field may hold")
    assert (result.rows, result.rejected) == (3, 2)


def test_an_error_message_quotes_at_most_80_characters_of_a_value(city: Engine) -> None:
    title = "Senior analyst " * 30
    result = rejected(city, f"department,position_id,title,posted_date,filled_date\nhr,P-1,{title},2013-01-02,\n",
                      name="hiring.csv")
    assert where(result) == [(2, "title", f"{title[:80]}… ({len(title)} characters)")]
    long_header = "x" * 500
    message = rejected(city, f"{long_header}\n1\n").errors[0].message
    assert f"from its header ({'x' * 80}… (500 characters)); the header needs" in message
