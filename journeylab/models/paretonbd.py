"""Pareto/NBD (Schmittlein et al. 1987; Fader & Hardie note 009): ``ParetoNBDModel``, its likelihood by
quadrature and its predictions.

Parameters r, alpha (purchase rates ~ Gamma(r, alpha)) and s, beta (death rates ~ Gamma(s, beta)), alpha
and beta in time units; corresponds to lifetimes' ``ParetoNBDFitter``.

The likelihood needs  I = int_{t_x}^{T} (alpha+tau)^-(r+x) (beta+tau)^-(s+1) dtau.  Closed forms use 2F1,
whose derivatives in its parameters have no closed form, so I and its gradient come from one
Gauss-Legendre rule in z = log(c + tau), c = min(alpha, beta). In z the log-integrand is concave and
its slope is bounded, and the rule is cut where the integrand has fallen by e^-40, so 24 nodes give
near machine precision (tests compare with lifetimes' 2F1-based likelihood to 1e-9; 20 nodes already
agree to lifetimes' own rounding, 6.5e-11, on the test's parameter sets).
"""
from __future__ import annotations

import numpy as np
from scipy.special import gammaln, psi

from journeylab.models.fitting import PurchaseModel, RidgeNotes, by_x

_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(24)
_GL_LOGW = np.log(_GL_WEIGHTS)
_GL48_NODES, _GL48_WEIGHTS = np.polynomial.legendre.leggauss(48)  # P(no purchase): prediction only
_CHUNK = 40_000  # rows per quadrature block: 40k x 24 doubles = 7.7 MB per temporary


def _quad_nodes(lo, hi):
    """Gauss-Legendre nodes/log-weights on [lo, hi] row-wise: (n, K) arrays."""
    half = 0.5 * (hi - lo)[:, None]
    z = 0.5 * (hi + lo)[:, None] + half * _GL_NODES[None, :]
    with np.errstate(divide="ignore"):
        logw = np.log(half) + _GL_LOGW[None, :]  # n logs, not n x K
    return z, logw


