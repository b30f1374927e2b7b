"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005b; Fader & Hardie note 025): ``GammaGammaModel``.

A repeat buyer's order values are Gamma(p, nu) around their own mean, and nu ~ Gamma(q, v) across
customers, so the mean spend per order is v p / (q - 1) (finite only for q > 1). Fitted on repeat
buyers' number of repeat purchases and mean repeat order value (currency); corresponds to lifetimes'
``GammaGammaFitter``. The model assumes spend per order does not depend on how often a customer buys:
``independence_check`` tests that.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import gammaln, psi

from journeylab.errors import ModelError
from journeylab.models.fitting import MIN_REPEAT_BUYERS, BaseModel, dot, factorize_rows, unique_inverse


def gammagamma_ll(params, x, m, need_grad=True):
    """Per-row Gamma-Gamma log-likelihood (x = repeat purchases > 0, m = mean spend) and gradient.

    The special functions depend on x only and are evaluated once per distinct frequency.
    """
    p, q, v = params
    ux, inv = unique_inverse(x)
    px = p * x
    lm, lx = np.log(m), np.log(x)
    lxm = np.log(x * m + v)
    ll = ((gammaln(p * ux + q) - gammaln(p * ux))[inv] - gammaln(q) + q * np.log(v) + (px - 1) * lm
          + px * lx - (px + q) * lxm)
    if not need_grad:
        return ll, None
    dpq = psi(p * ux + q)[inv]
    g = np.empty((len(x), 3))
    g[:, 0] = x * (dpq - psi(p * ux)[inv] + lm + lx - lxm)
    g[:, 1] = dpq - psi(q) + np.log(v) - lxm
    g[:, 2] = q / v - (px + q) / (x * m + v)
    return ll, g


class GGPrepared:
    """Gamma-Gamma total log-likelihood with analytic gradient and Hessian. A row's terms depend on x only,
    or are constants, except (p x + q) log(x m + v): that one is summed over distinct x m (the customer's
    total repeat spend) with the weights and weighted x per value, so rows with the same total are one."""

    n_params = 3

    def __init__(self, x, m, w):
        x, m, w = (np.asarray(a, float) for a in (x, m, w))
        self.wtot = w.sum()
        self.ux, xi = unique_inverse(x)
        self.Wx = np.bincount(xi, w, minlength=len(self.ux))
        ci, self.uxm = pd.factorize(x * m)
        self.W = np.bincount(ci, w, minlength=len(self.uxm))
        self.XW = np.bincount(ci, w * x, minlength=len(self.uxm))
        lm = np.log(m)
        self.C1 = dot(w, x * (lm + np.log(x)))
        self.C0 = dot(w, lm)

    def __call__(self, params, need_grad=True, need_hess=False):
        p, q, v = params
        ux, Wx, W, XW, wtot = self.ux, self.Wx, self.W, self.XW, self.wtot
        lxm = np.log(self.uxm + v)
        cw = p * XW + q * W
        ll = (dot(Wx, gammaln(p * ux + q) - gammaln(p * ux)) - wtot * gammaln(q) + wtot * q * np.log(v)
              + p * self.C1 - self.C0 - dot(cw, lxm))
        if not need_grad:
            return ll, None, None
        ivm = 1.0 / (self.uxm + v)
        dpq = psi(p * ux + q)
        g = np.array([
            dot(Wx, ux * (dpq - psi(p * ux))) + self.C1 - dot(XW, lxm),
            dot(Wx, dpq) - wtot * psi(q) + wtot * np.log(v) - dot(W, lxm),
            wtot * q / v - dot(cw, ivm),
        ])
        if not need_hess:
            return ll, g, None
        from scipy.special import polygamma

        t_pq, t_p = polygamma(1, p * ux + q), polygamma(1, p * ux)
        H = np.empty((3, 3))
        H[0, 0] = dot(Wx, ux * ux * (t_pq - t_p))
        H[0, 1] = dot(Wx, (ux * t_pq))
        H[0, 2] = -dot(XW, ivm)
        H[1, 1] = dot(Wx, t_pq) - wtot * polygamma(1, q)
        H[1, 2] = wtot / v - dot(W, ivm)
        H[2, 2] = -wtot * q / v**2 + dot(cw, (ivm * ivm))
        H = np.triu(H) + np.triu(H, 1).T
        return ll, g, H


