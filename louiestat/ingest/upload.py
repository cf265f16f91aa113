"""One upload from file to database: open, check the header, stream and validate every row, plan the changes,
then commit them in one transaction as one batch — or report them (dry run), or reject the file writing nothing."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel
from sqlalchemy import Connection, Engine

from louiestat.access.policy import may, refusal, rights_words
from louiestat.access.principal import Principal, as_principal
from louiestat.config import Settings, get_settings
from louiestat.db.failures import ensure_writable
from louiestat.db.versioned import TARGETS
from louiestat.db.write_lock import OnWait
from louiestat.errors import FileUnreadable, IrregularFile, UnknownKind
from louiestat.ingest import validate
from louiestat.ingest.catalog import Catalog
from louiestat.ingest.kinds import KINDS, Kind, KindName, detect_kind
from louiestat.ingest.numbers import DECIMAL_COMMA_VALUE
from louiestat.ingest.options import ReadOptions
from louiestat.ingest.plan import Correction, Plan
from louiestat.ingest.problems import Problem, ProblemLog, quote
from louiestat.ingest.redefinition import Rescore
from louiestat.ingest.source import CsvFile, open_csv
from louiestat.ingest.unreported import SkippedRow, line_ranges, take_unreported
from louiestat.writing.service import Change, action_of, record, transaction

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
    skipped_count: int = 0
    skipped: list[SkippedRow] = []

    @property
    def message(self) -> str:
        """One sentence for a person: what happened to the file."""
        counts = f"{self.new:,} new, {self.changed:,} changed, {self.unchanged:,} unchanged"
        skipped = (
            f"; {self.skipped_count:,} row{'s' if self.skipped_count != 1 else ''} skipped: no value (not reported)"
            if self.skipped_count
            else ""
        )
        if self.status == "rejected":
            listed = "" if self.error_count == len(self.errors) else f" ({len(self.errors):,} listed)"
            return (
                f"{self.file} was rejected and nothing was written: {self.error_count:,} "
                f"error{'s' if self.error_count != 1 else ''}{listed} in {self.rejected:,} of {self.rows:,} rows"
                f"{skipped}."
            )
        if self.status == "dry_run":
            rescored = (
                f" It rescores the stored history of {len(self.rescores):,} KPI{'s' if len(self.rescores) != 1 else ''}"
                ": a commit needs that confirmed."
                if self.rescores
                else ""
            )
            return (
                f"Dry run of {self.file} ({self.kind}, {self.rows:,} rows): a commit would write {counts}{skipped}."
                f"{rescored}"
            )
        if self.status == "unchanged":
            if self.skipped_count:
                stored = self.rows - self.skipped_count
                return (
                    f"{self.file} changes nothing: all {stored:,} rows with a value are already stored (0 inserted, "
                    f"0 updated){skipped}."
                )
            return f"{self.file} changes nothing: all {self.rows:,} rows are already stored (0 inserted, 0 updated)."
        return f"{self.file} committed as batch {self.batch_id}: {counts} ({self.kind}, {self.rows:,} rows){skipped}."

    @property
    def skipped_lines(self) -> str:
        """``'lines 4–10 skipped: no value (not reported)'``, or '' when no row was skipped."""
        if not self.skipped_count:
            return ""
        more = (
            f" and {self.skipped_count - len(self.skipped):,} more" if self.skipped_count > len(self.skipped) else ""
        )
        return f"{line_ranges([row.line for row in self.skipped])}{more} skipped: no value (not reported)"

    def error_table(self) -> pd.DataFrame:
        """Errors then warnings as a table (line, column, value, message, severity)."""
        rows = [p.model_dump() for p in [*self.errors, *self.warnings]]
        return pd.DataFrame(rows, columns=["line", "column", "value", "message", "severity"])


RESCORE_UNCONFIRMED = (
    "this KPI has stored values and its {effect}; confirm the rescore to commit it (--confirm-rescore on the "
    "command line, the 'Rescore the stored history' checkbox on the Upload page), or keep its stored definition"
)


DECIMAL_COMMA_NOTICE = (
    "this file looks like it uses decimal commas (8,9), which are not read as decimals without the decimal-comma "
    "option; upload it with the decimal-comma option ('Numbers use decimal commas' on the Upload page, "
    "--decimal-comma on the command line)"
)
DECIMAL_COMMA_ROW = "a decimal comma, not read without the decimal-comma option (see the first error)"
ALL_SKIPPED = (
    "every row of the file has a blank value, so there is nothing to store; fill in the values that were reported"
)


class _Rejected(Exception):
    """Raised inside the transaction to roll it back when the file has errors."""


@dataclass
class Upload:
    """One file on its way in, passed through the steps of ``ingest``: the opened file and its kind, who sends it,
    how they asked for it to be read and committed, the problems found so far and the result being built."""

    csv_file: CsvFile
    kind: Kind
    principal: Principal
    options: ReadOptions
    dry_run: bool
    confirm_rescore: bool
    settings: Settings
    log: ProblemLog
    result: UploadResult
    progress: Progress | None = None

    def rejected(self) -> UploadResult:
        """The result with every problem found: the file is refused, nothing written."""
        return self.result.model_copy(update={"status": "rejected", **_problems(self.log)})


def ingest(
    engine: Engine,
    source: str | Path | bytes | BinaryIO,
    *,
    name: str | None = None,
    kind: KindName | None = None,
    dry_run: bool = False,
    confirm_rescore: bool = False,
    skip_blank: bool = False,
    decimal_comma: bool = False,
    actor: Principal | str | None = None,
    progress: Progress | None = None,
    on_wait: OnWait | None = None,
) -> UploadResult:
    """Load one CSV file all-or-nothing: every row valid and written in one transaction, or nothing written.
    ``on_wait`` is told when the commit waits for another write to finish.
    A definitions file that rescores the stored months of KPIs (see ``UploadResult.rescores``) is committed
    only with ``confirm_rescore``. With ``skip_blank`` a values row whose value is blank is skipped as not
    reported (listed in ``UploadResult.skipped``) instead of refused; with ``decimal_comma`` numbers are read as
    ``8,9`` and ``1.812.345,50``. ``actor`` (a principal, or the name of the local administrator) must be allowed
    to change every row's department (``louiestat.access.policy``): a row it may not change is refused with its
    line."""
    settings = get_settings()
    log = ProblemLog(settings.max_listed_errors)
    try:
        csv_file = open_csv(source, name)
    except FileUnreadable as exc:
        log.error(str(exc))
        label = name or (Path(source).name if isinstance(source, (str, Path)) else "upload.csv")
        return UploadResult(file=label, dry_run=dry_run, status="rejected", **_problems(log))
    with csv_file:
        principal = as_principal(actor or settings.user)
        result = UploadResult(file=csv_file.name, sha256=csv_file.sha256, encoding=csv_file.encoding,
                              delimiter=csv_file.delimiter, dry_run=dry_run, status="rejected")
        chosen = _kind(csv_file, kind, principal, settings, log, result)
        if isinstance(chosen, UploadResult):
            return chosen
        upload = Upload(csv_file=csv_file, kind=chosen, principal=principal, dry_run=dry_run,
                        options=ReadOptions(skip_blank=skip_blank, decimal_comma=decimal_comma),
                        confirm_rescore=confirm_rescore, settings=settings, log=log, result=result, progress=progress)
        try:
            with _transaction(engine, dry_run, upload.principal, on_wait) as conn:
                catalog = Catalog.load(conn)
                rows = _read(upload, catalog)
                plan = _plan(upload, conn, rows, catalog)
                result = _commit(upload, conn, rows, catalog, plan)
        except _Rejected:
            return upload.rejected()
    if progress and result.status == "committed":
        progress(1.0, "done")
    return result


def _kind(csv_file: CsvFile, kind: KindName | None, principal: Principal, settings: Settings, log: ProblemLog,
          result: UploadResult) -> Kind | UploadResult:
    """The kind ``csv_file`` is (``kind``, or detected from its header), once its header fits it and
    ``principal`` may upload that kind at all; else the file's refusal, every row counted with it."""
    try:
        chosen = KINDS[kind] if kind else detect_kind(csv_file.header)
    except UnknownKind as exc:
        log.error(str(exc), line=1)
        return _refused_at_header(result, csv_file, log, settings)
    result.kind = chosen.name
    if not _check_header(csv_file, chosen, log):
        return _refused_at_header(result, csv_file, log, settings)
    if (why := refusal(principal, action_of(chosen.name))) is not None:
        log.error(f"{why}; nothing was written")
        return _refused_at_header(result, csv_file, log, settings)
    return chosen


