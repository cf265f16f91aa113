"""``remind`` on SQLite and PostgreSQL against a real SMTP server on the loopback: each owner hears once about their
late KPIs (with due dates and the entry page's address), ``--again`` sends once more, an owner with everything
reported hears nothing, a dry run records and sends nothing, a missing or broken mail setting exits 3 having
recorded nothing, a sender killed between recording and sending is made good by the next run, and the password of
the mail server is in no output."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from louiestat.access.users import add_user
from louiestat.cli import main
from louiestat.config import get_settings
from louiestat.db.models import AuditEvent, OutboxMessage, ReminderRow
from louiestat.ingest import ingest
from louiestat.mail import parse_smtp_url
from louiestat.reminders import remind
from tests.conftest import ROOT, snapshot
from tests.mail_server import Mailbox, free_port, serving_mail

DEFINITIONS = """department,department_name,kpi,kpi_name,unit,direction,target,owner_email,due_day,source
ems,Emergency Medical Services,response_time,Response time,minutes,lower_is_better,9,ana@city.example,,
ems,Emergency Medical Services,calls_answered_pct,Calls answered within 90 seconds,percent,higher_is_better,90,ana@city.example,10,
fire,Louisville Fire,inspections,Inspections completed,count,higher_is_better,100,ben@city.example,,
fire,Louisville Fire,travel_time_pct,Travel time within 4 minutes,percent,higher_is_better,90,cy@city.example,,
fire,Louisville Fire,hydrants_tested,Hydrants tested,count,higher_is_better,50,ana@city.example,,
hr,Human Resources,time_to_fill,Time to fill vacancies,days,lower_is_better,60,ana@city.example,,hiring
hr,Human Resources,overtime_hours,Unscheduled overtime hours,hours,lower_is_better,100,,,
"""
VALUES = """department,kpi,period,value
ems,response_time,2016-06,8.6
fire,travel_time_pct,2016-06,88
fire,inspections,2016-05,97
"""
BASE_URL = "https://stat.city.example/"
SENDER = "louiestat@city.example"
SECRET = "correct-horse-battery"


@pytest.fixture
def owners(engine: Engine) -> Engine:
    """Three owners: Ana (EMS calls answered, due the 10th, and Fire hydrants, late; EMS response time reported),
    Ben (Fire inspections, late) and Cy (Fire travel time, reported); HR's KPIs are derived or have no owner."""
    for name, text in (("definitions.csv", DEFINITIONS), ("values.csv", VALUES)):
        assert ingest(engine, text.encode(), name=name).status == "committed"
    return engine


@pytest.fixture
def mail_settings(monkeypatch: pytest.MonkeyPatch, mailbox: Mailbox) -> Iterator[Mailbox]:
    monkeypatch.setenv("LOUIESTAT_SMTP_URL", mailbox.url())
    monkeypatch.setenv("LOUIESTAT_MAIL_FROM", SENDER)
    monkeypatch.setenv("LOUIESTAT_BASE_URL", BASE_URL)
    get_settings.cache_clear()
    yield mailbox
    get_settings.cache_clear()


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _reminded(engine: Engine) -> list[tuple[str, str, str, str]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(  # type: ignore[misc]
            select(ReminderRow.month, ReminderRow.recipient, ReminderRow.department, ReminderRow.kpi)
            .order_by(ReminderRow.id)).all()]


def _outbox(engine: Engine) -> list[tuple[str, str, bool]]:
    with engine.connect() as conn:
        return [(key, message_id, sent_at is not None) for key, message_id, sent_at in conn.execute(
            select(OutboxMessage.key, OutboxMessage.message_id, OutboxMessage.sent_at).order_by(OutboxMessage.id))]


ANA_KPIS = [{"department": "ems", "kpi": "calls_answered_pct", "kpi_name": "Calls answered within 90 seconds"},
            {"department": "fire", "kpi": "hydrants_tested", "kpi_name": "Hydrants tested"}]
BEN_KPIS = [{"department": "fire", "kpi": "inspections", "kpi_name": "Inspections completed"}]


