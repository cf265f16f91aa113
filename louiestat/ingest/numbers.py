"""Reading numbers the way spreadsheets export them: ``1,234``, ``$5.00``, ``85%``, ``(1,234)`` for negatives,
and on request with decimal commas as European exports write them: ``8,9``, ``1.812.345,50``."""

from __future__ import annotations

import numpy as np
import pandas as pd

NUMBER_FORMATS = "a plain number such as 1234.5, optionally with thousands commas (1,234.5), a $ or a % sign"
DECIMAL_COMMA_FORMATS = (
    "a number with a decimal comma such as 1234,5, optionally with thousands points (1.234,5), a $ or a % sign"
)
COMMAS_ARE_THOUSANDS = "commas are only read as thousands separators (1,234,567); use a point for decimals"
DECIMAL_COMMA_VALUE = (
    f"{COMMAS_ARE_THOUSANDS}, or upload the file with the decimal-comma option (--decimal-comma) if it uses "
    "decimal commas"
)
POINTS_ARE_THOUSANDS = (
    "with the decimal-comma option, points are only read as thousands separators (1.234.567); use a comma for "
    "decimals (8,9)"
)
_THOUSANDS = {False: r"^-?\d{1,3}(,\d{3})+(\.\d*)?$", True: r"^-?\d{1,3}(\.\d{3})+(,\d*)?$"}
_DECIMAL_COMMA_SHAPE = r"^-?(\d{1,3}(\.\d{3})+|\d+),\d+$"  # 8,9 or 1.812.345,50: a decimal comma, not thousands


def parse_numbers(values: pd.Series, decimal_comma: bool = False) -> tuple[np.ndarray, pd.Series]:
    """Floats for ``values`` (NaN where invalid) and an error message per value (None where it parsed).

    Plain numbers take the fast path; only the rest are cleaned of currency, percent and thousands signs. With
    ``decimal_comma`` the comma is the decimal mark and the point separates thousands, so any point goes the slow
    way. A value with a decimal comma that fails without the option gets ``DECIMAL_COMMA_VALUE``."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan, copy=True)
    if decimal_comma:
        numbers[values.str.contains(".", regex=False).to_numpy(dtype=bool, na_value=False)] = np.nan
    messages = pd.Series(None, index=values.index, dtype=object)
    slow = np.isnan(numbers)
    if slow.any():
        # Each distinct text is read once: a column of a million 'n/a' is one regular-expression pass, not a million.
        codes, uniques = pd.factorize(values[slow], use_na_sentinel=False)
        parsed, reasons = _read_formatted(pd.Series(uniques), decimal_comma)
        numbers[slow] = parsed[codes]
        messages[slow] = reasons[codes]
    infinite = np.isinf(numbers)
    if infinite.any():
        messages[infinite] = "infinite values are not accepted; give a finite number"
        numbers[infinite] = np.nan
    return numbers, messages


def _read_formatted(values: pd.Series, decimal_comma: bool) -> tuple[np.ndarray, np.ndarray]:
    """Floats for texts that are not plain numbers (currency, percent or thousands signs; NaN where unreadable) and,
    where unreadable, why (None elsewhere): an object array of a few shared strings, not a copy per text."""
    thousands, decimal = (".", ",") if decimal_comma else (",", ".")
    text = values.str.strip()
    negative = text.str.startswith("(") & text.str.endswith(")")
    text = text.where(~negative, text.str.slice(1, -1)).str.strip()
    text = text.str.replace(r"^(-?)\s*\$\s*", r"\1", regex=True).str.replace(r"\s*%$", "", regex=True)
    has_separator = text.str.contains(thousands, regex=False)
    bad_separators = has_separator & ~text.str.match(_THOUSANDS[decimal_comma])
    cleaned = text.str.replace(thousands, "", regex=False).where(~bad_separators)
    if decimal_comma:
        cleaned = cleaned.str.replace(decimal, ".", regex=False)
    parsed = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    parsed = np.where(negative.to_numpy(), -parsed, parsed)
    separators = bad_separators.to_numpy()
    reasons = np.full(len(text), f"not a number; use {DECIMAL_COMMA_FORMATS if decimal_comma else NUMBER_FORMATS}",
                      dtype=object)
    if decimal_comma:
        reasons[separators] = POINTS_ARE_THOUSANDS
    else:
        reasons[separators] = COMMAS_ARE_THOUSANDS
        reasons[separators & text.str.match(_DECIMAL_COMMA_SHAPE).to_numpy(dtype=bool)] = DECIMAL_COMMA_VALUE
    reasons[~np.isnan(parsed)] = None
    return parsed, reasons


def parse_number(text: str, decimal_comma: bool = False) -> float:
    """One number read like ``parse_numbers`` reads a column; raises ValueError saying what is accepted."""
    numbers, messages = parse_numbers(pd.Series([text], dtype="str"), decimal_comma)
    if pd.notna(messages.iloc[0]):
        raise ValueError(messages.iloc[0])
    return float(numbers[0])
