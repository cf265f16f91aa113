"""What a validated upload would change: diffs of every affected table against what is stored. The same plan
serves the dry run (report it) and the commit (apply it), so the dry run says exactly what a commit would do.
Rows that clash with what is stored (a position id that could mean two stored ones, a KPI range that stored
values fall outside) are reported to the problem log while planning."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from pydantic import BaseModel
from sqlalchemy import Connection, select

from louiestat.config import get_settings
from louiestat.db import models
from louiestat.db.versioned import (
    DEPARTMENTS,
    KPIS,
    OBSERVATIONS,
    POSITIONS,
    PROCESS_CHANGES,
    TARGETS,
    RowDiff,
    Versioned,
    apply_diff,
    diff_rows,
)
from louiestat.ingest.catalog import Catalog, fold
from louiestat.ingest.problems import ProblemLog
from louiestat.ingest.redefinition import Rescore, refuse_values_outside, rescores
from louiestat.ingest.schemas import KpiDefinition
from metrics.hiring import time_to_fill_by_month
from metrics.months import month_label, month_number

CORRECTIONS_LISTED = 200


class Correction(BaseModel):
    """A stored value a values file would replace: which KPI and month, the value now and the new one."""

    department: str
    kpi: str
    period: str
    stored: float
    new: float


def _first_of_month(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass
class Step:
    """One table's diff; ``resolve`` fills in what is only known at write time (ids of rows created earlier
    in the same batch)."""

    spec: Versioned
    diff: RowDiff
    resolve: Callable[[Connection, RowDiff], RowDiff] | None = None


@dataclass
class Plan:
    """The diffs an upload makes, in write order. ``primary`` is the diff of the table the file's rows are
    (reported as new, changed, unchanged); the others are reported as ``details``. ``rescores`` lists the KPIs
    whose stored months a commit would score anew (it needs confirming); ``refused`` counts the rows planning
    reported as errors."""

    primary: RowDiff
    steps: list[Step]
    details: dict[str, int] = field(default_factory=dict)
    corrections: list[Correction] = field(default_factory=list)
    rescores: list[Rescore] = field(default_factory=list)
    refused: int = 0

    @property
    def changes_anything(self) -> bool:
        return any(step.diff.changes_anything for step in self.steps)

    def apply(self, conn: Connection, batch_id: int) -> None:
        for step in self.steps:
            diff = step.resolve(conn, step.diff) if step.resolve else step.diff
            apply_diff(conn, step.spec, diff, batch_id)


def plan_values(conn: Connection, rows: pd.DataFrame, catalog: Catalog, log: ProblemLog) -> Plan:
    """Observations to insert or correct, and targets the file sets from a month on."""
    # Without a note or count column the stored ones stay; a blank cell in such a column clears one.
    compare = [c for c in ("value", "note", "count") if c in rows]
    incoming = rows[["kpi_id", "period", *compare]]
    t = OBSERVATIONS.table
    kpi_ids = sorted(set(incoming["kpi_id"].tolist()))
    existing = OBSERVATIONS.read(
        conn,
        t.c.kpi_id.in_(kpi_ids),
        t.c.period >= _first_of_month(int(incoming["period"].min())),
        t.c.period <= _first_of_month(int(incoming["period"].max())),
    ) if kpi_ids else OBSERVATIONS.read(conn, t.c.kpi_id.in_([]))
    observations = diff_rows(existing, incoming, ["kpi_id", "period"], compare)
    corrections = _corrections(observations, catalog)
    targets = _plan_targets(conn, rows, catalog)
    if targets is None:
        return Plan(primary=observations, steps=[Step(OBSERVATIONS, observations)], corrections=corrections)
    details = {f"targets_{k}": v for k, v in targets.counts.items() if k != "deleted"}
    steps = [Step(TARGETS, targets), Step(OBSERVATIONS, observations)]
    return Plan(primary=observations, steps=steps, details=details, corrections=corrections)


def _corrections(observations: RowDiff, catalog: Catalog) -> list[Correction]:
    """The first stored values a values file would change, old beside new, for the analyst to check."""
    changed = observations.changed.head(CORRECTIONS_LISTED)
    if changed.empty:
        return []
    old = observations.replaced[["kpi_id", "period", "value"]].rename(columns={"value": "stored"})
    rows = changed[["kpi_id", "period", "value"]].merge(old, on=["kpi_id", "period"])
    kpis = catalog.kpis.set_index("id")
    slugs = catalog.departments.set_index("id")["slug"]
    return [
        Correction(
            department=slugs[kpis.at[kpi_id, "department_id"]],
            kpi=kpis.at[kpi_id, "key"],
            period=month_label(int(period)),
            stored=stored,
            new=new,
        )
        for kpi_id, period, new, stored in rows.itertuples(index=False)
    ]


def plan_process_changes(conn: Connection, rows: pd.DataFrame, catalog: Catalog, log: ProblemLog) -> Plan:
    """Process changes to record or re-word, matched by KPI and month (the Manage page removes them)."""
    incoming = rows[["kpi_id", "period", "reason"]]
    stored = PROCESS_CHANGES.read(conn, PROCESS_CHANGES.table.c.kpi_id.in_(sorted(set(incoming["kpi_id"].tolist()))))
    changes = diff_rows(stored, incoming, ["kpi_id", "period"], ["reason"])
    return Plan(primary=changes, steps=[Step(PROCESS_CHANGES, changes)])


def _plan_targets(conn: Connection, rows: pd.DataFrame, catalog: Catalog) -> RowDiff | None:
    """Targets set in the file, minus those that only repeat the target already in force at that month
    (an exported file carries the target on every row; uploading it again must change nothing)."""
    given = rows.loc[rows["target"].notna(), ["kpi_id", "period", "target"]]
    if given.empty:
        return None
    given = given.rename(columns={"period": "effective_from", "target": "value"})
    stored = TARGETS.read(conn, TARGETS.table.c.kpi_id.in_(sorted(set(given["kpi_id"].tolist()))))
    stored_keys = stored[["kpi_id", "effective_from"]].assign(stored=True)
    timeline = pd.concat(
        [
            stored[["kpi_id", "effective_from", "value"]].merge(
                given[["kpi_id", "effective_from"]], how="left", indicator=True
            ).query("_merge == 'left_only'").drop(columns="_merge").assign(from_file=False),
            given.assign(from_file=True),
        ],
        ignore_index=True,
    ).sort_values(["kpi_id", "effective_from"], kind="stable")
    defaults = catalog.kpis.set_index("id")["target"]
    before = timeline.groupby("kpi_id")["value"].shift(1)
    before = before.fillna(timeline["kpi_id"].map(defaults))
    repeats = (timeline["value"] == before).to_numpy()
    timeline = timeline.merge(stored_keys, on=["kpi_id", "effective_from"], how="left")
    keep = timeline["from_file"].to_numpy() & (~repeats | timeline["stored"].fillna(False).to_numpy(dtype=bool))
    # Concatenating with an empty stored frame leaves object columns; month columns must be integers to be written.
    incoming = timeline.loc[keep, ["kpi_id", "effective_from", "value"]].astype(
        {"kpi_id": "int64", "effective_from": "int64", "value": "float64"}
    )
    return diff_rows(stored, incoming, ["kpi_id", "effective_from"], ["value"])


KPI_FIELDS = {
    "kpi": "key",
    "kpi_name": "name",
    "description": "description",
    "unit": "unit",
    "direction": "direction",
    "target": "target",
    "tolerance_pct": "tolerance_pct",
    "aggregation": "aggregation",
    "min_value": "min_value",
    "max_value": "max_value",
    "enterprise": "enterprise",
    "weight": "weight",
    "source": "source",
    "owner_email": "owner_email",
    "due_day": "due_day",
    "public": "public",
}


def plan_definitions(conn: Connection, rows: pd.DataFrame, catalog: Catalog, log: ProblemLog) -> Plan:
    """Departments and KPIs to create or update, matched by department slug and KPI key. A changed KPI may not
    leave stored values outside its range; one whose stored months it rescores is listed (see ``redefinition``)."""
    departments_in = rows.drop_duplicates("department")[["department", "department_name"]].rename(
        columns={"department": "slug", "department_name": "name"}
    )
    departments = diff_rows(DEPARTMENTS.read(conn), departments_in, ["slug"], ["name"])
    stored_departments = DEPARTMENTS.read(conn)
    stored = KPIS.read(conn)
    stored["department"] = stored["department_id"].map(stored_departments.set_index("id")["slug"])
    # Columns the file leaves out keep their stored values; new KPIs get the definition's defaults for them.
    present = [c for c in KPI_FIELDS if c in rows]
    incoming = rows[["department", *present]].rename(columns=KPI_FIELDS)
    compare = [KPI_FIELDS[c] for c in present if c != "kpi"]
    kpis = diff_rows(stored, incoming, ["department", "key"], compare)
    absent = {KPI_FIELDS[c]: KpiDefinition.model_fields[c].default for c in KPI_FIELDS if c not in rows}
    kpis.new = kpis.new.assign(**absent)
    details = {f"departments_{k}": v for k, v in departments.counts.items() if k != "deleted"}
    steps = [Step(DEPARTMENTS, departments), Step(KPIS, kpis, _resolve_department_ids)]
    if kpis.changed.empty:
        return Plan(primary=kpis, steps=steps, details=details)
    changed = kpis.changed.merge(rows[["department", "kpi", "line"]].rename(columns={"kpi": "key"}))
    return Plan(
        primary=kpis,
        steps=steps,
        details=details,
        refused=refuse_values_outside(conn, changed, kpis.replaced, log),
        rescores=rescores(conn, changed, kpis.replaced, get_settings().fiscal_year_start_month),
    )


def _resolve_department_ids(conn: Connection, kpis: RowDiff) -> RowDiff:
    """New KPIs name their department by slug; once departments are written, give them its id."""
    ids = {slug: id_ for slug, id_ in conn.execute(select(models.Department.slug, models.Department.id))}
    new = kpis.new.assign(department_id=kpis.new["department"].map(ids))
    return RowDiff(
        new=new.drop(columns="department"),
        changed=kpis.changed.drop(columns="department"),
        replaced=kpis.replaced.drop(columns="department"),
        unchanged=kpis.unchanged,
    )


def plan_hiring(conn: Connection, rows: pd.DataFrame, catalog: Catalog, log: ProblemLog) -> Plan:
    """Positions to insert or correct, matched as stored (see ``_stored_spellings``), and the values they imply
    for their departments' KPIs declared ``source=hiring`` (time to fill)."""
    # Without a title column the stored titles stay.
    compare = [c for c in ("title", "posted_date", "filled_date") if c in rows]
    department_ids = sorted(set(rows["department_id"].tolist()))
    stored = POSITIONS.read(conn, POSITIONS.table.c.department_id.in_(department_ids))
    position_ids, ambiguous = _stored_spellings(rows, stored, catalog, log)
    incoming = rows.assign(position_id=position_ids).loc[~ambiguous, ["department_id", "position_id", *compare]]
    positions = diff_rows(stored, incoming, ["department_id", "position_id"], compare)
    time_to_fill, details = _plan_time_to_fill(conn, stored, incoming, catalog)
    steps = [Step(POSITIONS, positions)] + ([Step(OBSERVATIONS, time_to_fill)] if time_to_fill else [])
    return Plan(primary=positions, steps=steps, details=details, refused=int(ambiguous.sum()))