def _read(upload: Upload, catalog: Catalog) -> pd.DataFrame:
    """Every valid row of the file, the skipped ones counted in the result; _Rejected when any row is refused,
    a department's among them that the sender may not change."""
    csv_file, log, result = upload.csv_file, upload.log, upload.result
    rows, skipped = _read_rows(csv_file, upload.kind, catalog, log, upload.settings, upload.progress, upload.options)
    _note_decimal_commas(csv_file, upload.options, log)
    result.rows, result.rejected = csv_file.rows, csv_file.rows - len(rows) - len(skipped)
    result.skipped_count = len(skipped)
    result.skipped = [SkippedRow(**row) for row in skipped.head(upload.settings.max_listed_errors).to_dict("records")]
    if rows.empty and not log.has_errors:
        log.error(ALL_SKIPPED if len(skipped) else
                  "the file has a header but no data rows; add one row per value below the header")
    if log.has_errors:
        raise _Rejected
    read = log.mark()
    result.rejected += _refuse_foreign_rows(upload.principal, rows, catalog, log)
    if log.has_errors:
        _locate(csv_file, log, read)
        raise _Rejected
    return rows


def _plan(upload: Upload, conn: Connection, rows: pd.DataFrame, catalog: Catalog) -> Plan:
    """What the rows change against the stored data, with its counts in the result; _Rejected when a row clashes
    with what is stored, sets a target the sender may not set, or rescores history unconfirmed."""
    csv_file, log = upload.csv_file, upload.log
    read = log.mark()
    plan = upload.kind.plan(conn, rows, catalog, log)
    refused = _refuse_target_changes(upload.principal, plan, rows, log)
    unconfirmed = [] if upload.dry_run or upload.confirm_rescore else plan.rescores
    for rescore in unconfirmed:
        log.error(RESCORE_UNCONFIRMED.format(effect=rescore.effect), line=rescore.line, column=rescore.changed[0])
    _locate(csv_file, log, read)
    plan.rescores = _located_rescores(csv_file, plan.rescores)
    upload.result = upload.result.model_copy(update={
        **plan.primary.counts,
        "rejected": upload.result.rejected + refused + plan.refused + len(unconfirmed),
        "details": plan.details,
        "would_change": plan.changes_anything,
        "corrections": plan.corrections,
        "rescores": plan.rescores,
        **_problems(log),
    })
    if log.has_errors:
        raise _Rejected
    return plan


