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


# --- RFM movement and churn (issue 15, point 2) -------------------------------------------------------------
# A shop of frequent buyers (every ~2 weeks, rarely dropping out), so a valuable customer who stops buying
# falls to R 1-2 within six months. In a shop with years of one-time buyers R's quintiles are so wide that six
# months of silence keeps a champion "loyal" (R 3): that is RFM's relative scoring, not the finding's doing.
FREQUENT = {"r": 2.0, "alpha": 4.0, "a": 0.5, "b": 30.0}


def frequent_shop(seed: int, stop_share: float = 0.0):
    """A simulated shop of frequent buyers (2023-2024), and the customers made to stop: ``stop_share`` of
    the customers who were champions or loyal at the reference date (segments from rfm_segments on the
    orders up to it) place no order after it. Returns (shop, stopped ids)."""
    from journeylab.journey.order_findings import VALUABLE
    from journeylab.models.rfm import rfm_segments
    from journeylab.simulate import simulate_shop

    orders = simulate_shop(800, start="2023-01-01", end=str(END.date()), seed=seed,
                           params={"low": {"bgnbd": FREQUENT}, "high": {"bgnbd": FREQUENT}}).orders
    ref = END - pd.Timedelta(days=182)
    seg = rfm_segments(jl.customer_summary(orders, observation_end=ref))["segment"].astype(str)
    valuable = np.asarray(seg.index[seg.isin(VALUABLE)])
    stopped = np.random.default_rng(seed).choice(valuable, size=int(stop_share * len(valuable)), replace=False)
    keep = ~(orders["customer_id"].isin(stopped) & (orders["ordered_at"] >= ref.normalize() + pd.Timedelta(days=1)))
    shop = jl.load_shop({"name": "frequent", "observation_end": str(END.date()), "tables": {"orders": orders[keep]}})
    return shop, set(stopped)


def test_valuable_customers_who_stop_are_found_and_their_share_is_rfm_at_both_dates():
    from journeylab.journey.order_findings import SLIPPED, VALUABLE, rfm_movement
    from journeylab.models.rfm import rfm_segments

    shop, stopped = frequent_shop(seed=0, stop_share=0.5)
    # the segments at both dates, directly: rfm_segments on the summaries of the orders up to each date
    then = rfm_segments(jl.customer_summary(shop, observation_end=END - pd.Timedelta(days=182)))["segment"]
    now = rfm_segments(jl.customer_summary(shop))["segment"].astype(str)
    valuable = then.index[then.astype(str).isin(VALUABLE)]
    slipped = now.reindex(valuable).isin(SLIPPED)
    share = slipped.mean()
    # the truth: every customer made to stop has slipped, and they are why the share is high
    assert now.reindex(list(stopped)).isin(SLIPPED).all()
    assert slipped[~valuable.isin(list(stopped))].mean() < share - 0.15
    move = rfm_movement(shop)
    recent = move[(move["period"] == "recent") & move["segment_then"].isin(VALUABLE)]
    assert recent["customers"].sum() == len(valuable)
    assert recent.loc[recent["segment_now"].isin(SLIPPED), "customers"].sum() == slipped.sum()
    for lang in ("en", "nl"):
        row = order_findings(shop, lang).set_index("id").loc["valuable_customers_slipped"]
        assert row["p_value"] < 0.01 and row["phase"] == "ambassador"
        assert f"{share:.0%}".replace(".", ",") in row["finding"]
        assert (f"{len(valuable):,} customers in" if lang == "en" else f"{len(valuable):,} klanten in").replace(
            ",", ".") in row["evidence"].replace(",", ".")
    assert "2 juli 2024" in order_findings(shop, "nl").set_index("id").loc["valuable_customers_slipped", "evidence"]


def test_no_movement_finding_where_valuable_customers_keep_buying_as_before():
    fired = ["valuable_customers_slipped" in set(order_findings(frequent_shop(seed=s)[0])["id"]) for s in range(3)]
    assert not any(fired)