AMBIGUOUS_POSITION = (
    "position id '{given}' matches {count} stored positions of department '{department}' that differ only in case "
    "or spacing ({spellings}), so it could mean any of them; use the exact spelling of the one it is"
)


def _stored_spellings(
    rows: pd.DataFrame, stored: pd.DataFrame, catalog: Catalog, log: ProblemLog
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's position id as stored: its exact spelling, else the one stored id of its department equal to it
    ignoring case and spacing (the first spelling seen stays), else its own (a new position). Also the rows
    whose id matches several stored ids only so (older uploads kept such twins), reported naming them."""
    keys = ["department_id", "folded"]
    spellings = (
        stored[["department_id", "position_id"]]
        .assign(folded=fold(stored["position_id"]))
        .groupby(keys)["position_id"]
        .agg(["first", "size", lambda ids: ", ".join(sorted(ids))])
        .set_axis(["stored", "matches", "spellings"], axis=1)
        .reset_index()
    )
    exact = pd.MultiIndex.from_frame(rows[["department_id", "position_id"]]).isin(
        pd.MultiIndex.from_frame(stored[["department_id", "position_id"]])
    )
    found = rows[["line", "department_id", "position_id", "position_key"]].rename(columns={"position_key": "folded"})
    found = found.merge(spellings, on=keys, how="left")
    single = ~exact & (found["matches"] == 1).to_numpy()
    ambiguous = ~exact & (found["matches"] > 1).to_numpy()
    slugs = catalog.departments.set_index("id")["slug"]
    for row in found[ambiguous].itertuples(index=False):
        log.error(
            AMBIGUOUS_POSITION.format(
                given=row.position_id, count=row.matches, department=slugs[row.department_id], spellings=row.spellings
            ),
            line=row.line,
            column="position_id",
            value=row.position_id,
        )
    return np.where(single, found["stored"].to_numpy(), rows["position_id"].to_numpy()), ambiguous


def _plan_time_to_fill(
    conn: Connection, stored: pd.DataFrame, incoming: pd.DataFrame, catalog: Catalog
) -> tuple[RowDiff | None, dict[str, int]]:
    """Monthly mean days to fill per department, recomputed from all its positions after the upload and
    written, with the number of positions filled as the month's count, as the values of its KPIs declared
    ``source=hiring`` (months that no longer have a filled position are removed)."""
    kpis = catalog.kpis[catalog.kpis["source"] == "hiring"][["id", "department_id"]]
    kpis = kpis[kpis["department_id"].isin(incoming["department_id"])]
    missing = int(incoming["department_id"].nunique() - kpis["department_id"].nunique())
    details = {"departments_without_time_to_fill_kpi": missing} if missing else {}
    if kpis.empty:
        return None, details
    merged = pd.concat([stored.drop(columns="batch_id"), incoming], ignore_index=True).drop_duplicates(
        ["department_id", "position_id"], keep="last"
    )
    merged = merged[merged["department_id"].isin(kpis["department_id"])]
    monthly = time_to_fill_by_month(merged.rename(columns={"department_id": "department"}))
    values = monthly.merge(kpis, left_on="department", right_on="department_id")
    derived = pd.DataFrame(
        {
            "kpi_id": values["id"].to_numpy(dtype="int64"),
            "period": month_number(values["period"]),
            "value": values["mean_days"].to_numpy(dtype="float64"),
            "note": pd.Series([None] * len(values), dtype=object),
            "count": values["filled"].to_numpy(dtype="float64"),
        }
    )
    existing = OBSERVATIONS.read(conn, OBSERVATIONS.table.c.kpi_id.in_(kpis["id"].tolist()))
    diff = diff_rows(existing, derived, ["kpi_id", "period"], ["value", "note", "count"], delete_missing=True)
    details.update({f"time_to_fill_values_{k}": v for k, v in diff.counts.items()})
    return diff, details

