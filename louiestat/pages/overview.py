"""City overview: the city's composite score and its trend, a tile per department, the KPIs moving the wrong
way, and the enterprise KPIs every department reports, side by side."""

import pandas as pd
import streamlit as st

from louiestat.presentation import charts
from louiestat.presentation.text import display_frame
from louiestat.presentation.values import axis_label, format_score, format_score_change, month_label
from louiestat.presentation.words import VARIATION_HELP, counted, mover_reasons, status_words
from louiestat.reading import views
from louiestat.ui import cache
from louiestat.ui.followup_counts import followup_counts_line
from louiestat.ui.screen import CHART_CONFIG
from louiestat.ui.widgets import (
    PERFECT_MONTH_HELP,
    empty_city,
    escape_markdown,
    incomplete_notice,
    month_picker,
    open_kpi,
    status_badge,
)


def render() -> None:
    city = cache.city()
    title, picker = st.columns([3, 1], vertical_alignment="bottom")
    title.title("City overview")
    if city.observations.empty:
        empty_city(city)
        return
    months = cache.months()
    with picker:
        as_of = month_picker(months, key="as_of")
    view = cache.overview(as_of)
    summary = view.city
    title.caption(
        f"As of {month_label(as_of)} · {counted(summary['departments'], 'department')} · "
        f"{counted(summary['kpis'], 'KPI')} · "
        "a score of 1.0 means on target, above 1.0 better than target (Boston CityScore method)"
    )
    _newest_month(months, as_of)
    incomplete_notice(months, as_of)
    _city_scores(view)
    followup_counts_line()
    st.subheader("Departments")
    _department_tiles(view.departments, as_of)
    st.subheader("Moving the wrong way")
    _movers(view.movers, as_of)
    if view.score_history["score"].notna().any():
        st.subheader("City score over time")
        st.plotly_chart(charts.score_chart(view.score_history, title="City score by month"), width="stretch",
                        config=CHART_CONFIG)
    st.subheader("Enterprise KPIs across departments")
    st.caption("Each department's latest month. After the name: ✔ on target · ◆ near target · ✖ off target; "
               "the black tick is the department's target.")
    _enterprise(view.card)


def _newest_month(months: views.Months, as_of: str) -> None:
    """How complete the newest month is, unless it is the month shown (its incomplete notice says so)."""
    newest = months.options[0]
    if newest in months.incomplete and newest == as_of:
        return
    if newest in months.incomplete:
        st.caption(f"Newest month, {month_label(newest)}: {months.incomplete[newest]} so far.")
    else:
        st.caption(f"Newest month, {month_label(newest)}: every department has reported.")


