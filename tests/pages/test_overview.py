"""The city overview on the sample city and on an empty database."""

from __future__ import annotations

import pandas as pd

from louiestat.views import City
from metrics.scorecard import city_summary, department_summary, scorecard


def test_overview_shows_the_city_and_department_scores_the_metrics_compute(open_page, city_engine) -> None:
    city = City.load(city_engine)
    card = scorecard(city.observations, city.kpis, city.targets, pd.Timestamp("2016-06-01"))
    summary = city_summary(card, city.kpis)
    departments = department_summary(card, city.kpis)

    at = open_page()

    assert at.title[0].value == "City overview"
    assert at.selectbox(key="url_as_of").value == "2016-06"
    metrics = {m.label: m.value for m in at.metric if m.label != "Score this month"}
    assert metrics["City score"] == f"{summary['score_month']:.2f}"
    assert metrics["Last 3 months"] == f"{summary['score_3m']:.2f}"
    assert metrics["Last 12 months"] == f"{summary['score_12m']:.2f}"
    assert metrics[f"Off target, of {summary['kpis']}"] == f"✖ {summary['off_target']}"
    tiles = [m.value for m in at.metric if m.label == "Score this month"]
    assert tiles == [f"{s:.2f}" for s in departments.sort_values("department_name")["score_month"]]
    headings = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert headings == [f"#### {n}" for n in departments.sort_values("department_name")["department_name"]]


def test_overview_of_an_earlier_month_follows_the_as_of_parameter(open_page, city_engine) -> None:
    city = City.load(city_engine)
    card = scorecard(city.observations, city.kpis, city.targets, pd.Timestamp("2014-01-01"))
    summary = city_summary(card, city.kpis)

    at = open_page(as_of="2014-01")

    assert at.selectbox(key="url_as_of").value == "2014-01"
    assert "As of January 2014" in at.caption[0].value
    assert {m.label: m.value for m in at.metric}["City score"] == f"{summary['score_month']:.2f}"


def test_an_empty_database_says_what_to_upload(open_empty_page) -> None:
    at = open_empty_page()

    assert "No KPIs are defined yet" in at.info[0].value
    assert [link.label for link in at.get("page_link")] == ["Go to Upload"]


def test_the_first_month_of_data_opens_without_error(open_page) -> None:
    at = open_page(as_of="2012-07")

    assert at.selectbox(key="url_as_of").value == "2012-07"
    assert "As of July 2012" in at.caption[0].value