def churn_shop(seed: int = 0):
    """A small simulated shop and the statuses its truth gives: a customer who really dropped out (not
    alive at the end) is lost, the others active."""
    from journeylab.simulate import simulate_shop

    sim = simulate_shop(600, start="2023-01-01", end=str(END.date()), seed=seed)
    shop = jl.load_shop({"name": "churn", "observation_end": str(END.date()), "tables": {"orders": sim.orders}})
    truth = sim.truth.customers.dropna(subset=["customer_id"]).set_index("customer_id")
    kept = sim.orders[sim.orders["status"] == "completed"]  # the loader drops cancelled orders
    return shop, kept, truth["alive_at_end"].map({True: "active", False: "lost"})


def test_repeat_customers_lost_and_their_revenue_are_stated_from_the_statuses():
    shop, orders, statuses = churn_shop()
    days = orders.assign(day=orders["ordered_at"].dt.normalize()).groupby("customer_id")["day"].nunique()
    revenue = orders.groupby("customer_id")["revenue"].sum()
    repeat = days.index[days >= 2]
    gone = repeat[statuses.reindex(repeat).eq("lost").to_numpy()]
    share, revenue_share = len(gone) / len(repeat), revenue[gone].sum() / revenue.sum()
    assert revenue_share >= 0.1  # the simulator's dropouts: a material part of the revenue
    for lang in ("en", "nl"):
        f = order_findings(shop, lang, statuses=statuses)
        row = f.set_index("id").loc["repeat_customers_at_risk"]
        assert np.isnan(row["p_value"]) and row["phase"] == "upsell"
        number = f"{len(gone):,}" if lang == "en" else f"{len(gone):,}".replace(",", ".")
        assert row["finding"].startswith(number + (" repeat customers (" if lang == "en" else " herhaalklanten ("))
        pct = (f"{share:.0%}", f"{revenue_share:.0%}")
        assert all(p in row["finding"] for p in pct)
        assert (f"of {len(repeat):,} repeat customers" if lang == "en" else "herhaalklanten met risico") in row["evidence"]
    assert "repeat_customers_at_risk" not in set(order_findings(shop)["id"])  # no statuses, no churn finding
    # everyone active: nothing at risk, no finding; a status for only a few customers: too few repeat customers
    assert "repeat_customers_at_risk" not in set(order_findings(shop, statuses=statuses.map(lambda s: "active"))["id"])
    assert "repeat_customers_at_risk" not in set(order_findings(shop, statuses=statuses.loc[list(gone[:20])])["id"])


def test_wilson_interval_covers_and_stays_within_zero_and_one():
    from journeylab.journey.order_findings import wilson_interval

    assert wilson_interval(0, 20)[0] == 0 and wilson_interval(20, 20)[1] == 1
    lo, hi = wilson_interval(38, 100)
    assert lo < 0.38 < hi and abs(lo - 0.2910) < 1e-4 and abs(hi - 0.4779) < 1e-4  # by hand: (p + z²/2n ± z √(p(1-p)/n + z²/4n²)) / (1 + z²/n)
    rng = np.random.default_rng(3)
    k = rng.binomial(150, 0.2, 1000)
    cover = np.mean([lo <= 0.2 <= hi for lo, hi in (wilson_interval(x, 150) for x in k)])
    assert 0.93 <= cover <= 0.97


def test_the_new_dutch_sentences_use_no_english_words():
    import re

    from journeylab.i18n import LABELS

    keys = ["of_rfm_slipped", "of_rfm_slipped_action", "of_rfm_slipped_evidence", "of_churn", "of_churn_action",
            "of_churn_evidence", "of_status_certainty"]
    shared = {"over", "interval", "status", "model", "moment"}  # words in both languages
    for key in keys:
        en = set(re.findall(r"[a-z]{4,}", re.sub(r"\{[^}]*\}", "", LABELS[key]["en"].lower())))
        nl = set(re.findall(r"[a-z]{4,}", re.sub(r"\{[^}]*\}", "", LABELS[key]["nl"].lower())))
        assert not (en & nl) - shared, (key, sorted((en & nl) - shared))
        assert set(re.findall(r"\{(\w+)", LABELS[key]["en"])) == set(re.findall(r"\{(\w+)", LABELS[key]["nl"])), key
