"""The sample city that ``init --sample`` loads: eight departments' KPIs, values, hiring records and process
changes from ``sample_data/``, and three accounts for trying the dashboard locally (never for a real city)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select

from louiestat.access.principal import Principal
from louiestat.access.users import UserRecord, add_user
from louiestat.db.models import User
from louiestat.ingest import UploadResult, ingest

SAMPLE_DATA = Path(__file__).resolve().parent.parent / "sample_data"
SAMPLE_FILES = ("definitions.csv", "values.csv", "hiring.csv", "process_changes.csv")

# (email, role, departments, password): the README gives these for trying the sample city on one's own machine.
SAMPLE_ACCOUNTS = (
    ("admin@city.example", "admin", (), "sample-admin-password"),
    ("analyst@city.example", "analyst", ("ems", "fire"), "sample-analyst-password"),
    ("viewer@city.example", "viewer", (), "sample-viewer-password"),
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
