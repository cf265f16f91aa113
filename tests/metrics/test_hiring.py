import numpy as np
import pandas as pd
import pytest

from metrics.frames import hiring_frame
from metrics.hiring import open_positions, time_to_fill, time_to_fill_by_month

RECORDS = hiring_frame(
    [
        ("police", "p1", "2024-01-01", "2024-01-31"),  # 30 days, filled in January
        ("police", "p2", "2024-01-10", "2024-03-10"),  # 21 + 29 + 10 = 60 days (2024 is a leap year)
        ("police", "p3", "2024-02-01", "2024-03-01"),  # 29 days
        ("police", "p4", "2024-03-05", "2024-03-05"),  # filled the day it was posted: 0 days
        ("police", "p5", "2023-12-01", "2024-03-31"),  # 31 + 31 + 29 + 30 = 121 days
        ("parks", "q1", "2024-02-15", "2024-02-20"),  # 5 days
        ("parks", "q2", "2024-01-01", None),  # open
        ("parks", "q3", "2024-03-01", None),  # open
        ("parks", "q4", "2024-05-01", None),  # posted after 1 April
        ("parks", "q5", "2024-03-15", "2024-04-15"),  # 31 days; still open on 1 April
    ]
)


def test_days_to_fill_per_position_with_a_same_day_fill_as_zero():
    positions = time_to_fill(RECORDS).set_index("position_id")
    assert positions.loc[["p1", "p2", "p3", "p4", "p5", "q1", "q5"], "days_to_fill"].tolist() == [
        30.0, 60.0, 29.0, 0.0, 121.0, 5.0, 31.0,
    ]
    assert positions.loc[["q2", "q3", "q4"], "days_to_fill"].isna().all()
    assert positions.loc["p5", "period"] == pd.Timestamp("2024-03-01")
    assert pd.isna(positions.loc["q2", "period"])


def test_a_fill_recorded_before_the_posting_has_no_days():
    records = hiring_frame([("fire", "f1", "2024-05-10", "2024-05-01")])
    assert time_to_fill(records)["days_to_fill"].isna().all()
    assert time_to_fill_by_month(records).empty


def test_mean_median_and_90th_percentile_by_department_and_month_of_filling():
    monthly = time_to_fill_by_month(RECORDS)
    assert monthly.columns.tolist() == ["department", "period", "mean_days", "median_days", "p90_days", "filled"]
    march = monthly[(monthly["department"] == "police") & (monthly["period"] == "2024-03-01")].iloc[0]
    # Police, March: 0, 29, 60, 121. Mean 210 / 4 = 52.5; median (29 + 60) / 2 = 44.5;
    # p90 at position 0.9 × (4 - 1) = 2.7: 60 + 0.7 × (121 - 60) = 102.7.
    assert march["mean_days"] == 52.5
    assert march["median_days"] == 44.5
    assert march["p90_days"] == pytest.approx(102.7)
    assert march["filled"] == 4
    assert march["p90_days"] == pytest.approx(np.percentile([0, 29, 60, 121], 90))
    rows = monthly[["department", "period", "mean_days", "filled"]].astype({"period": str}).values.tolist()
    assert rows == [
        ["parks", "2024-02-01", 5.0, 1],
        ["parks", "2024-04-01", 31.0, 1],
        ["police", "2024-01-01", 30.0, 1],
        ["police", "2024-03-01", 52.5, 4],
    ]


def test_open_positions_age_as_of_a_date_and_departments_with_none_open():
    opened = open_positions(RECORDS, "2024-04-01").set_index("department")
    # Parks on 1 April: q2 posted 1 January (31 + 29 + 31 = 91 days), q3 1 March (31), q5 15 March (17, filled
    # later); q4 is not posted yet. Mean (91 + 31 + 17) / 3 = 46.33, oldest 91.
    assert opened.loc["parks", "open"] == 3
    assert opened.loc["parks", "mean_age_days"] == pytest.approx(139 / 3)
    assert opened.loc["parks", "oldest_age_days"] == 91.0
    assert opened.loc["police", "open"] == 0
    assert np.isnan(opened.loc["police", "mean_age_days"])


def test_a_position_filled_on_the_as_of_date_is_no_longer_open():
    opened = open_positions(RECORDS, "2024-03-31").set_index("department")
    # Police p5 filled on 31 March: not open. Parks: q2 (90 days), q3 (30), q5 (16).
    assert opened.loc["police", "open"] == 0
    assert opened.loc["parks", ["open", "oldest_age_days"]].tolist() == [3, 90.0]
