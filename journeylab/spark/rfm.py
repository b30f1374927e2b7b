"""RFM scores and segments in Spark: journeylab.models.rfm's SQL (``rfm_sql``), run by Spark.

The text is the one pandas summaries are scored with in DuckDB; it ranks distinct values, not customers,
so no window runs over all customers.
"""
from __future__ import annotations

from itertools import count
from typing import TYPE_CHECKING, Mapping, Sequence

from journeylab.data.dialect import SPARK
from journeylab.errors import DataError
from journeylab.models.rfm import DEFAULT_F_BINS, RFM_COLUMNS, SegmentMap, f_rule_text, load_segment_map, rfm_sql, rfm_stats_sql

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

_views = count()


def rfm_scores_df(summary: "DataFrame", segment_map: str | Mapping | SegmentMap | None = None,
                  f_bins: Sequence[int] = DEFAULT_F_BINS, max_tie_share: float = 0.2) -> "DataFrame":
    """RFM scores and segments of every customer of a Spark customer summary, as a Spark DataFrame.

    Input columns: customer_id, recency, T, and n_orders + total_revenue (else frequency +
    monetary_value), as journeylab.spark.customer_summary_df gives. Output columns as
    journeylab.models.rfm.rfm_segments: customer_id, recency (time units since the last order), frequency
    (orders), monetary (mean order value), revenue, R, F, M, FM, rfm, segment (the segment's id; its words
    are journeylab.i18n's segment_label and segment_action), phase. (Which F rule applied is not recorded
    on a Spark DataFrame: the fixed order counts when one order count holds more than ``max_tie_share`` of
    the customers, as in rfm_segments.)
    Two Spark jobs: the customer count and most common order count, then the scores.
    """
    smap = segment_map if isinstance(segment_map, SegmentMap) else load_segment_map(segment_map)
    view = f"_jl_rfm_summary_{next(_views)}"
    # the query reads its input four times (three ranks and the join): computed once, kept in memory
    needed = [c for c in ("customer_id", "recency", "T", "frequency", "monetary_value", "n_orders", "total_revenue")
              if c in summary.columns]
    summary = summary.select(*needed).persist()
    summary.createOrReplaceTempView(view)
    spark = summary.sparkSession
    n, top = spark.sql(rfm_stats_sql(view, summary.columns, SPARK)).first()
    if not n:
        raise DataError("there are no customers to score", table="customer summary")
    fixed_f, _ = f_rule_text(n, top, max_tie_share, f_bins)
    return spark.sql(rfm_sql(view, summary.columns, smap, fixed_f, f_bins, SPARK)).select("customer_id", *RFM_COLUMNS)
