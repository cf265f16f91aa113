"""Every exception louiestat raises on purpose, in one tree. Each message says what is wrong and what to do.

    LouieStatError
    ├── FileUnreadable   an upload is not CSV text at all (binary, a spreadsheet, empty, undecodable)
    ├── UnknownKind      a header matches none of the upload kinds (definitions, values, hiring, process_changes)
    ├── IrregularFile    the fast CSV reader met a ragged row; the exact reader reads the file again
    ├── UndoRefused      a batch cannot be undone (unknown, already undone, or later batches build on it)
    ├── UserRefused      a change of users, roles or grants cannot be made (unknown user, email taken, …)
    ├── SignInFailed     a sign-in was refused (one message for every reason; the audit log has the reason)
    ├── WriteRefused     the acting user may not make this change (another department's, or admins' only)
    ├── MeetingRefused   a stat-meeting change or read names what is not there (meeting, follow-up, department, month)
    ├── UnknownDepartment  a department slug that is not stored (CLI exit status 2; the message lists the known ones)
    ├── PacketError       the briefing packet or the minutes cannot be made
    │   ├── BriefingNotFound   no such department, month or meeting: the message lists what is accepted (exit 2)
    │   └── MissingSystemPackage  a program the PDF needs is not installed: the message says what to install (exit 1)
    └── EnvironmentFailure  the database or the machine cannot do what was asked (CLI exit status 3)
        ├── LockTimeout     another write held the database's write lock longer than the wait allowed
        └── MailFailure     LOUIESTAT_SMTP_URL is unset or unusable, or the mail server is unreachable or refuses us

Problems inside a readable file are not exceptions: they are collected as ``louiestat.ingest.Problem`` rows
so that every error of a file is reported at once.
"""

from collections.abc import Iterable


class LouieStatError(Exception):
    """Base of the exceptions below."""


class FileUnreadable(LouieStatError):
    """The file cannot be read as CSV at all (binary, empty, undecodable); the message says what to do."""


class UnknownKind(LouieStatError, ValueError):
    """The header matches none of the upload kinds."""


class IrregularFile(LouieStatError):
    """The fast reader met something only the exact reader reports well (a ragged row)."""


class UndoRefused(LouieStatError):
    """The batch cannot be undone (unknown, already undone, an undo itself, or later batches build on it)."""


class EnvironmentFailure(LouieStatError):
    """The database or the machine failed (locked, read-only, unreachable, unknown, a failed migration): nothing
    was written; the message names the cause and what to do. The CLI exits with status 3."""


class LockTimeout(EnvironmentFailure):
    """Another write held the database's write lock longer than the configured wait; nothing was written."""


class MailFailure(EnvironmentFailure):
    """Mail cannot be sent: ``LOUIESTAT_SMTP_URL`` is unset or not a mail server's address, or the server cannot be
    reached, does not offer what the URL asks (TLS, a sign-in) or refuses the sign-in. The message says what to
    set or check, and never holds the password."""


class UserRefused(LouieStatError):
    """A change of users, roles or grants cannot be made (an unknown user or department, an email already taken,
    a role that takes no departments, a password too short); nothing was changed."""


class SignInFailed(LouieStatError):
    """A sign-in was refused. The message is the same whatever the reason (unknown email, wrong password, a
    locked or disabled account), so that it tells an attacker nothing; the audit log records the reason."""


class MeetingRefused(LouieStatError, ValueError):
    """A stat-meeting request names what is not there (an unknown meeting, follow-up, department or agenda
    position, a month without data) or lacks what it needs (a closing without a response); nothing was written."""


class WriteRefused(LouieStatError):
    """The acting user may not make this change (another department's data, or a change only admins make);
    nothing was written. The CLI exits with status 1."""


class UnknownDepartment(LouieStatError, LookupError):
    """A department slug (or several) that is not stored; the message lists the known ones."""

    def __init__(self, slugs: str | Iterable[str], known: Iterable[str]) -> None:
        named = ", ".join(repr(s) for s in ([slugs] if isinstance(slugs, str) else slugs))
        super().__init__(f"no department {named}; known: {', '.join(known) or 'none yet'}")


class PacketError(LouieStatError):
    """Base of the packet's and minutes' exceptions."""


class BriefingNotFound(PacketError, LookupError):
    """The department, month or meeting asked for does not exist; the message names what would be accepted."""


class MissingSystemPackage(PacketError):
    """A system program the packet needs (Chromium, which draws the charts) is missing; the message says which
    package to install."""
