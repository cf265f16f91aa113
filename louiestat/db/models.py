"""The ORM schema. Every user-changeable table is versioned: each row carries the batch that wrote it, and a
``*_history`` twin keeps every replaced or deleted version with the batch that superseded it."""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import (
    true as sa_true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Batch(Base):
    """One change to the data: an uploaded file, an edit on the Manage page, or an undo. Carries who and when."""

    __tablename__ = "batches"
    __table_args__ = {"sqlite_autoincrement": True}  # an undone batch's id is never given to another

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="committed")
    undoes_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("batches.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Department(Base):
    __tablename__ = "departments"
    __table_args__ = {"sqlite_autoincrement": True}  # ids stay unique across undo, so history never mixes rows

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)


class Kpi(Base):
    """A KPI definition: what is measured, in which unit, which way is better, and its default target."""

    __tablename__ = "kpis"
    __table_args__ = (UniqueConstraint("department_id", "key"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"))
    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    unit: Mapped[str] = mapped_column(String(20))
    direction: Mapped[str] = mapped_column(String(20))
    target: Mapped[float | None] = mapped_column(Float)
    tolerance_pct: Mapped[float] = mapped_column(Float, default=10.0)
    aggregation: Mapped[str | None] = mapped_column(String(10))
    min_value: Mapped[float | None] = mapped_column(Float)
    max_value: Mapped[float | None] = mapped_column(Float)
    enterprise: Mapped[bool] = mapped_column(Boolean, default=False)
    weight: Mapped[float | None] = mapped_column(Float)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    # Added by migration 0003, so last. 'reported' (values files) or 'hiring' (derived from the department's
    # hiring records): declared in the definition, never inferred from the key.
    source: Mapped[str] = mapped_column(String(20), default="reported", server_default="reported")
    # Added by migration 0011: who reports the KPI, the day of the next month its value is due (the setting's day
    # when None) and whether visitors and the open-data feed may see it.
    owner_email: Mapped[str | None] = mapped_column(String(320))
    due_day: Mapped[int | None] = mapped_column(Integer)
    public: Mapped[bool] = mapped_column(Boolean, default=True, server_default=sa_true())


class Target(Base):
    """A KPI target in force from ``effective_from`` (first day of a month) until the next one."""

    __tablename__ = "targets"

    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"), primary_key=True)
    effective_from: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)


class ProcessChange(Base):
    """A known change in how a KPI's work is done (a new system, a new policy) from ``period`` on: its SPC
    chart starts a new segment there, with its own mean and limits."""

    __tablename__ = "process_changes"

    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"), primary_key=True)
    period: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)


class Observation(Base):
    """One KPI's value for one month (``period`` is the first day of that month)."""

    __tablename__ = "observations"

    kpi_id: Mapped[int] = mapped_column(ForeignKey("kpis.id"), primary_key=True)
    period: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)
    # Added by migration 0003, so last. The number of cases behind a monthly mean (positions filled, calls
    # timed), so roll-ups weight by them.
    count: Mapped[float | None] = mapped_column(Float)


class Position(Base):
    """A raw HR hiring record: one vacancy, posted and (once filled) filled."""

    __tablename__ = "positions"

    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)
    position_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str | None] = mapped_column(String(300))
    posted_date: Mapped[dt.date] = mapped_column(Date)
    filled_date: Mapped[dt.date | None] = mapped_column(Date)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)



class Meeting(Base):
    """A department's stat meeting about one as-of month (``as_of`` is YYYY-MM): when, who, how far it got, the
    agenda position the presenter is on, which a second screen follows, and when it started and ended (UTC)."""

    __tablename__ = "meetings"
    __table_args__ = {"sqlite_autoincrement": True}  # ids stay unique across undo, so history never mixes rows

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300))
    attendees: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="planned")
    as_of: Mapped[str] = mapped_column(String(7))
    current_position: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)


class AgendaItemRow(Base):
    """One item of a meeting's agenda, at ``position`` (1 first): a KPI (its key) or a free topic, with why it is
    there, the question to lead with, and the notes taken on it during the meeting."""

    __tablename__ = "agenda_items"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    kpi: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    minutes: Mapped[int] = mapped_column(Integer, default=10)
    reason: Mapped[str] = mapped_column(Text, default="")
    question: Mapped[str] = mapped_column(Text, default="")
    presenter_notes: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    followup_id: Mapped[int | None] = mapped_column(Integer)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)


