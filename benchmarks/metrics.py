"""Scorecard benchmark (run by hand, not in CI): the whole scorecard of a synthetic city of 50 departments x 30
KPIs x 120 months (180,000 observations) against, in the same run, a straightforward per-KPI loop computing
the core of it (latest value, target, status, changes, rolling means, slope, fiscal year to date, window
scores, the XmR chart via ``metrics.spc.xmr``); print the best of 5 after a warm-up, the ratio, and check
that both agree.

    python benchmarks/metrics.py [--departments 50] [--kpis 30] [--months 120] [--repeat 5]

Goal: the whole city in under 0.5 s and at least 20x faster than the loop. Measured on the 2-CPU development
machine (pandas 3.1, numpy 2.4): scorecard 0.28-0.31 s, loop 10.1-10.4 s, 34-36x.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from metrics import scorecard  # noqa: E402
from metrics.frames import DIRECTIONS, SUM_UNITS, UNITS  # noqa: E402
from metrics.scores import kpi_score  # noqa: E402
from metrics.spc import xmr  # noqa: E402
from metrics.status import status  # noqa: E402

FIRST_MONTH = "2007-01-01"
FY_START_MONTH = 7
# A month without a target leaves the rolled-up target missing, as in metrics.fiscal and metrics.scores.
ROLL_UP = {
    "sum": lambda series: series.sum(skipna=False),
    "mean": lambda series: series.mean(skipna=False),
    "min": lambda series: series.min(skipna=False),
    "max": lambda series: series.max(skipna=False),
    "last": lambda series: series.iloc[-1],
}


def synthetic_city(departments: int, kpis_per_department: int, months: int, seed: int = 2016):
    """``observations, kpis, targets`` of a made-up city: mixed units and directions, level shifts and drifts,
    about 0.5 % of months reported missing, 10 % of KPIs without a target and 10 % with a target change."""
    rng = np.random.default_rng(seed)
    n = departments * kpis_per_department
    kpi_id = np.arange(1, n + 1)
    department = (kpi_id - 1) // kpis_per_department
    level = rng.uniform(10, 1000, n)
    kpis = pd.DataFrame(
        {
            "kpi_id": kpi_id,
            "department": [f"dept_{d:02d}" for d in department],
            "department_name": [f"Department {d:02d}" for d in department],
            "kpi": [f"kpi_{k}" for k in kpi_id],
            "kpi_name": [f"KPI {k}" for k in kpi_id],
            "unit": np.array(UNITS, dtype=object)[rng.integers(0, len(UNITS), n)],
            "direction": np.array(DIRECTIONS, dtype=object)[rng.integers(0, 2, n)],
            "target": np.where(rng.random(n) < 0.9, level * rng.uniform(0.9, 1.1, n), np.nan),
            "tolerance_pct": np.where(rng.random(n) < 0.2, 5.0, np.nan),
            "aggregation": np.where(rng.random(n) < 0.05, "last", None).astype(object),
            "weight": np.where(rng.random(n) < 0.1, 2.0, np.nan),
            "enterprise": False,
        }
    )
    month = np.arange(months)
    shift = np.where(rng.random(n) < 0.3, rng.normal(0, 0.15, n), 0.0)[:, None] * (
        month >= rng.integers(12, months, n)[:, None]
    )
    drift = np.where(rng.random(n) < 0.2, rng.normal(0, 0.002, n), 0.0)[:, None] * month
    values = level[:, None] * (1 + rng.normal(0, 0.05, (n, months)) + shift + drift)
    values[rng.random((n, months)) < 0.005] = np.nan
    periods = pd.date_range(FIRST_MONTH, periods=months, freq="MS")
    observations = pd.DataFrame(
        {
            "kpi_id": np.repeat(kpi_id, months),
            "period": np.tile(periods, n),
            "value": values.ravel().round(2),
            "note": None,
        }
    )
    changed = kpi_id[rng.random(n) < 0.1]
    targets = pd.DataFrame(
        {"kpi_id": changed, "effective_from": periods[max(months - 30, 0)], "target": level[changed - 1] * 1.05}
    )
    return observations, kpis, targets


def per_kpi_loop(
    observations: pd.DataFrame, kpis: pd.DataFrame, targets: pd.DataFrame, as_of: pd.Timestamp
) -> pd.DataFrame:
    """The core scorecard columns the way a first version would compute them: one KPI at a time."""
    fy_start = pd.Timestamp(as_of.year - (as_of.month < FY_START_MONTH), FY_START_MONTH, 1)
    by_kpi = dict(tuple(observations[observations["period"] <= as_of].groupby("kpi_id")))
    targets_by_kpi = {
        kpi_id: changes.set_index("effective_from")["target"]
        for kpi_id, changes in targets.sort_values("effective_from").groupby("kpi_id")
    }
    no_changes = pd.Series(dtype=float, index=pd.DatetimeIndex([]))
    rows = []
    for kpi in kpis.itertuples():
        mine = by_kpi.get(kpi.kpi_id, observations.iloc[:0])
        series = mine.dropna(subset=["value"]).sort_values("period").set_index("period")["value"]
        changes = targets_by_kpi.get(kpi.kpi_id, no_changes)

        def target_at(month: pd.Timestamp) -> float:
            applicable = changes[changes.index <= month]
            return applicable.iloc[-1] if len(applicable) else kpi.target

        default_aggregation = "sum" if kpi.unit in SUM_UNITS else "mean"
        how = ROLL_UP[kpi.aggregation if isinstance(kpi.aggregation, str) else default_aggregation]
        row = {"kpi_id": kpi.kpi_id}
        if series.empty:
            rows.append(row | {"status": "no_data"})
            continue
        latest = series.index[-1]
        row["value"] = series.iloc[-1]
        row["target"] = target_at(latest)
        row["status"] = status(row["value"], row["target"], kpi.direction, kpi.tolerance_pct)
        row["change"] = row["value"] - series.get(latest - pd.DateOffset(months=1), np.nan)
        row["change_yoy"] = row["value"] - series.get(latest - pd.DateOffset(years=1), np.nan)
        row["rolling_3"] = series.reindex(pd.date_range(end=latest, periods=3, freq="MS")).mean(skipna=False)
        last_12 = series[series.index > latest - pd.DateOffset(years=1)]
        row["rolling_12"] = last_12.mean() if len(last_12) >= 9 else np.nan
        year_window = series[series.index > as_of - pd.DateOffset(years=1)]
        months = (year_window.index.year - as_of.year) * 12 + year_window.index.month - as_of.month
        row["slope_12"] = np.polyfit(months, year_window.to_numpy(), 1)[0] if len(year_window) >= 2 else np.nan

        in_year = series[series.index >= fy_start]
        row["fytd_value"] = how(in_year) if len(in_year) else np.nan
        row["fytd_target"] = how(pd.Series([target_at(m) for m in in_year.index])) if len(in_year) else np.nan
        for name, width in (("month", 1), ("3m", 3), ("12m", 12)):
            window = series[series.index > as_of - pd.DateOffset(months=width)]
            window_target = pd.Series([target_at(m) for m in window.index], dtype=float)
            has_target = not np.isnan(target_at(as_of)) and window_target.notna().all() and len(window)
            row[f"score_{name}"] = (
                kpi_score(how(window), how(window_target), kpi.direction) if has_target else np.nan
            )

        improvement = "increase" if kpi.direction == "higher_is_better" else "decrease"
        points = xmr(series.to_numpy(), series.index, improvement=improvement, target=target_at(as_of))
        latest_point = points.iloc[-1]
        row.update({column: latest_point[column] for column in ("variation", "rule", "mean", "lpl", "upl")})
        row["assurance"] = points.attrs["assurance"]
        rows.append(row)
    return pd.DataFrame(rows)


def best_of(repeat: int, run: Callable[[], object]) -> tuple[float, object]:
    """The fastest of ``repeat`` timed runs after one warm-up, and the last result."""
    result = run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def check_agreement(card: pd.DataFrame, loop: pd.DataFrame) -> list[str]:
    """The columns both compute, each asserted equal (NaN equal to NaN, floats to 1e-9 relative)."""
    ours = card.set_index("kpi_id").loc[loop["kpi_id"]]
    theirs = loop.set_index("kpi_id")
    compared = []
    for column in theirs.columns:
        # The scorecard also scores KPIs without a set target against their history; the loop does not.
        rows = ours["target_basis"].eq("set") if column.startswith("score_") else slice(None)
        left, right = ours.loc[rows, column], theirs.loc[rows, column]
        if pd.api.types.is_numeric_dtype(right):
            np.testing.assert_allclose(left.to_numpy(float), right.to_numpy(float), rtol=1e-9, err_msg=column)
        else:
            assert left.fillna("").tolist() == right.fillna("").tolist(), column
        compared.append(column)
    return compared


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=50)
    parser.add_argument("--kpis", type=int, default=30, help="KPIs per department")
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    observations, kpis, targets = synthetic_city(args.departments, args.kpis, args.months)
    as_of = observations["period"].max()
    print(f"city: {len(kpis):,} KPIs in {args.departments} departments, {len(observations):,} observations, "
          f"as of {as_of:%B %Y}")
    card_seconds, card = best_of(args.repeat, lambda: scorecard(observations, kpis, targets, as_of))
    loop_seconds, loop = best_of(args.repeat, lambda: per_kpi_loop(observations, kpis, targets, as_of))
    compared = check_agreement(card, loop)
    print(f"scorecard (all columns)     {card_seconds:7.3f} s")
    print(f"per-KPI loop (core columns) {loop_seconds:7.3f} s")
    print(f"ratio loop / scorecard: {loop_seconds / card_seconds:.1f}x (goal: scorecard < 0.5 s and >= 20x)")
    print(f"both agree on {', '.join(compared)}")


if __name__ == "__main__":
    main()
