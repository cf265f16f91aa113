"""The write lock: a write that finds another holding it says whose (naming its batch), goes ahead when it
finishes, and gives up with LockTimeout after LOUIESTAT_LOCK_WAIT_SECONDS having written nothing — never with
SQLite's raw "database is locked" (on SQLite and PostgreSQL)."""

from __future__ import annotations

import queue
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from louiestat.access.principal import Principal
from louiestat.config import get_settings
from louiestat.db.engine import write_transaction
from louiestat.db.write_lock import WRITE_LOCK_KEY
from louiestat.errors import LockTimeout
from louiestat.ingest import ingest
from louiestat.writing.batches import undo_batch
from louiestat.writing.edits import save_targets
from louiestat.writing.service import Change, record
from tests.conftest import snapshot
from tests.db.test_engine import BATCH

VALUES = b"department,kpi,period,value\nhr,overtime_hours,2013-01,120\n"


def wait_at_most(seconds: float, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOUIESTAT_LOCK_WAIT_SECONDS", str(seconds))
    get_settings.cache_clear()


@contextmanager
def alices_upload(engine: Engine, batch_open: bool = True) -> Iterator[tuple[int | None, threading.Event]]:
    """An upload by alice in another thread, holding the write lock (with its batch open, or still reading its
    file) until released."""
    opened: queue.Queue[int | None] = queue.Queue()
    release = threading.Event()

    def hold() -> None:
        with write_transaction(engine, doing="upload", actor="alice") as conn:
            opened.put(record(conn, Principal("alice"), Change(kind="values", source="values.csv"), lambda c, b: {}) if batch_open else None)
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        yield opened.get(timeout=10), release
    finally:
        release.set()
        thread.join()


def alices(batch_id: int) -> str:
    """A pattern of how alice's upload is named to writers waiting for it."""
    return rf"another upload to finish \(batch {batch_id}, started \d\d:\d\d by alice\)"


def test_a_write_behind_another_says_whose_and_goes_ahead_when_it_finishes(
    city: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    wait_at_most(20, monkeypatch)
    told: list[str] = []
    with alices_upload(city) as (batch_id, release):

        def on_wait(message: str) -> None:
            told.append(message)
            release.set()

        result = ingest(city, VALUES, name="values.csv", actor="bob", on_wait=on_wait)
    assert len(told) == 1 and re.fullmatch(f"waiting for {alices(batch_id)}", told[0]), told
    assert (result.status, result.batch_id) == ("committed", batch_id + 1)


def test_a_write_that_does_not_wait_is_not_told_anything(city: Engine) -> None:
    told: list[str] = []
    assert ingest(city, VALUES, name="values.csv", on_wait=told.append).status == "committed"
    assert told == []


def test_a_write_gives_up_after_the_configured_wait_naming_the_batch_and_writing_nothing(
    city: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    wait_at_most(1, monkeypatch)
    upload = ingest(city, VALUES, name="values.csv")
    told: list[str] = []
    with alices_upload(city) as (batch_id, _release):
        before = snapshot(city)
        start = time.monotonic()
        with pytest.raises(LockTimeout) as failure:
            undo_batch(city, upload.batch_id, actor="bob", on_wait=told.append)
        waited = time.monotonic() - start
        assert snapshot(city) == before
    assert 1 <= waited < 3
    assert len(told) == 1 and re.fullmatch(f"waiting for {alices(batch_id)}", told[0]), told
    assert re.fullmatch(
        rf"gave up after waiting 1 s for {alices(batch_id)}, so nothing was written: "
        rf"try again when batch {batch_id} has finished, or raise LOUIESTAT_LOCK_WAIT_SECONDS",
        str(failure.value),
    )


@contextmanager
def lock_held_by_another_program(engine: Engine) -> Iterator[None]:
    """The write lock taken as LouieStat takes it, by a client that does not say who it is."""
    if engine.dialect.name == "sqlite":
        other = sqlite3.connect(engine.url.database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.close()
        return
    with engine.connect() as other:
        other.execute(text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"), {"key": WRITE_LOCK_KEY})
        yield
        other.rollback()


def test_a_write_behind_an_upload_still_reading_its_file_names_who_and_since_when(
    city: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    wait_at_most(0.5, monkeypatch)
    told: list[str] = []
    targets = pd.DataFrame({"effective_from": ["2013-01"], "target": ["90"]})
    with alices_upload(city, batch_open=False), pytest.raises(LockTimeout) as failure:
        save_targets(city, 2, targets, "bob", on_wait=told.append)
    assert len(told) == 1
    assert re.fullmatch(r"waiting for another upload to finish \(started \d\d:\d\d by alice\)", told[0])
    assert str(failure.value).endswith(
        "try again when alice's upload has finished, or raise LOUIESTAT_LOCK_WAIT_SECONDS"
    )


def test_a_write_behind_a_holder_that_did_not_announce_itself_gives_up_cleanly(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    wait_at_most(0.5, monkeypatch)
    told: list[str] = []
    with (
        lock_held_by_another_program(engine),
        pytest.raises(LockTimeout) as failure,
        write_transaction(engine, on_wait=told.append) as conn,
    ):
        conn.execute(text(BATCH))
    assert told == ["waiting for another write to the database to finish"]
    assert str(failure.value) == (
        "gave up after waiting 0.5 s for another write to the database to finish, so nothing was written: "
        "try again when it has finished, or raise LOUIESTAT_LOCK_WAIT_SECONDS"
    )
    assert snapshot(engine)["batches"] == []
