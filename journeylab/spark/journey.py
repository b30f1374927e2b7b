"""Journey phases of every person inside Spark, by journeylab.journey.phases's rules and facts query.

The per-person facts come from ``journeylab.journey.phases.person_facts_sql`` (the query the DuckDB engine
runs), the RFM segment of each customer from :func:`journeylab.spark.rfm_scores_df` on the customer
summary at the same date, and the phase from ``journeylab.journey.phases.phase_case_sql`` (the same CASE over
the same phase rules). Nothing per person passes through the driver; ``journeylab.journey_phases(spark_shop)``
gives the same phases collected to pandas (with status and involvement).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import pandas as pd

from journeylab.journey.phases import resolve_rules, person_facts_sql, phase_case_sql
from journeylab.models.rfm import SegmentMap, load_segment_map

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from journeylab.spark.shop import SparkShop

PHASE_COLUMNS = ["person_id", "phase", "phase_no"]


def journey_phases_df(shop: "SparkShop", at: Any = None, model: str = "five",
                      rules: pd.DataFrame | Mapping[str, str] | None = None,
                      segments: "DataFrame | None" = None,
                      segment_map: str | Mapping | SegmentMap | None = None) -> "DataFrame":
    """Every person's journey phase at ``at`` (default: the observation end) as a lazy Spark DataFrame.

    Columns: person_id (customer_id where known, else the events user id), phase (an id; its words:
    journeylab.journey.phases.phase_name), phase_no (0-based position in the phase model; -1 and phase NULL
    when no rule holds), and the facts of journeylab.journey.phases.FACT_COLUMNS the rules were evaluated on.
    ``segments`` (customer_id, segment) supplies the RFM segment; by default it is computed from the summary at
    ``at`` (customers with a first order before ``at``) with ``segment_map``, as journeylab.journey_phases
    does. The rules' segment values must be ids of ``segment_map`` (default journeylab/segments.yaml).
    """
    from pyspark.sql import functions as F

    from journeylab.spark.rfm import rfm_scores_df
    from journeylab.spark.summary import customer_summary_df

    smap = segment_map if isinstance(segment_map, SegmentMap) else load_segment_map(segment_map)
    table = resolve_rules(model, rules, smap)
    at = pd.Timestamp(at if at is not None else shop.observation_end)
    facts = shop.sql_df(person_facts_sql(shop, at))
    if segments is None:
        summ = customer_summary_df(shop, observation_end=at).where(F.col("first_order_at") < F.lit(at.to_pydatetime()))
        segments = rfm_scores_df(summ, segment_map=smap)
    seg = segments.select(F.col("customer_id").cast("string").alias("person_id"), F.col("segment").cast("string"))
    facts = facts.join(seg, "person_id", "left")
    names = shop.spark.createDataFrame(pd.DataFrame({
        "phase_no": range(len(table)), "phase": table["phase"].astype(str).to_numpy()}))
    coded = facts.selectExpr("*", f"CAST({phase_case_sql(table)} AS BIGINT) AS phase_no")
    out = coded.join(F.broadcast(names), "phase_no", "left")
    rest = [c for c in facts.columns if c != "person_id"]
    return out.select(*PHASE_COLUMNS, *rest)


def consideration_df(shop: "SparkShop") -> "DataFrame":
    """journeylab.journey.funnel.consideration's per-person metrics (column person_id plus the metrics) as a lazy
    Spark DataFrame, for more buyers than the driver should hold."""
    from journeylab.journey.funnel import consideration_sql

    return shop.sql_df(consideration_sql(shop))
