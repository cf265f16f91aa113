"""Bulk writes that stay fast at a million rows: ``executemany`` on SQLite, ``COPY`` on PostgreSQL, fed in
slices so memory stays bounded. Frames hold month columns as month numbers; they are written as dates here."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import pandas as pd
from sqlalchemy import Connection, Date, Integer, Table

from louiestat.db.driver import driver_connection
from metrics.months import month_start_iso

SLICE_ROWS = 50_000


def _python_column(series: pd.Series, as_date: bool, as_int: bool = False) -> list:
    """A column as Python objects the drivers accept: None for missing, ISO strings for dates, whole numbers for
    an integer column that a missing value made float."""
    if as_date:
        if pd.api.types.is_integer_dtype(series):
            return month_start_iso(series.to_numpy()).tolist()
        stamps = pd.to_datetime(series)
        return [None if pd.isna(s) else s.strftime("%Y-%m-%d") for s in stamps]
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_integer_dtype(series):
        return series.tolist()
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy(dtype="float64")
        return [None if v != v else int(v) if as_int else v for v in values.tolist()]
    values = series.to_numpy(dtype=object, copy=True)
    values[pd.isna(values)] = None
    return values.tolist()


def _row_slices(table: Table, frame: pd.DataFrame, columns: Sequence[str]) -> Iterator[list[tuple]]:
    for start in range(0, len(frame), SLICE_ROWS):
        part = frame.iloc[start : start + SLICE_ROWS]
        cols = [_python_column(part[c], isinstance(table.c[c].type, Date), isinstance(table.c[c].type, Integer))
                for c in columns]
        yield list(zip(*cols))


def insert_rows(conn: Connection, table: Table, frame: pd.DataFrame, columns: Sequence[str] | None = None) -> int:
    """Insert every row of ``frame`` into ``table`` (its ``columns``); returns the number inserted."""
    if frame.empty:
        return 0
    columns = list(columns or frame.columns)
    names = ", ".join(f'"{c}"' for c in columns)
    if conn.dialect.name == "postgresql":
        cursor = driver_connection(conn).cursor()
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for rows in _row_slices(table, frame, columns):
                for row in rows:
                    copy.write_row(row)
        return len(frame)
    sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" for _ in columns)})'
    cursor = driver_connection(conn).cursor()
    for rows in _row_slices(table, frame, columns):
        cursor.executemany(sql, rows)
    return len(frame)


def update_rows(conn: Connection, table: Table, frame: pd.DataFrame, keys: Sequence[str], values: Sequence[str]) -> int:
    """Set ``values`` columns of the rows identified by ``keys``, one statement executed for all rows."""
    if frame.empty:
        return 0
    param = "%s" if conn.dialect.name == "postgresql" else "?"
    sets = ", ".join(f'"{c}" = {param}' for c in values)
    where = " AND ".join(f'"{c}" = {param}' for c in keys)
    sql = f'UPDATE "{table.name}" SET {sets} WHERE {where}'
    cursor = driver_connection(conn).cursor()
    for rows in _row_slices(table, frame, [*values, *keys]):
        cursor.executemany(sql, rows)
    return len(frame)


def delete_rows(conn: Connection, table: Table, frame: pd.DataFrame, keys: Sequence[str]) -> int:
    """Delete the rows identified by the ``keys`` columns of ``frame``."""
    if frame.empty:
        return 0
    param = "%s" if conn.dialect.name == "postgresql" else "?"
    where = " AND ".join(f'"{c}" = {param}' for c in keys)
    cursor = driver_connection(conn).cursor()
    for rows in _row_slices(table, frame, keys):
        cursor.executemany(f'DELETE FROM "{table.name}" WHERE {where}', rows)
    return len(frame)


def fetch_frame(conn: Connection, statement) -> pd.DataFrame:
    """Run a select and return its rows as a DataFrame, fetched straight from the driver's cursor as plain
    tuples (SQLAlchemy binds the parameters; no per-row result objects are made)."""
    result = conn.execute(statement)
    try:
        columns = list(result.keys())
        return pd.DataFrame.from_records(result.cursor.fetchall(), columns=columns)
    finally:
        result.close()
