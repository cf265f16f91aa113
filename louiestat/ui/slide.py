"""One agenda item drawn for a projector, as the presenter and the follower screens both show it: the item's
title and reason, the KPI's chart with its signals in one sentence, the big numbers with the status in words, the
department's note and the open follow-ups; a free topic shows its title, reason and question."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from louiestat.meetings.briefing import FollowUp
from louiestat.meetings.presenting import MEETING_MINUTES, Slide
from louiestat.presentation import charts
from louiestat.presentation.agenda import KIND_WORDS, date_words, due_words, held_times
from louiestat.presentation.values import format_value, month_label
from louiestat.presentation.words import CHANGE_WORDS, NO_COMPARISON, status_words
from louiestat.ui import cache
from louiestat.ui.screen import CHART_CONFIG
from louiestat.ui.widgets import escape_markdown

STYLE = Path(__file__).with_name("slide.css")
CHART_HEIGHT = 430
CHART_SCALE = 1.3
NO_SIGNAL = "No special cause: every month is within normal variation."


def full_screen() -> None:
    """The projector's layout for this page only: no top menu, big type (the style goes with the page)."""
    st.html(STYLE)


def progress(slide: Slide, now: dt.datetime) -> str:
    """'Item 4 of 9 · 23 of 90 min' ('held 10:02–11:30' once the presenter ends the meeting)."""
    if slide.ended:
        clock = f"held {held_times(slide.meeting.started_at, slide.meeting.ended_at)}"
    elif slide.started_at:
        clock = f"{slide.minutes_used(now)} of {MEETING_MINUTES} min"
    else:
        clock = f"{MEETING_MINUTES} min, not started"
    return f"Item {slide.position} of {slide.count} · {clock}"


def show(slide: Slide, *, key: str) -> None:
    """The item on screen; ``key`` names its chart (the presenter's and the follower's differ)."""
    item, meeting = slide.item, slide.meeting
    st.markdown(f"## {escape_markdown(item.title)}")
    kind = KIND_WORDS[item.kind]
    st.markdown(f"**{escape_markdown(kind)}** · {escape_markdown(item.reason)}" if item.reason
                else f"**{escape_markdown(kind)}**")
    card = _card(meeting.department, item.kpi, meeting.as_of) if item.kpi else None
    if card is None:
        if item.question:
            st.markdown(f"### {escape_markdown(item.question)}")
    else:
        _kpi(card, meeting.as_of, key)
    _followups(slide.followups)


def _card(department: str, kpi: str, as_of: str) -> pd.Series | None:
    card = cache.scorecard(as_of)
    rows = card[(card["department"] == department) & (card["kpi"] == kpi)]
    return None if rows.empty else rows.iloc[0]


def _kpi(card: pd.Series, as_of: str, key: str) -> None:
    chart, numbers = st.columns([2.7, 1], gap="medium")
    detail = cache.kpi_detail(int(card["kpi_id"]), as_of)
    with chart:
        if detail.points.empty:
            st.info(f"No data for {escape_markdown(card['kpi_name'])} up to {month_label(as_of)}.")
        else:
            figure = charts.detail_chart(detail, height=CHART_HEIGHT, scale=CHART_SCALE, wrap_title=False)
            st.plotly_chart(figure, width="stretch", key=f"{key}_chart", config=CHART_CONFIG)
    with numbers, st.container(key=f"{key}_numbers"):
        st.markdown(f"### {status_words(card['status'])}")
        latest = f"Latest ({card['period']:%B %Y})" if pd.notna(card["period"]) else "Latest"
        st.metric(latest, format_value(card["value"], card["unit"]))
        st.metric("Target", format_value(card["target"], card["unit"]))
        change = card["change_pct"]
        if pd.isna(change):
            st.metric("Change", NO_COMPARISON.capitalize(), "with the previous month", delta_color="off",
                      delta_arrow="off")
        else:
            st.metric("Change", CHANGE_WORDS[card["change_direction"]].capitalize(),
                      f"{change:+.1f}% vs previous month",
                      delta_color="inverse" if card["direction"] == "lower_is_better" else "normal")
    st.markdown(f"**What the chart says:** {escape_markdown(detail.signals[-1] if detail.signals else NO_SIGNAL)}")
    if isinstance(card["note"], str) and card["note"].strip():
        st.markdown(f"**The department's note:** {escape_markdown(card['note'])}")


def _followups(followups: list[FollowUp]) -> None:
    if not followups:
        return
    st.markdown("#### Open follow-ups")
    today = dt.date.today()
    for f in followups:
        when = due_words(f.due_by, today)
        st.markdown(f"- {'⚠ ' if f.is_overdue(today) else '○ '}{escape_markdown(f.what)} — "
                    f"**{escape_markdown(f.owner)}**, due {date_words(f.due_by)} ({when})")