def _commit(upload: Upload, conn: Connection, rows: pd.DataFrame, catalog: Catalog, plan: Plan) -> UploadResult:
    """Write the plan as one batch through the write service; or say what it would write (dry run), or that the
    file changes nothing (rolled back, no batch)."""
    result = upload.result
    if upload.dry_run:
        return result.model_copy(update={"status": "dry_run"})
    if not plan.changes_anything:
        conn.rollback()
        return result.model_copy(update={"status": "unchanged"})
    if upload.progress:
        upload.progress(0.9, "writing")
    change = Change(kind=upload.kind.name, source=upload.csv_file.name, departments=_departments(rows, catalog),
                    sha256=upload.csv_file.sha256)
    counts = {"rows_total": len(rows), "inserted": result.new, "updated": result.changed,
              "unchanged": result.unchanged, "deleted": plan.primary.counts["deleted"]}

    def apply(c: Connection, batch: int) -> dict[str, int]:
        plan.apply(c, batch)
        return counts

    batch_id = record(conn, upload.principal, change, apply)
    return result.model_copy(update={"status": "committed", "batch_id": batch_id})


def _refuse_foreign_rows(principal: Principal, rows: pd.DataFrame, catalog: Catalog, log: ProblemLog) -> int:
    """Every row of a department ``principal`` may not change is an error on its line; returns how many."""
    if rows.empty:
        return 0
    departments = _row_departments(rows, catalog)
    allowed = {slug: may(principal, "change_data", slug) for slug in departments.unique()}
    foreign = ~departments.map(allowed).astype(bool)
    names = dict(zip(catalog.departments["slug"], catalog.departments["name"]))
    log.add_rows(rows.loc[foreign, "line"].to_numpy(), "department", departments[foreign].to_numpy(),
                 f"{principal.label} may not change this department's data ({rights_words(principal, names=names)})")
    return int(foreign.sum())


