"""Pieces the pages share: pickers bound to the URL (so a link opens the same view), status shown as icon +
word + colour (never colour alone), and problem tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from louiestat.presentation.markdown import escape_markdown
from louiestat.presentation.text import display_frame, display_text
from louiestat.presentation.values import month_label
from louiestat.presentation.words import status_words
from louiestat.reading.views import City, Months
from metrics.status import STATUS_COLORS, STATUS_LABELS

if TYPE_CHECKING:  # the ingest package is for the Upload and Manage pages; the overview need not import it
    from louiestat.db.write_lock import OnWait
    from louiestat.ingest import Problem

def status_badge(status: str) -> str:
    """Markdown for a coloured status badge that also carries its icon and word."""
    return f":{_badge_colour(status)}-badge[{status_words(status)}]"


def _badge_colour(status: str) -> str:
    return {"on_target": "green", "near_target": "orange", "off_target": "red"}.get(status, "gray")


def status_style(column: pd.Series) -> list[str]:
    """Cell styles for a status text column (background tint and a coloured left border)."""
    by_text = {status_words(s): s for s in STATUS_LABELS}
    return [
        f"background-color: {STATUS_COLORS[by_text[v]]}22; border-left: 6px solid {STATUS_COLORS[by_text[v]]}"
        if v in by_text
        else ""
        for v in column
    ]


def url_selectbox(label: str, options: list, key: str, format_func=str, default: int = 0):
    """A select box whose choice lives in the URL parameter ``key`` as a stable id (a slug, a KPI key,
    ``YYYY-MM``), so a link pasted into an email opens the same view even after a rename."""
    wanted = st.query_params.get(key)
    index = options.index(wanted) if wanted in options else default
    value = st.selectbox(label, options, index=index, format_func=lambda option: display_text(format_func(option)),
                         key=f"url_{key}")
    if wanted is not None and wanted not in options and value == options[index]:
        st.warning(f"The link asks for {label.lower()} “{escape_markdown(wanted)}”, which does not exist here; "
                   f"showing {escape_markdown(format_func(value))} instead.", icon=":material/link_off:")
    # Every change of the URL is an entry in the browser's history: an untouched default stays out of it, so
    # opening a link neither rewrites it nor leaves an entry Back would land on.
    if value is None:
        if wanted is not None:
            del st.query_params[key]
    elif wanted != str(value) and not (wanted is None and value == options[default]):
        st.query_params[key] = str(value)
    return value


def url_pills(label: str, options: list, key: str, format_func=str, *, default: list | None = None,
              multi: bool = True, **kwargs):
    """Pills whose choice lives in the URL parameter ``key`` as comma-separated ids (``show=off_target,
    near_target``); the default choice leaves the URL clean. ``multi=False`` picks one or none."""
    default = default or []
    wanted = st.query_params.get(key)
    chosen = default if wanted is None else [o for o in wanted.split(",") if o in options]
    value = st.pills(label, options, selection_mode="multi" if multi else "single",
                     default=chosen if multi else (chosen[:1] or [None])[0], format_func=format_func,
                     key=f"url_{key}", wrap=True, **kwargs)
    picked = (value or []) if multi else [value] if value is not None else []
    values = [o for o in options if o in picked]
    if values == default:
        if key in st.query_params:
            del st.query_params[key]
    elif wanted is None or set(wanted.split(",")) != set(values):  # the link's own order stays as written
        st.query_params[key] = ",".join(values)
    return value


# Follows the link open_kpi draws. The browser clicks it rather than the server calling st.switch_page: a
# switch with query parameters first writes them into the current page's URL, an extra history entry (the
# table's page with `kpi=` and without its sort and filters) that Back would land on.
_FOLLOW_LINK = """
<script>
(function follow(tries) {
  const link = document.querySelector(".st-key-open_kpi a");
  if (link) link.click();
  else if (tries > 0) requestAnimationFrame(() => follow(tries - 1));
})(60);
</script>
"""


def open_kpi(row: pd.Series, as_of: str) -> None:
    """Go to one KPI's detail in the same tab, keeping the as-of month, as a link does: one entry in the
    browser's history, so Back returns to the page with its URL as it was."""
    with st.container(key="open_kpi"):
        st.page_link("louiestat/pages/kpi.py", label=f"Opening {escape_markdown(row['kpi_name'])}…",
                     icon=":material/arrow_forward:",
                     query_params={"department": row["department"], "kpi": row["kpi"], "as_of": as_of})
    st.html(_FOLLOW_LINK, unsafe_allow_javascript=True)


