"""Row schemas of the definitions and hiring files, as pydantic models: the same models validate the Manage
page's edits. (Values files, the hot path, are validated column-wise in ``validate.py`` with the same rules.)"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from louiestat.ingest.dates import read_date
from louiestat.ingest.numbers import parse_number

Unit = Literal["count", "days", "hours", "minutes", "percent", "dollars", "rate"]
Direction = Literal["higher_is_better", "lower_is_better"]
Aggregation = Literal["sum", "mean", "last", "min", "max"]
Source = Literal["reported", "hiring"]
NON_NEGATIVE_UNITS = frozenset({"count", "days", "hours", "minutes"})
DEFAULT_TOLERANCE_PCT = 10.0
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
_TRUE = {"true", "yes", "y", "1", "x"}
_FALSE = {"false", "no", "n", "0", ""}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _blank_to_none(value: object) -> object:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _slug(value: object) -> object:
    value = _blank_to_none(value)
    if isinstance(value, str):
        value = value.casefold()
        if not _SLUG.match(value):
            raise ValueError("use lowercase letters, digits, '_' or '-' (for example public_works)")
    return value


def _number(value: object, info: ValidationInfo) -> object:
    """A number from its text, with a decimal comma when the upload asked for one (validation context)."""
    value = _blank_to_none(value)
    decimal_comma = bool((info.context or {}).get("decimal_comma"))
    return parse_number(value, decimal_comma) if isinstance(value, str) else value


def _keyword(value: object) -> object:
    value = _blank_to_none(value)
    return re.sub(r"[\s\-]+", "_", value.casefold()) if isinstance(value, str) else value


def _flag(value: object) -> object:
    value = _blank_to_none(value)
    if value is None:
        return False
    if isinstance(value, str):
        if value.casefold() in _TRUE:
            return True
        if value.casefold() in _FALSE:
            return False
        raise ValueError("use true or false (yes/no, 1/0 also work)")
    return value


def _public(value: object) -> object:
    """Blank is public: a KPI is kept from visitors only when its definition says so."""
    return True if _blank_to_none(value) is None else _flag(value)


def _email(value: object) -> object:
    value = _blank_to_none(value)
    if isinstance(value, str):
        value = value.strip().lower()
        if not _EMAIL.fullmatch(value):
            raise ValueError("not an email address; give the address of the person who reports the KPI, such as "
                             "ana.lopez@louisvilleky.gov, or leave it blank")
    return value


def _day(value: object) -> object:
    value = _blank_to_none(value)
    if isinstance(value, str):
        if not value.strip().isdigit():
            raise ValueError("a day of the month from 1 to 28 (the day of the next month the value is due)")
        return int(value)
    return value


def _source(value: object) -> object:
    value = _keyword(value)
    return "reported" if value is None else value


def _tolerance(value: object, info: ValidationInfo) -> object:
    value = _number(value, info)
    return DEFAULT_TOLERANCE_PCT if value is None else value


def _date(value: object) -> object:
    value = _blank_to_none(value)
    if isinstance(value, str):
        date, problem = read_date(value)
        if problem:
            raise ValueError(problem)
        return date
    return value


Slug = Annotated[str, BeforeValidator(_slug), Field(max_length=100)]
Text = Annotated[str, BeforeValidator(_blank_to_none)]
OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]
OptionalNumber = Annotated[FiniteFloat | None, BeforeValidator(_number)]
Date = Annotated[dt.date, BeforeValidator(_date)]
OptionalDate = Annotated[dt.date | None, BeforeValidator(_date)]


class KpiDefinition(BaseModel):
    """One row of a definitions file: a department and one of its KPIs."""

    model_config = ConfigDict(extra="ignore")

    department: Slug
    department_name: Text = Field(max_length=200)
    kpi: Slug
    kpi_name: Text = Field(max_length=300)
    unit: Annotated[Unit, BeforeValidator(_keyword)]
    direction: Annotated[Direction, BeforeValidator(_keyword)]
    target: OptionalNumber = None
    tolerance_pct: Annotated[float, BeforeValidator(_tolerance), Field(ge=0, le=1000)] = DEFAULT_TOLERANCE_PCT
    description: OptionalText = None
    aggregation: Annotated[Aggregation | None, BeforeValidator(_keyword)] = None
    min_value: OptionalNumber = None
    max_value: OptionalNumber = None
    enterprise: Annotated[bool, BeforeValidator(_flag)] = False
    weight: Annotated[Annotated[float, Field(gt=0, allow_inf_nan=False)] | None, BeforeValidator(_number)] = None
    # reported: values files give its months; hiring: derived from the department's hiring records (time to fill).
    source: Annotated[Source, BeforeValidator(_source)] = "reported"
    # Who reports the KPI, on which day of the next month its value is due (the setting's day when blank), and
    # whether visitors and the open-data feed see it.
    owner_email: Annotated[Annotated[str, Field(max_length=320)] | None, BeforeValidator(_email)] = None
    due_day: Annotated[Annotated[int, Field(ge=1, le=28)] | None, BeforeValidator(_day)] = None
    public: Annotated[bool, BeforeValidator(_public)] = True

    # Field validators, not model ones, so their errors name the column; earlier fields are in ``info.data``.
    @field_validator("min_value")
    @classmethod
    def _not_below_zero(cls, low: float | None, info: ValidationInfo) -> float | None:
        unit = info.data.get("unit")
        if unit in NON_NEGATIVE_UNITS and low is not None and low < 0:
            raise ValueError(f"min_value {low:g} is negative, but a KPI in {unit} is never negative")
        return low

    @field_validator("max_value")
    @classmethod
    def _not_below_min(cls, high: float | None, info: ValidationInfo) -> float | None:
        low = info.data.get("min_value")
        if low is not None and high is not None and low > high:
            raise ValueError(f"max_value {high:g} is below min_value {low:g}; swap them or correct one")
        return high

    @model_validator(mode="after")
    def _target_in_range(self) -> KpiDefinition:
        if self.target is not None:
            low, high = self.valid_range
            if self.target < low or self.target > high:
                raise ValueError(f"target {self.target:g} is outside the valid range {range_text(low, high)}")
        return self

    @property
    def valid_range(self) -> tuple[float, float]:
        """The values this KPI accepts (see ``valid_ranges``)."""
        low, high = valid_ranges(self.unit, self.min_value, self.max_value)
        return float(low), float(high)


class HiringRecord(BaseModel):
    """One row of a hiring file: a vacancy, when it was posted and (if it was) when it was filled."""

    model_config = ConfigDict(extra="ignore")

    department: Text
    position_id: Text = Field(max_length=100)
    title: Annotated[Annotated[str, Field(max_length=300)] | None, BeforeValidator(_blank_to_none)] = None
    posted_date: Date
    filled_date: OptionalDate = None

    @field_validator("filled_date")
    @classmethod
    def _filled_after_posted(cls, filled: dt.date | None, info: ValidationInfo) -> dt.date | None:
        # A field validator, not a model one, so the error names the filled_date column.
        posted = info.data.get("posted_date")
        if filled is not None and posted is not None and filled < posted:
            raise ValueError(
                f"filled_date {filled.isoformat()} is before posted_date {posted.isoformat()}; "
                "a position is filled on or after the day it is posted"
            )
        return filled


def valid_ranges(unit, min_value, max_value) -> tuple:
    """The lowest and highest value each KPI accepts (scalars, or arrays of them): its min/max where set, and
    never below zero for counts, days, hours and minutes. The one rule for uploads, definitions and targets."""

    def numbers(values) -> np.ndarray:
        return pd.to_numeric(pd.Series(np.atleast_1d(np.asarray(values, dtype=object))), errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan
        )

    floor = np.where(np.isin(np.atleast_1d(np.asarray(unit, dtype=object)), list(NON_NEGATIVE_UNITS)), 0.0, -np.inf)
    low, high = np.fmax(numbers(min_value), floor), numbers(max_value)
    high = np.where(np.isnan(high), np.inf, high)
    return (low[0], high[0]) if np.ndim(unit) == 0 else (low, high)


def range_text(low: float, high: float) -> str:
    """'0 or more', '0 to 100': a valid range in words for error messages."""
    if high == float("inf"):
        return f"{low:g} or more"
    if low == float("-inf"):
        return f"{high:g} or less"
    return f"{low:g} to {high:g}"

