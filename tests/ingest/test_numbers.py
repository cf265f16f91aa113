"""Reading numbers as spreadsheets export them, and refusing what is not a finite number."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from louiestat.ingest.numbers import (
    COMMAS_ARE_THOUSANDS,
    DECIMAL_COMMA_FORMATS,
    DECIMAL_COMMA_VALUE,
    NUMBER_FORMATS,
    POINTS_ARE_THOUSANDS,
    parse_number,
    parse_numbers,
)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1234.5", 1234.5),
        (" 42 ", 42.0),
        ("-3", -3.0),
        ("1e3", 1000.0),
        ("1,234", 1234.0),
        ("1,234,567.89", 1234567.89),
        ("-1,234", -1234.0),
        ("$5.00", 5.0),
        ("$ 1,200", 1200.0),
        ("-$5", -5.0),
        ("85%", 85.0),
        ("85.5 %", 85.5),
        ("(1,234)", -1234.0),
    ],
)
def test_spreadsheet_numbers_are_read(text: str, number: float) -> None:
    numbers, messages = parse_numbers(pd.Series([text], dtype="str"))
    assert numbers.tolist() == [number]
    assert messages.isna().all()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", f"not a number; use {NUMBER_FORMATS}"),
        ("NaN", "not a number"),
        ("nan", "not a number"),
        ("5$", "not a number"),
        ("inf", "infinite values are not accepted; give a finite number"),
        ("-inf", "infinite values are not accepted"),
        ("Infinity", "infinite values are not accepted"),
        ("12,34", "commas are only read as thousands separators (1,234,567); use a point for decimals"),
        ("1.234,5", "commas are only read as thousands separators"),
    ],
)
def test_values_that_are_not_finite_numbers_are_refused_with_the_reason(text: str, reason: str) -> None:
    numbers, messages = parse_numbers(pd.Series([text], dtype="str"))
    assert np.isnan(numbers[0])
    assert reason in messages.iloc[0]


def test_accepted_formats_are_named_in_the_message() -> None:
    for sign in ("1,234.5", "$", "%"):
        assert sign in NUMBER_FORMATS


def test_a_column_mixing_plain_and_formatted_numbers_keeps_row_order() -> None:
    values = pd.Series(["1", "$2", "x", "3%", "4,000"], index=[5, 6, 7, 8, 9], dtype="str")
    numbers, messages = parse_numbers(values)
    assert numbers[[0, 1, 3, 4]].tolist() == [1.0, 2.0, 3.0, 4000.0]
    assert np.isnan(numbers[2])
    assert messages.index.tolist() == [5, 6, 7, 8, 9]
    assert messages.notna().tolist() == [False, False, True, False, False]


def test_parse_number_reads_one_value_or_says_what_is_accepted() -> None:
    assert parse_number("$1,250.50") == 1250.5
    with pytest.raises(ValueError, match="not a number; use a plain number"):
        parse_number("twelve")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("8,9", 8.9),
        ("1.812.345,50", 1812345.5),
        ("-8,9", -8.9),
        ("(1.234,5)", -1234.5),
        ("$ 1.200", 1200.0),
        ("85,5 %", 85.5),
        ("12", 12.0),
        ("0,05", 0.05),
        ("8,125", 8.125),
    ],
)
def test_decimal_commas_are_read_with_the_option(text: str, number: float) -> None:
    numbers, messages = parse_numbers(pd.Series([text], dtype="str"), decimal_comma=True)
    assert numbers.tolist() == [number]
    assert messages.isna().all()
    assert parse_number(text, decimal_comma=True) == number


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1.5", POINTS_ARE_THOUSANDS),
        ("1,234.5", POINTS_ARE_THOUSANDS),
        ("abc", f"not a number; use {DECIMAL_COMMA_FORMATS}"),
    ],
)
def test_with_decimal_commas_a_point_only_separates_thousands(text: str, reason: str) -> None:
    numbers, messages = parse_numbers(pd.Series([text], dtype="str"), decimal_comma=True)
    assert np.isnan(numbers[0])
    assert messages.iloc[0] == reason


@pytest.mark.parametrize("text", ["8,9", "1.812.345,50", "-0,5"])
def test_without_the_option_a_decimal_comma_is_refused_naming_the_option(text: str) -> None:
    numbers, messages = parse_numbers(pd.Series([text], dtype="str"))
    assert np.isnan(numbers[0])
    assert messages.iloc[0] == DECIMAL_COMMA_VALUE
    assert "--decimal-comma" in DECIMAL_COMMA_VALUE


def test_thousands_commas_still_read_as_thousands_without_the_option() -> None:
    numbers, messages = parse_numbers(pd.Series(["1,234", "1,2,3"], dtype="str"))
    assert numbers[0] == 1234.0 and np.isnan(numbers[1])
    assert messages.iloc[1] == COMMAS_ARE_THOUSANDS
