"""BG/NBD conditional expected purchases checked by Monte Carlo, also where lifetimes returns NaN.

lifetimes computes E[Y(t) | x, t_x, T] as exp(log(2F1(r+x, b+x; a+b+x-1; z)) + ...). When the fitted
a + b + x - 1 < 0 (here: one-time buyers with a + b = 0.28, as fitted on the benchmark shop) 2F1 can
be negative, its log is NaN, and lifetimes returns NaN for those customers (a pandas ``.sum()`` of its
CLV then silently drops them: that was the "15% higher than lifetimes" on the benchmark).
"""
from __future__ import annotations

import lifetimes
import numpy as np
import pandas as pd
import pytest

from journeylab.models.bgnbd import bg_expected_alive, bg_expected_alive_quad, bg_palive

# BG/NBD fitted on benchmarks/models_bench.py's 1M-row shop (days): a + b < 1
PARAMS = np.array([0.8978, 153.99, 0.02832, 0.2478])


def _simulate_expected(params, t, x, tx, T, n, rng):
    """Mean and standard error of Y(t) for customers with history (x, t_x, T), by simulation.

    Alive at T with P(alive); then lambda ~ Gamma(r + x, alpha + T), p ~ Beta(a, b + x) (the
    posterior given alive); the customer buys at Poisson(lambda) times and drops out after each
    purchase with probability p, so Y(t) = min(K, N(t)), K ~ Geometric(p), N(t) ~ Poisson(lambda t).
    """
    r, alpha, a, b = params
    pa = float(bg_palive(params, np.array([x]), np.array([tx]), np.array([T]))[0])
    alive = rng.random(n) < pa
    lam = rng.gamma(r + x, 1.0 / (alpha + T), n)
    p = rng.beta(a, b + x, n)
    k = rng.geometric(np.clip(p, 1e-300, 1.0))
    y = np.where(alive, np.minimum(k, rng.poisson(lam * t)), 0)
    return y.mean(), y.std() / np.sqrt(n)


@pytest.mark.parametrize("x,tx,T", [(0, 0.0, 50.0), (0, 0.0, 217.0), (0, 0.0, 600.0), (1, 30.0, 100.0),
                                    (4, 300.0, 500.0)])
def test_bgnbd_expected_purchases_by_monte_carlo(x, tx, T):
    rng = np.random.default_rng(20240601 + x)
    t = 360.0
    mc, se = _simulate_expected(PARAMS, t, x, tx, T, 400_000, rng)
    xa, txa, Ta = np.array([x], float), np.array([tx]), np.array([T])
    mine = float((bg_palive(PARAMS, xa, txa, Ta) * bg_expected_alive(PARAMS, t, xa, Ta))[0])
    assert abs(mine - mc) < 4.5 * se, (mine, mc, se)

    bg = lifetimes.BetaGeoFitter()
    bg.params_ = pd.Series(PARAMS, index=["r", "alpha", "a", "b"])
    with np.errstate(all="ignore"):
        ref = float(np.asarray(bg.conditional_expected_number_of_purchases_up_to_time(t, xa, txa, Ta))[0])
    if x == 0 and T < 300:
        assert np.isnan(ref)  # lifetimes: log of a negative 2F1
    else:
        assert mine == pytest.approx(ref, rel=1e-9)  # where lifetimes is finite it is right


def test_closed_form_and_quadrature_agree():
    rng = np.random.default_rng(5)
    x = rng.integers(0, 30, 300).astype(float)
    T = rng.uniform(1, 700, 300)
    t = rng.uniform(1, 400, 300)
    for params in (PARAMS, np.array([0.243, 4.41, 0.793, 2.43]), np.array([2.0, 30.0, 3.0, 0.5])):
        for mod in (False, True):
            bb = params[3] + 1.0 if mod else params[3]
            quad = bg_expected_alive_quad(params, t, x, T, bb)
            both = bg_expected_alive(params, t, x, T, modified=mod)
            np.testing.assert_allclose(both, quad, rtol=1e-7)
