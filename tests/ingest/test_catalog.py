"""Matching the departments and KPIs a file names: slug or key first, else a display name in any case and
spacing; a name two departments (or two KPIs of one department) share means neither and is refused."""

from __future__ import annotations

from sqlalchemy import Engine, insert, select

from louiestat.access.principal import Principal
from louiestat.db.models import Department, Kpi
from louiestat.ingest import UploadResult, ingest
from louiestat.reading import queries
from louiestat.writing.service import Change, record
from tests.conftest import snapshot


def duplicate_names(engine: Engine) -> None:
    """What older versions accepted: a department 'ems2' named like 'ems', and a second KPI of 'ems' named like
    its response time."""
    with engine.begin() as conn:
        batch_id = record(conn, Principal("past"), Change(kind="definitions", source="old.csv"), lambda c, b: {})
        ems = conn.execute(select(Department.id).where(Department.slug == "ems")).scalar_one()
        ems2 = conn.execute(
            insert(Department).values(slug="ems2", name="emergency medical  services", batch_id=batch_id)
        ).inserted_primary_key[0]
        for department_id, key, name in [(ems, "response_time_2", "Response Time"), (ems2, "calls", "Calls")]:
            conn.execute(
                insert(Kpi).values(
                    department_id=department_id, key=key, name=name, unit="minutes", direction="lower_is_better",
                    tolerance_pct=10, enterprise=False, source="reported", batch_id=batch_id,
                )
            )


def refused(engine: Engine, data: str) -> UploadResult:
    before = snapshot(engine)
    result = ingest(engine, data.encode(), name="upload.csv")
    assert result.status == "rejected", result.message
    assert snapshot(engine) == before
    return result


def test_a_department_name_two_departments_share_is_refused_naming_both(city: Engine) -> None:
    duplicate_names(city)
    result = refused(city, "department,kpi,period,value\nEmergency Medical Services,calls,2013-01,5\n")

    assert [(e.line, e.column, e.value) for e in result.errors] == [(2, "department", "Emergency Medical Services")]
    assert result.errors[0].message == (
        "ambiguous department: 'Emergency Medical Services' is the name of 'ems' (Emergency Medical Services) and "
        "'ems2' (emergency medical  services), so it could mean either; give the department slug (ems or ems2) "
        "instead, or rename one of them in a definitions file"
    )


def test_a_kpi_name_two_kpis_of_a_department_share_is_refused_naming_both(city: Engine) -> None:
    duplicate_names(city)
    result = refused(
        city, "department,kpi,period,reason\nems,response time,2013-01,New dispatch\nems,Response  Time,2013-02,x\n"
    )

    assert [(e.line, e.column) for e in result.errors] == [(2, "kpi"), (3, "kpi")]
    assert result.errors[0].message == (
        "ambiguous KPI name of department 'ems': 'response time' is the name of 'response_time' (Response time) "
        "and 'response_time_2' (Response Time), so it could mean either; give the KPI key (response_time or "
        "response_time_2) instead, or rename one of them in a definitions file"
    )


def test_slugs_and_keys_match_exactly_even_where_names_are_shared(city: Engine) -> None:
    duplicate_names(city)
    result = ingest(
        city,
        b"department,kpi,period,value\nEMS2,calls,2013-01,5\n ems ,Response_Time_2,2013-01,7\n",
        name="values.csv",
    )

    assert result.status == "committed", [str(e) for e in result.errors]
    stored = queries.observations(city).merge(queries.kpis(city)[["kpi_id", "department", "kpi"]])
    assert stored[["department", "kpi", "value"]].values.tolist() == [["ems", "response_time_2", 7.0],
                                                                       ["ems2", "calls", 5.0]]


def test_a_name_one_department_has_matches_in_any_case_and_spacing(city: Engine) -> None:
    result = ingest(
        city, b"department,kpi,period,value\n emergency  MEDICAL services ,response TIME,2013-01,8\n", name="v.csv"
    )

    assert result.status == "committed", [str(e) for e in result.errors]
    stored = queries.observations(city).merge(queries.kpis(city)[["kpi_id", "department", "kpi"]])
    assert stored[["department", "kpi", "value"]].values.tolist() == [["ems", "response_time", 8.0]]


def test_hiring_rows_naming_a_shared_department_name_are_refused(city: Engine) -> None:
    duplicate_names(city)
    result = refused(
        city, "department,position_id,posted_date,filled_date\nEmergency Medical Services,P-1,2013-01-01,\n"
    )

    assert [(e.line, e.column) for e in result.errors] == [(2, "department")]
    assert result.errors[0].message.startswith("ambiguous department: 'Emergency Medical Services' is the name of")
