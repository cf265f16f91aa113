"""Checking each chunk of an upload against its kind's rules. Every failing cell becomes a problem with its
line, column and value; only rows without any problem go on. Values and process-change files are checked
column-wise (values files can have a million rows); definitions and hiring rows go through their pydantic
models."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from louiestat.ingest.catalog import AMBIGUOUS, UNKNOWN, Catalog, fold
from louiestat.ingest.dates import parse_periods
from louiestat.ingest.numbers import parse_numbers
from louiestat.ingest.options import ReadOptions
from louiestat.ingest.problems import ProblemLog, quote
from louiestat.ingest.schemas import HiringRecord, KpiDefinition, range_text, valid_ranges
from louiestat.ingest.source import Chunk
from metrics.frames import SUM_UNITS

Locate = Callable[[np.ndarray], np.ndarray]  # rows' lines to the file lines a message names (CsvFile.file_lines)
OTHERS_NAMED = 3  # other lines (or names) an error about a repeat names; the rest are counted
DERIVED_KPI = (
    "this KPI's definition declares source=hiring: its values are computed from the department's hiring records "
    "(mean days from posting to filling, by month filled), so upload a hiring file for it, or change its source "
    "to reported in the definitions if the department reports it as a monthly figure"
)
COUNT_FORMAT = "the number of cases behind the month's mean: a whole number, 1 or more (blank when not known)"
BLANK_VALUE = (
    "blank value; a blank is never read as zero — leave a month without data out of the file, or enter 0 if it was 0 "
    "(to skip rows of months not reported, tick 'Skip rows with no value' on the Upload page or give --skip-blank)"
)


def _blank(column: pd.Series) -> np.ndarray:
    return (column.str.strip() == "").to_numpy()


def require_cells(chunk: Chunk, columns: tuple[str, ...], log: ProblemLog) -> np.ndarray:
    """Rows where every required cell is filled in; blank ones are reported."""
    ok = np.ones(len(chunk.lines), dtype=bool)
    for column in columns:
        blank = _blank(chunk.frame[column])
        if blank.any():
            message = BLANK_VALUE if column == "value" else f"blank {column}; this column must be filled in on every row"
            log.add_rows(chunk.lines[blank], column, None, message)
            ok &= ~blank
    return ok


def _report(log: ProblemLog, chunk: Chunk, column: str, failed: np.ndarray, messages) -> None:
    if failed.any():
        msgs = messages if isinstance(messages, str) else np.asarray(messages, dtype=object)[failed]
        log.add_rows(chunk.lines[failed], column, chunk.frame[column].to_numpy()[failed], msgs)


def resolve_departments(chunk: Chunk, catalog: Catalog, ok: np.ndarray, log: ProblemLog) -> np.ndarray:
    """Department id per row; unknown ones are reported with the closest known name, a display name two
    departments share with both of them (negative ids, see ``catalog``)."""
    names = chunk.frame["department"]
    ids = catalog.department_ids(names)
    unknown = (ids == UNKNOWN) & ~_blank(names)
    _report_per_name(log, chunk, "department", unknown, catalog.suggest_department)
    _report_per_name(log, chunk, "department", ids == AMBIGUOUS, catalog.ambiguous_department)
    ok &= ids >= 0
    return ids


def _report_per_name(log: ProblemLog, chunk: Chunk, column: str, failed: np.ndarray, explain) -> None:
    """Report the failed rows of ``column``, explaining each distinct name once."""
    if failed.any():
        names = chunk.frame[column]
        advice = {name: explain(name) for name in names[failed].unique()}
        _report(log, chunk, column, failed, names.map(advice).to_numpy())


def resolve_kpis(chunk: Chunk, catalog: Catalog, ok: np.ndarray, log: ProblemLog) -> np.ndarray:
    """KPI id per row from its department and KPI (key, else name; any case and spacing); unknown ones are
    reported with the closest KPI of that department, a name two of its KPIs share with both of them."""
    f = chunk.frame
    department_ids = resolve_departments(chunk, catalog, ok, log)
    kpi_ids = catalog.kpi_ids(department_ids, f["kpi"])
    known_department = department_ids >= 0
    for failed, explain in (
        ((kpi_ids == UNKNOWN) & known_department & ~_blank(f["kpi"]), catalog.suggest_kpi),
        ((kpi_ids == AMBIGUOUS) & known_department, catalog.ambiguous_kpi),
    ):
        if failed.any():
            pairs = pd.DataFrame({"d": department_ids[failed], "k": f["kpi"].to_numpy()[failed]})
            advice = {(d, k): explain(d, k) for d, k in pairs.drop_duplicates().itertuples(index=False)}
            messages = np.empty(len(f), dtype=object)
            messages[failed] = [advice[p] for p in pairs.itertuples(index=False, name=None)]
            _report(log, chunk, "kpi", failed, messages)
    ok &= kpi_ids >= 0
    return kpi_ids


def _periods(chunk: Chunk, ok: np.ndarray, log: ProblemLog) -> np.ndarray:
    """Month index per row of the ``period`` column; unreadable or future months are reported."""
    periods, errors = parse_periods(chunk.frame["period"])
    bad = errors.notna().to_numpy() & ~_blank(chunk.frame["period"])
    _report(log, chunk, "period", bad, errors.to_numpy())
    ok &= ~bad
    return periods


def validate_process_changes(chunk: Chunk, catalog: Catalog, log: ProblemLog, options: ReadOptions) -> pd.DataFrame:
    """Rows of a process-changes chunk that pass: ``line, kpi_id, period, reason``."""
    ok = require_cells(chunk, ("department", "kpi", "period", "reason"), log)
    kpi_ids = resolve_kpis(chunk, catalog, ok, log)
    periods = _periods(chunk, ok, log)
    reasons = chunk.frame["reason"].str.strip()
    frame = pd.DataFrame(
        {"line": chunk.lines, "kpi_id": kpi_ids, "period": periods, "reason": reasons.astype(object).to_numpy()}
    )
    return frame[ok]


def validate_values(chunk: Chunk, catalog: Catalog, log: ProblemLog, options: ReadOptions) -> pd.DataFrame:
    """Rows of a values chunk that pass every check: ``line, kpi_id, period, value, target`` and ``note`` and
    ``count`` when the file has those columns (a file without one leaves its stored values alone). Numbers are read
    with decimal commas when ``options`` say so."""
    f = chunk.frame
    ok = require_cells(chunk, ("department", "kpi", "period", "value"), log)
    kpi_ids = resolve_kpis(chunk, catalog, ok, log)
    derived = np.isin(kpi_ids, catalog.kpis.loc[catalog.kpis["source"] == "hiring", "id"].to_numpy())
    _report(log, chunk, "kpi", derived, DERIVED_KPI)
    ok &= ~derived

    periods = _periods(chunk, ok, log)

    values, value_errors = parse_numbers(f["value"], options.decimal_comma)
    bad = value_errors.notna().to_numpy() & ~_blank(f["value"])
    _report(log, chunk, "value", bad, value_errors.to_numpy())
    ok &= ~bad
    _check_range(chunk, "value", values, kpi_ids, catalog, ok, log)

    targets = np.full(len(f), np.nan)
    if "target" in f:
        filled = ~_blank(f["target"])
        targets, target_errors = parse_numbers(f["target"], options.decimal_comma)
        bad = filled & target_errors.notna().to_numpy()
        _report(log, chunk, "target", bad, target_errors.to_numpy())
        ok &= ~bad
        targets = np.where(filled, targets, np.nan)
        _check_range(chunk, "target", targets, kpi_ids, catalog, ok & filled, log)
        ok &= ~(filled & np.isnan(targets))

    result = pd.DataFrame(
        {"line": chunk.lines, "kpi_id": kpi_ids, "period": periods, "value": values, "target": targets}
    )
    if "note" in f:
        notes = f["note"].str.strip()
        result["note"] = notes.where(notes != "").astype(object).to_numpy()
    if "count" in f:
        result["count"] = _counts(chunk, ok, log, options.decimal_comma)
    return result[ok]


def _counts(chunk: Chunk, ok: np.ndarray, log: ProblemLog, decimal_comma: bool) -> np.ndarray:
    """The ``count`` column: cases behind each month's mean, NaN where blank; anything but a whole number of
    at least 1 is reported."""
    filled = ~_blank(chunk.frame["count"])
    counts, errors = parse_numbers(chunk.frame["count"], decimal_comma)
    unreadable = filled & errors.notna().to_numpy()
    _report(log, chunk, "count", unreadable, f"not a number; count is {COUNT_FORMAT}")
    wrong = filled & ~unreadable & ((counts < 1) | (counts != np.floor(counts)))
    _report(log, chunk, "count", wrong, f"count is {COUNT_FORMAT}")
    ok &= ~(unreadable | wrong)
    return np.where(filled, counts, np.nan)


PERCENT_AS_FRACTION = (
    "every value of this percent KPI in the file lies between 0 and 1 (such as {example}), but its target is "
    "{target}: percent KPIs take 95 for 95 %, so check whether these are fractions that need multiplying by 100"
)
COUNT_NOT_USED = (
    "counts weight a KPI whose months roll up as a mean; this KPI's months roll up by {how}, so its counts are "
    "stored but do not change its roll-ups"
)


def check_values_file(rows: pd.DataFrame, catalog: Catalog, log: ProblemLog, locate: Locate) -> np.ndarray:
    """Whole-file warnings on valid values rows: a percent KPI given only as fractions of 1 (95 % as 0.95), and
    counts for a KPI that does not roll up as a mean. Nothing is refused."""
    kpis = catalog.kpis.set_index("id")
    by_kpi = rows.groupby("kpi_id", sort=False)
    extremes = by_kpi["value"].agg(["min", "max"]).join(by_kpi["line"].min())
    info = kpis.reindex(extremes.index)
    fractions = (info["unit"] == "percent") & (extremes["min"] >= 0) & (extremes["max"] <= 1) & (extremes["max"] > 0)
    fractions &= ~(info["target"] <= 1)
    for kpi_id in extremes.index[fractions.to_numpy()]:
        target = info.at[kpi_id, "target"]
        log.warning(
            PERCENT_AS_FRACTION.format(
                example=f"{extremes.at[kpi_id, 'max']:g}", target="not set" if pd.isna(target) else f"{target:g} %"
            ),
            line=int(extremes.at[kpi_id, "line"]),
            column="value",
        )
    if "count" in rows:
        counted = rows.loc[rows["count"].notna()].groupby("kpi_id", sort=False)["line"].min()
        how = info.reindex(counted.index)
        default = np.where(how["unit"].isin(SUM_UNITS), "sum", "mean")
        rolled = how["aggregation"].fillna(pd.Series(default, index=how.index))
        for kpi_id, line in counted[(rolled != "mean").to_numpy()].items():
            log.warning(COUNT_NOT_USED.format(how=rolled[kpi_id]), line=int(line), column="count")
    return np.zeros(len(rows), dtype=bool)


def check_definition_names(rows: pd.DataFrame, catalog: Catalog, log: ProblemLog, locate: Locate) -> np.ndarray:
    """Names a definitions file would leave meaning two things, refused on the lines that set them: a department
    given two display names in the file, and a display name two departments would share, or a KPI name two KPIs
    of one department would share (ignoring case and spacing; within the file or against what is stored).
    ``locate`` gives the file lines of rows' lines, for messages that name other rows."""
    first = rows.groupby("department")["department_name"].transform("first")
    renamed = (rows["department_name"] != first).to_numpy()
    listed = rows.loc[renamed].assign(expected=first[renamed]).head(log.room)
    log.count(int(renamed.sum()) - len(listed))
    log.add_rows(
        listed["line"].to_numpy(),
        "department_name",
        listed["department_name"].to_numpy(),
        [
            f"department '{quote(slug)}' is named '{quote(expected)}' on an earlier line; use one name per department"
            for slug, expected in zip(listed["department"], listed["expected"])
        ],
    )
    departments = rows.drop_duplicates("department")
    stored = catalog.departments[~catalog.departments["slug"].isin(departments["department"])]
    department_lines = _report_clashes(
        pd.concat(
            [
                _named("", departments["department"], departments["department_name"], departments["line"]),
                _named("", stored["slug"], stored["name"], np.nan),
            ],
            ignore_index=True,
        ),
        "department_name",
        log,
        locate,
    )
    k = catalog.kpis
    slugs = k["department_id"].map(catalog.departments.set_index("id")["slug"])
    in_file = pd.MultiIndex.from_arrays([slugs, k["key"]]).isin(pd.MultiIndex.from_frame(rows[["department", "kpi"]]))
    kpi_lines = _report_clashes(
        pd.concat(
            [
                _named(rows["department"], rows["kpi"], rows["kpi_name"], rows["line"]),
                _named(slugs[~in_file], k["key"][~in_file], k["name"][~in_file], np.nan),
            ],
            ignore_index=True,
        ),
        "kpi_name",
        log,
        locate,
    )
    return renamed | rows["line"].isin(department_lines + kpi_lines).to_numpy()


