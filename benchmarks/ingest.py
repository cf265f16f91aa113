"""Ingest benchmark (run by hand, not in CI): load a generated 1,000,000-row values file through
``louiestat.ingest`` and, in the same run, the same rows through a bare ``sqlite3.executemany`` into an
equivalent table; print rows/s, peak memory and the ratio. Then refuse files of as many rows that are all
errors: one row repeated, every row twice, every value unreadable; print each one's time against the load of
the file without repeats, its peak memory and its error count.

    python benchmarks/ingest.py [--rows 1000000] [--postgres postgresql+psycopg://127.0.0.1:5432/test]

Each load runs in its own process so its peak RSS is its own. Goal: >= 200,000 rows/s, peak RSS < 500 MB,
within 4x of the bare insert; each refusal within 2x the load, peak RSS < 500 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KPIS_PER_DEPARTMENT = 100
MONTHS = 100


def write_files(folder: Path, rows: int) -> tuple[Path, Path]:
    """A definitions file and a values file of ``rows`` rows (KPIs x 100 months, deterministic values)."""
    kpis = max(rows // MONTHS, 1)
    departments = max(kpis // KPIS_PER_DEPARTMENT, 1)
    definitions = folder / "definitions.csv"
    with definitions.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["department", "department_name", "kpi", "kpi_name", "unit", "direction", "target"])
        for k in range(kpis):
            d = k % departments
            out.writerow([f"dept_{d}", f"Department {d}", f"kpi_{k}", f"KPI {k}", "count", "higher_is_better", 100])
    values = folder / "values.csv"
    with values.open("w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["department", "kpi", "period", "value"])
        for k in range(kpis):
            d = k % departments
            for m in range(MONTHS):
                year, month = 2010 + m // 12, m % 12 + 1
                out.writerow([f"dept_{d}", f"kpi_{k}", f"{year}-{month:02d}", (k * 7 + m * 13) % 1000 + 0.5])
    return definitions, values


REFUSALS = {
    "repeats.csv": "one row repeated",
    "pairs.csv": "every row twice",
    "unreadable.csv": "every value unreadable",
}


def write_refused_files(folder: Path, values: Path, rows: int) -> dict[str, Path]:
    """Files of as many rows as ``values`` (``rows``) that are all refused: its first row repeated, its first half
    of rows each twice, and its rows with the value 'n/a'. Streamed, so that this process stays small: a child
    process starts with its parent's peak memory as its own."""
    files = {name: folder / name for name in REFUSALS}
    with values.open(newline="") as f, ExitStack() as stack:
        reader = csv.reader(f)
        header = next(reader)
        out = {name: csv.writer(stack.enter_context(path.open("w", newline=""))) for name, path in files.items()}
        for writer in out.values():
            writer.writerow(header)
        first = None
        for i, row in enumerate(reader):
            first = first or row
            out["repeats.csv"].writerow(first)
            if i < rows // 2:
                out["pairs.csv"].writerows([row, row])
            out["unreadable.csv"].writerow([*row[:3], "n/a"])
    return files


def child(mode: str, db: str, definitions: str, values: str) -> None:
    """One timed load in this process; prints a JSON line with seconds and rows."""
    errors = {}
    if mode in ("louiestat", "refused"):
        sys.path.insert(0, str(ROOT))
        from louiestat.db.engine import make_engine
        from louiestat.db.migrate import upgrade_to_head
        from louiestat.ingest import ingest

        engine = make_engine(db)
        upgrade_to_head(engine)
        assert ingest(engine, definitions).status == "committed"
        start = time.perf_counter()
        result = ingest(engine, values)
        seconds = time.perf_counter() - start
        assert result.status == ("rejected" if mode == "refused" else "committed"), result.message
        rows = result.rows
        errors = {"errors": result.error_count, "listed": len(result.errors)}
    else:
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(
            "CREATE TABLE observations (kpi_id INTEGER NOT NULL, period DATE NOT NULL, value FLOAT NOT NULL, "
            "note TEXT, batch_id INTEGER NOT NULL, PRIMARY KEY (kpi_id, period))"
        )
        conn.execute("CREATE INDEX ix_observations_batch_id ON observations (batch_id)")
        start = time.perf_counter()
        with open(values, newline="") as f:
            reader = csv.reader(f)
            next(reader)
            rows_iter = ((int(k[4:]), p + "-01", float(v), None, 1) for _d, k, p, v in reader)
            with conn:
                conn.executemany("INSERT INTO observations VALUES (?, ?, ?, ?, ?)", rows_iter)
        seconds = time.perf_counter() - start
        rows = conn.execute("SELECT count(*) FROM observations").fetchone()[0]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": peak_mb, **errors}))


def run(mode: str, db: str, definitions: Path, values: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, db, str(definitions), str(values)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="also load into this PostgreSQL database (an empty schema is made)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        definitions, values = write_files(folder, args.rows)
        size_mb = values.stat().st_size / 1e6
        print(f"values file: {args.rows:,} rows, {size_mb:.1f} MB")
        bare = run("bare", str(folder / "bare.db"), definitions, values)
        ours = run("louiestat", f"sqlite:///{folder / 'louiestat.db'}", definitions, values)
        for name, r in (("bare sqlite3.executemany", bare), ("louiestat ingest (SQLite)", ours)):
            print(f"{name:28s} {r['seconds']:6.2f} s  {r['rows'] / r['seconds']:>10,.0f} rows/s  peak RSS {r['peak_mb']:5.0f} MB")
        print(f"ratio louiestat / bare: {ours['seconds'] / bare['seconds']:.2f}x (goal <= 4x; >= 200,000 rows/s; < 500 MB)")
        for name, path in write_refused_files(folder, values, args.rows).items():
            r = run("refused", f"sqlite:///{folder / name}.db", definitions, path)
            print(f"refused, {REFUSALS[name] + ':':24s} {r['seconds']:6.2f} s  peak RSS {r['peak_mb']:5.0f} MB  "
                  f"{r['errors']:,} errors ({r['listed']:,} listed); {r['seconds'] / ours['seconds']:.2f}x the load "
                  "(goal <= 2x; < 500 MB)")
        if args.postgres:
            pg = run_postgres(args.postgres, definitions, values)
            print(f"{'louiestat ingest (PostgreSQL)':28s} {pg['seconds']:6.2f} s  {pg['rows'] / pg['seconds']:>10,.0f} rows/s  "
                  f"peak RSS {pg['peak_mb']:5.0f} MB")


@contextmanager
def scratch_schema(url: str) -> Iterator[str]:
    """``url`` pointed at a fresh PostgreSQL schema, which is dropped afterwards."""
    from sqlalchemy import create_engine, make_url, text

    schema = f"louiestat_bench_{int(time.time())}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run_postgres(url: str, definitions: Path, values: Path) -> dict:
    """Load into a fresh schema of ``url`` and drop it afterwards."""
    with scratch_schema(url) as scoped:
        return run("louiestat", scoped, definitions, values)

if __name__ == "__main__":
    main()
