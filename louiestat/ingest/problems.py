"""Problems found in an uploaded file: what is wrong, where (line, column, value) and what would be accepted.

Problems are collected as a table, never raised one at a time, so a user sees every error of a file at once."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel

Severity = Literal["error", "warning"]
COLUMNS = ["line", "column", "value", "message", "severity"]
QUOTED_CHARS = 80


def quote(text: str) -> str:
    """``text`` as a message shows a value from a file: whole up to 80 characters, else its start, an ellipsis
    and its length, so one huge value never floods an error list."""
    if len(text) <= QUOTED_CHARS:
        return text
    return f"{text[:QUOTED_CHARS]}… ({len(text):,} characters)"


class Problem(BaseModel):
    """One error or warning, pinned to a line of the file (header = line 1) and a column when it has one."""

    line: int | None = None
    column: str | None = None
    value: str | None = None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = [f"line {self.line}" if self.line is not None else "", f"column '{self.column}'" if self.column else ""]
        place = ", ".join(p for p in where if p)
        value = f" (value {self.value!r})" if self.value not in (None, "") else ""
        return f"{place + ': ' if place else ''}{self.message}{value}"


class ProblemLog:
    """Collects problems from every chunk of a file; keeps the first ``limit`` listed and counts them all."""

    def __init__(self, limit: int = 10_000) -> None:
        self.limit = limit
        self._frames: list[pd.DataFrame] = []
        self._listed = 0
        self.error_count = 0
        self.warning_count = 0

    @property
    def room(self) -> int:
        """How many more problems will be listed; beyond that they are only counted, so a caller with many can
        build messages for this many and ``count`` the rest."""
        return max(self.limit - self._listed, 0)

    def count(self, errors: int) -> None:
        """Count ``errors`` errors that are not listed (found beyond ``room``)."""
        self.error_count += errors

    def add(self, problem: Problem) -> None:
        if self.room:
            self.add_frame(pd.DataFrame([problem.model_dump()]))
        elif problem.severity == "error":
            self.error_count += 1
        else:
            self.warning_count += 1

    def error(self, message: str, *, line: int | None = None, column: str | None = None, value: str | None = None):
        self.add(Problem(line=line, column=column, value=value, message=message))

    def warning(self, message: str, *, line: int | None = None, column: str | None = None) -> None:
        self.add(Problem(line=line, column=column, message=message, severity="warning"))

    def add_rows(
        self, lines: np.ndarray, column: str | np.ndarray | None, values: pd.Series | np.ndarray | None, messages
    ) -> None:
        """Record one error per row: ``column`` and ``messages`` are each one for all rows or one per row. Rows
        beyond ``room`` are only counted."""
        listed = min(len(lines), self.room)
        self.count(len(lines) - listed)
        if not listed:
            return

        def head(cells):
            return cells if cells is None or isinstance(cells, str) else np.asarray(cells[:listed], dtype=object)

        frame = pd.DataFrame({"line": np.asarray(lines, dtype="int64")[:listed]})
        frame["column"] = head(column)
        frame["value"] = head(values)
        frame["message"] = head(messages)
        frame["severity"] = "error"
        self.add_frame(frame)

    def add_frame(self, frame: pd.DataFrame) -> None:
        errors = int((frame["severity"] == "error").sum())
        self.error_count += errors
        self.warning_count += len(frame) - errors
        room = self.limit - self._listed
        if room > 0:
            kept = frame.iloc[:room].copy()
            for name in ("column", "value"):
                kept[name] = [quote(v) if isinstance(v, str) else v for v in kept[name]]
            self._frames.append(kept)
            self._listed += len(kept)

    def mark(self) -> tuple[int, int, int, int]:
        """A point to roll back to (see ``rollback``)."""
        return len(self._frames), self._listed, self.error_count, self.warning_count

    def rollback(self, mark: tuple[int, int, int, int]) -> None:
        """Forget every problem recorded after ``mark``: the file is being read again."""
        frames, self._listed, self.error_count, self.warning_count = mark
        del self._frames[frames:]

    def relocate(self, since: tuple[int, int, int, int], locate) -> None:
        """Replace the line numbers of problems recorded after ``since`` by ``locate(lines)``."""
        for i in range(since[0], len(self._frames)):
            frame = self._frames[i]
            has_line = frame["line"].notna().to_numpy()
            if has_line.any():
                lines = frame["line"].to_numpy(dtype="float64")
                lines[has_line] = locate(lines[has_line].astype("int64"))
                self._frames[i] = frame.assign(line=lines)

    def reword(self, message: str, new: str) -> int:
        """Give the listed problems that say ``message`` the words ``new``; returns how many there were."""
        reworded = 0
        for i, frame in enumerate(self._frames):
            hits = (frame["message"] == message).to_numpy()
            if hits.any():
                self._frames[i] = frame.assign(message=frame["message"].where(~hits, new))
                reworded += int(hits.sum())
        return reworded

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    def table(self) -> pd.DataFrame:
        """Every listed problem, errors first, those about the whole file (without a line) first among them, then in
        file order."""
        if not self._frames:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
        table = pd.concat(self._frames, ignore_index=True)[COLUMNS]
        table["line"] = table["line"].astype("Int64")
        order = table.assign(_err=table["severity"] != "error").sort_values(
            ["_err", "line"], kind="stable", na_position="first"
        )
        return order.drop(columns="_err").reset_index(drop=True)

    def problems(self, severity: Severity) -> list[Problem]:
        table = self.table()
        rows = table[table["severity"] == severity].astype(object).where(table.notna(), None)
        return [Problem(**row) for row in rows.to_dict("records")]