def _named(scope, identity, name, line) -> pd.DataFrame:
    """Departments or KPIs as ``_report_clashes`` takes them (a stored one has no line)."""
    return pd.DataFrame({"scope": scope, "identity": identity, "name": name, "line": line})


NAME_CLASH = {
    "department_name": (
        "department name '{name}' would also be the name of {others}: departments need display names that differ "
        "in more than case and spacing, so that a file naming one means one; give one of them another name"
    ),
    "kpi_name": (
        "KPI name '{name}' of department '{scope}' would also be the name of {others}: a department's KPIs need "
        "names that differ in more than case and spacing, so that a file naming one means one; give one of them "
        "another name"
    ),
}


def _report_clashes(entries: pd.DataFrame, column: str, log: ProblemLog, locate: Locate) -> list[int]:
    """Report the file's entries (``scope, identity, name, line``; stored ones without a line) whose name another
    identity in their scope has too, naming up to three of those (by line, or as stored) and counting the rest;
    returns the lines reported."""
    entries = entries.assign(folded=fold(entries["name"]))
    group = ["scope", "folded"]
    identities = entries.groupby(group)["identity"].transform("nunique")
    clashing = entries[(identities > 1).to_numpy()].assign(identities=identities)
    clashing = clashing[clashing.groupby(group)["line"].transform("count") > 0]
    reported = clashing[clashing["line"].notna()].sort_values("line", kind="stable")
    listed = reported.head(log.room)
    log.count(len(reported) - len(listed))
    # Each listed entry names the first few identities of its group other than its own.
    candidates = clashing.drop_duplicates([*group, "identity"]).groupby(group).head(OTHERS_NAMED + 1)
    named = listed.reset_index(drop=True).reset_index().merge(candidates, on=group, suffixes=("", "_other"))
    named = named[named["identity"] != named["identity_other"]].groupby("index").head(OTHERS_NAMED)
    filed = named["line_other"].notna().to_numpy()
    named.loc[filed, "line_other"] = locate(named.loc[filed, "line_other"].to_numpy(dtype="int64"))
    what = "department" if column == "department_name" else "KPI"
    others: dict[int, list[str]] = {}
    for i, identity, line, name in named[["index", "identity_other", "line_other", "name_other"]].itertuples(
        index=False
    ):
        others.setdefault(i, []).append(
            f"{what} '{identity}' on line {int(line)}" if pd.notna(line)
            else f"the stored {what} '{identity}' ('{name}')"
        )
    for i, row in enumerate(listed.itertuples(index=False)):
        log.error(
            NAME_CLASH[column].format(name=row.name, others=_listing(others[i], row.identities - 1), scope=row.scope),
            line=int(row.line), column=column, value=row.name,
        )
    return reported["line"].astype("int64").tolist()


