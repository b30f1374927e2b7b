"""BG/NBD (Fader, Hardie & Lee 2005): ``BetaGeoModel``, its likelihood and its predictions.

Parameters r, alpha (purchase rates ~ Gamma(r, alpha), alpha in time units) and a, b (the drop-out
probability after each purchase ~ Beta(a, b)). The model corresponds to lifetimes' ``BetaGeoFitter``
(``to_lifetimes``) and is tested against it; the modified model (MBG/NBD) is ``mbgnbd.ModifiedBetaGeoModel``.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import expit, gammaln, psi

from journeylab.models.fitting import PurchaseModel, RidgeNotes, dot, factorize_rows, unique_inverse

_CHUNK = 40_000  # rows per quadrature block: 40k x 120 doubles = 38 MB per temporary at most


_STABLE_AB = 1e4  # a + b above this: the Beta terms as sums over the purchases, not differences of gammaln


def beta_terms(a, b, n, hess=False):
    """l(n) = log B(a, b + n) - log B(a, b) (the survival of n purchases' dropout chances), its derivatives
    (dl/da, dl/db) and with ``hess`` (d2l/da2 = d2l/dadb, d2l/db2), for counts ``n`` (an array).

    For integer n and large a + b (the ridge, a and b ~ 1e6) they are sums over j < n of log(b+j) - log(a+b+j),
    1/(b+j) - 1/(a+b+j), ...: differences of gammaln or psi values of size ~1e7 there would lose ~1e-9 absolute,
    which the chain rule to log a multiplies by a; the sums keep full relative precision (the gradient along
    the ridge, ~1e-10 of the objective, is then resolved)."""
    n = np.asarray(n, float)
    big = a + b > _STABLE_AB and len(n) and n.min() >= 0 and n.max() <= 1e6 and np.array_equal(n, np.round(n))
    if big:
        j = np.arange(int(n.max()), dtype=float)
        idx = n.astype(np.int64)
        bj, abj = b + j, a + b + j

        def cum(v):
            return np.concatenate(([0.0], np.cumsum(v)))[idx]

        out = [cum(-np.log1p(a / bj)), cum(-1.0 / abj), cum(a / (bj * abj))]
        if hess:
            out += [cum(1.0 / abj**2), cum(1.0 / abj**2 - 1.0 / bj**2)]
        return tuple(out)
    da = psi(a + b) - psi(a + b + n)
    out = [gammaln(a + b) + gammaln(b + n) - gammaln(b) - gammaln(a + b + n), da, da + psi(b + n) - psi(b)]
    if hess:
        from scipy.special import polygamma

        daa = polygamma(1, a + b) - polygamma(1, a + b + n)
        out += [daa, daa + polygamma(1, b + n) - polygamma(1, b)]
    return tuple(out)


def bgnbd_ll(params, x, tx, T, need_grad=True):
    """Per-row log-likelihood (n,) and its gradient w.r.t. (r, alpha, a, b) (n, 4)."""
    r, alpha, a, b = params
    bx = b + np.maximum(x, 1) - 1
    ux, inv = unique_inverse(x)
    A1 = (gammaln(r + ux) - gammaln(r))[inv] + r * np.log(alpha)
    l2, da2, db2 = beta_terms(a, b, ux)
    A2 = l2[inv]
    A3 = -(r + x) * np.log(alpha + T)
    A4 = np.log(a) - np.log(bx) - (r + x) * np.log(alpha + tx)
    A4 = np.where(x > 0, A4, -np.inf)
    lse = np.logaddexp(A3, A4)
    ll = A1 + A2 + lse
    if not need_grad:
        return ll, None
    w3 = np.exp(A3 - lse)
    w4 = 1.0 - w3
    g = np.empty((len(x), 4))
    g[:, 0] = (psi(r + ux) - psi(r))[inv] + np.log(alpha) - w3 * np.log(alpha + T) - w4 * np.log(alpha + tx)
    g[:, 1] = r / alpha - w3 * (r + x) / (alpha + T) - w4 * (r + x) / (alpha + tx)
    g[:, 2] = da2[inv] + w4 / a
    g[:, 3] = db2[inv] - w4 / bx
    return ll, g


class BGPrepared:
    """BG/NBD total log-likelihood with analytic gradient and Hessian, the per-row work cut to the minimum.

    With d = log a - log(b + x - 1) + (r + x) (log(alpha + T) - log(alpha + t_x)) a row's log-likelihood is
    A1(x) + A2(x) - (r + x) log(alpha + T) + [x > 0] softplus(d): everything but the softplus depends on x
    only (tens of values) or on T only (hundreds), so it is summed over those tables with fixed weight
    totals; only repeat rows carry per-row work (gathers from the T / t_x tables, one exp, one log1p).
    """

    n_params = 4

    def __init__(self, x, tx, T, w):
        x, tx, T, w = (np.asarray(a, float) for a in (x, tx, T, w))
        self.wtot = w.sum()
        self.ux, xi = unique_inverse(x)
        self.Wx = np.bincount(xi, w, minlength=len(self.ux))
        Ti, self.uT = pd.factorize(T)
        self.WT = np.bincount(Ti, w, minlength=len(self.uT))
        self.XWT = np.bincount(Ti, w * x, minlength=len(self.uT))
        rep = x > 0
        self.xi, self.Ti = xi[rep], Ti[rep]
        self.txi, self.utx = pd.factorize(tx[rep])
        self.xr, self.wr = x[rep], w[rep]
        self.nx = len(self.ux)

    def __call__(self, params, need_grad=True, need_hess=False):
        r, alpha, a, b = params
        ux, Wx, WT, XWT, wtot = self.ux, self.Wx, self.WT, self.XWT, self.wtot
        lT, ltx = np.log(alpha + self.uT), np.log(alpha + self.utx)
        bx = b + ux - 1.0
        pos = ux > 0
        ibx = np.where(pos, 1.0 / np.where(pos, bx, 1.0), 0.0)
        cx = np.log(a) - np.log(np.where(pos, bx, 1.0))  # log a - log(b + x - 1), repeat buyers
        D = lT[self.Ti] - ltx[self.txi]
        k = r + self.xr
        d = k * D
        d += cx[self.xi]
        e = np.exp(-np.abs(d))
        sp = np.maximum(d, 0.0) + np.log1p(e)
        rWX = r * WT + XWT
        bt = beta_terms(a, b, ux, hess=need_hess)
        ll = (dot(Wx, gammaln(r + ux) + bt[0])
              - wtot * gammaln(r) + wtot * r * np.log(alpha) - dot(rWX, lT) + dot(self.wr, sp))
        if not need_grad:
            return ll, None, None
        w4 = np.where(d >= 0, 1.0, e) / (1.0 + e)
        ww4 = self.wr * w4
        Sx = np.bincount(self.xi, ww4, minlength=self.nx)
        S = Sx.sum()
        iT, itx = 1.0 / (alpha + self.uT), 1.0 / (alpha + self.utx)
        E = iT[self.Ti] - itx[self.txi]
        kE = k * E
        g = np.array([
            dot(Wx, psi(r + ux)) - wtot * psi(r) + wtot * np.log(alpha) - dot(WT, lT) + dot(ww4, D),
            wtot * r / alpha - dot(rWX, iT) + dot(ww4, kE),
            dot(Wx, bt[1]) + S / a,
            dot(Wx, bt[2]) - dot(Sx, ibx),
        ])
        if not need_hess:
            return ll, g, None
        from scipy.special import polygamma

        v = ww4 * (1.0 - w4)
        Vx = np.bincount(self.xi, v, minlength=self.nx)
        vD, vkE = v * D, v * kE
        VDx = np.bincount(self.xi, vD, minlength=self.nx)
        VkEx = np.bincount(self.xi, vkE, minlength=self.nx)
        V = Vx.sum()
        t1 = lambda z: polygamma(1, z)  # noqa: E731
        ab1 = bt[3]
        H = np.empty((4, 4))
        H[0, 0] = dot(Wx, t1(r + ux)) - wtot * t1(r) + dot(vD, D)
        H[0, 1] = wtot / alpha - dot(WT, iT) + dot(vD, kE) + dot(ww4, E)
        H[1, 1] = (-wtot * r / alpha**2 + dot(rWX, (iT * iT)) + dot(vkE, kE)
                   + dot(ww4 * k, (itx * itx)[self.txi] - (iT * iT)[self.Ti]))
        H[0, 2] = VDx.sum() / a
        H[0, 3] = -dot(VDx, ibx)
        H[1, 2] = VkEx.sum() / a
        H[1, 3] = -dot(VkEx, ibx)
        H[2, 2] = dot(Wx, ab1) + V / a**2 - S / a**2
        H[2, 3] = dot(Wx, ab1) - (dot(Vx, ibx)) / a
        H[3, 3] = dot(Wx, bt[4]) + dot(Vx, (ibx * ibx)) + dot(Sx, (ibx * ibx))
        H = np.triu(H) + np.triu(H, 1).T
        return ll, g, H




# BG/NBD's and MBG/NBD's (a, b) ridge: where few customers buy again, the data cannot tell a dropout probability
# that differs between customers from one that does not, and a, b grow together with a / b (the mean dropout
# probability a / (a + b)) fixed. Fitted in the shared ridge coordinates (log r, log alpha, log(a / b), log a) with
# a capped at e^13.8 ~ 1e6 (``fitting.fit_ridge``): there the dropout probability ~ Beta(a, b) has coefficient of
# variation sqrt(b / (a (a + b + 1))) < 1 / sqrt(a) = 0.1% -- every customer drops out with the same probability
# (the homogeneous-dropout limit), a / b identified, a and b not.
BG_RIDGE = RidgeNotes("a", "b", "the customers' dropout probabilities barely differ", "homogeneous-dropout")


class BetaGeoModel(PurchaseModel):
    """BG/NBD purchase model: ``BetaGeoModel(penalizer=0.0).fit(frequency, recency, T, weights=None)``.

    Fitted by Newton's method with the analytic Hessian (``BGPrepared``); where that does not converge, in
    ridge coordinates (``fitting.fit_ridge``): on the ridge the fit stops at a = 1e6 and says so
    (``on_ridge_``), with only a / b identified (the intervals of a and b are unbounded). Predictions take
    arrays of customers' histories in the fitted time unit (see ``PurchaseModel``)."""

    name = "bgnbd"
    param_names = ("r", "alpha", "a", "b")
    time_params = ("alpha",)
    loglik = staticmethod(bgnbd_ll)
    prepared = BGPrepared
    ridge = BG_RIDGE
    lifetimes_fitter = "BetaGeoFitter"
    lifetimes_generator = "beta_geometric_nbd_model"
    modified = False  # MBG/NBD: a customer may also drop out at the first purchase
    one_time_buyers_alive = True  # P(alive) = 1 for x = 0: churn risk ranks one-time buyers as safest

    def conditional_probability_alive(self, frequency, recency, T) -> np.ndarray:
        return bg_palive(self.params_.to_numpy(), np.asarray(frequency, float), np.asarray(recency, float),
                         np.asarray(T, float), modified=self.modified)

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T) -> np.ndarray:
        params = self.params_.to_numpy()
        x, tx, T = (np.asarray(v, float) for v in (frequency, recency, T))
        with np.errstate(all="ignore"):
            return (bg_palive(params, x, tx, T, modified=self.modified)
                    * bg_expected_alive(params, t, x, T, modified=self.modified))

    def expected_number_of_purchases_up_to_time(self, t) -> np.ndarray:
        params = self.params_.to_numpy()
        t = np.atleast_1d(np.asarray(t, float))
        zero = np.zeros_like(t)
        with np.errstate(all="ignore"):  # a new customer: x = 0, T = 0
            e = bg_expected_alive(params, np.maximum(t, 0.0), zero, zero, modified=self.modified)
        if self.modified:  # MBG/NBD may drop out at once: alive with probability b / (a + b)
            e = e * params[3] / (params[2] + params[3])
        return np.where(t > 0, e, 0.0)

    def predict_steps(self, steps, disc, frequency, recency, T) -> dict[str, np.ndarray]:
        # the time-dependent factor depends on (x, T) only: computed once per distinct (x, T), all steps at once
        params = self.params_.to_numpy()
        x, tx, T = (np.asarray(v, float) for v in (frequency, recency, T))
        with np.errstate(all="ignore"):
            pa = bg_palive(params, x, tx, T, modified=self.modified)
            e, codes = bg_expected_alive_times(params, steps, x, T, modified=self.modified)
            expected = pa * e[:, -1][codes]
            discounted = pa * (np.diff(e, axis=1, prepend=0.0) @ disc)[codes]
            r, alpha = params[0], params[1]
            p0 = (1 - pa) + pa * ((alpha + T) / (alpha + T + steps[-1])) ** (r + x)
        return {"p_alive": pa, "expected": expected, "discounted": discounted, "p_zero": p0}


