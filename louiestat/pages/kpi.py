"""KPI detail: one KPI's months as an XmR chart with its target, the signals explained in words, the
projection to target, and every value with the upload that set it and the corrections since."""

import pandas as pd
import streamlit as st

from louiestat.exports.spreadsheet import csv_text
from louiestat.presentation import charts
from louiestat.presentation.values import format_score, format_value, month_label
from louiestat.presentation.words import (
    ASSURANCE_HELP,
    CHANGE_WORDS,
    NO_COMPARISON,
    NORMAL_RANGE_HELP,
    VARIATION_HELP,
    VARIATION_HELP_TEXT,
    assurance_text,
    counted,
    status_words,
)
from louiestat.reading import views
from louiestat.ui import access, cache
from louiestat.ui.screen import CHART_CONFIG
from louiestat.ui.widgets import (
    department_picker,
    empty_city,
    escape_markdown,
    month_picker,
    status_badge,
    url_selectbox,
)

RECENT_SIGNALS = 5
TABLE_COLUMNS = {
    "Month": st.column_config.TextColumn("Month", width=90, pinned=True),
    "Batch": st.column_config.NumberColumn("Batch", format="%d", width=70),
    "Signal": st.column_config.TextColumn("Signal", help=VARIATION_HELP_TEXT),
    "Note": st.column_config.TextColumn("Note", width=300),
    "Earlier values (corrected)": st.column_config.TextColumn("Earlier values (corrected)", width=420),
}


def render() -> None:
    city = cache.city()
    title, pick_department, pick_kpi, pick_month = st.columns([1.5, 2, 2, 1.4], vertical_alignment="bottom")
    title.title("KPI detail")
    if city.observations.empty:
        empty_city(city)
        return
    with pick_department:
        department = department_picker(city, key="department", in_url=True)
    mine = city.kpis[city.kpis["department"] == department].sort_values("kpi_name")
    with pick_kpi:
        key = url_selectbox("KPI", mine["kpi"].tolist(), "kpi", dict(zip(mine["kpi"], mine["kpi_name"])).get)
    with pick_month:
        as_of = month_picker(cache.months())
    kpi = mine.set_index("kpi").loc[key]
    card = cache.scorecard(as_of).set_index("kpi_id").loc[kpi["kpi_id"]]
    detail = cache.kpi_detail(int(kpi["kpi_id"]), as_of)
    _header(kpi, card)
    sentence, pick_overlay = st.columns([4, 1.4], vertical_alignment="center")
    sentence.markdown(f"{status_badge(card['status'])} {escape_markdown(card['explanation'])}", help=_spc_help(card))
    if detail.points.empty:
        st.info(f"No data for {escape_markdown(kpi['kpi_name'])} up to {month_label(as_of)} yet — upload it on the Upload page.")
        st.page_link("louiestat/pages/upload.py", label="Go to Upload", icon=":material/upload_file:")
        return
    with pick_overlay:
        overlay = st.toggle("Show the same month last year", key="yoy", bind="query-params")
    public = access.visitor().public
    figure = charts.detail_chart(detail, year_over_year=overlay, public=public)
    st.plotly_chart(figure, width="stretch", key="kpi_chart", config=CHART_CONFIG)
    _signals(detail, card)
    _table(detail, kpi, public)