def test_each_owner_gets_one_message_with_their_late_kpis_due_dates_and_entry_pages(
    owners: Engine, mail_settings: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _run(capsys, "remind", "--month", "2016-06", "--json")
    assert (status, err) == (0, "")
    assert json.loads(out) == {"month": "2016-06", "reminders": [
        {"to": "ana@city.example", "kpis": ANA_KPIS, "sent": True},
        {"to": "ben@city.example", "kpis": BEN_KPIS, "sent": True},
    ]}
    assert sorted(r for m in mail_settings.received for r in m.recipients) == ["ana@city.example", "ben@city.example"]
    (ana,) = mail_settings.to("ana@city.example")
    assert ana.sender == SENDER and ana.message["From"] == SENDER
    assert ana.message["Subject"] == "Reminder: 2 LouieStat values for June 2016 are late"
    assert ana.text == (
        "Hello,\n\nLouieStat has no value yet for June 2016 for these KPIs, which name you as the person who reports "
        "them:\n\n"
        "Emergency Medical Services\n"
        "  - Calls answered within 90 seconds, due 10 July 2016\n"
        "  Enter them at https://stat.city.example/enter?department=ems&month=2016-06\n\n"
        "Louisville Fire\n"
        "  - Hydrants tested, due 15 July 2016\n"
        "  Enter them at https://stat.city.example/enter?department=fire&month=2016-06\n\n"
        "You get this because the KPI definitions name you as the person who reports these KPIs. If someone else "
        "reports one now, tell the performance office so that its definition names them.\n\n"
        "LouieStat, https://stat.city.example/\n"
    )
    assert '<li>Calls answered within 90 seconds, due 10 July 2016</li>' in ana.html
    assert ('<a href="https://stat.city.example/enter?department=fire&amp;month=2016-06">Enter the June 2016 values '
            'of Louisville Fire</a>') in ana.html
    assert "<img" not in ana.html and "src=" not in ana.html
    (ben,) = mail_settings.to("ben@city.example")
    assert ben.message["Subject"] == "Reminder: 1 LouieStat value for June 2016 is late"
    assert "  - Inspections completed, due 15 July 2016\n" in ben.text and "Hydrants" not in ben.text
    assert _reminded(owners) == [("2016-06", "ana@city.example", "ems", "calls_answered_pct"),
                                 ("2016-06", "ana@city.example", "fire", "hydrants_tested"),
                                 ("2016-06", "ben@city.example", "fire", "inspections")]
    outbox = _outbox(owners)
    assert [(key, sent) for key, _, sent in outbox] == [("reminder/2016-06/ana@city.example/1", True),
                                                         ("reminder/2016-06/ben@city.example/1", True)]
    assert ana.message["Message-ID"] == outbox[0][1]
    with owners.connect() as conn:
        event = conn.execute(select(AuditEvent).where(AuditEvent.action == "reminders")).one()
    assert (event.actor, event.via, event.subject) == ("tester", "cli", "2016-06")
    assert event.detail == "2 reminders of late values: ana@city.example (2), ben@city.example (1)"


def test_a_second_run_sends_nothing_and_again_sends_once_more(
    owners: Engine, mail_settings: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(capsys, "remind", "--month", "2016-06")[0] == 0
    first = {m.message["Message-ID"] for m in mail_settings.received}
    before = snapshot(owners)
    status, out, err = _run(capsys, "remind", "--month", "2016-06")
    assert (status, err) == (0, "")
    assert out == "No reminders for June 2016: no owner has a late value they have not been reminded of.\n"
    assert len(mail_settings.received) == 2 and snapshot(owners) == before
    status, out, _ = _run(capsys, "remind", "--month", "2016-06", "--again")
    assert status == 0
    assert out.startswith("Reminded 2 owners of late values for June 2016:\n\nana@city.example  (sent)\n"
                          "  Emergency Medical Services: Calls answered within 90 seconds, due 10 July 2016\n")
    assert len(mail_settings.received) == 4
    again = {m.message["Message-ID"] for m in mail_settings.received} - first
    assert len(again) == 2
    assert [key for key, _, _ in _outbox(owners)][2:] == ["reminder/2016-06/ana@city.example/2",
                                                          "reminder/2016-06/ben@city.example/2"]


def test_an_owner_with_everything_reported_hears_nothing(
    owners: Engine, mail_settings: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    reported = "department,kpi,period,value\nems,calls_answered_pct,2016-06,91\nfire,hydrants_tested,2016-06,52\n"
    assert ingest(owners, reported.encode(), name="ana.csv").status == "committed"
    status, out, _ = _run(capsys, "remind", "--month", "2016-06", "--json")
    assert status == 0
    assert json.loads(out)["reminders"] == [{"to": "ben@city.example", "kpis": BEN_KPIS, "sent": True}]
    assert [m.recipients for m in mail_settings.received] == [["ben@city.example"]]


def test_a_kpi_that_becomes_late_after_a_reminder_brings_one_more(owners: Engine, mail_settings: Mailbox) -> None:
    server = parse_smtp_url(mail_settings.url())

    def run(day: int, month: str | None = None) -> tuple[str, list[tuple[str, list[str]]]]:
        done = remind(owners, by="cron", server=server, month=month, today=dt.date(2016, 7, day))
        assert all(r.sent for r in done.reminders)
        return done.month, [(r.reminder.to, [k.kpi for k in r.reminder.kpis]) for r in done.reminders]

    assert run(10, "2016-06") == ("2016-06", [])  # 10 July: calls answered is due today, not late yet
    assert run(11) == ("2016-06", [("ana@city.example", ["calls_answered_pct"])])  # the newest month late: June
    assert run(12) == ("2016-06", [])
    assert run(16) == ("2016-06", [("ana@city.example", ["calls_answered_pct", "hydrants_tested"]),
                                   ("ben@city.example", ["inspections"])])
    assert run(17) == ("2016-06", [])
    assert len(mail_settings.received) == 3


def test_a_dry_run_records_and_sends_nothing_with_or_without_a_mail_server(
    owners: Engine, mail_settings: Mailbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(owners)
    status, out, err = _run(capsys, "remind", "--month", "2016-06", "--dry-run")
    assert (status, err) == (0, "")
    assert out == (
        "Would remind 2 owners of late values for June 2016:\n\n"
        "ana@city.example\n"
        "  Emergency Medical Services: Calls answered within 90 seconds, due 10 July 2016\n"
        "  Louisville Fire: Hydrants tested, due 15 July 2016\n\n"
        "ben@city.example\n"
        "  Louisville Fire: Inspections completed, due 15 July 2016\n"
    )
    monkeypatch.delenv("LOUIESTAT_SMTP_URL")
    get_settings.cache_clear()
    status, out, err = _run(capsys, "remind", "--month", "2016-06", "--dry-run", "--json")
    assert (status, err) == (0, "")
    assert [(r["to"], r["sent"]) for r in json.loads(out)["reminders"]] == [("ana@city.example", False),
                                                                           ("ben@city.example", False)]
    assert mail_settings.received == [] and snapshot(owners) == before


@pytest.mark.parametrize("url, error", [
    (None, "error: no mail server is set; set LOUIESTAT_SMTP_URL to the city's mail server, such as "
           "smtp://relay.city.example:25 or smtps://user:password@mail.city.example:465\n"),
    ("smtp//relay.city.example", "error: LOUIESTAT_SMTP_URL is not a mail server's address: it does not start with "
                                 "smtp:// or smtps://; give smtp://[user:password@]host:port"),
    ("smtp://127.0.0.1:{port}", "error: cannot reach the mail server at 127.0.0.1:{port} (Connection refused); "
                                "check that it runs and that the host and port in LOUIESTAT_SMTP_URL are right\n"),
])
def test_without_a_usable_mail_server_remind_exits_3_having_recorded_nothing(
    owners: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str | None, error: str
) -> None:
    port = free_port()
    if url is None:
        monkeypatch.delenv("LOUIESTAT_SMTP_URL", raising=False)
    else:
        monkeypatch.setenv("LOUIESTAT_SMTP_URL", url.format(port=port))
    get_settings.cache_clear()
    before = snapshot(owners)
    status, out, err = _run(capsys, "remind", "--month", "2016-06")
    assert (status, out) == (3, "")
    assert err.startswith(error.format(port=port)) and err.count("\n") == 1
    assert snapshot(owners) == before


def test_the_mail_servers_password_is_in_no_output(
    owners: Engine, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outputs = []
    with serving_mail(user="stat", password=SECRET) as box:
        runs = ((SECRET, (["--dry-run"], ["--json"], [], ["--again", "--json"])),
                ("not-the-" + SECRET, (["--dry-run"], ["--again"], ["--again", "--json"])))
        for password, options in runs:
            monkeypatch.setenv("LOUIESTAT_SMTP_URL", box.url(sign_in=f"stat:{password}@"))
            get_settings.cache_clear()
            for option in options:
                outputs.append(_run(capsys, "--user", "cron", "remind", "--month", "2016-06", *option))
    assert [status for status, _, _ in outputs] == [0, 0, 0, 0, 0, 3, 3]
    assert "refused the sign-in of stat (535 " in outputs[5][2]
    assert len(box.received) == 4  # two owners, then --again
    stored = repr(snapshot(owners))
    for status, out, err in outputs:
        assert SECRET not in out + err
    assert SECRET not in stored and "ana@city.example" in stored


def test_a_refused_address_exits_1_and_its_reminder_goes_with_the_next_run(
    owners: Engine, mail_settings: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    mail_settings.refuse.add("ben@city.example")
    status, out, err = _run(capsys, "remind", "--month", "2016-06", "--json")
    assert status == 1
    assert [(r["to"], r["sent"]) for r in json.loads(out)["reminders"]] == [("ana@city.example", True),
                                                                           ("ben@city.example", False)]
    assert err == ("error: the mail server refused the reminder to ben@city.example (550 5.1.1 no such user here); "
                   "it stays in the outbox and is sent again by the next run\n")
    mail_settings.refuse.clear()
    status, out, err = _run(capsys, "remind", "--month", "2016-06")
    assert (status, err) == (0, "")
    assert out == ("Sent 1 reminder an earlier run had recorded but not sent.\n"
                   "No reminders for June 2016: no owner has a late value they have not been reminded of.\n")
    assert [m.recipients for m in mail_settings.received] == [["ana@city.example"], ["ben@city.example"]]


def test_someone_who_may_not_send_reminders_is_refused(
    owners: Engine, mail_settings: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    add_user(owners, "viewer@city.example", "viewer", by="tester")
    before = snapshot(owners)
    status, out, err = _run(capsys, "--as", "viewer@city.example", "remind", "--month", "2016-06")
    assert (status, out) == (1, "")
    assert err == ("error: viewer@city.example is a viewer, and reminders of late values are changed by admins only "
                   "(the performance office); nothing was written\n")
    assert snapshot(owners) == before and mail_settings.received == []


def test_a_sender_killed_between_recording_and_sending_is_made_good_by_the_next_run(
    owners: Engine, database_url: str, mail_settings: Mailbox, capsys: pytest.CaptureFixture[str]
) -> None:
    mail_settings.hold = threading.Event()
    env = os.environ | {"LOUIESTAT_DATABASE_URL": database_url}
    sender = subprocess.Popen([sys.executable, "-m", "louiestat", "remind", "--month", "2016-06"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert mail_settings.arrived.wait(60), "the first message never reached the server"
    finally:
        sender.kill()
        sender.wait()
    mail_settings.hold.set()
    mail_settings.hold = None
    recorded = _outbox(owners)
    assert [(key, sent) for key, _, sent in recorded] == [("reminder/2016-06/ana@city.example/1", False),
                                                          ("reminder/2016-06/ben@city.example/1", False)]
    status, out, _ = _run(capsys, "remind", "--month", "2016-06")
    assert status == 0 and out.startswith("Sent 2 reminders an earlier run had recorded but not sent.\n")
    assert sorted(m.message["Message-ID"] for m in mail_settings.received) == sorted(m for _, m, _ in recorded)
    assert all(sent for _, _, sent in _outbox(owners)) and len(_reminded(owners)) == 3
    assert _run(capsys, "remind", "--month", "2016-06")[0] == 0 and len(mail_settings.received) == 2
