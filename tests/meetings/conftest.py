"""Fixtures for stat meetings: the sample city with its held meetings, and people of each role."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from louiestat.access.principal import Principal
from louiestat.meetings.sample import load_sample_meetings

ADMIN = Principal(label="perf@city.gov", role="admin")
HR_ANALYST = Principal(label="ann@city.gov", role="analyst", departments=frozenset({"hr"}))
EMS_ANALYST = Principal(label="eli@city.gov", role="analyst", departments=frozenset({"ems"}))
VIEWER = Principal(label="val@city.gov", role="viewer")


@pytest.fixture
def sample_meetings(sample_city: Engine) -> Engine:
    """The sample city with one held meeting per department (May 2016, held in June 2016) and its follow-ups."""
    assert load_sample_meetings(sample_city, "sample") == (
        "meetings.json: 8 held meetings with 20 follow-ups (7 closed)"
    )
    return sample_city
