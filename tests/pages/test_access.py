"""Who sees which pages, signed in through the identity provider (faked at ``st.user``) or the built-in sign-in
(the session cookie), and what a page lets each role do: the write service refuses the rest."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from louiestat.access import audit, sessions, users
from louiestat.config import get_settings
from louiestat.db.engine import make_engine
from louiestat.sample_city import add_accounts, load_files
from louiestat.ui import access
from tests.conftest import _empty_postgres, shown, snapshot
from tests.pages.conftest import ADMIN, ANALYST, VIEWER

PAGES = "/louiestat/pages/"
EMS = b"department,kpi,period,value\nems,response_time,2016-06,12.5\n"
MIXED = b"department,kpi,period,value\nems,response_time,2016-06,12.5\nhr,overtime_hours,2016-06,120\n"


def reachable(at) -> set[str]:
    """The pages the menu offers this run (AppTest lists them when asked for a file that is not one of them), not
    counting the stand-ins at the other pages' addresses (functions, not files)."""
    with pytest.raises(ValueError, match="Known pages") as refused:
        at.switch_page("louiestat/ui/widgets.py")
    listed = str(refused.value).split("Known pages: ")[1]
    return {name.split(PAGES)[1].removesuffix(".py") for name in listed.strip("[].'").split("', '") if PAGES in name}


READS = {"overview", "scorecard", "kpi"}


@pytest.mark.parametrize(("user", "pages"), [
    (ADMIN, READS | {"upload", "manage", "meetings", "followups", "presenter", "follower", "user_admin", "audit_log",
             "account"}),
    (ANALYST, READS | {"upload", "meetings", "followups", "follower", "account"}),
    (VIEWER, READS | {"followups", "follower", "account"}),
])
def test_each_role_is_offered_only_the_pages_it_may_use(open_page, user: str, pages: set[str]) -> None:
    assert reachable(open_page(user=user)) == pages


def test_a_visitor_sees_only_the_sign_in_page_unless_the_city_publishes(open_page, monkeypatch) -> None:
    at = open_page(user=None)
    assert reachable(at) == {"sign_in"}
    assert at.title[0].value == "Sign in"

    monkeypatch.setenv("LOUIESTAT_PUBLIC_MODE", "1")
    get_settings.cache_clear()
    at = open_page(user=None)
    assert reachable(at) == READS | {"sign_in"}
    assert at.title[0].value == "City overview"


def test_an_identity_provider_email_without_an_account_is_told_so_and_reads_nothing(open_page, city_engine) -> None:
    at = open_page(user="stranger@city.example")
    assert reachable(at) == {"sign_in"}
    assert "stranger@city.example has no active account" in shown(at.warning[0].value)

    users.disable(city_engine, VIEWER, by="cli:root")
    assert reachable(open_page(user=VIEWER)) == {"sign_in"}


def test_the_built_in_sign_in_cookie_signs_in_until_the_session_ends(
    open_page, city_engine: Engine, monkeypatch
) -> None:
    token = sessions.sign_in(city_engine, ANALYST, "sample-analyst-password")
    monkeypatch.setattr(access, "session_token", lambda: token)
    at = open_page(user=None)
    assert reachable(at) == READS | {"upload", "meetings", "followups", "follower", "account"}
    at.switch_page("louiestat/pages/account.py").run()
    assert "Signed in as **analyst@city.example**" in shown(at.markdown[0].value)
    assert "data of Emergency Medical Services and Louisville Fire" in shown(at.markdown[0].value)

    sessions.sign_out(city_engine, token)
    assert reachable(open_page(user=None)) == {"sign_in"}
    assert [e for e in audit.events(city_engine)["action"]][:2] == ["sign_out", "sign_in"]


def test_an_idle_session_no_longer_signs_in(open_page, city_engine: Engine, monkeypatch) -> None:
    long_ago = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=31)
    token = sessions.sign_in(city_engine, ANALYST, "sample-analyst-password", now=long_ago)
    monkeypatch.setattr(access, "session_token", lambda: token)
    assert reachable(open_page(user=None)) == {"sign_in"}


