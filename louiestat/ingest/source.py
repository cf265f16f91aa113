"""Reading an uploaded CSV as real offices export it: its encoding found (``louiestat.ingest.encoding``), any common
delimiter, header names in any case, then its rows streamed in chunks with the file line each starts on, by a fast
reader (pyarrow) or an exact one (the csv module) that also explains a row that does not fit
(``louiestat.ingest.misfit``); and a preview of the first rows."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv

from louiestat.errors import FileUnreadable, IrregularFile
from louiestat.exports.spreadsheet import unguard
from louiestat.ingest.encoding import fingerprint
from louiestat.ingest.misfit import DELIMITERS, misfit
from louiestat.ingest.problems import ProblemLog

LONG_FIELD = (
    "this value is {length:,} characters long, more than the {limit:,} a field may hold "
    "(LOUIESTAT_MAX_FIELD_CHARS); shorten it, or check for a quote that opens a value and is never closed"
)
# The csv module stops a file at its first field over 128 KiB; fields are measured against max_field_chars
# instead, row by row, so lift its limit.
csv.field_size_limit(2**31 - 1)


@dataclass
class Chunk:
    """A block of rows: one string column per header name, and the file line on which each row starts
    (provisional while ``CsvFile.lines_provisional``: see ``CsvFile.exact_lines``)."""

    lines: np.ndarray
    frame: pd.DataFrame


@dataclass
class CsvFile:
    """An opened CSV: its fingerprint, how it is encoded, and its normalised header."""

    name: str
    data: BinaryIO
    sha256: str
    size: int
    encoding: str
    delimiter: str
    header: list[str] = field(default_factory=list)
    rows: int = 0
    owns_data: bool = False
    lines_provisional: bool = False
    quoted: bool = False
    _line_starts: np.ndarray | None = field(default=None, repr=False)

    def __enter__(self) -> CsvFile:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.owns_data:
            self.data.close()

    @property
    def named_width(self) -> int:
        """How many header columns there are up to the last named one. Empty ones after it are padding (Excel
        ends every line with a delimiter for each column it counts as used), so rows may leave them out."""
        return max((i + 1 for i, name in enumerate(self.header) if name), default=0)

    @property
    def fraction_read(self) -> float:
        """How far through the file the reader is (0 to 1), for progress bars."""
        return min(self.data.tell() / self.size, 1.0) if self.size else 1.0

    def chunks(
        self, columns: list[str], problems: ProblemLog, chunk_rows: int, max_field_chars: int, exact: bool = False
    ) -> Iterator[Chunk]:
        """Stream the rows of ``columns`` in chunks, skipping blank lines and refusing rows with a field longer
        than ``max_field_chars`` (reported with its line and column).

        A file with quote characters is read by the exact reader (the csv module, strict about quoting: an
        unclosed quote or text after a closing quote is reported with its line). Others go to the fast reader
        (pyarrow), which raises IrregularFile at the first row that does not fit the header (see ``louiestat.ingest.misfit``);
        read again with ``exact=True``, which reports it. The fast reader's line numbers assume one line per row;
        ``exact_lines`` corrects them when problems need reporting. Cells come back as they were stored: the
        apostrophe an export puts before a formula-like text (``louiestat.exports.spreadsheet``) is removed."""
        exact = exact or self.quoted
        self.rows = 0
        self.lines_provisional = not exact
        self.data.seek(0)
        reader = self._exact_chunks if exact else self._fast_chunks
        for chunk in reader(columns, problems, chunk_rows, max_field_chars):
            yield Chunk(lines=chunk.lines, frame=chunk.frame.apply(unguard))

    def _fast_chunks(
        self, columns: list[str], problems: ProblemLog, chunk_rows: int, max_field_chars: int
    ) -> Iterator[Chunk]:
        width, named = len(self.header), self.named_width
        names = [f"c{i}" for i in range(width)]
        encoding = {"utf-8-sig": "utf8", "utf-8": "utf8"}.get(self.encoding, self.encoding)
        try:
            reader = pa_csv.open_csv(
                self.data,
                read_options=pa_csv.ReadOptions(
                    skip_rows=1,
                    column_names=names,
                    encoding=encoding,
                    block_size=max(chunk_rows * 40, 1 << 16),
                ),
                parse_options=pa_csv.ParseOptions(
                    delimiter=self.delimiter, newlines_in_values=True, ignore_empty_lines=True
                ),
                convert_options=pa_csv.ConvertOptions(
                    column_types={n: pa.string() for n in names}, strings_can_be_null=False
                ),
            )
            ordinal = 0
            for batch in reader:
                lines = np.arange(ordinal, ordinal + batch.num_rows, dtype="int64") + 2
                ordinal += batch.num_rows
                too_long = self._long_fields(batch, lines, problems, max_field_chars)
                frame = batch.to_pandas()
                filled = np.zeros(len(frame), dtype=bool)
                for position, name in enumerate(names):
                    cells = (frame[name].str.strip() != "").to_numpy()
                    if position >= named and cells.any():
                        raise IrregularFile(f"a value in column {position + 1}, which the header does not name")
                    filled |= cells
                self.rows += int(filled.sum())
                keep = filled & ~too_long
                picked = frame.loc[keep, [names[self.header.index(c)] for c in columns]]
                picked.columns = columns
                yield Chunk(lines=lines[keep], frame=picked.reset_index(drop=True))
        except pa.ArrowInvalid as exc:
            raise IrregularFile(str(exc)) from None

    def _long_fields(self, batch: pa.RecordBatch, lines: np.ndarray, problems: ProblemLog, limit: int) -> np.ndarray:
        """Rows of ``batch`` with a field over ``limit`` characters; each such field is reported."""
        too_long = np.zeros(batch.num_rows, dtype=bool)
        for position, column in enumerate(batch.columns):
            if (pc.max(pc.binary_length(column)).as_py() or 0) <= limit:  # bytes >= characters: nothing is over
                continue
            over = pc.greater(pc.utf8_length(column), limit).to_numpy(zero_copy_only=False)
            self._report_long(problems, lines[over], position, column.filter(over).to_pylist(), limit)
            too_long |= over
        return too_long

    def _report_long(
        self, problems: ProblemLog, lines: np.ndarray, position: int, values: list[str], limit: int
    ) -> None:
        column = self.header[position] if position < len(self.header) and self.header[position] else None
        messages = [LONG_FIELD.format(length=len(v), limit=limit) for v in values]
        problems.add_rows(lines, column, np.asarray(values, dtype=object), messages)

    def preview(self, rows: int = 10) -> pd.DataFrame:
        """The first ``rows`` data rows as text under the normalised header, to show before an upload."""
        self.data.seek(0)
        text = io.TextIOWrapper(self.data, encoding=self.encoding, newline="")
        try:
            reader = csv.reader(text, delimiter=self.delimiter)
            next(reader, None)
            head = [row for _, row in zip(range(rows), (r for r in reader if any(c.strip() for c in r)))]
        except csv.Error:
            head = []
        finally:
            text.detach()
        width = len(self.header)
        padded = [(row + [""] * width)[:width] for row in head]
        names = [h or f"column {i + 1}" for i, h in enumerate(self.header)]
        return pd.DataFrame(padded, columns=names, dtype="str")

    def file_lines(self, lines: np.ndarray) -> np.ndarray:
        """The file lines of rows numbered by the last read: as they are from the exact reader, else located with
        ``exact_lines``."""
        return self.exact_lines(lines) if self.lines_provisional else np.asarray(lines, dtype="int64")

    def exact_lines(self, provisional: np.ndarray) -> np.ndarray:
        """The true starting line of rows numbered by the fast reader (which counts one line per non-empty
        row): one pass of the csv module over the file, done only when a problem must be located, and once."""
        if self._line_starts is None:
            self.data.seek(0)
            text = io.TextIOWrapper(self.data, encoding=self.encoding, newline="")
            try:
                reader = csv.reader(text, delimiter=self.delimiter)
                starts, previous = [], 0
                for row in reader:
                    if row:
                        starts.append(previous + 1)
                    previous = reader.line_num
            finally:
                text.detach()
            self._line_starts = np.asarray(starts, dtype="int64")
        return self._line_starts[np.asarray(provisional, dtype="int64") - 1]

    def _exact_chunks(
        self, columns: list[str], problems: ProblemLog, chunk_rows: int, max_field_chars: int
    ) -> Iterator[Chunk]:
        text = io.TextIOWrapper(self.data, encoding=self.encoding, newline="")
        try:
            reader = csv.reader(text, delimiter=self.delimiter, strict=True)
            next(reader)
            positions = [self.header.index(c) for c in columns]
            last_line = reader.line_num
            rows: list[list[str]] = []
            ends: list[int] = []
            try:
                for row in reader:
                    rows.append(row)
                    ends.append(reader.line_num)
                    if len(rows) >= chunk_rows:
                        yield self._chunk(rows, ends, last_line, columns, positions, problems, max_field_chars)
                        last_line, rows, ends = ends[-1], [], []
            except csv.Error as exc:
                problems.error(_quote_message(str(exc)), line=(ends[-1] if ends else last_line) + 1)
                self.rows += 1
            if rows:
                yield self._chunk(rows, ends, last_line, columns, positions, problems, max_field_chars)
        finally:
            text.detach()

    def _chunk(
        self,
        rows: list[list[str]],
        ends: list[int],
        last_line: int,
        columns: list[str],
        positions: list[int],
        problems: ProblemLog,
        max_field_chars: int,
    ) -> Chunk:
        """Turn raw rows into a frame: drop blank ones, report those that do not fit the header (``misfit``) and
        fields over ``max_field_chars``, keep each row's starting line."""
        width = len(self.header)
        ends_array = np.asarray(ends, dtype="int64")
        starts = np.concatenate(([last_line + 1], ends_array[:-1] + 1))
        lengths = np.fromiter(map(len, rows), dtype="int64", count=len(rows))
        joined = list(map("".join, rows))
        filled = np.fromiter(map(bool, map(str.strip, joined)), dtype=bool, count=len(rows))
        too_long = np.zeros(len(rows), dtype=bool)
        for i in np.flatnonzero(np.fromiter(map(len, joined), dtype="int64", count=len(rows)) > max_field_chars):
            for position, value in enumerate(rows[i]):
                if len(value) > max_field_chars:
                    self._report_long(problems, starts[i : i + 1], position, [value], max_field_chars)
                    too_long[i] = True
        named = self.named_width
        ragged = filled & ((lengths > width) | (lengths < named))
        for i in np.flatnonzero(filled & ~ragged & (lengths > named)):
            ragged[i] = bool("".join(rows[i][named:]).strip())
        misfits = np.flatnonzero(ragged)
        listed = misfits[: problems.room]
        problems.count(len(misfits) - len(listed))
        if len(listed):
            where, values, messages = zip(*(misfit(rows[i], self.header, self.named_width, self.delimiter)
                                            for i in listed))
            problems.add_rows(starts[listed], np.asarray(where, dtype=object), np.asarray(values, dtype=object),
                              list(messages))
        keep = filled & ~ragged & ~too_long
        self.rows += int(filled.sum())
        kept = [rows[i] for i in np.flatnonzero(keep)] if not keep.all() else rows
        transposed = list(zip(*kept)) if kept else [()] * width
        frame = pd.DataFrame({name: transposed[pos] for name, pos in zip(columns, positions)}, dtype="str")
        return Chunk(lines=starts[keep], frame=frame)

