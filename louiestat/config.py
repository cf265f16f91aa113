"""Settings read from the environment (prefix ``LOUIESTAT_``), the only place configuration comes from."""

from __future__ import annotations

import getpass
import ipaddress
import re
from functools import lru_cache

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _networks(listed: str) -> tuple[IPNetwork, ...]:
    """The networks named in ``listed`` (comma-separated addresses or CIDR networks); ValueError names a bad one."""
    networks = []
    for entry in filter(None, (part.strip() for part in listed.split(","))):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"LOUIESTAT_TRUSTED_PROXIES: '{entry}' is not an IP address or network; give addresses or networks "
                "in CIDR form separated by commas, such as 10.0.0.5, 192.168.1.0/24"
            ) from None
    return tuple(networks)


class Settings(BaseSettings):
    """Runtime settings; every field can be set as ``LOUIESTAT_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="LOUIESTAT_", extra="ignore")

    database_url: str = Field(
        "sqlite:///louiestat.db",
        description="SQLAlchemy URL; PostgreSQL as postgresql+psycopg://user@host:5432/db.",
    )
    fiscal_year_start_month: int = Field(7, ge=1, le=12, description="First month of the fiscal year.")
    score_cap: float | None = Field(
        None, gt=0, description="Cap on a KPI's score when averaging into department scores (off when unset)."
    )
    user: str = Field(
        default_factory=_default_user, max_length=200, description="Who is acting, recorded with every change."
    )
    reporting_share: float = Field(
        0.5, ge=0, lt=1,
        description="The default month is the newest that more than this share of departments has reported.",
    )
    max_listed_errors: int = Field(10_000, ge=1, description="Errors listed per rejected file (all are counted).")
    ingest_chunk_rows: int = Field(100_000, ge=1_000, description="Rows read per chunk when streaming a CSV.")
    max_field_chars: int = Field(
        10_000, ge=1, description="Longest value (in characters) a CSV field may hold; longer ones are refused."
    )
    lock_wait_seconds: float = Field(
        120, ge=0, description="How long a write waits for another to finish before giving up, writing nothing."
    )
    sign_in_max_failures: int = Field(5, ge=1, description="Failed sign-ins that lock an account.")
    sign_in_failure_window_minutes: float = Field(
        15, gt=0, description="Failed sign-ins count towards a lockout within this many minutes."
    )
    sign_in_lockout_minutes: float = Field(15, gt=0, description="How long a locked account stays locked.")
    sign_in_wait_seconds: float = Field(
        5, ge=0, description="How long a sign-in or sign-out waits for another write to the database before it "
        "answers that the dashboard is busy (HTTP 503), having written nothing.",
    )
    sign_in_rate_per_minute: int = Field(
        20, ge=1, description="Sign-in posts one client address may make in a minute; more are answered HTTP 429.",
    )
    trusted_proxies: str = Field(
        "", description="Addresses or networks (CIDR) of the reverse proxies in front of the app, separated by "
        "commas; only a request from one of them has its X-Forwarded-For, -Proto and -Host believed.",
    )
    frame_ancestors: str = Field(
        "", description="Origins (https://portal.city.example) allowed to show the dashboard in a frame, separated "
        "by spaces; unset, no site may.",
    )
    password_time_cost: int = Field(3, ge=1, description="Argon2id passes over memory per password hash.")
    password_memory_kib: int = Field(
        65_536, ge=8, description="Argon2id memory per password hash, in KiB (64 MiB: the library's default)."
    )
    password_parallelism: int = Field(4, ge=1, description="Argon2id lanes per password hash.")
    session_idle_minutes: float = Field(30, gt=0, description="A session unused this long ends.")
    session_max_hours: float = Field(12, gt=0, description="A session ends this long after sign-in, used or not.")
    public_mode: bool = Field(
        False, description="Serve the overview, scorecards, KPI pages and the open-data feed to visitors who have not "
        "signed in (read-only); everything else still needs a sign-in.",
    )
    statement_timeout_seconds: float | None = Field(
        None, gt=0, description="PostgreSQL cancels a statement running longer than this (no limit when unset)."
    )
    due_day: int = Field(
        15, ge=1, le=28, description="The day of the next month a KPI's value is due, unless its definition says."
    )
    publish_review: bool = Field(
        True, description="Visitors and the open-data feed see a department's month only once it is published."
    )
    base_url: str = Field(
        "http://127.0.0.1:8501", description="The dashboard's address as people open it, for links in mail."
    )
    smtp_url: str | None = Field(
        None, description="Where mail is sent: smtp://[user:password@]host:port, smtps:// for TLS, ?starttls=true."
    )
    mail_from: str = Field("louiestat@localhost", description="The sender of the mail the dashboard sends.")
    smtp_timeout_seconds: float = Field(
        30, gt=0, description="How long the mail server may take to answer before sending counts as failed."
    )
    source_timeout_seconds: float = Field(
        30, gt=0, description="How long a data source's query or request may take before it counts as failed."
    )
    chromium: str = Field(
        "chromium", min_length=1,
        description="The Chromium that draws the briefing packet's charts: a path, or a command found on PATH.",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: str) -> str:
        _networks(value)
        return value

    @field_validator("frame_ancestors")
    @classmethod
    def _check_origins(cls, value: str) -> str:
        for origin in value.split():
            if not _ORIGIN.fullmatch(origin):
                raise ValueError(
                    f"LOUIESTAT_FRAME_ANCESTORS: '{origin}' is not an origin; give origins separated by spaces, "
                    "each a scheme and a host with an optional port and nothing after it, such as "
                    "https://portal.city.example or https://*.city.example:8443"
                )
        return value

    @property
    def trusted_networks(self) -> tuple[IPNetwork, ...]:
        """``trusted_proxies`` as networks (an address is a network of one)."""
        return _networks(self.trusted_proxies)


# What Content-Security-Policy's frame-ancestors accepts as a site: scheme://host[:port], the host's first label
# possibly a wildcard.
_ORIGIN = re.compile(r"https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
