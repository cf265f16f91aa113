"""Manage: edit departments and KPI definitions, each KPI's targets over time and its process changes. Edits
are checked by the same rules as uploads and recorded as batches (who, when, what), so they can be undone."""

from __future__ import annotations

from collections.abc import Callable
from typing import get_args

import numpy as np
import pandas as pd
import streamlit as st

from louiestat.db.write_lock import OnWait
from louiestat.errors import EnvironmentFailure
from louiestat.exports.spreadsheet import csv_text
from louiestat.exports.upload_format import definitions_frame
from louiestat.ingest import ingest
from louiestat.ingest.schemas import Aggregation, Direction, Unit
from louiestat.presentation.text import display_text
from louiestat.ui import access, cache
from louiestat.ui.widgets import department_filter, department_picker, show_problems, waiting_notice
from louiestat.writing.edits import DatedEdit, save_process_changes, save_targets

UNITS, DIRECTIONS, AGGREGATIONS = (list(get_args(t)) for t in (Unit, Direction, Aggregation))
NUMBER_COLUMNS = ["target", "tolerance_pct", "min_value", "max_value", "weight"]
NUMBER_PATTERN = r"^(-?[0-9]+([.][0-9]*)?)?$"


def _blanks_as_text(frame: pd.DataFrame, numbers: list[str]) -> pd.DataFrame:
    """The definitions for the editor with a blank shown blank: Streamlit draws an empty cell as "None", so
    optional numbers are edited as text ('600', '' when not set) and checked on save like an uploaded file."""
    def number_text(value: float) -> str:
        return "" if pd.isna(value) else np.format_float_positional(float(value), trim="-")

    shown = frame.assign(**{column: frame[column].map(number_text) for column in numbers})
    return shown.astype(object).where(shown.notna(), "")


def render() -> None:
    access.acting()  # only the signed in may be here; the write service checks their rights on every write
    st.title("Manage KPIs and targets")
    st.caption(
        "Edit what each department measures and the targets it is held to. Saving checks every row with the "
        "same rules as an upload and records the change as a batch you can undo on the Upload page."
    )
    message = st.session_state.pop("manage_flash", None)
    if message:
        (st.success if message[0] == "success" else st.error)(message[1])
    definitions, targets, changes = st.tabs(
        ["Departments and KPI definitions", "Targets over time", "Process changes (SPC)"]
    )
    with definitions:
        _definitions()
    with targets:
        _targets()
    with changes:
        _process_changes()


def _definitions() -> None:
    city = cache.city()
    department = department_filter(city, key="manage_department")
    frame = _blanks_as_text(definitions_frame(cache.engine(), department), NUMBER_COLUMNS)
    st.caption(
        "Add a KPI by adding a row (a new department slug creates the department). Targets here are the "
        "default targets; dated targets are on the next tab. KPIs are not deleted here, so their history stays."
    )
    edited = st.data_editor(
        frame,
        num_rows="add",
        hide_index=True,
        width="stretch",
        height=560,
        key=f"definitions_editor_{department}_{cache.data_version()}",
        column_config={
            "department": st.column_config.TextColumn("Department (slug)", required=True),
            "department_name": st.column_config.TextColumn("Department name", required=True),
            "kpi": st.column_config.TextColumn("KPI key", required=True),
            "kpi_name": st.column_config.TextColumn("KPI name", required=True, width="large", pinned=True),
            "unit": st.column_config.SelectboxColumn("Unit", options=UNITS, required=True),
            "direction": st.column_config.SelectboxColumn("Direction", options=DIRECTIONS, required=True),
            "target": st.column_config.TextColumn("Default target", validate=NUMBER_PATTERN, alignment="right"),
            "tolerance_pct": st.column_config.TextColumn("Near-target tolerance (%)", validate=NUMBER_PATTERN, alignment="right"),
            "description": st.column_config.TextColumn("Description", width="large"),
            "aggregation": st.column_config.SelectboxColumn("Aggregation", options=AGGREGATIONS),
            "min_value": st.column_config.TextColumn("Min valid", validate=NUMBER_PATTERN, alignment="right"),
            "max_value": st.column_config.TextColumn("Max valid", validate=NUMBER_PATTERN, alignment="right"),
            "enterprise": st.column_config.SelectboxColumn("Enterprise", options=["true", "false"]),
            "weight": st.column_config.TextColumn("Weight", validate=NUMBER_PATTERN, alignment="right"),
        },
    )
    if st.button("Save definitions", type="primary", key="save_definitions", icon=":material/save:"):
        data = csv_text(edited).encode()
        try:
            result = ingest(cache.engine(), data, name="Manage page: KPI definitions", kind="definitions",
                            actor=access.acting(), on_wait=waiting_notice())
        except EnvironmentFailure as exc:
            st.error(f"Nothing was saved: {exc}.")
            return
        if result.status == "rejected":
            st.error("Nothing was saved. Fix these rows (row 1 is the first row of the table):")
            show_problems(result.errors, offset=1)
            return
        cache.invalidate()
        text = "No change to save." if result.status == "unchanged" else (
            f"Saved as batch {result.batch_id}: {result.new} new KPIs, {result.changed} changed."
        )
        st.session_state["manage_flash"] = ("success", text)
        st.rerun()