def bg_palive(params, x, tx, T, modified: bool = False) -> np.ndarray:
    """P(alive at T | x, t_x, T) for BG/NBD (lifetimes' formula; 1 for x = 0) or MBG/NBD."""
    r, alpha, a, b = params
    x = np.asarray(x, float)
    with np.errstate(divide="ignore"):
        if modified:
            log_odds = np.log(a / (b + x)) + (r + x) * np.log((alpha + T) / (alpha + tx))
            return expit(-log_odds)
        log_odds = np.log(a / (b + np.maximum(x, 1) - 1)) + (r + x) * np.log((alpha + T) / (alpha + tx))
        return np.where(x == 0, 1.0, expit(-log_odds))


def bg_expected_alive(params, t, x, T, modified: bool = False, n_nodes: int = 120) -> np.ndarray:
    """E[purchases in (T, T+t] | alive at T] for BG/NBD (MBG/NBD with ``modified``).

    Given alive, p ~ Beta(a, b + x) (MBG: b + x + 1) and lambda ~ Gamma(r + x, alpha + T), and
    E[Y(t) | lambda, p] = (1 - exp(-lambda p t)) / p, so
    E = E_p[(1 - ((alpha+T) / (alpha+T+p t))^(r+x)) / p]
      = c / (a - 1) * (1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b'+x; c; t/(alpha+T+t))),
    c = a + b' + x - 1, b' = b (BG) or b + 1 (MBG): Fader, Hardie & Lee (2005) eq. 10 without the
    P(alive) factor. The closed form is used where c > 0 and a is not within 1e-3 of 1 (there the
    prefactor is 0/0); elsewhere the Beta expectation is integrated by Gauss-Jacobi quadrature
    (120 nodes: the integrand varies on the scale p ~ (alpha+T)/t, small for long horizons).
    Both agree to ~1e-9 relative where both apply (tests: 1e-7). The work is done once per distinct (x, T, t).

    lifetimes evaluates the same closed form as exp(log(2F1) + ...): when c < 0 (e.g. fitted
    a + b < 1, for one-time buyers) 2F1 can be negative, its log is NaN, and lifetimes returns NaN
    for those customers (its ``customer_lifetime_value`` too; a pandas ``.sum()`` then silently
    skips them). This function is right there: tests check it against Monte Carlo simulation.
    """
    x = np.asarray(x, float)
    t = np.broadcast_to(np.asarray(t, float), x.shape)
    T = np.broadcast_to(np.asarray(T, float), x.shape)
    codes, (ux, uT, ut) = factorize_rows(x, T, t)
    return _bg_expected_alive_unique(params, ut, ux, uT, modified, n_nodes)[codes]


