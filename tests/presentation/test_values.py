"""Values with their units, scores and months as people read them, extremes included."""

import numpy as np
import pandas as pd
import pytest

from louiestat.presentation.values import format_score, format_score_change, format_value, month_label


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (74.0, "days", "74 days"),
        (1.0, "days", "1 day"),
        (73.45, "days", "73.5 days"),
        (12.5, "hours", "12.5 hours"),
        (8.5, "minutes", "8.5 min"),
        (10.0, "minutes", "10 min"),
        (91.0, "percent", "91.0%"),
        (1234.4, "dollars", "$1,234"),
        (-1234.0, "dollars", "-$1,234"),
        (1234.0, "count", "1,234"),
        (12.5, "count", "12.5"),
        (0.3456, "rate", "0.35"),
        (np.nan, "days", "–"),
        (1e15, "count", "1e+15"),
        (999_999_999_999_999.0, "count", "999,999,999,999,999"),
        (1e308, "percent", "1e+308%"),
        (-1e308, "dollars", "-$1e+308"),
        (1e308, "days", "1e+308 days"),
        (np.inf, "percent", "out of range"),
        (-np.inf, "count", "out of range"),
        (1e14, "count", "100,000,000,000,000"),
    ],
)
def test_format_value_puts_each_unit_in_words(value, unit, expected):
    assert format_value(value, unit) == expected


def test_format_value_takes_series_and_arrays():
    values = pd.Series([74.0, 91.0], index=[3, 4])
    formatted = format_value(values, np.array(["days", "percent"], dtype=object))
    assert isinstance(formatted, pd.Series) and formatted.index.tolist() == [3, 4]
    assert formatted.tolist() == ["74 days", "91.0%"]
    assert format_value(np.array([1.0, 2.0]), "hours").tolist() == ["1 hour", "2 hours"]


def test_no_finite_extreme_prints_more_than_a_short_number():
    extremes = np.array([1e308, -1e308, 1.7976931348623157e308, 5e-324, -5e-324, 1e15, 123456789012345.6])
    for unit in ("days", "hours", "minutes", "percent", "dollars", "rate", "count"):
        texts = format_value(extremes, np.array([unit] * len(extremes), dtype=object))
        assert max(len(t) for t in texts) <= 32, texts
        assert not any(t.startswith(('-0 ', '-0%', '-$0')) for t in texts), texts
        assert not any("inf" in t or "nan" in t for t in texts), texts


def test_scores_have_two_decimals_and_extremes_stay_short():
    scores = pd.Series([0.9234, np.nan, 1.6e306, np.inf])
    assert format_score(scores).tolist() == ["0.92", "–", "1.6e+306", "out of range"]
    assert format_score(1.0) == "1.00"


def test_month_label_names_the_month():
    assert month_label("2016-06") == "June 2016"


@pytest.mark.parametrize(
    ("change", "expected"),
    [(-0.001, "no change"), (0.004, "no change"), (0.0, "no change"), (-0.12, "-0.12"), (0.031, "+0.03"),
     (float("nan"), None)],
)
def test_a_score_change_that_rounds_to_zero_reads_no_change_never_minus_zero(change, expected):
    assert format_score_change(change) == expected


def test_a_tiny_negative_value_never_reads_minus_zero():
    assert list(format_value([-0.001, -0.04, -1.5], ["rate", "percent", "rate"])) == ["0.00", "0.0%", "-1.50"]
