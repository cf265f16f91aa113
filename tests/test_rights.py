"""Who may do what, enforced where the data is written: every role and action, through the library and the
command line's ``--as``, each refusal leaving every table exactly as it was."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from louiestat.access import audit, users
from louiestat.access.principal import Principal
from louiestat.access.users import signed_in
from louiestat.cli import main
from louiestat.db.models import Batch
from louiestat.errors import UserRefused, WriteRefused
from louiestat.ingest import ingest
from louiestat.reading import queries
from louiestat.writing import service
from louiestat.writing.batches import list_batches, undo_batch
from louiestat.writing.edits import save_process_changes, save_targets
from tests.conftest import DEFINITIONS, snapshot

EMS = "department,kpi,period,value\nems,response_time,2016-05,8.8\nems,response_time,2016-06,8.6\n"
HR = "department,kpi,period,value\nhr,overtime_hours,2016-06,120\n"
MIXED = (
    "department,kpi,period,value\n"
    "ems,response_time,2016-06,8.6\n"
    "hr,overtime_hours,2016-06,120\n"
    "Human Resources,sick_leave_hours,2016-06,7\n"
)


@pytest.fixture
def city(engine: Engine) -> Engine:
    assert ingest(engine, DEFINITIONS.encode(), name="definitions.csv").status == "committed"
    for email, role, departments in (("boss@city.gov", "admin", []), ("ana@city.gov", "analyst", ["ems"]),
                                     ("val@city.gov", "viewer", [])):
        users.add_user(engine, email, role, departments=departments, by="cli:root")
    return engine


def as_(engine: Engine, email: str) -> Principal:
    return signed_in(engine, email)


def kpi_id(engine: Engine, key: str) -> int:
    kpis = queries.kpis(engine)
    return int(kpis.loc[kpis["kpi"] == key, "kpi_id"].iloc[0])


@pytest.mark.parametrize(("email", "allowed"), [("boss@city.gov", True), ("ana@city.gov", True),
                                                ("val@city.gov", False)])
def test_uploading_a_department_file_by_role(city: Engine, email: str, allowed: bool) -> None:
    before = snapshot(city)
    result = ingest(city, EMS.encode(), name="ems.csv", actor=as_(city, email))
    if allowed:
        assert (result.status, result.new) == ("committed", 2)
        assert list_batches(city).iloc[0]["actor"] == email
    else:
        assert result.status == "rejected" and snapshot(city) == before
        assert [(p.line, p.column, p.value) for p in result.errors] == [(2, "department", "ems"), (3, "department", "ems")]
        assert result.errors[0].message == "val@city.gov may not change this department's data (they may change nothing)"


def test_an_analysts_mixed_file_is_refused_listing_every_foreign_row_and_writes_nothing(city: Engine) -> None:
    before = snapshot(city)
    result = ingest(city, MIXED.encode(), name="mixed.csv", actor=as_(city, "ana@city.gov"))
    assert result.status == "rejected"
    assert [(p.line, p.value, p.message) for p in result.errors] == [
        (3, "hr", "ana@city.gov may not change this department's data (they may change Emergency Medical Services "
                  "only)"),
        (4, "hr", "ana@city.gov may not change this department's data (they may change Emergency Medical Services "
                  "only)"),
    ]
    assert snapshot(city) == before
    assert ingest(city, MIXED.encode(), name="mixed.csv", actor=as_(city, "boss@city.gov")).status == "committed"


def test_an_analyst_may_not_set_targets_in_a_values_file_but_may_repeat_the_one_in_force(city: Engine) -> None:
    setting = "department,kpi,period,value,target\nems,response_time,2016-05,8.8,\nems,response_time,2016-06,8.6,8.0\n"
    before = snapshot(city)
    result = ingest(city, setting.encode(), name="ems.csv", actor=as_(city, "ana@city.gov"))
    assert result.status == "rejected" and snapshot(city) == before
    assert [(p.line, p.column, p.value, p.message) for p in result.errors] == [
        (3, "target", "8", "ana@city.gov is an analyst, and targets are changed by admins only (the performance "
                              "office); leave the target blank or as it stands")
    ]
    repeating = setting.replace("8.6,8.0", "8.6,9")
    assert ingest(city, repeating.encode(), name="ems.csv", actor=as_(city, "ana@city.gov")).status == "committed"


def test_definitions_are_for_admins(city: Engine) -> None:
    renamed = DEFINITIONS.replace("Response time", "Response time (all calls)")
    before = snapshot(city)
    result = ingest(city, renamed.encode(), name="definitions.csv", actor=as_(city, "ana@city.gov"))
    assert result.status == "rejected" and snapshot(city) == before
    assert [p.message for p in result.errors] == [
        "ana@city.gov is an analyst, and KPI definitions are changed by admins only (the performance office); "
        "nothing was written"
    ]
    assert ingest(city, renamed.encode(), name="definitions.csv", actor=as_(city, "boss@city.gov")).status == "committed"


def test_an_analyst_undoes_their_departments_batches_and_no_one_elses(city: Engine) -> None:
    hr_batch = ingest(city, HR.encode(), name="hr.csv", actor=as_(city, "boss@city.gov")).batch_id
    ems_batch = ingest(city, EMS.encode(), name="ems.csv", actor=as_(city, "ana@city.gov")).batch_id
    before = snapshot(city)
    with pytest.raises(WriteRefused, match=rf"ana@city.gov may not change batch {hr_batch}, which changed data of "
                                           r"Human Resources \(they may change Emergency Medical Services only\); "
                                           r"nothing was written"):
        undo_batch(city, hr_batch, actor=as_(city, "ana@city.gov"))
    with pytest.raises(WriteRefused, match="val@city.gov may not change"):
        undo_batch(city, ems_batch, actor=as_(city, "val@city.gov"))
    with pytest.raises(WriteRefused, match="ana@city.gov is an analyst, and KPI definitions are changed by admins"):
        undo_batch(city, 1, actor=as_(city, "ana@city.gov"))
    assert snapshot(city) == before
    assert undo_batch(city, ems_batch, actor=as_(city, "ana@city.gov")).rows == {"observations": 2}
    assert undo_batch(city, hr_batch, actor=as_(city, "boss@city.gov")).rows == {"observations": 1}


def test_targets_are_for_admins_and_process_changes_for_the_departments_analysts(city: Engine) -> None:
    response_time, overtime = kpi_id(city, "response_time"), kpi_id(city, "overtime_hours")
    targets = pd.DataFrame({"effective_from": ["2016-01"], "target": [8.0]})
    changes = pd.DataFrame({"period": ["2016-03"], "reason": ["New dispatch system"]})
    before = snapshot(city)
    with pytest.raises(WriteRefused, match="ana@city.gov is an analyst, and targets are changed by admins only"):
        save_targets(city, response_time, targets, actor=as_(city, "ana@city.gov"))
    with pytest.raises(WriteRefused, match="ana@city.gov may not change process changes of Human Resources"):
        save_process_changes(city, overtime, changes, actor=as_(city, "ana@city.gov"))
    assert snapshot(city) == before
    assert save_process_changes(city, response_time, changes, actor=as_(city, "ana@city.gov")).new == 1
    assert save_targets(city, response_time, targets, actor=as_(city, "boss@city.gov")).new == 1


def test_unknown_or_disabled_users_act_as_no_one(city: Engine) -> None:
    with pytest.raises(UserRefused, match="there is no user nobody@city.gov"):
        signed_in(city, "nobody@city.gov")
    users.disable(city, "val@city.gov", by="cli:root")
    with pytest.raises(UserRefused, match="val@city.gov is disabled"):
        signed_in(city, "val@city.gov")


def test_the_cli_acts_with_the_rights_of_the_user_named_by_as(city: Engine, tmp_path, capsys) -> None:
    mixed = tmp_path / "mixed.csv"
    mixed.write_text(MIXED)
    before = snapshot(city)
    assert main(["--as", "ana@city.gov", "ingest", str(mixed)]) == 1
    out = capsys.readouterr().out
    assert "mixed.csv was rejected and nothing was written: 2 errors in 2 of 3 rows." in out
    assert "line 3, column 'department': ana@city.gov may not change this department's data" in out
    assert snapshot(city) == before

    assert main(["--as", "nobody@city.gov", "undo", "1"]) == 1
    assert "error: there is no user nobody@city.gov" in capsys.readouterr().err
    assert main(["--as", "ana@city.gov", "undo", "1"]) == 1
    assert "KPI definitions are changed by admins only" in capsys.readouterr().err
    assert main(["--as", "ana@city.gov", "users", "add", "x@city.gov", "--role", "viewer"]) == 1
    assert "users and their rights are changed by admins only" in capsys.readouterr().err
    assert snapshot(city) == before

    ems = tmp_path / "ems.csv"
    ems.write_text(EMS)
    assert main(["--as", "ana@city.gov", "ingest", str(ems)]) == 0
    assert main(["--as", "boss@city.gov", "users", "add", "x@city.gov", "--role", "viewer"]) == 0
    assert "x@city.gov: viewer, active — added" in capsys.readouterr().out


def test_every_write_is_audited_with_who_and_from_where_and_batches_carry_the_user_row(city: Engine) -> None:
    ana = as_(city, "ana@city.gov")
    batch_id = ingest(city, EMS.encode(), name="ems.csv", actor=ana).batch_id
    ingest(city, HR.encode(), name="hr.csv", actor=Principal(label="maria", via="page"))
    with city.connect() as conn:
        owners = dict(conn.execute(select(Batch.id, Batch.user_id)).all())
    assert owners[batch_id] == ana.user_id is not None
    assert owners[batch_id + 1] is None, "the local administrator has no user row"
    writes = audit.events(city).query("action == 'write'")[["actor", "via", "subject", "detail"]].values.tolist()
    assert writes[:2] == [
        ["maria", "page", f"batch {batch_id + 1}", "values: hr.csv"],
        ["ana@city.gov", "cli", f"batch {batch_id}", "values: ems.csv"],
    ]


@pytest.mark.parametrize("email", ["ana@city.gov", "val@city.gov"])
def test_only_admins_change_users_even_through_the_library(city: Engine, email: str) -> None:
    before = snapshot(city)
    with pytest.raises(WriteRefused, match="users and their rights are changed by admins only"):
        users.add_user(city, "eve@city.gov", "admin", by=as_(city, email))
    with pytest.raises(WriteRefused):
        users.grant(city, "ana@city.gov", "hr", by=as_(city, email))
    with pytest.raises(WriteRefused):
        users.set_password(city, "boss@city.gov", "a password someone else chose", by=as_(city, email))
    assert snapshot(city) == before
    assert users.grant(city, "ana@city.gov", "hr", by=as_(city, "boss@city.gov")).departments == ["ems", "hr"]


NAMES = {"hr": "Human Resources", "ems": "Emergency Medical Services"}


@pytest.mark.parametrize(("email", "department", "allowed"), [
    ("boss@city.gov", "hr", True), ("ana@city.gov", "ems", True), ("ana@city.gov", "hr", False),
    ("val@city.gov", "ems", False),
])
def test_the_write_service_checks_every_department_before_it_writes(
    city: Engine, email: str, department: str, allowed: bool
) -> None:
    written: list[int] = []
    change = service.Change(kind="note", source="a test change", departments=[department])
    before = snapshot(city)
    by = as_(city, email)

    def write() -> int:
        with service.transaction(city, by, doing="note") as conn:
            return service.record(conn, by, change, lambda conn, batch: written.append(batch) or {})

    if allowed:
        batch_id = write()
        assert written == [batch_id] and list_batches(city).iloc[0]["actor"] == email
    else:
        with pytest.raises(WriteRefused, match=f"may not change the data of {NAMES[department]} "):
            write()
        assert written == [] and snapshot(city) == before
