"""What the pages show, computed from stored data without any Streamlit: the city's frames, scorecards,
KPI histories and upload templates. Pages cache these and only lay them out."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, select

from louiestat import queries
from louiestat.db import bulk, models
from louiestat.db.versioned import sql_month_number
from louiestat.export import DEFINITION_COLUMNS, definitions_frame
from louiestat.ingest import KINDS
from metrics.months import month_start
from metrics.explain import MISSING_VALUE as MISSING, describe_signals, format_value
from metrics.scorecard import IMPROVEMENT, city_summary, department_summary, scorecard
from metrics.scores import city_score_history
from metrics.spc import rebase_positions, xmr_many
from metrics.status import STATUS_ICONS, STATUS_LABELS, targets_in_force


@dataclass(frozen=True)
class City:
    """Every department's KPIs, values, targets and process changes, as the ``metrics`` package takes them."""

    kpis: pd.DataFrame
    observations: pd.DataFrame
    targets: pd.DataFrame
    process_changes: pd.DataFrame

    @classmethod
    def load(cls, engine: Engine) -> City:
        with engine.connect() as conn:
            return cls(
                queries.kpis(conn), queries.observations(conn), queries.targets(conn), queries.process_changes(conn)
            )

    def spc_points(self, as_of: pd.Timestamp, kpi_ids: list[int] | None = None) -> pd.DataFrame:
        """XmR points of every KPI (or the given ones) from its months up to ``as_of``, a new segment starting
        at each recorded process change."""
        observed = self.observations[(self.observations["period"] <= as_of) & self.observations["value"].notna()]
        if kpi_ids is not None:
            observed = observed[observed["kpi_id"].isin(kpi_ids)]
        improvement = self.kpis.set_index("kpi_id")["direction"].map(IMPROVEMENT)
        return xmr_many(observed, improvement=improvement, rebase=rebase_positions(observed, self.process_changes))

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
        """The month after the department's latest reported month (the city's latest when it has none); KPIs
        derived from hiring records are not reported, so they do not count (as in the overdue rule)."""
        reported = (self.kpis["department"] == department) & (self.kpis["source"] == "reported")
        ids = self.kpis.loc[reported, "kpi_id"]
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
    with engine.connect() as conn:
        now = bulk.fetch_frame(conn, current).assign(superseded_by_batch_id=pd.NA, current=True)
        old = bulk.fetch_frame(conn, replaced).assign(current=False)
    frame = pd.concat([now, old], ignore_index=True) if not old.empty else now
    frame.insert(0, "period", month_start(frame.pop("month")))
    return frame.sort_values(["period", "current", "batch_id"], ascending=[False, False, False]).reset_index(drop=True)


def template_csv(engine: Engine, city: City, kind: str, department: str | None) -> str:
    """A blank upload file for ``kind``: for values, one row per KPI of the department for the next month due."""
    columns = list(KINDS[kind].columns)
    if kind == "definitions":
        frame = definitions_frame(engine, department) if department else pd.DataFrame(columns=DEFINITION_COLUMNS)
    elif kind == "values" and department:
        mine = city.kpis[(city.kpis["department"] == department) & (city.kpis["source"] == "reported")]
        due = city.next_month_due(department).strftime("%Y-%m")
        frame = pd.DataFrame({"department": department, "kpi": mine.sort_values("kpi")["kpi"], "period": due,
                              "value": "", "target": "", "note": "", "count": ""})
    elif kind == "hiring" and department:
        frame = pd.DataFrame([{"department": department, "position_id": "", "title": "", "posted_date": "",
                               "filled_date": ""}])
    else:
        frame = pd.DataFrame(columns=columns)
    out = io.StringIO()
    frame.to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()



def city_scorecard(city: City, as_of: pd.Timestamp, fy_start_month: int) -> pd.DataFrame:
    """Every KPI of the city as of a month (see ``metrics.scorecard``), SPC limits restarting at process changes."""
    return scorecard(
        city.observations, city.kpis, city.targets, as_of, fy_start_month=fy_start_month,
        spc_points=city.spc_points(as_of),
    )


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
    """KPIs really moving the wrong way, not noise: a special-cause concern in the latest month first, then a
    clearly worsening 12-month trend (see ``metrics.trend``); the biggest month-on-month change breaks ties."""
    concern = card["variation"].eq("special_cause_concern").to_numpy()
    worsening = card["trend"].eq("worsening").to_numpy()
    moving = card.loc[concern | worsening].copy()
    moving["concern"] = concern[concern | worsening]
    moving["size"] = moving["change_pct"].abs().fillna(0)
    return moving.sort_values(["concern", "size"], ascending=[False, False]).head(limit).reset_index(drop=True)


RULE_WORDS = {
    "outside_limits": "outside the process limits",
    "shift": "a run of months on the worse side of the average",
    "trend": "a run of months each worse than the last",
    "two_in_three": "2 of 3 months close to the limit",
}


