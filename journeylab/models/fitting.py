"""The one fit pipeline of the BTYD and spend models: compress -> start -> optimise -> standard errors.

Every model (``bgnbd.BetaGeoModel``, ``mbgnbd.ModifiedBetaGeoModel``, ``paretonbd.ParetoNBDModel``,
``gammagamma.GammaGammaModel``) is a subclass of ``BaseModel`` that brings its per-row log-likelihood
with analytic gradient and, where it pays, its own optimiser (``_optimise``); the rest is here:

- **compress**: identical histories become one row with their count as weight (``compress``);
- **start**: log-parameters, with time rescaled so that max(T) == 1 (as lifetimes does, for
  conditioning); a given start (``initial_params``, in the data's units) is converted to that scale;
- **optimise**: by default a ~50k-customer subsample fit (L-BFGS-B) and quasi-Newton steps on all rows
  with the subsample's Hessian for large data, L-BFGS-B on log-parameters otherwise or as fallback; the
  purchase models (``ridge``) in ridge coordinates, where a dropout pair that runs off along its flat ridge
  is fitted at a fixed cap (``fit_ridge``, ``on_ridge_``) instead of wherever the optimiser stops;
- **standard errors**: the Hessian of the total negative log-likelihood in log-parameters (analytic where
  the model gives it, else differences of the analytic gradient), its inverse as the covariance of the
  log-parameters, and the delta method for the parameters' standard errors and Wald intervals on the log
  scale; failed fits are retried with growing penalizers.

Fitted attributes (scikit-learn's trailing underscore): ``params_`` (Series, the data's time unit),
``log_likelihood_`` (summed over customers, data units), ``cov_log_`` (covariance of the log-parameters),
``variance_matrix_``, ``standard_errors_``, ``confidence_intervals_`` (as lifetimes names them),
``penalizer_`` (the penalizer the fit needed), ``converged_``, ``message_``, ``on_ridge_``, ``scale_``
and ``data_`` (the compressed rows; absent on a model made by ``from_params``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, ClassVar

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from journeylab.display_repr import Shown, View, interval, number
from journeylab.errors import ModelError
from journeylab.i18n import MODEL_LABELS
from journeylab.models import fitcheck

MIN_REPEAT_BUYERS = 10  # fewer repeat buyers than this: no model is fitted
RETRY_PENALIZERS = (1e-4, 1e-3, 1e-2, 1e-1)
WARM_CUSTOMERS = 50_000  # large data: fit a random subsample of about this many customers first
LOG_BOUND = 20.0  # log-parameters live in [-20, 20]; an optimum at the bound is not converged


@dataclass
class Compressed:
    """Unique histories: arrays of length n_unique, ``inverse`` maps each customer to its row."""

    frequency: np.ndarray
    recency: np.ndarray
    T: np.ndarray
    weights: np.ndarray
    inverse: np.ndarray


def _small_int_codes(cols):
    """For columns that all hold integers with small ranges (frequencies, days): one int64 key per row
    (mixed radix of value - min) with the radices and minima, else None."""
    if len(cols[0]) < 10_000:
        return None
    key, sizes, offs = None, [], []
    total = 1.0
    for c in cols:
        c = np.asarray(c, dtype=float)
        lo, hi = c.min(), c.max()
        if not (np.isfinite(lo) and np.isfinite(hi)) or hi - lo > 1e7:
            return None
        ci = c.astype(np.int64)
        if not np.array_equal(ci, c):
            return None
        n = int(hi - lo) + 1
        total *= n
        if total >= 2.0**62:
            return None
        ci -= int(lo)
        key = ci if key is None else key * n + ci
        sizes.append(n)
        offs.append(int(lo))
    return key, sizes, offs


def factorize_rows(*cols) -> tuple[np.ndarray, list[np.ndarray]]:
    """Codes of identical rows over the given float columns and the unique rows' columns.

    Each column is factorized on its own (a 1-D hash), the codes are combined into one int64 key
    and that key is factorized: several times faster than a MultiIndex on millions of rows.
    Unique rows come in order of first appearance.
    """
    ints = _small_int_codes(cols)
    if ints is not None:  # whole days etc.: the key comes from arithmetic, one hash pass instead of four
        key, sizes, offs = ints
        row_codes, ukey = pd.factorize(key)
        out = []
        for n, o in zip(reversed(sizes), reversed(offs)):
            ukey, rem = np.divmod(ukey, n)
            out.append((rem + o).astype(float))
        return row_codes, out[::-1]
    codes, uniques = [], []
    for c in cols:
        cc, u = pd.factorize(np.asarray(c, dtype=float))
        codes.append(cc.astype(np.int64))
        uniques.append(np.asarray(u, dtype=float))
    sizes = [len(u) for u in uniques]
    if float(np.prod([float(n) for n in sizes])) >= 2.0**62:  # cannot happen for real summaries
        keys = pd.MultiIndex.from_arrays([np.asarray(c, float) for c in cols])
        row_codes, uniq = keys.factorize()
        return np.asarray(row_codes), [np.asarray(uniq.get_level_values(i), float) for i in range(len(cols))]
    key = codes[0]
    for cc, n in zip(codes[1:], sizes[1:]):
        key = key * n + cc
    row_codes, ukey = pd.factorize(key)
    out = []
    for n, u in zip(reversed(sizes), reversed(uniques)):
        ukey, rem = np.divmod(ukey, n)
        out.append(u[rem])
    return row_codes, out[::-1]


def compress(frequency, recency, T, weights=None) -> Compressed:
    """Collapse identical (frequency, recency, T) rows; weights are their counts (or the sums of ``weights``,
    customers per input row)."""
    codes, (x, tx, TT) = factorize_rows(frequency, recency, T)
    w = np.bincount(codes, weights=None if weights is None else np.asarray(weights, float), minlength=len(x))
    return Compressed(x, tx, TT, w.astype(float), codes)


def unique_inverse(x):
    """np.unique(x, return_inverse=True), in O(n) when x holds small non-negative integers (frequencies)."""
    if len(x) > 1000:
        xi = x.astype(np.int64)
        if xi.min() >= 0 and xi.max() < 1_000_000 and np.array_equal(xi, x):
            present = np.bincount(xi) > 0
            ux = np.flatnonzero(present)
            lookup = np.cumsum(present) - 1
            return ux.astype(float), lookup[xi]
    return np.unique(x, return_inverse=True)


def by_x(fn, x):
    """fn(x) evaluated once per distinct frequency (tens of values for millions of rows), broadcast."""
    ux, inv = unique_inverse(x)
    return fn(ux)[inv]


def dot(a, b) -> float:
    """Sum of a * b for 1-D arrays without BLAS: OpenBLAS threads its ddot, which on a loaded machine
    (more runnable processes than cores) makes a 100k-element dot take ~10 ms instead of ~50 us."""
    return float(np.einsum("i,i->", a, b))


def thin(cols: tuple, weights: np.ndarray) -> tuple[tuple, np.ndarray] | None:
    """A binomially thinned sample of about WARM_CUSTOMERS customers (fixed seed) of rows ``cols`` with
    ``weights`` customers each, or None when the data has at most three times that many customers."""
    n = float(weights.sum())
    if n <= 3 * WARM_CUSTOMERS:
        return None
    rng = np.random.default_rng(12345)
    w = rng.binomial(weights.astype(np.int64), WARM_CUSTOMERS / n).astype(float)
    keep = w > 0
    return tuple(c[keep] for c in cols), w[keep]


# ---------------------------------------------------------------- objectives in log-parameters
def objective(loglik: Callable, logp, cols, w, penalizer) -> tuple[float, np.ndarray]:
    """Mean negative log-likelihood (+ L2 penalty on the parameters) and its gradient in log-parameters,
    from a per-row ``loglik(params, *cols) -> (ll (n,), gradient (n, k))``."""
    params = np.exp(logp)
    ll, g = loglik(params, *cols)
    wsum = w.sum()
    f = -dot(w, ll) / wsum + penalizer * (params**2).sum()
    grad = -np.einsum("i,ij->j", w, g) / wsum * params + 2 * penalizer * params**2  # chain rule to log-parameters
    return f, grad


def negative_hessian_log(loglik: Callable, logp, cols, w, grad0=None) -> np.ndarray:
    """Hessian of the total (not mean) NLL in log-parameters, by differences of the analytic gradient.

    With ``grad0`` (the gradient at ``logp``) forward differences (k gradient evaluations, error
    ~1e-5 relative, far below the standard errors' own sampling error); else central ones (2k).
    """
    k = len(logp)
    H = np.empty((k, k))
    wsum = w.sum()
    for j in range(k):
        h = 1e-5 * max(1.0, abs(logp[j]))
        e = np.zeros(k)
        e[j] = h
        gp = objective(loglik, logp + e, cols, w, 0.0)[1]
        if grad0 is None:
            gm = objective(loglik, logp - e, cols, w, 0.0)[1]
            H[:, j] = (gp - gm) / (2 * h) * wsum
        else:
            H[:, j] = (gp - grad0) / h * wsum
    return 0.5 * (H + H.T)


def lbfgsb(fun: Callable, x0, tol: float, bounds=None, maxiter: int = 2000, gtol: float = 1e-8, maxcor: int = 10):
    """scipy's L-BFGS-B on ``fun(x) -> (f, grad)``, log-parameters bounded by LOG_BOUND."""
    bounds = bounds or [(-LOG_BOUND, LOG_BOUND)] * len(x0)
    return minimize(fun, np.asarray(x0, float), jac=True, method="L-BFGS-B", bounds=bounds,
                    options={"maxiter": maxiter, "ftol": tol, "gtol": gtol, "maxcor": maxcor})


def lbfgsb_success(res) -> bool:
    """L-BFGS-B's "ABNORMAL_TERMINATION_IN_LNSRCH" at the optimum is rounding, not failure."""
    return bool(res.success or "ABNORMAL" in str(res.message))


def warm_start(loglik: Callable, scols, weights, penalizer, x0):
    """On large data, fit a thinned sample of the customers and return its optimum and the Hessian of its
    mean objective (log-parameters), else None."""
    sample = thin(scols, weights)
    if sample is None:
        return None
    sub, w = sample
    with np.errstate(all="ignore"):
        res = lbfgsb(lambda lp: objective(loglik, lp, sub, w, penalizer), x0, tol=1e-11, maxiter=1000)
        if not (np.all(np.isfinite(res.x)) and np.isfinite(res.fun)):
            return None
        H = negative_hessian_log(loglik, res.x, sub, w) / w.sum() + np.diag(4 * penalizer * np.exp(2 * res.x))
    if not np.all(np.isfinite(H)) or np.any(np.linalg.eigvalsh(H) <= 0):
        return None
    return res.x, H


def newton_polish(loglik: Callable, scols, weights, penalizer, logp, H, max_iter=25, xtol=1e-8):
    """Quasi-Newton steps -H^-1 g on the full data with the subsample's Hessian H (fixed): it differs
    from the full data's by sampling error only, so the iteration contracts fast from the subsample's
    optimum, with one gradient evaluation per step (step halving if the objective does not fall).
    Returns (logp, f, grad, converged)."""
    obj = lambda lp: objective(loglik, lp, scols, weights, penalizer)  # noqa: E731
    f, g = obj(logp)
    for _ in range(max_iter):
        step = np.linalg.solve(H, g)
        t = 1.0
        while True:
            cand = logp - t * step
            if np.any(np.abs(cand) > LOG_BOUND):
                return logp, f, g, False
            f1, g1 = obj(cand)
            if np.isfinite(f1) and f1 <= f + 1e-13 * abs(f):
                break
            t *= 0.5
            if t < 1e-3:
                return logp, f, g, False
        logp, f, g = cand, f1, g1
        if np.max(np.abs(t * step)) < xtol:
            return logp, f, g, True
    return logp, f, g, False


# ---------------------------------------------------------------- prepared objectives: value, gradient, Hessian
def prepared_objective(prep, logp, penalizer, need_hess=False):
    """Mean negative log-likelihood (+ penalty) in log-parameters, its gradient and Hessian, from a prepared
    total log-likelihood ``prep(params, need_grad, need_hess) -> (ll, g, H)`` with ``prep.wtot`` customers."""
    th = np.exp(logp)
    ll, g, H = prep(th, need_grad=True, need_hess=need_hess)
    n = prep.wtot
    f = -ll / n + penalizer * (th**2).sum()
    grad = -g * th / n + 2 * penalizer * th**2
    if not need_hess:
        return f, grad, None
    Hl = -(np.outer(th, th) * H + np.diag(th * g)) / n + np.diag(4 * penalizer * th**2)
    return f, grad, Hl


def prepared_newton(prep, logp, penalizer, max_iter=100):
    """Newton's method with the analytic Hessian, step halving (Armijo) and, where the Hessian is not
    positive definite (far from the optimum), its eigenvalues replaced by their absolute values and steps
    capped at 2 in log-parameters. Converged when the Hessian is positive definite and the Newton decrement
    g'H^-1 g of the mean objective is below 1e-18 (the log-likelihood is then within ~1e-18 per customer of
    the optimum) or the step below 1e-10. Returns (logp, f, grad, H of the mean objective, converged)."""
    f, g, H = prepared_objective(prep, logp, penalizer, need_hess=True)
    for _ in range(max_iter):
        if not (np.isfinite(f) and np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
            return logp, f, g, H, False
        lam, Q = np.linalg.eigh(H)
        pd_ = lam.min() > 1e-12 * max(abs(lam).max(), 1e-300)
        if not pd_:
            lam = np.maximum(np.abs(lam), 1e-6 * max(abs(lam).max(), 1e-12))
        step = Q @ ((Q.T @ g) / lam)
        dec = float(g @ step)
        if pd_ and (dec < 1e-18 or np.max(np.abs(step)) < 1e-10):
            return logp, f, g, H, True
        big = np.max(np.abs(step))
        if not pd_ and big > 2.0:
            step *= 2.0 / big
        t = 1.0
        while True:
            cand = logp - t * step
            if np.all(np.abs(cand) <= LOG_BOUND):
                th = np.exp(cand)
                f1 = -prep(th, need_grad=False)[0] / prep.wtot + penalizer * (th**2).sum()
                if np.isfinite(f1) and f1 <= f - 1e-4 * t * dec + 1e-15 * abs(f):
                    break
            t *= 0.5
            if t < 1e-6:
                return logp, f, g, H, pd_ and dec < 1e-14  # no further decrease possible: at rounding level
        logp = cand
        f, g, H = prepared_objective(prep, logp, penalizer, need_hess=True)
    return logp, f, g, H, False


def fit_prepared(prepared: type, scols: tuple, weights: np.ndarray, penalizer: float, x0):
    """Warm start (damped Newton, else L-BFGS-B, on a ~50k-customer subsample for large data, on all rows
    otherwise; skipped when ``x0`` is given), then Newton on all rows.
    Returns (prepared objective, logp, f, grad, H of the mean objective, converged)."""
    if x0 is None:
        x0 = np.zeros(prepared.n_params)
        cols, w = thin(scols, weights) or (scols, weights)
        sub = prepared(*cols, w)
        lp, *_, ok = prepared_newton(sub, x0, penalizer)
        if ok:
            x0 = lp
        else:
            x0 = lbfgsb(lambda lp: prepared_objective(sub, lp, penalizer)[:2], x0, tol=1e-12, maxiter=1000).x
    prep = prepared(*scols, weights)
    logp, f, g, H, ok = prepared_newton(prep, np.asarray(x0, float), penalizer)
    return prep, logp, f, g, H, ok


@dataclass
class Optimum:
    """What a model's optimiser found, on the rescaled data: log-parameters, the mean objective, and where
    known the gradient of the unpenalised mean objective (``grad``), the Hessian of the total NLL without
    penalty (``hess``) and the total log-likelihood without penalty (``ll``)."""

    logp: np.ndarray
    fun: float
    success: bool
    message: str
    grad: np.ndarray | None = None
    hess: np.ndarray | None = None
    ll: float | None = None
    on_ridge: bool = False


# ---------------------------------------------------------------- ridge coordinates: the homogeneous-dropout limit
# A purchase model's dropout pair (p, q) -- BG/NBD's and MBG/NBD's (a, b), the dropout probability after a purchase
# ~ Beta(a, b); Pareto/NBD's (s, beta), the death rate ~ Gamma(s, beta) -- runs off along a flat ridge when the
# customers' dropout barely differs: p and q grow together with p / q fixed (the mixing distribution tends to a
# point mass) and the likelihood keeps rising by ever smaller amounts. In the coordinates
# phi = (log r, log alpha, log(p / q), log p)  (logp = RIDGE_M phi)
# that ridge is the last coordinate alone. It is capped at p = e^13.8 ~ 1e6: there the dropout is homogeneous for
# every practical purpose -- Pareto/NBD's death rate has CV 1 / sqrt(s) = 0.1%; BG/NBD's dropout probability
# Beta(a, b) has CV sqrt(b / (a (a + b + 1))) < 1 / sqrt(a) = 0.1% -- and a fit there is reported as the
# homogeneous-dropout limit (``on_ridge``) with p / q identified and p, q not.
RIDGE_LOG_MAX = 13.8
RIDGE_M = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0], [0, 0, 0, 1.0], [0, 0, -1.0, 1.0]])
RIDGE_BOUNDS = [(-LOG_BOUND, LOG_BOUND)] * 3 + [(-LOG_BOUND, RIDGE_LOG_MAX)]


