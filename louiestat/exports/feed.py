"""The open-data feed: the city's KPIs and their monthly values, targets, status and score, as CSV or JSON, the
way Boston publishes CityScore. Read-only and computed by the same metrics as the pages, so the feed and the
dashboard never disagree. Analysts' notes are not published."""

from __future__ import annotations

import json

import pandas as pd

from louiestat.errors import UnknownDepartment
from louiestat.exports.downloads import plain
from louiestat.exports.spreadsheet import csv_text
from louiestat.exports.upload_format import with_whole_numbers
from louiestat.reading.views import City
from metrics.scores import kpi_score
from metrics.status import status_frame

KPI_COLUMNS = [
    "department", "department_name", "kpi", "kpi_name", "description", "unit", "direction", "target",
    "tolerance_pct", "aggregation", "enterprise", "source",
]
VALUE_COLUMNS = ["department", "kpi", "period", "value", "target", "status", "score"]
BOOLEANS = {True: "true", False: "false"}  # as a definitions file writes them


def kpis_feed(city: City) -> pd.DataFrame:
    """Every KPI's definition, by department and KPI key (``target`` is its default target)."""
    return city.kpis.sort_values(["department", "kpi"])[KPI_COLUMNS].reset_index(drop=True)


def values_feed(city: City, department: str | None = None) -> pd.DataFrame:
    """Every reported month of every KPI (or one department's), with the target in force that month, the
    month's status against it and its score (value / target, target / value when lower is better)."""
    kpis = city.kpis
    if department is not None:
        if department not in set(kpis["department"]):
            raise UnknownDepartment(department, sorted(set(kpis["department"])))
        kpis = kpis[kpis["department"] == department]
    observations = city.observations[city.observations["kpi_id"].isin(kpis["kpi_id"])]
    months = status_frame(observations[["kpi_id", "period", "value"]], city.kpis, city.targets)
    months = months.merge(kpis[["kpi_id", "department", "kpi", "direction"]], on="kpi_id")
    months["score"] = kpi_score(months["value"], months["target"], months["direction"]).round(4)
    months["period"] = months["period"].dt.strftime("%Y-%m")
    return months.sort_values(["department", "kpi", "period"])[VALUE_COLUMNS].reset_index(drop=True)


def as_csv(frame: pd.DataFrame) -> str:
    """A feed as CSV, written as data the way exports are: whole numbers as integers (``600``, not ``600.0``),
    booleans as ``true``/``false``, and text that a spreadsheet would run as a formula guarded."""
    written = with_whole_numbers(frame)
    booleans = frame.columns[[pd.api.types.is_bool_dtype(dtype) for dtype in frame.dtypes]]
    return csv_text(written.assign(**{column: frame[column].map(BOOLEANS) for column in booleans}))


def as_json(frame: pd.DataFrame) -> str:
    """A feed as a JSON list of objects with the CSV's numbers (``600``), booleans as JSON's, missing as null."""
    records = with_whole_numbers(frame).to_dict("records")
    return json.dumps([{key: plain(value) for key, value in record.items()} for record in records])
