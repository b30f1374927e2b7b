"""MBG/NBD (Batislam et al. 2007; Wagner & Hoppe 2008): ``ModifiedBetaGeoModel``, BG/NBD in which a
customer may also drop out right after the first purchase. Parameters r, alpha, a, b as in BG/NBD;
corresponds to lifetimes' ``ModifiedBetaGeoFitter``."""
from __future__ import annotations

import numpy as np
from scipy.special import expit, gammaln, psi

from journeylab.models.bgnbd import BetaGeoModel, beta_terms
from journeylab.models.fitting import unique_inverse


def mbgnbd_ll(params, x, tx, T, need_grad=True):
    """Per-row MBG/NBD log-likelihood and gradient w.r.t. (r, alpha, a, b)."""
    r, alpha, a, b = params
    ux, inv = unique_inverse(x)
    A1 = (gammaln(r + ux) - gammaln(r))[inv] + r * np.log(alpha)
    l2, da2, db2 = beta_terms(a, b, ux + 1)
    A2 = l2[inv]
    lT, ltx = np.log(alpha + T), np.log(alpha + tx)
    A3 = -(r + x) * lT
    A4 = np.log(a) - np.log(b + x) + (r + x) * (lT - ltx)
    ll = A1 + A2 + A3 + np.logaddexp(A4, 0.0)
    if not need_grad:
        return ll, None
    sig = expit(A4)
    g = np.empty((len(x), 4))
    g[:, 0] = (psi(r + ux) - psi(r))[inv] + np.log(alpha) - lT + sig * (lT - ltx)
    g[:, 1] = r / alpha - (r + x) / (alpha + T) + sig * (r + x) * (1 / (alpha + T) - 1 / (alpha + tx))
    g[:, 2] = da2[inv] + sig / a
    g[:, 3] = db2[inv] - sig / (b + x)
    return ll, g


class ModifiedBetaGeoModel(BetaGeoModel):
    """MBG/NBD purchase model: BG/NBD's predictions with ``modified``; fitted like Pareto/NBD in ridge
    coordinates (``fitting.fit_ridge``: subsample start and quasi-Newton on large data, L-BFGS-B; on BG/NBD's
    (a, b) ridge the fit at a = 1e6, ``on_ridge_``), not BG/NBD's Newton."""

    name = "mbgnbd"
    loglik = staticmethod(mbgnbd_ll)
    prepared = None
    lifetimes_fitter = "ModifiedBetaGeoFitter"
    lifetimes_generator = "modified_beta_geometric_nbd_model"
    modified = True
    one_time_buyers_alive = False
