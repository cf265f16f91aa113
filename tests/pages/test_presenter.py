"""Presenter mode and the follower screen on the sample city with its held meetings (SQLite, under AppTest;
opening and moving on PostgreSQL too): opening the presenter writes nothing, Previous / Next move the stored
current item; Start meeting starts the clock and End meeting marks the meeting held, which its minutes say; notes
typed on an item survive a rerun, a new session and a second session, because the box always shows what the
database holds; a follow-up added on the item shows with it and in the store; the follower shows the presenter's
item read-only; people who are not admins cannot present."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from louiestat import meetings
from louiestat.db.engine import make_engine
from louiestat.db.models import Batch
from louiestat.meetings.presenting import slide
from louiestat.meetings.sample import load_sample_meetings
from louiestat.packet import minutes_markdown
from louiestat.presentation.agenda import held_times
from louiestat.sample_city import add_accounts, load_files
from tests.conftest import _empty_postgres, shown, snapshot
from tests.pages.conftest import ANALYST, VIEWER, _runner, _use

HR_MEETING = 1  # the sample's first meeting: Human Resources, May 2016, four items


@pytest.fixture
def city(meetings_city_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    path = tmp_path / "louiestat.db"
    shutil.copy(meetings_city_file, path)
    _use(f"sqlite:///{path}", monkeypatch)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def either_city(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """The sample city with its meetings: a copy of the SQLite file, or loaded into the PostgreSQL test schema."""
    if request.param == "sqlite":
        yield request.getfixturevalue("city")
        return
    url = request.getfixturevalue("postgres_url")
    engine = make_engine(url)
    _empty_postgres(engine)
    assert load_files(engine, "sample")[-1].status == "committed"
    add_accounts(engine, "sample")
    load_sample_meetings(engine, "sample")
    _use(url, monkeypatch)
    yield engine
    engine.dispose()


@pytest.fixture
def present(city: Engine) -> Callable[..., AppTest]:
    """``present(page="presenter", user=ADMIN, meeting="1", item=...)``: a new session on that page."""
    run = _runner()

    def open_(page: str = "presenter", **params: str) -> AppTest:
        return run(page, **{"meeting": str(HR_MEETING), **params})

    return open_


def text(at: AppTest) -> str:
    """What the page says, as a reader sees it (no markdown escapes or bold markers)."""
    return "\n".join(shown(m.value).replace("**", "") for m in at.markdown)


def stored_position(city: Engine) -> int | None:
    return meetings.briefing(city, HR_MEETING).current_position


def batches(engine: Engine) -> list[tuple[int, str, str]]:
    """Every batch's id, kind and source, oldest first."""
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(select(Batch.id, Batch.kind, Batch.source).order_by(Batch.id))]


def test_opening_the_presenter_writes_nothing_and_a_move_writes_one_batch(either_city: Engine) -> None:
    before, batches_before = snapshot(either_city), batches(either_city)
    at = _runner()("presenter", meeting=str(HR_MEETING))
    assert snapshot(either_city) == before  # no batch, no audit event, no position
    assert "Item 1 of 4 · 90 min, not started" in text(at) and at.query_params["item"] == "1"
    at = _runner()("presenter", meeting=str(HR_MEETING), item="3")  # a link to an item only shows it
    assert "Item 3 of 4" in text(at) and snapshot(either_city) == before

    at.button(key="next").click().run()
    moved = batches(either_city)
    assert moved[:-1] == batches_before and moved[-1][1:] == ("presenter", f"meeting {HR_MEETING}: presenter on item 4")
    assert stored_position(either_city) == 4 and "Item 4 of 4 · 0 of 90 min" in text(at)
    assert not at.exception


def test_next_and_previous_move_the_stored_item_and_the_url(present, city: Engine) -> None:
    assert stored_position(city) is None
    at = present()
    assert stored_position(city) is None  # opening the meeting writes nothing
    assert "Human Resources stat · May 2016 · Item 1 of 4 · 90 min, not started" in text(at)
    assert "## Monthly turnover\nOff target · Worse than target for 47 months (1.5% against a target of 1.0%)" in text(at)
    assert at.button(key="previous").disabled and not at.button(key="next").disabled
    assert [m.label for m in at.metric] == ["Latest (May 2016)", "Target", "Change"]
    assert [m.value for m in at.metric] == ["1.5%", "1.0%", "Worse"]
    assert "### ✖ Off target" in text(at)

    at.button(key="next").click().run()
    assert stored_position(city) == 2 and at.query_params["item"] == "2"
    assert "Item 2 of 4" in text(at) and "## Hours lost to work injuries" in text(at)
    assert "What the chart says: May 2013 was outside the process limits (unusually high)" in text(at)
    at.button(key="next").click().run()
    at.button(key="next").click().run()
    assert stored_position(city) == 4 and at.button(key="next").disabled
    assert "## Summer hiring for Parks pools" in text(at) and not at.metric  # a free topic: no numbers
    at.button(key="previous").click().run()
    assert stored_position(city) == 3 and "## Days to onboard a new hire" in text(at)
    assert not at.exception


