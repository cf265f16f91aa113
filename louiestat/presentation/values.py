"""Numbers as people read them: a value with its unit, a score, a month name; never a 309-digit string or
'inf'. Numbers from 10^15 up are written short ('1.2e+20 days'), as no city KPI is that large on purpose."""

from typing import Any

import numpy as np
import pandas as pd

from metrics.frames import shaped_like

MISSING_VALUE = "–"
OUT_OF_RANGE = "out of range"
LARGEST_IN_FULL = 1e15
AXIS_UNITS = {"percent": "%", "dollars": "$"}


def format_number(number: np.ndarray, spec: str) -> np.ndarray:
    """Each float formatted with ``spec`` (e.g. '{:,.1f}'), in short scientific form from 10^15 up."""
    series = pd.Series(np.asarray(number, dtype=float))
    series = series.mask(series.abs() < 5e-7, 0.0)  # no "-0" for a tiny negative
    text = series.map(spec.format)
    text = text.mask(text.str.fullmatch(r"-[0.,]+"), text.str[1:]).to_numpy(dtype=object)  # -0.004 reads 0.00
    short = series.map("{:.3g}".format).to_numpy(dtype=object)
    return np.where(series.abs().to_numpy() >= LARGEST_IN_FULL, short, text).astype(object)


def format_value(value: Any, unit: Any) -> Any:
    """A value in words for its unit: '74 days', '12.5 hours', '8.5 min', '91.0%', '$1,234', '1,234' (count),
    '0.35' (rate); '–' when missing, 'out of range' when infinite. Scalars give a str, a Series a Series on
    its index, arrays an array."""
    number, units = np.broadcast_arrays(
        np.atleast_1d(np.asarray(value, dtype=float)), np.atleast_1d(np.asarray(unit, dtype=object))
    )
    one_decimal = format_number(number, "{:,.1f}")
    trimmed = pd.Series(one_decimal).str.removesuffix(".0").to_numpy(dtype=object)
    single = trimmed == "1"
    dollars = format_number(np.abs(number), "{:,.0f}")
    units_named = ("days", "hours", "minutes", "percent", "dollars", "rate")
    text = np.select(
        [units == name for name in units_named],
        [
            trimmed + np.where(single, " day", " days"),
            trimmed + np.where(single, " hour", " hours"),
            trimmed + " min",
            one_decimal + "%",
            np.where((number < 0) & (dollars != "0"), "-$", "$") + dollars,
            format_number(number, "{:,.2f}"),
        ],
        trimmed,
    )
    text = np.where(np.isinf(number), OUT_OF_RANGE, text)
    return shaped_like(np.where(np.isnan(number), MISSING_VALUE, text).astype(object), value, unit)


def format_score(score: Any) -> Any:
    """A CityScore-style score to two decimals ('0.92'), '–' when there is none."""
    number = np.atleast_1d(np.asarray(score, dtype=float))
    text = np.where(np.isinf(number), OUT_OF_RANGE, format_number(number, "{:.2f}"))
    return shaped_like(np.where(np.isnan(number), MISSING_VALUE, text).astype(object), score)


def format_score_change(change: float) -> str | None:
    """A score's change for a metric's delta: '+0.03', '-0.12', 'no change' when it rounds to zero (never
    '-0.00'), None when there is nothing to compare with."""
    if change is None or not np.isfinite(change):
        return None
    shown = f"{change:+.2f}"
    return "no change" if float(shown) == 0 else shown


def axis_label(unit: str) -> str:
    """What a chart axis of this unit is labelled: '%', '$', 'days', 'hours'…"""
    return AXIS_UNITS.get(unit, unit)


def month_label(month: str) -> str:
    """'June 2016' for '2016-06'."""
    return pd.Timestamp(f"{month}-01").strftime("%B %Y")
