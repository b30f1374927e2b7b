"""Tests of journeylab.simulate.truth: the true per-level figures a customer-lifetime model should recover."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from journeylab.simulate import simulate_shop, write_shop
from journeylab.simulate.truth import (
    discounted_repeat_purchases,
    expected_repeat_purchases,
    month_steps,
    true_customer_figures,
    true_level_figures,
)

Z = 4.0  # tolerance in standard errors for every Monte Carlo / sampling comparison below


def _simulate_alive_forward(rng: np.random.Generator, lam: float, p: float, t_weeks: float, n: int,
                            steps: np.ndarray, disc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Event by event, independent of the simulator's code: ``n`` customers alive at time 0 buy after
    Exp(1 / lam) waiting times; after each purchase a coin with P = p ends their life. Returns per
    customer the number of purchases in (0, t] and their discounted count (factor of the month step
    each purchase falls in)."""
    count = np.zeros(n)
    disc_count = np.zeros(n)
    now = np.zeros(n)
    active = np.ones(n, bool)
    while active.any():
        idx = np.flatnonzero(active)
        now[idx] += rng.exponential(1.0 / lam, idx.size)
        inside = now[idx] <= t_weeks
        buy = idx[inside]
        count[buy] += 1
        disc_count[buy] += disc[np.searchsorted(steps, now[buy], side="left")]
        survive = rng.random(buy.size) >= p
        active[:] = False
        active[buy[survive]] = True
    return count, disc_count


@pytest.mark.parametrize("lam, p", [(0.2, 0.05), (0.05, 0.5), (1.0, 0.02), (0.3, 0.0), (0.02, 0.9)])
def test_expected_purchases_formula_against_monte_carlo(lam, p):
    rng = np.random.default_rng(123)
    t, d = 52.18, 0.02
    steps, disc = month_steps(t, d)
    count, disc_count = _simulate_alive_forward(rng, lam, p, t, 40_000, steps, disc)
    for sim, formula in ((count, expected_repeat_purchases(lam, p, t)),
                         (disc_count, discounted_repeat_purchases(lam, p, t, d))):
        se = sim.std() / np.sqrt(sim.size)
        assert abs(sim.mean() - float(formula)) < Z * se + 1e-12, (lam, p, sim.mean(), formula, se)
    # the discounted count is really smaller (d > 0), and the plain one matches the no-discount path
    assert float(discounted_repeat_purchases(lam, p, t, d)) < float(expected_repeat_purchases(lam, p, t))
    assert float(discounted_repeat_purchases(lam, p, t, 0.0)) == pytest.approx(float(expected_repeat_purchases(lam, p, t)))


def test_formula_limits():
    lam, t = 0.4, 30.0
    assert expected_repeat_purchases(lam, 0.0, t) == pytest.approx(lam * t)
    assert expected_repeat_purchases(lam, 1e-9, t) == pytest.approx(lam * t, rel=1e-6)  # continuous at p = 0
    assert expected_repeat_purchases(lam, 0.25, 0.0) == 0.0
    assert expected_repeat_purchases(lam, 0.25, 1e6) == pytest.approx(1 / 0.25)  # a geometric number of purchases
    steps, disc = month_steps(52.18, 0.01)
    assert steps.size == 13 and steps[-1] == 52.18 and steps[0] == pytest.approx(4.345)  # lifetimes' month
    assert disc[11] == pytest.approx(1.01 ** -12)


# ------------------------------------------------------------------ on a simulated shop

@pytest.fixture(scope="module")
def shop():
    return simulate_shop(3000, seed=11)


@pytest.fixture(scope="module")
def later():
    """The same settings with the observation end one year later (2025-12-31)."""
    return simulate_shop(3000, seed=11, end="2025-12-31")


