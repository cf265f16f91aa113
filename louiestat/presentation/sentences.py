"""KPI signals in plain words: one sentence per scorecard row and the SPC episodes of a chart.

A scorecard sentence joins, with "; ", what applies in this order:

* reporting: "No data for June 2016 yet" (and nothing else when the KPI never reported by then); a KPI
  behind the as-of month goes on with its latest month ("No data for June 2016 yet; May 2016: ...").
* status: "On target" ("Better than target and consistently passing it" when the SPC assurance says so),
  "Just short of target" (near) or "Worse than target" (off), each "for N months" when the KPI has been
  near or off target for N >= 2 reported months in a row up to its latest, with the value against the
  target ("74 days against a target of 60 days") and "and consistently failing it" when the assurance
  says so; "No target set" (scored against its own history when it has a historical target).
* variation: the latest point's special cause ("7 months in a row above the average since March 2013
  — a real change for the worse, not noise"), else a clear 12-month slope ("trend improving over the
  last 12 months"), else "within normal variation"; with trial limits "too few months (8) for reliable
  limits — treat signals as provisional" replaces "within normal variation" or follows the signal or slope.
  When the latest point is no special cause but a run of them in its segment ended within the 12 months before
  (``metrics.spc.ended_runs``), the clause says so: "within normal variation this month; an 11-month run above
  the average ended in April 2016".

The run lengths and start months come from the ``history`` given to :func:`explain`: the KPIs' monthly
SPC points (``metrics.spc.xmr_many``) with each month's ``status`` (``metrics.status.status_frame`` of
them). Without it the sentence names the signal without counting ("a run of months above the average").

An SPC episode is a run of points flagged by one rule, inside one segment: a shift (points on one side
of the mean), a trend (points each higher, or each lower, than the one before, counted from the point the
run starts from), a point outside the process limits, or points beyond a two-sigma line at most two
points apart on one side of the mean (two in three). An episode reaching the KPI's latest point is told
"since" its first month, an earlier one with its months.
"""

from typing import Any

import numpy as np
import pandas as pd

from louiestat.presentation.values import format_value
from metrics.frames import IMPROVEMENT_SIGN, KPI_ID, PERIOD, VALUE, direction_sign
from metrics.months import month_number
from metrics.spc import RULE_ORDER, ended_runs, same_as_previous, signal_runs
from metrics.status import NEAR_TARGET, NO_TARGET, OFF_TARGET, ON_TARGET, STATUS

# English month names whatever the locale, as the sentences are English.
MONTH_NAMES = np.array(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
     "December"],
    dtype=object,
)


