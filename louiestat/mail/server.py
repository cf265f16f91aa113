"""The mail server named by ``LOUIESTAT_SMTP_URL`` (``smtp://[user:password@]host:port``, ``smtps://`` for TLS from
the first byte, ``?starttls=true`` to switch a plain connection to TLS) and sending through it with smtplib.

A password never leaves this module: it is kept out of the server's ``repr`` and of every message, and an
unusable URL is described by what is wrong with it, never quoted."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from louiestat.config import Settings, get_settings
from louiestat.errors import MailFailure

Security = Literal["plain", "tls", "starttls"]
SCHEMES: dict[str, tuple[Security, int]] = {"smtp": ("plain", 25), "smtps": ("tls", 465)}
TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")
FORM = ("give smtp://[user:password@]host:port, smtps://[user:password@]host:port for TLS, or add ?starttls=true "
        "to switch a plain connection to TLS (a password with @, : or / written %40, %3A, %2F)")


@dataclass(frozen=True)
class MailServer:
    """Where mail goes and how: host and port, the connection's security, and the sign-in if any (the password is
    kept out of ``repr``)."""

    host: str
    port: int
    security: Security = "plain"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0

    @property
    def address(self) -> str:
        """``host:port``, for messages (never the sign-in)."""
        return f"{self.host}:{self.port}"


def parse_smtp_url(url: str, timeout: float = 30.0) -> MailServer:
    """The server ``url`` names; MailFailure saying what is wrong and what is accepted (the URL itself, which may
    hold a password, is never repeated)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise _bad("its port is not a number from 1 to 65535") from None
    if parts.scheme.lower() not in SCHEMES:
        raise _bad("it does not start with smtp:// or smtps://")
    if not parts.hostname:
        raise _bad("it names no host")
    if parts.path not in ("", "/") or parts.fragment:
        raise _bad("it has a path after the host and port")
    security, default_port = SCHEMES[parts.scheme.lower()]
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name != "starttls":
            raise _bad(f"it has the option '{name}', and only starttls is known")
        if value.lower() not in TRUE + FALSE:
            raise _bad(f"starttls is '{value}', not true or false")
        if value.lower() in TRUE:
            if security == "tls":
                raise _bad("smtps:// is TLS already, so starttls=true does not apply")
            security = "starttls"
    if parts.password is not None and not parts.username:
        raise _bad("it has a password without a user name")
    return MailServer(
        host=parts.hostname, port=port or default_port, security=security,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None, timeout=timeout,
    )


def mail_server(settings: Settings | None = None) -> MailServer:
    """The server of ``LOUIESTAT_SMTP_URL``; MailFailure saying what to set when it is unset or unusable."""
    settings = settings or get_settings()
    if not settings.smtp_url:
        raise MailFailure("no mail server is set; set LOUIESTAT_SMTP_URL to the city's mail server, such as "
                          "smtp://relay.city.example:25 or smtps://user:password@mail.city.example:465")
    return parse_smtp_url(settings.smtp_url, settings.smtp_timeout_seconds)


@contextmanager
def connection(server: MailServer) -> Iterator[smtplib.SMTP]:
    """An open, secured and signed-in connection to ``server``, closed after the block; MailFailure, in one
    sentence naming the server (never the password), when it cannot be had."""
    client: smtplib.SMTP | None = None
    try:
        if server.security == "tls":
            client = smtplib.SMTP_SSL(server.host, server.port, timeout=server.timeout,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        if server.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if server.user:
            client.login(server.user, server.password or "")
    except OSError as error:  # smtplib's and ssl's exceptions are OSErrors too
        if client is not None:
            _close(client)
        raise unreachable(server, error) from None
    try:
        yield client
    finally:
        _close(client)


def unreachable(server: MailServer, error: OSError) -> MailFailure:
    """What failed on the way to ``server``, and what to check, as a MailFailure."""
    where = f"the mail server at {server.address}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return MailFailure(f"{where} refused the sign-in of {server.user} ({_reply(error)}); correct the user name "
                           "and password in LOUIESTAT_SMTP_URL")
    if isinstance(error, smtplib.SMTPNotSupportedError) and server.security == "starttls":
        return MailFailure(f"{where} does not offer STARTTLS; remove ?starttls=true from LOUIESTAT_SMTP_URL or use "
                           "smtps:// if it takes TLS from the start")
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return MailFailure(f"{where} does not take a sign-in on this connection ({error}); remove the user name "
                           "from LOUIESTAT_SMTP_URL, or add ?starttls=true or use smtps:// if it signs in over TLS")
    if isinstance(error, ssl.SSLError):
        return MailFailure(f"cannot make a TLS connection to {where} ({error.reason or error}); check that the "
                           "port takes TLS (smtps:// usually 465, starttls usually 587) and that its certificate is "
                           "trusted by this machine")
    if isinstance(error, TimeoutError):
        return MailFailure(f"{where} did not answer within {server.timeout:g} s; check the host and port in "
                           "LOUIESTAT_SMTP_URL, or raise LOUIESTAT_SMTP_TIMEOUT_SECONDS")
    if isinstance(error, smtplib.SMTPResponseException):
        return MailFailure(f"{where} refused the connection ({_reply(error)}); check LOUIESTAT_SMTP_URL")
    reason = error.strerror or str(error) or type(error).__name__
    return MailFailure(f"cannot reach {where} ({reason}); check that it runs and that the host and port in "
                       "LOUIESTAT_SMTP_URL are right")


def _reply(error: smtplib.SMTPResponseException) -> str:
    """The server's reply, as it gave it: '535 5.7.8 authentication failed'."""
    text = error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
    return f"{error.smtp_code} {' '.join(text.split())}"


def refusal(error: smtplib.SMTPException) -> str:
    """Why the server refused one message, in its own words: '550 5.1.1 no such user'."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return f"{code} {' '.join(text.decode(errors='replace').split())}"
    if isinstance(error, smtplib.SMTPResponseException):
        return _reply(error)
    return str(error)


def _close(client: smtplib.SMTP) -> None:
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _bad(why: str) -> MailFailure:
    return MailFailure(f"LOUIESTAT_SMTP_URL is not a mail server's address: {why}; {FORM}")