def _pick_kpi(city, key: str) -> pd.Series:
    """A department and one of its KPIs (the row of ``city.kpis``, indexed by kpi_id)."""
    department = department_picker(city, key=f"{key}_department")
    mine = city.kpis[city.kpis["department"] == department].sort_values("kpi_name")
    names = dict(zip(mine["kpi_id"], mine["kpi_name"]))
    kpi_id = st.selectbox(
        "KPI", mine["kpi_id"].tolist(), format_func=lambda kpi_id: display_text(names[kpi_id]), key=f"{key}_kpi"
    )
    return mine.set_index("kpi_id").loc[kpi_id]


def _save_dated(save: Callable[[OnWait], DatedEdit], what: str) -> None:
    """Run ``save`` (told how to show a wait for another write) and show what it did."""
    try:
        result = save(waiting_notice())
    except EnvironmentFailure as exc:
        st.error(f"{what} not saved: {exc}.")
        return
    if result.errors:
        st.error(f"{what} not saved. Fix these rows:")
        show_problems(result.errors)
        return
    cache.invalidate()
    st.session_state["manage_flash"] = ("success", result.message)
    st.rerun()


def _targets() -> None:
    city = cache.city()
    if city.is_empty:
        st.info("No KPIs yet. Upload a definitions file on the Upload page first.")
        return
    kpi = _pick_kpi(city, "targets")
    default = "not set" if pd.isna(kpi["target"]) else f"{kpi['target']:g}"
    st.markdown(
        f"Default target: **{default}** ({kpi['unit']}, {kpi['direction'].replace('_', ' ')}). "
        "A dated target applies from its month on, until the next one."
    )
    dated = city.targets[city.targets["kpi_id"] == kpi.name]
    table = pd.DataFrame(
        {"effective_from": dated["effective_from"].dt.strftime("%Y-%m"), "target": dated["target"]}
    ).reset_index(drop=True)
    edited = st.data_editor(
        table,
        num_rows="dynamic",
        hide_index=True,
        key=f"targets_editor_{kpi.name}_{cache.data_version()}",
        column_config={
            "effective_from": st.column_config.TextColumn("From month (YYYY-MM)", required=True),
            "target": st.column_config.NumberColumn(f"Target ({kpi['unit']})", required=True),
        },
    )
    if st.button("Save targets", type="primary", key="save_targets", icon=":material/save:"):
        _save_dated(
            lambda on_wait: save_targets(cache.engine(), int(kpi.name), edited, access.acting(), on_wait=on_wait),
            "Targets",
        )


def _process_changes() -> None:
    city = cache.city()
    if city.is_empty:
        st.info("No KPIs yet. Upload a definitions file on the Upload page first.")
        return
    st.caption(
        "Record a month in which the way a KPI's work is done changed for good (a new system, a new policy). "
        "Its statistical process control chart starts afresh there, with a new average and new limits, so the "
        "months before do not make every later month look like a signal."
    )
    kpi = _pick_kpi(city, "changes")
    recorded = city.process_changes[city.process_changes["kpi_id"] == kpi.name]
    table = pd.DataFrame(
        {"period": recorded["period"].dt.strftime("%Y-%m"), "reason": recorded["reason"].fillna("")}
    ).reset_index(drop=True)
    edited = st.data_editor(
        table,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=f"changes_editor_{kpi.name}_{cache.data_version()}",
        column_config={
            "period": st.column_config.TextColumn("From month (YYYY-MM)", required=True, width=180),
            "reason": st.column_config.TextColumn("What changed", required=True, width="large"),
        },
    )
    if st.button("Save process changes", type="primary", key="save_changes", icon=":material/save:"):
        _save_dated(
            lambda on_wait: save_process_changes(
                cache.engine(), int(kpi.name), edited, access.acting(), on_wait=on_wait
            ),
            "Process changes",
        )


render()
