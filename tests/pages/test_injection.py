"""Text from files and from the URL is shown as text: never a live markdown link or image, never HTML in a chart
(a KPI or department named like a link or a tag, a note with a javascript: link, a crafted query parameter)."""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy import Engine

from louiestat.ingest import ingest
from louiestat.presentation import charts
from tests.conftest import shown

LINK = "[x](http://127.0.0.1:9/t.png) ![t](http://127.0.0.1:9/t.png)"
TAG = "<img src=x onerror=alert(1)>"
NASTY = (
    "department,department_name,kpi,kpi_name,unit,direction,target\n"
    f'evil,"{TAG}",linky,"{LINK}",count,higher_is_better,5\n'
)
VALUES = "department,kpi,period,value,note\nevil,linky,2016-06,4,[x](javascript:alert(1)) http://127.0.0.1:9/n\n"
LIVE_LINK = re.compile(r"(?<!\\)\]\((?!\\)")  # "](" that markdown would turn into a link
LIVE_TAG = re.compile(r"(?<!\\)<img")  # a tag not escaped


def texts(at) -> list[str]:
    """Every piece of markdown the page shows: markdown, captions, headers, alerts, metric labels."""
    elements = [*at.markdown, *at.caption, *at.subheader, *at.header, *at.info, *at.warning, *at.error, *at.success]
    return [str(e.value) for e in elements] + [str(m.label) for m in at.metric]


def test_a_kpi_and_department_named_like_a_link_and_a_tag_show_as_text(open_page, city_engine: Engine) -> None:
    assert ingest(city_engine, NASTY.encode(), name="nasty.csv").status == "committed"
    at = open_page("kpi", department="evil", kpi="linky")
    shown = texts(at)
    assert any("No data for" in t and "\\[x\\]\\(http" in t for t in shown), shown
    assert not [t for t in shown if LIVE_LINK.search(t)], "a live link"

    assert ingest(city_engine, VALUES.encode(), name="values.csv").status == "committed"
    for page, params in (("kpi", {"department": "evil", "kpi": "linky"}), ("scorecard", {"department": "evil"}),
                         ("overview", {})):
        at = open_page(page, as_of="2016-06", **params)
        assert not at.exception
        live = [t for t in texts(at) if LIVE_LINK.search(t) or LIVE_TAG.search(t)]
        assert live == [], f"{page}: {live}"


def test_a_crafted_query_parameter_is_shown_as_text(open_page) -> None:
    at = open_page("scorecard", department=f"{LINK} {TAG}")
    (warning,) = [w.value for w in at.warning if "The link asks for" in w.value]
    assert "\\[x\\]\\(http\u2060\\:" in warning and "\\<img" in warning
    assert not LIVE_LINK.search(warning)


def test_chart_titles_labels_and_notes_are_never_html() -> None:
    points = pd.DataFrame({"kpi_id": 1, "period": pd.to_datetime(["2016-05-01", "2016-06-01"]), "value": [3.0, 4.0]})
    figure = charts.kpi_chart(
        points, pd.Series([5.0, 5.0]), pd.Series([None, '<a href="http://x">Click me</a>']),
        title='<a href="http://x">Click me</a>', unit_label="count", year_over_year=False,
        process_changes=pd.DataFrame({"period": [pd.Timestamp("2016-06-01")], "reason": ["<b>bold</b>"]}),
    )
    # broken into lines that fit a phone (<br>, the one tag the chart adds), the text itself escaped
    assert figure.layout.title.text.split("<br>") == ["&lt;a href=&quot;http://x&quot;&gt;Click", "me&lt;/a&gt;"]
    note, change = figure.layout.annotations
    assert "<a" not in note.text and "<a" not in note.hovertext and "&lt;a href" in note.hovertext
    assert change.hovertext == "&lt;b&gt;bold&lt;/b&gt;"
    bars = charts.enterprise_chart(
        pd.DataFrame({"department_name": [TAG], "value": [1.0], "target": [2.0], "status": ["off_target"]}),
        title="Overtime", unit_label="hours",
    )
    assert bars.data[0].y[0].replace("<br>", " ").startswith("&lt;img src=x onerror=alert(1)&gt;")


MARKUP = ":material/warning: :red[x] :blue-background[y] :small[s] :rainbow[r] :smile:"
OVERRIDE = "says \u202eevil\u202c here"
TYPED = (
    "department,department_name,kpi,kpi_name,unit,direction,target,description\n"
    f'typed,":material/warning: Typed",markup,"{MARKUP}",count,higher_is_better,5,{OVERRIDE}\n'
)
TYPED_VALUES = f"department,kpi,period,value,note\ntyped,markup,2016-05,3,{OVERRIDE}\ntyped,markup,2016-06,4,{OVERRIDE}\n"
# What Streamlit would draw as an icon, a colour or an emoji: a directive's colon not escaped, or escaped but
# with the name right after it (Streamlit rewrites ":material/" before reading escapes).
LIVE_DIRECTIVE = re.compile(r"(?<!\\):(?:material/warning|red\[|blue-background\[|small\[|rainbow\[|smile:)|\\:(?=[a-z])")


def test_names_written_as_streamlit_icons_colours_and_emoji_and_a_right_to_left_override_show_as_typed(
    open_page, city_engine: Engine
) -> None:
    assert ingest(city_engine, TYPED.encode(), name="typed.csv").status == "committed"
    assert ingest(city_engine, TYPED_VALUES.encode(), name="typed-values.csv").status == "committed"
    for page, params in (("kpi", {"department": "typed", "kpi": "markup"}), ("scorecard", {"department": "typed"}),
                         ("overview", {})):
        at = open_page(page, as_of="2016-06", **params)
        markdown = texts(at)
        assert [t for t in markdown if LIVE_DIRECTIVE.search(t)] == [], page
        assert not [t for t in markdown if "\u202e" in t], page
        literal = [shown(t) for t in markdown]
        if page == "overview":
            assert "#### :material/warning: Typed" in literal
            continue
        assert any(MARKUP in t for t in literal), page
        table = at.dataframe[0].value
        notes = table["Note"] if "Note" in table else table.data["Note"]
        assert "says <U+202E>evil<U+202C> here" in notes.tolist() and not notes.str.contains("\u202e").any()
        if page == "kpi":
            assert f"### {MARKUP}" in literal
            assert any("says <U+202E>evil<U+202C> here" in t for t in literal), "the description, in the caption"
            (kpi_box,) = [box for box in at.selectbox if box.label == "KPI"]
            assert kpi_box.format_func("markup") == MARKUP  # a select box shows its options as plain text
