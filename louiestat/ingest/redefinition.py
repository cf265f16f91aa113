"""Redefining KPIs that have stored values: a definitions file may not make stored values or targets invalid
(a narrower min_value/max_value, a unit that is never negative), and a new direction, unit or aggregation
rescores the stored months, so the dry run says by how much and a commit needs it confirmed."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel
from sqlalchemy import Connection

from louiestat.ingest.problems import ProblemLog
from louiestat.ingest.schemas import valid_ranges
from louiestat.reading import queries
from metrics.fiscal import fiscal_quarters
from metrics.frames import AGGREGATION, KPI_ID, kpi_settings
from metrics.months import month_labels, month_number
from metrics.status import STATUS, status_frame

OUTSIDE_LISTED = 5
RESCORED_FIELDS = ("direction", "unit", "aggregation")


class Rescore(BaseModel):
    """A KPI with stored values whose direction, unit or aggregation a definitions file changes: its line, the
    fields, and how many stored months (and fiscal quarters) there are and would change status."""

    department: str
    kpi: str
    line: int
    changed: list[str]
    months: int
    months_changing_status: int
    quarters: int
    quarters_changing_status: int

    @property
    def effect(self) -> str:
        """'direction changes, which rescores 48 months of history: 31 months change status, as do 5 of 16
        fiscal quarters'."""
        return (
            f"{' and '.join(self.changed)} change{'s' if len(self.changed) == 1 else ''}, which rescores "
            f"{self.months:,} month{'s' if self.months != 1 else ''} of history: {self.months_changing_status:,} "
            f"month{'s' if self.months_changing_status != 1 else ''} change status, as do "
            f"{self.quarters_changing_status:,} of {self.quarters:,} fiscal quarters"
        )

    def __str__(self) -> str:
        return f"KPI '{self.kpi}' of department '{self.department}' (line {self.line}): {self.effect}"


def refuse_values_outside(conn: Connection, changed: pd.DataFrame, replaced: pd.DataFrame, log: ProblemLog) -> int:
    """Report each changed KPI (``changed`` beside its stored version in ``replaced``, both with ``id``) whose new
    valid range leaves stored values or targets outside, with how many and the first few; returns how many
    definitions lines were refused."""
    new_low, new_high = valid_ranges(changed["unit"].to_numpy(), changed["min_value"], changed["max_value"])
    old = replaced.set_index("id").reindex(changed["id"])
    old_low, old_high = valid_ranges(old["unit"].to_numpy(), old["min_value"], old["max_value"])
    narrowed = (new_low > old_low) | (new_high < old_high)
    if not narrowed.any():
        return 0
    ranges = changed.loc[narrowed, ["id", "department", "key", "line", "unit", "min_value", "max_value"]].assign(
        low=new_low[narrowed], high=new_high[narrowed], old_unit=old["unit"].to_numpy()[narrowed]
    )
    ids = ranges["id"].tolist()
    values = queries.observations(conn, ids)[["kpi_id", "period", "value"]].assign(what="")
    targets = queries.targets(conn, ids).rename(columns={"effective_from": "period", "target": "value"})
    stored = pd.concat([values, targets.assign(what="target from ")], ignore_index=True)
    stored = stored.merge(ranges, left_on="kpi_id", right_on="id").sort_values(["line", "period"], kind="stable")
    stored["side"] = np.select([stored["value"] > stored["high"], stored["value"] < stored["low"]], ["high", "low"], "")
    outside = stored[stored["side"] != ""]
    for (line, side), rows in outside.groupby(["line", "side"], sort=False):
        log.error(_outside_message(rows, side), line=int(line), **_outside_cell(rows.iloc[0], side))
    return outside["line"].nunique()


def _outside_cell(kpi: pd.Series, side: str) -> dict:
    """The column (and its value) a range problem is reported on: max_value, min_value, or the unit that set it."""
    if side == "high":
        return {"column": "max_value", "value": f"{kpi['max_value']:g}"}
    if pd.notna(kpi["min_value"]) and kpi["min_value"] == kpi["low"]:
        return {"column": "min_value", "value": f"{kpi['min_value']:g}"}
    return {"column": "unit", "value": kpi["unit"]}


