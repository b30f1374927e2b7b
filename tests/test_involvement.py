"""Involvement: classification with evidence, and the low vs high comparison recovering simulated truth."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

from journeylab.journey.involvement import (COMPARE_COLUMNS, classify_involvement, compare_involvement, involvement_data,
                                    phase_kpis)

from _journey_data import hand_shop, simulated


@lru_cache(maxsize=1)
def _sim():
    shop, truth = simulated()
    data = involvement_data(shop)
    return shop, truth, data, compare_involvement(shop, n_boot=300, seed=1, data=data).set_index("metric")


def test_classification_evidence_and_override():
    shop = hand_shop()
    cls = classify_involvement(shop)
    assert cls.loc["bikes", "level"] == "high" and cls.loc["soap", "level"] == "low"
    assert (cls["source"] == "inferred").all() and cls.attrs["inferred"]
    assert cls.loc["bikes", "consideration_days"] == pytest.approx(1 + 6 / 1440)
    assert {"price_ratio", "repeat_rate", "score", "vote_price_ratio"} <= set(cls.columns)
    over = classify_involvement(shop, override={"bikes": "low"})
    assert over.loc["bikes", "level"] == "low" and over.loc["bikes", "source"] == "override"


def test_inference_recovers_simulated_levels():
    shop, truth = simulated()
    cls = classify_involvement(shop)
    # the simulated products carry the level: the table must say so, and the inference must agree
    assert (cls["source"] == "products_table").all()
    assert (cls["inferred_level"] == cls["level"]).all(), cls[["inferred_level", "level", "score"]]


def test_comparison_table_shape_and_intervals():
    *_, cmp = _sim()
    assert set(cmp.reset_index().columns) == set(COMPARE_COLUMNS)
    num = cmp.dropna(subset=["low_lower", "high_lower"])
    for side in ("low", "high"):
        assert (num[f"{side}_lower"] <= num[side] + 1e-9).all() and (num[side] <= num[f"{side}_upper"] + 1e-9).all()
    assert cmp["p_value"].dropna().between(0, 1).all()
    # the ratio high / low with the percentile interval of the draws' ratios (the key-metrics chart's amounts)
    pos = cmp[cmp["low"] > 0]
    assert np.allclose(pos["ratio"], pos["high"] / pos["low"], equal_nan=True)
    r = cmp.dropna(subset=["ratio_lower"])
    assert len(r) > 10 and (r["ratio_lower"] <= r["ratio"] * 1.05).all() and (r["ratio"] <= r["ratio_upper"] * 1.05).all()
    assert {"order_value", "interpurchase_days", "clv"} <= set(r.index)
    needed = ["consideration_days", "product_view_conversion", "cart_abandonment", "repeat_rate", "interpurchase_days",
              "order_value", "clv", "churn_risk", "review_rate", "phase_share", "share_lost", "share_too_early",
              "expected_purchases"]
    assert set(needed) <= set(cmp.index)
    assert "upsell" in set(cmp.loc["phase_share", "param"])
    assert (cmp.loc["channel_share_first_session", "param"] != "").all()
    # one row per metric id and param
    assert not cmp.reset_index().duplicated(["metric", "param"]).any()
    assert cmp.attrs["horizon_months"] == 12 and cmp.attrs["method"] == "method_compare_involvement"


def test_comparison_recovers_true_differences():
    shop, truth, _, cmp = _sim()
    tc = truth.customers[truth.customers["is_buyer"]]
    g = tc.groupby("involvement")

    def check(metric, true_diff):
        row = cmp.loc[metric]
        assert np.sign(row["difference"]) == np.sign(true_diff), metric
        assert row["diff_lower"] <= true_diff <= row["diff_upper"], (metric, true_diff, row[["diff_lower", "diff_upper"]])
        assert row["p_value"] < 0.01, metric

    # per-person truth of this very sample
    days = g["days_to_purchase"].mean()
    sess = g["sessions_to_purchase"].mean()
    rep = g["n_repeat"].apply(lambda x: (x > 0).mean())
    # consideration days are measured to the purchase event, truth to the purchase session start (minutes)
    check("consideration_days", days["high"] - days["low"])
    check("consideration_sessions", sess["high"] - sess["low"])
    check("repeat_rate", rep["high"] - rep["low"])
    # population value of the generative model (journey lengths are not: the window cuts long journeys):
    # Gamma-Gamma mean order value p * gamma / (q - 1): 6 * 400 / 4 = 600 vs 6 * 12 / 3 = 24
    p = truth.params["params"]
    gg = {lv: p[lv]["gamma_gamma"] for lv in ("low", "high")}
    mean_value = {lv: v["p"] * v["gamma"] / (v["q"] - 1) for lv, v in gg.items()}
    check("order_value", mean_value["high"] - mean_value["low"])
    # the compact chart's ratios (high / low) hold the truth in their intervals too
    for metric, true_ratio in (("order_value", mean_value["high"] / mean_value["low"]),
                               ("consideration_sessions", sess["high"] / sess["low"])):
        row = cmp.loc[metric]
        assert row["ratio_lower"] <= true_ratio <= row["ratio_upper"], (metric, true_ratio, row["ratio_lower"],
                                                                         row["ratio_upper"])


def test_phase_kpis_table():
    shop, truth, data, _ = _sim()
    k = phase_kpis(shop, data=data)
    assert list(k.columns) == ["low", "high", "all"]
    assert set(k.index.get_level_values("phase")) == {"awareness", "consideration", "purchase", "upsell", "ambassador"}
    assert k.loc[("upsell", "repeat_rate", ""), "low"] > k.loc[("upsell", "repeat_rate", ""), "high"]
    assert k.loc[("consideration", "research_views", ""), "high"] > k.loc[("consideration", "research_views", ""), "low"]
    assert k.loc[("purchase", "checkout_abandonment", ""), "high"] > k.loc[("purchase", "checkout_abandonment", ""), "low"]
    shares = k[k.index.get_level_values("kpi") == "channel_share_first_session"]
    assert set(shares.index.get_level_values("phase")) == {"awareness"}
    assert len(shares) > 1 and shares["all"].sum() == pytest.approx(1)


def test_bootstrap_tables_have_a_fixed_row_order():
    """The bootstrap draws row positions, so the per-unit tables must come in the same order every time
    (the engine returns rows in a varying, parallel order): sorted by their keys."""
    shop, _, d, a = _sim()
    assert d["orders"]["order_id"].is_monotonic_increasing
    assert d["consideration"].index.is_monotonic_increasing and d["visitors"].index.is_monotonic_increasing
    ses = d["sessions"]
    assert ses.equals(ses.sort_values(["user_id", "session_id"], ignore_index=True))
    assert d["customers"].index.is_monotonic_increasing
    # the module's comparison (on ``d``) against the same bootstrap on freshly queried tables
    b = compare_involvement(shop, n_boot=300, seed=1, data=involvement_data(shop)).set_index("metric")
    num = a.select_dtypes("number").columns
    np.testing.assert_array_equal(a[num].to_numpy(), b[num].to_numpy())