def department_picker(city: City, key: str, *, in_url: bool = False) -> str:
    """A department select box showing display names; ``in_url`` keeps the chosen slug in the URL. The page stops
    with a word of explanation when the city has no department yet: there is nothing to choose."""
    chosen = _department_box(city, key, in_url, allow_all=False)
    if chosen is None:
        st.info("No departments yet: the performance office loads them with a definitions file.",
                icon=":material/info:")
        st.stop()
    return chosen


def department_filter(city: City, key: str, *, in_url: bool = False) -> str | None:
    """Like ``department_picker``, with "All departments" (None) first."""
    return _department_box(city, key, in_url, allow_all=True)


def _department_box(city: City, key: str, in_url: bool, allow_all: bool) -> str | None:
    departments = city.departments()
    options = ([None] if allow_all else []) + departments["department"].tolist()
    names = dict(zip(departments["department"], departments["department_name"]))

    def name(slug: str | None) -> str:
        return "All departments" if slug is None else names.get(slug, slug)

    if in_url:
        return url_selectbox("Department", options, key, name)
    return st.selectbox("Department", options, format_func=lambda slug: display_text(name(slug)), key=key)


def month_picker(months: Months, key: str = "as_of", *, label: str = "As of month") -> str:
    """A month select box, newest first, kept in the URL as ``YYYY-MM``; the reporting month unless the URL
    names another, and months not every department has reported marked incomplete."""

    def name(month: str) -> str:
        return f"{month_label(month)} · incomplete" if month in months.incomplete else month_label(month)

    default = months.options.index(months.default) if months.default in months.options else 0
    return url_selectbox(label, months.options, key, name, default=default)


def incomplete_notice(months: Months, as_of: str) -> None:
    """Say when the month shown is incomplete, so that its scores are read as provisional."""
    if as_of in months.incomplete:
        newer = (
            f" The newest month most departments have reported is {month_label(months.default)}."
            if months.default and months.default != as_of else ""
        )
        st.info(f"**{month_label(as_of)} is incomplete: {months.incomplete[as_of]}.** Its department and city "
                f"scores are provisional and can change as the rest report.{newer}", icon=":material/hourglass_top:")


def waiting_notice() -> OnWait:
    """An ``on_wait`` for a write started on a page: says, in place, whose write it is waiting for."""
    notice = st.empty()

    def show(message: str) -> None:
        notice.info(f"{message[:1].upper()}{message[1:]}…", icon=":material/hourglass_top:")

    return show


def readable_problems(table: pd.DataFrame, offset: int = 0) -> pd.DataFrame:
    """A problem table (line, column, value, message…) with words where a cell would be empty: a problem with
    no line is about the whole file, one with no column or value leaves the cell blank (Streamlit would draw
    an empty cell as "None"), values and messages as typed (``display_frame``). ``offset`` turns file lines into
    editor rows (1 when line 1 is the header)."""
    shown = display_frame(table)
    line = shown["line"].astype("Int64") - offset
    return shown.assign(
        line=line.astype("string").fillna("whole file" if not offset else "whole table"),
        column=shown["column"].astype("string").fillna(""),
        value=shown["value"].astype("string").fillna(""),
    )


def show_problems(problems: list[Problem], offset: int = 0) -> None:
    """Problems as a table; ``offset`` turns file lines into editor rows (1 when line 1 is the header)."""
    table = pd.DataFrame([p.model_dump() for p in problems], columns=["line", "column", "value", "message"])
    table = readable_problems(table, offset)
    st.dataframe(table.rename(columns={"line": "row" if offset else "line"}), hide_index=True, width="stretch")


def empty_city(city: City) -> None:
    """What to do when there is nothing to show yet."""
    if city.is_empty:
        st.info("No KPIs are defined yet. Upload a definitions file on the Upload page (its definitions template "
                "lists the columns).", icon=":material/info:")
    else:
        st.info("KPIs are defined but no monthly values are stored yet. Upload a values file.", icon=":material/info:")
    st.page_link("louiestat/pages/upload.py", label="Go to Upload", icon=":material/upload_file:")


PERFECT_MONTH_HELP = (
    "A lower-is-better KPI at 0 (a perfect month) has no score of its own, as Boston publishes it, but counts in "
    "this mean as if it were at the smallest step its unit shows (1 for counts and dollars, 0.01 for rates, 0.1 "
    "otherwise), so reaching 0 never lowers a department's or the city's score."
)
