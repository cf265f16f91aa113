"""The input frames the metrics package works on: column names, allowed values, defaults.

The database layer delivers four frames; every function in ``metrics`` takes them as is.

``kpis`` — one row per KPI:
    kpi_id (int), department (slug), department_name, kpi (key), kpi_name,
    unit (one of UNITS), direction (one of DIRECTIONS), target (float, NaN if none),
    tolerance_pct (float, NaN means 10), aggregation (one of AGGREGATIONS, NaN means
    sum for count and dollars, mean otherwise), weight (float, NaN means 1), enterprise (bool),
    optionally source ('reported', the default, or 'hiring' for a KPI derived from hiring records).
``observations`` — one row per KPI and month: kpi_id, period (datetime64, month start),
    value (float, NaN when reported missing), note (str or missing), optionally count (float, the
    number of cases behind a monthly mean, NaN when not known).
``targets`` — kpi_id, effective_from (datetime64, month start), target (float): the target
    applies from that month on, overriding the KPI's default target.
``hiring`` — department, position_id, title, posted_date, filled_date (NaT while open).

Beside the contract: the KPI settings with defaults resolved, the (KPI, month) grid the modules vectorise on,
and tiny constructors (``*_frame``) for tests. Month arithmetic is in ``metrics.months``.
"""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from metrics.months import month_number

# None as an array, for numpy's ``select`` and ``where`` (their types take arrays, not a bare None).
NONE = np.array(None, dtype=object)

KPI_ID = "kpi_id"
DEPARTMENT = "department"
DEPARTMENT_NAME = "department_name"
KPI = "kpi"
KPI_NAME = "kpi_name"
UNIT = "unit"
DIRECTION = "direction"
TARGET = "target"
TOLERANCE_PCT = "tolerance_pct"
AGGREGATION = "aggregation"
WEIGHT = "weight"
ENTERPRISE = "enterprise"
SOURCE = "source"
REPORTED = "reported"

PERIOD = "period"
VALUE = "value"
NOTE = "note"
COUNT = "count"

EFFECTIVE_FROM = "effective_from"

POSITION_ID = "position_id"
TITLE = "title"
POSTED_DATE = "posted_date"
FILLED_DATE = "filled_date"

KPI_COLUMNS = (
    KPI_ID, DEPARTMENT, DEPARTMENT_NAME, KPI, KPI_NAME, UNIT, DIRECTION,
    TARGET, TOLERANCE_PCT, AGGREGATION, WEIGHT, ENTERPRISE,
)
OBSERVATION_COLUMNS = (KPI_ID, PERIOD, VALUE, NOTE)
TARGET_COLUMNS = (KPI_ID, EFFECTIVE_FROM, TARGET)
HIRING_COLUMNS = (DEPARTMENT, POSITION_ID, TITLE, POSTED_DATE, FILLED_DATE)

UNITS = ("count", "days", "hours", "minutes", "percent", "dollars", "rate")
HIGHER_IS_BETTER = "higher_is_better"
LOWER_IS_BETTER = "lower_is_better"
DIRECTIONS = (HIGHER_IS_BETTER, LOWER_IS_BETTER)
AGGREGATIONS = ("sum", "mean", "last", "min", "max")
SUM_UNITS = ("count", "dollars")

DEFAULT_TOLERANCE_PCT = 10.0
DEFAULT_WEIGHT = 1.0


def kpi_settings(kpis: pd.DataFrame) -> pd.DataFrame:
    """Direction, default target, tolerance, aggregation and weight per kpi_id, defaults filled in."""
    default_aggregation = np.where(kpis[UNIT].isin(SUM_UNITS), "sum", "mean")
    aggregation = kpis[AGGREGATION].fillna(pd.Series(default_aggregation, index=kpis.index))
    if not aggregation.isin(AGGREGATIONS).all():
        raise ValueError(f"aggregation must be one of {AGGREGATIONS}")
    return pd.DataFrame(
        {
            DIRECTION: kpis[DIRECTION].to_numpy(),
            TARGET: kpis[TARGET].to_numpy(dtype=float),
            TOLERANCE_PCT: kpis[TOLERANCE_PCT].fillna(DEFAULT_TOLERANCE_PCT).to_numpy(dtype=float),
            AGGREGATION: aggregation.to_numpy(dtype=object),
            WEIGHT: kpis[WEIGHT].fillna(DEFAULT_WEIGHT).to_numpy(dtype=float),
        },
        index=pd.Index(kpis[KPI_ID].to_numpy(dtype=np.int64), name=KPI_ID),
    )


def reported_kpis(kpis: pd.DataFrame) -> pd.Series:
    """True for the KPIs a department reports (not derived from hiring records), on the kpis frame's index."""
    return kpis[SOURCE].eq(REPORTED) if SOURCE in kpis else pd.Series(True, index=kpis.index)


def direction_sign(direction: Any) -> np.ndarray:
    """+1 where higher is better, -1 where lower is better; raises on any other direction."""
    direction = np.asarray(direction, dtype=object)
    higher = direction == HIGHER_IS_BETTER
    if not np.all(higher | (direction == LOWER_IS_BETTER)):
        raise ValueError(f"direction must be one of {DIRECTIONS}")
    return np.where(higher, 1.0, -1.0)


IMPROVEMENT_SIGN = {"increase": 1, "decrease": -1, "neutral": 0}
DIRECTION_SIGN = {HIGHER_IS_BETTER: 1, LOWER_IS_BETTER: -1}


