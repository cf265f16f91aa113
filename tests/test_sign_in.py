"""The built-in sign-in: one message for every refusal, a lockout per account after repeated failures (OWASP),
sessions kept server-side as hashed tokens that end on sign-out, idleness, age, a disabled user or a new
password, shared by every app process that uses the database. Under load: failures at the same moment all
counted, a locked account refused as slowly as a wrong password, a write holding the database waited for
briefly, sign-in posts limited per address and minute; old hashes upgraded."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import queue
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest
from argon2 import PasswordHasher
from pydantic import ValidationError
from sqlalchemy import Engine, select, update

from louiestat.access import audit, users
from louiestat.access.passwords import needs_rehash, verify_password
from louiestat.access.sessions import FAILED, count_sign_in_post, session_user, sign_in, sign_out
from louiestat.config import Settings, get_settings
from louiestat.db.engine import make_engine, write_transaction
from louiestat.db.models import Session, SignInPosts, User, utcnow
from louiestat.errors import LockTimeout, SignInFailed
from louiestat.ingest import ingest
from tests.conftest import DEFINITIONS, snapshot

T = TypeVar("T")

PASSWORD = "correct horse battery staple"
T0 = dt.datetime(2026, 12, 2, 9, 0)


def minutes(n: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


@pytest.fixture
def city(engine: Engine) -> Engine:
    assert ingest(engine, DEFINITIONS.encode(), name="definitions.csv").status == "committed"
    users.add_user(engine, "ana@city.gov", "analyst", departments=["ems"], password=PASSWORD, by="cli:root")
    users.add_user(engine, "boss@city.gov", "admin", by="cli:root")  # identity provider only
    return engine


def refused(engine: Engine, email: str, password: str, at: dt.datetime) -> str:
    with pytest.raises(SignInFailed) as failure:
        sign_in(engine, email, password, now=at)
    return str(failure.value)


def last_event(engine: Engine) -> list[str]:
    return audit.events(engine).iloc[0][["actor", "action", "subject", "detail"]].tolist()


def test_a_right_password_opens_a_session_whose_token_is_stored_only_hashed(city: Engine) -> None:
    token = sign_in(city, " ANA@city.gov", PASSWORD, now=T0)
    user = session_user(city, token, now=minutes(1))
    assert (user.email, user.role, user.departments) == ("ana@city.gov", "analyst", ["ems"])
    with city.connect() as conn:
        stored = conn.execute(select(Session.token_hash)).scalars().all()
    assert len(stored) == 1 and token not in stored[0] and len(stored[0]) == 64
    assert last_event(city) == ["ana@city.gov", "sign_in", "ana@city.gov", ""]
    assert session_user(city, "a made-up token", now=minutes(1)) is None
    assert session_user(city, None) is None


def test_every_refusal_says_the_same_and_the_audit_log_says_why(city: Engine) -> None:
    cases = [
        ("nobody@city.gov", PASSWORD, "no such user"),
        ("ana@city.gov", "wrong horse battery staple", "wrong password (1 of 5)"),
        ("boss@city.gov", PASSWORD, "no password"),
    ]
    for email, password, why in cases:
        assert refused(city, email, password, T0) == FAILED
        assert last_event(city) == [email, "sign_in_failed", email, why]
    users.add_user(city, "gone@city.gov", "viewer", password=PASSWORD, by="cli:root")
    users.add_user(city, "deputy@city.gov", "admin", by="cli:root")
    users.disable(city, "gone@city.gov", by="cli:root")
    assert refused(city, "gone@city.gov", PASSWORD, T0) == FAILED
    assert last_event(city) == ["gone@city.gov", "sign_in_failed", "gone@city.gov", "disabled"]


def test_five_failures_lock_the_account_for_fifteen_minutes_then_it_opens_again(city: Engine) -> None:
    for attempt in range(5):
        assert refused(city, "ana@city.gov", f"wrong guess number {attempt}", minutes(attempt)) == FAILED
    actions = audit.events(city)["action"].tolist()
    assert actions[:2] == ["lockout", "sign_in_failed"] and actions.count("sign_in_failed") == 5
    assert last_event(city)[3] == "5 failed sign-ins within 15 minutes; locked for 15 minutes"

    assert refused(city, "ana@city.gov", PASSWORD, minutes(10)) == FAILED, "locked: even the right password"
    assert last_event(city) == ["ana@city.gov", "sign_in_failed", "ana@city.gov", "locked until 2026-12-02 09:19 UTC"]

    token = sign_in(city, "ana@city.gov", PASSWORD, now=minutes(20))
    assert session_user(city, token, now=minutes(21)).email == "ana@city.gov"


def test_failures_spread_beyond_the_window_never_lock(city: Engine) -> None:
    for attempt in range(8):
        refused(city, "ana@city.gov", "not the password at all", minutes(attempt * 4))  # a new window every 16 min
    assert "lockout" not in audit.events(city)["action"].tolist()
    assert sign_in(city, "ana@city.gov", PASSWORD, now=minutes(40))


def test_a_session_ends_after_thirty_idle_minutes_but_use_keeps_it_open_up_to_twelve_hours(city: Engine) -> None:
    token = sign_in(city, "ana@city.gov", PASSWORD, now=T0)
    for used in range(25, 12 * 60, 25):
        assert session_user(city, token, now=minutes(used)) is not None, f"used every 25 minutes: open at {used}"
    assert session_user(city, token, now=minutes(12 * 60 + 5)) is None, "older than 12 hours"

    idle = sign_in(city, "ana@city.gov", PASSWORD, now=T0)
    assert session_user(city, idle, now=minutes(31)) is None


def test_sign_out_ends_the_session_for_every_app_process(city: Engine) -> None:
    token = sign_in(city, "ana@city.gov", PASSWORD, now=utcnow())
    other_process = make_engine(city.url.render_as_string(hide_password=False))
    try:
        assert session_user(other_process, token).email == "ana@city.gov", "another replica knows the session"
        sign_out(city, token)
        assert session_user(other_process, token) is None
        assert last_event(city) == ["ana@city.gov", "sign_out", "ana@city.gov", ""]
        sign_out(other_process, token)
        assert audit.events(city)["action"].tolist().count("sign_out") == 1
    finally:
        other_process.dispose()


def test_disabling_a_user_or_changing_their_password_ends_their_sessions(city: Engine) -> None:
    token = sign_in(city, "ana@city.gov", PASSWORD, now=utcnow())
    users.set_password(city, "ana@city.gov", "a brand new pass phrase", by="cli:root")
    assert session_user(city, token) is None
    token = sign_in(city, "ana@city.gov", "a brand new pass phrase", now=utcnow())
    users.add_user(city, "deputy@city.gov", "admin", by="cli:root")
    users.disable(city, "ana@city.gov", by="cli:root")
    assert session_user(city, token) is None


# Under load: attempts at the same moment, a write holding the database, a flood from one address.


@pytest.fixture
def wait_briefly(monkeypatch: pytest.MonkeyPatch) -> float:
    """Sign-ins wait half a second for another write (the setting), so a test of giving up is quick."""
    monkeypatch.setenv("LOUIESTAT_SIGN_IN_WAIT_SECONDS", "0.5")
    get_settings.cache_clear()
    return 0.5


@contextmanager
def user_change_in_progress(engine: Engine) -> Iterator[None]:
    """An admin's change of users that has not committed yet: it holds the write lock and every users and sessions
    row (on SQLite, the whole database), which a sign-in must wait for."""
    with write_transaction(engine, doing="user change", actor="admin") as conn:
        conn.execute(update(User).values(name=User.name))
        conn.execute(update(Session).values(ended_at=Session.ended_at))
        yield


def within(seconds: float, call: Callable[[], T]) -> T:
    """``call()``'s result (or exception), failing the test if it takes longer than ``seconds`` (the call is left
    to finish by itself, once what it waits for ends)."""
    outcome: queue.Queue[tuple[bool, object]] = queue.Queue()

    def run() -> None:
        try:
            outcome.put((True, call()))
        except Exception as exc:  # any failure is handed to the test's thread
            outcome.put((False, exc))

    threading.Thread(target=run, daemon=True).start()
    try:
        returned, value = outcome.get(timeout=seconds)
    except queue.Empty:
        pytest.fail(f"still waiting after {seconds} s")
    if not returned:
        raise value
    return value


def stored_user(engine: Engine, email: str) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(select(User.__table__).where(User.email == email)).mappings().one())


def test_a_sign_in_waits_briefly_behind_a_write_then_gives_up_having_written_nothing(
    city: Engine, wait_briefly: float
) -> None:
    token = sign_in(city, "ana@city.gov", PASSWORD)
    before = snapshot(city)
    with user_change_in_progress(city):
        for attempt in (lambda: sign_in(city, "ana@city.gov", PASSWORD), lambda: sign_out(city, token)):
            started = time.monotonic()
            with pytest.raises(LockTimeout):
                within(10, attempt)
            assert wait_briefly <= time.monotonic() - started < wait_briefly + 5
    assert snapshot(city) == before
    assert session_user(city, sign_in(city, "ana@city.gov", PASSWORD)).email == "ana@city.gov", "works once it ends"
    sign_out(city, token)
    assert session_user(city, token) is None


def test_a_page_read_during_a_write_does_not_wait_to_note_the_sessions_use(city: Engine) -> None:
    token = sign_in(city, "ana@city.gov", PASSWORD, now=T0)
    with user_change_in_progress(city):
        assert within(3, lambda: session_user(city, token, now=minutes(5))).email == "ana@city.gov"
    with city.connect() as conn:
        assert conn.execute(select(Session.last_seen_at)).scalar_one() == T0, "not noted while the write held it"
    session_user(city, token, now=minutes(6))
    with city.connect() as conn:
        assert conn.execute(select(Session.last_seen_at)).scalar_one() == minutes(6)


def test_failures_at_the_same_moment_are_all_counted_and_lock_the_account_once(city: Engine) -> None:
    def fail_together(attempts: int) -> None:
        start = threading.Barrier(attempts)

        def attempt(n: int) -> None:
            start.wait()
            with pytest.raises(SignInFailed):
                sign_in(city, "ana@city.gov", f"a wrong guess, number {n}")

        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(attempts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    fail_together(4)
    assert (stored_user(city, "ana@city.gov")["failed_sign_ins"], stored_user(city, "ana@city.gov")["locked_until"]
            ) == (4, None)
    fail_together(4)
    user = stored_user(city, "ana@city.gov")
    assert user["failed_sign_ins"] == 0 and user["locked_until"] > utcnow()
    details = audit.events(city, actions=["sign_in_failed", "lockout"])["detail"].tolist()
    assert sorted(d for d in details if d.startswith("wrong password")) == [
        f"wrong password ({n} of 5)" for n in range(1, 6)]
    assert details.count("5 failed sign-ins within 15 minutes; locked for 15 minutes") == 1
    assert len([d for d in details if d.startswith("locked until")]) == 3, "the three after the lockout"


def test_a_locked_account_takes_as_long_to_refuse_as_a_wrong_password(
    city: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOUIESTAT_SIGN_IN_MAX_FAILURES", "1000")  # the wrong passwords below never lock
    get_settings.cache_clear()
    users.add_user(city, "cy@city.gov", "viewer", password=PASSWORD, by="cli:root")
    with city.begin() as conn:
        conn.execute(update(User).where(User.email == "ana@city.gov").values(locked_until=minutes(60 * 24 * 365)))
    timings: dict[str, list[float]] = {"locked": [], "wrong": []}
    for _ in range(5):
        for which, email, password in (("locked", "ana@city.gov", PASSWORD), ("wrong", "cy@city.gov", "a wrong one")):
            started = time.perf_counter()
            refused(city, email, password, T0)
            timings[which].append(time.perf_counter() - started)
    locked, wrong = timings["locked"], timings["wrong"]
    assert min(locked) <= max(wrong) and min(wrong) <= max(locked), timings
    assert 0.5 < statistics.median(locked) / statistics.median(wrong) < 2, timings
    assert last_event(city)[3] == "wrong password (5 of 1000)"
    assert audit.events(city, actor="ana@city.gov")["detail"].tolist()[0].startswith("locked until")


def test_a_hash_made_with_other_argon2_parameters_is_replaced_when_its_user_signs_in(city: Engine) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    with city.begin() as conn:
        conn.execute(update(User).where(User.email == "ana@city.gov").values(password_hash=weak))
    assert needs_rehash(weak)

    sign_in(city, "ana@city.gov", PASSWORD, now=T0)
    upgraded = stored_user(city, "ana@city.gov")["password_hash"]
    assert upgraded != weak and not needs_rehash(upgraded) and verify_password(upgraded, PASSWORD)
    assert last_event(city) == ["ana@city.gov", "sign_in", "ana@city.gov",
                                "password hash upgraded to the current Argon2 parameters"]

    sign_in(city, "ana@city.gov", PASSWORD, now=minutes(1))
    assert stored_user(city, "ana@city.gov")["password_hash"] == upgraded, "a current hash is kept"
    assert last_event(city)[3] == ""


def test_sign_in_posts_are_limited_per_address_and_minute_and_every_one_is_counted(city: Engine) -> None:
    start = threading.Barrier(30)

    def post(_: int) -> int | None:
        start.wait()
        return count_sign_in_post(city, "203.0.113.7", now=T0)

    with concurrent.futures.ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(pool.map(post, range(30)))
    assert answers.count(None) == 20, "the default: 20 a minute"
    assert set(answers) - {None} == {60}, "retry when the next minute starts"
    assert count_sign_in_post(city, "2001:db8::1", now=T0 + dt.timedelta(seconds=45)) is None, "another address"
    assert count_sign_in_post(city, "203.0.113.7", now=T0 + dt.timedelta(seconds=45)) == 15
    assert count_sign_in_post(city, "203.0.113.7", now=minutes(1)) is None, "a new minute"
    with city.connect() as conn:
        rows = conn.execute(select(SignInPosts.address, SignInPosts.posts)).all()
    assert rows == [("203.0.113.7", 1)], "only the current minute is kept"


def test_a_bad_proxy_or_framing_setting_names_the_entry_and_what_is_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOUIESTAT_TRUSTED_PROXIES", "10.0.0.5, proxy.city.example")
    with pytest.raises(ValidationError, match=r"LOUIESTAT_TRUSTED_PROXIES: 'proxy\.city\.example' is not an IP "
                       r"address or network; give addresses or networks in CIDR form separated by commas"):
        Settings()
    monkeypatch.setenv("LOUIESTAT_TRUSTED_PROXIES", "10.0.0.5, 192.168.0.0/16, ::1")
    assert [str(network) for network in Settings().trusted_networks] == ["10.0.0.5/32", "192.168.0.0/16", "::1/128"]

    monkeypatch.setenv("LOUIESTAT_FRAME_ANCESTORS", "https://portal.city.example https://portal.city.example/page")
    with pytest.raises(ValidationError, match=r"LOUIESTAT_FRAME_ANCESTORS: 'https://portal\.city\.example/page' is "
                       r"not an origin; .* such as https://portal\.city\.example"):
        Settings()


def test_production_hashes_passwords_with_argon2s_own_defaults_and_tests_cheaply(monkeypatch) -> None:
    from louiestat.access.passwords import hash_password
    from louiestat.config import Settings

    assert PasswordHasher().check_needs_rehash(hash_password("a long enough pass phrase")), "tests hash cheaply"
    for name in ("TIME_COST", "MEMORY_KIB", "PARALLELISM"):
        monkeypatch.delenv(f"LOUIESTAT_PASSWORD_{name}")
    settings = Settings()
    defaults = PasswordHasher()
    assert (settings.password_time_cost, settings.password_memory_kib, settings.password_parallelism) == (
        defaults.time_cost, defaults.memory_cost, defaults.parallelism)
