"""Opening an uploaded CSV as real offices export it: any encoding Excel writes, any common delimiter, header
names in any case, then streaming its rows in chunks with the file line number of each row."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
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
from louiestat.ingest.problems import ProblemLog, quote

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
_SNIFF_BYTES = 8192
_BLOCK = 1 << 20
_SIGNATURES = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another zip archive",
    b"\xd0\xcf\x11\xe0": "an old-style Excel workbook (.xls)",
    b"%PDF": "a PDF document",
}
SAVE_AS_CSV = "open it in Excel and use File > Save As > 'CSV UTF-8 (Comma delimited)'"
LONG_FIELD = (
    "this value is {length:,} characters long, more than the {limit:,} a field may hold "
    "(LOUIESTAT_MAX_FIELD_CHARS); shorten it, or check for a quote that opens a value and is never closed"
)
_ESCAPED = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as ``surrogateescape`` decodes it
_HIGH_BYTES = bytes(range(0x80, 0x100))
_LISTED_BYTES = 10  # bytes that are not UTF-8 listed by place; the rest are counted
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
    ragged_rows: int = 0
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
        (pyarrow), which raises IrregularFile at the first row that does not fit the header (see ``_misfit``);
        read again with ``exact=True``, which reports it. The fast reader's line numbers assume one line per row;
        ``exact_lines`` corrects them when problems need reporting. Cells come back as they were stored: the
        apostrophe an export puts before a formula-like text (``louiestat.exports.spreadsheet``) is removed."""
        exact = exact or self.quoted
        self.rows = self.ragged_rows = 0
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
                self.ragged_rows += 1
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
        """Turn raw rows into a frame: drop blank ones, report those that do not fit the header (``_misfit``) and
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
            where, values, messages = zip(*(self._misfit(rows[i]) for i in listed))
            problems.add_rows(starts[listed], where, values, messages)
        keep = filled & ~ragged & ~too_long
        self.rows += int(filled.sum())
        self.ragged_rows += int(ragged.sum())
        kept = [rows[i] for i in np.flatnonzero(keep)] if not keep.all() else rows
        transposed = list(zip(*kept)) if kept else [()] * width
        frame = pd.DataFrame({name: transposed[pos] for name, pos in zip(columns, positions)}, dtype="str")
        return Chunk(lines=starts[keep], frame=frame)

    def _misfit(self, row: list[str]) -> tuple[str | None, str | None, str]:
        """Why ``row`` does not fit the header, as (column, value, message): too few fields, or more fields than
        the header or a value past its last named column, most often a number with an unquoted thousands
        separator (``5,210``) split in two, which is named when the row has one."""
        width, named = len(self.header), self.named_width
        size = f"{width}" if width == named else f"{width} ({named} named, then {width - named} empty)"
        if len(row) < named:
            return None, None, (
                f"this row has {len(row)} fields but the header has {size}; check for a delimiter missing between "
                "two values, or a value left out together with its delimiter"
            )
        if len(row) > width:
            what = f"this row has {len(row)} fields but the header has {size}"
        else:
            last = self.header[named - 1]
            what = f"this row has a value past the header's last named column ('{quote(last)}', column {named})"
        split = _split_number(row) if self.delimiter == "," else None
        if split is None:
            kind = DELIMITERS[self.delimiter]
            numbers = " (a note, or a number with a thousands separator such as 5,210)" if kind == "comma" else ""
            return None, None, (
                f"{what}: most likely a value with an unquoted {kind} in it{numbers}, which splits it into two "
                "fields; put quotes around such a value"
            )
        start, pieces = split
        number = ",".join(pieces)
        placed = [f"{piece} {self._column_words(start + k)}" for k, piece in enumerate(pieces)]
        column = (self.header[start] or None) if start < width else None
        fields = _COUNT_WORDS.get(len(pieces), len(pieces))
        return column, number, (
            f"{what}: most likely the number {number} written without quotes, whose thousands separator splits it "
            f"into {fields} fields ({', '.join(placed[:-1])} and {placed[-1]}); write it as "
            f"{number.replace(',', '')} or \"{number}\""
        )

    def _column_words(self, position: int) -> str:
        """Where a field at ``position`` lands: 'under 'value'', 'in an unnamed column', 'past the header'."""
        if position >= len(self.header):
            return "past the header"
        name = self.header[position]
        return f"under '{quote(name)}'" if name else "in an unnamed column"


_COUNT_WORDS = {2: "two", 3: "three", 4: "four"}
_LEADING_GROUP = re.compile(r"[-+(]?[$€£]?\d{1,3}")
_GROUP = re.compile(r"\d{3}")
_LAST_GROUP = re.compile(r"\d{3}(\.\d+)?\)?%?")


def _split_number(fields: list[str]) -> tuple[int, list[str]] | None:
    """The first number in ``fields`` that an unquoted thousands separator split into several (``5``, ``210``):
    its position and its pieces."""
    cells = [field.strip() for field in fields]
    for start, cell in enumerate(cells[:-1]):
        if not _LEADING_GROUP.fullmatch(cell):
            continue
        end = start + 1
        while end < len(cells) and _GROUP.fullmatch(cells[end]):
            end += 1
        if end < len(cells) and _LAST_GROUP.fullmatch(cells[end]):
            end += 1
        if end > start + 1:
            return start, cells[start:end]
    return None


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
    data.seek(0)
    head = data.read(_SNIFF_BYTES)
    marked = _encoding_by_marks(head)
    _refuse_binary(head, name, marked)
    sha256, size, encoding, quotes = _fingerprint(data, head, name, marked)
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


def _encoding_by_marks(head: bytes) -> str | None:
    """The encoding a file's first bytes declare: a byte-order mark, or the NUL bytes of UTF-16 without one
    (ASCII characters in UTF-16 have a NUL after them in little-endian, before them in big-endian)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    pairs = len(head) // 2
    before, after = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    if after > pairs // 2 and before <= after // 20:
        return "utf-16-le"
    if before > pairs // 2 and after <= before // 20:
        return "utf-16-be"
    return None


