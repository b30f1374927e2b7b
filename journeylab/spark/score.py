"""Fitting on compressed sufficient statistics from Spark, and scoring every customer inside Spark.

Fitting: Spark reduces the customer summary to its distinct (frequency, recency, T, monetary_value)
rows with counts, which is all the driver receives; the model is fitted there
(journeylab.models.clv.CustomerValueModel). Scoring: the fitted parameters (a few numbers) are shipped to the
executors, and a pandas UDF (``mapInPandas``) runs CustomerValueModel.predict on each batch of
customers, so per-customer predictions never pass through the driver. Results can go to Parquet.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from journeylab.models.clv import DISCOUNT_RATE, CustomerValueModel

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

SCORE_COLUMNS = ["p_alive", "expected_purchases", "p_no_purchase", "next_purchase_in_days",
                 "expected_spend_per_order", "clv"]


def compressed_summary(summary: "DataFrame") -> pd.DataFrame:
    """Distinct (frequency, recency, T, monetary_value) rows of a Spark customer summary with their
    count ``n`` (pandas; its size is the number of distinct histories, not of customers)."""
    return summary.groupBy("frequency", "recency", "T", "monetary_value").count().toPandas().rename(columns={"count": "n"})


def fit_spark(summary: "DataFrame", model: CustomerValueModel | None = None, time_unit: str | None = None) -> CustomerValueModel:
    """Fit ``model`` (default BG/NBD + Gamma-Gamma) on a Spark customer summary.

    Only the compressed rows (distinct histories with their counts) reach the driver, and the model is
    fitted on them with the counts as weights: the driver's memory grows with the number of distinct
    histories, not of customers. The fit equals fitting the collected summary (up to the order of
    summation)."""
    model = model or CustomerValueModel()
    comp = compressed_summary(summary).sort_values(["frequency", "recency", "T", "monetary_value"], ignore_index=True)
    meta = summary.schema["T"].metadata or {}  # customer_summary_df puts the unit there
    if meta.get("unit_days") is not None:
        comp.attrs.update(time_unit=meta.get("time_unit"), unit_days=float(meta["unit_days"]))
    return model.fit(comp, weights="n") if time_unit is None else _fit_in(model, comp, time_unit)


def _fit_in(model: CustomerValueModel, comp: pd.DataFrame, time_unit: str) -> CustomerValueModel:
    """Fit with an explicit unit (refused by summary_unit when the summary's own unit differs)."""
    model.time_unit = time_unit
    return model.fit(comp, weights="n")


def _lean(model: CustomerValueModel) -> CustomerValueModel:
    """A model with only what predict needs (its parameters and time unit), not the lifetimes fitters or
    the training summary: this is what is shipped to the executors."""
    model.check_fitted()
    return CustomerValueModel.from_params(
        model.purchase, model.purchase_.params_, model.spend_.params_ if model.spend_ is not None else None,
        time_unit=model.time_unit_, unit_days=model.unit_days_)


def score_customers(summary: "DataFrame", model: CustomerValueModel, *, horizon: float = 12, unit: str = "months",
                    discount_rate: float = DISCOUNT_RATE, path: str | None = None, segments: "DataFrame | None" = None,
                    phases: "DataFrame | None" = None, mode: str = "overwrite") -> "DataFrame":
    """Score every customer of a Spark customer summary with a fitted model, inside Spark.

    ``summary`` has customer_id, frequency, recency, T, monetary_value (journeylab.spark.customer_summary_df).
    Columns out: customer_id, p_alive, expected_purchases, p_no_purchase, next_purchase_in_days
    (days), expected_spend_per_order and clv (shop currency, discounted; NULL without a spend model),
    as CustomerValueModel.predict(horizon, unit, discount_rate) gives them (``discount_rate`` per year). With ``segments`` (e.g.
    rfm_scores_df(...)) its columns R, F, M and segment are joined on customer_id; with ``phases``
    (journey_phases_df(shop)) the journey phase (an id). With ``path`` the result is written
    there as Parquet (``mode`` as Spark's) and read back.
    """
    lean = _lean(model)
    has_spend = lean.spend_ is not None
    id_type = summary.schema["customer_id"].dataType.simpleString()
    schema = f"customer_id {id_type}, " + ", ".join(f"{c} double" for c in SCORE_COLUMNS)

    def predict(batches):
        for pdf in batches:
            if len(pdf) == 0:
                continue
            df = pdf.set_index("customer_id")
            pred = lean.predict(horizon=horizon, unit=unit, discount_rate=discount_rate, summary=df)
            out = pd.DataFrame({"customer_id": df.index.to_numpy()})
            for c in SCORE_COLUMNS:
                out[c] = pred[c].to_numpy(dtype=float) if c in pred.columns else np.nan
            yield out

    cols = ["customer_id", "frequency", "recency", "T"] + (["monetary_value"] if has_spend else [])
    scored = summary.select(*cols).mapInPandas(predict, schema)
    if segments is not None:
        scored = scored.join(segments.select("customer_id", "R", "F", "M", "segment"), "customer_id", "left")
    if phases is not None:
        from pyspark.sql import functions as F

        ph = phases.select(F.col("person_id").alias("_pid"), "phase")
        # person ids are text; a summary of integer customer ids joins on their text form
        scored = scored.join(ph, F.col("customer_id").cast("string") == F.col("_pid"), "left").drop("_pid")
    if path is not None:
        scored.write.mode(mode).parquet(path)
        scored = summary.sparkSession.read.parquet(path)
    return scored