class FollowUpRow(Base):
    """A commitment made in a meeting: what, whose, by when (and the revised date when it moved), the KPI it is
    about, and how it ended: the response, who closed it and when."""

    __tablename__ = "followups"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    what: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due: Mapped[dt.date] = mapped_column(Date)
    revised_due: Mapped[dt.date | None] = mapped_column(Date)
    kpi: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="open")
    response: Mapped[str | None] = mapped_column(Text)
    closed_by: Mapped[str | None] = mapped_column(String(320))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    raised_in: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"), index=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batches.id"), index=True)


class User(Base):
    """A person who may sign in, and their role: ``admin`` (the performance office: everything), ``analyst``
    (changes the departments granted in ``user_departments``, reads everything) or ``viewer`` (reads)."""

    __tablename__ = "users"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_failed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Session(Base):
    """A signed-in browser: the SHA-256 of the random token in its cookie (never the token), whose it is, and
    when it started, was last used and ended."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class UserDepartment(Base):
    """A department an analyst may change."""

    __tablename__ = "user_departments"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)


class AuditEvent(Base):
    """One thing someone did that a city must be able to account for: a change of users, roles or grants (and,
    as they come, sign-ins and writes), with who, when, from where (``page`` or ``cli``) and what."""

    __tablename__ = "audit_log"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(320))
    via: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str | None] = mapped_column(String(320))
    detail: Mapped[str] = mapped_column(Text, default="")


class SignInPosts(Base):
    """How many sign-in posts a client address has made in one minute (minutes since 1970, UTC), so that every
    app replica sharing the database counts them together. Only the current minute's rows are kept."""

    __tablename__ = "sign_in_posts"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    minute: Mapped[int] = mapped_column(Integer, primary_key=True)
    posts: Mapped[int] = mapped_column(Integer)


class OutboxMessage(Base):
    """A message to send, kept once sent: written in the same transaction as what it tells (a reminder), sent after
    that commits, and marked sent when the mail server has taken it. ``key`` names what it is about, so the same
    message is never written twice; one left unsent (a crash, a refused delivery) is sent by a later run as the
    same bytes (``message``, the whole RFC 5322 text) with the same Message-ID."""

    __tablename__ = "outbox"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(500), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    sender: Mapped[str] = mapped_column(String(320))
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(300), unique=True)
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)


class ReminderRow(Base):
    """A KPI whose owner (``recipient``) was reminded that its value for ``month`` (YYYY-MM) is missing, and the
    outbox message that says so. The department and KPI are kept by slug, key and name as the message gave them."""

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_month_recipient", "month", "recipient"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    recipient: Mapped[str] = mapped_column(String(320))
    department: Mapped[str] = mapped_column(String(100))
    kpi: Mapped[str] = mapped_column(String(100))
    kpi_name: Mapped[str] = mapped_column(String(300))
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


def table_of(model: type[Base]) -> Table:
    """The table a mapped class is declared on (``__table__``, typed as the ``Table`` it is)."""
    return cast(Table, model.__table__)


def _history_of(model: type[Base]) -> Table:
    """The ``<table>_history`` twin of a versioned table: its columns without constraints, plus who replaced it.

    Indexed by the batch that replaced a version and the row's identity (its primary key), so an undo finds the
    version to put back for each of its rows by index, and by the batch that wrote a version."""
    source = table_of(model)
    return Table(
        f"{source.name}_history",
        Base.metadata,
        Column("history_id", Integer, primary_key=True),
        *(Column(col.name, col.type, nullable=True) for col in source.columns),
        Column("superseded_by_batch_id", ForeignKey("batches.id"), nullable=False),
        Index(f"ix_{source.name}_history_batch_id", "batch_id"),
        Index(
            f"ix_{source.name}_history_superseded", "superseded_by_batch_id", *(c.name for c in source.primary_key)
        ),
    )


department_history = _history_of(Department)
kpi_history = _history_of(Kpi)
target_history = _history_of(Target)
process_change_history = _history_of(ProcessChange)
observation_history = _history_of(Observation)
position_history = _history_of(Position)
meeting_history = _history_of(Meeting)
agenda_item_history = _history_of(AgendaItemRow)
followup_history = _history_of(FollowUpRow)
