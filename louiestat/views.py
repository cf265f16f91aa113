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
from metrics.explain import describe_signals
from metrics.scorecard import city_summary, department_summary, scorecard
from metrics.scores import city_score_history
from metrics.spc import xmr
from metrics.status import targets_in_force


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



ENTERPRISE_ORDER = ("overtime_hours", "sick_leave_hours_per_fte", "injury_hours_lost", "time_to_fill")


def city_scorecard(city: City, as_of: pd.Timestamp, fy_start_month: int) -> pd.DataFrame:
    """Every KPI of the city as of a month (see ``metrics.scorecard``)."""
    return scorecard(city.observations, city.kpis, city.targets, as_of, fy_start_month=fy_start_month)


@dataclass(frozen=True)
class Overview:
    """What the city overview shows: the city and its departments' summaries, score history, movers."""

    card: pd.DataFrame
    city: pd.Series
    departments: pd.DataFrame
    score_history: pd.DataFrame
    movers: pd.DataFrame


def overview(city: City, card: pd.DataFrame, as_of: pd.Timestamp, cap: float | None, months: int = 24) -> Overview:
    """The city summary as of a month, its monthly city score over the last ``months`` months, and the KPIs
    moving the wrong way (a special-cause concern first, then the largest worsening change)."""
    periods = pd.date_range(end=as_of, periods=months, freq="MS")
    history = city_score_history(city.observations, city.kpis, city.targets, periods, cap)
    city_rows = history[history["department"].isna() & (history["window"] == "month")]
    return Overview(
        card=card,
        city=city_summary(card, city.kpis, cap),
        departments=department_summary(card, city.kpis, cap),
        score_history=city_rows[["period", "score"]].reset_index(drop=True),
        movers=worst_movers(card),
    )


def worst_movers(card: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
    """KPIs moving the wrong way: special-cause concern first, then worsening month on month by the most."""
    concern = card["variation"].eq("special_cause_concern")
    worsening = card["change_direction"].eq("worsening")
    moving = card[concern | worsening].assign(
        concern=concern, size=card["change_pct"].abs().fillna(0)
    )
    return moving.sort_values(["concern", "size"], ascending=[False, False]).head(limit).reset_index(drop=True)


RULE_WORDS = {
    "outside_limits": "outside the process limits",
    "shift": "a run on the worse side of the average",
    "trend": "a run of months getting worse",
    "two_in_three": "2 of 3 months near the limit",
}


def mover_reasons(movers: pd.DataFrame) -> list[str]:
    """Why each mover is listed, in words: the SPC rule behind a real worsening, or the size of the change."""
    reasons = []
    for concern, rule, change in zip(movers["concern"], movers["rule"], movers["change_pct"]):
        if concern:
            reasons.append(f"▼ Real worsening: {RULE_WORDS.get(rule, 'special cause')}")
        else:
            reasons.append(f"Worse than last month by {abs(change):.1f}%" if pd.notna(change) else "Worse than last month")
    return reasons


def enterprise_comparison(card: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The enterprise KPIs every department reports, each as one row per department (key → frame)."""
    shared = card[card["enterprise"].astype(bool) & card["value"].notna()]
    keys = [k for k in ENTERPRISE_ORDER if k in set(shared["kpi"])] + sorted(set(shared["kpi"]) - set(ENTERPRISE_ORDER))
    return {key: shared[shared["kpi"] == key].reset_index(drop=True) for key in keys}


@dataclass(frozen=True)
class KpiDetail:
    """One KPI's series with its SPC points, the target in force each month, notes, and what the signals say."""

    kpi: pd.Series
    points: pd.DataFrame
    targets: pd.Series
    notes: pd.Series
    signals: list[str]


def kpi_detail(city: City, kpi_id: int, as_of: pd.Timestamp) -> KpiDetail:
    """A KPI's months up to ``as_of`` as an XmR chart, with targets, notes and the signals in words."""
    kpi = city.kpis.set_index("kpi_id").loc[kpi_id]
    series = city.observations[(city.observations["kpi_id"] == kpi_id) & (city.observations["period"] <= as_of)]
    improvement = {"higher_is_better": "increase", "lower_is_better": "decrease"}[kpi["direction"]]
    points = xmr(series["value"].to_numpy(), series["period"].to_numpy(), improvement=improvement)
    in_force = targets_in_force(city.kpis, city.targets, series[["kpi_id", "period"]]).reset_index(drop=True)
    return KpiDetail(
        kpi=kpi,
        points=points,
        targets=in_force,
        notes=series["note"].reset_index(drop=True),
        signals=describe_signals(points, improvement) if len(points) else [],
    )