def bg_expected_alive_times(params, times, x, T, modified: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``bg_expected_alive`` at each of ``times`` (k,), computed once per distinct (x, T): returns the
    (n_distinct, k) values and each row's code into them (values[codes] is the (n, k) result)."""
    times = np.asarray(times, float)
    codes, (ux, uT) = factorize_rows(x, T)
    k = len(times)
    e = _bg_expected_alive_unique(params, np.tile(times, len(ux)), np.repeat(ux, k), np.repeat(uT, k), modified)
    return e.reshape(len(ux), k), codes


def _bg_expected_alive_unique(params, t, x, T, modified, n_nodes=120):
    from scipy.special import hyp2f1

    r, alpha, a, b = params
    bb = b + 1.0 if modified else b
    c = a + bb + x - 1.0
    out = np.full(len(x), np.nan)
    ok = (c > 0) & (abs(a - 1.0) > 1e-3)
    if ok.any():
        A, tt, xx = alpha + T[ok], t[ok], x[ok]
        with np.errstate(all="ignore"):
            hyp = hyp2f1(r + xx, bb + xx, c[ok], tt / (A + tt))
            lpow = (r + xx) * np.log(A / (A + tt))
            second = np.where(hyp > 0, -np.expm1(np.log(np.abs(hyp)) + lpow), 1.0 - hyp * np.exp(lpow))
            out[ok] = c[ok] / (a - 1.0) * second
    bad = ~np.isfinite(out) | (out < 0)
    if bad.any():
        out[bad] = bg_expected_alive_quad(params, t[bad], x[bad], T[bad], bb, n_nodes)
    return out


def bg_expected_alive_quad(params, t, x, T, bb, n_nodes=120):
    """E_p[(1 - (A / (A + p t))^(r+x)) / p], p ~ Beta(a, bb + x): Gauss-Jacobi nodes per distinct x."""
    from scipy.special import roots_jacobi, betaln

    r, alpha, a, b = params
    out = np.empty_like(x)
    for xv in np.unique(x):
        sel = np.flatnonzero(x == xv)
        u, w = roots_jacobi(n_nodes, bb + xv - 1.0, a - 1.0)  # weight (1-u)^(b+x-1) (1+u)^(a-1)
        p = 0.5 * (1.0 + u)
        # normalise: int over p of p^(a-1)(1-p)^(b+x-1) = B(a, b+x); the u-substitution adds 2^(a+b+x-1)
        logw = np.log(w) - (a + bb + xv - 1.0) * np.log(2.0) - betaln(a, bb + xv)
        wn = np.exp(logw)
        for i in range(0, len(sel), _CHUNK):
            s = sel[i:i + _CHUNK]
            A = (alpha + T[s])[:, None]
            g = -np.expm1((r + xv) * np.log(A / (A + p[None, :] * t[s][:, None]))) / p[None, :]
            out[s] = g @ wn
    return out