def _header(kpi: pd.Series, card: pd.Series) -> None:
    better = "lower is better" if kpi["direction"] == "lower_is_better" else "higher is better"
    st.markdown(f"### {escape_markdown(kpi['kpi_name'])}")
    description = f" · {kpi['description']}" if pd.notna(kpi["description"]) else ""
    st.caption(escape_markdown(f"{kpi['department_name']} · {kpi['unit']}, {better}{description}"))
    latest, target, fytd, score = st.container(key="metric_row_kpi").columns(4)
    change = card["change_pct"]
    # The comparison's words go beside the delta, where they may wrap; in the delta they were cut at 1280 px.
    latest.metric(
        f"Latest ({card['period']:%B %Y})" if pd.notna(card["period"]) else "Latest",
        format_value(card["value"], kpi["unit"]),
        NO_COMPARISON if pd.isna(change) else f"{change:+.1f}% ({CHANGE_WORDS[card['change_direction']]})",
        delta_color="off" if pd.isna(change) else "inverse" if kpi["direction"] == "lower_is_better" else "normal",
        delta_arrow="off" if pd.isna(change) else "auto",
        delta_description="with the previous month" if pd.isna(change) else "vs last month",
        border=True,
    )
    target.metric("Target", format_value(card["target"], kpi["unit"]), border=True)
    fytd.metric(
        f"{card['fy_label']} to date" if pd.notna(card["fy_label"]) else "Fiscal year to date",
        format_value(card["fytd_value"], kpi["unit"]),
        status_words(card["fytd_status"])
        + (f" (target {format_value(card['fytd_target'], kpi['unit'])})" if pd.notna(card["fytd_target"]) else "")
        if isinstance(card["fytd_status"], str)
        else None,
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    score.metric("Score this month", format_score(card["score_month"]),
                 help="value/target (target/value when lower is better); 1.0 = on target. A lower-is-better KPI "
                 "at 0 has no score of its own (Boston's rule).", border=True)


def _spc_help(card: pd.Series) -> str:
    """What the SPC words of this KPI's sentence mean: its variation and its assurance, in plain language."""
    variation = card["variation"] if isinstance(card["variation"], str) else None
    if variation and variation.startswith("special_cause_neutral"):
        variation = "special_cause_neutral"
    parts = [VARIATION_HELP.get(variation or ""), ASSURANCE_HELP.get(card["assurance"]), NORMAL_RANGE_HELP]
    return "\n\n".join(part for part in parts if part)


def _signals(detail: views.KpiDetail, card: pd.Series) -> None:
    st.subheader("What the chart says", help=VARIATION_HELP_TEXT)
    if bool(card["trial_limits"]):
        st.warning(
            "Fewer than 13 months in the current process: the limits are provisional, so treat signals with care.",
            icon=":material/hourglass:",
        )
    if detail.signals:
        st.markdown(f"- **{escape_markdown(card['chart_says'])}**")  # the latest month, as the scorecard says it
        recent, older = detail.signals[-RECENT_SIGNALS:], detail.signals[:-RECENT_SIGNALS]
        for sentence in reversed(recent):
            st.markdown(f"- {escape_markdown(sentence)}")
        if older:
            with st.expander(f"{counted(len(older), 'earlier signal')}"):
                for sentence in reversed(older):
                    st.markdown(f"- {escape_markdown(sentence)}")
    else:
        st.markdown("- No special cause: every month is within normal variation.")
    if pd.notna(card.get("assurance")):
        assurance = assurance_text(pd.Series([card["assurance"]]), pd.Series([card["trial_limits"]]))[0]
        st.markdown(f"- **Assurance:** {assurance}",
                    help=f"{ASSURANCE_HELP[card['assurance']]}\n\n{NORMAL_RANGE_HELP}")
    if pd.notna(card.get("projection_text")):
        st.markdown(f"- **Projection:** {escape_markdown(card['projection_text'])}")


def _table(detail: views.KpiDetail, kpi: pd.Series, public: bool) -> None:
    st.subheader("Values by month" if public else "Values, uploads and corrections")
    history = cache.value_history(int(kpi["kpi_id"]))
    table = views.kpi_table(detail, history, kpi["unit"], public=public)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=420,
        column_config={name: config for name, config in TABLE_COLUMNS.items() if name in table.columns},
    )
    st.download_button(
        "Download this KPI (CSV)", csv_text(table), f"{kpi['department']}-{kpi.name}.csv", "text/csv",
        icon=":material/download:", key="download_kpi",
    )


render()