def _quote_message(error: str) -> str:
    if "unexpected end of data" in error:
        return "a quoted value starts on this line and its closing quote is missing; add the closing \" character"
    return f"the quoting on this line is broken ({error}); put quotes around the whole value and double any quote inside it"


def normalise_header(name: str) -> str:
    """``' KPI Name '`` → ``'kpi_name'``: case, stray spaces and hyphens do not matter in headers."""
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").strip().lower())


def open_csv(source: str | Path | bytes | BinaryIO, name: str | None = None) -> CsvFile:
    """Open ``source`` (a path, bytes, or a binary file object such as a Streamlit upload) for reading.

    Raises FileUnreadable for a file that is not CSV text at all."""
    if isinstance(source, (str, Path)):
        data: BinaryIO = open(source, "rb")
        name = name or Path(source).name
    else:
        data = io.BytesIO(source) if isinstance(source, bytes) else source
        name = name or getattr(data, "name", None) or "upload.csv"
    try:
        return _inspect(data, name, owns_data=isinstance(source, (str, Path)))
    except BaseException:
        if isinstance(source, (str, Path)):
            data.close()
        raise


def _inspect(data: BinaryIO, name: str, owns_data: bool) -> CsvFile:
    sha256, size, encoding, quotes = fingerprint(data, name)
    data.seek(0)
    first_line = _first_line(data, encoding)
    if not first_line.strip():
        if size == 0 or not _has_text(data, encoding):
            raise FileUnreadable(f"{name} is empty; upload a CSV file whose first line is the header")
        raise FileUnreadable(f"{name} line 1 is blank; the first line must be the header (column names)")
    delimiter = _delimiter(first_line)
    header = [normalise_header(h) for h in next(csv.reader([first_line], delimiter=delimiter))]
    return CsvFile(
        name=name,
        data=data,
        sha256=sha256,
        size=size,
        encoding=encoding,
        delimiter=delimiter,
        header=header,
        owns_data=owns_data,
        quoted=quotes > 0,
    )


def _first_line(data: BinaryIO, encoding: str) -> str:
    text = io.TextIOWrapper(data, encoding=encoding, newline="")
    try:
        return text.readline()
    finally:
        text.detach()


def _has_text(data: BinaryIO, encoding: str) -> bool:
    data.seek(0)
    text = io.TextIOWrapper(data, encoding=encoding, newline="")
    try:
        return any(line.strip() for line in text)
    finally:
        text.detach()


def _delimiter(header_line: str) -> str:
    """The delimiter used most often in the header line, outside quotes (comma when there is none)."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    counts = {d: unquoted.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","
