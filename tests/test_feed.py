"""The open-data feed publishes what the dashboard shows: definitions, and per month the value, the target in
force, the status and the score, the same in CSV and JSON, numbers and booleans written as data (600, false)."""

from __future__ import annotations

import io
import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import pytest
import uvicorn
from sqlalchemy import Engine
from starlette.applications import Starlette

from louiestat.config import get_settings
from louiestat.errors import UnknownDepartment
from louiestat.exports import feed
from louiestat.ingest import ingest
from louiestat.reading.views import City
from louiestat.web.feed import FEED_ROUTES


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
    with pytest.raises(UnknownDepartment, match="no department 'nope'"):
        feed.values_feed(City.load(city), "nope")


def test_formula_like_names_are_guarded_in_the_csv(engine: Engine) -> None:
    nasty = (
        "department,department_name,kpi,kpi_name,unit,direction,target\n"
        'ems,Emergency Medical Services,response_time,"=HYPERLINK(""http://x"")",minutes,lower_is_better,9\n'
    )
    assert ingest(engine, nasty.encode(), name="definitions.csv").status == "committed"
    published = pd.read_csv(io.StringIO(feed.as_csv(feed.kpis_feed(City.load(engine)))), dtype=str)
    assert published["kpi_name"].tolist() == ["'=HYPERLINK(\"http://x\")"], "shown as text by a spreadsheet"


WHOLE = "department,kpi,period,value\nhr,overtime_hours,2016-06,100\nems,response_time,2016-06,8.6\n"
OVERTIME = "hr,Human Resources,overtime_hours,Unscheduled overtime hours,,hours,lower_is_better,100,5,,false,reported"


def test_the_csv_writes_whole_numbers_as_integers_and_booleans_as_true_or_false(city: Engine) -> None:
    assert ingest(city, WHOLE.encode(), name="values.csv").status == "committed"
    kpis = feed.as_csv(feed.kpis_feed(City.load(city))).splitlines()
    assert kpis[0].endswith(",target,tolerance_pct,aggregation,enterprise,source")
    assert OVERTIME in kpis
    values = feed.as_csv(feed.values_feed(City.load(city))).splitlines()
    assert values[1:] == ["ems,response_time,2016-06,8.6,9,on_target,1.0465",
                          "hr,overtime_hours,2016-06,100,100,on_target,1"]


def test_the_json_has_the_same_numbers_and_json_booleans(city: Engine) -> None:
    assert ingest(city, WHOLE.encode(), name="values.csv").status == "committed"
    published = json.loads(feed.as_json(feed.kpis_feed(City.load(city))))
    overtime = next(k for k in published if k["kpi"] == "overtime_hours")
    assert (overtime["target"], overtime["tolerance_pct"], overtime["enterprise"]) == (100, 5, False)
    assert isinstance(overtime["target"], int) and overtime["aggregation"] is None
    rows = json.loads(feed.as_json(feed.values_feed(City.load(city), "hr")))
    assert rows == [{"department": "hr", "kpi": "overtime_hours", "period": "2016-06", "value": 100, "target": 100,
                     "status": "on_target", "score": 1}]


@contextmanager
def _feed_server() -> Iterator[str]:
    """The app's feed routes served by uvicorn on a free loopback port; yields the base URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(Starlette(routes=FEED_ROUTES), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_the_feed_route_serves_numbers_and_booleans_as_data(city: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ingest(city, WHOLE.encode(), name="values.csv").status == "committed"
    monkeypatch.setenv("LOUIESTAT_PUBLIC_MODE", "1")
    get_settings.cache_clear()
    with _feed_server() as url:
        with urllib.request.urlopen(f"{url}/api/v1/kpis.csv", timeout=30) as response:
            kpis = response.read().decode().splitlines()
        with urllib.request.urlopen(f"{url}/api/v1/values.csv?department=hr", timeout=30) as response:
            values = response.read().decode().splitlines()
        with urllib.request.urlopen(f"{url}/api/v1/kpis.json", timeout=30) as response:
            published = json.loads(response.read())
    assert OVERTIME in kpis
    assert not [line for line in kpis if ".0," in line or "False" in line or "True" in line]
    assert values == ["department,kpi,period,value,target,status,score",
                      "hr,overtime_hours,2016-06,100,100,on_target,1"]
    assert {(k["kpi"], k["target"], k["enterprise"]) for k in published} >= {("overtime_hours", 100, False)}