def _check_range(
    chunk: Chunk, column: str, numbers: np.ndarray, kpi_ids: np.ndarray, catalog: Catalog, ok: np.ndarray, log
) -> None:
    """Report numbers outside their KPI's valid range (its min/max; counts, days, hours, minutes never negative)."""
    kpis = catalog.kpis.set_index("id")
    rows = kpis.reindex(kpi_ids)
    low, high = valid_ranges(rows["unit"].to_numpy(), rows["min_value"].to_numpy(), rows["max_value"].to_numpy())
    outside = ok & ~np.isnan(numbers) & ((numbers < low) | (numbers > high))
    if outside.any():
        units = rows["unit"].to_numpy()
        messages = np.empty(len(numbers), dtype=object)
        for i in np.flatnonzero(outside):
            messages[i] = f"{column} outside the valid range for this KPI ({units[i]}): {range_text(low[i], high[i])}"
        _report(log, chunk, column, outside, messages)
        ok &= ~outside


def describe(error: Mapping[str, Any]) -> str:
    """A pydantic error in the words of this app: what is wrong and what would be accepted."""
    if error["type"] in {"string_type", "date_type", "missing"} and error.get("input") is None:
        return "blank; this column must be filled in on every row"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "literal_error":
        return f"not allowed; use {error['ctx']['expected']}"
    if error["type"] in {"float_parsing", "float_type"}:
        return "not a number"
    bounds = {"less_than_equal": ("at most", "le"), "greater_than_equal": ("at least", "ge"),
              "less_than": ("below", "lt"), "greater_than": ("above", "gt")}
    if error["type"] in bounds:
        words, key = bounds[error["type"]]
        return f"out of range; use a number {words} {error['ctx'][key]}"
    return message


