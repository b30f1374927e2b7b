"""Findings from orders alone (journeylab.journey.order_findings): shops whose truth is known by construction."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import journeylab as jl
from journeylab.journey.findings import FINDING_COLUMNS
from journeylab.journey.order_findings import median_interval, order_findings, repeat_aggregates

END = pd.Timestamp("2024-12-31")


def cohort_shop(p_recent: float, p_earlier: float, n: int = 1500, seed: int = 0, gap_days: float = 20.0):
    """Customers whose first order falls in the last full-window year ('recent') or the year before; a
    share p of each comes back after about ``gap_days`` (always within 90 days)."""
    rng = np.random.default_rng(seed)
    rows = []
    for cohort, p, start in (("recent", p_recent, END - pd.Timedelta(days=90 + 364)),
                             ("earlier", p_earlier, END - pd.Timedelta(days=90 + 729))):
        first = start + pd.to_timedelta(rng.integers(0, 364, n), unit="D")
        back = rng.random(n) < p
        gap = np.clip(rng.exponential(gap_days, n).round(), 1, 80)
        for i in range(n):
            cid = f"{cohort}{i}"
            rows.append((f"{cid}-1", cid, first[i], 30.0))
            if back[i]:
                rows.append((f"{cid}-2", cid, first[i] + pd.Timedelta(days=gap[i]), 30.0))
    orders = pd.DataFrame(rows, columns=["order_id", "customer_id", "ordered_at", "revenue"])
    return jl.load_shop({"name": "cohorts", "observation_end": str(END.date()), "tables": {"orders": orders}})


def test_newer_customers_who_come_back_less_are_found_in_both_languages():
    shop = cohort_shop(p_recent=0.15, p_earlier=0.30)
    for lang in ("en", "nl"):
        f = order_findings(shop, lang)
        assert list(f.columns) == FINDING_COLUMNS
        row = f.set_index("id").loc["newer_cohorts_repeat_less"]
        assert row["p_value"] < 1e-6 and ("of 1,500 customers" if lang == "en" else "van 1.500 klanten") in row["evidence"]
    assert "Nieuwere klanten komen minder vaak terug" in order_findings(shop, "nl")["finding"].str.cat()


def test_no_cohort_finding_where_the_cohorts_are_alike():
    fired = [("newer_cohorts_repeat_less" in set(order_findings(cohort_shop(0.25, 0.25, seed=s))["id"])
              or "newer_cohorts_repeat_more" in set(order_findings(cohort_shop(0.25, 0.25, seed=s))["id"]))
             for s in range(5)]
    assert sum(fired) <= 1  # a 5% test, and a material-change rule on top


def test_repeat_rhythm_recovers_the_median_gap():
    shop = cohort_shop(0.4, 0.4, gap_days=20.0)
    agg = repeat_aggregates(shop)
    assert agg["customers"].sum() == 3000
    row = order_findings(shop).set_index("id").loc["repeat_rhythm"]
    # gaps ~ exponential(20) rounded and clipped to 1..80: true median round(20 ln 2) = 14 days
    assert "within 14 days" in row["finding"] or "within 13 days" in row["finding"]


def test_median_interval_is_exact_and_covers():
    med, lo, hi = median_interval(np.arange(1, 102, dtype=float), np.ones(101))
    assert med == 51 and lo < 51 < hi and (lo, hi) == (41, 61)
    rng = np.random.default_rng(1)
    cover = 0
    for _ in range(400):
        x = rng.exponential(10.0, 60).round()
        v, w = np.unique(x, return_counts=True)
        _, lo, hi = median_interval(v, w)
        cover += lo <= 10 * np.log(2) <= hi or lo <= round(10 * np.log(2)) <= hi
    assert cover / 400 >= 0.93


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_shop_with_few_customers_gets_no_findings_and_no_error(lang):
    orders = pd.DataFrame({"order_id": ["1", "2", "3"], "customer_id": ["a", "a", "b"],
                           "ordered_at": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
                           "revenue": [10.0, 5.0, 7.0]})
    shop = jl.load_shop({"name": "tiny", "tables": {"orders": orders}})
    assert order_findings(shop, lang).empty
