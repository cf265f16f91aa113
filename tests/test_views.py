"""What the pages are given to show, computed without Streamlit: templates, downloads, movers, and what a visitor
who has not signed in is not given."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
from sqlalchemy import Engine

from louiestat.db.engine import make_engine
from louiestat.exports.downloads import scorecard_download
from louiestat.exports.spreadsheet import csv_text, excel_bytes
from louiestat.exports.templates import template_csv
from louiestat.ingest import ingest
from louiestat.presentation import charts
from louiestat.reading import queries
from louiestat.reading.views import City, city_scorecard, kpi_detail, kpi_table, scorecard_table, worst_movers

FLU = "Flu outbreak (H3N2 season)"  # the sample city's note on EMS sick leave in January 2015


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


def test_a_visitor_is_given_no_note_uploader_file_or_correction_and_a_signed_in_reader_all_of_them(
    sample_city: Engine,
) -> None:
    correction = f"department,kpi,period,value,note\nems,sick_leave_hours_per_fte,2015-01,14.9,{FLU}\n"
    assert ingest(sample_city, correction.encode(), name="flu-fix.csv", actor="ana@city.gov").changed == 1
    city = City.load(sample_city)
    as_of = pd.Timestamp("2015-01-01")
    card = city_scorecard(city, as_of, 7)
    ems = card[card["department"] == "ems"]
    kpi_id = int(ems.loc[ems["kpi"] == "sick_leave_hours_per_fte", "kpi_id"].iloc[0])
    detail = kpi_detail(city, kpi_id, as_of)
    history = queries.value_history(sample_city, kpi_id)

    table = kpi_table(detail, history, "hours", public=True)
    figure = charts.detail_chart(detail, public=True)
    download = scorecard_download(ems, public=True)
    assert table.columns.tolist() == ["Month", "Value", "Target", "Signal"]
    assert table["Value"].iloc[0] == "14.9 hours"
    assert not figure.layout.annotations
    assert "Note" not in scorecard_table(ems, public=True).columns
    assert "note" not in download.columns and download["kpi"].tolist() == ems["kpi"].tolist()
    for text in (csv_text(table), csv_text(download), figure.to_json()):
        assert "Flu outbreak" not in text and "ana@city.gov" not in text and "flu-fix" not in text

    january = kpi_table(detail, history, "hours").iloc[0]
    assert (january["Note"], january["Uploaded by"], january["File"]) == (FLU, "ana@city.gov", "flu-fix.csv")
    assert january["Earlier values (corrected)"].startswith("14.4 hours (batch 2, sample, ")
    assert [a.hovertext for a in charts.detail_chart(detail).layout.annotations] == [FLU]
    assert FLU in scorecard_table(ems)["Note"].tolist()
    assert FLU in scorecard_download(ems)["note"].tolist()
