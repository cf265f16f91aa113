"""Reading periods (months) and dates the way analysts type them, and refusing impossible ones with a reason."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from louiestat.ingest.dates import PERIOD_FORMATS, parse_periods, read_date
from metrics.months import month_of

TODAY = dt.date(2024, 6, 15)


def one_period(text: str) -> tuple[int, str | None]:
    indexes, messages = parse_periods(pd.Series([text], dtype="str"), today=TODAY)
    message = messages.iloc[0]
    return int(indexes[0]), None if pd.isna(message) else message


@pytest.mark.parametrize(
    "text",
    ["2013-03", "2013-3", "2013-03-01", "2013-03-31", "3/2013", "03/2013", "03/15/2013", "3/1/2013", " 2013-03 "],
)
def test_each_accepted_period_format_gives_the_month(text: str) -> None:
    assert one_period(text) == (month_of(2013, 3), None)


def test_the_current_month_and_january_1900_are_the_limits_accepted() -> None:
    assert one_period("2024-06") == (month_of(2024, 6), None)
    assert one_period("1900-01") == (month_of(1900, 1), None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2013-13", "month 13 does not exist; months run 1 to 12"),
        ("13/2013", "month 13 does not exist"),
        ("2013-00", "month 0 does not exist"),
        ("1899-12", "year 1899 is before 1900"),
        ("2024-07", "2024-07 is after the current month (2024-06); future months cannot be reported"),
        ("2013-02-30", "2013-02-30 is not a real date"),
        ("02/30/2013", "02/30/2013 is not a real date"),
        ("15/03/2013", "month 15 does not exist"),
        ("March 2013", "not a month"),
        ("2013/03", "not a month"),
        ("20130301", "not a month"),
        ("", "not a month"),
    ],
)
def test_impossible_or_unreadable_periods_are_refused_with_the_reason(text: str, reason: str) -> None:
    index, message = one_period(text)
    assert index == -1
    assert reason in message


def test_unreadable_period_message_lists_the_accepted_formats() -> None:
    assert one_period("Q1 2013")[1] == f"not a month; use {PERIOD_FORMATS}"
    assert "YYYY-MM" in PERIOD_FORMATS and "M/YYYY" in PERIOD_FORMATS and "MM/DD/YYYY" in PERIOD_FORMATS


def test_the_current_month_defaults_to_today() -> None:
    today = dt.date.today()
    this_month = f"{today.year}-{today.month:02d}"
    following = dt.date(today.year + today.month // 12, today.month % 12 + 1, 1)
    indexes, messages = parse_periods(pd.Series([this_month, following.strftime("%Y-%m")], dtype="str"))
    assert indexes.tolist() == [month_of(today.year, today.month), -1]
    assert pd.isna(messages.iloc[0]) and "after the current month" in messages.iloc[1]


def test_parse_periods_keeps_the_index_of_its_input() -> None:
    values = pd.Series(["2013-01", "bad", "2013-01"], index=[10, 20, 30], dtype="str")
    indexes, messages = parse_periods(values, today=TODAY)
    assert indexes.tolist() == [month_of(2013, 1), -1, month_of(2013, 1)]
    assert messages.index.tolist() == [10, 20, 30]
    assert messages.notna().tolist() == [False, True, False]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2013-03-15", dt.date(2013, 3, 15)),
        ("03/15/2013", dt.date(2013, 3, 15)),
        ("3/5/2013", dt.date(2013, 3, 5)),
        ("2012-02-29", dt.date(2012, 2, 29)),
        ("2024-06-15", TODAY),
    ],
)
def test_dates_in_iso_or_us_form_are_read(text: str, date: dt.date) -> None:
    assert read_date(text, TODAY) == (date, None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2013-02-29", "2013-02-29 is not a real date; use YYYY-MM-DD (2013-03-15) or MM/DD/YYYY (03/15/2013)"),
        ("15/03/2013", "15/03/2013 is not a real date"),
        ("2013-03", "not a date; use YYYY-MM-DD"),
        ("1899-12-31", "year 1899 is before 1900"),
        ("2024-06-16", "2024-06-16 is in the future (today is 2024-06-15)"),
    ],
)
def test_impossible_dates_are_refused_with_the_reason(text: str, reason: str) -> None:
    date, message = read_date(text, TODAY)
    assert date is None
    assert reason in message