def _pareto_block(params, x, tx, T, need_grad):
    r, alpha, s, beta = params
    c = min(alpha, beta)
    da, db = alpha - c, beta - c  # one of them is 0
    k1, k2 = r + x, s + 1.0

    def g_and_slope(z, k1=k1):
        ez = np.exp(z)
        return z - k1 * np.log(da + ez) - k2 * np.log(db + ez), 1 - k1 * ez / (da + ez) - k2 * ez / (db + ez)

    z0, z1 = np.log(c + tx), np.log(c + T)
    g0, slope0 = g_and_slope(z0, k1)
    # cut the range where the (concave) log-integrand has dropped by 40: Newton from the left overshoots
    # (tangent above a concave curve), later steps approach the cut from the right, so the cut is safe.
    zc = z1.copy()
    dec = slope0 < -1e-12
    if dec.any():
        z = z0[dec].copy()
        gz, sz = g0[dec], slope0[dec]
        target = g0[dec] - 40.0
        for _ in range(8):
            z = np.minimum(z - (gz - target) / sz, z1[dec])
            gz, sz = g_and_slope(z, k1[dec])
            sz = np.minimum(sz, -1e-12)
        zc[dec] = np.maximum(z, z0[dec])
    z, logw = _quad_nodes(z0, zc)
    ez = np.exp(z)
    # log(alpha+tau), log(beta+tau) and their reciprocals; one of them is z itself (c = alpha or beta)
    if da == 0.0:
        la, a_ = z, ez
        b_ = db + ez
        lb = np.log(b_)
    else:
        lb, b_ = z, ez
        a_ = da + ez
        la = np.log(a_)
    terms = logw + z - k1[:, None] * la - k2 * lb
    # log-sum-exp by hand, keeping the exponentials: they are also the gradient's quadrature weights
    mx = terms.max(axis=1)
    mx = np.where(np.isfinite(mx), mx, 0.0)
    e = np.exp(terms - mx[:, None])
    S = e.sum(axis=1)
    with np.errstate(divide="ignore"):
        logI = np.log(S) + mx
    A1 = by_x(lambda u: gammaln(r + u), x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    B1 = -k1 * np.log(alpha + T) - s * np.log(beta + T)
    B2 = np.log(s) + logI
    lse = np.logaddexp(B1, B2)
    ll = A1 + lse
    u1 = np.exp(B1 - lse)  # = P(alive | x, t_x, T)
    if not need_grad:
        return ll, None, u1
    u2 = 1.0 - u1
    with np.errstate(invalid="ignore", divide="ignore"):
        wq = e * np.where(S > 0, 1.0 / S, 0.0)[:, None]  # quadrature weights of the integral's "distribution"
    if not np.isfinite(wq).all():
        wq = np.nan_to_num(wq)
    E = lambda v: np.einsum("ij,ij->i", wq, v)  # noqa: E731  (row sums without a temporary)
    inv_a, inv_b = 1.0 / a_, 1.0 / b_
    g = np.empty((len(x), 4))
    g[:, 0] = by_x(lambda u: psi(r + u), x) - psi(r) + np.log(alpha) - u1 * np.log(alpha + T) - u2 * E(la)
    g[:, 1] = r / alpha - u1 * k1 / (alpha + T) - u2 * k1 * E(inv_a)
    g[:, 2] = np.log(beta) - u1 * np.log(beta + T) + u2 * (1 / s - E(lb))
    g[:, 3] = s / beta - u1 * s / (beta + T) - u2 * k2 * E(inv_b)
    return ll, g, u1


def paretonbd_ll(params, x, tx, T, need_grad=True, return_palive=False):
    """Per-row Pareto/NBD log-likelihood and gradient w.r.t. (r, alpha, s, beta); optionally P(alive)."""
    n = len(x)
    ll = np.empty(n)
    g = np.empty((n, 4)) if need_grad else None
    pa = np.empty(n)
    for i in range(0, n, _CHUNK):  # blocks bound the (rows x nodes) temporaries
        sl = slice(i, i + _CHUNK)
        ll[sl], gi, pa[sl] = _pareto_block(params, x[sl], tx[sl], T[sl], need_grad)
        if need_grad:
            g[sl] = gi
    return (ll, g, pa) if return_palive else (ll, g)


# Pareto/NBD's (s, beta) ridge (customers' death rates that barely differ): fitted in the shared ridge coordinates
# (log r, log alpha, log(s / beta), log s) with s capped at e^13.8 ~ 1e6, death-rate CV 0.1% (fitting.fit_ridge).
_PARETO_RIDGE = RidgeNotes("s", "beta", "the customers' death rates barely differ", "homogeneous-lifetime")


class ParetoNBDModel(PurchaseModel):
    """Pareto/NBD purchase model: ``ParetoNBDModel(penalizer=0.0).fit(frequency, recency, T, weights=None)``.

    Fitted in ridge coordinates (``fitting.fit_ridge``): where the customers' death rates barely differ, s and
    beta grow together along a flat ridge; the fit stops at s = 1e6 and says so (``on_ridge_``), with only
    s / beta identified (their intervals are unbounded)."""

    name = "paretonbd"
    param_names = ("r", "alpha", "s", "beta")
    time_params = ("alpha", "beta")
    loglik = staticmethod(paretonbd_ll)
    lifetimes_fitter = "ParetoNBDFitter"
    lifetimes_generator = "pareto_nbd_model"
    ridge = _PARETO_RIDGE

    def conditional_probability_alive(self, frequency, recency, T) -> np.ndarray:
        return paretonbd_palive(self.params_.to_numpy(), *(np.asarray(v, float) for v in (frequency, recency, T)))

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T) -> np.ndarray:
        with np.errstate(all="ignore"):
            return paretonbd_expected(self.params_.to_numpy(), t,
                                      *(np.asarray(v, float) for v in (frequency, recency, T)))

    def expected_number_of_purchases_up_to_time(self, t) -> np.ndarray:
        """r beta / (alpha (s - 1)) (1 - (beta / (beta + t))^(s - 1)) (note 009 eq. 17; s = 1: its limit)."""
        r, alpha, s, beta = self.params_.to_numpy()
        t = np.maximum(np.atleast_1d(np.asarray(t, float)), 0.0)
        if abs(s - 1) < 1e-8:
            e = r * beta / alpha * np.log1p(t / beta)
        else:
            e = r * beta / (alpha * (s - 1)) * -np.expm1((s - 1) * np.log(beta / (beta + t)))
        return np.where(t > 0, e, 0.0)

    def predict_steps(self, steps, disc, frequency, recency, T) -> dict[str, np.ndarray]:
        params = self.params_.to_numpy()
        x, tx, T = (np.asarray(v, float) for v in (frequency, recency, T))
        with np.errstate(all="ignore"):
            pa = paretonbd_palive(params, x, tx, T)
            cum = np.column_stack([paretonbd_expected(params, t, x, tx, T, pa) for t in steps])
            p0 = paretonbd_p_zero(params, steps[-1], x, tx, T, pa)
        return {"p_alive": pa, "expected": cum[:, -1], "discounted": np.diff(cum, axis=1, prepend=0.0) @ disc,
                "p_zero": p0}


