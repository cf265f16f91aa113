"""Statuses, changes and SPC signals in words, each with an icon so that nothing is told by colour alone."""

import numpy as np
import pandas as pd

from louiestat.presentation.values import format_number
from metrics.status import STATUS_ICONS, STATUS_LABELS

NO_COMPARISON = "no comparison"
CHANGE_WORDS = {"improving": "better", "worsening": "worse", "stable": "no change"}
RULE_WORDS = {
    "outside_limits": "outside the process limits",
    "shift": "a run of months on the worse side of the average",
    "trend": "a run of months each worse than the last",
    "two_in_three": "2 of 3 months close to the limit",
}
SIGNAL_WORDS = {
    "special_cause_improvement": "Real improvement",
    "special_cause_concern": "Real concern",
    "special_cause_neutral_high": "Unusually high",
    "special_cause_neutral_low": "Unusually low",
    "common_cause": "Normal variation",
}
ASSURANCE_WORDS = {
    "consistently_passing": "✔ Reliably meets target",
    "consistently_failing": "✖ Will not meet target without change",
    "hit_and_miss": "◆ Hit and miss",
}
TRIAL_LIMITS = "provisional: fewer than 13 months since the last process change"

# What the SPC words mean, for a help tooltip wherever they are shown: plain language, no jargon.
VARIATION_HELP = {
    "common_cause": "Normal variation (common cause): the month is within the range this process usually "
    "produces. Month-to-month ups and downs like this are noise, not news.",
    "special_cause_improvement": "Real improvement (special cause): the month is outside what this process "
    "usually produces, in the good direction: something changed for the better.",
    "special_cause_concern": "Real concern (special cause): the month is outside what this process usually "
    "produces, in the bad direction: something changed for the worse and is worth looking into.",
    "special_cause_neutral": "Unusually high or low (special cause): the month is outside what this process "
    "usually produces, for a KPI where neither direction is better.",
}
ASSURANCE_HELP = {
    "consistently_passing": "Reliably meets target: the whole normal range is on the good side of the target, "
    "so the target will be met month after month unless the process changes.",
    "consistently_failing": "Will not meet target without change: the whole normal range is on the bad side "
    "of the target, so the target will be missed month after month until the way the work is done changes.",
    "hit_and_miss": "Hit and miss: the target lies inside the normal range, so it will sometimes be met and "
    "sometimes missed unless the process changes.",
}
NORMAL_RANGE_HELP = (
    "The normal range is the band between the process limits on the KPI's chart (an XmR chart): where this "
    "KPI's months fall when nothing unusual happens."
)
VARIATION_HELP_TEXT = "\n\n".join([*VARIATION_HELP.values(), NORMAL_RANGE_HELP])
ASSURANCE_HELP_TEXT = "Can the target be met? " + "\n\n".join([*ASSURANCE_HELP.values(), NORMAL_RANGE_HELP])


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """'1 signal', '3 signals', '1,200 KPIs': a count with its noun in the right number (``plural`` when it is
    not the noun plus 's')."""
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def status_words(status: str | None) -> str:
    """'✖ Off target': icon and word, never colour alone ('– No data' when there is no status)."""
    status = status if isinstance(status, str) else "no_data"
    return f"{STATUS_ICONS[status]} {STATUS_LABELS[status]}"


def change_text(change_pct: pd.Series, direction: pd.Series) -> list[str]:
    """'▲ 3.2% better', '▼ 5.0% worse', '= no change', '– no comparison' (no base month to compare with):
    a change in words that say which way is good."""
    numbers = format_number(np.abs(pd.to_numeric(change_pct, errors="coerce").to_numpy(dtype=float)), "{:,.1f}")
    texts = []
    for pct, number, judged in zip(change_pct, numbers, direction):
        if pd.isna(pct) or not np.isfinite(pct) or not isinstance(judged, str):
            texts.append(f"– {NO_COMPARISON}")
        elif judged == "stable":
            texts.append("= no change")
        else:
            texts.append(f"{'▲' if pct > 0 else '▼'} {number}% {CHANGE_WORDS[judged]}")
    return texts


def direction_words(direction: pd.Series) -> pd.Series:
    """A change's or trend's judgement as stored ('improving', 'worsening', 'stable'), 'no comparison' where
    there was nothing to compare with, for downloads."""
    return direction.astype(object).where(direction.notna(), NO_COMPARISON)


def signal_text(variation: pd.Series, side: pd.Series, trial: pd.Series) -> list[str]:
    """The SPC signal of each row in words. The arrow says which way the value moved (as in the change
    columns), the words whether that is good; on trial limits there is no confident icon, only words."""
    texts = []
    for code, where, on_trial in zip(variation, side, trial):
        if not isinstance(code, str):
            texts.append("–")
        elif bool(on_trial):
            texts.append(f"{SIGNAL_WORDS[code]} ({TRIAL_LIMITS})")
        elif code == "common_cause":
            texts.append(f"• {SIGNAL_WORDS[code]}")
        else:
            texts.append(f"{'▲' if where == 'high' else '▼'} {SIGNAL_WORDS[code]}")
    return texts


def assurance_text(assurance: pd.Series, trial: pd.Series) -> list[str]:
    """Assurance in words; on trial limits it is marked provisional and carries no icon."""
    return [
        "–" if not isinstance(code, str)
        else f"{ASSURANCE_WORDS[code][2:]} ({TRIAL_LIMITS})" if bool(on_trial)
        else ASSURANCE_WORDS[code]
        for code, on_trial in zip(assurance, trial)
    ]


def mover_reasons(movers: pd.DataFrame) -> list[str]:
    """Why each mover is listed, in words: the SPC rule behind a real concern, or the worsening trend."""
    return [
        f"Real concern: {RULE_WORDS.get(rule, 'special cause')}" if concern else "Worsening over the last 12 months"
        for concern, rule in zip(movers["concern"], movers["rule"])
    ]


def completeness_text(departments_reported: int, departments: int, kpis_reported: int, kpis: int) -> str:
    """'17 of 20 departments, 70 of 80 KPIs reported': how complete a month is."""
    return f"{departments_reported} of {departments} departments, {kpis_reported} of {kpis} KPIs reported"