def _city_scores(view: views.Overview) -> None:
    summary, history = view.city, view.score_history["score"]
    previous = history.iloc[-2] if len(history) > 1 else float("nan")
    month, quarter, year, off, overdue, concerns = st.container(key="metric_row_city").columns([1.3, 1, 1, 1, 1, 1])
    change = format_score_change(summary["score_month"] - previous)
    month.metric(
        "City score (provisional)" if summary["provisional"] else "City score",
        format_score(summary["score_month"]),
        change,
        delta_color="off" if change == "no change" else "normal",
        delta_arrow="off" if change == "no change" else "auto",
        border=True,
        help="Mean of the department scores; a KPI scores value/target (target/value when lower is better). "
        "Provisional while a department has not reported the month. " + PERFECT_MONTH_HELP,
    )
    quarter.metric("Last 3 months", format_score(summary["score_3m"]), border=True)
    year.metric("Last 12 months", format_score(summary["score_12m"]), border=True)
    off.metric(
        f"Off target, of {summary['kpis']}",
        f"✖ {summary['off_target']}",
        f"◆ {summary['near_target']} near · ✔ {summary['on_target']} on",
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    overdue.metric(
        f"Overdue, of {summary['departments']}",
        f"{summary['departments_overdue']}",
        border=True,
        help="Departments that have not reported the month shown yet.",
    )
    concerns.metric(
        "Real concerns",
        f"{summary['special_cause_concern']}",
        border=True,
        help="KPIs whose latest month is a real change for the worse on its chart (SPC), not noise. "
        + VARIATION_HELP["special_cause_concern"],
    )


def _department_tiles(departments: pd.DataFrame, as_of: str) -> None:
    per_row = 4
    for start in range(0, len(departments), per_row):
        columns = st.columns(per_row)
        for column, (_, row) in zip(columns, departments.iloc[start : start + per_row].iterrows()):
            with column.container(border=True):
                st.markdown(f"#### {escape_markdown(row['department_name'])}")
                st.metric("Score this month (provisional)" if row["provisional"] else "Score this month",
                          format_score(row["score_month"]),
                          help="Weighted mean of its KPI scores; 1.0 = on target. " + PERFECT_MONTH_HELP)
                counts = [
                    f"{status_words(s)}: **{row[s]}**"
                    for s in ("on_target", "near_target", "off_target", "no_target", "no_data")
                    if row[s] or s in ("on_target", "near_target", "off_target")
                ]
                st.markdown("  \n".join([*counts, f"Real concern (SPC): **{row['special_cause_concern']}**"]))
                last = month_label(row["last_period"].strftime("%Y-%m")) if pd.notna(row["last_period"]) else "never"
                if row["overdue"]:
                    st.markdown(f":orange-badge[⚠ Overdue] last reported {last}")
                else:
                    st.markdown(f":green-badge[✔ Up to date] {last}")
                st.page_link("louiestat/pages/scorecard.py", label="Open scorecard", icon=":material/arrow_forward:",
                             query_params={"department": row["department"], "as_of": as_of})


def _movers(movers: pd.DataFrame, as_of: str) -> None:
    if movers.empty:
        st.success("No KPI shows a real worsening (special cause) or a worsening 12-month trend.")
        return
    table = views.scorecard_table(movers)[["KPI", "Latest", "Status"]]
    table.insert(0, "Department", display_frame(movers[["department_name"]])["department_name"].to_numpy())
    table.insert(2, "Why", mover_reasons(movers))
    # Like the scorecard: a card per KPI on a phone (screen.css), where the wide table would hide "Why".
    with st.container(key="movers_table"):
        _movers_table(table, movers, as_of)
    with st.container(key="movers_cards"):
        _movers_cards(table, movers, as_of)


def _movers_table(table: pd.DataFrame, movers: pd.DataFrame, as_of: str) -> None:
    st.caption("Tick the box at the start of a row to open that KPI.")
    chosen = st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={
            "KPI": st.column_config.TextColumn("KPI", width=280, pinned=True),
            "Department": st.column_config.TextColumn("Department", width=240),
            "Why": st.column_config.TextColumn("Why", width=380),
            "Latest": st.column_config.TextColumn("Latest", width=170),
        },
        key="mover_rows",
        on_select="rerun",
        selection_mode="single-row",
    )
    if chosen.selection.rows:
        open_kpi(movers.iloc[chosen.selection.rows[0]], as_of)


def _movers_cards(table: pd.DataFrame, movers: pd.DataFrame, as_of: str) -> None:
    """A card per mover for a phone: the KPI (a link to it), its department, why it is listed, its status."""
    for (_, row), (_, mover) in zip(table.iterrows(), movers.iterrows()):
        with st.container(border=True, gap="small"):
            st.page_link("louiestat/pages/kpi.py", label=f"**{escape_markdown(row['KPI'])}**",
                         icon=":material/arrow_forward:",
                         query_params={"department": mover["department"], "kpi": mover["kpi"], "as_of": as_of})
            st.markdown(f"{escape_markdown(row['Department'])} · {escape_markdown(row['Why'])}")
            st.markdown(f"{status_badge(mover['status'])} **{escape_markdown(row['Latest'])}**")


def _enterprise(card: pd.DataFrame) -> None:
    comparisons = views.enterprise_comparison(card)
    if not comparisons:
        st.info("No enterprise KPIs (reported by every department) have data for this month.")
        return
    columns = st.columns(2)
    for i, (key, frame) in enumerate(comparisons.items()):
        first = frame.iloc[0]
        unit = axis_label(first["unit"])
        better = "lower is better" if first["direction"] == "lower_is_better" else "higher is better"
        with columns[i % 2]:
            st.plotly_chart(
                charts.enterprise_chart(frame, title=first["kpi_name"], subtitle=better, unit_label=unit),
                width="stretch",
                key=f"enterprise_{key}",
                config=CHART_CONFIG,
            )


render()
