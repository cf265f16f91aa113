"""Pieces the pages share: pickers bound to the URL (so a link opens the same view), status shown as icon +
word + colour (never colour alone), and problem tables."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from louiestat.ingest import Problem
from louiestat.views import City
from metrics.status import STATUS_COLORS, STATUS_ICONS, STATUS_LABELS

VARIATION_ICONS = {
    "special_cause_improvement": "▲ Improving (real change)",
    "special_cause_concern": "▼ Concern (real change)",
    "special_cause_neutral_high": "▲ Unusually high",
    "special_cause_neutral_low": "▼ Unusually low",
    "common_cause": "• Normal variation",
}
ASSURANCE_TEXT = {
    "consistently_passing": "✔ Will reliably meet target",
    "consistently_failing": "✖ Will not meet target without change",
    "hit_and_miss": "◆ Hit and miss",
}


def status_text(status: str) -> str:
    """'✖ Off target': the icon and the word, so status never depends on colour."""
    return f"{STATUS_ICONS[status]} {STATUS_LABELS[status]}"


def status_badge(status: str) -> str:
    """Markdown for a coloured status badge that also carries its icon and word."""
    return f":{_badge_colour(status)}-badge[{status_text(status)}]"


def _badge_colour(status: str) -> str:
    return {"on_target": "green", "near_target": "orange", "off_target": "red"}.get(status, "gray")


def status_style(column: pd.Series) -> list[str]:
    """Cell styles for a status text column (background tint and a coloured left border)."""
    by_text = {status_text(s): s for s in STATUS_LABELS}
    return [
        f"background-color: {STATUS_COLORS[by_text[v]]}22; border-left: 6px solid {STATUS_COLORS[by_text[v]]}"
        if v in by_text
        else ""
        for v in column
    ]


def department_picker(city: City, key: str, *, bind: bool = False, allow_all: bool = False) -> str | None:
    """A department select box (display names, slugs in the URL when ``bind``)."""
    departments = city.departments()
    options = ([None] if allow_all else []) + departments["department"].tolist()
    names = dict(zip(departments["department"], departments["department_name"]))
    return st.selectbox(
        "Department",
        options,
        format_func=lambda slug: "All departments" if slug is None else names.get(slug, slug),
        key=key,
        bind="query-params" if bind else None,
    )


def month_picker(months: Iterable[pd.Timestamp], key: str, *, label: str = "As of month", bind: bool = True) -> str:
    """A month select box, newest first; the value is ``YYYY-MM`` (as it appears in the URL)."""
    options = [m.strftime("%Y-%m") for m in months]
    return st.selectbox(
        label,
        options,
        format_func=month_label,
        key=key,
        bind="query-params" if bind else None,
    )


def show_problems(problems: list[Problem], offset: int = 0) -> None:
    """Problems as a table; ``offset`` turns file lines into editor rows (1 when line 1 is the header)."""
    table = pd.DataFrame([p.model_dump() for p in problems], columns=["line", "column", "value", "message"])
    table["line"] = table["line"].astype("Int64") - offset
    st.dataframe(table.rename(columns={"line": "row" if offset else "line"}), hide_index=True, width="stretch")


def month_label(month: str) -> str:
    """'June 2016' for '2016-06'."""
    return pd.Timestamp(f"{month}-01").strftime("%B %Y")


def empty_city(city: City) -> None:
    """What to do when there is nothing to show yet."""
    if city.is_empty:
        st.info("No KPIs are defined yet. Upload a definitions file (or run `python -m louiestat init --sample` "
                "for the sample city).", icon=":material/info:")
    else:
        st.info("KPIs are defined but no monthly values are stored yet. Upload a values file.", icon=":material/info:")
    st.page_link("louiestat/pages/upload.py", label="Go to Upload", icon=":material/upload_file:")
