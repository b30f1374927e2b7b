"""Issue 12: units travel with the summary, one value model per shop, fits judged before use, and
"too early to tell" where silence cannot be read as dropout yet."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import journeylab as jl
from journeylab.models.churn import customer_status
from journeylab.models.clv import CustomerValueModel, compare_models
from journeylab.errors import DataError
from journeylab.models.rfm import rfm_segments
from journeylab.journey.value import shop_value

from _models_data import cdnow_holdout_weeks

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo():
    return jl.load_shop(ROOT / "data" / "demo" / "shop.yaml")


@pytest.fixture(scope="module")
def demo_value(demo):
    return shop_value(demo)


# ---------------------------------------------------------------- 1. units travel with the data
@pytest.mark.parametrize("freq, mult, unit, days", [("D", 1, "days", 1.0), ("W", 1, "weeks", 7.0),
                                                    ("D", 7, "weeks", 7.0), ("D", 3, "3 days", 3.0)])
def test_summary_carries_its_unit(demo, freq, mult, unit, days):
    s = jl.customer_summary(demo, freq=freq, freq_multiplier=mult)
    assert s.attrs["time_unit"] == unit and s.attrs["unit_days"] == pytest.approx(days)
    assert s.attrs["freq"] == freq and s.attrs["observation_end"] == demo.observation_end
    h = jl.customer_summary(demo, freq=freq, freq_multiplier=mult, calibration_end="2024-06-30")
    assert h.attrs["unit_days"] == pytest.approx(days) and h.attrs["calibration_end"] == pd.Timestamp("2024-06-30")


def test_forecasts_agree_whatever_the_unit(demo):
    # the bug: a weekly summary read as days gave 41,388 expected purchases and CLV 3.28M vs 11,329 and 0.76M
    got = {}
    for freq, mult in [("D", 1), ("W", 1), ("D", 7)]:
        s = jl.customer_summary(demo, freq=freq, freq_multiplier=mult)
        p = CustomerValueModel("bgnbd").fit(s).predict(12, unit="months")
        got[(freq, mult)] = (p["expected_purchases"].sum(), p["clv"].sum(), s["frequency"].sum())
    e_d, c_d, x_d = got[("D", 1)]
    assert 8_000 < e_d < 16_000  # 15,125 orders were placed in all of 2024
    e_7, c_7, _ = got[("D", 7)]
    assert e_7 == pytest.approx(e_d, rel=0.02) and c_7 == pytest.approx(c_d, rel=0.02)
    # freq='W' counts purchase weeks (lifetimes: orders in one period are one purchase), 12% fewer repeat
    # purchases than days on this shop; per repeat purchase seen, the forecast agrees, and so does CLV
    e_w, c_w, x_w = got[("W", 1)]
    assert e_w / x_w == pytest.approx(e_d / x_d, rel=0.06)
    assert c_w == pytest.approx(c_d, rel=0.06)


def test_summary_without_unit_is_refused_not_read_as_days(demo):
    s = jl.customer_summary(demo, freq="W")
    bare = pd.DataFrame(s[["frequency", "recency", "T", "monetary_value"]].to_numpy(),
                        columns=["frequency", "recency", "T", "monetary_value"])
    with pytest.raises(DataError, match="does not say its time unit"):
        CustomerValueModel("bgnbd").fit(bare)
    with pytest.raises(DataError, match="is in weeks, but time_unit='days'"):
        CustomerValueModel("bgnbd", time_unit="days").fit(s)
    m = CustomerValueModel("bgnbd").fit(s)
    assert m.time_unit_ == "weeks" and m.unit_days_ == 7.0
    with pytest.raises(DataError, match="fitted in weeks"):
        m.predict(12, summary=jl.customer_summary(demo, freq="D"))


def test_rfm_reports_the_summary_unit(demo):
    assert rfm_segments(jl.customer_summary(demo, freq="W")).attrs["time_unit"] == "weeks"
    assert rfm_segments(jl.customer_summary(demo, freq="D")).attrs["time_unit"] == "days"


# ---------------------------------------------------------------- 2. one model per analysis
def test_every_section_reads_one_value_model(demo, demo_value):
    v = demo_value
    p = v.predictions
    assert v.by == "involvement" and set(v.groups) == {"low", "high"}
    ph = jl.journey_phases(demo, value=v)
    assert ph.loc[p.index, "p_alive"].equals(p["p_alive"])
    assert (ph.loc[p.index, "status"].astype(str) == p["status"].astype(str)).all()
    # without a value passed in, the phases compute the same model (deterministic fits)
    ph2 = jl.journey_phases(demo)
    assert (ph2.loc[p.index, "status"].astype(str) == p["status"].astype(str)).all()
    from journeylab.journey.involvement import involvement_data
    cu = involvement_data(demo, value=v)["customers"]
    assert cu["churn_risk"].equals(p["churn_risk"].reindex(cu.index))
    assert (cu["status"].astype(str) == p["status"].reindex(cu.index).astype(str)).all()


# ---------------------------------------------------------------- 3. identification and adequacy
def test_unidentified_dropout_is_shown_as_such(demo_value):
    high = demo_value.groups["high"]  # 20% repeat buyers: a and b run off together along a ridge
    assert high.tier == "forecast" and "dropout_not_identified" in high.problems
    tab = high.model.params_.set_index("parameter")
    assert not tab.loc["a", "identified"] and np.isnan(tab.loc["a", "upper_95"]) and np.isnan(tab.loc["b", "lower_95"])
    assert tab.loc[["r", "alpha"], "identified"].all()
    assert demo_value.predictions.loc[demo_value.predictions["group"] == "high", "p_alive"].isna().all()
    low = demo_value.groups["low"]
    assert low.tier == "full" and low.model.params_["identified"].all()


def test_model_choice_text_matches_its_numbers():
    cmp = compare_models(cdnow_holdout_weeks())
    m = cmp.metrics
    rec = cmp.recommended
    assert rec is not None and m.loc[rec, "tier"] == "full"
    # the chosen model has the lowest RMSE of its tier, or is within 1% of it
    assert m.loc[rec, "rmse"] <= m.loc[m["tier"] == "full", "rmse"].min() * 1.01
    text = cmp.reason
    best_alone = (m["rmse"] <= m.loc[rec, "rmse"] * 1.01).sum() == 1
    assert ("predicts the holdout purchases per customer best" in text) == best_alone
    assert cmp.baseline["rmse"] > 0 and "holdout_total_off" not in sum((c.problems for k, c in cmp.checks.items()
                                                                         if k != "sample"), [])


def test_degenerate_fits_are_not_recommended():
    # 40 customers: the fits run off (r in the millions on the shop); nothing is recommended
    from journeylab.simulate import simulate_shop
    sim = simulate_shop(40, seed=3)
    shop = jl.load_shop({"name": "tiny", "observation_end": str(sim.observation_end.date()), "tables": dict(sim.tables())})
    h = jl.customer_summary(shop, calibration_end="2024-05-01")
    cmp = compare_models(h)
    assert cmp.recommended is None and cmp.checks["sample"] == "small_sample"
    assert "No purchase model can be trusted" in cmp.reason and "Geen enkel aankoopmodel" in cmp.reason_text("nl")


def test_worse_than_baseline_fails_the_adequacy_check():
    from journeylab.models.fitcheck import judge
    params = pd.DataFrame({"parameter": ["r", "alpha", "a", "b"], "identified": [True] * 4})
    assert judge("bgnbd", params, rmse=1.0, baseline_rmse=1.0, total_error=0.05).tier == "full"
    bad = judge("bgnbd", params, rmse=1.5, baseline_rmse=1.0, total_error=0.05)
    assert bad.tier == "none" and bad.problems == ["worse_than_baseline"]
    assert judge("bgnbd", params, rmse=1.0, baseline_rmse=2.0, total_error=1.4).problems == ["holdout_total_off"]


def test_predictions_stay_finite_or_are_withheld(demo_value):
    p = demo_value.predictions
    assert p["p_alive"].dropna().between(0, 1).all()
    for c in ("expected_purchases", "clv", "typical_gap_days"):
        v = p[c].dropna()
        assert np.isfinite(v).all() and (v >= 0).all()
    assert p["next_purchase_date"].dropna().max() < pd.Timestamp("2125-01-01")


# ---------------------------------------------------------------- 4. too early to tell
def test_status_rule_too_early_to_tell():
    days = np.array([10.0, 200.0, 400.0, 400.0, 400.0])
    gap = np.array([np.inf, 300.0, 300.0, 1000.0, np.nan])
    st, src = customer_status(days, None, gap)
    assert list(st.astype(str)) == ["active", "too_early", "lost", "too_early", "lost"]
    assert list(src) == ["recency", "too_early", "recency", "too_early", "recency"]
    st, src = customer_status(np.array([400.0, 20.0]), np.array([0.1, 0.1]), np.array([100.0, 100.0]))
    assert list(st.astype(str)) == ["lost", "too_early"] and list(src) == ["model", "too_early"]


def test_rare_buyers_are_not_called_lost_from_silence(demo_value):
    p = demo_value.predictions
    high = p[p["group"] == "high"]
    # high-involvement buyers buy again after years, if at all: silence of months is not churn
    assert (high["status"] == "too_early").mean() > 0.5
    assert (high["status"] == "lost").mean() < 0.05
    silent = p["status"].isin(["at_risk", "lost"])
    assert (p.loc[silent, "days_since_last_order"] >= p.loc[silent, "typical_gap_days"]).all()
    low = p[p["group"] == "low"]
    assert (low["status"] == "lost").mean() > 0.1  # frequent buyers' silence does mean something
