"""Settings read from the environment (prefix ``LOUIESTAT_``), the only place configuration comes from."""

from __future__ import annotations

import getpass
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


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
    session_idle_minutes: float = Field(30, gt=0, description="A session unused this long ends.")
    session_max_hours: float = Field(12, gt=0, description="A session ends this long after sign-in, used or not.")
    public_mode: bool = Field(
        False, description="Serve the overview, scorecards, KPI pages and the open-data feed to visitors who have not "
        "signed in (read-only); everything else still needs a sign-in.",
    )
    statement_timeout_seconds: float | None = Field(
        None, gt=0, description="PostgreSQL cancels a statement running longer than this (no limit when unset)."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
