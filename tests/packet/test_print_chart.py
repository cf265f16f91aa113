"""The packet's chart is the KPI page's chart: the same traces and notes, only sized and set in a print font that
Chromium (which lays the SVG out) and typst (which draws it) both have, with its notes and process changes in rows
above the plot instead of over it."""

from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import Engine

from louiestat.presentation import charts
from louiestat.presentation.values import axis_label
from louiestat.reading import views
from tests.packet.conftest import AS_OF, off_target


def test_the_print_chart_draws_what_the_page_draws_in_the_print_size_and_font(sample_city: Engine) -> None:
    row = off_target(sample_city).iloc[0]
    city = views.City.load(sample_city)
    detail = views.kpi_detail(city, int(row["kpi_id"]), pd.Timestamp(f"{AS_OF}-01"))
    screen, paper = (charts.detail_chart(detail, for_print=for_print) for for_print in (False, True))
    drawn = [json.loads(figure.to_json()) for figure in (screen, paper)]
    assert drawn[0]["data"] == drawn[1]["data"] and len(drawn[0]["data"]) >= 4
    assert [a.text for a in screen.layout.annotations] == [a.text for a in paper.layout.annotations]
    # on screen the title is broken into lines that fit a phone, and the figure grows by them
    assert paper.layout.title.text == screen.layout.title.text.replace("<br>", " ") == f"{row['kpi_name']} by month"
    assert paper.layout.yaxis.title.text == screen.layout.yaxis.title.text == axis_label(row["unit"])
    assert (screen.layout.height - screen.layout.margin.t, paper.layout.height) == (520 - 70, charts.PRINT_HEIGHT)
    assert paper.layout.font.family.startswith("DejaVu Sans") and screen.layout.font.family.startswith("Source Sans")


def test_the_print_charts_notes_and_process_changes_sit_above_its_plot_and_the_figure_grows_by_their_rows(
    sample_city: Engine,
) -> None:
    city = views.City.load(sample_city)
    kpi_id = int(city.kpis.set_index("kpi").loc["response_time", "kpi_id"])
    paper = charts.detail_chart(views.kpi_detail(city, kpi_id, pd.Timestamp(f"{AS_OF}-01")), for_print=True)
    change, note = sorted(paper.layout.annotations, key=lambda a: a.showarrow)
    assert change.text == "Process change: New CAD dispatch<br>system live" and note.text == "New CAD dispatch system live"
    low, high = paper.layout.yaxis.range
    below_top = (high - note.y) / (high - low) * charts.PRINT_PLOT
    assert (change.yref, change.y, change.yanchor) == ("paper", 1, "bottom")  # on the plot's top edge, outside it
    assert -note.ay > below_top + 2 * charts.PRINT_LINE, "the note's box sits above the process change's row"
    assert paper.layout.margin.t == charts.PRINT_TITLE_ROW + paper.layout.height - charts.PRINT_HEIGHT
    assert low < min(paper.data[0].y) and high > max(paper.data[0].y)
