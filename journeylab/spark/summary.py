"""Customer summary and calibration/holdout split in Spark: journeylab.models.summary.summary_sql with the Spark dialect.

The query is the one the DuckDB engine runs (one implementation); this module only supplies the
orders as a Spark view and collects (or keeps) the result.
"""
from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import pandas as pd

from journeylab.data.dialect import SPARK
from journeylab.errors import DataError
from journeylab.models.summary import HOLDOUT_COLUMNS, SUMMARY_COLUMNS, check_summary_args, time_unit_of, summary_sql
from journeylab.spark.session import get_session
from journeylab.spark.shop import to_pandas

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

_views = itertools.count()


def orders_frame(orders: Any, spark: "SparkSession | None" = None) -> tuple["DataFrame", Any]:
    """(Spark DataFrame with customer_id, ordered_at TIMESTAMP, revenue DOUBLE; the shop or None).

    ``orders`` is a SparkShop, a Spark DataFrame, a pandas DataFrame, or a Parquet path/URI
    (``s3a://bucket/orders/``)."""
    shop = orders if getattr(orders, "engine", None) == "spark" else None
    if shop is not None:
        df = shop.frame("orders")
    elif type(orders).__module__.startswith("pyspark."):
        df = orders
    else:
        spark = get_session(spark)
        if isinstance(orders, pd.DataFrame):
            missing = {"customer_id", "ordered_at", "revenue"} - set(orders.columns)
            if missing:
                raise DataError(f"columns {sorted(missing)} are missing", table="orders",
                                hint="customer_summary needs customer_id, ordered_at and revenue")
            df = spark.createDataFrame(orders[["customer_id", "ordered_at", "revenue"]].reset_index(drop=True))
        elif isinstance(orders, str):
            df = spark.read.parquet(orders)
        else:
            raise TypeError(f"orders must be a SparkShop, Spark or pandas DataFrame or Parquet path, not {type(orders).__name__}")
    cid = df.schema["customer_id"].dataType.simpleString()
    keep = cid in ("tinyint", "smallint", "int", "bigint")  # integer ids stay integers, as in the DuckDB path
    typed = df.selectExpr("customer_id" if keep else "CAST(customer_id AS STRING) AS customer_id",
                          "CAST(ordered_at AS TIMESTAMP) AS ordered_at", "CAST(revenue AS DOUBLE) AS revenue")
    return typed, shop


def customer_summary_df(orders: Any, *, observation_end: Any = None, freq: str = "D", freq_multiplier: float = 1,
                        calibration_end: Any = None, spark: "SparkSession | None" = None) -> "DataFrame":
    """The customer summary as a lazy Spark DataFrame (column customer_id + the summary columns),
    for more customers than the driver should hold. Arguments and columns as
    journeylab.models.summary.customer_summary."""
    check_summary_args(freq, freq_multiplier)
    df, shop = orders_frame(orders, spark)
    if observation_end is None and shop is not None:
        observation_end = shop.observation_end
    if observation_end is None:
        observation_end = df.selectExpr("max(ordered_at)").first()[0]
        if observation_end is None:
            raise DataError("there are no orders to summarise", table="orders")
    obs = pd.Timestamp(observation_end)
    cal = None if calibration_end is None else pd.Timestamp(calibration_end)
    if cal is not None and cal >= obs:
        raise ValueError(f"calibration_end {cal.date()} must be before observation_end {obs.date()}")
    view = f"_jl_orders_{next(_views)}"
    df.createOrReplaceTempView(view)
    out = df.sparkSession.sql(summary_sql(view, obs, freq, freq_multiplier, calibration_end=cal, dialect=SPARK))
    # A Spark DataFrame has no attrs: the time unit travels as column metadata of the time columns,
    # which fit_spark reads (journeylab.models.summary.with_units is the pandas counterpart).
    name, days = time_unit_of(freq, freq_multiplier)
    meta = {"time_unit": name, "unit_days": days, "observation_end": str(obs)}
    timed = {"recency", "T", "recency_cal", "T_cal", "duration_holdout"}
    cols = ["customer_id", *(SUMMARY_COLUMNS if cal is None else HOLDOUT_COLUMNS)]
    return out.select(*[out[c].alias(c, metadata=meta) if c in timed else out[c] for c in cols])


def customer_summary(orders: Any, **kwargs) -> pd.DataFrame:
    """The customer summary collected to pandas (index customer_id, sorted), equal to the DuckDB
    engine's ``journeylab.customer_summary`` on the same orders."""
    out = to_pandas(customer_summary_df(orders, **kwargs)).set_index("customer_id").sort_index()
    return out
