"""A file is all-or-nothing: a failure or a kill in the middle of writing leaves every table exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from louiestat.access.principal import Principal
from louiestat.db import bulk, models, versioned
from louiestat.db.engine import write_transaction
from louiestat.ingest import ingest, plan
from louiestat.writing import batches
from louiestat.writing.service import Change, record
from tests.conftest import ROOT, snapshot

KPIS = [("hr", "overtime_hours"), ("hr", "sick_leave_hours"), ("ems", "response_time"), ("ems", "calls_answered_pct")]


def values_file(years: range, value: int, target: int | None = None) -> bytes:
    """Every month of ``years`` for the city's four KPIs, all with ``value`` (and ``target`` if given)."""
    lines = ["department,kpi,period,value,target"]
    lines += [
        f"{d},{k},{y}-{m:02d},{value},{'' if target is None else target}"
        for d, k in KPIS
        for y in years
        for m in range(1, 13)
    ]
    return ("\n".join(lines) + "\n").encode()


class InjectedFailure(Exception):
    pass


@pytest.fixture
def stored_city(city: Engine) -> Engine:
    """The small city with ten years of values already stored, so a new file both changes and adds rows."""
    result = ingest(city, values_file(range(2000, 2010), 10, target=None), name="first.csv")
    assert (result.status, result.new) == ("committed", 480)
    return city


def test_a_failure_after_the_first_slice_of_rows_leaves_every_table_as_before(
    stored_city: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(stored_city)
    insert_rows = bulk.insert_rows
    written: list[int] = []

    def insert_first_slice_then_fail(conn, table, frame, columns=None):
        if table.name != "observations":
            return insert_rows(conn, table, frame, columns)
        insert_rows(conn, table, frame.iloc[:100], columns)
        written.append(conn.execute(select(func.count()).select_from(models.Observation)).scalar_one())
        raise InjectedFailure("disk full")

    monkeypatch.setattr(bulk, "insert_rows", insert_first_slice_then_fail)
    with pytest.raises(InjectedFailure):
        ingest(stored_city, values_file(range(2000, 2015), 20, target=15), name="second.csv")
    assert written == [480 + 100], "the first slice was inside the transaction when it failed"
    assert snapshot(stored_city) == before


@pytest.mark.parametrize(
    ("data", "written_first", "failing"),
    [
        (values_file(range(2000, 2015), 20, target=15), "targets", "observations"),
        (
            (
                b"department,department_name,kpi,kpi_name,unit,direction,target\n"
                b"parks,Parks,mowing,Acres mowed,count,higher_is_better,10\n"
                b"hr,Human Resources,overtime_hours,Overtime,hours,lower_is_better,90\n"
            ),
            "departments",
            "kpis",
        ),
        (
            b"department,position_id,posted_date,filled_date\nhr,P-1,2013-01-01,2013-01-31\n",
            "positions",
            "observations",
        ),
    ],
    ids=["values", "definitions", "hiring"],
)
def test_a_failure_in_a_later_step_undoes_the_steps_already_written(
    stored_city: Engine, monkeypatch: pytest.MonkeyPatch, data: bytes, written_first: str, failing: str
) -> None:
    before = snapshot(stored_city)
    apply_diff = plan.apply_diff
    steps: list[str] = []

    def fail_on_step(conn, spec, diff, batch_id):
        if spec.table.name == failing:
            table = versioned.ALL[[s.table.name for s in versioned.ALL].index(written_first)].table
            rows = conn.execute(select(table.c.batch_id).where(table.c.batch_id == batch_id)).all()
            assert rows, f"{written_first} rows of this batch were written before the failure"
            raise InjectedFailure(f"crash while writing {failing}")
        steps.append(spec.table.name)
        return apply_diff(conn, spec, diff, batch_id)

    monkeypatch.setattr(plan, "apply_diff", fail_on_step)
    with pytest.raises(InjectedFailure):
        ingest(stored_city, data, name="second.csv")
    assert steps == [written_first]
    assert snapshot(stored_city) == before


def test_a_failure_during_an_undo_leaves_the_batch_and_its_rows_as_they_were(
    stored_city: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = ingest(stored_city, values_file(range(2005, 2012), 30), name="second.csv")
    assert later.status == "committed"
    before = snapshot(stored_city)
    undo_rows = versioned.undo_rows

    def undo_then_fail(conn, batch_id, undo_batch_id):
        undo_rows(conn, batch_id, undo_batch_id)
        raise InjectedFailure("crash after restoring rows")

    monkeypatch.setattr(versioned, "undo_rows", undo_then_fail)
    with pytest.raises(InjectedFailure):
        batches.undo_batch(stored_city, later.batch_id, actor="tester")
    assert snapshot(stored_city) == before


KILLED_CHILD = """
import os, signal, sys
from sqlalchemy import text
from louiestat.db import bulk
from louiestat.db.engine import make_engine
from louiestat.ingest import ingest

insert_rows = bulk.insert_rows

def insert_some_then_die(conn, table, frame, columns=None):
    if table.name != "observations":
        return insert_rows(conn, table, frame, columns)
    insert_rows(conn, table, frame.iloc[:500], columns)
    print(conn.execute(text("SELECT count(*) FROM observations")).scalar_one(), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

bulk.insert_rows = insert_some_then_die
ingest(make_engine(os.environ["LOUIESTAT_DATABASE_URL"]), sys.argv[1])
print("the ingest finished without being killed")
"""


def test_a_process_killed_while_writing_leaves_the_database_as_before(
    stored_city: Engine, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(values_file(range(1901, 2020), 40, target=35))
    before = snapshot(stored_city)
    env = {**os.environ, "LOUIESTAT_DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    child = subprocess.run(
        [sys.executable, "-c", KILLED_CHILD, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert child.stdout.split() == [str(480 + 500)], "the child had written rows inside its transaction"
    assert snapshot(stored_city) == before
    after_kill = ingest(stored_city, values_file(range(2010, 2011), 50), name="next.csv")
    assert (after_kill.status, after_kill.new) == ("committed", 48), "the write lock was released by the kill"


def test_an_upload_waits_for_a_write_in_progress_instead_of_failing(city: Engine) -> None:
    holding = threading.Event()

    def long_write() -> None:
        with write_transaction(city) as conn:
            record(conn, Principal("other"), Change(kind="values", source="slow.csv"), lambda c, b: {})
            holding.set()
            time.sleep(0.5)

    writer = threading.Thread(target=long_write)
    writer.start()
    assert holding.wait(10)
    started = time.monotonic()
    result = ingest(city, values_file(range(2010, 2011), 5), name="queued.csv")
    waited = time.monotonic() - started
    writer.join()
    assert (result.status, result.new) == ("committed", 48)
    assert waited > 0.3, "the upload queued behind the write lock"
    sources = [row[2] for row in sorted(snapshot(city)["batches"])]
    assert sources == ["definitions.csv", "slow.csv", "queued.csv"]
