"""Uploading HR hiring records: positions are upserted by (department, position_id), and each department's
``time_to_fill`` KPI is recomputed from them: the mean days from posting to filling, by month of filling."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select

from louiestat.access.principal import Principal
from louiestat.db.models import Department, Position
from louiestat.ingest import UploadResult, ingest
from louiestat.reading import queries
from louiestat.writing.service import Change, record
from tests.conftest import snapshot

HEADER = "department,position_id,title,posted_date,filled_date\n"
HIRING = (
    HEADER
    + "hr,HR-1,Clerk,2013-01-01,2013-01-31\n"  # 30 days, filled in January
    + "hr,HR-2,Analyst,12/20/2012,01/15/2013\n"  # 26 days, January
    + "hr,HR-3,,2013-01-10,2013-02-20\n"  # 41 days, February
    + "hr,HR-4,Clerk,2013-02-01,\n"  # still open
    + "ems,HR-1,Paramedic,2013-01-05,2013-01-20\n"  # EMS has no time_to_fill KPI
)


def upload(engine: Engine, data: str) -> UploadResult:
    result = ingest(engine, data.encode(), name="hiring.csv")
    assert result.status in {"committed", "unchanged"}, [str(e) for e in result.errors]
    return result


def positions(engine: Engine) -> dict[tuple[str, str], tuple]:
    frame = queries.hiring(engine)
    return {
        (d, p): (None if pd.isna(t) else t, posted.date(), None if pd.isna(filled) else filled.date())
        for d, p, t, posted, filled in frame[
            ["department", "position_id", "title", "posted_date", "filled_date"]
        ].values
    }


def time_to_fill(engine: Engine) -> dict[str, float]:
    kpis = queries.kpis(engine)
    kpi_id = int(kpis.loc[kpis["kpi"] == "time_to_fill", "kpi_id"].iloc[0])
    obs = queries.observations(engine, [kpi_id])
    return {p.strftime("%Y-%m"): v for p, v in zip(obs["period"], obs["value"])}


def test_hiring_records_are_stored_one_row_per_position(city: Engine) -> None:
    result = upload(city, HIRING)
    assert (result.status, result.kind, result.new, result.changed, result.rows) == ("committed", "hiring", 5, 0, 5)
    assert positions(city) == {
        ("hr", "HR-1"): ("Clerk", dt.date(2013, 1, 1), dt.date(2013, 1, 31)),
        ("hr", "HR-2"): ("Analyst", dt.date(2012, 12, 20), dt.date(2013, 1, 15)),
        ("hr", "HR-3"): (None, dt.date(2013, 1, 10), dt.date(2013, 2, 20)),
        ("hr", "HR-4"): ("Clerk", dt.date(2013, 2, 1), None),
        ("ems", "HR-1"): ("Paramedic", dt.date(2013, 1, 5), dt.date(2013, 1, 20)),
    }


def test_time_to_fill_is_the_mean_days_to_fill_by_month_of_filling(city: Engine) -> None:
    result = upload(city, HIRING)
    assert time_to_fill(city) == {"2013-01": (30 + 26) / 2, "2013-02": 41.0}
    assert result.details == {
        "departments_without_time_to_fill_kpi": 1,
        "time_to_fill_values_new": 2,
        "time_to_fill_values_changed": 0,
        "time_to_fill_values_unchanged": 0,
        "time_to_fill_values_deleted": 0,
    }
    batches = {row[4] for row in snapshot(city)["observations"]}
    assert batches == {result.batch_id}


def test_an_open_position_counts_once_it_is_filled(city: Engine) -> None:
    upload(city, HIRING)
    result = upload(city, HEADER + "hr,HR-4,Clerk,2013-02-01,2013-03-01\n")
    assert (result.new, result.changed, result.unchanged) == (0, 1, 0)
    assert positions(city)[("hr", "HR-4")] == ("Clerk", dt.date(2013, 2, 1), dt.date(2013, 3, 1))
    assert time_to_fill(city) == {"2013-01": 28.0, "2013-02": 41.0, "2013-03": 28.0}
    assert len(positions(city)) == 5, "positions missing from the file are kept"


def test_correcting_a_fill_date_moves_the_value_and_removes_a_month_without_fills(city: Engine) -> None:
    first = upload(city, HIRING)
    result = upload(city, HEADER + "hr,HR-3,,2013-01-10,2013-01-25\n")
    assert (result.status, result.new, result.changed, result.unchanged) == ("committed", 0, 1, 0)
    assert time_to_fill(city) == {"2013-01": pytest.approx((30 + 26 + 15) / 3)}
    assert result.details == {
        "time_to_fill_values_new": 0,
        "time_to_fill_values_changed": 1,
        "time_to_fill_values_unchanged": 0,
        "time_to_fill_values_deleted": 1,
    }
    history = sorted((row[2], row[3], row[5], row[-1]) for row in snapshot(city)["observations_history"])
    assert history == [
        (dt.date(2013, 1, 1), 28.0, first.batch_id, result.batch_id),
        (dt.date(2013, 2, 1), 41.0, first.batch_id, result.batch_id),
    ]
    old_position = [row[2:] for row in snapshot(city)["positions_history"]]
    assert old_position == [("HR-3", None, dt.date(2013, 1, 10), dt.date(2013, 2, 20), first.batch_id, result.batch_id)]


def test_the_same_position_id_in_two_departments_is_two_positions(city: Engine) -> None:
    upload(city, HIRING)
    assert positions(city)[("hr", "HR-1")] != positions(city)[("ems", "HR-1")]
    result = upload(city, HEADER + "ems,HR-1,Paramedic,2013-01-05,2013-01-21\n")
    assert (result.new, result.changed) == (0, 1)
    assert positions(city)[("hr", "HR-1")] == ("Clerk", dt.date(2013, 1, 1), dt.date(2013, 1, 31))
    assert positions(city)[("ems", "HR-1")] == ("Paramedic", dt.date(2013, 1, 5), dt.date(2013, 1, 21))


def test_uploading_the_same_hiring_file_again_changes_nothing(city: Engine) -> None:
    upload(city, HIRING)
    before = snapshot(city)
    result = upload(city, HIRING)
    assert (result.status, result.new, result.changed, result.unchanged, result.batch_id) == (
        "unchanged",
        0,
        0,
        5,
        None,
    )
    assert result.details["time_to_fill_values_unchanged"] == 2
    assert snapshot(city) == before


def test_a_department_named_by_its_display_name_is_matched(city: Engine) -> None:
    upload(city, HEADER + "Human Resources,HR-9,Clerk,2013-05-01,2013-05-11\n")
    assert positions(city) == {("hr", "HR-9"): ("Clerk", dt.date(2013, 5, 1), dt.date(2013, 5, 11))}
    assert time_to_fill(city) == {"2013-05": 10.0}


def test_a_file_without_the_title_column_keeps_the_stored_titles(city: Engine) -> None:
    upload(city, HIRING)
    result = upload(city, "department,position_id,posted_date,filled_date\nhr,HR-1,2013-01-01,2013-01-31\n")
    assert (result.status, result.new, result.changed, result.unchanged) == ("unchanged", 0, 0, 1)
    upload(city, "department,position_id,posted_date,filled_date\nhr,HR-4,2013-02-01,2013-02-15\nhr,HR-5,2013-03-01,\n")
    assert positions(city)[("hr", "HR-4")] == ("Clerk", dt.date(2013, 2, 1), dt.date(2013, 2, 15))
    assert positions(city)[("hr", "HR-5")] == (None, dt.date(2013, 3, 1), None)


def test_a_position_id_in_another_case_or_spacing_updates_the_first_seen_record(city: Engine) -> None:
    upload(city, HEADER + "hr,hr-2011-0014,Clerk,2013-01-01,\n")
    result = upload(city, HEADER + "hr, HR-2011-0014 ,Clerk,2013-01-01,2013-01-31\nhr,HR 2011,Analyst,2013-01-05,\n")
    assert (result.new, result.changed) == (1, 1)
    upload(city, HEADER + "hr,hr  2011,Analyst,2013-01-05,2013-01-25\n")

    assert positions(city) == {
        ("hr", "hr-2011-0014"): ("Clerk", dt.date(2013, 1, 1), dt.date(2013, 1, 31)),
        ("hr", "HR 2011"): ("Analyst", dt.date(2013, 1, 5), dt.date(2013, 1, 25)),
    }
    assert time_to_fill(city) == {"2013-01": 25.0}


def test_position_ids_differing_only_in_case_within_a_file_are_refused_as_repeats(city: Engine) -> None:
    before = snapshot(city)
    result = ingest(city, (HEADER + "hr,HR-7,Clerk,2013-01-01,\nhr,hr-7,Clerk,2013-01-02,\n").encode(), name="h.csv")

    assert result.status == "rejected"
    assert [(e.line, e.message) for e in result.errors] == [
        (2, "position 'HR-7' of department 'hr' appears more than once in the file (also on line 3); keep one row"),
        (3, "position 'HR-7' of department 'hr' appears more than once in the file (also on line 2); keep one row"),
    ]
    assert snapshot(city) == before


def test_an_id_matching_stored_twins_only_ignoring_case_is_refused_naming_them(city: Engine) -> None:
    # Older versions stored case variants as two positions; an exact spelling still picks one.
    upload(city, HEADER + "hr,HR-7,Clerk,2013-01-01,\n")
    with city.begin() as conn:
        batch_id = record(conn, Principal("past"), Change(kind="hiring", source="old.csv"), lambda c, b: {})
        conn.execute(
            insert(Position).values(
                department_id=conn.execute(select(Department.id).where(Department.slug == "hr")).scalar_one(),
                position_id="hr-7", title="Clerk", posted_date=dt.date(2013, 1, 2), batch_id=batch_id,
            )
        )
    before = snapshot(city)

    result = ingest(city, (HEADER + "hr,Hr-7,Clerk,2013-01-01,2013-01-31\n").encode(), name="h.csv")
    assert result.status == "rejected"
    assert [(e.line, e.column, e.value, e.message) for e in result.errors] == [
        (2, "position_id", "Hr-7", (
            "position id 'Hr-7' matches 2 stored positions of department 'hr' that differ only in case or spacing "
            "(HR-7, hr-7), so it could mean any of them; use the exact spelling of the one it is"
        ))
    ]
    assert result.rejected == 1
    assert snapshot(city) == before

    upload(city, HEADER + "hr,hr-7,Clerk,2013-01-02,2013-01-12\n")
    assert positions(city)[("hr", "hr-7")] == ("Clerk", dt.date(2013, 1, 2), dt.date(2013, 1, 12))
    assert positions(city)[("hr", "HR-7")] == ("Clerk", dt.date(2013, 1, 1), None)
