"""What the pages and the CLI show, computed from stored data without any Streamlit: the city's frames, how
completely each month is reported, scorecards, the overview and KPI histories. Pages cache these and only lay
them out; wording comes from ``louiestat.presentation``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from louiestat.presentation.sentences import describe_signals, explain
from louiestat.presentation.text import display_frame
from louiestat.presentation.values import MISSING_VALUE, format_score, format_value
from louiestat.presentation.words import (
    assurance_text,
    change_text,
    completeness_text,
    signal_text,
    status_words,
)
from louiestat.reading import queries
from metrics.reporting import completeness, reporting_month
from metrics.scorecard import IMPROVEMENT, city_summary, department_summary, scorecard
from metrics.scores import city_score_history
from metrics.spc import rebase_positions, xmr_many
from metrics.status import status_frame, targets_in_force

# What the open-data feed does not publish (louiestat.exports.feed), a visitor who has not signed in (public mode) is not
# shown either: analysts' notes, and where a value came from (the batch that set it, who uploaded it, the file,
# the earlier values it corrected). These are their names in the scorecard (and its download and the
# scorecard's column choices) and in the KPI page's table; signed-in users see them all.
UNPUBLISHED = frozenset({"note", "Note", "Batch", "Uploaded by", "File", "Earlier values (corrected)"})


def published(columns: Iterable[str], public: bool) -> list[str]:
    """``columns`` as their reader may see them: all of them when signed in, without the UNPUBLISHED for a visitor
    who has not signed in (``public``)."""
    return [column for column in columns if not (public and column in UNPUBLISHED)]


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

    def only(self, department: str) -> City:
        """The data of one department's KPIs, to score a department without the whole city: a KPI's scorecard row
        depends on its own data only."""
        kpis = self.kpis[self.kpis["department"] == department]
        ids = kpis["kpi_id"]
        return City(
            kpis=kpis, observations=self.observations[self.observations["kpi_id"].isin(ids)],
            targets=self.targets[self.targets["kpi_id"].isin(ids)],
            process_changes=self.process_changes[self.process_changes["kpi_id"].isin(ids)],
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

    def completeness(self) -> pd.DataFrame:
        """How completely each month is reported (``metrics.reporting.completeness``), oldest first."""
        return completeness(self.observations, self.kpis)

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


def city_scorecard(city: City, as_of: pd.Timestamp, fy_start_month: int) -> pd.DataFrame:
    """Every KPI of the city as of a month (see ``metrics.scorecard``), SPC limits restarting at process changes,
    with the sentence that explains each row."""
    points = city.spc_points(as_of)
    card = scorecard(
        city.observations, city.kpis, city.targets, as_of, fy_start_month=fy_start_month, spc_points=points,
    )
    card[["explanation", "chart_says"]] = explain(card, status_frame(points, city.kpis, city.targets))
    return card


@dataclass(frozen=True)
class Months:
    """The months a page or the CLI offers: ``YYYY-MM`` newest first, the reporting month as the default, and
    for each month that not every department has reported, 'N of M departments, K of L KPIs reported'."""

    options: list[str]
    default: str | None
    incomplete: dict[str, str]
    departments: int
    kpis: int

    def reported(self, month: str) -> str | None:
        """How far ``month`` is reported ('N of M departments, K of L KPIs reported'); None when complete."""
        if month in self.options:
            return self.incomplete.get(month)
        return completeness_text(0, self.departments, 0, self.kpis)


def months_offered(city: City, share: float) -> Months:
    """Every month with data (values reported or derived from hiring records); the default is the reporting
    month (see ``metrics.reporting``)."""
    counts = city.kpis[city.kpis["source"] == "reported"]
    departments, kpis = counts["department"].nunique(), len(counts)
    if not city.months:
        return Months(options=[], default=None, incomplete={}, departments=departments, kpis=kpis)
    months = city.completeness()
    every = pd.DataFrame({"period": pd.DatetimeIndex(sorted(city.months))})
    reported = every.merge(months, on="period", how="left")
    reported = reported.fillna({"departments_reported": 0, "kpis_reported": 0, "complete": False,
                                "departments": departments, "kpis": kpis})
    rows = reported[~reported["complete"].astype(bool)]
    incomplete = {
        period.strftime("%Y-%m"): completeness_text(d, n, k, m)
        for period, d, n, k, m in zip(
            rows["period"], *(rows[c].astype(int) for c in ("departments_reported", "departments", "kpis_reported", "kpis"))
        )
    }
    default = reporting_month(months, share)
    return Months(
        options=[m.strftime("%Y-%m") for m in reported["period"].iloc[::-1]],
        default=default.strftime("%Y-%m") if default is not None else None,
        incomplete=incomplete,
        departments=departments,
        kpis=kpis,
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


def sparkline(values) -> list[float]:
    """The months of a sparkline that have a value (charts take numbers only; a gap just closes up)."""
    return [float(v) for v in values if pd.notna(v)]


def scorecard_table(card: pd.DataFrame, *, public: bool = False) -> pd.DataFrame:
    """A department's scorecard laid out for reading: values with units (and their month when it is not the
    as-of month), status and signals in words, names and notes as typed (``display_frame``); for a visitor
    (``public``) without the analysts' notes."""
    fy = card["fy_label"].dropna().iloc[0] if card["fy_label"].notna().any() else "FY"
    table = display_frame(pd.DataFrame(
        {
            "Status": card["status"].map(status_words),
            "KPI": card["kpi_name"],
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
            "Score": format_score(card["score_month"]).tolist(),
            "Signal": signal_text(card["variation"], card["side"], card["trial_limits"]),
            "Assurance": assurance_text(card["assurance"], card["trial_limits"]),
            f"Year to date ({fy})": [
                (f"{v} of {t} · " if t != MISSING_VALUE else f"{v} · ") + status_words(s) if isinstance(s, str) else v
                for v, t, s in zip(
                    format_value(card["fytd_value"], card["unit"]),
                    format_value(card["fytd_target"], card["unit"]),
                    card["fytd_status"],
                )
            ],
            "Note": card["note"].fillna(""),
        }
    ))
    return table[published(table.columns, public)]


