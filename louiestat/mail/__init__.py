"""Mail from the dashboard: the server of ``LOUIESTAT_SMTP_URL`` (``server``), messages built with the standard
library (``message``: text with a simple HTML alternative, attachments, extra headers, a Message-ID kept with the
message) and the outbox that sends each message once (``outbox``)."""

from louiestat.mail.message import Attachment, build_message, new_message_id
from louiestat.mail.outbox import Delivery, Outgoing, deliver, enqueue, pending
from louiestat.mail.server import MailServer, mail_server, parse_smtp_url

__all__ = [
    "Attachment", "Delivery", "MailServer", "Outgoing", "build_message", "deliver", "enqueue", "mail_server",
    "new_message_id", "parse_smtp_url", "pending",
]