@dataclass(frozen=True)
class RidgeNotes:
    """How a model's ridge is described in its fit message: the dropout pair's names and what the ridge means."""

    p: str
    q: str
    meaning: str  # e.g. "the customers' death rates barely differ"
    limit: str  # e.g. "homogeneous-lifetime"

    def flat(self) -> str:
        return f"{self.p} and {self.q} lie on a flat ridge ({self.meaning}): only {self.p} / {self.q} is identified"

    def capped(self) -> str:
        return (f"{self.p} reached its cap ({np.exp(RIDGE_LOG_MAX):.3g}): {self.meaning} (the {self.limit} limit), "
                f"only {self.p} / {self.q} is identified")


def ridge_objective(loglik: Callable, phi, cols, w, penalizer) -> tuple[float, np.ndarray]:
    """``objective`` in ridge coordinates phi (logp = RIDGE_M phi): mean objective and its gradient in phi."""
    f, g = objective(loglik, RIDGE_M @ phi, cols, w, penalizer)
    return f, RIDGE_M.T @ g


def ridge_at_bound(logp) -> bool:
    """Bounds apply to (log r, log alpha, log(p / q)) and from below to log p; log p is capped (the ridge), not
    bounded above."""
    phi = np.linalg.solve(RIDGE_M, logp)
    return bool(np.any(np.abs(phi[:3]) >= LOG_BOUND - 0.1) or phi[3] <= -(LOG_BOUND - 0.1))


