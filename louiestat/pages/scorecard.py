"""Department scorecard: every KPI of one department as of a month — latest value against target, changes,
a 12-month sparkline, the SPC signal and assurance, the analyst's note — sorted off target first."""

import pandas as pd
import streamlit as st

from louiestat import downloads, views
from louiestat.pages import cache
from louiestat.pages.widgets import (
    PERFECT_MONTH_HELP,
    department_picker,
    empty_city,
    incomplete_notice,
    escape_markdown,
    month_picker,
    status_style,
)
from louiestat.presentation.values import format_score, month_label
from louiestat.presentation.words import status_words
from louiestat.spreadsheet import csv_text, excel_bytes
from metrics.status import STATUS_LABELS

SORTS = {
    "Off target first": ["status_rank", "kpi_name"],
    "KPI name": ["kpi_name"],
    "Biggest change": ["abs_change"],
    "Score (lowest first)": ["score_month"],
}


def render() -> None:
    city = cache.city()
    st.title("Department scorecard")
    if city.observations.empty:
        empty_city(city)
        return
    pick_department, pick_month, pick_sort = st.columns([2, 1, 1])
    with pick_department:
        department = department_picker(city, key="department", in_url=True)
    months = cache.months()
    with pick_month:
        as_of = month_picker(months, key="as_of")
    with pick_sort:
        sort = st.selectbox("Sort", list(SORTS), key="sort")
    card = cache.scorecard(as_of)
    mine = card[card["department"] == department]
    summary = views.department_row(cache.departments(as_of), department)
    incomplete_notice(months, as_of)
    _summary(summary, as_of)
    shown = st.pills(
        "Show", list(STATUS_LABELS), selection_mode="multi", default=list(STATUS_LABELS),
        format_func=status_words, key="show",
    )
    mine = mine[mine["status"].isin(shown or [])]
    mine = mine.assign(abs_change=-mine["change_pct"].abs()).sort_values(SORTS[sort], kind="stable")
    if mine.empty:
        st.info("No KPI matches the statuses selected above.")
        return
    table = views.scorecard_table(mine, as_of)
    st.dataframe(
        table.style.apply(status_style, subset=["Status"]),
        hide_index=True,
        width="stretch",
        height=min(36 * (len(table) + 1) + 3, 940),
        row_height=36,
        column_config={
            "Status": st.column_config.TextColumn("Status", width=130),
            "KPI": st.column_config.TextColumn("KPI", width=280),
            "Detail": st.column_config.LinkColumn("Detail", display_text="Open", width=70),
            "Latest": st.column_config.TextColumn("Latest", width=170),
            "Target": st.column_config.TextColumn("Target", width=100),
            "vs last month": st.column_config.TextColumn("vs last month", width=140),
            "vs last year": st.column_config.TextColumn("vs last year", width=140),
            "Last 12 months": st.column_config.LineChartColumn("Last 12 months", width=140),
            "Score": st.column_config.TextColumn(
                "Score", width=70, help="value/target (target/value when lower is better); 1.00 = on target"
            ),
            "Signal": st.column_config.TextColumn("Signal (SPC)", width=200),
            "Assurance": st.column_config.TextColumn("Assurance", width=240),
            "Note": st.column_config.TextColumn("Analyst's note", width=300),
        },
    )
    _attention(mine)
    download = downloads.scorecard_download(mine)
    name = f"scorecard-{department}-{as_of}"
    left, right, _ = st.columns([1, 1, 3])
    left.download_button("Download CSV", csv_text(download), f"{name}.csv", "text/csv",
                         icon=":material/download:", key="download_csv")
    right.download_button(
        "Download Excel", excel_bytes(download, name), f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:",
        key="download_xlsx",
    )


def _attention(card: pd.DataFrame) -> None:
    flagged = views.needs_attention(card)
    if flagged.empty:
        return
    st.subheader("What needs attention")
    for kpi_name, status, explanation in flagged[["kpi_name", "status", "explanation"]].itertuples(index=False):
        st.markdown(f"**{status_words(status)} · {escape_markdown(kpi_name)}** — {escape_markdown(explanation)}")


def _summary(row: pd.Series, as_of: str) -> None:
    if row["overdue"]:
        st.warning(
            f"No data for {month_label(as_of)} yet — last reported "
            f"{row['last_period'].strftime('%B %Y') if pd.notna(row['last_period']) else 'never'}. "
            "Upload it on the Upload page; the values template lists every KPI for the month due.",
            icon=":material/schedule:",
        )
        st.page_link("louiestat/pages/upload.py", label="Upload this month's values", icon=":material/upload_file:")
    score, on, near, off, concern = st.columns(5)
    score.metric("Department score (provisional)" if row["provisional"] else "Department score",
                 format_score(row["score_month"]),
                 help="Weighted mean of its KPI scores (value/target; target/value when lower is better). "
                 "1.0 = on target. " + PERFECT_MONTH_HELP, border=True)
    on.metric(status_words("on_target"), int(row["on_target"]), border=True)
    near.metric(status_words("near_target"), int(row["near_target"]), border=True)
    off.metric(status_words("off_target"), int(row["off_target"]), border=True)
    concern.metric("Real concern (SPC)", int(row["special_cause_concern"]), border=True,
                   help="KPIs whose latest month is a special-cause concern on its XmR chart: a real change, not noise")


render()