def month_names(periods: Any) -> np.ndarray:
    """'March 2013' per period, '' for NaT."""
    dates = np.asarray(periods, dtype="datetime64[ns]")
    month = month_number(dates)
    names = MONTH_NAMES[month % 12] + " " + (month // 12).astype(str).astype(object)
    return np.where(np.isnat(dates), "", names).astype(object)


def _month_span(first: Any, last: Any) -> np.ndarray:
    """'March to June 2013', 'November 2015 to January 2016', or one month name when they are the same."""
    first_month, last_month = month_number(first), month_number(last)
    same_year = first_month // 12 == last_month // 12
    opening = np.where(same_year, MONTH_NAMES[first_month % 12], month_names(first))
    last_name = month_names(last)
    return np.where(first_month == last_month, last_name, opening + " to " + last_name)


def _whole_numbers(counts: np.ndarray) -> np.ndarray:
    """Counts (floats, NaN allowed) as whole-number strings."""
    return pd.Series(counts).map("{:.0f}".format).to_numpy(dtype=object)


def _judgement(sign: np.ndarray) -> np.ndarray:
    """The closing words for a special cause: for the better (+1), for the worse (-1), or neither (0)."""
    return np.select(
        [sign > 0, sign < 0],
        [" — a real change for the better, not noise", " — a real change for the worse, not noise"],
        " — a real change, not noise",
    ).astype(object)


def _episode_text(episodes: pd.DataFrame, points: pd.DataFrame, improvement_sign: np.ndarray) -> np.ndarray:
    """One sentence per episode (rows of :func:`_signal_episodes` of ``points``), judged by each episode's
    improvement sign (+1 increase, -1 decrease, 0 neutral)."""
    period = points[PERIOD].to_numpy()
    kpi = points[KPI_ID].to_numpy(np.int64) if KPI_ID in points else np.zeros(len(points), dtype=np.int64)
    first, last = episodes["first_row"].to_numpy(), episodes["last_row"].to_numpy()
    rule, side = episodes["rule"].to_numpy(dtype=object), episodes["side"].to_numpy()
    months = episodes["months"].to_numpy().astype(str).astype(object)
    span = episodes["span"].to_numpy().astype(str).astype(object)
    ongoing = np.append(~same_as_previous(kpi)[1:], True)[last]
    high = side > 0
    in_a_row = months + " months in a row "
    what = np.select(
        [rule == "shift", rule == "trend", rule == "outside_limits"],
        [
            in_a_row + np.where(high, "above", "below") + " the average",
            in_a_row + np.where(high, "rising", "falling"),
            month_names(period[last]) + " was outside the process limits (unusually "
            + np.where(high, "high)", "low)"),
        ],
        np.where(months == span, in_a_row, months + " of " + span + " months ")
        + "near the " + np.where(high, "upper", "lower") + " limit",
    )
    months_of = _month_span(period[first], period[last])
    when = np.select(
        [rule == "outside_limits", rule == "two_in_three", ongoing],
        ["", " in " + months_of, " since " + month_names(period[first])],
        ", " + months_of,
    )
    return (what + when + _judgement(side * improvement_sign)).astype(object)


def describe_signals(points: pd.DataFrame, improvement: str) -> list[str]:
    """The special causes of one KPI's XmR chart (``metrics.spc.xmr`` points), one sentence per episode in
    time order, for the KPI page; ``improvement`` is 'increase', 'decrease' or 'neutral'."""
    episodes = signal_runs(points)
    episodes["order"] = episodes["rule"].map({rule: rank for rank, rule in enumerate(RULE_ORDER)})
    episodes = episodes.sort_values(["first_row", "order"], kind="stable")
    sign = np.full(len(episodes), IMPROVEMENT_SIGN[improvement])
    return list(_episode_text(episodes, points, sign))


def _ended_text(ended: pd.DataFrame) -> np.ndarray:
    """What a recent special-cause run was, for runs that ended before the latest month (``metrics.spc.ended_runs``
    rows): 'an 11-month run above the average ended in April 2016'."""
    months, high = ended["months"].to_numpy(), ended["side"].to_numpy() > 0
    run = np.where(_starts_with_a_vowel_sound(months), "an ", "a ") + months.astype(str).astype(object) + "-month run "
    ended_in = " ended in " + month_names(ended["last"])
    return np.select(
        [ended["rule"] == "shift", ended["rule"] == "trend", ended["rule"] == "outside_limits"],
        [
            run + np.where(high, "above", "below") + " the average" + ended_in,
            run + "of " + np.where(high, "rising", "falling") + " months" + ended_in,
            month_names(ended["last"]) + " was outside the process limits (unusually "
            + np.where(high, "high)", "low)"),
        ],
        months.astype(str).astype(object) + " months near the " + np.where(high, "upper", "lower") + " limit in "
        + _month_span(ended["first"], ended["last"]),
    ).astype(object)


def _starts_with_a_vowel_sound(counts: np.ndarray) -> np.ndarray:
    """Whether each count (of months: under a thousand) is said with a vowel first, so it takes 'an': 8, 11, 18,
    80 to 89, 800 to 899."""
    return np.char.startswith(counts.astype(str), "8") | np.isin(counts, [11, 18])


def _history_facts(history: pd.DataFrame, direction: pd.Series) -> pd.DataFrame:
    """Per kpi_id at its latest month in ``history``: period, months_short (near or off target in a row),
    segment_points, signal (the sentence for the episode of the latest point's rule) and ended (what a recent
    run that has ended was, when the latest point is within the limits)."""
    kpi = history[KPI_ID].to_numpy(np.int64)
    index = np.arange(len(kpi))
    kpi_start = ~same_as_previous(kpi)
    latest = np.ones(len(kpi), dtype=bool)
    latest[:-1] = kpi_start[1:]
    short = history[STATUS].isin([NEAR_TARGET, OFF_TARGET]).to_numpy()
    # Each row's run reaches back to the latest row that is not short (or to before its KPI's first row).
    run_break = np.where(~short, index, np.where(kpi_start, index - 1, -1))
    months_short = index - np.maximum.accumulate(run_break)
    segment_start = kpi_start | ~same_as_previous(history["segment"].to_numpy(np.int64))
    segment_points = index - np.maximum.accumulate(np.where(segment_start, index, 0)) + 1

    episodes = signal_runs(history)
    rule_at_latest = history["rule"].to_numpy(dtype=object)[episodes["last_row"].to_numpy()]
    episodes = episodes[latest[episodes["last_row"].to_numpy()] & (episodes["rule"].to_numpy() == rule_at_latest)]
    sign = direction_sign(direction.reindex(episodes[KPI_ID]).to_numpy()).astype(np.int64)
    signal = pd.Series(_episode_text(episodes, history, sign), index=episodes[KPI_ID].to_numpy(), dtype=object)
    facts = pd.DataFrame(
        {
            PERIOD: history[PERIOD].to_numpy()[latest],
            "months_short": months_short[latest],
            "segment_points": segment_points[latest],
        },
        index=pd.Index(kpi[latest], name=KPI_ID),
    )
    facts["signal"] = signal.reindex(facts.index)
    ended = ended_runs(history)
    facts["ended"] = pd.Series(_ended_text(ended), index=ended.index, dtype=object).reindex(facts.index)
    return facts


def _card_signal(card: pd.DataFrame, sign: np.ndarray) -> np.ndarray:
    """The latest point's special cause named from the card alone, without counting months."""
    rule = card["rule"].to_numpy(dtype=object)
    high = card["side"].to_numpy(dtype=object) == "high"
    what = np.select(
        [rule == "shift", rule == "trend", rule == "outside_limits"],
        [
            "a run of months " + np.where(high, "above", "below") + " the average",
            "a run of " + np.where(high, "rising", "falling") + " months",
            month_names(card[PERIOD]) + " was outside the process limits (unusually "
            + np.where(high, "high)", "low)"),
        ],
        "months near the " + np.where(high, "upper", "lower") + " limit",
    ).astype(object)
    return what + _judgement(np.where(high, 1, -1) * sign)


def explain(card: pd.DataFrame, history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per row of a scorecard (``metrics.scorecard`` columns), on its index: ``explanation``, one plain sentence,
    and ``chart_says``, its part about the SPC chart (what the latest month is, and what a recent run was), for
    wherever a page tells the chart apart. ``history`` (SPC points with each month's status, see the module) lets
    them count months and date a signal's start and a recent run's end."""
    period = pd.DatetimeIndex(card[PERIOD])
    as_of = pd.DatetimeIndex(card["as_of"])
    counted_facts = ["months_short", "segment_points", "signal", "ended"]
    if history is None:
        facts = pd.DataFrame(index=card.index, columns=counted_facts, dtype=object)
    else:
        history = history[history[KPI_ID].isin(card[KPI_ID])]
        facts = _history_facts(history, card.set_index(KPI_ID)["direction"])
        facts = facts.reindex(card[KPI_ID].to_numpy())
        facts.loc[pd.DatetimeIndex(facts[PERIOD]) != period, counted_facts] = np.nan
        facts.index = card.index
    sign = direction_sign(card["direction"].to_numpy())
    signal = facts["signal"].to_numpy(dtype=object)
    signal = np.where(pd.isna(signal), _card_signal(card, sign), signal)

    status = card[STATUS].to_numpy(dtype=object)
    assurance = card["assurance"].to_numpy(dtype=object)
    months_short = pd.to_numeric(facts["months_short"]).to_numpy(dtype=float)
    run = np.where(months_short >= 2, " for " + _whole_numbers(months_short) + " months", "")
    unit = card["unit"].to_numpy(dtype=object)
    against = (
        " (" + format_value(card[VALUE].to_numpy(float), unit)
        + " against a target of " + format_value(card["target"].to_numpy(float), unit) + ")"
    )
    failing = np.where(assurance == "consistently_failing", " and consistently failing it", "")
    standing = np.select(
        [status == ON_TARGET, status == NEAR_TARGET, status == OFF_TARGET, status == NO_TARGET],
        [
            np.where(assurance == "consistently_passing", "better than target and consistently passing it",
                     "on target"),
            "just short of target" + run + against + failing,
            "worse than target" + run + against + failing,
            np.where(card["target_basis"].to_numpy(dtype=object) == "historical",
                     "no target set (scored against its own history)", "no target set"),
        ],
        "",
    ).astype(object)

    trial = card["trial_limits"].to_numpy(dtype=bool)
    segment_points = pd.to_numeric(facts["segment_points"]).to_numpy(dtype=float)
    counted = np.where(np.isnan(segment_points), "", " (" + _whole_numbers(segment_points) + ")")
    caveat = "too few months" + counted + " for reliable limits — treat signals as provisional"
    trend = card["trend"].fillna("").to_numpy(dtype=object)
    slope = card["trend_basis"].to_numpy(dtype=object) == "slope"
    special = card["special_cause"].to_numpy(dtype=bool)
    ended = facts["ended"].to_numpy(dtype=object)
    ended_run = pd.notna(ended) & ~special
    normal = np.where(ended_run, "within normal variation this month", "within normal variation")
    variation = np.select(
        [special, slope, trial, card["variation"].notna().to_numpy()],
        [signal, "trend " + trend + " over the last 12 months", caveat, normal],
        "",
    ).astype(object)
    variation = np.where(trial & (variation != caveat) & (variation != ""), variation + "; " + caveat, variation)
    variation = np.where(ended_run & (variation != ""), variation + "; " + ended.astype(str), variation)

    clauses = np.where(variation == "", standing, standing + "; " + variation)
    behind = ~period.isna() & (period < as_of)
    missing = "No data for " + month_names(as_of) + " yet"
    sentence = np.select(
        [period.isna(), behind],
        [missing, missing + "; " + month_names(period) + ": " + clauses],
        clauses,
    ).astype(object)
    return pd.DataFrame({"explanation": _capitalised(sentence), "chart_says": _capitalised(variation)},
                        index=card.index)


def _capitalised(texts: np.ndarray) -> np.ndarray:
    """Each text with its first letter in upper case."""
    series = pd.Series(texts, dtype=object).astype(str)
    return (series.str[:1].str.upper() + series.str[1:]).to_numpy(dtype=object)
