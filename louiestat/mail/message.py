"""Messages as the standard library's email package builds them: plain text with an optional simple HTML
alternative (no remote images: nothing is fetched when it is read), attachments, extra headers (List-Unsubscribe)
and a Message-ID the caller gives, so that a message sent again is recognised as the same one."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid

from louiestat.errors import MailFailure

_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+")
_MESSAGE_ID = re.compile(r"<[^<>@\s]+@[^<>@\s]+>")
# Lines end in CRLF and every part is 7-bit (non-ASCII text quoted-printable or base64), so the message is sent as
# written to any server, whether it takes 8-bit mail or not.
POLICY = SMTP.clone(cte_type="7bit")


@dataclass(frozen=True)
class Attachment:
    """A file sent with a message: its name as the reader sees it, its bytes and their MIME type."""

    filename: str
    content: bytes
    content_type: str = "application/octet-stream"


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    message_id: str,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
    date: dt.datetime | None = None,
) -> EmailMessage:
    """One message to ``to``: ``text``, with ``html`` as its alternative, then the ``attachments``; marked as sent by
    a program (``Auto-Submitted``) so that out-of-office replies stay away. ValueError for an address, a Message-ID
    or a header that would not make a well-formed message (a line break in a subject, say)."""
    if not _MESSAGE_ID.fullmatch(message_id):
        raise ValueError(f"'{message_id}' is not a Message-ID; give one such as <reminder.1@city.example>")
    message = EmailMessage(policy=POLICY)
    message["From"] = _address(sender)
    message["To"] = _address(to)
    message["Subject"] = subject
    message["Date"] = format_datetime(date or dt.datetime.now(dt.UTC))
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for attachment in attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype or "octet-stream",
                               filename=attachment.filename)
    return message


def new_message_id(sender: str) -> str:
    """A new, unique Message-ID at the sender's domain (``<…@city.example>``), made once and kept with the message."""
    return make_msgid(domain=domain_of(sender))


def domain_of(sender: str) -> str:
    """The domain of the address ``sender``; MailFailure saying what to set when it is not an address."""
    if not _ADDRESS.fullmatch(sender.strip()):
        raise MailFailure(f"LOUIESTAT_MAIL_FROM '{sender}' is not an email address; set it to the address the "
                          "dashboard's mail comes from, such as louiestat@city.example")
    return sender.strip().rpartition("@")[2]


def _address(text: str) -> Address:
    if not _ADDRESS.fullmatch(text.strip()):
        raise ValueError(f"'{text}' is not an email address")
    return Address(addr_spec=text.strip())