def validate_models(
    chunk: Chunk, model: type[BaseModel], log: ProblemLog, options: ReadOptions
) -> list[tuple[int, BaseModel]]:
    """Each row of the chunk through ``model`` (its numbers read as ``options`` say); returns (line, record) for
    the rows that pass."""
    context = {"decimal_comma": options.decimal_comma}
    good: list[tuple[int, BaseModel]] = []
    for line, row in zip(chunk.lines.tolist(), chunk.frame.to_dict("records")):
        try:
            good.append((line, model.model_validate(row, context=context)))
        except ValidationError as exc:
            for error in exc.errors():
                column = str(error["loc"][0]) if error["loc"] else None
                value = row.get(column) if column else None
                log.error(describe(error), line=line, column=column, value=value)
    return good


def validate_definitions(chunk: Chunk, catalog: Catalog, log: ProblemLog, options: ReadOptions) -> pd.DataFrame:
    """Rows of a definitions chunk that pass: ``line`` and the KpiDefinition fields the file has (a column the
    file leaves out must not reset what is stored)."""
    present = set(chunk.frame.columns) & set(KpiDefinition.model_fields)
    records = validate_models(chunk, KpiDefinition, log, options)
    return pd.DataFrame([{"line": line, **r.model_dump(include=present)} for line, r in records])