def sign_per_kpi(given: pd.Series | str, signs: Mapping[str, int], kpi_ids: np.ndarray) -> np.ndarray:
    """The sign (+1, -1, 0) of each of ``kpi_ids`` from a value for all KPIs or a Series by kpi_id; a KPI
    missing from the Series gets 0, a value not in ``signs`` raises."""
    if isinstance(given, str):
        if given not in signs:
            raise ValueError(f"must be one of {list(signs)}, not {given!r}")
        return np.full(len(kpi_ids), signs[given], dtype=np.int8)
    values = given.reindex(kpi_ids)
    sign = values.map(signs)
    invalid = values.notna() & sign.isna()
    if invalid.any():
        raise ValueError(f"unknown values {sorted(set(values[invalid]))}; use one of {list(signs)}")
    return sign.fillna(0).to_numpy(np.int8)


def month_grid(
    observations: pd.DataFrame, kpi_ids: Any, first_month: int, last_month: int, column: str = VALUE
) -> np.ndarray:
    """Values (or another ``column``) as a (KPI, month) array over consecutive month numbers, rows in ``kpi_ids``
    order, NaN where a month is missing, so calendar arithmetic across all KPIs is array indexing."""
    rows = pd.Index(kpi_ids).get_indexer(observations[KPI_ID])
    columns = month_number(observations[PERIOD]) - first_month
    keep = (rows >= 0) & (columns >= 0) & (columns <= last_month - first_month)
    grid = np.full((len(kpi_ids), last_month - first_month + 1), np.nan)
    grid[rows[keep], columns[keep]] = observations[column].to_numpy(dtype=float)[keep]
    return grid


def trailing_windows(grid: np.ndarray, width: int) -> np.ndarray:
    """For each cell of a (KPI, month) grid, the ``width`` months ending there, earliest first: a view of
    shape (KPI, month, width), NaN before the first month."""
    padding = np.full((grid.shape[0], width - 1), np.nan)
    return sliding_window_view(np.concatenate([padding, grid], axis=1), width, axis=1)


def shaped_like(result: np.ndarray, *inputs: Any, name: str | None = None) -> Any:
    """``result`` as the inputs came: a Series on the first Series input's index, a scalar when all were scalars."""
    for item in inputs:
        if isinstance(item, pd.Series):
            return pd.Series(np.broadcast_to(result, item.shape), index=item.index, name=name)
    if all(np.ndim(item) == 0 for item in inputs):
        return result.item()
    return result


def kpis_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """A ``kpis`` frame from partial rows; omitted columns get the contract's defaults (for tests)."""
    frame = pd.DataFrame(list(rows))
    defaults = {
        DEPARTMENT: "dept", UNIT: "count", DIRECTION: HIGHER_IS_BETTER, TARGET: np.nan,
        TOLERANCE_PCT: DEFAULT_TOLERANCE_PCT, AGGREGATION: None, WEIGHT: DEFAULT_WEIGHT, ENTERPRISE: False,
    }
    for column, default in defaults.items():
        if column not in frame:
            frame[column] = default
        elif default is not None:
            frame[column] = frame[column].fillna(default)
    frame[DEPARTMENT_NAME] = frame.get(DEPARTMENT_NAME, frame[DEPARTMENT])
    frame[KPI] = frame.get(KPI, "kpi_" + frame[KPI_ID].astype(str))
    frame[KPI_NAME] = frame.get(KPI_NAME, frame[KPI])
    frame[TARGET] = frame[TARGET].astype(float)
    return frame[list(KPI_COLUMNS)]


def observations_frame(rows: Iterable[tuple[int, str, float]]) -> pd.DataFrame:
    """An ``observations`` frame from (kpi_id, 'YYYY-MM', value) tuples (for tests)."""
    frame = pd.DataFrame(list(rows), columns=[KPI_ID, PERIOD, VALUE])
    frame[PERIOD] = pd.to_datetime(frame[PERIOD], format="%Y-%m")
    frame[VALUE] = frame[VALUE].astype(float)
    frame[NOTE] = None
    return frame


def monthly_observations(kpi_id: int, start: str, values: Sequence[float]) -> pd.DataFrame:
    """An ``observations`` frame for one KPI over consecutive months from 'YYYY-MM' (for tests)."""
    periods = pd.date_range(pd.Timestamp(start), periods=len(values), freq="MS")
    return observations_frame((kpi_id, p.strftime("%Y-%m"), v) for p, v in zip(periods, values))


def targets_frame(rows: Iterable[tuple[int, str, float]]) -> pd.DataFrame:
    """A ``targets`` frame from (kpi_id, 'YYYY-MM', target) tuples (for tests)."""
    frame = pd.DataFrame(list(rows), columns=[KPI_ID, EFFECTIVE_FROM, TARGET])
    frame[EFFECTIVE_FROM] = pd.to_datetime(frame[EFFECTIVE_FROM], format="%Y-%m")
    frame[TARGET] = frame[TARGET].astype(float)
    return frame


def hiring_frame(rows: Iterable[tuple[str, str, str, str | None]]) -> pd.DataFrame:
    """A hiring frame from (department, position_id, 'YYYY-MM-DD' posted, filled or None) tuples (for tests)."""
    frame = pd.DataFrame(list(rows), columns=[DEPARTMENT, POSITION_ID, POSTED_DATE, FILLED_DATE])
    frame[TITLE] = "Position " + frame[POSITION_ID].astype(str)
    frame[POSTED_DATE] = pd.to_datetime(frame[POSTED_DATE])
    frame[FILLED_DATE] = pd.to_datetime(frame[FILLED_DATE])
    return frame[list(HIRING_COLUMNS)]

