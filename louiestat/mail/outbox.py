"""The outbox: every message is first written, with a key naming what it is about, in the same transaction as what
it tells; it is sent after that commits and marked sent once the mail server has taken it. A key already written is
not written again, so a rerun makes no second message; a message left unsent (the process died between recording
and sending, or the server refused it) is sent by a later ``deliver`` as the same bytes with the same Message-ID,
which mail programs recognise as one message."""

from __future__ import annotations

import datetime as dt
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, insert, select, update

from louiestat.db.engine import write_transaction
from louiestat.db.models import OutboxMessage, utcnow
from louiestat.mail.message import Attachment, build_message, new_message_id
from louiestat.mail.server import MailServer, connection, refusal, unreachable

Out = OutboxMessage


@dataclass(frozen=True)
class Outgoing:
    """A message to write to the outbox: its ``key`` (unique: what it is about, such as
    ``reminder/2016-06/ana@city.gov/1``), its ``kind`` (``reminder``), to whom and what it says."""

    key: str
    kind: str
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: Sequence[Attachment] = ()
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    """What became of one outbox message in a ``deliver``: sent, or refused by the server with its reply."""

    id: int
    key: str
    to: str
    sent: bool
    error: str | None = None


def enqueue(conn: Connection, messages: Sequence[Outgoing], sender: str) -> dict[str, int]:
    """Write the ``messages`` whose key is not in the outbox yet, each built once with its own Message-ID, in the
    caller's transaction; returns the new rows' ids by key (a key already there is left as it is)."""
    keys = [m.key for m in messages]
    present = set(conn.execute(select(Out.key).where(Out.key.in_(keys))).scalars()) if keys else set()
    rows = []
    for m in (m for m in messages if m.key not in present):
        message_id = new_message_id(sender)
        built = build_message(sender=sender, to=m.to, subject=m.subject, text=m.text, html=m.html,
                              attachments=m.attachments, headers=m.headers, message_id=message_id)
        rows.append({"key": m.key, "kind": m.kind, "sender": sender, "recipient": m.to, "subject": m.subject,
                     "message_id": message_id, "message": built.as_string(), "created_at": utcnow(), "attempts": 0})
    if not rows:
        return {}
    conn.execute(insert(Out), rows)
    written = conn.execute(select(Out.key, Out.id).where(Out.key.in_([r["key"] for r in rows]))).all()
    return {key: id_ for key, id_ in written}


def pending(source: Engine | Connection, kind: str) -> list[int]:
    """The ids of the ``kind`` messages not sent yet, oldest first."""
    query = select(Out.id).where(Out.kind == kind, Out.sent_at.is_(None)).order_by(Out.id)
    if isinstance(source, Connection):
        return list(source.execute(query).scalars())
    with source.connect() as conn:
        return list(conn.execute(query).scalars())


def deliver(engine: Engine, server: MailServer, kind: str, client: smtplib.SMTP | None = None) -> list[Delivery]:
    """Send every ``kind`` message not sent yet, over ``client`` (a ``connection`` to ``server``; one is opened when
    none is given), marking each sent as soon as the server has taken it. A message the server refuses (an unknown
    recipient) stays unsent with its reply recorded, and the others go on; losing the server on the way raises
    MailFailure, the messages not sent staying for the next run."""
    ids = pending(engine, kind)
    if not ids:
        return []
    if client is None:
        with connection(server) as opened:
            return deliver(engine, server, kind, opened)
    with engine.connect() as conn:
        rows = conn.execute(select(Out.id, Out.key, Out.sender, Out.recipient, Out.message)
                            .where(Out.id.in_(ids)).order_by(Out.id)).all()
    deliveries = []
    for row in rows:
        try:
            client.sendmail(row.sender, [row.recipient], row.message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as error:
            _record_attempt(engine, row.id, None, refusal(error))
            deliveries.append(Delivery(row.id, row.key, row.recipient, sent=False, error=refusal(error)))
            continue
        except OSError as error:
            raise unreachable(server, error) from None
        _record_attempt(engine, row.id, utcnow(), None)
        deliveries.append(Delivery(row.id, row.key, row.recipient, sent=True))
    return deliveries


def _record_attempt(engine: Engine, id_: int, sent_at: dt.datetime | None, error: str | None) -> None:
    with write_transaction(engine, doing="sending mail") as conn:
        conn.execute(update(Out).where(Out.id == id_)
                     .values(attempts=Out.attempts + 1, sent_at=sent_at, last_error=error))
