"""Findings every shop gets from its orders alone: how soon repeat buyers come back, and whether newer
customers come back as often as earlier ones (en / nl, the columns of ``findings.findings``).

- **Repeat rhythm** (``repeat_rhythm``): days from a customer's first to second order day, among customers
  who ordered on two or more days. The median with its distribution-free 95% interval (the order statistics
  whose ranks a Binomial(n, 1/2) puts around the middle: no assumption about the shape of the gaps). Stated
  when at least ``MIN_REPEATERS`` customers came back; it says when a reminder is due.
- **Newer cohorts** (``newer_cohorts_repeat_less`` / ``newer_cohorts_repeat_more``): the share of customers who
  ordered again within ``WINDOW_DAYS`` days of their first order, for customers whose first order lies in the
  last year that allows a full window (first order at most ``WINDOW_DAYS`` before the observation end)
  against the year before. A two-proportion test (normal approximation) and the Wald interval of the
  difference; a finding only when p < 0.05, the interval excludes zero and the shares differ by at least a
  fifth of the earlier one, with at least ``MIN_COHORT`` customers in each year.

Both come from one SQL text over the canonical orders table (DuckDB and Spark) that returns small
aggregates (gap days with counts, cohort counts), never a row per customer.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from journeylab.i18n import check_language, format_p, stat_test_label, t

if TYPE_CHECKING:
    from journeylab.data.shop import ShopLike

WINDOW_DAYS = 90
MIN_REPEATERS = 30
MIN_COHORT = 100
MIN_RELATIVE_CHANGE = 0.2
MAX_P = 0.05
DAY = 86_400.0


def _first_two_days_sql(shop: "ShopLike") -> str:
    """Per customer: the first and second distinct order day and whether the first lies in the recent or the
    earlier cohort year (NULL: neither)."""
    d = shop.dialect
    end = pd.Timestamp(shop.observation_end).normalize()
    recent_from = end - pd.Timedelta(days=WINDOW_DAYS + 365)
    recent_to = end - pd.Timedelta(days=WINDOW_DAYS)
    earlier_from = recent_from - pd.Timedelta(days=365)
    first, second = "first_day", "second_day"
    return f"""
        WITH days AS (SELECT DISTINCT customer_id, date_trunc('day', ordered_at) AS day FROM orders
                      WHERE customer_id IS NOT NULL AND ordered_at IS NOT NULL),
        ranked AS (SELECT customer_id, day, row_number() OVER (PARTITION BY customer_id ORDER BY day) AS k FROM days),
        firsts AS (SELECT customer_id, max(CASE WHEN k = 1 THEN day END) AS {first},
                          max(CASE WHEN k = 2 THEN day END) AS {second}
                   FROM ranked WHERE k <= 2 GROUP BY customer_id)
        SELECT CAST(round({d.seconds_between(second, first)} / {DAY}) AS BIGINT) AS gap_days,
               CASE WHEN {first} > {d.timestamp(recent_from)} AND {first} <= {d.timestamp(recent_to)} THEN 'recent'
                    WHEN {first} > {d.timestamp(earlier_from)} AND {first} <= {d.timestamp(recent_from)} THEN 'earlier'
                    END AS cohort,
               count(*) AS customers
        FROM firsts GROUP BY 1, 2"""


def repeat_aggregates(shop: "ShopLike") -> pd.DataFrame:
    """gap_days (first to second order day; NULL for one-time buyers), cohort ('recent', 'earlier' or NULL)
    and customers: the small table both findings are computed from."""
    out = shop.sql(_first_two_days_sql(shop))
    out["customers"] = out["customers"].astype(int)
    return out


def median_interval(values: np.ndarray, weights: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Median of ``values`` repeated ``weights`` times and its distribution-free interval: the order
    statistics at ranks Binomial(n, 1/2).ppf((1 -/+ level) / 2) (at least ``level`` coverage)."""
    from scipy import stats  # 0.6 s to import: only where it is used
    order = np.argsort(values, kind="stable")
    v, w = np.asarray(values, float)[order], np.asarray(weights, float)[order]
    cum = np.cumsum(w)
    n = int(cum[-1])

    def at(rank: int) -> float:  # the rank-th smallest value (1-based)
        return float(v[np.searchsorted(cum, min(max(rank, 1), n))])

    lo = int(stats.binom.ppf((1 - level) / 2, n, 0.5))
    hi = int(stats.binom.ppf(1 - (1 - level) / 2, n, 0.5)) + 1
    return (at((n + 1) // 2) + at(n // 2 + 1)) / 2, at(lo), at(hi)


def order_findings(shop: "ShopLike", lang: str = "en") -> pd.DataFrame:
    """The findings above as rows with the columns of ``journeylab.journey.findings.FINDING_COLUMNS`` (rank
    1, 2, ...; ``phase`` is the journey phase they concern; p_value NaN for the repeat rhythm, which is a
    measurement with an interval, not a test)."""
    from scipy import stats  # 0.6 s to import: only where it is used
    from journeylab.journey.findings import FINDING_COLUMNS

    check_language(lang)
    agg = repeat_aggregates(shop)
    rows = []
    rep = agg[agg["gap_days"].notna()]
    n_rep = int(rep["customers"].sum())
    if n_rep >= MIN_REPEATERS:
        med, lo, hi = median_interval(rep["gap_days"].to_numpy(float), rep["customers"].to_numpy(float))
        rows.append({"id": "repeat_rhythm", "phase": "upsell", "size": 0.5,
                     "finding": t("of_repeat_rhythm", lang).format(days=med),
                     "action": t("of_repeat_rhythm_action", lang).format(days=max(1.0, med - 3)),
                     "evidence": t("of_repeat_rhythm_evidence", lang).format(days=med, lower=lo, upper=hi, n=n_rep),
                     "p_value": np.nan,
                     "certainty": t("of_interval_certainty", lang)})
    cohorts = agg[agg["cohort"].notna()].assign(
        back=lambda d: d["gap_days"].le(WINDOW_DAYS) & d["gap_days"].notna())
    n = cohorts.groupby("cohort")["customers"].sum()
    k = cohorts[cohorts["back"]].groupby("cohort")["customers"].sum().reindex(n.index, fill_value=0)
    if {"recent", "earlier"} <= set(n.index) and n.min() >= MIN_COHORT:
        p_new, p_old = k["recent"] / n["recent"], k["earlier"] / n["earlier"]
        pooled = (k["recent"] + k["earlier"]) / (n["recent"] + n["earlier"])
        se0 = np.sqrt(pooled * (1 - pooled) * (1 / n["recent"] + 1 / n["earlier"]))
        p_value = float(2 * stats.norm.sf(abs(p_new - p_old) / se0)) if se0 > 0 else 1.0
        se = np.sqrt(p_new * (1 - p_new) / n["recent"] + p_old * (1 - p_old) / n["earlier"])
        diff = p_new - p_old
        lower, upper = diff - 1.96 * se, diff + 1.96 * se
        material = abs(diff) >= MIN_RELATIVE_CHANGE * max(p_old, 1e-12)
        if p_value < MAX_P and (lower > 0 or upper < 0) and material:
            key = "of_cohorts_less" if diff < 0 else "of_cohorts_more"
            rows.append({"id": "newer_cohorts_repeat_less" if diff < 0 else "newer_cohorts_repeat_more",
                         "phase": "purchase", "size": abs(np.log(max(p_new, 1e-9) / max(p_old, 1e-9))),
                         "finding": t(key, lang).format(window=WINDOW_DAYS),
                         "action": t(key + "_action", lang),
                         "evidence": t("of_cohorts_evidence", lang).format(
                             recent=p_new, earlier=p_old, window=WINDOW_DAYS, n_recent=int(n["recent"]),
                             n_earlier=int(n["earlier"]), lower=lower, upper=upper),
                         "p_value": p_value,
                         "certainty": t("finding_certainty", lang).format(
                             test=stat_test_label("two_proportion_z", lang), p=format_p(p_value, lang),
                             certainty=t("very_sure" if p_value < 0.001 else "likely", lang))})
    if not rows:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    out = pd.DataFrame(rows).sort_values("size", ascending=False, ignore_index=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out[FINDING_COLUMNS]
