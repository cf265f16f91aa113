"""Reads for the metrics package and the pages: stored data as DataFrames in the shapes ``metrics.frames``
documents, one query per frame (never one per KPI)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import Connection, Engine, select

from louiestat.db import bulk, models
from louiestat.db.versioned import sql_month_number
from metrics.months import month_start

D, K, T, O, P = models.Department, models.Kpi, models.Target, models.Observation, models.Position


def _connection(source: Engine | Connection):
    return source.connect() if isinstance(source, Engine) else _Borrowed(source)


class _Borrowed:
    """Use a caller's connection in a ``with`` block without closing it."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def __enter__(self) -> Connection:
        return self.conn

    def __exit__(self, *exc: object) -> None:
        return None


def departments(source: Engine | Connection) -> pd.DataFrame:
    """``department_id, department, department_name`` ordered by name."""
    with _connection(source) as conn:
        return bulk.fetch_frame(
            conn, select(D.id.label("department_id"), D.slug.label("department"), D.name.label("department_name"))
            .order_by(D.name)
        )


def kpis(source: Engine | Connection, department: str | None = None) -> pd.DataFrame:
    """KPI definitions with their department, one row per KPI (the ``kpis`` frame of ``metrics``)."""
    query = (
        select(
            K.id.label("kpi_id"),
            D.id.label("department_id"),
            D.slug.label("department"),
            D.name.label("department_name"),
            K.key.label("kpi"),
            K.name.label("kpi_name"),
            K.description,
            K.unit,
            K.direction,
            K.target,
            K.tolerance_pct,
            K.aggregation,
            K.min_value,
            K.max_value,
            K.weight,
            K.enterprise,
            K.source,
            K.owner_email,
            K.due_day,
            K.public,
        )
        .join(D, D.id == K.department_id)
        .order_by(D.slug, K.key)
    )
    if department:
        query = query.where(D.slug == department)
    with _connection(source) as conn:
        frame = bulk.fetch_frame(conn, query)
    for column in ("target", "tolerance_pct", "min_value", "max_value", "weight"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    frame["enterprise"] = frame["enterprise"].astype(bool)
    frame["public"] = frame["public"].astype(bool)
    frame["due_day"] = pd.to_numeric(frame["due_day"], errors="coerce").astype("Int64")
    return frame


def observations(source: Engine | Connection, kpi_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """``kpi_id, period (month start), value, note, count, batch_id`` for all KPIs or the given ones."""
    query = select(
        O.kpi_id, sql_month_number(O.period).label("month"), O.value, O.note, O.count, O.batch_id
    ).order_by(
        O.kpi_id, O.period
    )
    if kpi_ids is not None:
        query = query.where(O.kpi_id.in_(list(kpi_ids)))
    with _connection(source) as conn:
        frame = bulk.fetch_frame(conn, query)
    frame.insert(1, "period", month_start(frame.pop("month")))
    frame["value"] = frame["value"].astype("float64")
    frame["count"] = pd.to_numeric(frame["count"], errors="coerce").astype("float64")
    return frame


def reported_in(source: Engine | Connection, month: dt.date) -> pd.Series:
    """The ids of the KPIs with a value stored for ``month`` (its first day)."""
    with _connection(source) as conn:
        ids = conn.execute(select(O.kpi_id).where(O.period == month)).scalars().all()
    return pd.Series(ids, dtype="int64", name="kpi_id")


def targets(source: Engine | Connection, kpi_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """``kpi_id, effective_from (month start), target``: targets in force from a month on."""
    query = select(T.kpi_id, sql_month_number(T.effective_from).label("month"), T.value.label("target")).order_by(
        T.kpi_id, T.effective_from
    )
    if kpi_ids is not None:
        query = query.where(T.kpi_id.in_(list(kpi_ids)))
    with _connection(source) as conn:
        frame = bulk.fetch_frame(conn, query)
    months = frame.pop("month")
    frame.insert(1, "effective_from", month_start(months))
    frame["target"] = frame["target"].astype("float64")
    return frame


def process_changes(source: Engine | Connection, kpi_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """``kpi_id, period (month start), reason``: the months a KPI's process changed (its SPC segments start)."""
    C = models.ProcessChange
    query = select(C.kpi_id, sql_month_number(C.period).label("month"), C.reason).order_by(C.kpi_id, C.period)
    if kpi_ids is not None:
        query = query.where(C.kpi_id.in_(list(kpi_ids)))
    with _connection(source) as conn:
        frame = bulk.fetch_frame(conn, query)
    frame.insert(1, "period", month_start(frame.pop("month")))
    return frame


def hiring(source: Engine | Connection, department: str | None = None) -> pd.DataFrame:
    """Hiring records: ``department, position_id, title, posted_date, filled_date`` (NaT while open)."""
    query = (
        select(D.slug.label("department"), P.position_id, P.title, P.posted_date, P.filled_date)
        .join(D, D.id == P.department_id)
        .order_by(D.slug, P.posted_date, P.position_id)
    )
    if department:
        query = query.where(D.slug == department)
    with _connection(source) as conn:
        frame = bulk.fetch_frame(conn, query)
    for column in ("posted_date", "filled_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def value_history(source: Engine | Connection, kpi_id: int) -> pd.DataFrame:
    """Every version of a KPI's values: current ones and replaced ones, with the batch that wrote each,
    when and by whom, newest first per month."""
    o, h, b = models.Observation, models.observation_history, models.Batch
    current = select(
        sql_month_number(o.period).label("month"), o.value, o.note, o.batch_id, b.created_at, b.actor, b.source
    ).join(b, b.id == o.batch_id).where(o.kpi_id == kpi_id)
    replaced = select(
        sql_month_number(h.c.period).label("month"),
        h.c.value,
        h.c.note,
        h.c.batch_id,
        b.created_at,
        b.actor,
        b.source,
        h.c.superseded_by_batch_id,
    ).join(b, b.id == h.c.batch_id).where(h.c.kpi_id == kpi_id)
    with _connection(source) as conn:
        now = bulk.fetch_frame(conn, current).assign(superseded_by_batch_id=pd.NA, current=True)
        old = bulk.fetch_frame(conn, replaced).assign(current=False)
    frame = pd.concat([now, old], ignore_index=True) if not old.empty else now
    frame.insert(0, "period", month_start(frame.pop("month")))
    return frame.sort_values(["period", "current", "batch_id"], ascending=[False, False, False]).reset_index(drop=True)


def department_names(conn: Connection) -> dict[str, str]:
    """Every department's display name by slug, for messages people read."""
    return dict(conn.execute(select(models.Department.slug, models.Department.name)).all())