def _ridge_polish(loglik, phi, sub, wsub, cols, w, penalizer, tol, notes: RidgeNotes, max_iter=20):
    """Quasi-Newton steps on all rows in the ridge coordinates with the subsample's Hessian (by differences
    of the analytic gradient): directions along which the subsample's curvature is below 1e-6 of the largest
    (the ridge) get no step; they must then be flat on all rows too (gradient along them below 1e-7, i.e. a
    change of 1 in log p moves the mean log-likelihood by less than that). One gradient per step; stops when
    the steps fall below 1e-7 or a step (below 1e-2) gains less than ``tol`` relative in the mean objective, as
    L-BFGS-B's ftol (further steps only chase rounding: measured gains 3e-11, then 1e-12 with step halving).
    Returns an Optimum, or None (the caller runs L-BFGS-B instead)."""
    k = len(phi)
    f_s, g_s = ridge_objective(loglik, phi, sub, wsub, penalizer)
    H = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = 1e-5
        H[:, j] = (ridge_objective(loglik, phi + e, sub, wsub, penalizer)[1] - g_s) / 1e-5
    H = 0.5 * (H + H.T)
    lam, Q = np.linalg.eigh(H)
    if not np.all(np.isfinite(lam)) or lam.max() <= 0:
        return None
    stiff = lam > 1e-6 * lam.max()
    if np.any(lam[stiff] <= 0):
        return None
    lo, hi = np.array([b[0] for b in RIDGE_BOUNDS]), np.array([b[1] for b in RIDGE_BOUNDS])
    f, g = ridge_objective(loglik, phi, cols, w, penalizer)
    for _ in range(max_iter):
        coef = Q.T @ g
        step = Q[:, stiff] @ (coef[stiff] / lam[stiff])
        t = 1.0
        while True:
            cand = np.clip(phi - t * step, lo, hi)
            f1, g1 = ridge_objective(loglik, cand, cols, w, penalizer)
            if np.isfinite(f1) and f1 <= f + 1e-13 * abs(f):
                break
            t *= 0.5
            if t < 1e-3:
                return None
        small_gain = f - f1 <= tol * max(1.0, abs(f)) and np.max(np.abs(t * step)) < 1e-2
        phi, f, g = cand, f1, g1
        if np.max(np.abs(t * step)) < 1e-7 or small_gain:
            flat = np.abs((Q.T @ g)[~stiff])
            if np.all(flat < 1e-7):
                if np.any(np.abs(Q[3, ~stiff]) < 0.9):  # a flat direction other than log p: not the ridge
                    return None
                on_ridge = bool(phi[3] >= RIDGE_LOG_MAX - 1e-3) or bool((~stiff).any())
                msg = "quasi-Newton from a subsample fit in ridge coordinates: converged"
                if on_ridge:
                    msg += "; " + notes.flat()
                return Optimum(RIDGE_M @ phi, float(f), True, msg, grad=np.linalg.solve(RIDGE_M.T, g),
                               on_ridge=on_ridge)
            return None
    return None


