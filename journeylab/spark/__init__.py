"""journeylab on Apache Spark: the same analyses for data beyond one machine (``pip install "journeylab[spark]"``).

- :func:`load_shop_spark` (or ``journeylab.load_shop(config, engine="spark")``): canonical tables as
  Spark DataFrames, cleaned with the same rules and data-quality counts as the DuckDB engine;
- :func:`customer_summary_df` / :func:`customer_summary`: the shared summary SQL run by Spark;
- :func:`score_customers`: a fitted CustomerValueModel applied to every customer inside Spark (pandas UDF),
  with RFM segment and journey phase joined;
- :func:`journey_phases_df`: every person's journey phase by journeylab.journey.phases's rules, in Spark;
- funnels, consideration metrics and attribution: ``journeylab.journey.funnel`` / ``journeylab.journey.attribution`` take a
  SparkShop as they take a Shop (the same SQL runs in Spark; only result tables reach pandas);
- :func:`rfm_scores_df`: RFM scores and segments of every customer, by journeylab.models.rfm's rules.
"""
from journeylab.spark.session import configure, get_session, local_session
from journeylab.spark.shop import SparkShop, load_shop_spark, to_pandas
from journeylab.spark.journey import consideration_df, journey_phases_df
from journeylab.spark.rfm import rfm_scores_df
from journeylab.spark.score import compressed_summary, fit_spark, score_customers
from journeylab.spark.summary import customer_summary, customer_summary_df

load_shop = load_shop_spark  # the name journeylab.data.engines asks an engine module for

__all__ = ["load_shop", "configure", "get_session", "local_session", "SparkShop", "load_shop_spark", "to_pandas",
           "customer_summary", "customer_summary_df", "journey_phases_df", "consideration_df", "rfm_scores_df", "compressed_summary", "fit_spark",
           "score_customers"]
