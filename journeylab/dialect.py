"""The few SQL spellings that differ between DuckDB and Spark SQL, so one query builder serves both.

A builder (e.g. ``journeylab.summary.summary_sql``) takes a :class:`Dialect` and writes the same
query for either engine; only the pieces below differ. Everything else the builders use
(``date_trunc``, ``count(DISTINCT ...)``, ``coalesce``, ``GROUP BY ALL``, ``FILTER (WHERE ...)``,
``TIMESTAMP '...'`` literals, ``LEFT JOIN ... USING``) means the same in DuckDB and Spark SQL 3.4+.
Spark must run with ``spark.sql.session.timeZone=UTC`` (journeylab.spark.session does), as DuckDB does.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Dialect:
    """An SQL dialect: ``name`` is "duckdb" or "spark"."""

    name: str

    def ident(self, name: str) -> str:
        """A quoted identifier: "T" in DuckDB, `T` in Spark (where double quotes make a string)."""
        if self.name == "spark":
            return "`" + str(name).replace("`", "``") + "`"
        return '"' + str(name).replace('"', '""') + '"'

    def epoch(self, expr: str) -> str:
        """Seconds since 1970-01-01 of a TIMESTAMP, as DOUBLE (fractions of a second kept)."""
        if self.name == "spark":
            return f"(CAST(unix_micros({expr}) AS DOUBLE) / 1000000.0)"
        return f"epoch({expr})"

    def arg_min(self, value: str, key: str) -> str:
        """``value`` of the row with the smallest ``key`` in the group."""
        return f"min_by({value}, {key})" if self.name == "spark" else f"arg_min({value}, {key})"

    def timestamp(self, ts: pd.Timestamp | str) -> str:
        """A TIMESTAMP literal (naive, shop-local time; both engines run in UTC)."""
        return f"TIMESTAMP '{pd.Timestamp(ts).isoformat(sep=' ')}'"


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")
