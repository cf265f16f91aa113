"""Reading numbers the way spreadsheets export them: ``1,234``, ``$5.00``, ``85%``, ``(1,234)`` for negatives."""

from __future__ import annotations

import numpy as np
import pandas as pd

NUMBER_FORMATS = "a plain number such as 1234.5, optionally with thousands commas (1,234.5), a $ or a % sign"
_THOUSANDS = r"^-?\d{1,3}(,\d{3})+(\.\d*)?$"


def parse_numbers(values: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Floats for ``values`` (NaN where invalid) and an error message per value (None where it parsed).

    Plain numbers take the fast path; only the rest are cleaned of currency, percent and thousands signs."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan, copy=True)
    messages = pd.Series(None, index=values.index, dtype=object)
    slow = np.isnan(numbers)
    if slow.any():
        text = values[slow].str.strip()
        negative = text.str.startswith("(") & text.str.endswith(")")
        text = text.where(~negative, text.str.slice(1, -1)).str.strip()
        text = text.str.replace(r"^(-?)\s*\$\s*", r"\1", regex=True).str.replace(r"\s*%$", "", regex=True)
        has_comma = text.str.contains(",", regex=False)
        bad_commas = has_comma & ~text.str.match(_THOUSANDS)
        cleaned = text.str.replace(",", "", regex=False).where(~bad_commas)
        parsed = pd.to_numeric(cleaned, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        parsed = np.where(negative.to_numpy(), -parsed, parsed)
        numbers[slow] = parsed
        failed = np.isnan(parsed)
        reason = np.where(
            bad_commas.to_numpy() & failed,
            "commas are only read as thousands separators (1,234,567); use a point for decimals",
            f"not a number; use {NUMBER_FORMATS}",
        )
        messages[slow] = np.where(failed, reason, None)
    infinite = np.isinf(numbers)
    if infinite.any():
        messages[infinite] = "infinite values are not accepted; give a finite number"
        numbers[infinite] = np.nan
    return numbers, messages


def parse_number(text: str) -> float:
    """One number read like ``parse_numbers`` reads a column; raises ValueError saying what is accepted."""
    numbers, messages = parse_numbers(pd.Series([text], dtype="str"))
    if pd.notna(messages.iloc[0]):
        raise ValueError(messages.iloc[0])
    return float(numbers[0])
