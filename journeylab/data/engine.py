"""The embedded engine: a DuckDB connection set up the same way everywhere."""
from __future__ import annotations

from pathlib import Path

import duckdb


def connect(database: str | Path | None = None, *, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB connection: in memory when ``database`` is None, else a database file.

    A database file lets DuckDB spill to disk, for data larger than memory. Time stamps are
    naive (shop-local) and the session time zone is UTC, so no timestamp shifts silently.
    """
    con = duckdb.connect(str(database) if database is not None else ":memory:")
    con.execute("SET TimeZone = 'UTC'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    return con