# ---------------------------------------------------------------- predictions (no 2F1 overflow, unlike lifetimes')
def paretonbd_palive(params, x, tx, T) -> np.ndarray:
    """P(alive) under Pareto/NBD by the same quadrature as the likelihood (no 2F1 overflow)."""
    return paretonbd_ll(np.asarray(params, float), x, tx, T, need_grad=False, return_palive=True)[2]


def paretonbd_expected(params, t, x, tx, T, palive=None) -> np.ndarray:
    """E[purchases in (T, T+t]] under Pareto/NBD (note 009 eq. 41), via P(alive)."""
    r, alpha, s, beta = params
    pa = paretonbd_palive(params, x, tx, T) if palive is None else palive
    if abs(s - 1) < 1e-8:
        tail = np.log((beta + T + t) / (beta + T))
    else:
        tail = (1 - ((beta + T) / (beta + T + t)) ** (s - 1)) / (s - 1)
    return pa * (r + x) * (beta + T) / (alpha + T) * tail


def paretonbd_p_zero(params, t, x, tx, T, palive=None) -> np.ndarray:
    """P(no purchase in (T, T+t]) under Pareto/NBD.

    P(0 | alive) = P(death at u < t, no purchase before u) + P(survive t, no purchase in t)
                 = int_0^t s/bT (bT/(bT+u))^(s+1) (aT/(aT+u))^k du + (bT/(bT+t))^s (aT/(aT+t))^k
    with posterior shapes k = r+x, s and scales aT = alpha+T, bT = beta+T. The integrand is monotone;
    it is cut where (aT/(aT+u))^k < e^-40 so that 48 nodes resolve it even for large k.
    """
    r, alpha, s, beta = params
    pa = paretonbd_palive(params, x, tx, T) if palive is None else palive
    aT, bT, k = alpha + T, beta + T, r + x
    upper = np.minimum(t, aT * np.expm1(40.0 / k))
    u = 0.5 * upper[:, None] * (_GL48_NODES[None, :] + 1.0)
    wts = 0.5 * upper[:, None] * _GL48_WEIGHTS[None, :]
    aT2, bT2, k2 = aT[:, None], bT[:, None], k[:, None]
    dens = s / bT2 * (bT2 / (bT2 + u)) ** (s + 1) * (aT2 / (aT2 + u)) ** k2
    p0_alive = (dens * wts).sum(axis=1) + (bT / (bT + t)) ** s * (aT / (aT + t)) ** k
    return (1.0 - pa) + pa * np.clip(p0_alive, 0.0, 1.0)
