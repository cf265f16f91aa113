"""XmR (individuals) charts as NHS England's "Making Data Count" defines them.

Matches NHSRplotthedots v0.2.2 by default. Per segment: centre line = mean of the
baseline points (all, or each segment's first N with ``baseline=N``); moving ranges
|x_i - x_(i-1)| inside the segment, the baseline ones averaged into the AMR, which is
screened once (ranges >= 3.267 x AMR dropped; an AMR of 0 stays 0); process limits
mean -/+ 2.66 x AMR; two-sigma lines mean -/+ 2 x (2.66 / 3) x AMR; ``trial_limits``
on segments of fewer than 13 points. ``rebase`` lists 0-based positions (among a KPI's
data points in period order) that start a new segment. Four special-cause rules,
never looking across a segment boundary:

* ``outside_limits``: strictly above the upper or below the lower process limit.
* ``shift``: ``run_length`` (7) or more consecutive points strictly on one side
  of the mean; a point exactly on the mean breaks the run.
* ``trend``: ``run_length`` (7) consecutive *points* (so 6 consecutive changes)
  each strictly higher, or each strictly lower, than the one before; an equal
  value breaks it.
* ``two_in_three``: at least two of three consecutive points, all three strictly
  on the same side of the mean, lie beyond a two-sigma line without being
  outside the process limits (strictly beyond the two-sigma line; a point
  exactly on the process limit still counts). Only those beyond-two-sigma
  points are flagged, as in the R package.

Every point of a qualifying run is flagged. Where several rules fire on a point,
the first of outside limits, trend, two-in-three, shift decides its side (a peak
shared by a rise and a fall takes the later trend, as in R); the side and the
improvement direction ('increase', 'decrease', 'neutral'; a KPI without one is
neutral) give the variation. Missing months are gaps: a missing value or a skipped
month has no moving range across it (NaN, left out of the AMR), but runs count
consecutive data points, so a gap does not break them. Assurance compares the
target strictly with the latest segment's limits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from metrics.frames import IMPROVEMENT_SIGN, NONE, sign_per_kpi
from metrics.months import month_number

PROCESS_LIMIT = 2.66
TWO_SIGMA = 2 * (PROCESS_LIMIT / 3)
SCREEN_FACTOR = 3.267
MIN_POINTS_FOR_FIRM_LIMITS = 13

VARIATION_LABELS: dict[str, str] = {
    "common_cause": "Common cause — no significant change",
    "special_cause_improvement": "Special cause — improvement",
    "special_cause_concern": "Special cause — concern",
    "special_cause_neutral_high": "Special cause — unusually high",
    "special_cause_neutral_low": "Special cause — unusually low",
}

ASSURANCE_LABELS: dict[str, str] = {
    "consistently_passing": "Consistently passing the target",
    "consistently_failing": "Consistently failing the target",
    "hit_and_miss": "Hit and miss — the target lies within the process limits",
}

RULE_ORDER = ("outside_limits", "trend", "two_in_three", "shift")
"""The special-cause rules, first to last in deciding a point's side."""
RECENT_MONTHS = 12
"""How long after it ends a special-cause run is still the chart's recent story (``ended_runs``)."""

_RULES = np.array([None, *RULE_ORDER], dtype=object)
_SIDES = np.array(["low", None, "high"], dtype=object)
# Indexed by 3 * (side + 1) + (improvement + 1), side and improvement in {-1, 0, 1}.
_VARIATIONS = np.array(
    [
        "special_cause_improvement", "special_cause_neutral_low", "special_cause_concern",
        "common_cause", "common_cause", "common_cause",
        "special_cause_concern", "special_cause_neutral_high", "special_cause_improvement",
    ],
    dtype=object,
)