def _fd_hessian(fg: Callable, phi, free) -> np.ndarray:
    """Hessian of ``fg(phi) -> (f, grad)`` in the ``free`` coordinates by central differences of the gradient."""
    k = len(free)
    H = np.empty((k, k))
    for j, i in enumerate(free):
        e = np.zeros(len(phi))
        e[i] = 1e-5
        H[:, j] = (fg(phi + e)[1][free] - fg(phi - e)[1][free]) / 2e-5
    return 0.5 * (H + H.T)


def ridge_cap(fg: Callable, phi, hess: Callable | None = None, max_iter=50):
    """The fit at the cap: log p fixed at RIDGE_LOG_MAX, Newton on (log r, log alpha, log(p / q)) -- which the
    ridge leaves well identified -- with ``hess(phi)`` (the Hessian in phi, analytic) or, without it, a fixed
    Hessian by differences of the gradient at the start. Returns (phi, f, grad in phi) when Newton converges (step
    below 1e-10) to a point where the objective still falls towards the cap (d f / d log p <= 0: the bounded
    problem's optimum is at the cap, wherever the optimiser happened to stop along the ridge), else None. The
    result does not depend on the start beyond ~1e-10 in the log-parameters."""
    free = [0, 1, 2]
    phi = np.array(phi, float)
    phi[3] = RIDGE_LOG_MAX
    lo, hi = -LOG_BOUND, LOG_BOUND
    f, g = fg(phi)
    if not (np.isfinite(f) and np.all(np.isfinite(g))):
        return None
    H = None if hess is not None else _fd_hessian(fg, phi, free)
    for _ in range(max_iter):
        Hf = hess(phi)[np.ix_(free, free)] if hess is not None else H
        try:
            lam = np.linalg.eigvalsh(Hf)
            if not np.all(np.isfinite(lam)) or lam.min() <= 0:
                return None
            step = np.linalg.solve(Hf, g[free])
        except np.linalg.LinAlgError:
            return None
        t = 1.0
        while True:
            cand = phi.copy()
            cand[free] = np.clip(phi[free] - t * step, lo, hi)
            f1, g1 = fg(cand)
            if np.isfinite(f1) and f1 <= f + 1e-13 * abs(f):
                break
            t *= 0.5
            if t < 1e-6:
                return None
        phi, f, g = cand, f1, g1
        if np.max(np.abs(t * step)) < 1e-10:
            return (phi, float(f), g) if g[3] <= 0 else None
    return None