def needs_attention(card: pd.DataFrame) -> pd.DataFrame:
    """KPIs off or near target or with a special-cause concern, with the sentence that explains each."""
    flagged = card["status"].isin(["off_target", "near_target"]) | card["variation"].eq("special_cause_concern")
    return card.loc[flagged, ["kpi_name", "status", "explanation"]]


def kpi_names(rows: pd.DataFrame, kpis: pd.DataFrame) -> pd.Series:
    """The display name of each row's KPI (its ``department`` slug and ``kpi`` key, as ``City.kpis`` holds them),
    blank for a row about no KPI: people read names, keys are for files and links."""
    names = kpis.set_index(["department", "kpi"])["kpi_name"]
    keys = pd.MultiIndex.from_arrays([rows["department"], rows["kpi"]])
    return pd.Series(names.reindex(keys).to_numpy(), index=rows.index).fillna(rows["kpi"]).fillna("")


def department_row(departments: pd.DataFrame, department: str) -> pd.Series:
    """One department's summary row (from ``metrics.scorecard.department_summary``)."""
    return departments.set_index("department").loc[department]


def kpi_table(detail: KpiDetail, history: pd.DataFrame, unit: str, *, public: bool = False) -> pd.DataFrame:
    """The KPI's months, newest first: value, target, note, the batch that set the value and any earlier
    values it replaced (the corrections); notes, names and file names as typed (``display_frame``); for a
    visitor (``public``) value, target and signal only."""
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
    table = display_frame(pd.DataFrame(
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
    ).iloc[::-1].reset_index(drop=True))
    return table[published(table.columns, public)]
