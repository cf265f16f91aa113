"""Names and notes shown as typed: bidirectional controls as visible escapes in text, tables and downloads, and
markdown that Streamlit can read as no icon, colour or emoji."""

import re

import pandas as pd

from louiestat.exports.downloads import scorecard_download
from louiestat.presentation.markdown import escape_markdown
from louiestat.presentation.text import display_frame, display_text
from tests.conftest import shown

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_every_bidirectional_control_shows_as_a_visible_escape_and_nothing_else_changes() -> None:
    assert display_text("\u202eevil\u202c") == "<U+202E>evil<U+202C>"
    assert display_text(CONTROLS) == "".join(f"<U+{ord(c):04X}>" for c in CONTROLS)
    typed = "Café 🚑 救护车 إسعاف 👩‍🚒 a\u200db"  # a zero-width joiner is not a bidirectional control
    assert display_text(typed) == typed


def test_a_table_shows_its_text_cells_with_escapes_and_leaves_numbers_dates_and_blanks_alone() -> None:
    frame = pd.DataFrame({
        "name": ["Response \u202etime", None, "Plain"],
        "value": [1.5, 2.0, None],
        "month": pd.to_datetime(["2016-05-01", "2016-06-01", None]),
        "spark": [[1.0, 2.0], [], [3.0]],
    })
    table = display_frame(frame)
    assert table["name"].tolist()[0] == "Response <U+202E>time" and table["name"].tolist()[2] == "Plain"
    assert table["name"].isna().tolist() == [False, True, False]
    pd.testing.assert_frame_equal(table.drop(columns="name"), frame.drop(columns="name"))
    assert frame["name"].iloc[0] == "Response \u202etime", "the frame given is left as it was"


def test_the_scorecard_download_shows_a_right_to_left_override_as_an_escape() -> None:
    card = pd.DataFrame([{column: None for column in
                          ["department", "kpi", "unit", "direction", "status", "change", "change_pct",
                           "change_yoy", "change_yoy_pct", "variation", "rule", "assurance", "trial_limits",
                           "fy_label", "fytd_value", "fytd_target", "fytd_status", "score_month", "score_3m",
                           "score_12m", "projection_text", "explanation", "provisional", "value", "target"]}])
    card = card.assign(kpi_name="Calls \u202eevil", note="\u2067note\u2069", as_of=pd.Timestamp("2016-06-01"),
                       period=pd.Timestamp("2016-06-01"), change_direction=None, yoy_direction=None, trend=None)
    row = scorecard_download(card).iloc[0]
    assert (row["kpi_name"], row["note"]) == ("Calls <U+202E>evil", "<U+2067>note<U+2069>")


def test_markdown_leaves_no_icon_colour_or_emoji_for_streamlit_to_draw_and_reads_as_typed() -> None:
    for typed in (":material/warning:", ":red[x]", ":blue-background[y]", ":rainbow[z]", ":small[s]",
                  ":red-badge[b]", ":smile:", ":streamlit:", "a:material/home:b", "Note: 9:30 $x^2$"):
        escaped = escape_markdown(typed)
        assert shown(escaped) == typed
        assert ":material/" not in escaped, "Streamlit rewrites ':material/' before it reads escapes"
        assert not re.search(r"(?<!\\):|\\:(?=[^\s\u2060])", escaped), escaped
    assert shown(escape_markdown("x \u202eevil")) == "x <U+202E>evil"
