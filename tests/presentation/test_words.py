"""Changes, signals and completeness in words; no comparison is said, never shown as 'stable'."""

import numpy as np
import pandas as pd

from louiestat.db.engine import make_engine
from louiestat.downloads import scorecard_download
from louiestat.presentation.words import change_text, completeness_text, direction_words, status_words
from louiestat.views import City, city_scorecard


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
