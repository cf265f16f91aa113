"""Users, roles and grants, through the library and ``python -m louiestat users``: each change recorded in the
audit log, each refusal says why and changes nothing, passwords stored only as Argon2id hashes."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import Engine, select

from louiestat.access import audit, users
from louiestat.access.passwords import verify_password
from louiestat.cli import main
from louiestat.db.models import Batch, User
from louiestat.errors import UnknownDepartment, UserRefused
from louiestat.ingest import ingest
from tests.conftest import DEFINITIONS, snapshot

PASSWORD = "correct horse battery staple"


@pytest.fixture
def city(engine: Engine) -> Engine:
    assert ingest(engine, DEFINITIONS.encode(), name="definitions.csv").status == "committed"
    return engine


def user_events(engine: Engine):
    """The audit log without the writes of data (the fixture's definitions upload)."""
    return audit.events(engine).query("action != 'write'")


def stored_hash(engine: Engine, email: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(select(User.password_hash).where(User.email == email)).scalar_one()


def test_an_analyst_is_added_with_departments_a_hashed_password_and_an_audit_event(city: Engine) -> None:
    record = users.add_user(city, " Ana@City.GOV ", "analyst", departments=["hr", "ems"], name="Ana López",
                            password=PASSWORD, by="cli:root")
    assert (record.email, record.role, record.departments, record.disabled, record.has_password) == (
        "ana@city.gov", "analyst", ["ems", "hr"], False, True)
    password_hash = stored_hash(city, "ana@city.gov")
    assert password_hash.startswith("$argon2id$") and PASSWORD not in password_hash
    assert verify_password(password_hash, PASSWORD) and not verify_password(password_hash, PASSWORD + "!")
    events = user_events(city)
    assert events[["actor", "via", "action", "subject", "detail"]].values.tolist() == [
        ["cli:root", "cli", "user_added", "ana@city.gov", "role analyst; departments ems, hr; with a password"]
    ]


@pytest.mark.parametrize(
    ("email", "role", "departments", "password", "message", "refusal"),
    [
        ("not-an-email", "viewer", [], None, "'not-an-email' is not an email address", UserRefused),
        ("v@city.gov", "viewer", ["ems"], None, "departments are granted to heads and analysts only (a viewer only reads)", UserRefused),
        ("a@city.gov", "admin", ["ems"], None, "departments are granted to heads and analysts only (an admin may change every", UserRefused),
        ("n@city.gov", "analyst", [], None, "an analyst needs at least one department they may change: add "
                                            "--department SLUG for n@city.gov", UserRefused),
        ("n@city.gov", "analyst", ["ems", "nope"], None, "no department 'nope'; known: ems, hr", UnknownDepartment),
        ("p@city.gov", "viewer", [], "too short", "a password needs at least 15 characters", UserRefused),
        ("r@city.gov", "mayor", [], None, "'mayor' is not a role; roles are admin, head, analyst, viewer", UserRefused),
    ],
)
def test_a_refused_user_change_says_why_and_writes_nothing(
    city: Engine, email: str, role: str, departments: list[str], password: str | None, message: str,
    refusal: type[Exception],
) -> None:
    before = snapshot(city)
    with pytest.raises(refusal, match=message.replace("(", r"\(").replace(")", r"\)")):
        users.add_user(city, email, role, departments=departments, password=password, by="cli:root")
    assert snapshot(city) == before


def test_an_email_is_taken_once_whatever_its_case(city: Engine) -> None:
    users.add_user(city, "ana@city.gov", "viewer", by="cli:root")
    before = snapshot(city)
    with pytest.raises(UserRefused, match="a user ana@city.gov already exists"):
        users.add_user(city, "ANA@city.gov", "admin", by="cli:root")
    assert snapshot(city) == before


def test_grants_and_revokes_change_an_analysts_departments_and_are_audited(city: Engine) -> None:
    users.add_user(city, "ana@city.gov", "analyst", departments=["ems"], by="cli:root")
    assert users.grant(city, "ana@city.gov", "hr", by="cli:root").departments == ["ems", "hr"]
    assert users.grant(city, "ana@city.gov", "hr", by="cli:root").departments == ["ems", "hr"]
    assert users.revoke(city, "ana@city.gov", "ems", by="cli:root").departments == ["hr"]
    actions = user_events(city)[["action", "detail"]].values.tolist()
    assert actions == [["revoked", "department ems"], ["granted", "department hr"],
                       ["user_added", "role analyst; departments ems; without a password"]], "a repeated grant is no event"


def test_the_last_active_admin_cannot_be_disabled_but_another_can(city: Engine) -> None:
    users.add_user(city, "boss@city.gov", "admin", by="cli:root")
    with pytest.raises(UserRefused, match="boss@city.gov is the last active admin"):
        users.disable(city, "boss@city.gov", by="cli:root")
    users.add_user(city, "deputy@city.gov", "admin", by="cli:root")
    assert users.disable(city, "boss@city.gov", by="cli:root").disabled
    with pytest.raises(UserRefused, match="deputy@city.gov is the last active admin"):
        users.disable(city, "deputy@city.gov", by="cli:root")


def test_a_new_password_replaces_the_old_one(city: Engine) -> None:
    users.add_user(city, "ana@city.gov", "viewer", password=PASSWORD, by="cli:root")
    users.set_password(city, "ana@city.gov", "a completely different passphrase", by="cli:root")
    password_hash = stored_hash(city, "ana@city.gov")
    assert verify_password(password_hash, "a completely different passphrase")
    assert not verify_password(password_hash, PASSWORD)
    with pytest.raises(UserRefused, match="there is no user bob@city.gov"):
        users.set_password(city, "bob@city.gov", PASSWORD, by="cli:root")


def test_the_users_commands_from_the_cli(city: Engine, capsys: pytest.CaptureFixture, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["--user", "maria", "users", "add", "ana@city.gov", "--role", "analyst", "--department", "ems",
                 "--name", "Ana López", "--password-stdin"]) == 0
    assert capsys.readouterr().out == "ana@city.gov: analyst (ems), active — added\n"
    assert verify_password(stored_hash(city, "ana@city.gov"), PASSWORD), "the line end is not part of the password"

    assert main(["users", "grant", "ana@city.gov", "--department", "hr"]) == 0
    assert capsys.readouterr().out == "ana@city.gov: analyst (ems, hr), active — may change hr\n"
    assert main(["users", "revoke", "ana@city.gov", "--department", "ems"]) == 0
    assert capsys.readouterr().out == "ana@city.gov: analyst (hr), active — may no longer change ems\n"

    before = snapshot(city)
    assert main(["users", "grant", "ana@city.gov", "--department", "nope"]) == 1
    assert capsys.readouterr().err == "error: no department 'nope'; known: ems, hr\n"
    assert snapshot(city) == before

    assert main(["users", "list", "--json"]) == 0
    (listed,) = json.loads(capsys.readouterr().out)
    assert {k: listed[k] for k in ("email", "name", "role", "departments", "disabled", "has_password")} == {
        "email": "ana@city.gov", "name": "Ana López", "role": "analyst", "departments": ["hr"], "disabled": False,
        "has_password": True}
    assert user_events(city)["actor"].tolist() == ["tester", "tester", "maria"], "--user, else the login"


def test_every_command_records_the_user_under_one_name(city: Engine, tmp_path, capsys) -> None:
    values = tmp_path / "values.csv"
    values.write_text("department,kpi,period,value\nems,response_time,2016-06,8.5\n")
    assert main(["--user", "alice", "ingest", str(values)]) == 0
    assert main(["--user", "alice", "users", "add", "ana@city.gov", "--role", "viewer"]) == 0
    events = audit.events(city).head(2)
    assert events[["actor", "via", "action"]].values.tolist() == [
        ["alice", "cli", "user_added"], ["alice", "cli", "write"]]
    with city.connect() as conn:
        assert conn.execute(select(Batch.actor).order_by(Batch.id.desc())).scalars().first() == "alice"


def test_users_list_on_an_empty_database_says_how_to_add_the_first_admin(city: Engine, capsys) -> None:
    assert main(["users", "list"]) == 0
    assert "add the first admin with `python -m louiestat users add EMAIL --role admin" in capsys.readouterr().out


def test_an_unknown_role_is_a_usage_error(city: Engine, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["users", "add", "ana@city.gov", "--role", "mayor"])
    assert exit_.value.code == 2
    assert "invalid choice: 'mayor'" in capsys.readouterr().err
