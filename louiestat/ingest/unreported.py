"""Rows left out on request because their value cell is blank: months a department did not report. The
template lists every KPI; an analyst fills in those reported and uploads with ``skip_blank``."""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel

from louiestat.ingest.problems import ProblemLog
from louiestat.ingest.source import Chunk

NOT_STORED = "this row has no value, so it is skipped as not reported, and its {columns} {verb} not stored"


class SkippedRow(BaseModel):
    """A skipped row as the file gives it: its line and its department, KPI and month (as written)."""

    line: int
    department: str
    kpi: str
    period: str


def take_unreported(chunk: Chunk, column: str, log: ProblemLog) -> tuple[Chunk, pd.DataFrame]:
    """Split ``chunk`` into the rows whose ``column`` is filled in and the skipped ones (``line, department,
    kpi, period``). A skipped row that fills in other columns (a note, a target) gets a warning that they were
    not stored."""
    blank = (chunk.frame[column].str.strip() == "").to_numpy()
    if not blank.any():
        return chunk, _skipped(chunk, blank)
    others = [c for c in chunk.frame.columns if c not in (column, "department", "kpi", "period")]
    if others:
        filled = pd.DataFrame({c: chunk.frame[c].str.strip() != "" for c in others})[blank]
        for line, row in zip(chunk.lines[blank], filled.itertuples(index=False)):
            named = [c for c, on in zip(others, row) if on]
            if named:
                verb = "was" if len(named) == 1 else "were"
                log.warning(NOT_STORED.format(columns=" and ".join(named), verb=verb), line=int(line))
    kept = Chunk(lines=chunk.lines[~blank], frame=chunk.frame[~blank].reset_index(drop=True))
    return kept, _skipped(chunk, blank)


def _skipped(chunk: Chunk, blank: np.ndarray) -> pd.DataFrame:
    frame = chunk.frame.loc[blank, ["department", "kpi", "period"]].apply(lambda c: c.str.strip())
    return frame.assign(line=chunk.lines[blank]).reset_index(drop=True)[["line", "department", "kpi", "period"]]


def line_ranges(lines: list[int]) -> str:
    """``[4, 5, 6, 9]`` → ``'lines 4–6, 9'``: skipped lines as a person reads them."""
    runs: list[list[int]] = []
    for line in sorted(lines):
        if runs and line == runs[-1][1] + 1:
            runs[-1][1] = line
        else:
            runs.append([line, line])
    text = ", ".join(f"{a}–{b}" if b > a else f"{a}" for a, b in runs)
    return f"line{'s' if len(lines) != 1 else ''} {text}"