def _row_departments(rows: pd.DataFrame, catalog: Catalog) -> pd.Series:
    """The slug of each row's department."""
    slugs = catalog.departments.set_index("id")["slug"]
    if "department_id" in rows:
        return rows["department_id"].map(slugs)
    if "kpi_id" in rows:
        return rows["kpi_id"].map(catalog.kpis.set_index("id")["department_id"]).map(slugs)
    return rows["department"]


def _departments(rows: pd.DataFrame, catalog: Catalog) -> set[str]:
    """Every stored department the rows touch, for the write service to check."""
    return set(_row_departments(rows, catalog).dropna()) if not rows.empty else set()


def _refuse_target_changes(principal: Principal, plan: Plan, rows: pd.DataFrame, log: ProblemLog) -> int:
    """Targets are the performance office's: a non-admin's values rows that would set a target are errors on
    their lines (a target that repeats the one in force, as an export carries it, changes nothing and passes)."""
    setting = [pd.concat([s.diff.new, s.diff.changed]) for s in plan.steps if s.spec is TARGETS]
    why = refusal(principal, "change_targets")
    if why is None or not setting or setting[0].empty:
        return 0
    keys = setting[0][["kpi_id", "effective_from"]].rename(columns={"effective_from": "period"})
    hits = rows.merge(keys.astype({"kpi_id": "int64", "period": "int64"}), on=["kpi_id", "period"])
    log.add_rows(hits["line"].to_numpy(), "target", hits["target"].map("{:g}".format).to_numpy(),
                 f"{why}; leave the target blank or as it stands")
    return len(hits)


def _locate(csv_file: CsvFile, log: ProblemLog, since: tuple[int, int, int, int]) -> None:
    """Problems recorded since ``since`` at their true lines: rows carry the fast reader's provisional numbers,
    which blank lines or quoted line breaks shift (the lines are found only when there are problems)."""
    if csv_file.lines_provisional and log.mark()[0] > since[0]:
        log.relocate(since, csv_file.exact_lines)


def _located_rescores(csv_file: CsvFile, rescores: list[Rescore]) -> list[Rescore]:
    if not csv_file.lines_provisional or not rescores:
        return rescores
    lines = csv_file.exact_lines(np.asarray([r.line for r in rescores], dtype="int64"))
    return [r.model_copy(update={"line": int(line)}) for r, line in zip(rescores, lines)]


def _refused_at_header(result: UploadResult, csv_file: CsvFile, log: ProblemLog, settings: Settings) -> UploadResult:
    """The result of a file refused for its header: every row refused with it, and counted, so the summary says
    how many rows the file has."""
    scratch = ProblemLog(1)
    try:
        for _ in csv_file.chunks([], scratch, settings.ingest_chunk_rows, settings.max_field_chars):
            pass
    except IrregularFile:
        for _ in csv_file.chunks([], scratch, settings.ingest_chunk_rows, settings.max_field_chars, exact=True):
            pass
    return result.model_copy(update={"rows": csv_file.rows, "rejected": csv_file.rows, **_problems(log)})


