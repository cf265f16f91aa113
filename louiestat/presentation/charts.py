"""Plotly figures for the pages, built from metrics frames so tests can check what a chart shows. Sized and
styled for a projector: large type, thick lines, and every signal told by marker shape and legend name as
well as colour (Okabe–Ito palette, safe for colour-blind readers)."""

from __future__ import annotations

import html
import textwrap
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from louiestat.presentation.text import display_text
from louiestat.presentation.values import axis_label
from louiestat.presentation.words import SIGNAL_WORDS
from metrics.status import STATUS_COLORS, STATUS_ICONS, STATUS_LABELS

if TYPE_CHECKING:
    from louiestat.reading.views import KpiDetail

INK = "#1B1F24"
VALUE = "#0B5394"
TARGET = "#000000"
LIMITS = "#6B7280"
IMPROVEMENT = "#0072B2"
CONCERN = "#D55E00"
NEUTRAL = "#CC79A7"
FONT = {"family": "Source Sans Pro, sans-serif", "size": 17, "color": INK}
# Printed charts name a font the PDF typesetter and Chromium both find (Debian's fontconfig always brings DejaVu),
# so an SVG's text is laid out by Chromium and drawn by the typesetter at the same widths.
PRINT_FONT = {**FONT, "family": "DejaVu Sans, Liberation Sans, sans-serif", "size": 15}
SCREEN_HEIGHT = 520
TITLE_CHARS = 30
"""A screen chart's title is broken into lines of at most this many characters at scale 1 (fewer when
``scale`` enlarges the type), so it fits a 390 px phone."""
DEPARTMENT_CHARS = 18  # an enterprise chart's department names wrap so the bars keep room on a phone
PRINT_HEIGHT = 470

# Same words as the scorecard's signal column; the marker's shape tells them apart without colour.
SIGNAL_MARKERS = {
    code: (f"{SIGNAL_WORDS[code]} (special cause)", colour, symbol)
    for code, colour, symbol in (
        ("special_cause_improvement", IMPROVEMENT, "circle"),
        ("special_cause_concern", CONCERN, "square"),
        ("special_cause_neutral_high", NEUTRAL, "diamond"),
        ("special_cause_neutral_low", NEUTRAL, "diamond"),
    )
}


def _layout(
    fig: go.Figure, title: str, unit_label: str, height: int = 520, scale: float = 1.0, font: dict = FONT,
    subtitle: str | None = None, wrap_title: bool = True,
) -> go.Figure:
    """Title, type, margins and axes; ``scale`` enlarges all type (and the margins it needs) for a projector.
    A screen chart's title is broken into lines that fit a phone (plotly never wraps a title itself); the figure
    grows by the title's extra lines and subtitle, so the plot keeps ``height`` minus the usual margins."""
    title_size = round(22 * scale)
    heading: dict[str, object] = {"text": html.escape(display_text(title)), "font": {"size": title_size}}
    extra = 0
    if wrap_title:
        lines = _wrapped(title, width=_even_width(title, round(TITLE_CHARS / scale))).split("<br>")
        heading |= {"text": "<br>".join(lines), "y": 1, "yref": "container", "yanchor": "top",
                    "pad": {"t": round(14 * scale)}}
        extra += round(1.25 * title_size) * (len(lines) - 1)
    if subtitle:
        heading["subtitle"] = {"text": html.escape(display_text(subtitle)),
                               "font": {"size": round(15 * scale), "color": INK}}
        extra += round(22 * scale)
    text_size = round(font["size"] * scale)
    fig.update_layout(
        title=heading,
        font={**font, "size": text_size},
        height=height + extra,
        margin={"l": round(70 * scale), "r": 30, "t": round(70 * scale) + extra, "b": round(60 * scale)},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.18 * scale, "font": {"size": round(15 * scale)}},
        hovermode="x unified",
    )
    ticks = {"size": round(15 * scale), "color": INK}
    # Streamlit's chart theme sets axis titles in small grey type unless the figure names a size.
    axis_titles = {"size": text_size, "color": INK}
    fig.update_xaxes(showgrid=False, linecolor=INK, ticks="outside", tickfont=ticks, title_font=axis_titles)
    fig.update_yaxes(title_text=unit_label, gridcolor="#E5E7EB", zeroline=False, tickfont=ticks,
                     title_font=axis_titles)
    return fig


