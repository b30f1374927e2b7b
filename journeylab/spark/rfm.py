"""RFM scores and segments in Spark, by journeylab.models.rfm's rules (documented there in SCORING_RULES).

The rules are the same; only the percentile rank differs in form: pandas ranks every customer,
Spark counts customers per distinct value and ranks the (far fewer) distinct values, giving tied
values the same average rank: cumulative count before the value + (count + 1) / 2.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np
import pandas as pd

from journeylab.models.rfm import DEFAULT_F_BINS, SegmentMap, load_segment_map

if TYPE_CHECKING:
    from pyspark.sql import DataFrame


def _quintile(df: "DataFrame", value: str, score: str, n: int) -> "DataFrame":
    """Add ``score`` = clip(ceil(5 * average rank / n), 1, 5) of column ``value`` (higher value = higher score)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    counts = df.groupBy(value).count()
    before = F.sum("count").over(Window.orderBy(value).rowsBetween(Window.unboundedPreceding, -1))
    # one window over the distinct values (not the customers); average rank of a tie block
    ranks = counts.withColumn("_before", before).selectExpr(
        value, f"least(5, greatest(1, CAST(ceil(5 * ((coalesce(_before, 0) + (count + 1) / 2.0) / {n})) AS INT))) AS {score}")
    return df.join(ranks, value, "left")


def rfm_scores_df(summary: "DataFrame", segment_map: str | Mapping | SegmentMap | None = None,
                  f_bins: Sequence[int] = DEFAULT_F_BINS, max_tie_share: float = 0.2) -> "DataFrame":
    """RFM scores and segments of every customer of a Spark customer summary, as a Spark DataFrame.

    Input columns: customer_id, recency, T, and n_orders + total_revenue (else frequency +
    monetary_value), as journeylab.spark.customer_summary_df gives. Output columns as
    journeylab.models.rfm.rfm_segments: customer_id, recency (time units since the last order), frequency
    (orders), monetary (mean order value), revenue, R, F, M, FM, rfm, segment, segment_nl, phase,
    action, action_nl. (Which F rule applied is not recorded on a Spark DataFrame: the fixed order
    counts when one order count holds more than ``max_tie_share`` of the customers, as in rfm_segments.)
    """
    from pyspark.sql import functions as F

    smap = segment_map if isinstance(segment_map, SegmentMap) else load_segment_map(segment_map)
    cols = set(summary.columns)
    freq = "CAST(n_orders AS DOUBLE)" if "n_orders" in cols else "frequency + 1"
    if {"total_revenue", "n_orders"} <= cols:
        monetary = "coalesce(total_revenue / CASE WHEN n_orders > 0 THEN n_orders END, 0D)"
        revenue = "CAST(total_revenue AS DOUBLE)"
    else:
        monetary, revenue = "coalesce(monetary_value, 0D)", "monetary_value * frequency"
    base = summary.selectExpr("customer_id", "(T - recency) AS recency", f"{freq} AS frequency",
                              f"{monetary} AS monetary", f"{revenue} AS revenue").persist()
    n = base.count()
    top = base.groupBy("frequency").count().agg(F.max("count")).first()[0]
    out = _quintile(base.withColumn("_neg_recency", -F.col("recency")), "_neg_recency", "R", n).drop("_neg_recency")
    if top / n > max_tie_share:
        bins = " + ".join(f"CASE WHEN frequency >= {float(b)!r} THEN 1 ELSE 0 END" for b in f_bins)
        out = out.withColumn("F", F.expr(f"least(5, greatest(1, {bins}))"))
    else:
        out = _quintile(out, "frequency", "F", n)
    out = _quintile(out, "monetary", "M", n)
    out = out.withColumn("FM", F.expr("CAST(floor((F + M) / 2.0 + 0.5) AS INT)"))
    out = out.withColumn("rfm", F.concat_ws("", F.col("R").cast("string"), F.col("F").cast("string"), F.col("M").cast("string")))
    r, fm = np.meshgrid(np.arange(1, 6), np.arange(1, 6))
    seg = smap.table.iloc[smap.lookup(r.ravel(), fm.ravel())]
    grid = pd.DataFrame({"R": r.ravel().astype("int32"), "FM": fm.ravel().astype("int32"),
                         "segment": seg["name"].to_numpy(), "segment_nl": seg["name_nl"].to_numpy(),
                         "phase": seg["phase"].to_numpy(), "action": seg["action"].to_numpy(),
                         "action_nl": seg["action_nl"].to_numpy()})
    grid_df = summary.sparkSession.createDataFrame(grid)
    out = out.join(F.broadcast(grid_df), ["R", "FM"], "left")
    return out.select("customer_id", "recency", "frequency", "monetary", "revenue", "R", "F", "M", "FM", "rfm",
                      "segment", "segment_nl", "phase", "action", "action_nl")
