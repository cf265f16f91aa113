"""Department scorecard: every KPI of one department as of a month — latest value against target, changes,
a 12-month sparkline, the SPC signal and assurance, the analyst's note — sorted off target first."""

import pandas as pd
import streamlit as st

from louiestat.exports import downloads
from louiestat.exports.spreadsheet import csv_text, excel_bytes
from louiestat.presentation.values import format_score, month_label
from louiestat.presentation.words import ASSURANCE_HELP_TEXT, VARIATION_HELP, VARIATION_HELP_TEXT, status_words
from louiestat.reading import views
from louiestat.ui import access, cache
from louiestat.ui.followup_counts import followup_counts_line
from louiestat.ui.widgets import (
    PERFECT_MONTH_HELP,
    department_picker,
    empty_city,
    escape_markdown,
    incomplete_notice,
    month_picker,
    open_kpi,
    status_badge,
    status_style,
    url_pills,
    url_selectbox,
)
from metrics.status import STATUS_LABELS

SORTS = {
    "status": ("Off target first", ["status_rank", "kpi_name"]),
    "name": ("KPI name", ["kpi_name"]),
    "change": ("Biggest change", ["abs_change"]),
    "score": ("Score (lowest first)", ["score_month"]),
}
# The columns that fit a 1280-wide screen beside the pinned KPI name; the rest are one click away.
COLUMNS = {
    "KPI": st.column_config.TextColumn("KPI", width=240, pinned=True),
    "Status": st.column_config.TextColumn("Status", width=120),
    "Latest": st.column_config.TextColumn("Latest", width=150),
    "Target": st.column_config.TextColumn("Target", width=90),
    "vs last month": st.column_config.TextColumn("vs last month", width=125),
    "vs last year": st.column_config.TextColumn("vs last year", width=125),
    "Last 12 months": st.column_config.LineChartColumn("Last 12 months", width=110),
    "Score": st.column_config.TextColumn(
        "Score", width=60, help="value/target (target/value when lower is better); 1.00 = on target"
    ),
}
# The rest, by their id in the URL (``columns=signal,note``): the table's column (the year-to-date one names
# its fiscal year after these words), its heading and width.
MORE_COLUMNS = {
    "signal": ("Signal", "Signal (SPC)", 200),
    "assurance": ("Assurance", "Assurance", 240),
    "ytd": ("Year to date", "Year to date", 300),
    "note": ("Note", "Analyst's note", 300),
}
# What the SPC words in these columns mean, in plain language (the column heading's tooltip).
MORE_HELP = {"signal": VARIATION_HELP_TEXT, "assurance": ASSURANCE_HELP_TEXT}
LAYOUTS = {"table": "Table", "cards": "Cards"}


def render() -> None:
    city = cache.city()
    title, pick_department, pick_month = st.columns([2.2, 1.6, 1.2], vertical_alignment="bottom")
    title.title("Department scorecard")
    if city.observations.empty:
        empty_city(city)
        return
    with pick_department:
        department = department_picker(city, key="department", in_url=True)
    months = cache.months()
    with pick_month:
        as_of = month_picker(months, key="as_of")
    switch = st.empty()  # on a phone, the row below hides behind this switch (screen.css)
    filters = st.container(key="scorecard_filters")
    pick_sort, pick_statuses, pick_view = filters.columns([1.2, 3, 1.1], vertical_alignment="bottom")
    with pick_sort:
        sort = url_selectbox("Sort", list(SORTS), "sort", lambda key: SORTS[key][0])
    with pick_statuses:
        shown = url_pills("Show", list(STATUS_LABELS), "show", status_words, default=list(STATUS_LABELS))
    public = access.visitor().public
    with pick_view, st.popover("Columns and layout", icon=":material/view_column:", width="stretch"):
        more = url_pills("More columns", views.published(MORE_COLUMNS, public), "columns",
                         lambda key: MORE_COLUMNS[key][1],
                         help="The KPI detail page shows all of these for one KPI.")
        layout = url_pills("Layout", list(LAYOUTS), "view", LAYOUTS.get, multi=False,
                           help="With neither chosen: a card per KPI on a phone, the table on a wider screen.")
    chosen = len(shown or [])
    statuses = "all statuses" if chosen == len(STATUS_LABELS) else f"{chosen} of {len(STATUS_LABELS)} statuses"
    switch.toggle(f"Sort and filter: {SORTS[sort][0]} · {statuses}", key="scorecard_filters_switch")
    card = cache.scorecard(as_of)
    mine = card[card["department"] == department]
    summary = views.department_row(cache.departments(as_of), department)
    incomplete_notice(months, as_of)
    _summary(summary, as_of)
    followup_counts_line(department)
    mine = mine[mine["status"].isin(shown or [])]
    mine = mine.assign(abs_change=-mine["change_pct"].abs()).sort_values(SORTS[sort][1], kind="stable")
    if mine.empty:
        st.info("No KPI matches the statuses selected above.")
        return
    table = views.scorecard_table(mine, public=public)
    if layout != "cards":
        with st.container(key="scorecard_auto_table" if layout is None else "scorecard_table"):
            _table(table, mine, more or [], as_of)
    if layout != "table":
        with st.container(key="scorecard_auto_cards" if layout is None else "scorecard_cards"):
            _cards(table, mine, as_of)
    _attention(mine)
    download = downloads.scorecard_download(mine, public=public)
    name = f"scorecard-{department}-{as_of}"
    left, right, _ = st.columns([1, 1, 3])
    left.download_button("Download CSV", csv_text(download), f"{name}.csv", "text/csv",
                         icon=":material/download:", key="download_csv")
    right.download_button(
        "Download Excel", excel_bytes(download, name), f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:",
        key="download_xlsx",
    )