def monthly_grid(points: pd.DataFrame) -> pd.DataFrame:
    """``points`` reindexed to every month from first to last, so missing months show as gaps."""
    if points.empty:
        return points
    months = pd.date_range(points["period"].min(), points["period"].max(), freq="MS")
    return points.set_index("period").reindex(months).rename_axis("period").reset_index()


def kpi_chart(
    points: pd.DataFrame,
    targets: pd.Series,
    notes: pd.Series,
    *,
    title: str,
    unit_label: str,
    year_over_year: bool,
    process_changes: pd.DataFrame | None = None,
    for_print: bool = False,
    height: int = SCREEN_HEIGHT,
    scale: float = 1.0,
    wrap_title: bool = True,
) -> go.Figure:
    """The KPI's monthly values with its target (a step where it changed), the SPC mean and process limits
    per segment, special-cause points marked by shape, notes as annotations, process changes as vertical
    lines and, optionally, last year. ``for_print`` sizes it for the briefing packet's page, in a print font;
    ``height`` and ``scale`` (type size) fit it to a projector, where ``wrap_title=False`` keeps its title on one
    line."""
    grid = monthly_grid(points.assign(target=targets.to_numpy(), note=notes.to_numpy()))
    fig = go.Figure()
    fig.add_scatter(
        x=grid["period"], y=grid["value"], name="Value", mode="lines+markers", connectgaps=False,
        line={"color": VALUE, "width": 3}, marker={"size": 7, "color": VALUE},
    )
    if grid["target"].notna().any():
        fig.add_scatter(
            x=grid["period"], y=grid["target"], name="Target", mode="lines", line_shape="hv",
            line={"color": TARGET, "width": 2.5, "dash": "dash"},
        )
    for name, column, dash in (("Average (SPC mean)", "mean", "solid"), ("Process limits", "upl", "dot"),
                               (None, "lpl", "dot")):
        if column in grid and grid[column].notna().any():
            x, y = _by_segment(grid, column)
            fig.add_scatter(
                x=x, y=y, name=name or "Process limits",
                showlegend=name is not None, legendgroup=column if name else "upl", mode="lines",
                line={"color": LIMITS, "width": 1.8 if column == "mean" else 1.5, "dash": dash},
                hoverinfo="skip" if column != "mean" else None,
            )
    if "variation" in grid:
        for variation, (label, colour, symbol) in SIGNAL_MARKERS.items():
            hits = grid[grid["variation"] == variation]
            if not hits.empty:
                fig.add_scatter(
                    x=hits["period"], y=hits["value"], name=label, mode="markers",
                    marker={"size": 15, "color": colour, "symbol": symbol, "line": {"width": 1.5, "color": "white"}},
                )
    if year_over_year:
        last_year = grid.assign(period=grid["period"] + pd.DateOffset(years=1))
        last_year = last_year[last_year["period"] <= grid["period"].max()]
        fig.add_scatter(
            x=last_year["period"], y=last_year["value"], name="Same month last year", mode="lines",
            connectgaps=False, line={"color": "#9CA3AF", "width": 2, "dash": "dashdot"},
        )
    notes = grid.loc[grid["note"].notna() & (grid["note"] != ""), ["period", "value", "note"]]
    changes = process_changes if process_changes is not None else pd.DataFrame(columns=["period", "reason"])
    if for_print:
        return _print_annotations(fig, grid, notes, changes, title, unit_label)
    for period, value, note in notes.itertuples(index=False):
        fig.add_annotation(
            x=period, y=value, text=_wrapped(note), hovertext=_hover(note), showarrow=True, arrowhead=2, ax=0,
            ay=-48, font={"size": round(14 * scale)}, bgcolor="rgba(255,255,255,0.9)", bordercolor=LIMITS,
        )
    for period, reason in changes.itertuples(index=False):
        fig.add_vline(x=period, line={"color": INK, "width": 1.5, "dash": "longdash"})
        fig.add_annotation(
            x=period, y=1, yref="paper", yanchor="bottom", text=_wrapped(f"Process change: {reason}", width=36),
            hovertext=_hover(reason), showarrow=False, xanchor="left", align="left",
            font={"size": round(13 * scale), "color": INK}, bgcolor="rgba(255,255,255,0.9)",
        )
    return _layout(fig, title, unit_label, height=height, scale=scale, wrap_title=wrap_title)