def test_level_figures_are_consistent_with_the_truth(shop):
    lv = true_level_figures(shop.truth)
    cust = shop.truth.customers
    buyers = cust[cust.is_buyer]
    assert list(lv.index) == ["low", "high"]
    assert list(lv.columns) == ["customers", "share_dropped_out", "mean_p_alive", "expected_purchases",
                                "expected_spend_per_order", "clv", "repeat_rate"]
    assert lv.customers.sum() == len(buyers) == 3000
    assert lv.share_dropped_out.between(0, 1).all() and lv.repeat_rate.between(0, 1).all()
    assert np.allclose(lv.mean_p_alive, 1 - lv.share_dropped_out)
    for level, row in lv.iterrows():
        b = buyers[buyers.involvement == level]
        assert row.customers == len(b)
        assert row.share_dropped_out == pytest.approx(1 - b.alive_at_end.astype(bool).mean())
        assert row.repeat_rate == pytest.approx((b.n_repeat >= 1).mean())
    # default params: high involvement buys again far less often; one-time buyers cannot drop out
    assert lv.loc["high", "repeat_rate"] < lv.loc["low", "repeat_rate"]
    assert lv.loc["high", "expected_purchases"] < lv.loc["low", "expected_purchases"]
    assert buyers.loc[buyers.n_repeat == 0, "alive_at_end"].astype(bool).all()

    cf = true_customer_figures(shop.truth)
    assert cf.index.name == "customer_id" and len(cf) == 3000 and cf.index.is_unique
    assert set(cf.p_alive_true) <= {0.0, 1.0}
    assert (cf.loc[~cf.alive, "expected_purchases"] == 0).all()
    assert (cf.loc[cf.alive & (cf.lambda_per_week > 0), "expected_purchases"] > 0).all()
    # undiscounted clv is spend times purchases; discounting at 1 % a month lowers it, but by less than a year's 1 %
    assert np.allclose(cf.clv, cf.expected_spend_per_order * cf.expected_purchases)
    disc = true_level_figures(shop.truth, discount_rate_per_month=0.01)
    assert (disc.clv < lv.clv).all() and (disc.clv > lv.clv * 1.01 ** -12.01).all()
    assert disc.expected_purchases.equals(lv.expected_purchases)
    # a longer horizon never means fewer purchases
    assert (true_level_figures(shop.truth, 104.36).expected_purchases > lv.expected_purchases).all()


def test_spend_per_order_matches_the_gamma_gamma_mean(shop):
    """Population mean of the next order's value: (1 - c) p gamma_L / (q_L - 1) + c p gamma_O / (q_O - 1),
    EUR 24 (low) and 600 (high) mixed by the cross-over probabilities 0.05 / 0.25. Fails if nu were
    read as a scale or a mean instead of a rate."""
    cf = true_customer_figures(shop.truth)
    prm = shop.truth.params["params"]
    mean = {lv: prm[lv]["gamma_gamma"]["p"] * prm[lv]["gamma_gamma"]["gamma"] / (prm[lv]["gamma_gamma"]["q"] - 1)
            for lv in ("low", "high")}
    assert mean["low"] == pytest.approx(24) and mean["high"] == pytest.approx(600)
    for lv, other in (("low", "high"), ("high", "low")):
        c = prm[lv]["crossover_prob"]
        want = (1 - c) * mean[lv] + c * mean[other]
        s = cf.loc[cf.level == lv, "expected_spend_per_order"]
        assert abs(s.mean() - want) < Z * s.std() / np.sqrt(s.size), (lv, s.mean(), want)


def test_spend_per_order_matches_the_observed_repeat_revenue(shop):
    """Given nu, every repeat order's value has mean expected_spend_per_order (cross-over included),
    independent of how many there are: sum of repeat revenue ~ sum of n_repeat * spend per level."""
    cf = true_customer_figures(shop.truth)
    done = shop.orders[shop.orders.status == "completed"].sort_values("ordered_at")
    rev = done.groupby("customer_id").revenue.sum() - done.drop_duplicates("customer_id").set_index("customer_id").revenue
    n = done.groupby("customer_id").size() - 1
    assert (n.reindex(cf.index) == cf.n_repeat).all()
    resid = rev.reindex(cf.index) - cf.n_repeat * cf.expected_spend_per_order
    for lv in ("low", "high"):
        r = resid[cf.level == lv]
        total = (cf.n_repeat * cf.expected_spend_per_order)[cf.level == lv].sum()
        assert abs(r.sum()) < Z * r.std() * np.sqrt(r.size), (lv, r.sum(), total)


