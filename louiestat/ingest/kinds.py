"""The kinds of upload, each one entry that carries everything the upload needs: its columns, how a chunk of
rows is validated, which columns must be unique within a file, the whole-file checks, and how the valid rows
are planned against what is stored. A new kind is one more entry in ``KINDS``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from louiestat.errors import UnknownKind
from louiestat.ingest import plan, validate
from louiestat.ingest.catalog import Catalog
from louiestat.ingest.options import ReadOptions
from louiestat.ingest.problems import ProblemLog, quote
from louiestat.ingest.source import Chunk
from metrics.months import month_labels

KindName = Literal["definitions", "values", "hiring", "process_changes"]

Validator = Callable[[Chunk, Catalog, ProblemLog, ReadOptions], pd.DataFrame]
KeyLabel = Callable[[pd.DataFrame, Catalog], list[str]]
FileCheck = Callable[[pd.DataFrame, Catalog, ProblemLog, validate.Locate], np.ndarray]
Planner = Callable[[Connection, pd.DataFrame, Catalog, ProblemLog], plan.Plan]


@dataclass(frozen=True)
class Kind:
    """An upload kind: the columns it needs and may have, and its steps. ``validate`` turns a chunk into its
    valid rows (with their ``line``); ``key`` names the columns that identify a row, so a key given twice in a
    file is an error (``label`` says each row's key in words); ``check`` looks at all valid rows at once
    (returning the rows it refuses; its ``Locate`` gives the file lines a message names); ``plan`` diffs them
    against the database, reporting rows that clash with what is stored. ``unreported_if_blank`` names the
    column whose blank cell means the month was not reported: such rows are skipped when the analyst asks
    (``ReadOptions.skip_blank``), else refused. ``ignored`` names the columns the app's own template adds for the
    person filling it in: read by no one, and no warning."""

    name: KindName
    required: tuple[str, ...]
    optional: tuple[str, ...]
    purpose: str
    validate: Validator
    key: tuple[str, ...]
    label: KeyLabel
    plan: Planner
    check: FileCheck | None = None
    unreported_if_blank: str | None = None
    ignored: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


def _kpi_month(rows: pd.DataFrame, catalog: Catalog) -> list[str]:
    keys = rows["kpi_id"].map(catalog.kpis.set_index("id")["key"])
    return [f"KPI '{key}' for {month}" for key, month in zip(keys, month_labels(rows["period"]))]


def _position(rows: pd.DataFrame, catalog: Catalog) -> list[str]:
    slugs = rows["department_id"].map(catalog.departments.set_index("id")["slug"])
    return [
        f"position '{quote(position)}' of department '{slug}'" for position, slug in zip(rows["position_id"], slugs)
    ]


def _definition(rows: pd.DataFrame, catalog: Catalog) -> list[str]:
    return [
        f"KPI '{quote(kpi)}' of department '{quote(department)}'"
        for kpi, department in zip(rows["kpi"], rows["department"])
    ]


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "definitions",
            ("department", "department_name", "kpi", "kpi_name", "unit", "direction", "target"),
            ("tolerance_pct", "description", "aggregation", "min_value", "max_value", "enterprise", "weight",
             "source", "owner_email", "due_day", "public"),
            "departments and KPI definitions",
            validate=validate.validate_definitions,
            key=("department", "kpi"),
            label=_definition,
            plan=plan.plan_definitions,
            check=validate.check_definition_names,
        ),
        Kind(
            "values",
            ("department", "kpi", "period", "value"),
            ("target", "note", "count"),
            "monthly KPI values",
            validate=validate.validate_values,
            key=("kpi_id", "period"),
            label=_kpi_month,
            plan=plan.plan_values,
            check=validate.check_values_file,
            unreported_if_blank="value",
            ignored=("kpi_name", "unit", "current_target"),
        ),
        Kind(
            "hiring",
            ("department", "position_id", "posted_date", "filled_date"),
            ("title",),
            "HR hiring records, one row per position",
            validate=validate.validate_hiring,
            key=("department_id", "position_key"),
            label=_position,
            plan=plan.plan_hiring,
        ),
        Kind(
            "process_changes",
            ("department", "kpi", "period", "reason"),
            (),
            "process changes: the month a KPI's way of working changed (its SPC limits start afresh)",
            validate=validate.validate_process_changes,
            key=("kpi_id", "period"),
            label=_kpi_month,
            plan=plan.plan_process_changes,
        ),
    )
}


def detect_kind(header: list[str]) -> Kind:
    """The kind the header is of: a position_id means hiring, a period and a value values (the values template
    also names each KPI and its unit), a direction or unit definitions, a reason without a value process
    changes, a period or value values."""
    columns = set(header)
    if "position_id" in columns:
        return KINDS["hiring"]
    if {"period", "value"} <= columns:
        return KINDS["values"]
    if columns & {"direction", "unit", "kpi_name", "department_name"}:
        return KINDS["definitions"]
    if "reason" in columns and "value" not in columns:
        return KINDS["process_changes"]
    if {"period", "value"} & columns:
        return KINDS["values"]
    expected = "; ".join(f"{k.name}: {', '.join(k.required)}" for k in KINDS.values())
    raise UnknownKind(
        f"cannot tell what this file holds from its header ({quote(', '.join(header))}); the header needs the "
        f"columns of one kind — {expected}"
    )