class GammaGammaModel(BaseModel):
    """Gamma-Gamma spend model: ``GammaGammaModel(penalizer=0.0).fit(frequency, monetary_value, weights=None)``,
    fitted by Newton's method with the analytic Hessian (``GGPrepared``)."""

    name = "gammagamma"
    param_names = ("p", "q", "v")
    loglik = staticmethod(gammagamma_ll)
    prepared = GGPrepared

    def fit(self, frequency, monetary_value, weights=None, initial_params=None, retry: bool = True):
        """Fit on customers' repeat purchases ``frequency`` and mean repeat order value ``monetary_value``
        (currency); ``weights``: customers per row. One-time buyers and zero spend carry no information
        and are left out. ModelError "few_spend_buyers" with fewer than MIN_REPEAT_BUYERS repeat buyers,
        "spend_heavy_tail" when q <= 1 (the mean spend is infinite). Returns self."""
        x, m = np.asarray(frequency, float), np.asarray(monetary_value, float)
        rep = (x > 0) & (m > 0)
        n_rep = int(rep.sum()) if weights is None else int(np.asarray(weights, float)[rep].sum())
        if n_rep < MIN_REPEAT_BUYERS:
            raise ModelError("few_spend_buyers", n_rep=n_rep)
        codes, (xu, mu) = factorize_rows(x[rep], m[rep])
        w = np.bincount(codes, weights=None if weights is None else np.asarray(weights, float)[rep],
                        minlength=len(xu)).astype(float)
        keep = w > 0
        self._fit((xu[keep], mu[keep]), w[keep], initial_params, retry)
        if self.params_["q"] <= 1:
            raise ModelError("spend_heavy_tail", q=float(self.params_["q"]))
        return self

    def _data_frame(self, cols, weights):
        x, m = cols
        return pd.DataFrame({"monetary_value": m, "frequency": x, "weights": weights})

    def conditional_expected_average_profit(self, frequency, monetary_value) -> np.ndarray:
        """E[spend per order | frequency, mean repeat order value] (currency), lifetimes' name."""
        return expected_spend(self.params_.to_numpy(), np.asarray(frequency, float), np.asarray(monetary_value, float))

    def to_lifetimes(self):
        """lifetimes' ``GammaGammaFitter`` with these parameters and standard errors."""
        import lifetimes

        f = lifetimes.GammaGammaFitter(penalizer_coef=self.penalizer_)
        self._fill_lifetimes(f)
        return f


def expected_spend(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Gamma-Gamma E[spend per order | x, m] (lifetimes' ``conditional_expected_average_profit``)."""
    p, q, v = params
    wgt = p * x / (p * x + q - 1)
    return (1 - wgt) * (v * p / (q - 1)) + wgt * m


def independence_check(frequency: np.ndarray, monetary_value: np.ndarray, threshold: float = 0.3,
                       weights: np.ndarray | None = None) -> dict:
    """Gamma-Gamma assumes spend per order is independent of purchase frequency.

    Pearson and Spearman correlation among repeat buyers with their p-values (Spearman on a fixed-seed
    sample of 200,000 above that many, ``spearman_n``); ``ok`` when
    |Pearson r| < ``threshold`` (a practical bound: with many customers even tiny correlations are
    significant, so significance alone is not the criterion). With ``weights`` (customers per row) the
    rows stand for that many customers: up to 200,000 customers they are repeated (the same result as
    unweighted rows), above that a fixed-seed sample of 200,000 customers is drawn from them
    (``sample_of``: the number of repeat buyers sampled from; None when all were used).

    Returns data only (n, pearson_r, p_value, spearman_rho, spearman_p, spearman_n, ok, ``flat``: too
    little variation to test, ``sample_of``); the report's sentence is journeylab.i18n's
    (journeylab.report.sections.independence_text).
    """
    from scipy import stats  # 0.6 s to import: only where it is used
    if weights is not None:
        keep = (frequency > 0) & (monetary_value > 0) & (weights > 0)
        f, m, w = frequency[keep], monetary_value[keep], weights[keep].astype(np.int64)
        if w.sum() > _SPEARMAN_MAX_N:
            rows = np.random.default_rng(0).choice(len(w), size=_SPEARMAN_MAX_N, p=w / w.sum())
        else:
            rows = np.repeat(np.arange(len(w)), w)
        out = independence_check(f[rows], m[rows], threshold)
        if w.sum() > _SPEARMAN_MAX_N:
            out["sample_of"] = int(w.sum())
        return out
    rep = (frequency > 0) & (monetary_value > 0)
    f, m = frequency[rep], monetary_value[rep]
    if rep.sum() < 3 or np.ptp(f) == 0 or np.ptp(m) == 0:
        return {"n": int(rep.sum()), "pearson_r": 0.0, "p_value": 1.0, "spearman_rho": 0.0,
                "spearman_p": 1.0, "spearman_n": int(rep.sum()), "ok": True, "flat": True, "sample_of": None}
    pr = stats.pearsonr(f, m)
    sr, n_sr = _spearman(f, m)
    ok = abs(pr.statistic) < threshold
    return {"n": int(rep.sum()), "pearson_r": float(pr.statistic), "p_value": float(pr.pvalue),
            "spearman_rho": float(sr.statistic), "spearman_p": float(sr.pvalue), "spearman_n": n_sr, "ok": bool(ok),
            "flat": False, "sample_of": None}


_SPEARMAN_MAX_N = 200_000


def _spearman(f: np.ndarray, m: np.ndarray, max_n: int = _SPEARMAN_MAX_N):
    """scipy.stats.spearmanr (two-sided, t-distribution p-value) with the frequency's average ranks from
    its few distinct values. Above ``max_n`` repeat buyers it is computed on a fixed-seed random sample of
    about ``max_n`` of them (a diagnostic: its sampling error, ~1/sqrt(200k) = 0.002, is far below any
    correlation that matters; ranking millions of spend values took ~0.5 s). Returns (result, n used)."""
    from scipy import stats  # 0.6 s to import: only where it is used
    if len(f) > max_n:
        keep = np.random.default_rng(0).random(len(f)) < max_n / len(f)
        f, m = f[keep], m[keep]
    uf, inv = unique_inverse(f)
    cnt = np.bincount(inv, minlength=len(uf))
    rank_f = (np.cumsum(cnt) - (cnt - 1) / 2.0)[inv]
    return stats.pearsonr(rank_f, stats.rankdata(m)), len(f)
