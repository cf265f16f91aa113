"""Reminding: the reminders of a month are recorded, with their messages in the outbox and an event in the audit
log, in one write transaction; then every reminder not sent yet goes to the mail server. A crash after recording
leaves the messages in the outbox, and the next run sends them, once, with the same Message-ID.

Reminders are not a batch: nothing in the data changes, and a sent message cannot be undone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, func, insert, select

from louiestat.access import audit
from louiestat.access.policy import require
from louiestat.access.principal import Principal, as_principal
from louiestat.config import get_settings
from louiestat.db.models import ReminderRow, utcnow
from louiestat.db.write_lock import OnWait
from louiestat.mail import Delivery, MailServer, deliver, enqueue, pending
from louiestat.mail.message import domain_of
from louiestat.mail.server import connection
from louiestat.reminders.letter import KIND, reminder_message
from louiestat.reminders.plan import Reminder, default_month, due_reminders
from louiestat.writing.service import transaction


@dataclass(frozen=True)
class Reminded:
    """A reminder of the run and what became of its message (None in a dry run, which sends nothing)."""

    reminder: Reminder
    delivery: Delivery | None = None

    @property
    def sent(self) -> bool:
        """Whether the mail server took the message."""
        return self.delivery is not None and self.delivery.sent


@dataclass(frozen=True)
class RemindRun:
    """What a run did: the month and its reminders, and what became of the reminders an earlier run recorded but
    did not send (a crash, a refusal), which it sent first."""

    month: str
    reminders: list[Reminded]
    earlier: list[Delivery] = field(default_factory=list)

    @property
    def refused(self) -> list[Delivery]:
        """The messages the mail server refused, earlier ones and this run's (they stay for the next run)."""
        return [d for d in [*self.earlier, *(r.delivery for r in self.reminders if r.delivery)] if not d.sent]


def remind(
    engine: Engine,
    *,
    by: Principal | str,
    server: MailServer | None,
    month: str | None = None,
    today: dt.date | None = None,
    again: bool = False,
    on_wait: OnWait | None = None,
) -> RemindRun:
    """Remind each owner of their KPIs late for ``month`` (default: the newest month some value is late for) that
    they have not been reminded of, or of all of them ``again``, and send what an earlier run left unsent; without a
    ``server``, a dry run that records and sends nothing. WriteRefused unless ``by`` may send reminders;
    MailFailure when the mail server cannot be reached (nothing recorded) or is lost while sending (what is not sent
    stays in the outbox for the next run)."""
    principal, today, settings = as_principal(by), today or dt.date.today(), get_settings()
    with engine.connect() as conn:
        month = month or default_month(conn, today, settings.due_day)
        planned = due_reminders(conn, month, today, settings.due_day, again)
        waiting = bool(pending(conn, KIND))
    if server is None:
        return RemindRun(month, [Reminded(r) for r in planned])
    require(principal, "send_reminders")
    domain_of(settings.mail_from)
    if not planned and not waiting:
        return RemindRun(month, [])
    # Connected before anything is recorded, so an unreachable server leaves nothing waiting.
    with connection(server) as client:
        with transaction(engine, principal, doing="sending reminders", on_wait=on_wait) as conn:
            planned = due_reminders(conn, month, today, settings.due_day, again)
            ids = _record(conn, planned, principal, settings.mail_from, settings.base_url)
        deliveries = {d.id: d for d in deliver(engine, server, KIND, client)}
    reminded = [Reminded(r, deliveries[i]) for r, i in zip(planned, ids)]
    return RemindRun(month, reminded, [d for i, d in deliveries.items() if i not in ids])


def _record(
    conn: Connection, planned: Sequence[Reminder], principal: Principal, sender: str, base_url: str
) -> list[int]:
    """Write the reminders and their messages in the caller's transaction, with one audit event; returns the
    messages' outbox ids, in the order of ``planned``."""
    if not planned:
        return []
    month = planned[0].month
    earlier = dict(conn.execute(
        select(ReminderRow.recipient, func.count(func.distinct(ReminderRow.outbox_id)))
        .where(ReminderRow.month == month, ReminderRow.recipient.in_([r.to for r in planned]))
        .group_by(ReminderRow.recipient)).all())
    messages = [reminder_message(r, base_url, earlier.get(r.to, 0) + 1) for r in planned]
    ids = enqueue(conn, messages, sender)
    now = utcnow()
    conn.execute(insert(ReminderRow), [
        {"month": month, "recipient": r.to, "department": k.department, "kpi": k.kpi, "kpi_name": k.kpi_name,
         "outbox_id": ids[m.key], "created_at": now}
        for r, m in zip(planned, messages) for k in r.kpis
    ])
    audit.record(conn, actor=principal.label, via=principal.via, action="reminders", subject=month,
                 detail=f"{len(planned)} reminder{'s' if len(planned) != 1 else ''} of late values: "
                        + ", ".join(f"{r.to} ({len(r.kpis)})" for r in planned))
    return [ids[m.key] for m in messages]