def xmr(
    values: Sequence[float] | pd.Series,
    periods: Sequence | pd.Series | None = None,
    *,
    improvement: str = "increase",
    target: float | None = None,
    baseline: int | None = None,
    rebase: Sequence[int] | None = None,
    screen_outliers: bool = True,
    run_length: int = 7,
) -> pd.DataFrame:
    """XmR chart of one series, one row per point in period order, assurance in ``.attrs["assurance"]``.

    Without ``periods`` the points are consecutive months (``period`` NaT) and a NaN value is a missing month."""
    y = np.asarray(values, dtype=float)
    if periods is None:
        month = np.arange(len(y), dtype=np.int64)
        period = np.full(len(y), np.datetime64("NaT"), dtype="datetime64[us]")
    else:
        period = pd.DatetimeIndex(pd.to_datetime(periods)).to_numpy()
        month = month_number(period)
    if len(period) != len(y):
        raise ValueError("values and periods differ in length")
    points = _xmr_points(
        np.zeros(len(y), dtype=np.int64), month, period, y,
        improvement=improvement,
        rebase=None if rebase is None else {0: rebase},
        baseline=baseline, screen_outliers=screen_outliers, run_length=run_length,
    )
    targets = pd.Series([np.nan if target is None else target], index=[0], dtype=float)
    assurance = assurance_many(points, targets, improvement)
    points = points.drop(columns="kpi_id")
    points.attrs["assurance"] = assurance.iloc[0] if len(assurance) else None
    return points


def xmr_many(
    observations: pd.DataFrame,
    *,
    improvement: pd.Series | str = "increase",
    rebase: Mapping[int, Sequence[int]] | None = None,
    baseline: int | None = None,
    screen_outliers: bool = True,
    run_length: int = 7,
) -> pd.DataFrame:
    """XmR chart points of every KPI at once (kpi_id, period, value; any order), sorted by kpi_id and period.

    ``improvement`` is one direction for all, or a Series by kpi_id; ``rebase`` maps kpi_id to segment starts."""
    missing = {"kpi_id", "period", "value"} - set(observations.columns)
    if missing:
        raise ValueError(f"observations lack columns {sorted(missing)}")
    period = pd.DatetimeIndex(observations["period"]).to_numpy()
    return _xmr_points(
        observations["kpi_id"].to_numpy(np.int64),
        month_number(period),
        period,
        observations["value"].to_numpy(float),
        improvement=improvement, rebase=rebase, baseline=baseline,
        screen_outliers=screen_outliers, run_length=run_length,
    )


def rebase_positions(observations: pd.DataFrame, changes: pd.DataFrame) -> dict[int, list[int]]:
    """Segment starts for ``xmr``/``xmr_many`` from process changes (``kpi_id, period``): the position, among a
    KPI's reported months in order, of its first month on or after each change. A change on or before a KPI's
    first month, or after its last, starts nothing."""
    reported = observations.loc[
        observations["value"].notna() & observations["kpi_id"].isin(changes["kpi_id"]), ["kpi_id", "period"]
    ]
    if reported.empty:
        return {}
    points = pd.DataFrame(
        {"kpi_id": reported["kpi_id"].to_numpy(np.int64), "month": month_number(reported["period"])}
    ).sort_values(["kpi_id", "month"])
    points["position"] = points.groupby("kpi_id").cumcount()
    starts = pd.merge_asof(
        pd.DataFrame(
            {"kpi_id": changes["kpi_id"].to_numpy(np.int64), "month": month_number(changes["period"])}
        ).sort_values("month"),
        points.sort_values("month"),
        on="month",
        by="kpi_id",
        direction="forward",
    ).dropna(subset=["position"])
    starts = starts[starts["position"] > 0].drop_duplicates(["kpi_id", "position"])
    return {
        int(kpi_id): sorted(int(p) for p in positions)
        for kpi_id, positions in starts.groupby("kpi_id")["position"]
    }


def assurance_many(
    points: pd.DataFrame, targets: pd.Series, improvement: pd.Series | str
) -> pd.Series:
    """Assurance per kpi_id from :func:`xmr_many` points and targets (NaN = none): will the process meet its target?

    None without a target, a direction (neutral) or limits (a single point)."""
    latest = points.drop_duplicates("kpi_id", keep="last")
    kpi_ids = latest["kpi_id"].to_numpy(np.int64)
    target = targets.reindex(kpi_ids).to_numpy(float)
    sign = sign_per_kpi(improvement, IMPROVEMENT_SIGN, kpi_ids)
    lpl = latest["lpl"].to_numpy(float)
    upl = latest["upl"].to_numpy(float)
    above = target > upl
    below = target < lpl
    known = ~np.isnan(target) & (sign != 0) & ~np.isnan(lpl) & ~np.isnan(upl)
    passing = np.where(sign > 0, below, above)
    failing = np.where(sign > 0, above, below)
    assurance = np.select(
        [~known, passing, failing],
        [NONE, np.array("consistently_passing", dtype=object), np.array("consistently_failing", dtype=object)],
        "hit_and_miss",
    ).astype(object)
    return pd.Series(assurance, index=pd.Index(kpi_ids, name="kpi_id"), name="assurance", dtype=object)


