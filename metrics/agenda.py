"""The order of a stat meeting's agenda, as stat programs run it: open follow-ups from earlier meetings first,
then KPIs off target, special-cause concerns, worsening trends, KPIs whose data is missing or late for the
as-of month, and KPIs projected not to reach their target. Within a group the most urgent comes first; a KPI
is listed once, in the first group it falls in (a follow-up about a KPI claims it too).

``card`` is a department's scorecard (``metrics.scorecard`` columns); ``followups`` has one row per open
follow-up: ``followup_id``, ``kpi`` (None for none) and ``due_by`` (the date it is due now).
"""

import numpy as np
import pandas as pd

from metrics.frames import DIRECTION, KPI, TARGET, VALUE, direction_sign
from metrics.status import OFF_TARGET, STATUS

GROUPS = ("followup", "off_target", "special_cause", "worsening", "missing", "projected")
AGENDA_COLUMNS = ("kind", KPI, "followup_id", "urgency")


def shortfall(card: pd.DataFrame) -> pd.Series:
    """How far each KPI's latest value is on the wrong side of its target, as a share of the target (of the
    gap itself when the target is 0); negative when it is on the right side, NaN without a value or target."""
    sign = direction_sign(card[DIRECTION].to_numpy())
    gap = (card[TARGET].to_numpy(float) - card[VALUE].to_numpy(float)) * sign
    scale = np.abs(card[TARGET].to_numpy(float))
    scale = np.where(scale > 0, scale, 1.0)
    return pd.Series(gap / scale, index=card.index)


def _kpi_group(card: pd.DataFrame, kind: str, member: pd.Series, urgency: pd.Series) -> pd.DataFrame:
    rows = member.fillna(False).astype(bool).to_numpy()
    return pd.DataFrame(
        {"kind": kind, KPI: card[KPI].to_numpy()[rows], "followup_id": pd.NA, "urgency": urgency.to_numpy(float)[rows]}
    )


def agenda_order(card: pd.DataFrame, followups: pd.DataFrame, today: pd.Timestamp) -> pd.DataFrame:
    """The proposed agenda: one row per item (``kind``, ``kpi``, ``followup_id``, ``urgency``), in order.

    ``urgency`` ranks items within their group, higher first: days overdue for a follow-up (negative while it
    is not yet due), the shortfall against target (off target, projected), the size of the latest month's
    change (special cause), the 12-month slope relative to the 12-month mean (worsening), months late."""
    off = shortfall(card)
    change = card["change_pct"].abs().fillna(0.0)
    slope = (card["slope_12"] / card["rolling_12"].abs()).abs().replace(np.inf, np.nan).fillna(0.0)
    late = card["months_behind"].astype(float).fillna(np.inf)
    missing = card["reportable"].astype(bool) & (late > 0)
    kpi_groups = [
        _kpi_group(card, "off_target", card[STATUS].eq(OFF_TARGET), off),
        _kpi_group(card, "special_cause", card["variation"].eq("special_cause_concern"), change),
        _kpi_group(card, "worsening", card["trend"].eq("worsening"), slope),
        _kpi_group(card, "missing", missing, late),
        _kpi_group(card, "projected", card["projection_status"].eq("not_at_current_pace"), off),
    ]
    overdue_days = (today - pd.to_datetime(followups["due_by"])).dt.days.astype(float)
    followup_rows = pd.DataFrame(
        {"kind": "followup", KPI: followups[KPI].to_numpy(), "followup_id": followups["followup_id"].to_numpy(),
         "urgency": overdue_days.to_numpy()}
    )
    items = pd.concat([followup_rows.astype({KPI: object}), *kpi_groups], ignore_index=True)
    items["group"] = items["kind"].map({kind: rank for rank, kind in enumerate(GROUPS)})
    items["tiebreak"] = items[KPI].fillna("").astype(str) + items["followup_id"].astype(str)
    items = items.sort_values(["group", "urgency", "tiebreak"], ascending=[True, False, True], kind="stable")
    claimed = set(items.loc[items["kind"].eq("followup") & items[KPI].notna(), KPI])
    kpi_rows = items["kind"].ne("followup")
    repeated = kpi_rows & (items[KPI].isin(claimed) | (items[KPI].duplicated() & kpi_rows))
    kept = items.loc[~repeated, list(AGENDA_COLUMNS)].reset_index(drop=True)
    return kept.astype({"followup_id": "Int64"})
