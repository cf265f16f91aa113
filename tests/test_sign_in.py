"""The built-in sign-in: one message for every refusal, a lockout per account after repeated failures (OWASP),
sessions kept server-side as hashed tokens that end on sign-out, idleness, age, a disabled user or a new
password, shared by every app process that uses the database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select

from louiestat import audit, users
from louiestat.db.engine import make_engine
from louiestat.db.models import Session, utcnow
from louiestat.errors import SignInFailed
from louiestat.ingest import ingest
from louiestat.sign_in import FAILED, session_user, sign_in, sign_out
from tests.conftest import DEFINITIONS

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
