"""The sample city that ``init --sample`` loads: eight departments' KPIs, values, hiring records and process
changes from ``louiestat/sample_data/``, and three accounts for trying the dashboard locally (never for a real city)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Engine, select

from louiestat.access.principal import Principal, Role
from louiestat.access.users import UserRecord, add_user
from louiestat.db.models import User
from louiestat.ingest import UploadResult, ingest

SAMPLE_DATA = Path(__file__).resolve().parent / "sample_data"
SAMPLE_FILES = ("definitions.csv", "values.csv", "hiring.csv", "process_changes.csv")



class SampleAccount(NamedTuple):
    """An account for trying the sample city on one's own machine (the README gives them)."""

    email: str
    role: Role
    departments: tuple[str, ...]
    password: str


SAMPLE_ACCOUNTS = tuple(
    SampleAccount(a["email"], a["role"], tuple(a["departments"]), a["password"])
    for a in json.loads((SAMPLE_DATA / "accounts.json").read_text(encoding="utf-8"))
)


def load_files(engine: Engine, by: Principal | str, **options) -> list[UploadResult]:
    """Upload every sample file, in order; stops at the first one refused (it and the rest are not written)."""
    results = []
    for name in SAMPLE_FILES:
        results.append(ingest(engine, SAMPLE_DATA / name, actor=by, **options))
        if results[-1].status == "rejected":
            break
    return results


def add_accounts(engine: Engine, by: Principal | str) -> list[UserRecord]:
    """Add the sample accounts that are not there yet; returns those added."""
    with engine.connect() as conn:
        present = set(conn.execute(select(User.email)).scalars())
    return [
        add_user(engine, email, role, departments=departments, name=f"Sample {role}", password=password, by=by)
        for email, role, departments, password in SAMPLE_ACCOUNTS
        if email not in present
    ]
