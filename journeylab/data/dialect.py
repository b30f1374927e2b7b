"""The few SQL spellings that differ between DuckDB and Spark SQL, so one query builder serves both.

A builder (e.g. ``journeylab.models.summary.summary_sql``, ``journeylab.journey.funnel.funnel``) takes a
:class:`Dialect` (a shop's ``dialect``) and writes the same query for either engine; only the pieces
below differ. Everything else the builders use (``date_trunc``, ``count(DISTINCT ...)``, ``coalesce``,
``GROUP BY ALL``, ``count(*) FILTER (WHERE ...)`` (always with WHERE), ``min_by`` / ``max_by``,
``bool_or``, ``any_value``, ``median``, ``CAST(... AS DOUBLE | STRING | INT)``, ``TIMESTAMP '...'``
literals, ``LEFT JOIN ... USING``, ``FULL OUTER JOIN ... USING``, named ``WINDOW`` clauses) means the
same in DuckDB and Spark SQL 3.5+. Not shared: DuckDB's ``::`` casts, ``SELECT * REPLACE``,
``FILTER`` without WHERE or on window functions, ``INSERT INTO`` a work table. Mind that a literal
such as ``0.5`` is DECIMAL in Spark but DOUBLE in DuckDB: write ``CAST(0.5 AS DOUBLE)`` where it decides
the type of a result.
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

    def string(self, text: str) -> str:
        """An SQL string literal of ``text``: 'it''s' in DuckDB; in Spark, which unescapes backslashes in
        string literals, 'it\\'s' with backslashes doubled."""
        if self.name == "spark":
            return "'" + str(text).replace("\\", "\\\\").replace("'", "\\'") + "'"
        return "'" + str(text).replace("'", "''") + "'"

    def epoch(self, expr: str) -> str:
        """Seconds since 1970-01-01 of a TIMESTAMP, as DOUBLE (fractions of a second kept)."""
        if self.name == "spark":
            return f"(CAST(unix_micros({expr}) AS DOUBLE) / 1000000.0)"
        return f"epoch({expr})"

    def seconds_between(self, later: str, earlier: str) -> str:
        """Seconds from TIMESTAMP ``earlier`` to ``later`` as DOUBLE, exact to the microsecond."""
        if self.name == "spark":
            return f"(CAST(unix_micros({later}) - unix_micros({earlier}) AS DOUBLE) / 1000000.0)"
        return f"epoch({later} - {earlier})"

    def plus_seconds(self, ts: str, seconds: float) -> str:
        """TIMESTAMP ``ts`` plus ``seconds`` (a number)."""
        if self.name == "spark":
            return f"timestamp_micros(unix_micros({ts}) + {int(round(float(seconds) * 1e6))})"
        return f"({ts} + to_microseconds({int(round(float(seconds) * 1e6))}))"

    def quantile(self, expr: str, q: float) -> str:
        """The ``q`` quantile of ``expr`` in a group, interpolated linearly between the two nearest values."""
        return f"percentile({expr}, {float(q)!r})" if self.name == "spark" else f"quantile_cont({expr}, {float(q)!r})"

    def collect_list(self, expr: str, where: str) -> str:
        """The values of ``expr`` in a group, for rows where ``where`` holds, as a list (NULL or empty if none)."""
        fn = "collect_list" if self.name == "spark" else "list"
        return f"{fn}({expr}) FILTER (WHERE {where})"

    def list_min_where(self, lst: str, var: str, cond: str) -> str:
        """The smallest element ``var`` of list ``lst`` for which ``cond`` (over ``var``) holds; NULL if none."""
        if self.name == "spark":
            return f"array_min(filter({lst}, {var} -> {cond}))"
        return f"list_min(list_filter({lst}, lambda {var}: {cond}))"

    def months_between(self, later: str, earlier: str) -> str:
        """Whole months from ``earlier`` to ``later`` (both truncated to the month)."""
        if self.name == "spark":
            return f"timestampdiff(MONTH, {earlier}, {later})"
        return f"date_diff('month', {earlier}, {later})"

    def arg_min(self, value: str, key: str) -> str:
        """``value`` of the row with the smallest ``key`` in the group."""
        return f"min_by({value}, {key})" if self.name == "spark" else f"arg_min({value}, {key})"

    def timestamp(self, ts: pd.Timestamp | str) -> str:
        """A TIMESTAMP literal (naive, shop-local time; both engines run in UTC)."""
        return f"TIMESTAMP '{pd.Timestamp(ts).isoformat(sep=' ')}'"

    def cast_text(self, expr: str) -> str:
        """``expr`` as text, in each engine's own name for the type (VARCHAR in DuckDB, STRING in Spark)."""
        return f"CAST({expr} AS {'STRING' if self.name == 'spark' else 'VARCHAR'})"

    def is_finite(self, expr: str) -> str:
        """TRUE when DOUBLE ``expr`` is neither NaN nor infinite (NULL for NULL); Spark has no isfinite."""
        if self.name == "spark":
            return f"NOT (isnan({expr}) OR abs({expr}) = double('Infinity'))"
        return f"isfinite({expr})"

    def subquery_in_case(self) -> bool:
        """Whether a sub-query (``x NOT IN (SELECT ...)``) may stand inside CASE: not in Spark, which allows
        predicate sub-queries only in a filter or join."""
        return self.name != "spark"


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")


def as_dialect(dialect: Dialect | str) -> Dialect:
    """``dialect`` itself, or the Dialect named by it: "spark" is Spark SQL, any other name DuckDB."""
    if isinstance(dialect, Dialect):
        return dialect
    return SPARK if dialect == "spark" else DUCKDB
