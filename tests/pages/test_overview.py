"""The city overview on the sample city and on an empty database."""

from __future__ import annotations

import pandas as pd

from louiestat.ingest import ingest
from louiestat.reading.views import City
from metrics.scorecard import city_summary, department_summary, scorecard
from tests.conftest import shown


def test_overview_shows_the_city_and_department_scores_the_metrics_compute(open_page, city_engine) -> None:
    city = City.load(city_engine)
    card = scorecard(city.observations, city.kpis, city.targets, pd.Timestamp("2016-06-01"))
    summary = city_summary(card, city.kpis)
    departments = department_summary(card, city.kpis)

    at = open_page()

    assert at.title[0].value == "City overview"
    assert at.selectbox(key="url_as_of").value == "2016-06"
    # The library has not reported June 2016: the month is incomplete, its scores provisional.
    metrics = {m.label: m.value for m in at.metric if not m.label.startswith("Score this month")}
    assert metrics["City score (provisional)"] == f"{summary['score_month']:.2f}"
    assert metrics["Last 3 months"] == f"{summary['score_3m']:.2f}"
    assert metrics["Last 12 months"] == f"{summary['score_12m']:.2f}"
    assert metrics[f"Off target, of {summary['kpis']}"] == f"✖ {summary['off_target']}"
    tiles = [(m.label, m.value) for m in at.metric if m.label.startswith("Score this month")]
    assert tiles == [
        ("Score this month (provisional)" if d == "library" else "Score this month", f"{s:.2f}")
        for d, s in departments.sort_values("department_name")[["department", "score_month"]].itertuples(index=False)
    ]
    assert at.info[0].value.startswith(
        "**June 2016 is incomplete: 7 of 8 departments, 63 of 72 KPIs reported.** Its department and city scores "
        "are provisional"
    )
    assert not [c.value for c in at.caption if c.value.startswith("Newest month")], "the notice already says it"
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
    assert not at.info  # every department reported January 2014


def test_an_empty_database_says_what_to_upload(open_empty_page) -> None:
    at = open_empty_page()

    assert "No KPIs are defined yet" in at.info[0].value
    assert [link.label for link in at.get("page_link")] == ["Go to Upload"]


def test_the_first_month_of_data_opens_without_error(open_page) -> None:
    at = open_page(as_of="2012-07")

    assert at.selectbox(key="url_as_of").value == "2012-07"
    assert "As of July 2012" in at.caption[0].value


EMS_JULY = "department,kpi,period,value\n" + "".join(
    f"ems,{kpi},2016-07,{value}\n"
    for kpi, value in [("response_time", 8.6), ("calls_answered_90s_pct", 92.0), ("overtime_hours", 3100.0)]
)


def test_one_early_upload_does_not_move_the_city_to_a_half_reported_month(open_page, city_engine) -> None:
    assert ingest(city_engine, EMS_JULY.encode(), name="ems-july.csv").status == "committed"

    at = open_page()
    assert at.selectbox(key="url_as_of").value == "2016-06"
    assert at.selectbox(key="url_as_of").options[0] == "July 2016 · incomplete"
    assert "Newest month, July 2016: 1 of 8 departments, 3 of 72 KPIs reported so far." in [c.value for c in at.caption]

    at = open_page(as_of="2016-07")
    assert at.info[0].value.startswith(
        "**July 2016 is incomplete: 1 of 8 departments, 3 of 72 KPIs reported.** Its department and city scores "
        "are provisional and can change as the rest report. The newest month most departments have reported is "
        "June 2016."
    )
    labels = [m.label for m in at.metric]
    assert "City score (provisional)" in labels
    assert labels.count("Score this month (provisional)") == 7 and labels.count("Score this month") == 1
    assert {m.label: m.value for m in at.metric}["Overdue, of 8"] == "7"


def test_the_movers_also_come_as_cards_with_kpi_department_and_why_for_a_phone(open_page) -> None:
    """A phone shows the cards (screen.css), where the wide table would hide the department and why."""
    at = open_page(as_of="2016-06")

    table = at.dataframe(key="mover_rows").value
    links = [link for link in at.get("page_link") if link.proto.page == "kpi"]
    assert [link.label for link in links] == [f"**{name}**" for name in table["KPI"]]
    assert all("as_of=2016-06" in link.proto.query_string for link in links)
    assert "department=hr&kpi=turnover_rate&as_of=2016-06" in [link.proto.query_string for link in links]
    lines = [shown(m.value) for m in at.markdown]
    for department, why in zip(table["Department"], table["Why"]):
        assert f"{department} · {why}" in lines
