"""Due dates: a month's value is due on the KPI's due day (or the default) of the next month, late from the day
after; the default reminder month is the newest one some value is late for."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from metrics.due import due_dates, late, latest_due_month

KPIS = pd.DataFrame({"kpi_id": [1, 2, 3], "kpi": ["a", "b", "c"], "due_day": pd.array([None, 5, 28], dtype="Int64")})


def test_a_months_values_are_due_on_each_kpis_day_of_the_next_month() -> None:
    assert due_dates(KPIS, "2016-06", 15).dt.strftime("%Y-%m-%d").tolist() == ["2016-07-15", "2016-07-05",
                                                                               "2016-07-28"]
    assert due_dates(KPIS, "2016-12", 15).dt.strftime("%Y-%m-%d").tolist() == ["2017-01-15", "2017-01-05",
                                                                               "2017-01-28"]
    without = KPIS.drop(columns="due_day")
    assert due_dates(without, dt.date(2016, 6, 30), 10).dt.day.tolist() == [10, 10, 10]


def test_a_value_is_late_from_the_day_after_it_was_due_unless_reported() -> None:
    on_the_fifth = late(KPIS, pd.Series([], dtype="int64"), "2016-06", dt.date(2016, 7, 5), 15)
    assert on_the_fifth.empty
    on_the_sixth = late(KPIS, pd.Series([], dtype="int64"), "2016-06", dt.date(2016, 7, 6), 15)
    assert on_the_sixth["kpi"].tolist() == ["b"]
    assert on_the_sixth["due"].dt.strftime("%Y-%m-%d").tolist() == ["2016-07-05"]
    in_august = late(KPIS, pd.Series([2]), "2016-06", dt.date(2016, 8, 1), 15)
    assert in_august["kpi"].tolist() == ["a", "c"]


def test_the_newest_month_some_value_is_late_for() -> None:
    assert latest_due_month(KPIS, dt.date(2026, 12, 5), 15) == "2026-10"   # 5 December: none of November's yet
    assert latest_due_month(KPIS, dt.date(2026, 12, 6), 15) == "2026-11"   # one due 5 December is late
    assert latest_due_month(KPIS.iloc[:1], dt.date(2026, 12, 15), 15) == "2026-10"
    assert latest_due_month(KPIS.iloc[:1], dt.date(2026, 12, 16), 15) == "2026-11"
    assert latest_due_month(KPIS.iloc[:0], dt.date(2027, 1, 16), 15) == "2026-12"  # no KPI: the default day