def test_start_meeting_puts_the_followers_on_the_item_and_end_meeting_marks_it_held(present, city: Engine) -> None:
    at = present(item="2")
    follower = present("follower", user=VIEWER)
    assert "Item 1 of 4 · 90 min, not started · waiting for the presenter" in text(follower)
    assert not [b for b in at.button if b.label == "End meeting"]

    at.button(key="start").click().run()
    assert stored_position(city) == 2 and "Item 2 of 4 · 0 of 90 min" in text(at)
    follower.run()
    assert "Item 2 of 4 · 0 of 90 min" in text(follower) and "waiting" not in text(follower)
    assert not [b for b in at.button if b.label == "Start meeting"]
    at.button(key="next").click().run()

    at.button(key="end").click().run()
    assert not at.exception and not at.error
    held = meetings.briefing(city, HR_MEETING)
    assert held.status == "held" and held.started_at < held.ended_at
    assert held.started_at == slide(city, HR_MEETING).started_at  # from the clock's start to now
    times = held_times(held.started_at, held.ended_at)
    assert f"Item 3 of 4 · held {times}" in text(at)
    assert not [b for b in at.button if b.label in ("Start meeting", "End meeting")]
    assert f"- **Meeting:** {held.date:%A} {held.date.day} {held.date:%B %Y}, held {times}" in minutes_markdown(held)


def test_notes_survive_a_rerun_a_new_session_and_a_second_session(present, city: Engine) -> None:
    item = slide(city, HR_MEETING, 1).item
    box = f"item_{item.id}_notes"
    first = present()
    assert first.text_area(key=box).value == item.notes  # the sample meeting's note
    first.text_area(key=box).input("Exit interviews start in July; HR to bring the first results.").run()
    assert slide(city, HR_MEETING, 1).item.notes == "Exit interviews start in July; HR to bring the first results."
    first.run()
    assert first.text_area(key=box).value == "Exit interviews start in July; HR to bring the first results."

    second = present()  # a refresh, or another tab: a new session
    assert second.text_area(key=box).value == "Exit interviews start in July; HR to bring the first results."
    second.text_area(key=box).input("Typed in the second tab.").run()
    first.run()
    assert first.text_area(key=box).value == "Typed in the second tab."
    assert slide(city, HR_MEETING, 1).item.notes == "Typed in the second tab."
    assert not first.exception and not second.exception


def test_a_follow_up_added_on_the_item_shows_with_it_and_is_stored(present, city: Engine) -> None:
    at = present(item="2")
    item = slide(city, HR_MEETING, 2).item
    key = f"item_{item.id}"
    assert "Open follow-ups" not in text(at)
    at.text_input(key=f"{key}_what").input("Split the injury claims by department")
    at.text_input(key=f"{key}_owner").input("Risk Manager")
    at.date_input(key=f"{key}_due").set_value(dt.date(2016, 7, 15))
    at.button[[b.label for b in at.button].index("Add follow-up")].click().run()
    assert not at.exception and not at.error
    assert "Open follow-ups" in text(at)
    assert "Split the injury claims by department — Risk Manager, due 15 July 2016" in text(at)
    stored = meetings.followup_table(city, dt.date(2016, 7, 1), department_slug="hr", state="open")
    added = stored[stored["what"] == "Split the injury claims by department"]
    assert added[["owner", "due", "kpi", "raised_in"]].values.tolist() == [
        ["Risk Manager", dt.date(2016, 7, 15), "injury_hours_lost", HR_MEETING]]


def test_the_follower_shows_the_presenters_item_read_only(present, city: Engine) -> None:
    presenter = present(item="2")
    presenter.button(key="start").click().run()
    before = snapshot(city)
    follower = present("follower", user=VIEWER)
    assert "Item 2 of 4" in text(follower) and "## Hours lost to work injuries" in text(follower)
    assert [m.value for m in follower.metric] == ["13.7 hours", "24 hours", "Better"]
    assert not follower.text_area and not follower.button and not follower.text_input  # no notes, no controls
    assert "Two long claims" not in text(follower)  # the meeting's notes stay on the presenter's screen
    assert snapshot(city) == before  # following writes nothing

    presenter.button(key="next").click().run()
    follower.run()
    assert "Item 3 of 4" in text(follower) and "## Days to onboard a new hire" in text(follower)


@pytest.mark.parametrize("user", [VIEWER, ANALYST])
def test_people_who_are_not_admins_cannot_open_the_presenter(present, city: Engine, user: str) -> None:
    before = snapshot(city)
    with pytest.raises(ValueError, match="Known pages"):
        present(user=user)
    assert snapshot(city) == before and stored_position(city) is None


def test_a_meeting_that_is_not_there_is_said_in_words(present) -> None:
    at = present(meeting="999")
    assert at.error[0].value == "there is no meeting 999; the Meetings page lists the stored ones"
