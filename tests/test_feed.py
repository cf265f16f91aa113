"""The open-data feed publishes what the dashboard shows: definitions, and per month the value, the target in
force, the status and the score, the same in CSV and JSON."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from sqlalchemy import Engine

from louiestat import feed
from louiestat.ingest import ingest
from louiestat.views import City


def test_the_kpis_feed_lists_every_definition_of_the_sample_city(sample_city: Engine) -> None:
    kpis = feed.kpis_feed(City.load(sample_city))
    assert list(kpis.columns) == feed.KPI_COLUMNS
    assert len(kpis) == 80 and kpis["department"].nunique() == 8
    ems = kpis.set_index(["department", "kpi"]).loc[("ems", "response_time")]
    assert (ems["unit"], ems["direction"], ems["target"]) == ("minutes", "lower_is_better", 9.0)


def test_each_month_has_its_target_in_force_status_and_score(city: Engine) -> None:
    values = (
        "department,kpi,period,value,target\n"
        "ems,response_time,2016-05,9.9,\n"
        "ems,response_time,2016-06,8.0,8.5\n"
        "hr,overtime_hours,2016-06,100,\n"
    )
    assert ingest(city, values.encode(), name="values.csv").status == "committed"
    rows = feed.values_feed(City.load(city), "ems")
    assert rows.to_dict("records") == [
        {"department": "ems", "kpi": "response_time", "period": "2016-05", "value": 9.9, "target": 9.0,
         "status": "near_target", "score": round(9 / 9.9, 4)},
        {"department": "ems", "kpi": "response_time", "period": "2016-06", "value": 8.0, "target": 8.5,
         "status": "on_target", "score": round(8.5 / 8.0, 4)},
    ]
    assert len(feed.values_feed(City.load(city))) == 3


def test_csv_and_json_say_the_same(sample_city: Engine) -> None:
    rows = feed.values_feed(City.load(sample_city), "library")
    from_csv = pd.read_csv(io.StringIO(feed.as_csv(rows)), keep_default_na=False, na_values=[""])
    from_json = pd.DataFrame(json.loads(feed.as_json(rows)))
    assert len(from_csv) == len(rows) > 0
    pd.testing.assert_frame_equal(from_csv, from_json, check_dtype=False)


def test_an_unknown_department_is_refused(city: Engine) -> None:
    with pytest.raises(feed.UnknownDepartment, match="no department 'nope'"):
        feed.values_feed(City.load(city), "nope")


def test_formula_like_names_are_guarded_in_the_csv(engine: Engine) -> None:
    nasty = (
        "department,department_name,kpi,kpi_name,unit,direction,target\n"
        'ems,Emergency Medical Services,response_time,"=HYPERLINK(""http://x"")",minutes,lower_is_better,9\n'
    )
    assert ingest(engine, nasty.encode(), name="definitions.csv").status == "committed"
    published = pd.read_csv(io.StringIO(feed.as_csv(feed.kpis_feed(City.load(engine)))), dtype=str)
    assert published["kpi_name"].tolist() == ["'=HYPERLINK(\"http://x\")"], "shown as text by a spreadsheet"