# The print chart's rows above its plot, in px: the title, then a row for the process changes' labels, then a row
# for the notes' boxes (each a line of text per wrapped line, and room for the arrow to leave the box).
PRINT_TITLE_ROW = 52
PRINT_LINE = 17
PRINT_BOTTOM = 110  # the month axis and two rows of legend, below the plot
PRINT_PLOT = PRINT_HEIGHT - PRINT_TITLE_ROW - PRINT_BOTTOM


def _print_annotations(fig: go.Figure, grid: pd.DataFrame, notes: pd.DataFrame, changes: pd.DataFrame, title: str,
                       unit_label: str) -> go.Figure:
    """The print chart with its process changes and notes above the plot, never over its data or its title: each
    change's label in a row just above the plot, each note in a row above that with an arrow down to its month;
    the figure grows by those rows, so the plot keeps its size. Paper has no hover, so nothing relies on it."""
    change_labels = [_wrapped(f"Process change: {reason}", width=36) for reason in changes["reason"]]
    note_labels = [_wrapped(note) for note in notes["note"]]
    change_row, note_row = _row_height(change_labels, gap=8), _row_height(note_labels, gap=24)
    low, high = _value_range(fig)
    first, last = grid["period"].min(), grid["period"].max()
    for period, label in zip(changes["period"], change_labels):
        fig.add_vline(x=period, line={"color": INK, "width": 1.5, "dash": "longdash"})
        fig.add_annotation(
            x=period, y=1, yref="paper", yanchor="bottom", yshift=2, text=label, showarrow=False,
            xanchor=_side(period, first, last), align="left", font={"size": 13, "color": INK},
        )
    for (period, value, _), label in zip(notes.itertuples(index=False), note_labels):
        below_top = (high - value) / (high - low) * PRINT_PLOT
        fig.add_annotation(
            x=period, y=value, text=label, showarrow=True, arrowhead=2, arrowwidth=1.2, arrowcolor=LIMITS, ax=0,
            ay=-(below_top + change_row + note_row / 2 + 4), xanchor=_side(period, first, last), font={"size": 14},
            bgcolor="white", bordercolor=LIMITS, borderpad=3,
        )
    top = PRINT_TITLE_ROW + change_row + note_row
    fig = _layout(fig, title, unit_label, height=PRINT_HEIGHT + change_row + note_row, font=PRINT_FONT,
                  wrap_title=False)
    fig.update_layout(
        title={"y": 1, "yref": "container", "yanchor": "top", "pad": {"t": 12}},
        margin={"t": top, "b": PRINT_BOTTOM, "autoexpand": False},
        legend={"y": 0, "yref": "container", "yanchor": "bottom"},
    )
    fig.update_yaxes(range=[low, high])
    return fig


def _row_height(labels: list[str], gap: int) -> int:
    """The height in px of a row holding ``labels`` (plotly text, lines split by ``<br>``) and ``gap``; 0 if none."""
    return max(label.count("<br>") + 1 for label in labels) * PRINT_LINE + gap if labels else 0


def _value_range(fig: go.Figure) -> tuple[float, float]:
    """The value axis's range: every line and point of the figure, with a little room above and below."""
    values = np.concatenate([np.asarray(trace.y, dtype=float) for trace in fig.data if trace.y is not None])
    low, high = np.nanmin(values), np.nanmax(values)
    room = (high - low) * 0.06 or abs(high) * 0.1 or 1.0
    return float(low - room), float(high + room)


def _side(period: pd.Timestamp, first: pd.Timestamp, last: pd.Timestamp) -> str:
    """Where a label sits against its month: to the right in the first two thirds of the chart, else to the left,
    so that it stays on the paper."""
    return "left" if last == first or (period - first) / (last - first) < 2 / 3 else "right"


def detail_chart(
    detail: KpiDetail, *, year_over_year: bool = False, for_print: bool = False, height: int = SCREEN_HEIGHT,
    scale: float = 1.0, public: bool = False, wrap_title: bool = True,
) -> go.Figure:
    """A KPI's chart as the KPI page, the presenter's slide and the packet all draw it: ``kpi_chart`` of its
    ``views.kpi_detail``, titled '<KPI name> by month' with its unit on the axis. For a visitor who has not
    signed in (``public``) without the analysts' notes, which are not published (``views.UNPUBLISHED``)."""
    notes = pd.Series(None, index=detail.notes.index, dtype=object) if public else detail.notes
    return kpi_chart(
        detail.points, detail.targets, notes, title=f"{detail.kpi['kpi_name']} by month",
        unit_label=axis_label(detail.kpi["unit"]), year_over_year=year_over_year,
        process_changes=detail.process_changes, for_print=for_print, height=height, scale=scale,
        wrap_title=wrap_title,
    )


