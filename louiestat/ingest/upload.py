"""One upload from file to database: open, check the header, stream and validate every row, plan the changes,
then commit them in one transaction as one batch — or report them (dry run), or reject the file writing nothing."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Literal

import pandas as pd
from pydantic import BaseModel
from sqlalchemy import Connection, Engine

from louiestat.batches import close_batch, open_batch
from louiestat.config import Settings, get_settings
from louiestat.db.engine import write_transaction
from louiestat.db.failures import ensure_writable
from louiestat.db.write_lock import OnWait
from louiestat.ingest import validate
from louiestat.ingest.catalog import Catalog
from louiestat.errors import FileUnreadable, IrregularFile, UnknownKind
from louiestat.ingest.kinds import KINDS, Kind, KindName, detect_kind
from louiestat.ingest.plan import Correction
from louiestat.ingest.problems import Problem, ProblemLog, quote
from louiestat.ingest.redefinition import Rescore
from louiestat.ingest.source import CsvFile, open_csv

Progress = Callable[[float, str], None]
Status = Literal["committed", "dry_run", "unchanged", "rejected"]


class UploadResult(BaseModel):
    """What an upload did or would do; the CLI prints it (``--json``) and the Upload page shows it."""

    file: str
    kind: KindName | None = None
    sha256: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    dry_run: bool = False
    status: Status
    rows: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    rejected: int = 0
    batch_id: int | None = None
    details: dict[str, int] = {}
    error_count: int = 0
    errors: list[Problem] = []
    warnings: list[Problem] = []
    would_change: bool = False
    corrections: list[Correction] = []
    rescores: list[Rescore] = []

    @property
    def message(self) -> str:
        """One sentence for a person: what happened to the file."""
        counts = f"{self.new:,} new, {self.changed:,} changed, {self.unchanged:,} unchanged"
        if self.status == "rejected":
            listed = "" if self.error_count == len(self.errors) else f" ({len(self.errors):,} listed)"
            return (
                f"{self.file} was rejected and nothing was written: {self.error_count:,} "
                f"error{'s' if self.error_count != 1 else ''}{listed} in {self.rejected:,} of {self.rows:,} rows."
            )
        if self.status == "dry_run":
            rescored = (
                f" It rescores the stored history of {len(self.rescores):,} KPI{'s' if len(self.rescores) != 1 else ''}"
                ": a commit needs that confirmed."
                if self.rescores
                else ""
            )
            return f"Dry run of {self.file} ({self.kind}, {self.rows:,} rows): a commit would write {counts}.{rescored}"
        if self.status == "unchanged":
            return f"{self.file} changes nothing: all {self.rows:,} rows are already stored (0 inserted, 0 updated)."
        return f"{self.file} committed as batch {self.batch_id}: {counts} ({self.kind}, {self.rows:,} rows)."

    def error_table(self) -> pd.DataFrame:
        """Errors then warnings as a table (line, column, value, message, severity)."""
        rows = [p.model_dump() for p in [*self.errors, *self.warnings]]
        return pd.DataFrame(rows, columns=["line", "column", "value", "message", "severity"])


RESCORE_UNCONFIRMED = (
    "this KPI has stored values and its {effect}; confirm the rescore to commit it (--confirm-rescore on the "
    "command line, the 'Rescore the stored history' checkbox on the Upload page), or keep its stored definition"
)


class _Rejected(Exception):
    """Raised inside the transaction to roll it back when the file has errors."""


def ingest(
    engine: Engine,
    source: str | Path | bytes | BinaryIO,
    *,
    name: str | None = None,
    kind: KindName | None = None,
    dry_run: bool = False,
    confirm_rescore: bool = False,
    actor: str | None = None,
    progress: Progress | None = None,
    on_wait: OnWait | None = None,
) -> UploadResult:
    """Load one CSV file all-or-nothing: every row valid and written in one transaction, or nothing written.
    ``on_wait`` is told when the commit waits for another write to finish.
    A definitions file that rescores the stored months of KPIs (see ``UploadResult.rescores``) is committed
    only with ``confirm_rescore``."""
    settings = get_settings()
    log = ProblemLog(settings.max_listed_errors)
    try:
        csv_file = open_csv(source, name)
    except FileUnreadable as exc:
        log.error(str(exc))
        label = name or (Path(source).name if isinstance(source, (str, Path)) else "upload.csv")
        return UploadResult(file=label, dry_run=dry_run, status="rejected", **_problems(log))
    with csv_file:
        result = UploadResult(
            file=csv_file.name,
            sha256=csv_file.sha256,
            encoding=csv_file.encoding,
            delimiter=csv_file.delimiter,
            dry_run=dry_run,
            status="rejected",
        )
        try:
            chosen = KINDS[kind] if kind else detect_kind(csv_file.header)
        except UnknownKind as exc:
            log.error(str(exc), line=1)
            return result.model_copy(update=_problems(log))
        result.kind = chosen.name
        if not _check_header(csv_file, chosen, log):
            return result.model_copy(update=_problems(log))
        try:
            with _transaction(engine, dry_run, actor or settings.user, on_wait) as conn:
                catalog = Catalog.load(conn)
                rows = _read_rows(csv_file, chosen, catalog, log, settings, progress)
                result.rows, result.rejected = csv_file.rows, csv_file.rows - len(rows)
                if rows.empty and not log.has_errors:
                    log.error("the file has a header but no data rows; add one row per value below the header")
                if log.has_errors:
                    raise _Rejected
                plan = chosen.plan(conn, rows, catalog, log)
                unconfirmed = [] if dry_run or confirm_rescore else plan.rescores
                for rescore in unconfirmed:
                    log.error(
                        RESCORE_UNCONFIRMED.format(effect=rescore.effect), line=rescore.line, column=rescore.changed[0]
                    )
                result = result.model_copy(
                    update={
                        **plan.primary.counts,
                        "rejected": result.rejected + plan.refused + len(unconfirmed),
                        "details": plan.details,
                        "would_change": plan.changes_anything,
                        "corrections": plan.corrections,
                        "rescores": plan.rescores,
                        **_problems(log),
                    }
                )
                if log.has_errors:
                    raise _Rejected
                if dry_run:
                    return result.model_copy(update={"status": "dry_run"})
                if not plan.changes_anything:
                    conn.rollback()
                    return result.model_copy(update={"status": "unchanged"})
                if progress:
                    progress(0.9, "writing")
                batch_id = open_batch(
                    conn, kind=chosen.name, source=csv_file.name, actor=actor or settings.user, sha256=csv_file.sha256
                )
                plan.apply(conn, batch_id)
                close_batch(
                    conn,
                    batch_id,
                    rows_total=len(rows),
                    inserted=result.new,
                    updated=result.changed,
                    unchanged=result.unchanged,
                    deleted=plan.primary.counts["deleted"],
                )
        except _Rejected:
            return result.model_copy(update=_problems(log))
    if progress:
        progress(1.0, "done")
    return result.model_copy(update={"status": "committed", "batch_id": batch_id})


def _problems(log: ProblemLog) -> dict:
    return {
        "error_count": log.error_count,
        "errors": log.problems("error"),
        "warnings": log.problems("warning"),
    }


@contextmanager
def _transaction(engine: Engine, dry_run: bool, actor: str, on_wait: OnWait | None) -> Iterator[Connection]:
    """A write transaction (holding the write lock), or for a dry run a read that is always rolled back, once
    the database has shown it would take the writes (EnvironmentFailure if not)."""
    if not dry_run:
        with write_transaction(engine, doing="upload", actor=actor, on_wait=on_wait) as conn:
            yield conn
        return
    ensure_writable(engine)
    with engine.connect() as conn:
        try:
            yield conn
        finally:
            conn.rollback()


def _check_header(csv_file: CsvFile, kind: Kind, log: ProblemLog) -> bool:
    """Missing required columns and repeated ones are errors; unknown ones are ignored with a warning."""
    header = csv_file.header
    for name in {h for h in header if h and header.count(h) > 1}:
        log.error(
            f"column '{quote(name)}' appears {header.count(name)} times in the header; keep one", line=1, column=name
        )
    unknown = [h for h in header if h and h not in kind.columns]
    for name in kind.required:
        if name not in header:
            close = difflib.get_close_matches(name, unknown, n=1, cutoff=0.6)
            hint = f" (is '{quote(close[0])}' meant to be '{name}'?)" if close else ""
            log.error(
                f"missing required column '{name}'{hint}; a {kind.name} file needs the columns "
                f"{', '.join(kind.required)} and may have {', '.join(kind.optional)}",
                line=1,
                column=name,
            )
    for name in unknown:
        log.warning(f"column '{quote(name)}' is not part of a {kind.name} file and is ignored", line=1, column=name)
    if "" in header:
        log.warning("a column without a name in the header is ignored", line=1)
    return not log.has_errors


def _read_rows(
    csv_file: CsvFile, kind: Kind, catalog: Catalog, log: ProblemLog, settings: Settings, progress: Progress | None
) -> pd.DataFrame:
    """Every valid row of the file, read and checked chunk by chunk, with duplicates across chunks reported.

    Files are read with the fast reader; one it cannot read regularly (ragged rows, broken quotes) is read
    again with the exact one, which reports them."""
    mark = log.mark()
    try:
        rows = _validated_rows(csv_file, kind, catalog, log, settings, progress, exact=False)
    except IrregularFile:
        log.rollback(mark)
        rows = _validated_rows(csv_file, kind, catalog, log, settings, progress, exact=True)
    if csv_file.lines_provisional and log.error_count + log.warning_count > mark[2] + mark[3]:
        log.relocate(mark, csv_file.exact_lines)
    return rows


def _validated_rows(
    csv_file: CsvFile,
    kind: Kind,
    catalog: Catalog,
    log: ProblemLog,
    settings: Settings,
    progress: Progress | None,
    exact: bool,
) -> pd.DataFrame:
    columns = [c for c in kind.columns if c in csv_file.header]
    parts = []
    for chunk in csv_file.chunks(columns, log, settings.ingest_chunk_rows, settings.max_field_chars, exact=exact):
        parts.append(kind.validate(chunk, catalog, log))
        if progress:
            progress(0.8 * csv_file.fraction_read, "reading")
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if rows.empty:
        return rows
    duplicated = validate.report_duplicates(rows, list(kind.key), lambda row: kind.label(row, catalog), log)
    if kind.check is not None:
        duplicated = duplicated | kind.check(rows, catalog, log)
    return rows[~duplicated].reset_index(drop=True)
