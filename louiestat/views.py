"""What the pages show, computed from stored data without any Streamlit: the city's frames, scorecards,
KPI histories and upload templates. Pages cache these and only lay them out."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select

from louiestat import queries
from louiestat.db import bulk, models
from louiestat.db.versioned import month_index
from louiestat.export import DEFINITION_COLUMNS, definitions_frame
from louiestat.ingest import KINDS
from louiestat.months import month_start


@dataclass(frozen=True)
class City:
    """Every department's KPIs, values and targets, as the ``metrics`` package takes them."""

    kpis: pd.DataFrame
    observations: pd.DataFrame
    targets: pd.DataFrame

    @classmethod
    def load(cls, engine: Engine) -> City:
        with engine.connect() as conn:
            return cls(queries.kpis(conn), queries.observations(conn), queries.targets(conn))

    @property
    def is_empty(self) -> bool:
        return self.kpis.empty

    @property
    def months(self) -> list[pd.Timestamp]:
        """Months with any data, newest first."""
        return sorted(self.observations["period"].unique(), reverse=True)

    @property
    def latest_month(self) -> pd.Timestamp | None:
        return self.observations["period"].max() if not self.observations.empty else None

    def departments(self) -> pd.DataFrame:
        """``department, department_name`` ordered by name."""
        return (
            self.kpis[["department", "department_name"]]
            .drop_duplicates()
            .sort_values("department_name")
            .reset_index(drop=True)
        )

    def next_month_due(self, department: str) -> pd.Timestamp:
        """The month after the department's latest reported month (the city's latest when it has none)."""
        ids = self.kpis.loc[self.kpis["department"] == department, "kpi_id"]
        mine = self.observations.loc[self.observations["kpi_id"].isin(ids), "period"]
        latest = mine.max() if not mine.empty else self.latest_month
        if latest is None or pd.isna(latest):
            today = pd.Timestamp.today()
            return pd.Timestamp(year=today.year, month=today.month, day=1) - pd.DateOffset(months=1)
        return latest + pd.DateOffset(months=1)


def value_history(engine: Engine, kpi_id: int) -> pd.DataFrame:
    """Every version of a KPI's values: current ones and replaced ones, with the batch that wrote each,
    when and by whom, newest first per month."""
    o, h, b = models.Observation, models.observation_history, models.Batch
    current = select(
        month_index(o.period).label("month"), o.value, o.note, o.batch_id, b.created_at, b.actor, b.source
    ).join(b, b.id == o.batch_id).where(o.kpi_id == kpi_id)
    replaced = select(
        month_index(h.c.period).label("month"),
        h.c.value,
        h.c.note,
        h.c.batch_id,
        b.created_at,
        b.actor,
        b.source,
        h.c.superseded_by_batch_id,
    ).join(b, b.id == h.c.batch_id).where(h.c.kpi_id == kpi_id)
    with engine.connect() as conn:
        now = bulk.fetch_frame(conn, current).assign(superseded_by_batch_id=pd.NA, current=True)
        old = bulk.fetch_frame(conn, replaced).assign(current=False)
    frame = pd.concat([now, old], ignore_index=True) if not old.empty else now
    frame.insert(0, "period", month_start(frame.pop("month")) if len(frame) else pd.Series(dtype="datetime64[ns]"))
    return frame.sort_values(["period", "current", "batch_id"], ascending=[False, False, False]).reset_index(drop=True)


def template_csv(engine: Engine, city: City, kind: str, department: str | None) -> str:
    """A blank upload file for ``kind``: for values, one row per KPI of the department for the next month due."""
    columns = list(KINDS[kind].columns)
    if kind == "definitions":
        frame = definitions_frame(engine, department) if department else pd.DataFrame(columns=DEFINITION_COLUMNS)
    elif kind == "values" and department:
        mine = city.kpis[city.kpis["department"] == department].sort_values("kpi")
        due = city.next_month_due(department).strftime("%Y-%m")
        frame = pd.DataFrame({"department": department, "kpi": mine["kpi"], "period": due, "value": "", "target": "",
                              "note": ""})
        frame = frame[~mine["kpi"].eq("time_to_fill").to_numpy()]
    elif kind == "hiring" and department:
        frame = pd.DataFrame([{"department": department, "position_id": "", "title": "", "posted_date": "",
                               "filled_date": ""}])
    else:
        frame = pd.DataFrame(columns=columns)
    out = io.StringIO()
    frame.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()

