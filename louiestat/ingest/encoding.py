"""What an upload's bytes are, before any of it is read as CSV: refused when it is not text at all (a workbook, a
PDF, binary data), else its encoding chosen as Excel and other exports write them (a byte-order mark, UTF-16 by
its NUL bytes, UTF-8, or Windows-1252 only when nothing in it is UTF-8), with its SHA-256 and size on the way."""

from __future__ import annotations

import codecs
import hashlib
import itertools
import re
from dataclasses import dataclass, field
from typing import BinaryIO, NamedTuple

from louiestat.errors import FileUnreadable

SNIFF_BYTES = 8192
_BLOCK = 1 << 20
_SIGNATURES = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another zip archive",
    b"\xd0\xcf\x11\xe0": "an old-style Excel workbook (.xls)",
    b"%PDF": "a PDF document",
}
SAVE_AS_CSV = "open it in Excel and use File > Save As > 'CSV UTF-8 (Comma delimited)'"
_ESCAPED = re.compile("[\udc80-\udcff]")  # a byte that is not UTF-8, as ``surrogateescape`` decodes it
_HIGH_BYTES = bytes(range(0x80, 0x100))
_LISTED_BYTES = 10  # bytes that are not UTF-8 listed by place; the rest are counted


class Fingerprint(NamedTuple):
    """What the bytes of a file are: its SHA-256, its size, the encoding chosen and how many quote bytes it has
    (a file with none can go to the fast reader)."""

    sha256: str
    size: int
    encoding: str
    quotes: int


def fingerprint(data: BinaryIO, name: str) -> Fingerprint:
    """Read ``data`` through once: FileUnreadable for a file that is not text, else its fingerprint."""
    data.seek(0)
    head = data.read(SNIFF_BYTES)
    marked = _encoding_by_marks(head)
    _refuse_binary(head, name, marked)
    return Fingerprint(*_fingerprint(data, head, name, marked))


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
    utf16 = marked is not None and marked.startswith("utf-16")
    utf8 = None if utf16 else _Utf8Scan()
    decoder = codecs.getincrementaldecoder(marked)() if marked is not None and utf16 else None
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
        elif decoder is not None and marked is not None:
            _decode_utf16(decoder, block, size - len(block), name, marked)
        quotes += block.count(b'"')
        block = data.read(_BLOCK)
        digest.update(block)
        size += len(block)
    if utf8 is not None:
        utf8.feed(b"", final=True)
        encoding = utf8.encoding(name, marked)
    else:
        encoding = marked or "utf-16"
        if decoder is not None:
            _decode_utf16(decoder, b"", size, name, encoding, final=True)
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
