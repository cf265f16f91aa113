"""What the pages are given to show, computed without Streamlit: templates, downloads, movers."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
from louiestat.db.engine import make_engine
from louiestat.downloads import scorecard_download
from louiestat.spreadsheet import excel_bytes
from louiestat.templates import template_csv
from louiestat.views import City, city_scorecard, worst_movers


def test_the_values_template_lists_the_departments_kpis_for_the_month_due(sample_city_file) -> None:
    engine = make_engine(f"sqlite:///{sample_city_file}")
    city = City.load(engine)

    ems = pd.read_csv(io.StringIO(template_csv(engine, city, "values", "ems")), dtype=str, keep_default_na=False)
    library = pd.read_csv(io.StringIO(template_csv(engine, city, "values", "library")), dtype=str)

    expected = sorted(set(city.kpis.loc[city.kpis["department"] == "ems", "kpi"]) - {"time_to_fill"})
    assert sorted(ems["kpi"]) == expected
    assert set(ems["period"]) == {"2016-07"} and set(ems["value"]) == {""}
    assert set(library["period"]) == {"2016-06"}, "the library has not reported June 2016 (its time to fill aside)"
    engine.dispose()


def test_the_scorecard_download_holds_plain_values_and_opens_as_a_workbook(sample_city_file) -> None:
    engine = make_engine(f"sqlite:///{sample_city_file}")
    city = City.load(engine)
    card = city_scorecard(city, pd.Timestamp("2016-06-01"), 7)
    ems = card[card["department"] == "ems"]

    download = scorecard_download(ems)
    workbook = zipfile.ZipFile(io.BytesIO(excel_bytes(download, "scorecard-ems-2016-06")))

    assert download["kpi"].tolist() == ems["kpi"].tolist()
    assert download["value"].tolist() == ems["value"].tolist()
    assert set(download["period"]) == {"2016-06"}
    strings = workbook.read("xl/sharedStrings.xml").decode()
    assert "response_time" in strings and "Response time, priority 1" in strings
    assert "xl/worksheets/sheet1.xml" in workbook.namelist()
    engine.dispose()


def test_movers_are_only_real_concerns_and_worsening_trends(sample_city_file) -> None:
    engine = make_engine(f"sqlite:///{sample_city_file}")
    city = City.load(engine)
    card = city_scorecard(city, pd.Timestamp("2016-06-01"), 7)

    movers = worst_movers(card)

    assert len(movers) > 0
    real = movers["variation"].eq("special_cause_concern") | movers["trend"].eq("worsening")
    assert real.all()
    assert movers["concern"].tolist() == sorted(movers["concern"].tolist(), reverse=True)
    engine.dispose()


def test_a_department_of_the_city_scores_as_its_rows_of_the_citys_scorecard(sample_city_file) -> None:
    engine = make_engine(f"sqlite:///{sample_city_file}")
    city = City.load(engine)
    as_of = pd.Timestamp("2016-06-01")
    whole = city_scorecard(city, as_of, 7)

    ems = city.only("ems")

    assert set(ems.kpis["department"]) == {"ems"} and len(ems.kpis) == (city.kpis["department"] == "ems").sum()
    for frame in (ems.observations, ems.targets, ems.process_changes):
        assert set(frame["kpi_id"]) <= set(ems.kpis["kpi_id"])
    assert len(ems.observations) == city.observations["kpi_id"].isin(ems.kpis["kpi_id"]).sum() > 0
    pd.testing.assert_frame_equal(
        city_scorecard(ems, as_of, 7).reset_index(drop=True), whole[whole["department"] == "ems"].reset_index(drop=True)
    )
    engine.dispose()
