"""Per-customer summary (frequency, recency, T, monetary value) and calibration/holdout split, in SQL.

Definitions are lifetimes' (``summary_data_from_transaction_data`` and
``calibration_and_holdout_data``), computed in DuckDB so millions of orders stay in the engine:

- orders are grouped into periods of ``freq`` ('D' day, 'W' week starting Monday, 'h' hour);
  orders of one customer in the same period count as one purchase, their revenue summed (so a weekly
  summary counts purchase weeks: on the demo shop 12% fewer repeat purchases than by day, and its
  forecasts are in purchase weeks too; freq='D', freq_multiplier=7 keeps daily purchases in weeks);
- ``frequency``: number of periods with a purchase after the first one (repeat purchases);
- ``recency``: time from the first to the last purchase period; ``T``: from the first purchase
  period to the observation end's period; both in units of ``freq`` divided by ``freq_multiplier``
  (e.g. freq='D', freq_multiplier=7 gives weeks measured in days);
- ``monetary_value``: mean revenue of the repeat periods (0 without repeats), shop currency.
Orders whose period lies after the observation end's period are left out, as lifetimes does.

Units travel with the data: every summary carries ``attrs`` time_unit (a name: "days", "weeks",
"hours", or e.g. "3 days"), unit_days (the length of one time unit in days), freq, freq_multiplier,
observation_end (and calibration_end for a calibration/holdout summary). The models read them
(journeylab.models.clv) and refuse a summary that has none unless ``time_unit=`` is given: a weekly summary
read as days made a 12-month forecast 3.7 times too large.
"""
from __future__ import annotations

import math

from typing import TYPE_CHECKING, Iterable, Union

import duckdb
import pandas as pd

from journeylab.data import engines
from journeylab.data.dialect import DUCKDB, Dialect
from journeylab.data.engine import connect
from journeylab.errors import DataError

if TYPE_CHECKING:
    from journeylab.data.shop import Shop

_UNITS = {"D": ("day", 86400), "W": ("week", 7 * 86400), "h": ("hour", 3600), "H": ("hour", 3600)}

SUMMARY_COLUMNS = ["frequency", "recency", "T", "monetary_value", "first_order_at", "last_order_at", "n_orders", "total_revenue"]
HOLDOUT_COLUMNS = [
    "frequency_cal", "recency_cal", "T_cal", "monetary_value_cal",
    "frequency_holdout", "monetary_value_holdout", "duration_holdout",
]

Orders = Union["Shop", pd.DataFrame, duckdb.DuckDBPyRelation, str]


