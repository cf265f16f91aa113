"""Upload: pick CSV files, see what each holds and what committing it would change, then commit; download
blank templates; review and undo past batches."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from louiestat.access.policy import may
from louiestat.access.principal import Principal
from louiestat.errors import EnvironmentFailure, FileUnreadable, UndoRefused, WriteRefused
from louiestat.exports import templates
from louiestat.exports.spreadsheet import csv_text
from louiestat.ingest import KINDS, UploadResult, ingest
from louiestat.ingest.source import DELIMITERS, open_csv
from louiestat.presentation.text import display_frame, display_text
from louiestat.presentation.words import counted
from louiestat.reading import views
from louiestat.ui import access, cache
from louiestat.ui.widgets import escape_markdown, readable_problems, waiting_notice
from louiestat.writing import batches
from louiestat.writing.service import action_of

PURPOSE = {k.name: k.purpose for k in KINDS.values()}
TEMPLATE_LABELS = {
    "definitions": "KPI definitions",
    "values": "Monthly values",
    "hiring": "Hiring records",
    "process_changes": "Process changes",
}
SKIP_BLANK_BOX = "Skip rows with no value (not reported)"
DECIMAL_COMMA_BOX = "Numbers use decimal commas (8,9)"
ENCODINGS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "cp1252": "Windows-1252",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 (little-endian, no BOM)",
    "utf-16-be": "UTF-16 (big-endian, no BOM)",
}


def render() -> None:
    principal = access.acting()  # only the signed in may be here; the write service checks every write again
    st.title("Upload data")
    st.caption(
        "Upload monthly KPI values, KPI definitions or HR hiring records as CSV. Each file is checked first: "
        "you see what it would change, and every problem with its line number. Nothing is written until you "
        "commit, and a file with any error is never half-loaded."
    )
    _flash()
    city = cache.city()
    _templates(city, principal)
    files = st.file_uploader(
        "CSV files (exported from Excel or another system)",
        accept_multiple_files=True,
        key=f"upload_files_{st.session_state.get('upload_round', 0)}",
    )
    for file in files or []:
        with st.container(border=True):
            _file_panel(file)
    _history(principal)


def _flash() -> None:
    message = st.session_state.pop("upload_flash", None)
    if message:
        kind, text = message
        (st.success if kind == "success" else st.error)(text)


def _templates(city: views.City, principal: Principal) -> None:
    """Blank templates of the kinds ``principal`` may upload, for the departments they may change."""
    with st.expander("Download a blank template"):
        departments = city.departments()
        departments = departments[departments["department"].map(lambda d: may(principal, "change_data", d))
                                  .astype(bool)]
        names = dict(zip(departments["department"], departments["department_name"]))
        if departments.empty:
            st.info("No departments yet: start with a definitions file (the template below has its columns).")
        department = (
            st.selectbox(
                "Department",
                departments["department"],
                format_func=lambda slug: display_text(names[slug]),
                key="template_department",
            )
            if not departments.empty
            else None
        )
        kinds = [kind for kind in KINDS if may(principal, action_of(kind))]
        for column, kind in zip(st.columns(len(kinds)), kinds):
            label = TEMPLATE_LABELS[kind]
            column.download_button(
                f"{label} template",
                templates.template_csv(cache.engine(), city, kind, department),
                file_name=f"{kind}-{department or 'template'}.csv",
                mime="text/csv",
                icon=":material/download:",
                key=f"template_{kind}",
            )
        if department:
            due = city.next_month_due(department).strftime("%B %Y")
            st.caption(
                f"The values template lists every KPI of this department for {due}, the next month due. Fill in "
                f"the values reported and leave the others blank, then tick “{SKIP_BLANK_BOX}” when uploading: "
                "those rows are listed as not reported, never stored as zero. Without the tick a blank value is "
                "an error."
            )


@st.cache_data(max_entries=32, show_spinner="Checking the file…")
def _dry_run(
    data: bytes, name: str, version: int, skip_blank: bool, decimal_comma: bool, by: Principal
) -> UploadResult:
    """What committing the file would do, checked with the rights of ``by`` (part of the cache key)."""
    return ingest(cache.engine(), data, name=name, dry_run=True, skip_blank=skip_blank, decimal_comma=decimal_comma,
                  actor=by)


def _file_panel(file) -> None:
    data = file.getvalue()
    st.subheader(escape_markdown(file.name))
    skip_column, comma_column = st.columns(2)
    skip_blank = skip_column.checkbox(
        SKIP_BLANK_BOX,
        key=f"skip_blank_{file.file_id}",
        help="A values row whose value is blank is left out and listed as not reported (never stored as zero). "
        "A note, target or count on such a row is not stored either. Without this a blank value is an error.",
    )
    decimal_comma = comma_column.checkbox(
        DECIMAL_COMMA_BOX,
        key=f"decimal_comma_{file.file_id}",
        help="For exports that write 8,9 for 8.9 and 1.812.345,50 for 1812345.5 (usually semicolon-delimited).",
    )
    result = _dry_run(data, file.name, cache.data_version(), skip_blank, decimal_comma, access.acting())
    if result.kind and result.encoding and result.delimiter:
        rows = counted(result.rows, "row")
        st.markdown(
            f"**Detected:** {PURPOSE[result.kind]} (a {result.kind} file) · {rows} · "
            f"{ENCODINGS.get(result.encoding, result.encoding)} · {DELIMITERS[result.delimiter]}-delimited"
        )
    left, mid, right, last = st.columns(4)
    left.metric("New rows", f"{result.new:,}")
    mid.metric("Changed rows", f"{result.changed:,}")
    right.metric("Unchanged rows", f"{result.unchanged:,}")
    last.metric("Rejected rows", f"{result.rejected:,}")
    details = {k.replace("_", " "): v for k, v in result.details.items() if v}
    if details:
        st.caption(" · ".join(f"{k}: {v:,}" for k, v in details.items()))
    _preview(data, file.name)
    if result.status == "rejected":
        st.error(escape_markdown(result.message) + " Fix these lines in the file and upload it again.", icon=":material/error:")
        table = readable_problems(result.error_table())
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                "line": st.column_config.TextColumn("Line", width=60),
                "column": st.column_config.TextColumn("Column", width=110),
                "value": st.column_config.TextColumn("Value", width=160),
                "message": st.column_config.TextColumn("What is wrong, and what is accepted", width=900),
                "severity": None,
            },
        )
        st.download_button("Download the error list", csv_text(table), f"errors-{file.name}",
                           "text/csv", key=f"errors_{file.file_id}")
        return
    _skipped(result)
    for warning in result.warnings:
        st.warning(escape_markdown(str(warning)), icon=":material/warning:")
    if not result.would_change:
        st.info("Everything in this file is already stored: committing it would change nothing.")
        return
    if result.corrections:
        with st.expander(f"Values this file would correct ({result.changed:,})", expanded=result.changed <= 20):
            st.dataframe(
                pd.DataFrame([c.model_dump() for c in result.corrections]).rename(
                    columns={"department": "Department", "kpi": "KPI", "period": "Month", "stored": "Stored now",
                             "new": "In this file"}
                ),
                hide_index=True,
                width="stretch",
            )
    confirm_rescore = _rescore_checkbox(result, file.file_id)
    if st.button(f"Commit {escape_markdown(file.name)}", type="primary", key=f"commit_{file.file_id}", icon=":material/check:"):
        _commit(file, data, confirm_rescore, skip_blank, decimal_comma)


def _skipped(result: UploadResult) -> None:
    """The rows left out as not reported, when the analyst asked to skip rows with no value."""
    if not result.skipped_count:
        return
    st.info(f"{result.skipped_lines[0].upper()}{result.skipped_lines[1:]}.", icon=":material/skip_next:")
    with st.expander(f"Rows skipped as not reported ({result.skipped_count:,})"):
        st.dataframe(
            pd.DataFrame([row.model_dump() for row in result.skipped]).rename(
                columns={"line": "Line", "department": "Department", "kpi": "KPI", "period": "Month"}
            ),
            hide_index=True,
            width="stretch",
        )


def _rescore_checkbox(result: UploadResult, file_id: str) -> bool:
    """The stored history a definitions file would score anew, and the checkbox confirming it (when it does)."""
    if not result.rescores:
        return False
    st.warning(
        "Committing this file changes how KPIs with stored values are scored:\n"
        + "\n".join(f"- {escape_markdown(str(rescore))}" for rescore in result.rescores),
        icon=":material/rule:",
    )
    return st.checkbox(
        "Rescore the stored history",
        key=f"rescore_{file_id}",
        help="Without this the commit is refused and nothing is written.",
    )


def _preview(data: bytes, name: str) -> None:
    try:
        with open_csv(data, name) as csv_file:
            head = csv_file.preview(10)
    except FileUnreadable:
        return
    with st.expander("Preview the first rows"):
        st.dataframe(head, hide_index=True, width="stretch")


def _commit(file, data: bytes, confirm_rescore: bool, skip_blank: bool, decimal_comma: bool) -> None:
    bar = st.progress(0.0, text="Starting…")

    def progress(fraction: float, stage: str) -> None:
        bar.progress(min(fraction, 1.0), text=f"{stage.capitalize()}…")

    try:
        result = ingest(
            cache.engine(), data, name=file.name, confirm_rescore=confirm_rescore, skip_blank=skip_blank,
            decimal_comma=decimal_comma, actor=access.acting(), progress=progress, on_wait=waiting_notice(),
        )
    except EnvironmentFailure as exc:
        st.session_state["upload_flash"] = ("error", f"{escape_markdown(file.name)} was not committed: {exc}.")
        st.rerun()
    cache.invalidate()
    _dry_run.clear()
    st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1  # a fresh, empty uploader
    if result.status == "committed":
        st.session_state["upload_flash"] = ("success", escape_markdown(result.message))
    else:
        reasons = [escape_markdown(str(error)) for error in result.errors[:3]]
        st.session_state["upload_flash"] = ("error", " ".join([escape_markdown(result.message), *reasons]))
    st.rerun()


def _history(principal: Principal) -> None:
    st.header("Upload history")
    st.caption("Uploads, Manage-page edits and undos. Stat-meeting changes (agendas, notes, follow-ups) are in the "
               "audit log.")
    history = cache.data_batches()
    if history.empty:
        st.info("No uploads yet. Start with a definitions file, then monthly values.")
        return
    shown = history.assign(
        created_at=pd.to_datetime(history["created_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        undone_by_id=history["undone_by_id"].astype("string").fillna(""),
        undoes_id=history["undoes_id"].astype("string").fillna(""),
    )
    st.dataframe(
        display_frame(shown)[["id", "created_at", "actor", "kind", "source", "inserted", "updated", "unchanged", "status",
               "undone_by_id", "undoes_id"]],
        hide_index=True,
        width="stretch",
        column_config={
            "id": st.column_config.NumberColumn("Batch", format="%d"),
            "created_at": "When (UTC)",
            "actor": "Who",
            "kind": "Kind",
            "source": "File",
            "inserted": st.column_config.NumberColumn("New", format="%d"),
            "updated": st.column_config.NumberColumn("Changed", format="%d"),
            "unchanged": st.column_config.NumberColumn("Unchanged", format="%d"),
            "status": "Status",
            "undone_by_id": st.column_config.TextColumn("Undone by batch"),
            "undoes_id": st.column_config.TextColumn("Undoes batch"),
        },
    )
    undoable = batches.undoable(history, principal, cache.batch_departments())
    if undoable.empty:
        st.caption("None of these batches can be undone with your rights: an undo changes the same data as the "
                   "batch it reverses.")
        return
    sources = undoable.set_index("id")["source"]
    choice = st.selectbox(
        "Undo a batch",
        sources.index.tolist(),
        index=int(undoable["own"].to_numpy().argmax()),  # the newest of the user's own, else the newest
        format_func=lambda i: display_text(f"Batch {i}: {sources[i]}"),
        key=f"undo_choice_{cache.data_version()}",
    )
    if st.button("Undo this batch…", icon=":material/undo:", key="undo_button"):
        st.session_state["undo_pending"] = int(choice)
    pending = st.session_state.get("undo_pending")
    if pending is not None:
        _confirm_undo(pending)


def _confirm_undo(batch_id: int) -> None:
    with st.container(border=True):
        st.warning(
            f"Undo batch {batch_id}? Every value it replaced is put back and what it added is removed. "
            "The undo is recorded as a batch of its own.",
            icon=":material/undo:",
        )
        yes, no, _ = st.columns([1, 1, 3])
        if yes.button(f"Yes, undo batch {batch_id}", type="primary", key="undo_confirm"):
            try:
                result = batches.undo_batch(
                    cache.engine(), batch_id, actor=access.acting(), on_wait=waiting_notice()
                )
                st.session_state["upload_flash"] = ("success", escape_markdown(result.message))
            except (UndoRefused, WriteRefused, EnvironmentFailure) as exc:
                st.session_state["upload_flash"] = ("error",
                                                    f"Batch {batch_id} was not undone: {escape_markdown(str(exc))}")
            del st.session_state["undo_pending"]
            cache.invalidate()
            _dry_run.clear()
            st.rerun()
        if no.button("Cancel", key="undo_cancel"):
            del st.session_state["undo_pending"]
            st.rerun()


render()
