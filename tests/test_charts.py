"""Chart notes wrap at word boundaries instead of being cut mid-word."""

import html

import pandas as pd

from louiestat import charts

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