def customer_summary(
    orders: Orders,
    *,
    observation_end: str | pd.Timestamp | None = None,
    freq: str = "D",
    freq_multiplier: float = 1,
    calibration_end: str | pd.Timestamp | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """One row per customer (index ``customer_id``) from orders.

    ``orders`` is a Shop, a DataFrame with ``customer_id``, ``ordered_at``, ``revenue``, a DuckDB
    relation, or the path of a Parquet file (or glob) with those columns; a Spark shop
    (``load_shop(config, engine="spark")``) or Spark DataFrame is summarised by Spark SQL with the
    same query (see ``summary_sql``; journeylab.spark.customer_summary_df keeps it in Spark). ``observation_end``
    defaults to the shop's observation end, else the last order. Without ``calibration_end`` the
    columns are frequency, recency, T, monetary_value (lifetimes' meaning, time in units of
    ``freq`` / ``freq_multiplier``), first_order_at, last_order_at, n_orders and total_revenue.
    With ``calibration_end`` they are lifetimes' calibration/holdout columns (frequency_cal,
    recency_cal, T_cal, monetary_value_cal, frequency_holdout, monetary_value_holdout,
    duration_holdout) for customers whose first order is on or before ``calibration_end``.
    """
    check_summary_args(freq, freq_multiplier)
    other = engines.engine_of(orders)
    if other != engines.DEFAULT:  # a Spark shop or frame: the same SQL, run by its engine
        out = engines.engine(other).customer_summary(
            orders, observation_end=observation_end, freq=freq, freq_multiplier=freq_multiplier,
            calibration_end=calibration_end)
        obs = observation_end if observation_end is not None else getattr(orders, "observation_end", None)
        return with_units(out, freq, freq_multiplier, obs, calibration_end)
    con, source = _source(orders, con)
    # re-reading Parquet per partition costs decoding; scans of in-memory data are cheap
    rows_per_part = ROWS_PER_PARTITION_PARQUET if isinstance(orders, str) else ROWS_PER_PARTITION
    if observation_end is None and hasattr(orders, "observation_end"):
        observation_end = orders.observation_end
    if observation_end is None:
        observation_end = con.execute(f"SELECT max(ordered_at) FROM {source}").fetchone()[0]
        if observation_end is None:
            raise DataError("there are no orders to summarise", table="orders")
    obs = pd.Timestamp(observation_end)
    if calibration_end is None:
        return with_units(_summary(con, source, obs, freq, freq_multiplier, rows_per_part), freq, freq_multiplier, obs)
    cal = pd.Timestamp(calibration_end)
    if cal >= obs:
        raise ValueError(f"calibration_end {cal.date()} must be before observation_end {obs.date()}")
    return with_units(_calibration_holdout(con, source, cal, obs, freq, freq_multiplier, rows_per_part),
                      freq, freq_multiplier, obs, cal)


UNIT_NAMES = {1.0: "days", 7.0: "weeks", 1.0 / 24.0: "hours"}


def time_unit_of(freq: str, freq_multiplier: float = 1) -> tuple[str, float]:
    """(name, length in days) of the time unit of a summary made with ``freq`` and ``freq_multiplier``:
    ('days', 1.0) for freq='D'; ('weeks', 7.0) for freq='W' or freq='D', freq_multiplier=7."""
    check_summary_args(freq, freq_multiplier)
    days = _UNITS[freq][1] * freq_multiplier / 86400.0
    for d, name in UNIT_NAMES.items():
        if abs(days - d) < 1e-9:
            return name, d
    return f"{days:g} days", days


def with_units(summary: pd.DataFrame, freq: str, freq_multiplier: float, observation_end=None,
               calibration_end=None) -> pd.DataFrame:
    """``summary`` with its units in ``attrs`` (see the module docstring); returns the same frame."""
    name, days = time_unit_of(freq, freq_multiplier)
    summary.attrs.update(time_unit=name, unit_days=days, freq=freq, freq_multiplier=float(freq_multiplier),
                         observation_end=None if observation_end is None else pd.Timestamp(observation_end))
    if calibration_end is not None:
        summary.attrs["calibration_end"] = pd.Timestamp(calibration_end)
    return summary


def _source(orders: Orders, con: duckdb.DuckDBPyConnection | None) -> tuple[duckdb.DuckDBPyConnection, str]:
    if hasattr(orders, "con") and hasattr(orders, "tables"):
        return orders.con, "orders"
    con = con or connect()
    if isinstance(orders, pd.DataFrame):
        missing = {"customer_id", "ordered_at", "revenue"} - set(orders.columns)
        if missing:
            raise DataError(f"columns {sorted(missing)} are missing", table="orders",
                            hint="customer_summary needs customer_id, ordered_at and revenue")
        con.register("_jl_summary_orders", orders[["customer_id", "ordered_at", "revenue"]])
        return con, _typed_view(con, "_jl_summary_orders", "_jl_orders")
    if isinstance(orders, duckdb.DuckDBPyRelation):
        orders.create_view("_jl_orders_rel", replace=True)
        return con, "_jl_orders_rel"
    if isinstance(orders, str):
        return con, _typed_view(con, f"read_parquet({DUCKDB.string(orders)})", "_jl_orders")
    raise TypeError(f"orders must be a Shop, DataFrame, DuckDB relation or Parquet path, not {type(orders).__name__}")


_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}


def _typed_view(con: duckdb.DuckDBPyConnection, source: str, view: str) -> str:
    """A view with the canonical column types. Integer customer ids stay integers (as in lifetimes'
    output, whose index keeps the input's type; and hashing, sorting and returning 4M integers is much
    cheaper than strings); any other id type becomes VARCHAR."""
    id_type = con.execute(f"SELECT typeof(customer_id) FROM {source} LIMIT 1").fetchone()
    keep = id_type is not None and id_type[0] in _INTEGER_TYPES
    cid = "customer_id" if keep else "CAST(customer_id AS VARCHAR) AS customer_id"
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {cid}, "
        f"CAST(ordered_at AS TIMESTAMP) AS ordered_at, CAST(revenue AS DOUBLE) AS revenue FROM {source}"
    )
    return view


def _trunc(unit: str, expr: str) -> str:
    return f"date_trunc('{unit}', {expr})"


def require_summary_columns(df: pd.DataFrame, cols: Iterable[str], what: str) -> None:
    """DataError naming the first of ``cols`` (column names) the customer summary ``df`` lacks, needed
    for ``what`` (str, e.g. "a churn evaluation"), with the hint to build it with :func:`customer_summary`."""
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataError(
            f"the customer summary has no column(s) {', '.join(missing)}, needed for {what}",
            table="customer summary",
            column=missing[0],
            hint="build it with journeylab.models.summary.customer_summary",
        )