def _note_decimal_commas(csv_file: CsvFile, options: ReadOptions, log: ProblemLog) -> None:
    """A file that is not comma-delimited and has numbers refused for a decimal comma is a decimal-comma export:
    say so once, first, instead of giving the same advice on every row."""
    if options.decimal_comma or csv_file.delimiter == ",":
        return
    if log.reword(DECIMAL_COMMA_VALUE, DECIMAL_COMMA_ROW):
        log.error(DECIMAL_COMMA_NOTICE)


def _problems(log: ProblemLog) -> dict:
    return {
        "error_count": log.error_count,
        "errors": log.problems("error"),
        "warnings": log.problems("warning"),
    }


@contextmanager
def _transaction(engine: Engine, dry_run: bool, actor: Principal, on_wait: OnWait | None) -> Iterator[Connection]:
    """A write transaction (holding the write lock), or for a dry run a read that is always rolled back, once
    the database has shown it would take the writes (EnvironmentFailure if not)."""
    if not dry_run:
        with transaction(engine, actor, doing="upload", on_wait=on_wait) as conn:
            yield conn
        return
    ensure_writable(engine)
    with engine.connect() as conn:
        try:
            yield conn
        finally:
            conn.rollback()


def _check_header(csv_file: CsvFile, kind: Kind, log: ProblemLog) -> bool:
    """Missing required columns and repeated ones are errors; unknown ones are ignored with a warning, the
    template's own (``Kind.ignored``) without one."""
    header = csv_file.header
    for name in {h for h in header if h and header.count(h) > 1}:
        log.error(
            f"column '{quote(name)}' appears {header.count(name)} times in the header; keep one", line=1, column=name
        )
    unknown = [h for h in header if h and h not in kind.columns and h not in kind.ignored]
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
    if "" in header[: csv_file.named_width]:  # empty columns after the last named one are Excel's padding
        log.warning("a column without a name in the header is ignored", line=1)
    return not log.has_errors


def _read_rows(
    csv_file: CsvFile,
    kind: Kind,
    catalog: Catalog,
    log: ProblemLog,
    settings: Settings,
    progress: Progress | None,
    options: ReadOptions,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every valid row of the file, read and checked chunk by chunk, with duplicates across chunks reported;
    and the rows skipped as not reported (``line, department, kpi, period``).

    Files are read with the fast reader; one it cannot read regularly (ragged rows, broken quotes) is read
    again with the exact one, which reports them."""
    mark = log.mark()
    try:
        rows, skipped = _validated_rows(csv_file, kind, catalog, log, settings, progress, options, exact=False)
    except IrregularFile:
        log.rollback(mark)
        rows, skipped = _validated_rows(csv_file, kind, catalog, log, settings, progress, options, exact=True)
    _locate(csv_file, log, mark)
    if csv_file.lines_provisional and not skipped.empty:
        skipped = skipped.assign(line=csv_file.exact_lines(skipped["line"].to_numpy()))
    return rows, skipped


def _validated_rows(
    csv_file: CsvFile,
    kind: Kind,
    catalog: Catalog,
    log: ProblemLog,
    settings: Settings,
    progress: Progress | None,
    options: ReadOptions,
    exact: bool,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    columns = [c for c in kind.columns if c in csv_file.header]
    skip = kind.unreported_if_blank if options.skip_blank else None
    parts, skipped = [], [pd.DataFrame(columns=["line", "department", "kpi", "period"])]
    for chunk in csv_file.chunks(columns, log, settings.ingest_chunk_rows, settings.max_field_chars, exact=exact):
        if skip:
            chunk, unreported = take_unreported(chunk, skip, log)
            skipped.append(unreported)
        parts.append(kind.validate(chunk, catalog, log, options))
        if progress:
            progress(0.8 * csv_file.fraction_read, "reading")
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    skipped = pd.concat(skipped, ignore_index=True)
    if rows.empty:
        return rows, skipped
    duplicated = validate.report_duplicates(
        rows, list(kind.key), lambda twins: kind.label(twins, catalog), log, csv_file.file_lines
    )
    if kind.check is not None:
        duplicated = duplicated | kind.check(rows, catalog, log, csv_file.file_lines)
    return rows[~duplicated].reset_index(drop=True), skipped
