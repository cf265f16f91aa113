"""The briefing packet a department receives before its stat meeting, as a PDF: a cover with the scorecard
summary and the agenda, then a page per agenda item with the KPI's chart (the pages' own ``detail_chart``), its
numbers, why it is on the agenda, the leading question, notes and the open follow-ups on it."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import pandas as pd
from pydantic import BaseModel

from louiestat.config import get_settings
from louiestat.meetings.briefing import AgendaItem, Briefing, FollowUp, agenda_minutes
from louiestat.meetings.presenting import item_followups
from louiestat.packet.chart_images import PRINT_WIDTH_PX, ChartRenderer
from louiestat.packet.print_words import due_text, long_date
from louiestat.packet.typesetting import typeset
from louiestat.presentation import charts
from louiestat.presentation.agenda import KIND_WORDS
from louiestat.presentation.values import format_score, format_value, month_label
from louiestat.presentation.words import change_text, counted, status_words
from louiestat.reading import views
from metrics.months import month_start_of
from metrics.scorecard import department_summary
from metrics.status import STATUS_COLORS, STATUS_LABELS

if TYPE_CHECKING:
    import plotly.graph_objects as go


class Figure(BaseModel):
    """One big number: what it is and its value with its unit."""

    label: str
    value: str


class Status(BaseModel):
    """A status as icon and word, with the colour that only repeats them."""

    text: str
    colour: str


class OffTarget(BaseModel):
    name: str
    latest: str
    target: str
    status: Status


class StatusCount(BaseModel):
    status: Status
    count: int


class AgendaLine(BaseModel):
    number: int
    title: str
    kind: str
    minutes: int


class FollowUpLine(BaseModel):
    what: str
    owner: str
    due: str


class ItemPage(BaseModel):
    """What one agenda item's page prints."""

    number: int
    kind: str
    title: str
    chart: str | None
    chart_ratio: float
    no_chart: str
    status: Status | None
    figures: list[Figure]
    reason: str
    question: str
    notes: list[Figure]
    followups: list[FollowUpLine]


class PacketData(BaseModel):
    """Everything the packet template prints, as plain text: the template only lays it out."""

    department_name: str
    title: str
    date: str
    as_of: str
    reported: str
    attendees: str
    footer: str
    score: str
    counts: list[StatusCount]
    kpis: str
    off_target: list[OffTarget]
    agenda: list[AgendaLine]
    total_minutes: int
    items: list[ItemPage]


def packet_pdf(city: views.City, briefing: Briefing, renderer: ChartRenderer | None = None) -> bytes:
    """The briefing packet of ``briefing`` as PDF bytes, its numbers from ``city`` (the stored data) as of its
    month. Pass an open ``renderer`` to draw several packets' charts in one browser (see ``ChartRenderer``)."""
    settings = get_settings()
    department = city.only(briefing.department)
    as_of = month_start_of(briefing.as_of)
    mine = _with_words(views.city_scorecard(department, as_of, settings.fiscal_year_start_month))
    summary = department_summary(mine, department.kpis, settings.score_cap).iloc[0]
    reported = views.months_offered(city, settings.reporting_share).reported(briefing.as_of)
    by_key = mine.set_index("kpi")
    figures = {
        item.kpi: _figure(views.kpi_detail(department, int(by_key.loc[item.kpi, "kpi_id"]), as_of))
        for item in briefing.items
        if item.kpi is not None and item.kpi in by_key.index
    }
    drawn = {key: figure for key, figure in figures.items() if figure is not None}
    images = _chart_images(drawn, renderer) if drawn else {}
    data = PacketData(
        department_name=briefing.department_name,
        title=briefing.title,
        date=long_date(briefing.date),
        as_of=f"Data as of {month_label(briefing.as_of)}",
        reported=f"This month is incomplete: {reported}; its scores are provisional." if reported else "",
        attendees=", ".join(briefing.attendees) or "not yet named",
        footer=f"{briefing.department_name} · {briefing.title}",
        score=format_score(summary["score_month"]),
        counts=[StatusCount(status=_status(s), count=int(summary[s])) for s in STATUS_LABELS if summary[s]],
        kpis=f"{counted(int(summary['kpis']), 'KPI')}, {int(summary['kpis_reported'])} reported for "
        f"{month_label(briefing.as_of)}",
        off_target=[
            OffTarget(name=row.kpi_name, latest=row.latest_text, target=row.target_text, status=_status(row.status))
            for row in mine[mine["status"] == "off_target"].sort_values("score_month").itertuples()
        ],
        agenda=[
            AgendaLine(number=n, title=item.title, kind=KIND_WORDS[item.kind], minutes=item.minutes)
            for n, item in enumerate(briefing.items, start=1)
        ],
        total_minutes=agenda_minutes(briefing.items),
        items=[
            _item_page(n, item, by_key.loc[item.kpi] if item.kpi in by_key.index else None, drawn.get(item.kpi or ""),
                       briefing)
            for n, item in enumerate(briefing.items, start=1)
        ],
    )
    return typeset("packet.typ", data, images)


