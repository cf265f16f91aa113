"""Errors found after a file is read (rights, rescores, planning) name the row's true line, even when blank
lines make the fast reader's provisional numbering differ."""

from __future__ import annotations

from sqlalchemy import Engine

from louiestat.access import users
from louiestat.access.users import signed_in
from louiestat.ingest import ingest
from tests.conftest import DEFINITIONS

FLIP = (
    "department,department_name,kpi,kpi_name,unit,direction,target\n\n\n"
    "ems,Emergency Medical Services,response_time,Response time,minutes,higher_is_better,9\n"
)


def test_an_unconfirmed_rescore_names_its_true_line(city: Engine) -> None:
    assert ingest(city, b"department,kpi,period,value\nems,response_time,2016-06,8.6\n", name="v.csv").status == "committed"
    result = ingest(city, FLIP.encode(), name="flip.csv")
    assert result.status == "rejected"
    assert [(p.line, p.column) for p in result.errors] == [(4, "direction")]
    assert [r.line for r in result.rescores] == [4]


def test_a_foreign_row_after_blank_lines_names_its_true_line(engine: Engine) -> None:
    assert ingest(engine, DEFINITIONS.encode(), name="definitions.csv").status == "committed"
    users.add_user(engine, "ana@city.gov", "analyst", departments=["ems"], by="cli:root")
    values = "department,kpi,period,value\nems,response_time,2016-06,8.6\n\n\nhr,overtime_hours,2016-06,120\n"
    result = ingest(engine, values.encode(), name="values.csv", actor=signed_in(engine, "ana@city.gov"))
    assert [(p.line, p.value) for p in result.errors] == [(5, "hr")]
