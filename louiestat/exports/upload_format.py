"""Writing stored data back out in exactly the CSV format it is uploaded in, so an exported file uploaded
again changes nothing. Whole numbers are written as integers (458, not 458.0), as a person would type them, and
formula-like text is guarded (see ``louiestat.exports.spreadsheet``)."""

from __future__ import annotations

from typing import TextIO

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from louiestat.exports.spreadsheet import csv_text
from louiestat.ingest.kinds import KindName
from louiestat.reading import queries

DEFINITION_COLUMNS = [
    "department", "department_name", "kpi", "kpi_name", "unit", "direction", "target", "tolerance_pct",
    "description", "aggregation", "min_value", "max_value", "enterprise", "weight", "source", "owner_email", "due_day",
    "public",
]


def definitions_frame(engine: Engine, department: str | None = None) -> pd.DataFrame:
    """Departments and KPI definitions as a definitions file."""
    kpis = queries.kpis(engine, department)
    for flag in ("enterprise", "public"):
        kpis[flag] = kpis[flag].map({True: "true", False: "false"})
    return kpis[DEFINITION_COLUMNS]


def values_frame(engine: Engine, department: str | None = None) -> pd.DataFrame:
    """Every stored value as a values file, with the target in force for each month. KPIs declared
    ``source=hiring`` are left out: they are derived from hiring records, which travel in the hiring export."""
    kpis = queries.kpis(engine, department)
    kpis = kpis[kpis["source"] == "reported"]
    with engine.connect() as conn:
        obs = queries.observations(conn, kpis["kpi_id"].tolist())
        targets = queries.targets(conn, kpis["kpi_id"].tolist())
    obs = obs.merge(kpis[["kpi_id", "department", "kpi", "target"]], on="kpi_id").sort_values(["period", "kpi_id"])
    if not targets.empty:
        targets = targets.sort_values("effective_from").rename(columns={"target": "set_target"})
        obs = pd.merge_asof(obs, targets, left_on="period", right_on="effective_from", by="kpi_id")
        obs["target"] = obs["set_target"].fillna(obs["target"])
    obs = obs.sort_values(["department", "kpi", "period"])
    return pd.DataFrame(
        {
            "department": obs["department"],
            "kpi": obs["kpi"],
            "period": obs["period"].dt.strftime("%Y-%m"),
            "value": obs["value"],
            "target": obs["target"],
            "note": obs["note"],
            "count": obs["count"].astype("Int64"),
        }
    )


def hiring_frame(engine: Engine, department: str | None = None) -> pd.DataFrame:
    """Every hiring record as a hiring file."""
    records = queries.hiring(engine, department)
    for column in ("posted_date", "filled_date"):
        records[column] = records[column].dt.strftime("%Y-%m-%d")
    return records[["department", "position_id", "title", "posted_date", "filled_date"]]


def process_changes_frame(engine: Engine, department: str | None = None) -> pd.DataFrame:
    """Every recorded process change as a process-changes file."""
    kpis = queries.kpis(engine, department)
    changes = queries.process_changes(engine, kpis["kpi_id"].tolist()).merge(kpis[["kpi_id", "department", "kpi"]])
    changes = changes.sort_values(["department", "kpi", "period"])
    return pd.DataFrame(
        {
            "department": changes["department"],
            "kpi": changes["kpi"],
            "period": changes["period"].dt.strftime("%Y-%m"),
            "reason": changes["reason"],
        }
    )


def whole_numbers_as_integers(numbers: pd.Series) -> pd.Series:
    """``numbers`` for writing: each whole number as an integer (458, not 458.0), others as they are. Only
    numbers a float holds exactly as an integer change, so the file reads back to the same values."""
    whole = (numbers == np.floor(numbers)) & (numbers.abs() < 2**53)
    written = numbers.astype(object)
    written[whole] = numbers[whole].astype("int64").to_numpy(dtype=object)
    return written


def with_whole_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each float column's whole numbers as integers (``whole_numbers_as_integers``)."""
    floats = frame.columns[[pd.api.types.is_float_dtype(dtype) for dtype in frame.dtypes]]
    return frame.assign(**{column: whole_numbers_as_integers(frame[column]) for column in floats})


EXPORTS = {
    "definitions": definitions_frame,
    "values": values_frame,
    "hiring": hiring_frame,
    "process_changes": process_changes_frame,
}


def export_csv(engine: Engine, kind: KindName, out: TextIO | None = None, department: str | None = None) -> str | None:
    """Write the ``kind`` file to ``out`` (or return it as text when ``out`` is None)."""
    text = csv_text(with_whole_numbers(EXPORTS[kind](engine, department)))
    if out is None:
        return text
    out.write(text)
    return None