def mover_reasons(movers: pd.DataFrame) -> list[str]:
    """Why each mover is listed, in words: the SPC rule behind a real concern, or the worsening trend."""
    return [
        f"Real concern: {RULE_WORDS.get(rule, 'special cause')}" if concern else "Worsening over the last 12 months"
        for concern, rule in zip(movers["concern"], movers["rule"])
    ]


def enterprise_comparison(card: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The enterprise KPIs every department reports, each as one row per department (key → frame), in the
    order the city defined them."""
    shared = card[card["enterprise"].astype(bool) & card["value"].notna()]
    keys = shared.sort_values("kpi_id")["kpi"].drop_duplicates()
    return {key: shared[shared["kpi"] == key].reset_index(drop=True) for key in keys}


@dataclass(frozen=True)
class KpiDetail:
    """One KPI's series with its SPC points, the target in force each month, notes, and what the signals say."""

    kpi: pd.Series
    points: pd.DataFrame
    targets: pd.Series
    notes: pd.Series
    signals: list[str]
    process_changes: pd.DataFrame


def kpi_detail(city: City, kpi_id: int, as_of: pd.Timestamp) -> KpiDetail:
    """A KPI's months up to ``as_of`` as an XmR chart (a new segment at each process change), with targets,
    notes and the signals in words."""
    kpi = city.kpis.set_index("kpi_id").loc[kpi_id]
    points = city.spc_points(as_of, [kpi_id]).drop(columns="kpi_id").reset_index(drop=True)
    series = city.observations[(city.observations["kpi_id"] == kpi_id) & (city.observations["period"] <= as_of)]
    series = series[series["value"].notna()].sort_values("period").reset_index(drop=True)
    in_force = targets_in_force(city.kpis, city.targets, series[["kpi_id", "period"]]).reset_index(drop=True)
    changes = city.process_changes[city.process_changes["kpi_id"] == kpi_id]
    return KpiDetail(
        kpi=kpi,
        points=points,
        targets=in_force,
        notes=series["note"],
        signals=describe_signals(points, IMPROVEMENT[kpi["direction"]]) if len(points) else [],
        process_changes=changes[changes["period"] <= as_of][["period", "reason"]].reset_index(drop=True),
    )


AXIS_UNITS = {"percent": "%", "dollars": "$"}


def axis_label(unit: str) -> str:
    """What a chart axis of this unit is labelled: '%', '$', 'days', 'hours'…"""
    return AXIS_UNITS.get(unit, unit)


CHANGE_WORDS = {"improving": "better", "worsening": "worse", "stable": "no change"}


def change_text(change_pct: pd.Series, direction: pd.Series) -> list[str]:
    """'▲ 3.2% better', '▼ 5.0% worse', '– no change': a change in words that say which way is good."""
    texts = []
    for pct, judged in zip(change_pct, direction):
        if pd.isna(pct) or pd.isna(judged):
            texts.append("–")
        elif judged == "stable":
            texts.append("= no change")
        else:
            arrow = "▲" if pct > 0 else "▼"
            texts.append(f"{arrow} {abs(pct):.1f}% {CHANGE_WORDS[judged]}")
    return texts


def sparkline(values) -> list[float]:
    """The months of a sparkline that have a value (charts take numbers only; a gap just closes up)."""
    return [float(v) for v in values if pd.notna(v)]


def scorecard_table(card: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """A department's scorecard laid out for reading: values with units (and their month when it is not the
    as-of month), status and signals in words, the link to each KPI's detail next to its name."""
    fy = card["fy_label"].dropna().iloc[0] if card["fy_label"].notna().any() else "FY"
    return pd.DataFrame(
        {
            "Status": card["status"].map(status_words),
            "KPI": card["kpi_name"],
            "Detail": [f"kpi?department={d}&kpi={k}&as_of={as_of}" for d, k in zip(card["department"], card["kpi"])],
            "Latest": [
                text if behind == 0 else (f"{text} ({period:%b %Y})" if pd.notna(period) else "none yet")
                for text, behind, period in zip(
                    format_value(card["value"], card["unit"]), card["months_behind"].fillna(-1), card["period"]
                )
            ],
            "Target": format_value(card["target"], card["unit"]),
            "vs last month": change_text(card["change_pct"], card["change_direction"]),
            "vs last year": change_text(card["change_yoy_pct"], card["yoy_direction"]),
            "Last 12 months": [sparkline(values) for values in card["sparkline"]],
            "Score": ["–" if pd.isna(v) else f"{v:.2f}" for v in card["score_month"]],
            "Signal": signal_text(card["variation"], card["side"], card["trial_limits"]),
            "Assurance": assurance_text(card["assurance"], card["trial_limits"]),
            f"Year to date ({fy})": [
                (f"{v} of {t} · " if t != MISSING else f"{v} · ") + status_words(s) if isinstance(s, str) else v
                for v, t, s in zip(
                    format_value(card["fytd_value"], card["unit"]),
                    format_value(card["fytd_target"], card["unit"]),
                    card["fytd_status"],
                )
            ],
            "Note": card["note"].fillna(""),
        }
    )


SIGNAL_WORDS = {
    "special_cause_improvement": "Real improvement",
    "special_cause_concern": "Real concern",
    "special_cause_neutral_high": "Unusually high",
    "special_cause_neutral_low": "Unusually low",
    "common_cause": "Normal variation",
}
ASSURANCE_WORDS = {
    "consistently_passing": "✔ Reliably meets target",
    "consistently_failing": "✖ Will not meet target without change",
    "hit_and_miss": "◆ Hit and miss",
}
PROVISIONAL = "provisional: fewer than 13 months since the last process change"


def signal_text(variation: pd.Series, side: pd.Series, trial: pd.Series) -> list[str]:
    """The SPC signal of each row in words. The arrow says which way the value moved (as in the change
    columns), the words whether that is good; on trial limits there is no confident icon, only words."""
    texts = []
    for code, where, provisional in zip(variation, side, trial):
        if not isinstance(code, str):
            texts.append("–")
        elif bool(provisional):
            texts.append(f"{SIGNAL_WORDS[code]} ({PROVISIONAL})")
        elif code == "common_cause":
            texts.append(f"• {SIGNAL_WORDS[code]}")
        else:
            texts.append(f"{'▲' if where == 'high' else '▼'} {SIGNAL_WORDS[code]}")
    return texts


def assurance_text(assurance: pd.Series, trial: pd.Series) -> list[str]:
    """Assurance in words; on trial limits it is marked provisional and carries no icon."""
    return [
        "–" if not isinstance(code, str)
        else f"{ASSURANCE_WORDS[code][2:]} ({PROVISIONAL})" if bool(provisional)
        else ASSURANCE_WORDS[code]
        for code, provisional in zip(assurance, trial)
    ]


def status_words(status: str | None) -> str:
    """'✖ Off target': icon and word, never colour alone ('– No data' when there is no status)."""
    status = status if isinstance(status, str) else "no_data"
    return f"{STATUS_ICONS[status]} {STATUS_LABELS[status]}"


def scorecard_download(card: pd.DataFrame) -> pd.DataFrame:
    """The scorecard as plain values for CSV/Excel (numbers stay numbers, units in their own column)."""
    columns = [
        "department", "kpi", "kpi_name", "unit", "direction", "period", "value", "target", "status",
        "change", "change_pct", "change_yoy", "change_yoy_pct", "trend", "variation", "rule", "assurance",
        "trial_limits", "fy_label", "fytd_value", "fytd_target", "fytd_status", "score_month", "score_3m",
        "score_12m", "projection_text", "explanation", "note",
    ]
    frame = card[columns].copy()
    frame["period"] = frame["period"].dt.strftime("%Y-%m")
    numbers = frame.select_dtypes("number").columns
    frame[numbers] = frame[numbers].round(4)  # no float noise such as 60.30000000000001 in a spreadsheet
    return frame


def excel_bytes(frame: pd.DataFrame, sheet: str) -> bytes:
    """An .xlsx workbook holding ``frame`` (one sheet, header row frozen)."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="xlsxwriter") as writer:
        frame.to_excel(writer, sheet_name=sheet[:31], index=False)
        writer.sheets[sheet[:31]].freeze_panes(1, 0)
    return out.getvalue()


def needs_attention(card: pd.DataFrame) -> pd.DataFrame:
    """KPIs off or near target or with a special-cause concern, with the sentence that explains each."""
    flagged = card["status"].isin(["off_target", "near_target"]) | card["variation"].eq("special_cause_concern")
    return card.loc[flagged, ["kpi_name", "status", "explanation"]]


def department_row(departments: pd.DataFrame, department: str) -> pd.Series:
    """One department's summary row (from ``metrics.scorecard.department_summary``)."""
    return departments.set_index("department").loc[department]


def kpi_table(detail: KpiDetail, history: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The KPI's months, newest first: value, target, note, the batch that set the value and any earlier
    values it replaced (the corrections)."""
    points = detail.points.assign(target=detail.targets.to_numpy(), note=detail.notes.to_numpy())
    current = history[history["current"]].set_index("period")
    replaced = history[~history["current"]]
    corrections = replaced.groupby("period").apply(
        lambda rows: "; ".join(
            f"{format_value(v, unit)} (batch {b}, {a}, {t:%Y-%m-%d})"
            for v, b, a, t in zip(rows["value"], rows["batch_id"], rows["actor"], pd.to_datetime(rows["created_at"]))
        ),
        include_groups=False,
    ) if not replaced.empty else pd.Series(dtype=object)
    periods = points["period"]
    batch = current.reindex(periods)
    return pd.DataFrame(
        {
            "Month": periods.dt.strftime("%Y-%m"),
            "Value": format_value(points["value"], unit),
            "Target": format_value(points["target"], unit),
            "Signal": signal_text(points["variation"], points["side"], points["trial_limits"]),
            "Note": points["note"].fillna(""),
            "Batch": batch["batch_id"].to_numpy(),
            "Uploaded by": batch["actor"].to_numpy(),
            "File": batch["source"].to_numpy(),
            "Earlier values (corrected)": corrections.reindex(periods).fillna("").to_numpy(),
        }
    ).iloc[::-1].reset_index(drop=True)
