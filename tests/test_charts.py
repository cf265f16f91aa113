"""Charts: notes wrap at word boundaries, titles fit a phone, axis titles are large enough to read."""

import html

import pandas as pd

from louiestat.presentation import charts
from louiestat.ui.slide import CHART_SCALE

NOTE = "Storm week: the radio system failed twice & calls went to the backup centre <west> for three days"


def _annotations(notes: list[str | None], changes: pd.DataFrame | None = None) -> list:
    months = pd.date_range("2016-01-01", periods=len(notes), freq="MS")
    points = pd.DataFrame({"period": months, "value": range(len(notes))})
    figure = charts.kpi_chart(points, pd.Series([None] * len(notes)), pd.Series(notes), title="t", unit_label="",
                              year_over_year=False, process_changes=changes)
    return list(figure.layout.annotations)


def test_a_long_note_wraps_at_spaces_and_keeps_every_word_whole() -> None:
    (note,) = _annotations([None, NOTE])
    lines = note.text.split("<br>")
    assert lines == ["Storm week: the radio system", "failed twice &amp; calls went to", "the backup centre &lt;west&gt; …"]
    escaped = NOTE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split()
    assert all(word in escaped for line in lines for word in line.removesuffix(" …").split())
    assert note.hovertext == html.escape(NOTE), "the whole note is in the hover text, as text"


def test_a_short_note_and_a_process_change_read_in_full() -> None:
    changes = pd.DataFrame({"period": [pd.Timestamp("2016-02-01")], "reason": ["New CAD dispatch system live"]})
    texts = [a.text for a in _annotations(["Short note", None], changes)]
    assert texts == ["Short note", "Process change: New CAD dispatch<br>system live"]


ENTERPRISE = pd.DataFrame({
    "department_name": ["Louisville Free Public Library", "Human Resources"],
    "value": [3.0, 5.0], "target": [4.0, 4.0], "status": ["on_target", "off_target"],
})


def test_axis_titles_are_at_least_16px_on_the_pages_and_larger_on_the_projector() -> None:
    """Streamlit's chart theme draws an axis title small and grey unless the figure names its size."""
    months = pd.date_range("2016-01-01", periods=3, freq="MS")
    points = pd.DataFrame({"period": months, "value": [1.0, 2.0, 3.0]})
    none = pd.Series([None] * 3)
    slide = charts.kpi_chart(points, none, none, title="t", unit_label="minutes", year_over_year=False,
                             scale=CHART_SCALE)
    page = charts.kpi_chart(points, none, none, title="t", unit_label="minutes", year_over_year=False)
    bars = charts.enterprise_chart(ENTERPRISE, title="Overtime", unit_label="hours")
    scores = charts.score_chart(pd.DataFrame({"period": months, "score": [1.0, 0.9, 1.1]}), title="t")

    assert (slide.layout.yaxis.title.font.size, slide.layout.xaxis.title.font.size) == (22, 22)
    assert page.layout.yaxis.title.font.size == 17
    assert bars.layout.xaxis.title.text == "hours" and bars.layout.xaxis.title.font.size == 17
    assert scores.layout.yaxis.title.font.size == 17


def test_a_long_chart_title_is_broken_into_even_lines_that_fit_a_phone_and_the_plot_keeps_its_height() -> None:
    short = charts.enterprise_chart(ENTERPRISE, title="Overtime", unit_label="hours")
    long = charts.enterprise_chart(ENTERPRISE, title="Calls dispatched within 90 seconds", unit_label="%",
                                   subtitle="higher is better")

    assert short.layout.title.text == "Overtime"
    assert long.layout.title.text.split("<br>") == ["Calls dispatched", "within 90 seconds"]
    assert all(len(line) <= charts.TITLE_CHARS for line in long.layout.title.text.split("<br>"))
    assert long.layout.title.subtitle.text == "higher is better"
    grown = long.layout.margin.t - short.layout.margin.t
    assert grown > 0 and long.layout.height - short.layout.height == grown


def test_department_names_wrap_beside_the_bars_and_the_projector_slide_keeps_one_title_line() -> None:
    bars = charts.enterprise_chart(ENTERPRISE, title="Overtime", unit_label="hours")
    title = "Hours lost to work injuries by month"
    months = pd.date_range("2016-01-01", periods=2, freq="MS")
    points, none = pd.DataFrame({"period": months, "value": [1.0, 2.0]}), pd.Series([None] * 2)
    slide = charts.kpi_chart(points, none, none, title=title, unit_label="", year_over_year=False,
                             scale=CHART_SCALE, wrap_title=False)
    printed = charts.kpi_chart(points, none, none, title=title, unit_label="", year_over_year=False, for_print=True)

    assert list(bars.data[0].y) == ["Louisville Free<br>Public Library  ✔", "Human Resources  ✖"]
    assert slide.layout.title.text == printed.layout.title.text == title