def check_summary_args(freq: str, freq_multiplier: float) -> None:
    """Raise ValueError for an unknown ``freq`` or a non-positive ``freq_multiplier``."""
    if freq not in _UNITS:
        raise ValueError(f"freq must be one of {sorted(_UNITS)}, not {freq!r}")
    if not freq_multiplier or freq_multiplier <= 0:
        raise ValueError("freq_multiplier must be a positive number")


def summary_sql(
    source: str,
    observation_end: pd.Timestamp,
    freq: str = "D",
    freq_multiplier: float = 1,
    calibration_end: pd.Timestamp | None = None,
    dialect: Dialect = DUCKDB,
) -> str:
    """The customer summary query (one row per customer, unordered) over the table or view ``source``.

    ``source`` has customer_id, ordered_at (TIMESTAMP) and revenue (DOUBLE). Without
    ``calibration_end`` the columns are customer_id + SUMMARY_COLUMNS, else customer_id +
    HOLDOUT_COLUMNS. The one implementation for every engine: DuckDB runs it with
    ``dialect=DUCKDB``, Spark SQL (journeylab.spark) with ``dialect=SPARK``.
    """
    check_summary_args(freq, freq_multiplier)
    unit, seconds = _UNITS[freq]
    obs = pd.Timestamp(observation_end)
    obs_p = _period_start(obs, unit)
    if calibration_end is None:
        where = f"{_trunc(unit, 'ordered_at')} <= {dialect.timestamp(obs_p)} AND customer_id IS NOT NULL"
        return _summary_sql(source, unit, seconds, freq_multiplier, obs_p, where, dialect)
    cal = pd.Timestamp(calibration_end)
    return _holdout_sql(source, unit, seconds, freq_multiplier, cal, obs, dialect)


def _summary_sql(source: str, unit: str, seconds: int, mult: float, obs_p: pd.Timestamp, where: str,
                 d: Dialect = DUCKDB) -> str:
    # Two aggregations, no window: orders -> (customer, period) -> customer. The mean of the
    # repeat periods is (all periods' revenue - the first period's) / repeats; in floating point
    # this equals lifetimes' mean of the repeat periods to about 1e-12 relative.
    div = f"{seconds * mult!r}"
    return f"""
        SELECT customer_id,
               CAST(count(*) - 1 AS DOUBLE) AS frequency,
               ({d.epoch('max(p)')} - {d.epoch('min(p)')}) / {div} AS recency,
               ({d.epoch(d.timestamp(obs_p))} - {d.epoch('min(p)')}) / {div} AS {d.ident('T')},
               CASE WHEN count(*) > 1 THEN (sum(rev) - {d.arg_min('rev', 'p')}) / (count(*) - 1) ELSE 0 END AS monetary_value,
               min(first_ts) AS first_order_at, max(last_ts) AS last_order_at,
               CAST(sum(n) AS BIGINT) AS n_orders, sum(rev) AS total_revenue
        FROM (
            SELECT customer_id, {_trunc(unit, 'ordered_at')} AS p, sum(revenue) AS rev, count(*) AS n,
                   min(ordered_at) AS first_ts, max(ordered_at) AS last_ts
            FROM {source} WHERE {where}
            GROUP BY ALL
        )
        GROUP BY customer_id
    """


def _holdout_sql(source: str, unit: str, seconds: int, mult: float, cal: pd.Timestamp, obs: pd.Timestamp,
                 d: Dialect = DUCKDB) -> str:
    cal_p = _period_start(cal, unit)
    obs_p = _period_start(obs, unit)
    cal_where = f"ordered_at <= {d.timestamp(cal)} AND customer_id IS NOT NULL"
    # lifetimes: holdout purchases are distinct periods; holdout monetary value is the mean of
    # the raw orders (not of periods); customers first seen in the holdout are not included.
    return f"""
        WITH cal AS ({_summary_sql(source, unit, seconds, mult, cal_p, cal_where, d)}),
        hold AS (
            SELECT customer_id, CAST(count(DISTINCT {_trunc(unit, 'ordered_at')}) AS DOUBLE) AS frequency_holdout,
                   avg(revenue) AS monetary_value_holdout
            FROM {source}
            WHERE ordered_at > {d.timestamp(cal)} AND ordered_at <= {d.timestamp(obs)}
            GROUP BY customer_id
        )
        SELECT cal.customer_id,
               cal.frequency AS frequency_cal, cal.recency AS recency_cal, cal.{d.ident('T')} AS T_cal,
               cal.monetary_value AS monetary_value_cal,
               coalesce(hold.frequency_holdout, 0) AS frequency_holdout,
               coalesce(hold.monetary_value_holdout, 0) AS monetary_value_holdout,
               ({d.epoch(d.timestamp(obs_p))} - {d.epoch(d.timestamp(cal_p))}) / {seconds * mult!r} AS duration_holdout
        FROM cal LEFT JOIN hold ON cal.customer_id = hold.customer_id
    """