def _refuse_binary(head: bytes, name: str, encoding: str | None) -> None:
    for signature, what in _SIGNATURES.items():
        if head.startswith(signature):
            raise FileUnreadable(f"{name} is {what}, not a CSV file; {SAVE_AS_CSV}")
    if b"\x00" in head and not (encoding or "").startswith("utf-16"):
        raise FileUnreadable(f"{name} is a binary file, not CSV text; {SAVE_AS_CSV}")


def _fingerprint(data: BinaryIO, head: bytes, name: str, marked: str | None) -> tuple[str, int, str, int]:
    """Hash the whole file, count its quote bytes and choose its encoding: the one its first bytes declare
    (``_encoding_by_marks``), else UTF-8 when it all decodes, else Windows-1252 (what Excel writes for 'CSV
    (Comma delimited)' on Windows) — but only when nothing in it is UTF-8 beyond ASCII: a UTF-8 file with a few
    bad bytes is refused with their places rather than read with its other accented letters garbled."""
    digest = hashlib.sha256(head)
    size, quotes, lines = len(head), 0, 1
    utf16 = (marked or "").startswith("utf-16")
    utf8 = None if utf16 else _Utf8Scan()
    decoder = codecs.getincrementaldecoder(marked)() if utf16 else None
    block = head
    while block:
        if not utf16 and b"\x00" in block:
            line = lines + block[: block.index(b"\x00")].count(b"\n")
            raise FileUnreadable(
                f"{name} line {line} holds a NUL byte, so this is binary data, not CSV text; {SAVE_AS_CSV}"
            )
        lines += block.count(b"\n")
        if utf8 is not None:
            utf8.feed(block)
        else:
            _decode_utf16(decoder, block, size - len(block), name, marked)
        quotes += block.count(b'"')
        block = data.read(_BLOCK)
        digest.update(block)
        size += len(block)
    if utf8 is not None:
        utf8.feed(b"", final=True)
        encoding = utf8.encoding(name, marked)
    else:
        _decode_utf16(decoder, b"", size, name, marked, final=True)
        encoding = marked
    if encoding == "cp1252":
        _check_cp1252(data, name)
    return digest.hexdigest(), size, encoding, quotes


def _decode_utf16(
    decoder: codecs.IncrementalDecoder, block: bytes, offset: int, name: str, encoding: str, final: bool = False
) -> None:
    try:
        decoder.decode(block, final)
    except UnicodeDecodeError as exc:
        raise FileUnreadable(
            f"{name} reads as {encoding.upper()} text, but byte {offset + exc.start + 1:,} of the file is not part of "
            f"any UTF-16 character ({exc.reason}); {SAVE_AS_CSV}"
        ) from None


