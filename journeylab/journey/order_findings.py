"""Findings every shop gets from its orders alone: how soon repeat buyers come back, whether newer
customers come back as often as earlier ones, whether valuable customers slip away faster than before, and
(given the report's churn statuses) how much revenue the repeat customers at risk or lost brought (en / nl,
the columns of ``findings.findings``).

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
- **RFM movement** (``valuable_customers_slipped``): the customers in a valuable RFM segment (``VALUABLE``:
  champions, loyal customers) at a reference date ``MOVEMENT_DAYS`` (182) days before the observation end,
  scored from the orders up to that date only, and their segment at the observation end; the share that
  slipped into a segment of ``SLIPPED`` (can't lose them, at risk, hibernating, lost: an R score of 1 or 2).
  The reference is the same movement over the ``MOVEMENT_DAYS`` before (valuable at the end minus twice
  ``MOVEMENT_DAYS``, segment at the reference date). The share with its Wilson 95% interval, a two-proportion
  test (normal approximation) against the earlier share and the Wald interval of the difference; a finding
  only when p < 0.05, the difference's interval lies above zero, the share grew by at least a fifth of the
  earlier one and is at least ``MIN_SLIPPED_SHARE``, with at least ``MIN_VALUABLE`` valuable customers at each
  reference date. Segments are journeylab.models.rfm's (``rfm_sql``, the default map ``segments.yaml``, daily
  summary as the report's RFM section) evaluated at the earlier dates: customers at a date are those with an
  order on or before its day. The sentence names the default segments: a shop that changes ``VALUABLE`` or
  ``SLIPPED`` changes its words in journeylab.i18n (``of_rfm_slipped``) too. R scores are quintiles over all
  customers ever, so where years of one-time buyers fill R 1 and 2, six months of silence keeps a champion
  "loyal" (R 3): there the finding sees valuable customers slip only later than they stop.
- **Churn** (``repeat_customers_at_risk``, only with ``statuses``: the report's churn status per customer,
  journeylab.models.churn.STATUSES, e.g. ``value.predictions["status"]`` of journeylab.journey.value): among
  repeat customers (orders on two or more days), those at risk or lost, their share with its Wilson 95%
  interval and the share of the shop's revenue (all customers' orders) they brought. A finding when at least
  ``MIN_REPEATERS`` repeat customers have a status and their revenue share is at least ``MIN_REVENUE_SHARE``.
  The interval covers the sampling of customers, not the value model's own uncertainty (the certainty says
  so); p_value is NaN (a count of the model's statuses, not a test). Its size (the rank among the findings)
  is the log ratio of the revenue share to ``MIN_REVENUE_SHARE``.

Each comes from SQL over the canonical orders table, the same text for DuckDB and Spark (the RFM movement:
one query for each date's F rule, one for the movement; the churn one joins the statuses, registered as a
small table), that returns small aggregates (gap days with counts, cohort counts,
customers per segment then and now, customers and revenue per status), never a row per customer.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from journeylab.i18n import check_language, format_date, format_p, segment_label, stat_test_label, t

if TYPE_CHECKING:
    from journeylab.data.shop import ShopLike

WINDOW_DAYS = 90
MIN_REPEATERS = 30
MIN_COHORT = 100
MIN_RELATIVE_CHANGE = 0.2
MAX_P = 0.05
DAY = 86_400.0
# RFM movement: segment ids of journeylab/segments.yaml (the default map); the words of of_rfm_slipped name them
VALUABLE = ("champions", "loyal_customers")
SLIPPED = ("cant_lose_them", "at_risk", "hibernating", "lost")  # R score 1 or 2: at risk or worse
MOVEMENT_DAYS = 182  # six months: the words of of_rfm_slipped say so
MIN_VALUABLE = 50
MIN_SLIPPED_SHARE = 0.1
# churn: status ids of journeylab.models.churn.STATUSES counted as slipping away
AT_RISK_OR_LOST = ("at_risk", "lost")
MIN_REVENUE_SHARE = 0.1
STATUS_TABLE = "_jl_order_findings_status"


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


def movement_dates(shop: "ShopLike") -> tuple[pd.Timestamp, pd.Timestamp, pd.Timestamp]:
    """The earlier reference date, the reference date and the observation end of the RFM movement."""
    end = pd.Timestamp(shop.observation_end)
    return end - pd.Timedelta(days=2 * MOVEMENT_DAYS), end - pd.Timedelta(days=MOVEMENT_DAYS), end


def _summary_at(shop: "ShopLike", at: pd.Timestamp) -> tuple[str, list[str]]:
    """The daily customer summary of the orders up to ``at`` (journeylab.models.summary.summary_sql) as a
    sub-query, and its columns."""
    from journeylab.models.summary import SUMMARY_COLUMNS, summary_sql
    return f"({summary_sql('orders', at, 'D', 1, dialect=shop.dialect)}) s", ["customer_id", *SUMMARY_COLUMNS]


def rfm_movement(shop: "ShopLike") -> pd.DataFrame:
    """Customers per RFM segment at a date and at a later one: period ('recent': reference date to the
    observation end, 'earlier': the ``MOVEMENT_DAYS`` before), segment_then, segment_now (segment ids of the
    default map) and customers. Segments at each date are journeylab.models.rfm's (``rfm_sql``, the F rule
    chosen per date as ``rfm_segments`` does) on the daily summary of the orders up to that date; a customer
    counts in a period when they had ordered by its first date. Empty when a date has no customers."""
    from journeylab.models.rfm import f_rule_text, load_segment_map, rfm_sql, rfm_stats_sql
    d, smap = shop.dialect, load_segment_map()
    dates = movement_dates(shop)
    sources = [_summary_at(shop, at) for at in dates]
    stats = shop.sql(" UNION ALL ".join(
        f"SELECT {i} AS k, n, top FROM ({rfm_stats_sql(src, cols, d)}) x{i}" for i, (src, cols) in enumerate(sources)))
    stats = stats.set_index("k").reindex(range(len(dates)))
    if not (stats["n"].fillna(0) > 0).all():
        return pd.DataFrame({"period": pd.Series(dtype=object), "segment_then": pd.Series(dtype=object),
                             "segment_now": pd.Series(dtype=object), "customers": pd.Series(dtype=int)})
    scored = [rfm_sql(src, cols, smap, f_rule_text(int(stats.at[i, "n"]), int(stats.at[i, "top"]))[0], dialect=d)
              for i, (src, cols) in enumerate(sources)]
    query = " UNION ALL ".join(
        f"SELECT {d.string(period)} AS period, a.segment AS segment_then, b.segment AS segment_now, "
        f"count(*) AS customers FROM ({scored[then]}) a JOIN ({scored[then + 1]}) b ON a.customer_id = b.customer_id "
        "GROUP BY a.segment, b.segment"
        for period, then in (("earlier", 0), ("recent", 1)))
    out = shop.sql(query)
    out["customers"] = out["customers"].astype(int)
    return out


def status_aggregates(shop: "ShopLike", statuses: pd.Series) -> pd.DataFrame:
    """Customers and their revenue (all their orders) per status (``statuses``: customer_id index -> status
    id; None for a customer without one) and is_repeat (1: orders on two or more days), joined in the
    shop's engine: status, is_repeat, customers, revenue."""
    d = shop.dialect
    frame = pd.DataFrame({"customer_id": np.asarray(statuses.index.astype(str), dtype=object),
                          "status": np.asarray(statuses.astype(str), dtype=object)})
    shop.register(STATUS_TABLE, frame)
    try:
        out = shop.sql(f"""
            SELECT s.status AS status, CASE WHEN o.days >= 2 THEN 1 ELSE 0 END AS is_repeat,
                   count(*) AS customers, sum(o.revenue) AS revenue
            FROM (SELECT customer_id, count(DISTINCT date_trunc('day', ordered_at)) AS days,
                         CAST(coalesce(sum(revenue), 0) AS DOUBLE) AS revenue
                  FROM orders WHERE customer_id IS NOT NULL AND ordered_at IS NOT NULL GROUP BY customer_id) o
            LEFT JOIN {STATUS_TABLE} s ON {d.cast_text('o.customer_id')} = s.customer_id
            GROUP BY s.status, CASE WHEN o.days >= 2 THEN 1 ELSE 0 END""")
    finally:
        shop.unregister(STATUS_TABLE)
    return out.astype({"customers": int, "revenue": float, "is_repeat": int})