def _outside_message(rows: pd.DataFrame, side: str) -> str:
    """How many stored values and targets of one KPI a new range leaves out, the first few, and what would do."""
    kpi, first_rows = rows.iloc[0], rows.head(OUTSIDE_LISTED)
    months = month_labels(month_number(first_rows["period"]))
    listed = "; ".join(
        f"{kpi['department']}, {kpi['key']}, {what}{month}: {value:g}"
        for what, month, value in zip(first_rows["what"], months, first_rows["value"])
    )
    more = ", …" if len(rows) > OUTSIDE_LISTED else ""
    counts = " and ".join(
        f"{n:,} stored {word}{'s' if n != 1 else ''}"
        for word, n in (("value", int((rows["what"] == "").sum())), ("target", int((rows["what"] != "").sum())))
        if n
    )
    first = f"(first: {listed}{more})" if more else f"({listed})"
    cell = _outside_cell(kpi, side)
    if side == "high":
        problem = f"max_value {cell['value']} is below {counts} of this KPI"
        accepted = f"give a max_value of {rows['value'].max():g} or more"
    elif cell["column"] == "min_value":
        problem = f"min_value {cell['value']} is above {counts} of this KPI"
        accepted = f"give a min_value of {rows['value'].min():g} or less"
    else:
        verb = "is" if len(rows) == 1 else "are"
        problem = f"a KPI in {kpi['unit']} is never negative, but {counts} of this KPI {verb}"
        accepted = f"keep the unit {kpi['old_unit']}"
    return f"{problem} {first}; {accepted}, or correct those values first"


def rescores(conn: Connection, changed: pd.DataFrame, replaced: pd.DataFrame, fy_start_month: int) -> list[Rescore]:
    """The changed KPIs with stored values whose direction, unit or aggregation (as it rolls up, defaults
    resolved) changes, with how many stored months and fiscal quarters would change status; all KPIs at once."""
    new, old = _metrics_kpis(changed), _metrics_kpis(replaced.set_index("id").reindex(changed["id"]).reset_index())
    differs = pd.DataFrame(
        {
            "direction": new["direction"].to_numpy() != old["direction"].to_numpy(),
            "unit": new["unit"].to_numpy() != old["unit"].to_numpy(),
            "aggregation": kpi_settings(new)[AGGREGATION].to_numpy() != kpi_settings(old)[AGGREGATION].to_numpy(),
        }
    )
    candidate = differs.any(axis=1).to_numpy()
    if not candidate.any():
        return []
    new, old, changed, differs = new[candidate], old[candidate], changed[candidate], differs[candidate]
    ids = changed["id"].tolist()
    observations, targets = queries.observations(conn, ids), queries.targets(conn, ids)
    before, after = status_frame(observations, old, targets), status_frame(observations, new, targets)
    months = observations.groupby(KPI_ID).size()
    changing = (before[STATUS] != after[STATUS]).groupby(observations[KPI_ID]).sum()
    quarter = ["kpi_id", "fiscal_year", "fiscal_quarter"]
    quarters = fiscal_quarters(observations, old, targets, fy_start_month).merge(
        fiscal_quarters(observations, new, targets, fy_start_month), on=quarter, suffixes=("_old", "_new")
    )
    quarters_changing = (quarters["status_old"] != quarters["status_new"]).groupby(quarters[KPI_ID]).agg(
        ["size", "sum"]
    )
    effects = pd.DataFrame(
        {
            "months": months,
            "months_changing_status": changing,
            "quarters": quarters_changing["size"],
            "quarters_changing_status": quarters_changing["sum"],
        }
    ).reindex(ids).fillna(0).astype("int64")
    return [
        Rescore(
            department=department,
            kpi=key,
            line=int(line),
            changed=[field for field in RESCORED_FIELDS if changes[field]],
            **effect,
        )
        for department, key, line, changes, effect in zip(
            changed["department"], changed["key"], changed["line"], differs.to_dict("records"),
            effects.to_dict("records"),
        )
        if effect["months"] > 0
    ]


def _metrics_kpis(kpis: pd.DataFrame) -> pd.DataFrame:
    """Stored or planned KPI rows as the ``kpis`` frame the metrics package takes (numbers as floats)."""
    numeric = ("target", "tolerance_pct", "weight")
    numbers = {c: pd.to_numeric(kpis[c], errors="coerce").astype("float64") for c in numeric}
    aggregation = kpis["aggregation"].astype(object).where(kpis["aggregation"].notna(), None)
    return kpis.rename(columns={"id": KPI_ID}).assign(aggregation=aggregation, **numbers).reset_index(drop=True)