def _year_after(shop, later) -> tuple[pd.DataFrame, pd.Series, float]:
    """Buyers of ``later`` whose first order was before ``shop``'s end, their completed orders in the
    extra year, and the extra year in weeks."""
    e0, e1 = shop.observation_end, later.observation_end
    c = later.truth.customers
    cohort = c[c.is_buyer & (c.first_purchase_at < e0)].set_index("customer_id")
    o = later.orders
    o = o[(o.status == "completed") & (o.ordered_at >= e0) & (o.ordered_at < e1)]
    counts = o.groupby("customer_id").size().reindex(cohort.index, fill_value=0)
    return cohort, counts, (e1 - e0) / pd.Timedelta(weeks=1)


def test_expected_purchases_match_the_year_after_in_distribution(shop, later):
    """Forward check against the simulator itself.

    Moving ``end`` does NOT extend the same shop: arrivals are spread uniformly over the new window
    (arrival = u * (W - D)), so with the same seed person i keeps level, lambda, p and nu (drawn from the
    same stream positions) but gets another first-purchase time, and from there other purchases. A
    per-customer comparison of the two shops is therefore invalid. What is valid is a comparison in
    distribution: in the later shop, buyers whose first purchase falls before the earlier end have an
    arrival uniform on [0, W0 - D), i.e. exactly the earlier shop's distribution of first-purchase
    times, the same level mix and the same lambda, p, nu distributions, and their purchase process up to
    the earlier end is the earlier shop's. So the mean number of their repeat orders in the extra year
    estimates the same quantity as the earlier shop's mean true expected_purchases over that horizon.
    Tolerance: 4 standard errors of the difference of the two sample means (about 25 % for low, 60 %
    for high involvement with these sizes; conservative, the samples share draws through the seed).
    The sharper per-customer check is the next test.
    """
    cohort, counts, h = _year_after(shop, later)
    assert h == pytest.approx(365 / 7)
    truth = true_customer_figures(shop.truth, horizon_weeks=h)
    lv = true_level_figures(shop.truth, horizon_weeks=h)
    for level in ("low", "high"):
        obs = counts[cohort.involvement == level]
        exp = truth.loc[truth.level == level, "expected_purchases"]
        assert lv.loc[level, "expected_purchases"] == pytest.approx(exp.mean())
        se = np.sqrt(obs.var() / obs.size + exp.var() / exp.size)
        assert abs(obs.mean() - exp.mean()) < Z * se, (level, obs.mean(), exp.mean(), se)


def test_expected_purchases_given_the_state_at_the_earlier_end(shop, later):
    """Per customer, in the later shop: the state at the earlier end is known from its truth (dropped out
    iff dropout_at, the time of the last repeat order, is before it; dropout is memoryless), so
    true_level_figures on that state must predict the repeat orders actually made in the extra year.
    The residuals (orders - expectation) are independent with mean 0; tolerance 4 standard errors of
    their level mean (about 8 % of the low level's mean, 40 % of the high one's)."""
    cohort, counts, h = _year_after(shop, later)
    state = later.truth.customers.set_index("customer_id").loc[cohort.index].reset_index()
    state["alive_at_end"] = state.dropout_at.isna() | (state.dropout_at >= shop.observation_end)
    assert (~state.alive_at_end).any() and state.alive_at_end.any()
    as_of = type(later.truth)(params=later.truth.params, customers=state, sessions=later.truth.sessions.iloc[:0])
    cf = true_customer_figures(as_of, horizon_weeks=h)
    resid = counts.reindex(cf.index) - cf.expected_purchases
    lv = true_level_figures(as_of, horizon_weeks=h)
    for level in ("low", "high"):
        r = resid[cf.level == level]
        se = r.std() / np.sqrt(r.size)
        obs = counts.reindex(cf.index)[cf.level == level].mean()
        assert abs(obs - lv.loc[level, "expected_purchases"]) < Z * se, (level, obs, lv.loc[level, "expected_purchases"], se)
    # dropped-out customers really buy nothing afterwards
    assert (counts.reindex(cf.index)[~cf.alive] == 0).all()


def test_reads_a_written_shop(shop, tmp_path):
    path = write_shop(tmp_path, 3000, seed=11)
    from_files = true_level_figures(tmp_path, discount_rate_per_month=0.01)
    in_memory = true_level_figures(shop, discount_rate_per_month=0.01)
    pd.testing.assert_frame_equal(from_files, in_memory)
    pd.testing.assert_frame_equal(true_level_figures(path), true_level_figures(shop.truth))