def wilson_interval(k: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial share k / n."""
    from scipy import stats  # 0.6 s to import: only where it is used
    z = float(stats.norm.ppf(1 - (1 - level) / 2))
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def two_proportions(k1: float, n1: float, k0: float, n0: float) -> tuple[float, float, float]:
    """Two-sided p-value of the two-proportion z test (pooled) of k1/n1 against k0/n0, and the Wald 95%
    interval of the difference."""
    from scipy import stats  # 0.6 s to import: only where it is used
    p1, p0 = k1 / n1, k0 / n0
    pooled = (k1 + k0) / (n1 + n0)
    se0 = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    p_value = float(2 * stats.norm.sf(abs(p1 - p0) / se0)) if se0 > 0 else 1.0
    se = np.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    return p_value, p1 - p0 - 1.96 * se, p1 - p0 + 1.96 * se


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


def order_findings(shop: "ShopLike", lang: str = "en", *, statuses: pd.Series | None = None) -> pd.DataFrame:
    """The findings above as rows with the columns of ``journeylab.journey.findings.FINDING_COLUMNS`` (rank
    1, 2, ...; ``phase`` is the journey phase they concern; p_value NaN for the repeat rhythm and the churn
    finding, which are measurements with an interval, not tests). ``statuses``: the report's churn status
    per customer (index customer_id, values journeylab.models.churn.STATUSES ids, e.g. the value model's
    ``predictions["status"]``); without it there is no churn finding."""
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
        p_value, lower, upper = two_proportions(k["recent"], n["recent"], k["earlier"], n["earlier"])
        diff = p_new - p_old
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
                         "certainty": _certainty(p_value, lang)})
    rows += _movement_rows(shop, lang)
    if statuses is not None:
        rows += _churn_rows(shop, statuses, lang)
    if not rows:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    out = pd.DataFrame(rows).sort_values("size", ascending=False, ignore_index=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out[FINDING_COLUMNS]


def _certainty(p_value: float, lang: str) -> str:
    return t("finding_certainty", lang).format(
        test=stat_test_label("two_proportion_z", lang), p=format_p(p_value, lang),
        certainty=t("very_sure" if p_value < 0.001 else "likely", lang))


def _movement_rows(shop: "ShopLike", lang: str) -> list[dict]:
    """The RFM movement finding (module docstring), or none."""
    move = rfm_movement(shop)
    valuable = move[move["segment_then"].isin(VALUABLE)]
    n = valuable.groupby("period")["customers"].sum()
    k = valuable[valuable["segment_now"].isin(SLIPPED)].groupby("period")["customers"].sum().reindex(
        n.index, fill_value=0)
    if not ({"recent", "earlier"} <= set(n.index) and n.min() >= MIN_VALUABLE):
        return []
    share, earlier = k["recent"] / n["recent"], k["earlier"] / n["earlier"]
    p_value, lower, upper = two_proportions(k["recent"], n["recent"], k["earlier"], n["earlier"])
    material = share >= MIN_SLIPPED_SHARE and share - earlier >= MIN_RELATIVE_CHANGE * max(earlier, 1e-12)
    if not (p_value < MAX_P and lower > 0 and material):
        return []
    share_lower, share_upper = wilson_interval(k["recent"], n["recent"])
    first, ref, _ = movement_dates(shop)
    return [{"id": "valuable_customers_slipped", "phase": "ambassador",
             "size": abs(np.log(max(share, 1e-9) / max(earlier, 1e-9))),
             "finding": t("of_rfm_slipped", lang).format(share=share, earlier=earlier),
             "action": t("of_rfm_slipped_action", lang),
             "evidence": t("of_rfm_slipped_evidence", lang).format(
                 valuable=", ".join(segment_label(s, lang) for s in VALUABLE),
                 slipped=", ".join(segment_label(s, lang) for s in SLIPPED),
                 k=int(k["recent"]), n=int(n["recent"]), date=format_date(ref, lang), share=share,
                 lower=share_lower, upper=share_upper, k_earlier=int(k["earlier"]), n_earlier=int(n["earlier"]),
                 date_earlier=format_date(first, lang), earlier=earlier, diff_lower=lower, diff_upper=upper),
             "p_value": p_value,
             "certainty": _certainty(p_value, lang)}]


def _churn_rows(shop: "ShopLike", statuses: pd.Series, lang: str) -> list[dict]:
    """The churn finding (module docstring), or none."""
    agg = status_aggregates(shop, statuses)
    total = float(agg["revenue"].sum())
    rep = agg[(agg["is_repeat"] == 1) & agg["status"].notna()]
    gone = rep[rep["status"].isin(AT_RISK_OR_LOST)]
    n_rep, k, revenue = int(rep["customers"].sum()), int(gone["customers"].sum()), float(gone["revenue"].sum())
    if n_rep < MIN_REPEATERS or k == 0 or total <= 0 or revenue / total < MIN_REVENUE_SHARE:
        return []
    lower, upper = wilson_interval(k, n_rep)
    values = {"n": k, "n_repeat": n_rep, "share": k / n_rep, "revenue_share": revenue / total, "lower": lower,
              "upper": upper}
    return [{"id": "repeat_customers_at_risk", "phase": "upsell",
             "size": float(np.log(revenue / total / MIN_REVENUE_SHARE)),
             "finding": t("of_churn", lang).format(**values),
             "action": t("of_churn_action", lang),
             "evidence": t("of_churn_evidence", lang).format(**values),
             "p_value": np.nan,
             "certainty": t("of_status_certainty", lang)}]
