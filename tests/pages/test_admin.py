"""The admin pages: users added, granted, given passwords and disabled through the page, each audited; the audit
log filtered and downloaded."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from louiestat.access import audit, users
from louiestat.access.sessions import sign_in
from tests.conftest import shown
from tests.pages.conftest import ADMIN, ANALYST

NEW = "nora@city.example"


def test_an_admin_adds_an_analyst_grants_a_department_and_disables_them(open_page, city_engine: Engine) -> None:
    at = open_page("user_admin")
    assert at.dataframe[0].value["email"].tolist() == [ADMIN, ANALYST, "viewer@city.example"]
    at.text_input[0].input(NEW)
    at.text_input[1].input("Nora Diaz")
    at.get("segmented_control")[0].set_value("analyst")
    at.multiselect[0].set_value(["hr"])
    at.text_input[2].input("nora's long pass phrase")
    at.button(key="FormSubmitter:add_user-Add user").click().run()
    assert f"{NEW} added." in shown(at.success[0].value)
    record = next(u for u in users.list_users(city_engine) if u.email == NEW)
    assert (record.role, record.departments, record.name) == ("analyst", ["hr"], "Nora Diaz")
    assert sign_in(city_engine, NEW, "nora's long pass phrase")

    at.selectbox(key="change_user").set_value(NEW).run()
    at.selectbox(key="grant_department").set_value("parks").run()
    next(b for b in at.button if b.label == "Grant").click().run()
    assert next(u for u in users.list_users(city_engine) if u.email == NEW).departments == ["hr", "parks"]
    at.selectbox(key="change_user").set_value(NEW).run()
    next(b for b in at.button if b.label == "Disable this user").click().run()
    assert next(u for u in users.list_users(city_engine) if u.email == NEW).disabled
    logged = audit.events(city_engine, actor=ADMIN)[["via", "action", "subject"]].values.tolist()
    assert logged[:3] == [["page", "user_disabled", NEW], ["page", "granted", NEW], ["page", "user_added", NEW]]


def test_a_refused_change_is_said_in_words_and_writes_nothing(open_page, city_engine: Engine) -> None:
    at = open_page("user_admin")
    at.text_input[0].input(ANALYST)
    at.button(key="FormSubmitter:add_user-Add user").click().run()
    assert shown(at.error[0].value) == "a user analyst@city.example already exists; change them under “Change a user”"
    assert len(users.list_users(city_engine)) == 3


def test_the_users_page_names_departments_and_tells_what_to_do_on_the_page(open_page, city_engine: Engine) -> None:
    at = open_page("user_admin")
    table = at.dataframe[0].value.set_index("email")
    assert table.at[ANALYST, "departments"] == "Emergency Medical Services and Louisville Fire"
    at.text_input[0].input(NEW)
    at.get("segmented_control")[0].set_value("analyst")
    at.button(key="FormSubmitter:add_user-Add user").click().run()
    refusal = shown(at.error[0].value)
    assert refusal == (f"an analyst needs at least one department they may change: choose the departments {NEW} "
                       "may change")
    assert len(users.list_users(city_engine)) == 3

    at.selectbox(key="change_user").set_value(ANALYST).run()
    at.selectbox(key="grant_department").set_value("animal_services").run()
    next(b for b in at.button if b.label == "Grant").click().run()
    assert shown(at.success[0].value) == f"{ANALYST} may now change Metro Animal Services."
    assert at.dataframe[0].value.set_index("email").at[ANALYST, "departments"] == (
        "Emergency Medical Services, Louisville Fire and Metro Animal Services")


def test_the_audit_log_filters_by_who_and_what(open_page, city_engine: Engine) -> None:
    users.grant(city_engine, ANALYST, "hr", by="cli:root")
    everything = open_page("audit_log").dataframe[0].value
    assert len(everything) == len(audit.events(city_engine)) > 1
    at = open_page("audit_log", who="cli:root", action="granted")
    table = at.dataframe[0].value
    assert table[["actor", "via", "action", "subject"]].values.tolist() == [
        ["cli:root", "command line", "department granted", ANALYST]]
    assert at.caption[1].value == "1 event"


def test_audit_events_filter_in_the_database(city_engine: Engine) -> None:
    users.grant(city_engine, ANALYST, "hr", by="cli:root")
    sign_in(city_engine, ANALYST, "sample-analyst-password")
    assert audit.events(city_engine, actor="CLI:R", actions=["granted"])["detail"].tolist() == ["department hr"]
    assert audit.events(city_engine, via="page")["action"].tolist() == ["sign_in"]
    today = pd.Timestamp.now(tz="UTC").date()
    assert len(audit.events(city_engine, since=today, until=today)) == len(audit.events(city_engine))
    assert audit.events(city_engine, until=today - pd.Timedelta(days=1)).empty
