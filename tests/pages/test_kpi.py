"""The KPI detail page: deep link, values equal to the metrics, the chart's content, corrections."""

from __future__ import annotations

import pandas as pd

from louiestat.ingest import ingest
from louiestat.presentation import charts
from louiestat.presentation.values import axis_label
from louiestat.reading.views import City, kpi_detail
from tests.conftest import shown


def test_a_deep_link_opens_the_kpi_and_shows_its_latest_value_and_target(open_page) -> None:
    at = open_page("kpi", department="ems", kpi="response_time", as_of="2016-06")

    assert at.selectbox(key="url_kpi").value == "response_time"
    assert "### Response time, priority 1" in [m.value for m in at.markdown]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Target"] == "8.5 min"
    assert metrics["Latest (June 2016)"].endswith(" min")
    assert [(m.delta, m.proto.delta_description) for m in at.metric if m.label == "Latest (June 2016)"] == [
        ("-0.2% (better)", "vs last month")]


def test_the_first_month_has_no_comparison_in_words(open_page) -> None:
    at = open_page("kpi", department="ems", kpi="response_time", as_of="2012-07")

    assert [(m.delta, m.proto.delta_description) for m in at.metric if m.label.startswith("Latest")] == [
        ("no comparison", "with the previous month")]


def test_the_chart_shows_the_target_step_the_process_change_and_the_special_causes(city_engine) -> None:
    city = City.load(city_engine)
    ems = city.kpis[(city.kpis["department"] == "ems") & (city.kpis["kpi"] == "response_time")].iloc[0]
    detail = kpi_detail(city, int(ems["kpi_id"]), pd.Timestamp("2016-06-01"))

    figure = charts.detail_chart(detail, year_over_year=True)

    assert (figure.layout.title.text.replace("<br>", " "), figure.layout.yaxis.title.text) == (
        f"{ems['kpi_name']} by month", axis_label(ems["unit"]))
    traces = {trace.name: trace for trace in figure.data}
    target = [y for y in traces["Target"].y if y == y]
    assert target[0] == 9.0 and target[-1] == 8.5
    assert traces["Target"].line.shape == "hv"
    assert traces["Real improvement (special cause)"].marker.symbol == "circle"
    means = traces["Average (SPC mean)"]
    assert None in means.y, "the mean breaks at the process change instead of slanting across it"
    before, after = means.y[: means.y.index(None)], means.y[means.y.index(None) + 1 :]
    assert len(set(before)) == 1 and len(set(after)) == 1 and before[0] > after[0] + 1
    assert "Same month last year" in traces
    texts = [a.text for a in figure.layout.annotations]
    assert "Process change: New CAD dispatch<br>system live" in texts
    assert "New CAD dispatch system live" in texts
    assert [shape.type for shape in figure.layout.shapes] == ["line"]


def test_a_corrected_value_shows_its_earlier_value_and_batch(open_page, city_engine) -> None:
    text = "department,kpi,period,value\nems,response_time,2016-06,9.9\n"
    result = ingest(city_engine, text.encode(), name="fix.csv", actor="analyst")
    assert result.changed == 1

    at = open_page("kpi", department="ems", kpi="response_time", as_of="2016-06")

    table = at.dataframe[0].value
    june = table[table["Month"] == "2016-06"].iloc[0]
    assert june["Value"] == "9.9 min"
    assert june["Uploaded by"] == "analyst"
    assert "(batch 2, sample" in june["Earlier values (corrected)"]


def test_the_last_year_overlay_is_kept_in_the_url(open_page) -> None:
    assert open_page("kpi", department="ems", kpi="response_time", as_of="2016-06", yoy="true").toggle(key="yoy").value
    assert not open_page("kpi", department="ems", kpi="response_time", as_of="2016-06").toggle(key="yoy").value


def test_what_the_chart_says_begins_with_the_scorecards_words_on_the_latest_month(open_page) -> None:
    at = open_page("kpi", department="ems", kpi="hospital_offload_minutes", as_of="2016-06")

    said = "Within normal variation this month; an 11-month run above the average ended in April 2016"
    texts = [shown(m.value) for m in at.markdown]
    assert any(text.endswith(said[:1].lower() + said[1:]) for text in texts), "the sentence under the title"
    bullets = texts[texts.index("- **" + said + "**"):]
    assert bullets[1] == ("- 11 months in a row above the average, June 2015 to April 2016 — a real change for the "
                          "worse, not noise")