def validate_hiring(chunk: Chunk, catalog: Catalog, log: ProblemLog, options: ReadOptions) -> pd.DataFrame:
    """Rows of a hiring chunk that pass: ``line, department_id, position_id, position_key`` (the id as compared,
    ignoring case and spacing), ``posted_date, filled_date`` and ``title`` when the file has that column (a file
    without it leaves stored titles alone)."""
    ok = np.ones(len(chunk.lines), dtype=bool)
    department_ids = resolve_departments(chunk, catalog, ok, log)
    records = validate_models(chunk, HiringRecord, log, options)
    columns = ["line", "department_id", "position_id", "position_key", "title", "posted_date", "filled_date"]
    if "title" not in chunk.frame:
        columns.remove("title")
    if not records:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame([{"line": line, **r.model_dump()} for line, r in records])
    rows = np.searchsorted(chunk.lines, frame["line"].to_numpy())
    frame["department_id"] = department_ids[rows]
    frame["position_key"] = fold(frame["position_id"])
    for column in ("posted_date", "filled_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame.loc[ok[rows], columns]


def report_duplicates(
    frame: pd.DataFrame,
    keys: list[str],
    describe: Callable[[pd.DataFrame], list[str]],
    log: ProblemLog,
    locate: Locate,
) -> np.ndarray:
    """Rows whose ``keys`` repeat within the file: each is reported, in the words ``describe`` gives its first
    twin, with the lines of up to three other twins and how many more there are. Time and memory grow with the
    rows, not with the twins squared, and messages are written only for the errors the log lists. ``locate``
    turns the rows' lines into the file lines a message names."""
    dup = frame.duplicated(keys, keep=False).to_numpy()
    if not dup.any():
        return dup
    twins = frame.loc[dup].sort_values("line", kind="stable")
    twins["group"] = twins.groupby(keys, sort=False, dropna=False).ngroup()
    by_group = twins.groupby("group")["line"]
    twins["others"] = by_group.transform("size") - 1
    rank = by_group.cumcount()
    listed = twins.iloc[: log.room]
    log.count(len(twins) - len(listed))
    # Each listed row names the first few twins of its group other than itself.
    named = listed[["group", "line"]].merge(
        twins.loc[rank <= OTHERS_NAMED, ["group", "line"]], on="group", suffixes=("", "_twin")
    )
    named = named[named["line"] != named["line_twin"]].groupby("line", sort=False).head(OTHERS_NAMED)
    twin_lines: dict[int, list[str]] = {}
    for line, twin in zip(named["line"].tolist(), locate(named["line_twin"].to_numpy()).tolist()):
        twin_lines.setdefault(line, []).append(str(twin))
    firsts = twins[(rank == 0).to_numpy() & twins["group"].isin(listed["group"]).to_numpy()]
    labels = dict(zip(firsts["group"], describe(firsts)))
    messages = [
        f"{labels[group]} appears more than once in the file (also on line{'s' if others > 1 else ''} "
        f"{_listing(twin_lines[line], others)}); keep one row"
        for line, group, others in zip(listed["line"], listed["group"], listed["others"])
    ]
    log.add_rows(listed["line"].to_numpy(), None, None, messages)
    return dup


def _listing(items: list[str], total: int) -> str:
    """'a', 'a and b', 'a, b and c', 'a, b, c and 1,996 others': some of ``total`` things, and how many more."""
    if total > len(items):
        more = total - len(items)
        return f"{', '.join(items)} and {more:,} other{'s' if more > 1 else ''}"
    return " and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else items[0]
