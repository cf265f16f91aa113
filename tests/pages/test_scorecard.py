"""The department scorecard: deep links, values equal to the metrics, status words, downloads."""

from __future__ import annotations

import pandas as pd

from louiestat.reading.views import City, scorecard_table
from metrics.scorecard import scorecard


def test_a_deep_link_opens_the_department_and_month_it_names(open_page, city_engine) -> None:
    at = open_page("scorecard", department="ems", as_of="2015-03")

    assert at.selectbox(key="url_department").value == "ems"
    assert at.selectbox(key="url_as_of").value == "2015-03"
    assert at.query_params["department"] == ["ems"] or at.query_params["department"] == "ems"
    city = City.load(city_engine)
    card = scorecard(city.observations, city.kpis, city.targets, pd.Timestamp("2015-03-01"))
    expected = scorecard_table(card[card["department"] == "ems"])
    shown = at.dataframe[0].value
    assert shown["KPI"].tolist() == expected["KPI"].tolist()
    assert shown["Latest"].tolist() == expected["Latest"].tolist()
    assert shown["Target"].tolist() == expected["Target"].tolist()
    assert shown["Status"].tolist() == expected["Status"].tolist()


def test_status_is_an_icon_and_a_word_and_off_target_comes_first(open_page) -> None:
    at = open_page("scorecard", department="ems", as_of="2016-06")

    statuses = at.dataframe[0].value["Status"].tolist()
    assert set(statuses) <= {"✖ Off target", "◆ Near target", "✔ On target", "○ No target", "– No data"}
    rank = {"✖ Off target": 0, "◆ Near target": 1, "✔ On target": 2, "○ No target": 3, "– No data": 4}
    assert [rank[s] for s in statuses] == sorted(rank[s] for s in statuses)
    assert statuses[0] == "✖ Off target"


def test_changing_the_department_updates_the_url_and_the_table(open_page) -> None:
    at = open_page("scorecard", department="ems")
    at.selectbox(key="url_department").set_value("library").run()

    assert at.query_params["department"] in ("library", ["library"])
    assert "Library visits" in at.dataframe[0].value["KPI"].tolist()


def test_an_overdue_department_is_told_to_upload(open_page) -> None:
    at = open_page("scorecard", department="library", as_of="2016-06")

    assert any("No data for June 2016 yet" in w.value for w in at.warning)
    assert "Department score (provisional)" in [m.label for m in at.metric]
    assert at.info[0].value.startswith("**June 2016 is incomplete: 7 of 8 departments, 63 of 72 KPIs reported.**")


def test_a_department_that_reported_the_month_has_final_scores(open_page) -> None:
    at = open_page("scorecard", department="ems", as_of="2016-05")

    assert "Department score" in [m.label for m in at.metric]
    assert not at.info  # every department reported May 2016
    assert set(at.dataframe[0].value["vs last month"]) - {"– no comparison"}


def test_the_first_month_says_no_comparison_in_words(open_page) -> None:
    at = open_page("scorecard", department="ems", as_of="2012-07")

    table = at.dataframe[0].value
    reported = table[table["Latest"] != "none yet"]
    assert set(reported["vs last month"]) == {"– no comparison"}
    assert set(reported["vs last year"]) == {"– no comparison"}


def test_the_scorecard_downloads_as_csv_and_excel(open_page) -> None:
    at = open_page("scorecard", department="ems")

    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download Excel"]


def test_sort_statuses_columns_and_layout_come_from_the_url(open_page) -> None:
    at = open_page("scorecard", department="ems", as_of="2016-06", sort="name", show="off_target,near_target",
                   columns="signal,note", view="table")

    assert at.selectbox(key="url_sort").value == "name"
    table = at.dataframe[0].value
    assert table["KPI"].tolist() == sorted(table["KPI"])
    assert set(table["Status"]) == {"✖ Off target", "◆ Near target"}
    assert list(at.dataframe[0].proto.column_order)[0] == "KPI"
    assert list(at.dataframe[0].proto.column_order)[-2:] == ["Signal", "Note"]
    assert not at.get("page_link")  # the table alone: no cards


def test_choosing_a_sort_and_statuses_puts_them_in_the_url_and_the_defaults_leave_it_clean(open_page) -> None:
    at = open_page("scorecard", department="ems")
    assert at.selectbox(key="url_sort").value == "status"
    assert "sort" not in at.query_params and "show" not in at.query_params and "as_of" not in at.query_params

    at.selectbox(key="url_sort").set_value("change").run()
    at.button_group(key="url_show").set_value(["off_target"]).run()
    assert at.query_params["sort"] == "change"
    assert at.query_params["show"] == "off_target"
    assert set(at.dataframe[0].value["Status"]) == {"✖ Off target"}

    at.button_group(key="url_show").set_value(["on_target", "near_target", "off_target", "no_target", "no_data"]).run()
    assert "show" not in at.query_params


def test_the_default_columns_fit_a_laptop_and_the_kpi_name_is_pinned(open_page) -> None:
    at = open_page("scorecard", department="ems", as_of="2016-06")

    shown = list(at.dataframe[0].proto.column_order)
    assert shown == ["KPI", "Status", "Latest", "Target", "vs last month", "vs last year", "Last 12 months", "Score"]
    assert "Detail" not in at.dataframe[0].value.columns  # no link that opens a new tab


def test_cards_open_each_kpi_with_the_month_kept(open_page) -> None:
    at = open_page("scorecard", department="ems", as_of="2016-03", view="cards")

    assert not at.dataframe
    links = at.get("page_link")
    assert links and all(link.proto.page == "kpi" for link in links)
    assert "department=ems&kpi=response_time&as_of=2016-03" in [link.proto.query_string for link in links]


def test_without_a_layout_in_the_url_both_are_sent_and_the_screen_width_chooses(open_page) -> None:
    at = open_page("scorecard", department="ems", as_of="2016-06")

    assert len(at.dataframe) == 1
    assert len(at.get("page_link")) == len(at.dataframe[0].value)


def test_on_a_phone_the_sort_and_filters_sit_behind_a_switch_that_says_what_they_are(open_page) -> None:
    """screen.css shows the switch on a phone only and the row of filters there only while it is on."""
    at = open_page("scorecard", department="ems", as_of="2016-06")
    assert at.toggle(key="scorecard_filters_switch").label == "Sort and filter: Off target first · all statuses"

    at.selectbox(key="url_sort").set_value("name").run()
    at.button_group(key="url_show").set_value(["off_target", "near_target"]).run()
    assert at.toggle(key="scorecard_filters_switch").label == "Sort and filter: KPI name · 2 of 5 statuses"
    assert set(at.dataframe[0].value["Status"]) == {"✖ Off target", "◆ Near target"}