def test_an_analyst_uploads_their_departments_file_and_not_a_mixed_one(open_page, city_engine: Engine) -> None:
    at = open_page("upload", user=ANALYST)
    at.file_uploader[0].upload("mixed.csv", MIXED, "text/csv").run()
    before = snapshot(city_engine)
    assert "was rejected and nothing was written" in shown(at.error[0].value)
    errors = at.dataframe[1].value
    assert errors["line"].tolist() == ["3"] and errors["column"].tolist() == ["department"]
    assert ("analyst@city.example may not change this department's data (they may change Emergency Medical "
            "Services and Louisville Fire only)") in errors["message"].iloc[0]
    assert not [b for b in at.button if b.label.startswith("Commit")]
    assert snapshot(city_engine) == before

    at = open_page("upload", user=ANALYST)
    at.file_uploader[0].upload("ems.csv", EMS, "text/csv").run()
    next(b for b in at.button if b.label == "Commit ems.csv").click().run()
    assert "ems.csv committed as batch 5" in shown(at.success[0].value)
    assert audit.events(city_engine, actions=["write"]).iloc[0][["actor", "via"]].tolist() == [ANALYST, "page"]


def test_a_page_left_open_after_a_role_change_cannot_write(open_page, city_engine: Engine) -> None:
    at = open_page("upload", user=ANALYST)
    users.revoke(city_engine, ANALYST, "ems", by="cli:root")
    at.file_uploader[0].upload("ems.csv", EMS, "text/csv").run()
    assert ("may not change this department's data (they may change Louisville Fire only)"
            in at.dataframe[1].value["message"].iloc[0])


def test_an_analyst_is_offered_no_other_departments_batch_and_a_revoke_withdraws_the_offer(
    open_page, city_engine: Engine
) -> None:
    at = open_page("upload", user=ANALYST)
    assert "Undo a batch" not in [s.label for s in at.selectbox], "each sample batch touches other departments"
    at.file_uploader[0].upload("ems.csv", EMS, "text/csv").run()
    next(b for b in at.button if b.label == "Commit ems.csv").click().run()
    at = open_page("upload", user=ANALYST)
    assert next(s for s in at.selectbox if s.label == "Undo a batch").options == ["Batch 5: ems.csv"]
    at.button(key="undo_button").click().run()

    users.revoke(city_engine, ANALYST, "ems", by="cli:root")
    before = snapshot(city_engine)
    at.button(key="undo_confirm").click().run()
    assert "Undo a batch" not in [s.label for s in at.selectbox] and not at.success
    assert snapshot(city_engine) == before


def test_an_analyst_undoes_their_own_departments_batch_from_the_page(open_page, city_engine: Engine) -> None:
    at = open_page("upload", user=ANALYST)
    at.file_uploader[0].upload("ems.csv", EMS, "text/csv").run()
    next(b for b in at.button if b.label == "Commit ems.csv").click().run()
    at = open_page("upload", user=ANALYST)
    at.button(key="undo_button").click().run()
    at.button(key="undo_confirm").click().run()
    assert shown(at.success[0].value) == "Undid batch 5 (the undo is batch 6): restored 1 value it changed."


@pytest.mark.postgres
def test_on_postgresql_the_pages_refuse_an_analysts_mixed_file_and_offer_no_foreign_undo(
    open_page_on, postgres_url: str
) -> None:
    engine = make_engine(postgres_url)
    _empty_postgres(engine)
    assert load_files(engine, "sample")[-1].status == "committed"
    add_accounts(engine, "sample")
    before = snapshot(engine)
    open_page = open_page_on(postgres_url)

    at = open_page("upload", user=ANALYST)
    at.file_uploader[0].upload("mixed.csv", MIXED, "text/csv").run()
    assert at.dataframe[1].value["line"].tolist() == ["3"]
    assert not [b for b in at.button if b.label.startswith("Commit")]
    assert "Undo a batch" not in [s.label for s in at.selectbox], "no sample batch is the analyst's to undo"
    assert snapshot(engine) == before

    at = open_page("upload", user=ANALYST)
    at.file_uploader[0].upload("ems.csv", EMS, "text/csv").run()
    next(b for b in at.button if b.label == "Commit ems.csv").click().run()
    assert "ems.csv committed as batch 5" in shown(at.success[0].value)
    engine.dispose()