def signal_runs(points: pd.DataFrame) -> pd.DataFrame:
    """Every special-cause run of XmR points sorted by KPI and period (``xmr`` or ``xmr_many`` points; ``kpi_id``
    optional): a run of points flagged by one rule inside one segment, one row each: ``kpi_id, rule, side`` (+1
    high or rising, -1 low or falling), ``first_row, last_row`` (positions in ``points``), ``months`` (its points)
    and ``span`` (the positions it covers). A trend counts from the point it starts from; points beyond two sigma
    at most two apart on one side of the mean make one two-in-three run."""
    n = len(points)
    kpi = points["kpi_id"].to_numpy(np.int64) if "kpi_id" in points else np.zeros(n, dtype=np.int64)
    segment = points["segment"].to_numpy(np.int64)
    value = points["value"].to_numpy(float)
    side_of_mean = np.sign(value - points["mean"].to_numpy(float)).astype(np.int64)
    same_group = same_as_previous(kpi) & same_as_previous(segment)
    groups_started = np.cumsum(~same_group)
    step = np.zeros(n, dtype=np.int64)
    step[1:] = np.sign(np.diff(value))

    runs = []
    for rule in RULE_ORDER:
        flagged = points[rule].to_numpy(bool)
        if rule == "trend":
            # Runs of rises (or falls) between flagged points; a run starts from the point before its first rise.
            flagged = flagged & np.append(False, flagged[:-1]) & same_group & (step != 0)
        rows = np.flatnonzero(flagged)
        gap = np.diff(rows, prepend=-1)
        reach = {"outside_limits": 0, "two_in_three": 2}.get(rule, 1)
        # A run never crosses a KPI or segment boundary, where a new group starts between two flagged rows.
        unbroken = same_as_previous(groups_started[rows])
        same_key = same_as_previous(step[rows] if rule == "trend" else side_of_mean[rows])
        first, last, size = _runs(rows, (gap <= reach) & unbroken & same_key)
        if rule == "trend":
            first, size = first - 1, size + 1
        runs.append(pd.DataFrame({
            "kpi_id": kpi[last], "rule": rule, "side": step[last] if rule == "trend" else side_of_mean[last],
            "first_row": first, "last_row": last, "months": size, "span": last - first + 1,
        }))
    return pd.concat(runs, ignore_index=True)


def ended_runs(points: pd.DataFrame, within: int = RECENT_MONTHS) -> pd.DataFrame:
    """For each KPI whose latest point is no special cause, the last special-cause run of its latest segment when
    that run ended at most ``within`` months before the latest point (an 11-month run above the average that
    ended in April 2016, for a June 2016 within the limits): ``rule, side, months, first, last`` (the run's first
    and last periods), indexed by ``kpi_id``. Points as for ``signal_runs``, with their periods."""
    kpi = points["kpi_id"].to_numpy(np.int64) if "kpi_id" in points else np.zeros(len(points), dtype=np.int64)
    kpi_start = ~same_as_previous(kpi)
    latest_row = np.append(np.flatnonzero(kpi_start)[1:], len(kpi)) - 1
    runs = signal_runs(points)
    last = runs["last_row"].to_numpy(np.int64)
    at = latest_row[(np.cumsum(kpi_start) - 1)[last]]
    period, segment = points["period"].to_numpy(), points["segment"].to_numpy(np.int64)
    recent = (~points["special_cause"].to_numpy(bool)[at] & (segment[last] == segment[at])
              & (month_number(period[at]) - month_number(period[last]) <= within))
    # The run that ended last; of two ending on one point, the rule that decides the point's side.
    runs = runs[recent]
    runs = runs.assign(order=runs["rule"].map(RULE_ORDER.index))
    runs = runs.sort_values(["kpi_id", "last_row", "order"], ascending=[True, True, False])
    runs = runs.drop_duplicates("kpi_id", keep="last")
    return pd.DataFrame(
        {"rule": runs["rule"].to_numpy(dtype=object), "side": runs["side"].to_numpy(np.int64),
         "months": runs["months"].to_numpy(np.int64), "first": period[runs["first_row"].to_numpy(np.int64)],
         "last": period[runs["last_row"].to_numpy(np.int64)]},
        index=pd.Index(runs["kpi_id"].to_numpy(np.int64), name="kpi_id"),
    )


