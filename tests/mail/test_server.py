"""LOUIESTAT_SMTP_URL: what each form means, what is refused (in a sentence that never repeats the password), and
a connection to a real server on the loopback in each form: plain, signed in, TLS from the start and STARTTLS."""

from __future__ import annotations

from pathlib import Path

import pytest

from louiestat.config import Settings
from louiestat.errors import MailFailure
from louiestat.mail import MailServer, mail_server, parse_smtp_url
from louiestat.mail.server import connection
from tests.mail_server import free_port, self_signed, serving_mail

SECRET = "s3cr3t:p@ss/word"
ENCODED = "s3cr3t%3Ap%40ss%2Fword"


@pytest.mark.parametrize("url, expected", [
    ("smtp://relay.city.example:25", MailServer("relay.city.example", 25)),
    ("smtp://relay.city.example", MailServer("relay.city.example", 25)),
    ("smtps://mail.city.example", MailServer("mail.city.example", 465, "tls")),
    ("SMTP://mail.city.example:587?starttls=true", MailServer("mail.city.example", 587, "starttls")),
    ("smtp://mail.city.example:2525?starttls=false", MailServer("mail.city.example", 2525)),
    (f"smtps://stat%40city.example:{ENCODED}@mail.city.example:465",
     MailServer("mail.city.example", 465, "tls", user="stat@city.example", password=SECRET)),
    ("smtp://robin:@127.0.0.1:2525", MailServer("127.0.0.1", 2525, user="robin", password="")),
])
def test_each_form_of_the_url_names_its_server(url: str, expected: MailServer) -> None:
    assert parse_smtp_url(url) == expected
    assert parse_smtp_url(url).password == expected.password


@pytest.mark.parametrize("url, why", [
    (f"https://robin:{ENCODED}@mail.city.example", "it does not start with smtp:// or smtps://"),
    (f"robin:{ENCODED}@mail.city.example", "it does not start with smtp:// or smtps://"),
    (f"smtp://robin:{ENCODED}@:25", "it names no host"),
    (f"smtp://robin:{ENCODED}@mail.city.example:port", "its port is not a number from 1 to 65535"),
    (f"smtp://robin:{ENCODED}@mail.city.example:25/inbox", "it has a path after the host and port"),
    (f"smtp://robin:{ENCODED}@mail.city.example:25?tls=1", "it has the option 'tls', and only starttls is known"),
    (f"smtp://robin:{ENCODED}@mail.city.example:25?starttls=maybe", "starttls is 'maybe', not true or false"),
    (f"smtps://robin:{ENCODED}@mail.city.example?starttls=true", "smtps:// is TLS already"),
    (f"smtp://:{ENCODED}@mail.city.example", "it has a password without a user name"),
])
def test_an_unusable_url_says_why_and_what_is_accepted_without_repeating_it(url: str, why: str) -> None:
    with pytest.raises(MailFailure) as refused:
        parse_smtp_url(url)
    message = str(refused.value)
    assert message.startswith(f"LOUIESTAT_SMTP_URL is not a mail server's address: {why}")
    assert "give smtp://[user:password@]host:port" in message
    assert ENCODED not in message and SECRET not in message and "robin" not in message


def test_no_url_set_says_what_to_set() -> None:
    with pytest.raises(MailFailure, match="^no mail server is set; set LOUIESTAT_SMTP_URL to the city's mail server"):
        mail_server(Settings(smtp_url=None))
    assert mail_server(Settings(smtp_url="smtp://relay:25", smtp_timeout_seconds=4)).timeout == 4


def test_the_password_is_not_in_the_servers_repr() -> None:
    server = parse_smtp_url(f"smtp://robin:{ENCODED}@mail.city.example:25")
    assert SECRET not in repr(server) and ENCODED not in repr(server)


def _greets(server: MailServer) -> int:
    with connection(server) as client:
        return client.noop()[0]


def test_a_plain_server_and_one_that_signs_in() -> None:
    with serving_mail() as box:
        assert _greets(parse_smtp_url(box.url())) == 250
    with serving_mail(user="robin", password=SECRET) as box:
        assert _greets(parse_smtp_url(box.url(sign_in=f"robin:{ENCODED}@"))) == 250
        with pytest.raises(MailFailure) as refused:
            _greets(parse_smtp_url(box.url(sign_in="robin:wrong-password@")))
    message = str(refused.value)
    assert message.startswith(f"the mail server at 127.0.0.1:{box.port} refused the sign-in of robin (535 ")
    assert message.endswith("correct the user name and password in LOUIESTAT_SMTP_URL")
    assert "wrong-password" not in message


def test_tls_from_the_start_and_after_starttls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    context, certificate = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate))  # this machine trusts the test's certificate
    with serving_mail(tls=context) as box:
        assert _greets(parse_smtp_url(box.url("smtps"))) == 250
    with serving_mail(starttls=context) as box:
        assert _greets(parse_smtp_url(box.url(query="?starttls=true"))) == 250


def test_tls_to_a_server_without_it_says_what_to_change(tmp_path: Path) -> None:
    with serving_mail() as box:
        with pytest.raises(MailFailure, match=f"^the mail server at 127.0.0.1:{box.port} does not offer STARTTLS; "
                                              "remove \\?starttls=true"):
            _greets(parse_smtp_url(box.url(query="?starttls=true")))
        with pytest.raises(MailFailure, match=f"^cannot make a TLS connection to the mail server at 127.0.0.1:"
                                              f"{box.port} .*; check that the port takes TLS"):
            _greets(parse_smtp_url(box.url("smtps"), timeout=5))


def test_an_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    context, _ = self_signed(tmp_path)
    with serving_mail(tls=context) as box:
        with pytest.raises(MailFailure, match="certificate is trusted by this machine"):
            _greets(parse_smtp_url(box.url("smtps")))


def test_a_server_that_is_not_there() -> None:
    port = free_port()
    with pytest.raises(MailFailure, match=f"^cannot reach the mail server at 127.0.0.1:{port} \\(Connection refused\\); "
                                          "check that it runs"):
        _greets(parse_smtp_url(f"smtp://robin:{ENCODED}@127.0.0.1:{port}"))