def _chart_images(figures: dict[str, go.Figure], renderer: ChartRenderer | None) -> dict[str, bytes]:
    """Each figure as ``chart-<kpi>.svg``, drawn in ``renderer`` or in a browser opened for them."""
    with contextlib.nullcontext(renderer) if renderer is not None else ChartRenderer() as chart_renderer:
        return {f"chart-{key}.svg": chart_renderer.svg(figure) for key, figure in figures.items()}


def _figure(detail: views.KpiDetail) -> go.Figure | None:
    """The KPI page's chart, sized for print; None when the KPI has no data up to the month."""
    return None if detail.points.empty else charts.detail_chart(detail, for_print=True)


def _status(status: str | None) -> Status:
    status = status if isinstance(status, str) else "no_data"
    return Status(text=status_words(status), colour=STATUS_COLORS[status])


def _item_page(number: int, item: AgendaItem, row: pd.Series | None, chart: go.Figure | None,
               briefing: Briefing) -> ItemPage:
    notes = [
        Figure(label=label, value=text)
        for label, text in (
            ("Presenter's notes", item.presenter_notes),
            ("Notes", item.notes),
            ("The department's note for the month", row["note"] if row is not None and pd.notna(row["note"]) else ""),
        )
        if text
    ]
    return ItemPage(
        number=number,
        kind=f"Item {number} of {len(briefing.items)} · {KIND_WORDS[item.kind]} · {item.minutes} min",
        title=item.title,
        chart=f"chart-{item.kpi}.svg" if chart is not None else None,
        chart_ratio=(chart.layout.height if chart is not None else charts.PRINT_HEIGHT) / PRINT_WIDTH_PX,
        no_chart=(f"No values of this KPI up to {month_label(briefing.as_of)}." if row is not None and chart is None
                  else ""),
        status=_status(row["status"]) if row is not None else None,
        figures=_figures(row) if row is not None else [],
        reason=item.reason,
        question=item.question,
        notes=notes,
        followups=[_followup_line(f, briefing) for f in item_followups(briefing, item)],
    )


def _with_words(card: pd.DataFrame) -> pd.DataFrame:
    """The scorecard rows with their numbers in words, worded for every KPI at once."""
    return card.assign(
        latest_text=format_value(card["value"], card["unit"]),
        target_text=format_value(card["target"], card["unit"]),
        month_change_text=change_text(card["change_pct"], card["change_direction"]),
        year_change_text=change_text(card["change_yoy_pct"], card["yoy_direction"]),
    )


def _figures(row: pd.Series) -> list[Figure]:
    """Latest, target and the changes, each with its unit ('27.2 min', '▲ 12.0% worse')."""
    period = row["period"]
    return [
        Figure(label="Latest" if pd.isna(period) else f"Latest ({period:%b %Y})", value=row["latest_text"]),
        Figure(label="Target", value=row["target_text"]),
        Figure(label="vs previous month", value=row["month_change_text"]),
        Figure(label="vs a year before", value=row["year_change_text"]),
    ]


def _followup_line(followup: FollowUp, briefing: Briefing) -> FollowUpLine:
    return FollowUpLine(what=followup.what, owner=followup.owner, due=due_text(followup, briefing.date))