def ridge_finish(fg: Callable, opt: Optimum, notes: RidgeNotes, hess: Callable | None = None) -> Optimum:
    """``opt`` (an optimiser's result, log-parameters) or, when the objective at the cap (``ridge_cap``) is no
    worse, the fit at the cap, on the ridge. Along the ridge the objective changes by ~1e-10 relative per unit of
    log p, so where an optimiser stops on it (log p = 8, 12, 20, ...) is decided by its last digits; the cap is a
    fixed point of the bounded problem, so this choice is not."""
    if not (np.all(np.isfinite(opt.logp)) and np.isfinite(opt.fun)):
        return opt
    phi = np.linalg.solve(RIDGE_M, opt.logp)
    at_cap = np.append(phi[:3], RIDGE_LOG_MAX)
    if not fg(at_cap)[0] <= opt.fun + 1e-6 * abs(opt.fun):  # far off the ridge: moving to the cap costs a lot
        return opt
    capped = ridge_cap(fg, phi, hess)
    if capped is None:
        return opt
    phi_c, f_c, g_c = capped
    if f_c > opt.fun + 1e-12 * abs(opt.fun):  # a better optimum off the ridge
        return opt
    msg = opt.message if opt.on_ridge else f"{opt.message}; {notes.capped()}"
    return Optimum(RIDGE_M @ phi_c, f_c, True, msg + "; Newton at the cap: converged", on_ridge=True)


def fit_ridge(loglik: Callable, scols: tuple, weights: np.ndarray, penalizer: float, x0, notes: RidgeNotes,
              tol: float = 1e-10, prep=None) -> Optimum:
    """L-BFGS-B in the ridge coordinates, stopped on the relative change of the mean objective (``tol``):
    near the ridge the Hessian is nearly singular, so a gradient-norm or Newton-step criterion never
    triggers. Large data: a ~50k-customer subsample first (fixed seed), then all rows from its optimum.
    Then ``ridge_finish``: on the ridge, the fit at the cap. ``prep``: the model's prepared objective on all
    rows (``prepared_objective``), used instead of ``loglik`` there, with its analytic Hessian."""
    phi0 = np.zeros(4) if x0 is None else np.linalg.solve(RIDGE_M, np.asarray(x0, float))
    phi0 = np.clip(phi0, [b[0] for b in RIDGE_BOUNDS], [b[1] for b in RIDGE_BOUNDS])
    hess = None
    if prep is None:
        fg = lambda phi: ridge_objective(loglik, phi, scols, weights, penalizer)  # noqa: E731
    else:
        def fg(phi):
            f, g, _ = prepared_objective(prep, RIDGE_M @ phi, penalizer)
            return f, RIDGE_M.T @ g

        def hess(phi):
            return RIDGE_M.T @ prepared_objective(prep, RIDGE_M @ phi, penalizer, need_hess=True)[2] @ RIDGE_M
    sample = thin(scols, weights) if x0 is None else None
    out = None
    if sample is not None:
        sub, w = sample
        res = lbfgsb(lambda phi: ridge_objective(loglik, phi, sub, w, penalizer), phi0, tol, RIDGE_BOUNDS, gtol=1e-9,
                     maxcor=20)
        if np.all(np.isfinite(res.x)) and np.isfinite(res.fun):
            phi0 = res.x
            out = _ridge_polish(loglik, phi0, sub, w, scols, weights, penalizer, tol, notes)
    if out is None:
        res = lbfgsb(fg, phi0, tol, RIDGE_BOUNDS, gtol=1e-9, maxcor=20)
        on_ridge = bool(res.x[3] >= RIDGE_LOG_MAX - 1e-3)
        msg = str(res.message)
        if on_ridge:
            msg += "; " + notes.capped()
        out = Optimum(RIDGE_M @ res.x, float(res.fun), lbfgsb_success(res), msg, on_ridge=on_ridge)
    if not out.success:
        return out
    return ridge_finish(fg, out, notes)