def _table(table: pd.DataFrame, card: pd.DataFrame, more: list[str], as_of: str) -> None:
    """The scorecard table with the KPI name pinned; choosing a row opens that KPI in the same tab."""
    columns = dict(COLUMNS)
    for key in (key for key in MORE_COLUMNS if key in more):
        column, heading, width = MORE_COLUMNS[key]
        name = next(name for name in table.columns if name.startswith(column))
        columns[name] = st.column_config.TextColumn(heading if name == column else name, width=width,
                                                    help=MORE_HELP.get(key))
    st.caption("Tick the box at the start of a row to open that KPI.")
    chosen = st.dataframe(
        table.style.apply(status_style, subset=["Status"]),
        hide_index=True,
        width="stretch",
        height=min(36 * (len(table) + 1) + 3, 940),
        row_height=36,
        column_order=list(columns),
        column_config=columns,
        key="scorecard_rows",
        on_select="rerun",
        selection_mode="single-row",
    )
    if chosen.selection.rows:
        open_kpi(card.iloc[chosen.selection.rows[0]], as_of)


def _cards(table: pd.DataFrame, card: pd.DataFrame, as_of: str) -> None:
    """A card per KPI for a phone: the name opens the KPI, then status, latest against target and change."""
    for (_, row), (_, kpi) in zip(table.iterrows(), card.iterrows()):
        with st.container(border=True, gap="small"):
            st.page_link("louiestat/pages/kpi.py", label=f"**{escape_markdown(row['KPI'])}**",
                         icon=":material/arrow_forward:",
                         query_params={"department": kpi["department"], "kpi": kpi["kpi"], "as_of": as_of})
            st.markdown(f"{status_badge(kpi['status'])} **{escape_markdown(row['Latest'])}** · target "
                        f"{escape_markdown(row['Target'])}")
            st.caption(f"vs last month {escape_markdown(row['vs last month'])} · score {row['Score']}")


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
    score, on, near, off, concern = st.container(key="metric_row_department").columns(5)
    score.metric("Department score (provisional)" if row["provisional"] else "Department score",
                 format_score(row["score_month"]),
                 help="Weighted mean of its KPI scores (value/target; target/value when lower is better). "
                 "1.0 = on target. " + PERFECT_MONTH_HELP, border=True)
    on.metric(status_words("on_target"), int(row["on_target"]), border=True)
    near.metric(status_words("near_target"), int(row["near_target"]), border=True)
    off.metric(status_words("off_target"), int(row["off_target"]), border=True)
    concern.metric("Real concern (SPC)", int(row["special_cause_concern"]), border=True,
                   help="KPIs whose latest month is a real change for the worse on its chart, not noise. "
                   + VARIATION_HELP["special_cause_concern"])


render()