def same_as_previous(values: np.ndarray) -> np.ndarray:
    """True where an element equals the one before it (never for the first)."""
    same = np.zeros(len(values), dtype=bool)
    same[1:] = values[1:] == values[:-1]
    return same


def _runs(rows: np.ndarray, joins_previous: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First row, last row and size of each run of ``rows`` (ascending), a row joining the run before it
    where ``joins_previous``."""
    starts = np.ones(len(rows), dtype=bool)
    starts[1:] = ~joins_previous[1:]
    ends = np.ones(len(rows), dtype=bool)
    ends[:-1] = starts[1:]
    return rows[starts], rows[ends], np.diff(np.append(np.flatnonzero(starts), len(rows)))


def _kpi_month_order(kpi: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Stable order by kpi then month, via one integer key (much faster than lexsort on sorted input)."""
    if len(kpi) == 0:
        return np.arange(0)
    span = month.max() - month.min() + 1
    return np.argsort((kpi - kpi.min()) * span + (month - month.min()), kind="stable")


def _run_length(key: np.ndarray, breaks: np.ndarray) -> np.ndarray:
    """Length of the run of equal consecutive ``key`` values each element sits in; ``breaks`` start new runs."""
    new_run = breaks.copy()
    new_run[1:] |= key[1:] != key[:-1]
    run = np.cumsum(new_run) - 1
    return np.bincount(run)[run]


def _segment_mean(segment: np.ndarray, values: np.ndarray, use: np.ndarray, n_segments: int) -> np.ndarray:
    """Mean of ``values[use]`` per segment (NaN where a segment has none)."""
    total = np.bincount(segment, weights=np.where(use, values, 0.0), minlength=n_segments)
    count = np.bincount(segment, weights=use, minlength=n_segments)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
        # A second pass corrects the rounding of the first, as R's mean() does, so a
        # point that is mathematically on the mean compares equal to it.
        residual = np.bincount(segment, weights=np.where(use, values - mean[segment], 0.0), minlength=n_segments)
        return mean + residual / count


def _rebase_starts(
    rebase: Mapping[int, Sequence[int]] | None, kpi: np.ndarray, first_of_kpi: np.ndarray
) -> np.ndarray:
    """Boolean per point: True where a requested rebase starts a new segment."""
    starts = np.zeros(len(kpi), dtype=bool)
    if not rebase:
        return starts
    pairs = pd.Series(dict(rebase), dtype=object).explode().dropna()
    kpi_ids = kpi[first_of_kpi]
    requested = pairs.index.to_numpy(np.int64)
    position = pairs.to_numpy(np.int64)
    where = np.searchsorted(kpi_ids, requested)
    present = where < len(kpi_ids)
    present[present] = kpi_ids[where[present]] == requested[present]
    where, position = where[present], position[present]
    size = np.diff(np.append(first_of_kpi, len(kpi)))[where]
    if ((position < 0) | (position >= size)).any():
        raise ValueError("a rebase position lies outside its KPI's points")
    starts[first_of_kpi[where] + position] = True
    return starts


def _xmr_points(
    kpi: np.ndarray,
    month: np.ndarray,
    period: np.ndarray,
    value: np.ndarray,
    *,
    improvement: pd.Series | str,
    rebase: Mapping[int, Sequence[int]] | None,
    baseline: int | None,
    screen_outliers: bool,
    run_length: int,
) -> pd.DataFrame:
    """The single XmR implementation behind :func:`xmr` and :func:`xmr_many`."""
    if run_length < 2:
        raise ValueError("run_length must be at least 2")
    if baseline is not None and baseline < 1:
        raise ValueError("baseline must be at least 1 point")
    keep = ~np.isnan(value)
    if not keep.all():
        kpi, month, period, value = kpi[keep], month[keep], period[keep], value[keep]
    order = _kpi_month_order(kpi, month)
    kpi, month, period, y = kpi[order], month[order], period[order], value[order]
    n = len(y)
    index = np.arange(n)

    kpi_start = np.ones(n, dtype=bool)
    kpi_start[1:] = kpi[1:] != kpi[:-1]
    if (~kpi_start[1:] & (month[1:] == month[:-1])).any():
        raise ValueError("observations hold more than one value for a KPI and month")
    first_of_kpi = np.flatnonzero(kpi_start)
    kpi_index = np.cumsum(kpi_start) - 1
    segment_start = kpi_start | _rebase_starts(rebase, kpi, first_of_kpi)
    segment = np.cumsum(segment_start) - 1
    first_of_segment = np.flatnonzero(segment_start)
    n_segments = len(first_of_segment)
    in_baseline = np.ones(n, dtype=bool) if baseline is None else index - first_of_segment[segment] < baseline

    adjacent = np.zeros(n, dtype=bool)
    adjacent[1:] = ~segment_start[1:] & (month[1:] - month[:-1] == 1)
    moving_range = np.full(n, np.nan)
    moving_range[1:] = np.abs(np.diff(y))
    moving_range[~adjacent] = np.nan

    mean = _segment_mean(segment, y, in_baseline, n_segments)[segment]
    usable = adjacent & in_baseline
    amr = _segment_mean(segment, moving_range, usable, n_segments)
    if screen_outliers:
        kept = usable & (moving_range < SCREEN_FACTOR * amr[segment])
        screened = _segment_mean(segment, moving_range, kept, n_segments)
        # With AMR 0 every range is ">= 3.267 x AMR"; keep 0 rather than an empty mean.
        amr = np.where(amr > 0, screened, amr)
    amr = amr[segment]
    lpl, upl = mean - PROCESS_LIMIT * amr, mean + PROCESS_LIMIT * amr
    lower_two, upper_two = mean - TWO_SIGMA * amr, mean + TWO_SIGMA * amr

    outside = (y > upl) | (y < lpl)
    side_of_mean = np.sign(y - mean).astype(np.int8)
    beyond_two_sigma = ~outside & ((y < lower_two) | (y > upper_two))

    shift = (side_of_mean != 0) & (_run_length(side_of_mean, segment_start) >= run_length)

    step = np.zeros(n, dtype=np.int8)
    step[1:] = np.sign(np.diff(y))
    step[segment_start] = 0
    long_run = _run_length(step, segment_start) >= run_length - 1
    rising, falling = (step == 1) & long_run, (step == -1) & long_run
    rising[:-1] |= rising[1:]
    falling[:-1] |= falling[1:]
    trend = rising | falling
    next_step = np.append(step[1:], 0)
    # A peak or trough ends one trend and starts another: the later trend decides, as in R.
    trend_side = np.where(rising & falling, next_step, np.where(rising, 1, -1))

    window = (segment[:-2] == segment[2:]) & (
        beyond_two_sigma[:-2].astype(np.int8) + beyond_two_sigma[1:-1] + beyond_two_sigma[2:] >= 2
    ) & (np.abs(side_of_mean[:-2] + side_of_mean[1:-1] + side_of_mean[2:]) == 3)
    in_window = np.zeros(n, dtype=bool)
    in_window[:-2] |= window
    in_window[1:-1] |= window
    in_window[2:] |= window
    two_in_three = beyond_two_sigma & in_window

    rules = [outside, trend, two_in_three, shift]
    rule = np.select(rules, [1, 2, 3, 4], 0)
    side = np.select(rules, [side_of_mean, trend_side, side_of_mean, side_of_mean], 0)
    sign = sign_per_kpi(improvement, IMPROVEMENT_SIGN, kpi[first_of_kpi])[kpi_index]
    segment_size = np.diff(np.append(first_of_segment, n))

    return pd.DataFrame(
        {
            "kpi_id": kpi,
            "period": period,
            "value": y,
            "segment": segment - segment[first_of_kpi][kpi_index],
            "moving_range": moving_range,
            "mean": mean,
            "lpl": lpl,
            "upl": upl,
            "lower_two_sigma": lower_two,
            "upper_two_sigma": upper_two,
            "outside_limits": outside,
            "shift": shift,
            "trend": trend,
            "two_in_three": two_in_three,
            "special_cause": rule > 0,
            "variation": pd.Series(_VARIATIONS[3 * (side + 1) + sign + 1], dtype=object),
            "rule": pd.Series(_RULES[rule], dtype=object),
            "side": pd.Series(_SIDES[side + 1], dtype=object),
            "trial_limits": segment_size[segment] < MIN_POINTS_FOR_FIRM_LIMITS,
        }
    )
