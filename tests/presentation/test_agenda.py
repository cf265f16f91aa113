"""A meeting's follow-ups counted and dated in words, a count always with its noun in the right number."""

import datetime as dt

import pandas as pd

from louiestat.presentation.agenda import due_words, followup_counts_text
from louiestat.presentation.sentences import month_names


def test_open_follow_ups_are_counted_in_the_right_number() -> None:
    assert followup_counts_text(0, 0) == "No open follow-ups"
    assert followup_counts_text(1, 0) == "1 open follow-up, 0 overdue"
    assert followup_counts_text(1_200, 3) == "1,200 open follow-ups, 3 overdue"


def test_a_due_date_is_told_relative_to_today() -> None:
    today = dt.date(2016, 7, 20)
    assert [due_words(today + dt.timedelta(days=days), today) for days in (3, 1, 0, -1, -12)] == [
        "due in 3 days", "due tomorrow", "due today", "1 day overdue", "12 days overdue"]


def test_months_are_named_in_english_with_their_year_and_a_missing_month_is_blank() -> None:
    periods = pd.Series(pd.to_datetime(["2016-06-01", None, "2012-12-01"]))
    assert month_names(periods).tolist() == ["June 2016", "", "December 2012"]
