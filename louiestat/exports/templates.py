"""Blank upload files to fill in, in the exact CSV format each upload kind takes."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from louiestat.exports.spreadsheet import csv_text
from louiestat.exports.upload_format import DEFINITION_COLUMNS, definitions_frame, with_whole_numbers
from louiestat.ingest import KINDS
from louiestat.reading.views import City
from metrics.status import targets_in_force


def template_csv(engine: Engine, city: City, kind: str, department: str | None) -> str:
    """A blank upload file for ``kind``: for values, one row per KPI the department reports, for the next month
    due, each KPI's name, unit and target in force beside its key (columns the upload ignores); for definitions,
    the department's current definitions to edit."""
    columns = list(KINDS[kind].columns)
    if kind == "definitions":
        frame = definitions_frame(engine, department) if department else pd.DataFrame(columns=DEFINITION_COLUMNS)
    elif kind == "values" and department:
        mine = city.kpis[(city.kpis["department"] == department) & (city.kpis["source"] == "reported")]
        mine = mine.sort_values("kpi").assign(period=city.next_month_due(department))
        frame = with_whole_numbers(pd.DataFrame({
            "department": department, "kpi": mine["kpi"], "kpi_name": mine["kpi_name"], "unit": mine["unit"],
            "current_target": targets_in_force(city.kpis, city.targets, mine).to_numpy(),
            "period": mine["period"].dt.strftime("%Y-%m"), "value": "", "target": "", "note": "", "count": "",
        }))
    elif kind == "hiring" and department:
        frame = pd.DataFrame([{"department": department, "position_id": "", "title": "", "posted_date": "",
                               "filled_date": ""}])
    else:
        frame = pd.DataFrame(columns=columns)
    return csv_text(frame)
