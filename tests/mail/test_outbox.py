"""The outbox on SQLite and PostgreSQL, against a real SMTP server on the loopback: a key is written once, each
message is sent once, a refused one waits with the server's reply and goes, with the same Message-ID, once the
server takes it, and a server that is not there marks nothing sent."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from louiestat.db.engine import write_transaction
from louiestat.db.models import OutboxMessage
from louiestat.errors import MailFailure
from louiestat.mail import Attachment, Outgoing, deliver, enqueue, parse_smtp_url, pending
from tests.mail_server import Mailbox, free_port

SENDER = "louiestat@city.example"


def _outgoing(key: str, to: str) -> Outgoing:
    return Outgoing(key=key, kind="test", to=to, subject=f"About {key}", text=f"This is {key}.",
                    html=f"<p>This is {key}.</p>", attachments=[Attachment("note.txt", b"attached", "text/plain")],
                    headers={"List-Unsubscribe": "<https://stat.city.example/unsubscribe?t=1>"})


def _enqueue(engine: Engine, *messages: Outgoing) -> dict[str, int]:
    with write_transaction(engine) as conn:
        return enqueue(conn, messages, SENDER)


def _rows(engine: Engine) -> dict[str, OutboxMessage]:
    with engine.connect() as conn:
        return {row.key: row for row in conn.execute(select(OutboxMessage)).all()}  # type: ignore[misc]


def test_a_key_is_written_once(engine: Engine) -> None:
    first = _enqueue(engine, _outgoing("a", "ana@city.example"), _outgoing("b", "ben@city.example"))
    assert set(first) == {"a", "b"}
    again = _enqueue(engine, _outgoing("a", "ana@city.example"), _outgoing("c", "cy@city.example"))
    assert list(again) == ["c"]
    rows = _rows(engine)
    assert sorted(rows) == ["a", "b", "c"]
    assert rows["a"].id == first["a"] and rows["a"].sent_at is None and rows["a"].attempts == 0
    assert rows["a"].recipient == "ana@city.example" and rows["a"].subject == "About a"
    assert len({row.message_id for row in rows.values()}) == 3


def test_each_message_is_sent_once_as_written(engine: Engine, mailbox: Mailbox) -> None:
    _enqueue(engine, _outgoing("a", "ana@city.example"), _outgoing("b", "ben@city.example"))
    server = parse_smtp_url(mailbox.url())
    sent = deliver(engine, server, "test")
    assert [(d.key, d.to, d.sent) for d in sent] == [("a", "ana@city.example", True), ("b", "ben@city.example", True)]
    assert deliver(engine, server, "test") == []
    rows = _rows(engine)
    assert [(r.sender, r.recipients) for r in mailbox.received] == [
        (SENDER, ["ana@city.example"]), (SENDER, ["ben@city.example"])]
    (ana,) = mailbox.to("ana@city.example")
    assert ana.message["Message-ID"] == rows["a"].message_id
    assert ana.message["List-Unsubscribe"] == "<https://stat.city.example/unsubscribe?t=1>"
    assert ana.text == "This is a.\n" and ana.html == "<p>This is a.</p>\n"
    assert [a.get_content() for a in ana.message.iter_attachments()] == ["attached"]
    assert all(r.sent_at is not None and r.attempts == 1 for r in rows.values())


def test_a_refused_message_waits_and_goes_later_with_the_same_message_id(engine: Engine, mailbox: Mailbox) -> None:
    _enqueue(engine, _outgoing("a", "gone@city.example"), _outgoing("b", "ben@city.example"))
    mailbox.refuse.add("gone@city.example")
    server = parse_smtp_url(mailbox.url())
    first = deliver(engine, server, "test")
    assert [(d.key, d.sent, d.error) for d in first] == [
        ("a", False, "550 5.1.1 no such user here"), ("b", True, None)]
    refused = _rows(engine)["a"]
    assert (refused.sent_at, refused.attempts, refused.last_error) == (None, 1, "550 5.1.1 no such user here")
    with engine.connect() as conn:
        assert pending(conn, "test") == [refused.id]
    mailbox.refuse.clear()
    assert [(d.key, d.sent) for d in deliver(engine, server, "test")] == [("a", True)]
    (arrived,) = mailbox.to("gone@city.example")
    assert arrived.message["Message-ID"] == refused.message_id
    again = _rows(engine)["a"]
    assert again.sent_at is not None and again.attempts == 2 and again.last_error is None


def test_a_server_that_is_not_there_marks_nothing_sent(engine: Engine) -> None:
    _enqueue(engine, _outgoing("a", "ana@city.example"))
    with pytest.raises(MailFailure, match="cannot reach the mail server"):
        deliver(engine, parse_smtp_url(f"smtp://127.0.0.1:{free_port()}"), "test")
    row = _rows(engine)["a"]
    assert row.sent_at is None and row.attempts == 0
