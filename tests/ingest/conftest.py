"""Small inline city for ingest tests: two departments, a few KPIs."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from louiestat.ingest import ingest

DEFINITIONS = """department,department_name,kpi,kpi_name,unit,direction,target,tolerance_pct,min_value,max_value
hr,Human Resources,time_to_fill,Time to fill vacancies,days,lower_is_better,60,,,
hr,Human Resources,overtime_hours,Unscheduled overtime hours,hours,lower_is_better,100,5,,
ems,Emergency Medical Services,response_time,Response time,minutes,lower_is_better,9,,,
ems,Emergency Medical Services,calls_answered_pct,Calls answered within 90 seconds,percent,higher_is_better,90,,0,100
"""


@pytest.fixture
def city(engine: Engine) -> Engine:
    result = ingest(engine, DEFINITIONS.encode(), name="definitions.csv")
    assert result.status == "committed", result.message
    return engine
