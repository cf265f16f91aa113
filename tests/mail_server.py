"""A real SMTP server on the loopback for the tests (aiosmtpd), keeping every message it accepts: optionally signing in
one user, speaking TLS from the first byte or after STARTTLS, refusing some recipients, or holding a message's DATA
until released (so that a test can kill the sender while it waits)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session


@dataclass
class Received:
    """One message the server accepted: the envelope and the message as parsed."""

    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        """The plain-text part, its lines ending in LF."""
        return self.message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]

    @property
    def html(self) -> str:
        """The HTML part, its lines ending in LF."""
        return self.message.get_body(("html",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]


@dataclass
class Mailbox:
    """The server's address and what it received; ``refuse`` holds recipients it answers 550, ``hold`` (when set)
    keeps each DATA waiting until the event is set, telling ``arrived``."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    hold: threading.Event | None = None
    arrived: threading.Event = field(default_factory=threading.Event)

    def url(self, scheme: str = "smtp", sign_in: str = "", query: str = "") -> str:
        return f"{scheme}://{sign_in}{self.host}:{self.port}{query}"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]

    async def handle_RCPT(self, server, session: Session, envelope: Envelope, address: str, options) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session: Session, envelope: Envelope) -> str:
        if self.hold is not None:
            self.arrived.set()
            await asyncio.get_running_loop().run_in_executor(None, self.hold.wait)
            return "451 4.3.0 the sender went away"
        content = envelope.original_content or b""
        message = email.message_from_bytes(content, policy=email.policy.default)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Authenticator:
    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user.encode(), password.encode()

    def __call__(self, server, session, envelope, mechanism: str, auth_data) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (self.user, self.password)
        return AuthResult(success=ok, handled=False)


@contextmanager
def serving_mail(
    *, user: str | None = None, password: str | None = None, tls: ssl.SSLContext | None = None,
    starttls: ssl.SSLContext | None = None,
) -> Iterator[Mailbox]:
    """A running server on a free loopback port: plain, TLS from the start (``tls``) or offering STARTTLS
    (``starttls``, then required), signing in ``user`` with ``password`` when given."""
    box = Mailbox(port=free_port())
    options: dict = {}
    if user is not None:
        options |= {"authenticator": _Authenticator(user, password or ""), "auth_require_tls": False}
    if starttls is not None:
        options |= {"tls_context": starttls, "require_starttls": True}
    controller = Controller(box, hostname=box.host, port=box.port, ssl_context=tls, server_hostname=box.host,
                            **options)
    controller.start()
    try:
        yield box
    finally:
        if box.hold is not None:
            box.hold.set()
        controller.stop()


def self_signed(folder: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context with a new self-signed certificate for 127.0.0.1 (made with Debian's openssl), and the
    certificate's file, which a client trusts through SSL_CERT_FILE."""
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert
