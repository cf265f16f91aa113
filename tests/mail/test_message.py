"""The message builder: headers (the Message-ID given, List-Unsubscribe, Auto-Submitted), a text part with its HTML
alternative, attachments, 7-bit lines that any server takes, and refusals of what would not make a message."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest

from louiestat.errors import MailFailure
from louiestat.mail import Attachment, build_message, new_message_id
from louiestat.mail.message import domain_of

SENDER = "louiestat@city.example"
HTML = "<p>June values: <a href=\"http://stat.city.example/enter\">enter them</a></p>"


def _parsed(**options) -> email.message.EmailMessage:
    built = build_message(sender=SENDER, to="ana.lopez@city.example", subject="Réponse — June 2016",
                          text="Hello Zoë,\nJune is late.\n", message_id="<reminder.1@city.example>",
                          date=dt.datetime(2016, 7, 16, 8, 30, tzinfo=dt.UTC), **options)
    # Read back as a mail program reads what arrives, its lines ending in LF.
    return email.message_from_string(built.as_string().replace("\r\n", "\n"),  # type: ignore[return-value]
                                     policy=email.policy.default)


def test_the_headers_are_those_given_with_the_message_id_and_a_mark_that_a_program_sent_it() -> None:
    message = _parsed(headers={"List-Unsubscribe": "<https://stat.city.example/unsubscribe?t=abc>",
                               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    assert message["From"] == SENDER and message["To"] == "ana.lopez@city.example"
    assert message["Subject"] == "Réponse — June 2016"
    assert message["Message-ID"] == "<reminder.1@city.example>"
    assert message["Date"] == "Sat, 16 Jul 2016 08:30:00 +0000"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Unsubscribe"] == "<https://stat.city.example/unsubscribe?t=abc>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_text_alone_is_one_plain_part() -> None:
    message = _parsed()
    assert message.get_content_type() == "text/plain"
    assert message.get_content() == "Hello Zoë,\nJune is late.\n"


def test_the_html_is_the_texts_alternative_and_an_attachment_follows_them() -> None:
    pdf = b"%PDF-1.7\n" + bytes(range(256))
    message = _parsed(html=HTML, attachments=[Attachment("packet-ems-2016-06.pdf", pdf, "application/pdf")])
    assert message.get_content_type() == "multipart/mixed"
    body = message.get_body()
    assert body is not None and body.get_content_type() == "text/html"
    assert message.get_body(("plain",)).get_content() == "Hello Zoë,\nJune is late.\n"  # type: ignore[union-attr]
    assert message.get_body(("html",)).get_content() == HTML + "\n"  # type: ignore[union-attr]
    (attached,) = message.iter_attachments()
    assert attached.get_filename() == "packet-ems-2016-06.pdf"
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_content() == pdf


def test_the_message_is_seven_bit_text_with_crlf_line_ends() -> None:
    written = build_message(sender=SENDER, to="ana@city.example", subject="Zoë's KPIs", text="Zoë — 8,9 %\n",
                            html="<p>Zoë</p>", message_id=new_message_id(SENDER)).as_string()
    assert written.isascii()
    assert "\r\n" in written and "\n" not in written.replace("\r\n", "")


def test_a_new_message_id_is_unique_at_the_senders_domain() -> None:
    first, second = new_message_id(SENDER), new_message_id(SENDER)
    assert first != second
    assert first.startswith("<") and first.endswith("@city.example>")


@pytest.mark.parametrize("options, complaint", [
    ({"message_id": "reminder-1"}, "is not a Message-ID"),
    ({"to": "ana"}, "'ana' is not an email address"),
    ({"subject": "June\nBcc: everyone@city.example"}, "linefeed"),
    ({"headers": {"X-Note": "a\r\nBcc: x@y.example"}}, "linefeed"),
])
def test_what_would_not_make_a_well_formed_message_is_refused(options: dict, complaint: str) -> None:
    arguments = {"sender": SENDER, "to": "ana@city.example", "subject": "June", "text": "Hello",
                 "message_id": "<a@city.example>"} | options
    with pytest.raises(ValueError, match=complaint):
        build_message(**arguments)


def test_a_sender_that_is_no_address_names_the_setting_to_correct() -> None:
    assert domain_of(" stat@louisvilleky.gov ") == "louisvilleky.gov"
    with pytest.raises(MailFailure, match="LOUIESTAT_MAIL_FROM 'LouieStat' is not an email address; set it"):
        domain_of("LouieStat")
