"""A dry run reports exactly what the commit that follows does (new, changed, unchanged, rejected, details)
and writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from louiestat.ingest import UploadResult, ingest
from tests.conftest import snapshot

COUNTS = ("kind", "rows", "new", "changed", "unchanged", "rejected", "details", "error_count", "errors", "warnings")

STORED = {
    "values": "department,kpi,period,value,target\nhr,overtime_hours,2013-01,100,\nhr,overtime_hours,2013-02,110,90\n",
    "hiring": "department,position_id,posted_date,filled_date\nhr,P-1,2013-01-01,2013-01-31\nhr,P-2,2013-01-05,\n",
    "definitions": "department,department_name,kpi,kpi_name,unit,direction,target\n"
    "hr,Human Resources,hires,Hires,count,higher_is_better,10\n",
}
UPLOADED = {
    "values": "department,kpi,period,value,target,comment\n"
    "hr,overtime_hours,2013-01,100,,a\nhr,overtime_hours,2013-02,115,85,b\nhr,overtime_hours,2013-03,120,,c\n"
    "ems,response_time,2013-01,9.1,8,d\n",
    "hiring": "department,position_id,posted_date,filled_date\n"
    "hr,P-1,2013-01-01,2013-01-31\nhr,P-2,2013-01-05,2013-03-05\nhr,P-3,2013-02-01,2013-02-11\n",
    "definitions": "department,department_name,kpi,kpi_name,unit,direction,target\n"
    "hr,Human Resources,hires,Hires,count,higher_is_better,12\n"
    "parks,Parks,mowing,Acres mowed,count,higher_is_better,\n"
    "hr,Human Resources,time_to_fill,Time to fill vacancies,days,lower_is_better,60\n",
}


def counts(result: UploadResult) -> dict:
    return {k: getattr(result, k) for k in COUNTS}


@pytest.mark.parametrize("kind", ["values", "hiring", "definitions"])
def test_a_dry_run_reports_what_the_commit_then_does_and_writes_nothing(city: Engine, kind: str) -> None:
    assert ingest(city, STORED[kind].encode(), name="stored.csv").status == "committed"
    before = snapshot(city)
    dry = ingest(city, UPLOADED[kind].encode(), name="new.csv", dry_run=True)
    assert (dry.status, dry.dry_run, dry.batch_id) == ("dry_run", True, None)
    assert snapshot(city) == before
    real = ingest(city, UPLOADED[kind].encode(), name="new.csv")
    assert real.status == "committed"
    assert counts(dry) == counts(real)
    assert dry.new + dry.changed > 0 and dry.unchanged > 0
    assert snapshot(city) != before


def test_a_dry_run_counts_the_targets_a_values_file_sets_in_its_details(city: Engine) -> None:
    ingest(city, STORED["values"].encode(), name="stored.csv")
    dry = ingest(city, UPLOADED["values"].encode(), name="new.csv", dry_run=True)
    assert (dry.new, dry.changed, dry.unchanged) == (2, 1, 1)
    assert dry.details == {"targets_new": 1, "targets_changed": 1, "targets_unchanged": 0}
    assert [w.column for w in dry.warnings] == ["comment"]
    assert dry.message == "Dry run of new.csv (values, 4 rows): a commit would write 2 new, 1 changed, 1 unchanged."


def test_a_dry_run_of_hiring_records_counts_the_time_to_fill_values_it_would_write(city: Engine) -> None:
    ingest(city, STORED["hiring"].encode(), name="stored.csv")
    dry = ingest(city, UPLOADED["hiring"].encode(), name="new.csv", dry_run=True)
    assert (dry.new, dry.changed, dry.unchanged) == (1, 1, 1)
    assert dry.details == {
        "time_to_fill_values_new": 2,
        "time_to_fill_values_changed": 0,
        "time_to_fill_values_unchanged": 1,
        "time_to_fill_values_deleted": 0,
    }


def test_a_dry_run_of_a_bad_file_lists_the_same_errors_as_a_commit_would(city: Engine) -> None:
    data = b"department,kpi,period,value\nhr,overtime_hours,2013-13,5\nhr,overtime_hours,2013-02,\nhr,x,2013-01,1\n"
    before = snapshot(city)
    dry = ingest(city, data, name="bad.csv", dry_run=True)
    real = ingest(city, data, name="bad.csv")
    assert (dry.status, real.status) == ("rejected", "rejected")
    assert counts(dry) == counts(real)
    assert [(e.line, e.column) for e in dry.errors] == [(2, "period"), (3, "value"), (4, "kpi")]
    assert snapshot(city) == before


def test_a_dry_run_of_a_file_already_stored_reports_no_changes(city: Engine) -> None:
    ingest(city, STORED["values"].encode(), name="stored.csv")
    before = snapshot(city)
    dry = ingest(city, STORED["values"].encode(), name="stored.csv", dry_run=True)
    assert (dry.status, dry.new, dry.changed, dry.unchanged) == ("dry_run", 0, 0, 2)
    assert snapshot(city) == before