# Orders per pass of the summary query. Above this, customers are split into ranges of their id and
# summarised one range at a time: the first aggregation's hash table (one entry per customer and
# period, about 100 bytes each) then holds one range, not all customers. 10M orders from a DataFrame
# (benchmarks/summary_bench.py): one pass 4.6 s / 2.1 GB peak; 12 ranges 6.9 s / 1.2 GB; Parquet 4 ranges 6.8 s / 1.1 GB.
ROWS_PER_PARTITION = 900_000
ROWS_PER_PARTITION_PARQUET = 2_500_000
_SAMPLE_ROWS = 100_000


def _summary(con, source, obs: pd.Timestamp, freq: str, mult: float, rows_per_part: int) -> pd.DataFrame:
    df = _fetch(con, source, lambda src: summary_sql(src, obs, freq, mult) + " ORDER BY customer_id", rows_per_part)
    return df.set_index("customer_id")[SUMMARY_COLUMNS]


def _calibration_holdout(con, source, cal: pd.Timestamp, obs: pd.Timestamp, freq: str, mult: float,
                         rows_per_part: int) -> pd.DataFrame:
    df = _fetch(con, source, lambda src: summary_sql(src, obs, freq, mult, calibration_end=cal)
                + " ORDER BY cal.customer_id", rows_per_part)
    return df.set_index("customer_id")[HOLDOUT_COLUMNS]


def _fetch(con: duckdb.DuckDBPyConnection, source: str, sql_for, rows_per_part: int) -> pd.DataFrame:
    """Run the summary query (``sql_for(view)``) over ``source``, range by range of customer id when large.

    Ranges come from a sample of the ids, so each pass's result is sorted and their concatenation is
    sorted too. One thread and no insertion order, then the connection's settings are restored: DuckDB
    builds one hash table per thread, and on this 2-core machine two threads took more memory in the
    same time (the aggregation is memory-bound). Results go through Arrow: several times faster than
    .df() for millions of string ids.
    """
    import pyarrow as pa

    keep_order = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET threads = 1")
    try:
        parts = []
        for i, where in enumerate(_id_ranges(con, source, rows_per_part)):
            view = f"_jl_part_{i}"
            con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT * FROM {source} WHERE {where}")
            parts.append(con.sql(sql_for(view)).to_arrow_table())
            con.execute(f"DROP VIEW {view}")
        table = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
        del parts
        return table.to_pandas(self_destruct=True, split_blocks=True)
    finally:
        con.execute(f"SET preserve_insertion_order = {str(bool(keep_order)).lower()}")
        con.execute(f"SET threads = {int(threads)}")


def _id_ranges(con: duckdb.DuckDBPyConnection, source: str, rows_per_part: int) -> list[str]:
    """SQL conditions splitting customers into about n_rows / rows_per_part ranges of their id, in id order."""
    n_rows = con.execute(f"SELECT count(*) FROM {source}").fetchone()[0]
    k = math.ceil(n_rows / rows_per_part)
    if k <= 1:
        return ["true"]
    sample = sorted(r[0] for r in con.execute(
        f"SELECT customer_id FROM {source} WHERE customer_id IS NOT NULL USING SAMPLE {_SAMPLE_ROWS} ROWS").fetchall())
    # Python orders ints and str by value / code point, as DuckDB's binary collation does
    bounds = sorted({sample[len(sample) * j // k] for j in range(1, k)})
    lit = [(str(b) if isinstance(b, int) else DUCKDB.string(str(b))) for b in bounds]
    conds = [f"customer_id < {lit[0]}"]
    conds += [f"customer_id >= {a} AND customer_id < {b}" for a, b in zip(lit, lit[1:])]
    conds.append(f"customer_id >= {lit[-1]}")
    return conds


def _period_start(ts: pd.Timestamp, unit: str) -> pd.Timestamp:
    if unit == "day":
        return ts.normalize()
    if unit == "week":
        return (ts - pd.Timedelta(days=ts.weekday())).normalize()
    return ts.floor("h")