def _by_segment(grid: pd.DataFrame, column: str) -> tuple[list, list]:
    """A limit line's points with a break between SPC segments, so it steps at a rebase instead of slanting."""
    segments = grid["segment"].ffill().bfill() if "segment" in grid else pd.Series(0, index=grid.index)
    x: list = []
    y: list = []
    for _, part in grid.groupby(segments.to_numpy(), sort=True):
        if x:
            x.append(None)
            y.append(None)
        x.extend(part["period"])
        y.extend(part[column].ffill().bfill())
    return x, y


def _wrapped(note: str, width: int = 28, lines: int = 3) -> str:
    """A chart note broken into lines of about ``width`` characters at spaces (plotly's ``<br>``), inside a word
    only when it is longer than a line (a URL, a 10,000-letter note); past ``lines`` lines it ends with '…', and
    the full note is in its hover text."""
    wrapped = textwrap.wrap(" ".join(display_text(note).split()), width=width, break_on_hyphens=False)
    if len(wrapped) > lines:
        rest = " ".join(wrapped[lines - 1 :])
        last = textwrap.shorten(rest, width, placeholder=" …")
        wrapped = [*wrapped[: lines - 1], last if last != "…" else f"{rest[: width - 2]} …"]
    return "<br>".join(html.escape(line) for line in wrapped)


def _hover(text: str) -> str:
    """A note's or a reason's whole text for its hover box, as text."""
    return html.escape(display_text(text))


def _even_width(text: str, width: int) -> int:
    """The narrowest line width that still breaks ``text`` into no more lines than ``width`` does, so a title's
    lines come out about equally long ('Response time, / priority 1 by month', not '… priority 1 by / month')."""
    words = " ".join(str(text).split())
    count = len(textwrap.wrap(words, width, break_long_words=False))
    return next(narrower for narrower in range(min(width, max(1, len(words) // max(count, 1))), width + 1)
                if len(textwrap.wrap(words, narrower, break_long_words=False)) <= count)


def enterprise_chart(frame: pd.DataFrame, *, title: str, unit_label: str, subtitle: str | None = None) -> go.Figure:
    """One enterprise KPI across departments: a bar per department coloured by status, the status icon after
    the department's name (so colour is never needed), and a target marker (``frame``: department_name, value, target, status)."""
    ordered = frame.sort_values("value")
    labels = [f"{_wrapped(name, width=DEPARTMENT_CHARS, lines=2)}  {STATUS_ICONS[s]}"
              for name, s in zip(ordered["department_name"], ordered["status"])]
    fig = go.Figure()
    fig.add_bar(
        y=labels, x=ordered["value"], orientation="h", name="Latest value", showlegend=False,
        marker={"color": [STATUS_COLORS[s] for s in ordered["status"]]},
        hovertext=[STATUS_LABELS[s] for s in ordered["status"]],
    )
    if ordered["target"].notna().any():
        fig.add_scatter(
            y=labels, x=ordered["target"], mode="markers", name="Target",
            marker={"symbol": "line-ns", "size": 30, "line": {"width": 4, "color": TARGET}},
        )
    fig = _layout(fig, title, "", height=150 + 52 * len(ordered), subtitle=subtitle)
    fig.update_xaxes(title_text=unit_label,
                     range=[0, np.nanmax([ordered["value"].max(), ordered["target"].max()]) * 1.1])
    fig.update_yaxes(title_text=None)
    return fig


def score_chart(history: pd.DataFrame, *, title: str) -> go.Figure:
    """The city's composite score by month (``history``: period, score) against the 1.0 'on target' line."""
    fig = go.Figure()
    fig.add_scatter(x=history["period"], y=history["score"], name="City score", mode="lines+markers",
                    line={"color": VALUE, "width": 3})
    fig.add_hline(y=1.0, line={"color": TARGET, "dash": "dash", "width": 2}, name="1.0 = on target")
    fig = _layout(fig, title, "score (1.0 = on target)", height=360)
    fig.update_yaxes(tickformat=".2f")
    return fig