def param_rows(table: pd.DataFrame, intervals: bool = True, with_model: bool = False) -> list[list[str]]:
    """Rows (parameter, estimate, 95% interval) of a ``params_table`` for the notebook view; the interval says
    "not identified" where the table withholds it. ``intervals=False`` (a model from given parameters, without
    standard errors): no interval. ``with_model``: the model's label first."""
    rows = []
    for r in table.itertuples(index=False):
        ci = interval(r.lower_95, r.upper_95) if r.identified else "not identified" if intervals else ""
        rows.append(([r.model] if with_model else []) + [r.parameter, number(r.estimate), ci])
    return rows


# ---------------------------------------------------------------- the model base class
class BaseModel(Shown):
    """Maximum likelihood on compressed rows with the one pipeline described in the module docstring.

    Subclasses set ``name`` (journeylab's model id), ``param_names``, ``time_params`` (parameters in
    time units, rescaled with time; empty for spend models) and ``loglik`` (per-row log-likelihood and
    gradient), and may override ``_optimise`` and ``_at_bound``.
    """

    name: ClassVar[str]
    param_names: ClassVar[tuple[str, ...]]
    time_params: ClassVar[tuple[str, ...]] = ()
    loglik: ClassVar[Callable]
    prepared: ClassVar[type | None] = None  # total log-likelihood with analytic Hessian: Newton's method
    ridge: ClassVar[RidgeNotes | None] = None  # purchase models whose dropout pair may run off along a ridge

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    # -- the notebook view (journeylab.display_repr.Shown): parameters with their 95% intervals
    def _view(self) -> View:
        label = f"{MODEL_LABELS[self.name]} ({type(self).__name__})"
        if "params_" not in self.__dict__:
            return View(f"{label}: not fitted")
        data = self.__dict__.get("data_")
        if data is None:
            view = View(f"{label} from given parameters (no data, no intervals)")
        else:
            view = View(f"{label} fitted on {number(int(round(data['weights'].sum())))} customers "
                        f"({number(len(data))} distinct histories)")
        view.table(["parameter", "estimate", "95% interval"], param_rows(self.params_table(), data is not None))
        if data is not None:
            view.value("log-likelihood", number(self.log_likelihood_, 6))
        if self.__dict__.get("penalizer_"):
            view.value("penalizer", number(self.penalizer_))
        if not self.__dict__.get("converged_", True):
            view.note(f"not converged: {self.message_}")
        if self.__dict__.get("on_ridge_"):
            view.note("on a ridge: only the ratio of the dropout parameters is identified")
        return view

    # -- the pipeline
    def _fit(self, cols: tuple, weights: np.ndarray, initial_params=None, retry: bool = True):
        """Fit on unique rows ``cols`` with ``weights`` customers each. ``initial_params`` (data units)
        start the optimiser. With ``retry``, a fit that fails (NaN, overflow, no convergence) is retried
        with the penalizers in RETRY_PENALIZERS (``penalizer_`` records the one used; the model's view shows it) and ModelError
        "fit_failed" is raised when none works; without it (bootstrap draws, started from the full fit) the
        model is fitted once with its own penalizer: NaN or overflow raise FloatingPointError or ValueError,
        and ``converged_`` says whether the optimiser converged."""
        if not retry:
            return self._fit_once(cols, weights, self.penalizer, initial_params)
        tried = [self.penalizer] + [p for p in RETRY_PENALIZERS if p > self.penalizer]
        last = ""
        for pen in tried:
            try:
                self._fit_once(cols, weights, pen, initial_params)
            except (FloatingPointError, ValueError, OverflowError, np.linalg.LinAlgError) as exc:
                last = str(exc)
                continue
            if self.converged_ and np.all(np.isfinite(self.params_)) and np.isfinite(self.log_likelihood_):
                return self  # ``penalizer_`` says which penalizer it needed (shown with the model): no warning
            last = self.message_
        raise ModelError("fit_failed", model=MODEL_LABELS[self.name], detail=last)

    def _scale(self, cols: tuple) -> float:
        """Time is rescaled so that max(T) == 1 (purchase models; spend models have no time)."""
        return 1.0 / float(np.max(cols[2])) if self.time_params else 1.0

    def _scaled(self, cols: tuple, scale: float) -> tuple:
        if not self.time_params:
            return cols
        x, tx, T = cols
        return (x, tx * scale, T * scale)

    def _time_factor(self, scale: float) -> np.ndarray:
        return np.array([scale if nm in self.time_params else 1.0 for nm in self.param_names])

    def _ll_shift(self, cols: tuple, weights: np.ndarray, scale: float) -> float:
        """Rescaling time by ``scale`` changes a purchase model's log-likelihood by -sum(w x) log(scale) (the
        density of x purchase times); this adds it back."""
        return float(weights @ cols[0]) * np.log(scale) if self.time_params else 0.0

    def _fit_once(self, cols: tuple, weights: np.ndarray, penalizer: float, initial_params=None):
        scale = self._scale(cols)
        scols = self._scaled(cols, scale)
        x0 = None
        if initial_params is not None:
            x0 = np.log(np.asarray(initial_params, float) * self._time_factor(scale))
        with np.errstate(all="ignore"):
            opt = self._optimise(scols, weights, penalizer, x0)
        logp = opt.logp
        if not np.all(np.isfinite(logp)) or not np.isfinite(opt.fun):
            raise FloatingPointError("the likelihood became NaN or infinite")
        params = np.exp(logp) / self._time_factor(scale)
        with np.errstate(all="ignore"):
            if opt.ll is not None:
                ll = opt.ll + self._ll_shift(cols, weights, scale)
            else:
                ll = dot(weights, type(self).loglik(params, *cols, need_grad=False)[0])
            H = opt.hess
            if H is None:
                g0 = opt.grad if opt.grad is not None and not penalizer else objective(
                    type(self).loglik, logp, scols, weights, 0.0)[1]
                H = negative_hessian_log(type(self).loglik, logp, scols, weights, grad0=g0)
        k = len(self.param_names)
        try:
            if opt.on_ridge:  # the ridge's curvature (~1e-10) is rounding: invert the rest, in ridge coordinates
                cov = np.full((k, k), np.nan)
                cov[:2, :2] = np.linalg.inv((RIDGE_M.T @ H @ RIDGE_M)[:3, :3])[:2, :2]
            else:
                cov = np.linalg.inv(H)
        except np.linalg.LinAlgError:
            cov = np.full((k, k), np.nan)
        if opt.on_ridge:  # the dropout pair is not identified (only its ratio is): unbounded intervals, no covariances
            cov[2:, :] = np.nan
            cov[:, 2:] = np.nan
            cov[2, 2] = cov[3, 3] = np.inf
        self._set_params(params, cov)
        self.log_likelihood_ = float(ll)
        self.penalizer_ = penalizer
        self.scale_ = scale
        self.on_ridge_ = opt.on_ridge
        self.message_ = opt.message
        self.converged_ = bool(opt.success and not self._at_bound(logp) and np.isfinite(ll))
        self.data_ = self._data_frame(cols, weights)
        return self

    def _optimise(self, scols: tuple, weights: np.ndarray, penalizer: float, x0) -> Optimum:
        """With a ``prepared`` objective: Newton's method with its analytic Hessian (``fit_prepared``); when it
        does not converge (or converges beyond the ridge's cap), what follows from there. A model with a
        ``ridge``: ``fit_ridge`` (L-BFGS-B in the ridge coordinates; on the ridge, the fit at the cap).
        Otherwise, without a start on large data: a subsample fit and quasi-Newton steps on all rows. Else,
        or when those do not converge, L-BFGS-B on log-parameters."""
        loglik = type(self).loglik
        prep = None
        if self.prepared is not None:
            prep, logp, fun, _, Hm, done = fit_prepared(self.prepared, scols, weights, penalizer, x0)
            if done and self.ridge is not None and logp[2] > RIDGE_LOG_MAX:
                done = False  # beyond the cap: the ridge's fit decides
            if done:
                if penalizer:
                    ll = float(prep(np.exp(logp), need_grad=False)[0])
                    Hm = prepared_objective(prep, logp, 0.0, need_hess=True)[2]
                else:
                    ll = -fun * weights.sum()
                return Optimum(logp, fun, True, "Newton with the analytic Hessian: decrement below 1e-18",
                               hess=Hm * weights.sum(), ll=ll)
            if np.all(np.isfinite(logp)):
                x0 = logp  # L-BFGS-B continues from there
        if self.ridge is not None:
            opt = fit_ridge(loglik, scols, weights, penalizer, x0, self.ridge, prep=prep)
            if not penalizer:  # the mean objective is the mean negative log-likelihood on the rescaled data
                opt.ll = -opt.fun * weights.sum()
            return opt
        if x0 is None:
            x0 = np.zeros(len(self.param_names))
            warm = warm_start(loglik, scols, weights, penalizer, x0)
            if warm is not None:
                logp, fun, g, done = newton_polish(loglik, scols, weights, penalizer, *warm)
                if done:
                    return Optimum(logp, fun, True, "quasi-Newton from a subsample fit: step below 1e-8", grad=g)
                x0 = logp if np.all(np.isfinite(logp)) else warm[0]
        res = lbfgsb(lambda lp: objective(loglik, lp, scols, weights, penalizer), x0, tol=1e-10)
        return Optimum(res.x, float(res.fun), lbfgsb_success(res), str(res.message))

    def _at_bound(self, logp: np.ndarray) -> bool:
        if self.ridge is not None:  # the dropout's first parameter is capped (the ridge), not bounded above
            return ridge_at_bound(logp)
        return bool(np.any(np.abs(logp) >= LOG_BOUND - 0.1))

    def _data_frame(self, cols: tuple, weights: np.ndarray) -> pd.DataFrame:
        raise NotImplementedError

    def _set_params(self, params: np.ndarray, cov: np.ndarray) -> None:
        p = pd.Series(np.asarray(params, float), index=list(self.param_names))
        self.params_ = p
        self.cov_log_ = cov
        var = np.outer(p.values, p.values) * cov  # delta method from log-parameters
        self.variance_matrix_ = pd.DataFrame(var, index=p.index, columns=p.index)
        # a negative variance (not identified) gives NaN and a huge one an infinite bound, as intended
        with np.errstate(invalid="ignore", over="ignore"):
            self.standard_errors_ = pd.Series(np.sqrt(np.diag(var)), index=p.index)
            se_log = np.sqrt(np.diag(cov))
            self.confidence_intervals_ = pd.DataFrame(
                {"lower 95% bound": p * np.exp(-1.96 * se_log), "upper 95% bound": p * np.exp(1.96 * se_log)},
                index=p.index)

    # -- other ways to a fitted model
    @classmethod
    def from_params(cls, params, penalizer: float = 0.0):
        """A fitted model with the given parameters (a Series named by ``param_names`` or values in that
        order, the data's time unit), e.g. shipped to Spark executors; without standard errors or data."""
        if isinstance(params, pd.Series):
            params = params.reindex(list(cls.param_names)).to_numpy(float)
        params = np.asarray(params, float)
        if params.shape != (len(cls.param_names),) or not np.all(np.isfinite(params) & (params > 0)):
            raise ValueError(f"{cls.__name__} needs {len(cls.param_names)} positive parameters "
                             f"{cls.param_names}, not {params!r}")
        model = cls(penalizer=penalizer)
        k = len(params)
        model._set_params(params, np.full((k, k), np.nan))
        model.log_likelihood_ = np.nan
        model.penalizer_ = penalizer
        model.on_ridge_ = False
        model.converged_ = True
        model.message_ = "from given parameters"
        return model

    def params_table(self) -> pd.DataFrame:
        """model, parameter, estimate, se, lower_95, upper_95, identified (journeylab.models.fitcheck): the
        interval of a parameter that is not identified is NaN (shown as "not identified"), never 1e15."""
        p = self.params_
        with np.errstate(invalid="ignore", over="ignore"):
            se_log = np.sqrt(np.diag(self.cov_log_))
            ok = fitcheck.identified(p.values, se_log)
            lower, upper = p.values * np.exp(-1.96 * se_log), p.values * np.exp(1.96 * se_log)  # inf: not shown
        return pd.DataFrame({
            "model": MODEL_LABELS[self.name],
            "parameter": p.index,
            "estimate": p.values,
            "se": np.where(ok, p.values * se_log, np.nan),
            "lower_95": np.where(ok, lower, np.nan),
            "upper_95": np.where(ok, upper, np.nan),
            "identified": ok,
        })

    def _fill_lifetimes(self, f) -> None:
        """Copy the fitted attributes onto a lifetimes fitter ``f`` in lifetimes' own conventions."""
        f.params_ = self.params_.copy()
        data = getattr(self, "data_", None)
        n = float(data["weights"].sum()) if data is not None else np.nan
        f._negative_log_likelihood_ = -self.log_likelihood_ / n
        cov = self.cov_log_
        f._hessian_ = np.linalg.pinv(cov) / n if np.all(np.isfinite(cov)) and np.isfinite(n) else None
        f.variance_matrix_ = self.variance_matrix_.copy()
        f.standard_errors_ = self.standard_errors_.copy()
        f.confidence_intervals_ = self.confidence_intervals_.copy()
        if data is not None:
            f.data = data.copy()


