"""The three kinds of upload, their columns, and telling them apart from a header."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from louiestat.errors import UnknownKind

KindName = Literal["definitions", "values", "hiring", "process_changes"]


@dataclass(frozen=True)
class Kind:
    """An upload kind: the columns it needs and the ones it may have."""

    name: KindName
    required: tuple[str, ...]
    optional: tuple[str, ...]
    purpose: str

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "definitions",
            ("department", "department_name", "kpi", "kpi_name", "unit", "direction", "target"),
            ("tolerance_pct", "description", "aggregation", "min_value", "max_value", "enterprise", "weight"),
            "departments and KPI definitions",
        ),
        Kind("values", ("department", "kpi", "period", "value"), ("target", "note"), "monthly KPI values"),
        Kind(
            "hiring",
            ("department", "position_id", "posted_date", "filled_date"),
            ("title",),
            "HR hiring records, one row per position",
        ),
        Kind(
            "process_changes",
            ("department", "kpi", "period", "reason"),
            (),
            "process changes: the month a KPI's way of working changed (its SPC limits start afresh)",
        ),
    )
}


def detect_kind(header: list[str]) -> Kind:
    """The kind the header is of: a position_id means hiring, a direction or unit definitions, a reason without
    a value process changes, a period or value values."""
    columns = set(header)
    if "position_id" in columns:
        return KINDS["hiring"]
    if columns & {"direction", "unit", "kpi_name", "department_name"}:
        return KINDS["definitions"]
    if "reason" in columns and "value" not in columns:
        return KINDS["process_changes"]
    if {"period", "value"} & columns:
        return KINDS["values"]
    expected = "; ".join(f"{k.name}: {', '.join(k.required)}" for k in KINDS.values())
    raise UnknownKind(
        f"cannot tell what this file holds from its header ({', '.join(header)}); the header needs the columns of "
        f"one kind — {expected}"
    )
