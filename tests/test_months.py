"""A month typed as YYYY-MM: the one check the CLI's --as-of and the meetings' as-of month share."""

import datetime as dt

import pytest

from louiestat.months import parse_month


def test_a_yyyy_mm_month_is_its_first_day() -> None:
    assert parse_month("2016-06") == dt.date(2016, 6, 1)


@pytest.mark.parametrize("text", ["June 2016", "2016-6", "2016-13", "2016-06-01", "", "16-06-1"])
def test_anything_else_is_refused_saying_the_form(text: str) -> None:
    with pytest.raises(ValueError) as refused:
        parse_month(text)
    assert str(refused.value) == f"'{text}' is not a month; give it as YYYY-MM, e.g. 2016-06"