class PurchaseModel(BaseModel):
    """A BTYD purchase model (r, alpha first: purchase rates ~ Gamma(r, alpha)) fitted on (frequency,
    recency, T) in one time unit. Subclasses add P(alive) and the expected purchases."""

    lifetimes_fitter: ClassVar[str]  # the lifetimes class it corresponds to
    lifetimes_generator: ClassVar[str]  # lifetimes.generate_data function drawing from it
    one_time_buyers_alive: ClassVar[bool] = False  # P(alive) = 1 whenever frequency = 0 (BG/NBD)

    def fit(self, frequency, recency, T, weights=None, initial_params=None, retry: bool = True):
        """Fit on customers' repeat purchases ``frequency``, ``recency`` (first to last purchase) and ``T``
        (first purchase to observation end), one time unit; ``weights``: customers per row (default 1).
        Identical rows are fitted once with their count as weight. Returns self."""
        comp = compress(frequency, recency, T, weights)
        return self._fit((comp.frequency, comp.recency, comp.T), comp.weights, initial_params, retry)

    def _data_frame(self, cols, weights):
        x, tx, T = cols
        return pd.DataFrame({"frequency": x.astype(int), "recency": tx, "T": T, "weights": weights})

    # -- predictions: arrays in, arrays out, the fitted time unit
    def conditional_probability_alive(self, frequency, recency, T) -> np.ndarray:
        """P(alive at T | frequency, recency, T)."""
        raise NotImplementedError

    def conditional_expected_number_of_purchases_up_to_time(self, t, frequency, recency, T) -> np.ndarray:
        """Expected repeat purchases in (T, T + t] of a customer with this history."""
        raise NotImplementedError

    def expected_number_of_purchases_up_to_time(self, t) -> np.ndarray:
        """Expected repeat purchases of a new customer within ``t`` of the first purchase (the papers'
        tracking plots); 0 at t <= 0."""
        raise NotImplementedError

    def predict_steps(self, steps: np.ndarray, disc: np.ndarray, frequency, recency, T) -> dict[str, np.ndarray]:
        """Per row: ``p_alive``, ``expected`` purchases within the horizon (``steps[-1]``), ``discounted``
        (the expected purchases in each step times the step's factor ``disc``, summed) and ``p_zero``
        (P(no purchase within the horizon))."""
        raise NotImplementedError

    def median_wait(self, frequency, T) -> np.ndarray:
        """Median time to the next purchase of a customer who is alive: the Lomax median of the posterior
        purchase rate Gamma(r + x, alpha + T), in the fitted time unit."""
        r, alpha = self.params_.iloc[0], self.params_.iloc[1]
        return (alpha + np.asarray(T, float)) * np.expm1(np.log(2.0) / (r + np.asarray(frequency, float)))

    def to_lifetimes(self):
        """The corresponding lifetimes fitter with these parameters and standard errors, so lifetimes'
        methods and plots work (its ``data`` holds the compressed rows with a ``weights`` column)."""
        import functools

        import lifetimes

        f = getattr(lifetimes, self.lifetimes_fitter)(penalizer_coef=self.penalizer_)
        self._fill_lifetimes(f)
        f._scale = getattr(self, "scale_", 1.0)
        f.predict = f.conditional_expected_number_of_purchases_up_to_time
        gen = getattr(lifetimes.generate_data, self.lifetimes_generator)
        T = self.data_["T"].to_numpy() if hasattr(self, "data_") else np.array([1.0])
        f.generate_new_data = functools.partial(_generate, gen, T, f)  # a partial, not a lambda: picklable
        return f


def _generate(gen, T: np.ndarray, fitter, size: int = 1):
    """lifetimes' generate_new_data for a fitter filled by journeylab: draws with its parameters."""
    return gen(T, *fitter.params_.values, size=size)
