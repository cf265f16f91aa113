"""The database driver's own connection (sqlite3 or psycopg) under a SQLAlchemy connection, for what SQLAlchemy does
not wrap: PostgreSQL's COPY, ``executemany`` on a raw cursor, SQLite's ``BEGIN IMMEDIATE`` and busy timeout."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection


def driver_connection(conn: Connection) -> Any:
    """The driver's connection under ``conn`` (typed ``Any``: sqlite3's and psycopg's differ)."""
    driver = conn.connection.driver_connection
    if driver is None:
        raise RuntimeError("the database connection has been closed")
    return driver
