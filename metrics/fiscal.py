"""Fiscal years and quarters, and each KPI's value and status over them (LouieStat's "YTD status").

A fiscal year is named by the calendar year it ends in: with July starts, July 2012 is FY2013 Q1.
Values roll up under the KPI's aggregation over the months reported (months without a value are
left out); the target rolls up the same way over the same months from the monthly targets in
force, so a summed KPI's target is the sum of its monthly targets and an averaged one's their
mean. When one of those months has no target the rolled-up target is missing (no_target).

A KPI whose months roll up as a mean and whose every reported month carries a ``count`` (the cases
behind that month's mean, such as positions filled) rolls up as the mean of its cases: each month
weighted by its count, its targets alike. Without a count on every month it is the plain mean.
"""

from typing import Any

import numpy as np
import pandas as pd

from metrics.frames import (
    AGGREGATION,
    COUNT,
    DIRECTION,
    KPI_ID,
    PERIOD,
    TARGET,
    TOLERANCE_PCT,
    VALUE,
    kpi_settings,
)
from metrics.months import MonthLike, month_number, month_start_of
from metrics.status import status, targets_in_force

MONTHS = "months"


def fiscal_labels(periods: Any, fy_start_month: int = 7) -> pd.DataFrame:
    """Columns fiscal_year, fiscal_quarter (1 = the first three months), fy_label ('FY2013') and
    fq_label ('FY2013 Q2') per period, so every page names fiscal periods alike; a Series keeps its index."""
    if not 1 <= fy_start_month <= 12:
        raise ValueError("fy_start_month must be 1 to 12")
    months = month_number(periods)
    calendar_year, month = months // 12, months % 12 + 1
    fiscal_year = calendar_year + ((month >= fy_start_month) & (fy_start_month > 1))
    fiscal_quarter = (month - fy_start_month) % 12 // 3 + 1
    fy_label = "FY" + pd.Series(fiscal_year).astype(str)
    return pd.DataFrame(
        {
            "fiscal_year": fiscal_year,
            "fiscal_quarter": fiscal_quarter,
            "fy_label": fy_label.to_numpy(),
            "fq_label": (fy_label + " Q" + pd.Series(fiscal_quarter).astype(str)).to_numpy(),
        },
        index=periods.index if isinstance(periods, pd.Series) else None,
    )


def aggregate(
    frame: pd.DataFrame, kpis: pd.DataFrame, by: list[str], columns: tuple[str, ...] = (VALUE,)
) -> pd.DataFrame:
    """Monthly rows (kpi_id, period, value, ``by`` columns) rolled up per kpi_id and ``by`` key under each
    KPI's aggregation, ``columns`` alike over the same reported months, with ``months`` counting them."""
    reported = frame[frame[VALUE].notna()].sort_values(PERIOD, kind="stable")
    weights = reported[COUNT] if COUNT in reported else pd.Series(np.nan, index=reported.index)
    keys = [reported[KPI_ID], *(reported[b] for b in by)]
    grouped = reported.groupby(keys, sort=True)
    result = grouped.size().rename(MONTHS).to_frame()
    how = kpi_settings(kpis)[AGGREGATION].reindex(result.index.get_level_values(KPI_ID)).to_numpy()
    weighted = (weights.groupby(keys, sort=True).count() == result[MONTHS]).to_numpy()
    total_weight = weights.groupby(keys, sort=True).sum().to_numpy()
    for column in columns:
        values = grouped[column]
        with np.errstate(invalid="ignore", divide="ignore"):
            weighted_mean = (reported[column] * weights).groupby(keys, sort=True).sum().to_numpy() / total_weight
        candidates = {
            "sum": values.sum(),
            "mean": np.where(weighted, weighted_mean, values.mean().to_numpy()),
            "last": values.last(skipna=False),
            "min": values.min(),
            "max": values.max(),
        }
        rolled_up = np.select([how == name for name in candidates], [np.asarray(c) for c in candidates.values()], np.nan)
        complete = values.count().to_numpy() == result[MONTHS].to_numpy()
        result[column] = np.where(complete, rolled_up, np.nan)
    return result.reset_index()


def _with_status(frame: pd.DataFrame, kpis: pd.DataFrame) -> np.ndarray:
    """Status of each rolled-up (kpi_id, value, target) row under its KPI's direction and tolerance."""
    settings = kpi_settings(kpis).reindex(frame[KPI_ID].to_numpy())
    return status(
        frame[VALUE].to_numpy(dtype=float),
        frame[TARGET].to_numpy(dtype=float),
        settings[DIRECTION].to_numpy(),
        settings[TOLERANCE_PCT].to_numpy(),
    )


def fiscal_to_date(
    observations: pd.DataFrame, kpis: pd.DataFrame, targets: pd.DataFrame, as_of: MonthLike,
    fy_start_month: int = 7,
) -> pd.DataFrame:
    """One row per KPI: fy_label, fytd_value, fytd_target, fytd_status, fytd_months for the fiscal year through
    ``as_of``'s month; a KPI with nothing reported has 0 months and no_data."""
    as_of_month = pd.Series([month_start_of(as_of)])
    label = fiscal_labels(as_of_month, fy_start_month)
    last = int(month_number(as_of_month)[0])
    first = last - (last % 12 + 1 - fy_start_month) % 12
    months = month_number(observations[PERIOD])
    in_year = observations[(months >= first) & (months <= last)]
    in_year = in_year.assign(**{TARGET: targets_in_force(kpis, targets, in_year).to_numpy()})
    totals = aggregate(in_year, kpis, by=[], columns=(VALUE, TARGET)).set_index(KPI_ID)
    totals = totals.reindex(kpi_settings(kpis).index).reset_index()
    return pd.DataFrame(
        {
            KPI_ID: totals[KPI_ID].to_numpy(),
            "fy_label": label["fy_label"].iloc[0],
            "fytd_value": totals[VALUE].to_numpy(dtype=float),
            "fytd_target": totals[TARGET].to_numpy(dtype=float),
            "fytd_status": _with_status(totals, kpis),
            "fytd_months": totals[MONTHS].fillna(0).to_numpy(dtype=np.int64),
        }
    )


def fiscal_quarters(
    observations: pd.DataFrame, kpis: pd.DataFrame, targets: pd.DataFrame, fy_start_month: int = 7
) -> pd.DataFrame:
    """One row per KPI and fiscal quarter with data: fiscal_year, fiscal_quarter, fy_label, fq_label,
    value, target, status, months."""
    labels = fiscal_labels(observations[PERIOD], fy_start_month)
    frame = observations.assign(
        **{column: labels[column].to_numpy() for column in labels},
        **{TARGET: targets_in_force(kpis, targets, observations).to_numpy()},
    )
    quarters = aggregate(frame, kpis, by=["fiscal_year", "fiscal_quarter"], columns=(VALUE, TARGET))
    quarters = quarters.merge(
        labels.drop_duplicates(["fiscal_year", "fiscal_quarter"]), on=["fiscal_year", "fiscal_quarter"], how="left"
    )
    quarters["status"] = _with_status(quarters, kpis)
    return quarters[
        [KPI_ID, "fiscal_year", "fiscal_quarter", "fy_label", "fq_label", VALUE, TARGET, "status", MONTHS]
    ]