@dataclass
class _Utf8Scan:
    """A pass over a file as UTF-8, block by block: whether it holds any character beyond ASCII, how many of
    its bytes are not UTF-8, and the line and byte in the line (both from 1) of the first few of those."""

    multibyte: bool = False
    invalid: int = 0
    places: list[tuple[int, int, int]] = field(default_factory=list)
    _carry: bytes = b""
    _offset: int = 0
    _line: int = 1
    _line_start: int = 0

    def feed(self, block: bytes, final: bool = False) -> None:
        data = self._carry + block
        cut = len(data) if final else len(data) - _utf8_tail(data)
        data, self._carry = data[:cut], data[cut:]
        try:
            # A character of 2 to 4 bytes decodes to 1, so fewer characters than bytes means multi-byte UTF-8.
            self.multibyte |= len(data.decode("utf-8")) < len(data)
        except UnicodeDecodeError:
            self._count_invalid(data, data.decode("utf-8", "surrogateescape"))
        newline = data.rfind(b"\n")
        if newline >= 0:
            self._line += data.count(b"\n")
            self._line_start = self._offset + newline + 1
        self._offset += len(data)

    def _count_invalid(self, data: bytes, text: str) -> None:
        room = _LISTED_BYTES - len(self.places)
        for match in itertools.islice(_ESCAPED.finditer(text), max(room, 0)):
            at = len(text[: match.start()].encode("utf-8", "surrogateescape"))
            newline = data.rfind(b"\n", 0, at)
            column = at - newline if newline >= 0 else self._offset + at - self._line_start + 1
            self.places.append((self._line + data.count(b"\n", 0, at), column, data[at]))
        if len(text) < len(data):
            self.multibyte = True
            self.invalid += _ESCAPED.subn("", text)[1]
        else:  # no multi-byte character here, so every byte from 0x80 up is one that is not UTF-8
            self.invalid += len(data) - len(data.translate(None, _HIGH_BYTES))

    def encoding(self, name: str, marked: str | None) -> str:
        """``utf-8`` (or ``utf-8-sig``) when every byte decodes, ``cp1252`` when nothing beyond ASCII is UTF-8;
        otherwise FileUnreadable listing the bytes that are not UTF-8."""
        if not self.invalid:
            return marked or "utf-8"
        if not (self.multibyte or marked):
            return "cp1252"
        listed = ", ".join(f"line {line} byte {column} (0x{byte:02x})" for line, column, byte in self.places)
        more = f" and {self.invalid - len(self.places):,} more" if self.invalid > len(self.places) else ""
        bytes_are = f"{self.invalid:,} bytes that are" if self.invalid != 1 else "1 byte that is"
        raise FileUnreadable(
            f"{name} is UTF-8 text except for {bytes_are} not UTF-8, counting bytes from 1 at the start of each "
            f"line: {listed}{more}; reading it as Windows-1252 instead would garble its other accented letters, so "
            "correct those characters and save the file as UTF-8 (in Excel: File > Save As > 'CSV UTF-8 (Comma "
            "delimited)')"
        )


def _utf8_tail(data: bytes) -> int:
    """How many bytes at the end of ``data`` start a UTF-8 character that the next block completes."""
    for back in range(1, min(3, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 != 0x80:
            width = 2 if 0xC0 <= byte < 0xE0 else 3 if 0xE0 <= byte < 0xF0 else 4 if 0xF0 <= byte < 0xF8 else 1
            return back if width > back else 0
    return 0


def _check_cp1252(data: BinaryIO, name: str) -> None:
    data.seek(0)
    decoder = codecs.getincrementaldecoder("cp1252")()
    line = 1
    while block := data.read(_BLOCK):
        try:
            decoder.decode(block)
        except UnicodeDecodeError as exc:
            bad_line = line + block[: exc.start].count(b"\n")
            raise FileUnreadable(
                f"{name} line {bad_line}: byte 0x{block[exc.start]:02x} is neither UTF-8 nor Windows-1252 text; "
                f"{SAVE_AS_CSV}"
            ) from None
        line += block.count(b"\n")


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
    best = max(counts, key=counts.get)
    return best if counts[best] else ","
