"""Undo benchmark (run by hand, not in CI): load a generated values file of N values, then a correction file
changing every one of them, then undo the correction; print the correction's ingest time, the undo's time and
their ratio, on SQLite and (with --postgres) PostgreSQL.

    python benchmarks/undo.py [--rows 100000 1000000] [--postgres postgresql+psycopg://127.0.0.1:5432/test]

Goal: the undo takes at most twice as long as the correction's ingest.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.ingest import scratch_schema, write_files
from louiestat.db.engine import make_engine
from louiestat.db.migrate import upgrade_to_head
from louiestat.ingest import ingest
from louiestat.writing.batches import undo_batch


def write_correction(values: Path, correction: Path) -> None:
    """The values file with every value changed (one more)."""
    with values.open(newline="") as source, correction.open("w", newline="") as f:
        reader, out = csv.reader(source), csv.writer(f)
        out.writerow(next(reader))
        for department, kpi, period, value in reader:
            out.writerow([department, kpi, period, float(value) + 1])


def measure(url: str, definitions: Path, values: Path, correction: Path) -> tuple[float, float]:
    """Seconds to ingest the correction and to undo it, on the empty database at ``url``."""
    engine = make_engine(url)
    try:
        upgrade_to_head(engine)
        for path in (definitions, values):
            assert ingest(engine, path).status == "committed"
        start = time.perf_counter()
        result = ingest(engine, correction)
        ingest_seconds = time.perf_counter() - start
        assert result.status == "committed" and result.new == 0 and result.unchanged == 0, result.message
        start = time.perf_counter()
        undone = undo_batch(engine, result.batch_id, actor="benchmark")
        undo_seconds = time.perf_counter() - start
        assert undone.rows == {"observations": result.changed}, undone.message
        return ingest_seconds, undo_seconds
    finally:
        engine.dispose()


def measure_postgres(url: str, definitions: Path, values: Path, correction: Path) -> tuple[float, float]:
    """``measure`` in a fresh schema of ``url``, dropped afterwards."""
    with scratch_schema(url) as scoped:
        return measure(scoped, definitions, values, correction)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--postgres", help="also run on this PostgreSQL database (an empty schema is made)")
    args = parser.parse_args()
    for rows in args.rows:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            definitions, values = write_files(folder, rows)
            correction = folder / "correction.csv"
            write_correction(values, correction)
            runs = {"SQLite": measure(f"sqlite:///{folder / 'louiestat.db'}", definitions, values, correction)}
            if args.postgres:
                runs["PostgreSQL"] = measure_postgres(args.postgres, definitions, values, correction)
            for name, (ingest_seconds, undo_seconds) in runs.items():
                print(
                    f"{rows:>9,} values {name:10s} correction ingest {ingest_seconds:7.2f} s  undo {undo_seconds:7.2f} s  "
                    f"undo/ingest {undo_seconds / ingest_seconds:5.2f}x (goal <= 2x)",
                    flush=True,
                )


if __name__ == "__main__":
    main()
