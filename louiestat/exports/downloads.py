"""Scorecards to take away: plain values for CSV and Excel (numbers stay numbers, units in their own column)
and JSON for other tools. Unlike ``louiestat.exports.upload_format`` these are reports, not files to upload again."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from louiestat.presentation.text import display_frame
from louiestat.presentation.words import direction_words
from louiestat.reading.views import published
from metrics.status import STATUSES

SCORECARD_COLUMNS = [
    "department", "kpi", "kpi_name", "unit", "direction", "as_of", "period", "value", "target", "status",
    "change", "change_pct", "change_direction", "change_yoy", "change_yoy_pct", "yoy_direction", "trend",
    "variation", "rule", "assurance", "trial_limits", "fy_label", "fytd_value", "fytd_target", "fytd_status",
    "score_month", "score_3m", "score_12m", "projection_text", "explanation", "note", "provisional",
]


def scorecard_download(card: pd.DataFrame, *, public: bool = False) -> pd.DataFrame:
    """The scorecard as plain values: months as ``YYYY-MM``, a missing comparison as 'no comparison', numbers
    rounded to 4 decimals (no float noise such as 60.30000000000001 in a spreadsheet), names and notes with their
    bidirectional controls shown as escapes (spreadsheets reorder text by them too); for a visitor who has not
    signed in (``public``) without the analysts' notes."""
    frame = card[published(SCORECARD_COLUMNS, public)].copy()
    for month in ("as_of", "period"):
        frame[month] = frame[month].dt.strftime("%Y-%m")
    for judged in ("change_direction", "yoy_direction", "trend"):
        frame[judged] = direction_words(frame[judged])
    numbers = frame.select_dtypes("number").columns
    frame[numbers] = frame[numbers].round(4)
    return display_frame(frame)


def plain(value: Any) -> Any:
    """A cell as JSON takes it: None for a missing or non-finite number, Python scalars for numpy ones."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


DERIVED = ["change_pct", "fytd_value", "score_month"]


def scorecard_records(card: pd.DataFrame) -> list[dict[str, Any]]:
    """One JSON object per KPI of a scorecard, as the page shows it (see the README for the keys)."""
    rows = card.assign(period=card["period"].dt.strftime("%Y-%m"))
    rows[DERIVED] = rows[DERIVED].round(4)
    keys = {
        "kpi": "kpi", "name": "kpi_name", "unit": "unit", "direction": "direction", "period": "period",
        "latest": "value", "target": "target", "status": "status", "change_pct": "change_pct",
        "change_direction": "change_direction", "trend": "trend", "ytd": "fytd_value", "ytd_target": "fytd_target",
        "ytd_status": "fytd_status", "score": "score_month", "variation": "variation", "assurance": "assurance",
        "explanation": "explanation", "note": "note", "provisional": "provisional",
    }
    records = rows[list(keys.values())].set_axis(list(keys), axis=1).to_dict("records")
    return [{key: plain(value) for key, value in record.items()} for record in records]


def city_record(summary: pd.Series, departments: pd.DataFrame, as_of: str, reported: str | None) -> dict[str, Any]:
    """The city's scorecard as one JSON object: the as-of month, whether it is complete (``reported`` says how
    far when it is not) and provisional, the city's scores and one object per department."""
    rows = departments.rename(columns={"department_name": "name", "score_month": "score"})
    rows[["score", "score_3m", "score_12m"]] = rows[["score", "score_3m", "score_12m"]].round(4)
    columns = ["department", "name", "score", "score_3m", "score_12m", "kpis_reported", "kpis", "overdue",
               "provisional", *STATUSES]
    return {
        "as_of": as_of,
        "complete": reported is None,
        "reported": reported,
        "provisional": plain(summary["provisional"]),
        **{key: plain(round(summary[f"score_{window}"], 4)) for key, window in
           (("score", "month"), ("score_3m", "3m"), ("score_12m", "12m"))},
        "departments_reported": plain(summary["departments_reported"]),
        "kpis_reported": plain(summary["kpis_reported"]),
        "kpis_reportable": plain(summary["kpis_reportable"]),
        "departments": [{k: plain(v) for k, v in r.items()} for r in rows[columns].to_dict("records")],
    }
