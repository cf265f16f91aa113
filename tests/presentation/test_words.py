"""Changes, signals and completeness in words; no comparison is said, never shown as 'stable'."""

import numpy as np
import pandas as pd
import pytest

from louiestat.db.engine import make_engine
from louiestat.exports.downloads import scorecard_download
from louiestat.presentation.words import (
    ASSURANCE_HELP,
    ASSURANCE_WORDS,
    VARIATION_HELP,
    change_text,
    completeness_text,
    counted,
    direction_words,
    status_words,
)
from louiestat.reading.views import City, city_scorecard


def test_a_change_without_a_base_month_says_no_comparison():
    pct = pd.Series([3.21, -5.0, 0.0, np.nan, 1e300, np.inf])
    judged = pd.Series(["improving", "worsening", "stable", None, "worsening", None], dtype=object)
    assert change_text(pct, judged) == [
        "▲ 3.2% better", "▼ 5.0% worse", "= no change", "– no comparison", "▲ 1e+300% worse", "– no comparison",
    ]


def test_downloads_say_no_comparison_in_words():
    directions = pd.Series(["improving", None, np.nan], dtype=object)
    assert direction_words(directions).tolist() == ["improving", "no comparison", "no comparison"]


def test_scorecard_download_keeps_numbers_and_words_a_missing_base(sample_city_file) -> None:
    engine = make_engine(f"sqlite:///{sample_city_file}")
    card = city_scorecard(City.load(engine), pd.Timestamp("2012-07-01"), 7)  # the first month: nothing before it
    frame = scorecard_download(card)
    reported = frame[frame["period"] == "2012-07"]
    assert len(reported) > 0
    assert set(reported["change_direction"]) == {"no comparison"}
    assert set(reported["yoy_direction"]) == {"no comparison"}
    assert set(reported["trend"]) == {"no comparison"}
    assert reported["change_pct"].isna().all() and reported["value"].notna().all()
    engine.dispose()


def test_status_and_completeness_words():
    assert status_words("off_target") == "✖ Off target" and status_words(None) == "– No data"
    assert completeness_text(1, 8, 3, 72) == "1 of 8 departments, 3 of 72 KPIs reported"


@pytest.mark.parametrize(
    ("count", "noun", "plural", "expected"),
    [(1, "earlier signal", None, "1 earlier signal"), (2, "earlier signal", None, "2 earlier signals"),
     (0, "KPI", None, "0 KPIs"), (1200, "value", None, "1,200 values"), (3, "process change", None, "3 process changes"),
     (2, "hiring record", None, "2 hiring records"), (2, "body", "bodies", "2 bodies")],
)
def test_counted_puts_the_noun_in_the_right_number(count, noun, plural, expected):
    assert counted(count, noun, plural) == expected


def test_every_assurance_and_variation_word_is_explained_in_plain_language():
    assert set(ASSURANCE_HELP) == set(ASSURANCE_WORDS)
    assert ASSURANCE_HELP["hit_and_miss"].startswith(
        "Hit and miss: the target lies inside the normal range, so it will sometimes be met and sometimes missed"
    )
    assert {"common_cause", "special_cause_improvement", "special_cause_concern"} <= set(VARIATION_HELP)
    for text in [*ASSURANCE_HELP.values(), *VARIATION_HELP.values()]:
        assert "XmR" not in text and "sigma" not in text
