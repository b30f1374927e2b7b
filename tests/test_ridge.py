"""The dropout ridge of BG/NBD and MBG/NBD (a and b growing together, a / b fixed: the homogeneous-dropout
limit), fitted like Pareto/NBD's (s, beta) ridge: in ridge coordinates with a capped at e^13.8 ~ 1e6, on the
ridge converged, without a penalizer, and at the same point wherever the optimiser starts (issue: the demo's
high-involvement group chose MBG/NBD on one machine and BG/NBD on another)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import journeylab as jl
from journeylab.models.bgnbd import BetaGeoModel
from journeylab.models.clv import compare_models
from journeylab.models.fitcheck import judge
from journeylab.models.fitting import RIDGE_LOG_MAX, BaseModel
from journeylab.models.mbgnbd import ModifiedBetaGeoModel

ROOT = Path(__file__).resolve().parent.parent
CAP = np.exp(RIDGE_LOG_MAX)
# starts in the data's units (days): near the optimum, far below it, far along the ridge, beyond the cap
STARTS = [None, [0.3, 300.0, 0.5, 0.7], [1.0, 100.0, 2.0, 3.0], [0.2, 500.0, 1e3, 1.5e3], [0.5, 200.0, 1e7, 1e7]]


@pytest.fixture(scope="module")
def high_holdout():
    """The demo shop's high-involvement group's calibration/holdout summary, as journeylab.journey.value
    builds it for its model comparison."""
    from journeylab.journey.value import _groups, calibration_end

    shop = jl.load_shop(ROOT / "data" / "demo" / "shop.yaml")
    obs = shop.observation_end
    summary = jl.customer_summary(shop, freq="D", observation_end=obs)
    group, by = _groups(shop, summary, "involvement")
    assert by == "involvement"
    cal_end = calibration_end(summary["first_order_at"].min(), obs)
    h = jl.customer_summary(shop, freq="D", observation_end=obs, calibration_end=cal_end)
    high = h[group.reindex(h.index).to_numpy() == "high"]
    high.attrs = dict(h.attrs)
    return high


def _cal(h):
    return h["frequency_cal"], h["recency_cal"], h["T_cal"]


@pytest.mark.parametrize("cls", [BetaGeoModel, ModifiedBetaGeoModel])
def test_demo_high_group_ends_on_the_ridge_wherever_it_starts(high_holdout, cls):
    fits = [cls().fit(*_cal(high_holdout), initial_params=s) for s in STARTS]
    first = fits[0]
    assert first.on_ridge_ and first.converged_ and first.penalizer_ == 0.0
    assert first.params_["a"] == pytest.approx(CAP, rel=1e-12)
    for m in fits[1:]:
        assert m.on_ridge_ and m.converged_ and m.penalizer_ == 0.0
        np.testing.assert_allclose(m.params_.to_numpy(), first.params_.to_numpy(), rtol=1e-6)
        assert m.log_likelihood_ == pytest.approx(first.log_likelihood_, rel=1e-12)
    # a / b is what the data identify; a and b are not (unbounded intervals), r and alpha are
    tab = first.params_table().set_index("parameter")
    assert tab.loc[["r", "alpha"], "identified"].all() and not tab.loc[["a", "b"], "identified"].any()
    assert np.isinf(first.confidence_intervals_.loc["a", "upper 95% bound"])
    chk = judge(cls.name, first.params_table())
    assert chk.tier == "forecast" and chk.problems == ["dropout_not_identified"]
    assert "only a / b is identified" in first.message_


def test_demo_high_group_chooses_one_model_wherever_the_optimiser_starts(high_holdout, monkeypatch):
    base = compare_models(high_holdout)
    assert base.recommended == "bgnbd"  # since the ridge is fitted at its cap (MBG/NBD on one machine before)
    for name in ("bgnbd", "mbgnbd"):
        m = base.models[name].purchase_
        assert m.on_ridge_ and m.converged_ and m.penalizer_ == 0.0
    orig = BaseModel._fit
    for start in STARTS[1:]:
        def _fit(self, cols, weights, initial_params=None, retry=True, start=start):
            if initial_params is None and self.name in ("bgnbd", "mbgnbd"):
                initial_params = start
            return orig(self, cols, weights, initial_params, retry)

        monkeypatch.setattr(BaseModel, "_fit", _fit)
        cmp = compare_models(high_holdout)
        assert cmp.recommended == base.recommended
        for name in ("bgnbd", "mbgnbd"):
            np.testing.assert_allclose(cmp.models[name].purchase_.params_.to_numpy(),
                                       base.models[name].purchase_.params_.to_numpy(), rtol=1e-6)
        np.testing.assert_allclose(cmp.metrics["rmse"].to_numpy(), base.metrics["rmse"].to_numpy(), rtol=1e-6)
    monkeypatch.undo()


def simulate_bgnbd(n, r, alpha, a, b, seed):
    """BG/NBD draws: rates ~ Gamma(r, alpha), dropout probabilities ~ Beta(a, b), T ~ U(20, 52) weeks; after
    each repeat purchase the customer drops out with its probability."""
    rng = np.random.default_rng(seed)
    T = rng.uniform(20.0, 52.0, n)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    x, tx, t = np.zeros(n), np.zeros(n), np.zeros(n)
    alive = np.ones(n, bool)
    while alive.any():
        i = np.flatnonzero(alive)
        t[i] += rng.exponential(1.0, len(i)) / lam[i]
        buy = t[i] <= T[i]
        j = i[buy]
        x[j] += 1
        tx[j] = t[j]
        alive[i[~buy]] = False
        alive[j[rng.random(len(j)) < p[j]]] = False
    return x, tx, T


def test_homogeneous_dropout_lands_on_the_ridge_and_recovers_p():
    # every customer drops out with p = 0.3 (a, b ~ 1e8: Beta CV 0.02%). The maximum likelihood lies on the
    # ridge for most samples (6 of seeds 0-7; on the others at a finite a, a legitimate estimate): seed 1 is one
    x, tx, T = simulate_bgnbd(4000, 0.5, 5.0, 3e7, 7e7, seed=1)
    m = BetaGeoModel().fit(x, tx, T)
    assert m.on_ridge_ and m.converged_ and m.penalizer_ == 0.0 and m.params_["a"] == pytest.approx(CAP)
    a, b = m.params_["a"], m.params_["b"]
    # a / (a + b) over seeds 0-7: 0.282-0.311, sd 0.008: within 3 of it
    assert abs(a / (a + b) - 0.3) < 0.025
    assert m.params_["r"] == pytest.approx(0.5, rel=0.1) and m.params_["alpha"] == pytest.approx(5.0, rel=0.15)


def test_heterogeneous_dropout_is_not_on_the_ridge_and_is_recovered():
    truth = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 2.5}
    x, tx, T = simulate_bgnbd(4000, *truth.values(), seed=1)
    m = BetaGeoModel().fit(x, tx, T)
    assert not m.on_ridge_ and m.converged_ and m.penalizer_ == 0.0
    assert m.message_.startswith("Newton")  # the fast path, untouched
    ci = m.confidence_intervals_
    for k, v in truth.items():
        assert ci.loc[k, "lower 95% bound"] < v < ci.loc[k, "upper 95% bound"], k
    assert m.params_table()["identified"].all()
