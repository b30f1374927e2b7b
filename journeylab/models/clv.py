"""Purchase (BG/NBD, MBG/NBD, Pareto/NBD) and spend (Gamma-Gamma) models, CLV, model choice.

Input is a customer summary in lifetimes' layout: index customer_id, ``frequency`` (repeat
purchases), ``recency`` (first to last purchase), ``T`` (first purchase to observation end), all in
one time unit, and ``monetary_value`` (mean
value of the repeat purchases, in the shop's currency; 0 for one-time buyers). The time unit comes
with the summary (``attrs`` of journeylab.models.summary.customer_summary) or is named with ``time_unit=``;
a summary that says neither is refused rather than read as days.

Fitting runs on compressed histories (identical (frequency, recency, T) rows once, with their
count as weight) with journeylab's own vectorised likelihoods (see ``_btyd``); the fitted lifetimes
objects are handed back in ``purchase_model_`` / ``spend_model_`` so lifetimes' methods and plots
work on them. Always use ``df["T"]``, never ``df.T`` (the transpose).
"""
from __future__ import annotations

import functools
import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd
from scipy import stats

import lifetimes

from journeylab.models import btyd as _btyd
from journeylab.models import fitcheck
from journeylab.errors import DataError, ModelError
from journeylab.i18n import MODEL_LABELS, format_p
from journeylab.models.summary import require_summary_columns

PURCHASE_MODELS = ("bgnbd", "mbgnbd", "paretonbd")
# lifetimes' month convention (utils._customer_lifetime_value), so CLV numbers agree with it
UNITS_PER_MONTH = {"days": 30.0, "weeks": 4.345, "months": 1.0}
UNIT_DAYS = {"days": 1.0, "weeks": 7.0, "months": 30.0}
_RETRY_PENALIZERS = (1e-4, 1e-3, 1e-2, 1e-1)
MIN_REPEAT_BUYERS = 10
MAX_WAIT_DAYS = 36_525.0  # next purchase dates further than a century away are not shown


def as_summary(summary_or_shop: Any, **kwargs) -> pd.DataFrame:
    """Return a customer summary DataFrame; anything else must offer ``customer_summary(**kwargs)``."""
    if isinstance(summary_or_shop, pd.DataFrame):
        return summary_or_shop
    if hasattr(summary_or_shop, "customer_summary"):
        return summary_or_shop.customer_summary(**kwargs)
    from journeylab.models.summary import customer_summary

    return customer_summary(summary_or_shop, **kwargs)


def _frt(df: pd.DataFrame, suffix: str = "") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cols = [f"frequency{suffix}", f"recency{suffix}", f"T{suffix}"]
    require_summary_columns(df, cols, "a purchase model")
    x = df[cols[0]].to_numpy(dtype=float)
    tx = df[cols[1]].to_numpy(dtype=float)
    T = df[cols[2]].to_numpy(dtype=float)
    bad = ~np.isfinite(x) | ~np.isfinite(tx) | ~np.isfinite(T) | (x < 0) | (tx < 0) | (tx > T + 1e-9) | (T < 0)
    if bad.any():
        idx = np.flatnonzero(bad)[:5]
        raise DataError(
            f"{int(bad.sum())} customer(s) have impossible frequency/recency/T "
            "(negative, missing, or recency > T)",
            table="customer summary",
            column=cols[1],
            examples=[(int(i), {c: df[c].iloc[i] for c in cols}) for i in idx],
        )
    return x, tx, T


def summary_unit(df: pd.DataFrame, time_unit: str | None = None) -> tuple[str, float]:
    """(name, length in days) of the time unit of recency and T in ``df``.

    From ``time_unit`` ("days", "weeks", "months") where given, else from the summary's ``attrs``
    (``unit_days`` / ``time_unit``, set by journeylab.models.summary.customer_summary). A summary that says
    neither is refused: guessing days for a weekly summary multiplies every forecast by about 4."""
    attrs_days = df.attrs.get("unit_days")
    attrs_name = df.attrs.get("time_unit")
    if attrs_days is None and attrs_name in UNIT_DAYS:
        attrs_days = UNIT_DAYS[attrs_name]
    if time_unit is not None:
        if time_unit not in UNIT_DAYS:
            raise DataError(f"unknown time unit {time_unit!r}; use one of {', '.join(UNIT_DAYS)}")
        days = UNIT_DAYS[time_unit]
        if attrs_days is not None and abs(float(attrs_days) - days) > 1e-9:
            raise DataError(f"the customer summary is in {attrs_name or str(attrs_days) + ' days'}, but "
                            f"time_unit={time_unit!r} was given", table="customer summary",
                            hint="leave time_unit out: the summary carries its own unit")
        return time_unit, days
    if attrs_days is None:
        raise DataError("the customer summary does not say its time unit (days or weeks)", table="customer summary",
                        column="T", hint="build it with journeylab.customer_summary (it carries its unit), "
                                         "or pass time_unit='days' or 'weeks'")
    return str(attrs_name or f"{float(attrs_days):g} days"), float(attrs_days)


def units_per_month(unit_days: float) -> float:
    """Time units in a month: lifetimes' convention for days (30) and weeks (4.345), else 30 days."""
    for name, d in UNIT_DAYS.items():
        if abs(d - unit_days) < 1e-9:
            return UNITS_PER_MONTH[name]
    return 30.0 / unit_days


# ---------------------------------------------------------------- lifetimes objects with our parameters
def _make_purchase_fitter(res: _btyd.FitResult, comp: _btyd.Compressed):
    cls = {
        "bgnbd": lifetimes.BetaGeoFitter,
        "mbgnbd": lifetimes.ModifiedBetaGeoFitter,
        "paretonbd": lifetimes.ParetoNBDFitter,
    }[res.model]
    gen = {
        "bgnbd": lifetimes.generate_data.beta_geometric_nbd_model,
        "mbgnbd": lifetimes.generate_data.modified_beta_geometric_nbd_model,
        "paretonbd": lifetimes.generate_data.pareto_nbd_model,
    }[res.model]
    f = cls(penalizer_coef=res.penalizer)
    _fill_fitter(f, res, comp.weights)
    f.data = pd.DataFrame({"frequency": comp.frequency.astype(int), "recency": comp.recency, "T": comp.T,
                           "weights": comp.weights})
    f._scale = res.scale
    f.predict = f.conditional_expected_number_of_purchases_up_to_time
    f.generate_new_data = functools.partial(_generate, gen, comp.T, f)  # a partial, not a lambda: picklable
    return f


def _generate(gen, T: np.ndarray, fitter, size: int = 1):
    """lifetimes' generate_new_data for a fitter filled by journeylab: draws with its parameters."""
    return gen(T, *fitter.params_.values, size=size)


def _fill_fitter(f, res: _btyd.FitResult, weights: np.ndarray) -> None:
    p = res.params
    n = float(weights.sum())
    f.params_ = p.copy()
    f._negative_log_likelihood_ = -res.log_likelihood / n
    cov = res.cov_log
    f._hessian_ = np.linalg.pinv(cov) / n if np.all(np.isfinite(cov)) else None
    var = np.outer(p.values, p.values) * cov  # delta method from log-parameters
    f.variance_matrix_ = pd.DataFrame(var, index=p.index, columns=p.index)
    f.standard_errors_ = pd.Series(np.sqrt(np.diag(var)), index=p.index)
    se_log = np.sqrt(np.diag(cov))
    f.confidence_intervals_ = pd.DataFrame(
        {"lower 95% bound": p * np.exp(-1.96 * se_log), "upper 95% bound": p * np.exp(1.96 * se_log)},
        index=p.index,
    )


def _params_table(res: _btyd.FitResult) -> pd.DataFrame:
    """model, parameter, estimate, se, lower_95, upper_95, identified (journeylab.models.fitcheck): the
    interval of a parameter that is not identified is NaN (shown as "not identified"), never 1e15."""
    p = res.params
    with np.errstate(invalid="ignore"):
        se_log = np.sqrt(np.diag(res.cov_log))
    ok = fitcheck.identified(p.values, se_log)
    return pd.DataFrame(
        {
            "model": MODEL_LABELS[res.model],
            "parameter": p.index,
            "estimate": p.values,
            "se": np.where(ok, p.values * se_log, np.nan),
            "lower_95": np.where(ok, p.values * np.exp(-1.96 * se_log), np.nan),
            "upper_95": np.where(ok, p.values * np.exp(1.96 * se_log), np.nan),
            "identified": ok,
        }
    )


def _robust_fit(model: str, cols: tuple, weights: np.ndarray, penalizer: float, x0=None) -> _btyd.FitResult:
    """Fit; on NaN/overflow/non-convergence retry with growing penalizers, else raise ModelError."""
    tried = [penalizer] + [p for p in _RETRY_PENALIZERS if p > penalizer]
    last = ""
    for pen in tried:
        try:
            res = _btyd.fit(model, cols, weights, penalizer=pen, x0=x0)
        except (FloatingPointError, ValueError, OverflowError, np.linalg.LinAlgError) as exc:
            last = str(exc)
            continue
        if res.converged and np.all(np.isfinite(res.params)) and np.isfinite(res.log_likelihood):
            if pen != penalizer:
                warnings.warn(
                    f"{MODEL_LABELS[model]} did not converge without a penalizer; fitted with penalizer {pen}",
                    RuntimeWarning,
                    stacklevel=3,
                )
            return res
        last = res.message
    raise ModelError("fit_failed", model=MODEL_LABELS[model], detail=last)


# ---------------------------------------------------------------- the model
class CustomerValueModel:
    """Purchase model + Gamma-Gamma spend model, fitted on a customer summary.

    Parameters
    ----------
    purchase : "bgnbd" | "mbgnbd" | "paretonbd"
    spend : "gammagamma" or None (no CLV, only purchase predictions)
    penalizer : L2 penalty on the parameters (lifetimes' ``penalizer_coef``, on time rescaled so
        max(T) = 1); 0 = plain maximum likelihood. Retried with small penalizers if the fit fails.
    time_unit : unit of recency and T in the summary ("days", "weeks"); default: the summary's own
        (``attrs``, set by journeylab.customer_summary); a summary without it is refused.

    Fitted attributes: ``purchase_model_``, ``spend_model_`` (lifetimes fitters), ``params_`` (table:
    model, parameter, estimate, se, lower_95, upper_95; intervals are Wald intervals on the log scale),
    ``log_likelihood_`` (purchase model, summed over customers), ``spend_log_likelihood_``,
    ``independence_`` (Gamma-Gamma check), ``n_customers_``, ``n_unique_``, ``time_unit_`` (name) and
    ``unit_days_`` (its length in days).
    """

    def __init__(self, purchase: str = "bgnbd", spend: str | None = "gammagamma", penalizer: float = 0.0,
                 time_unit: str | None = None) -> None:
        if purchase not in PURCHASE_MODELS:
            raise ValueError(f"purchase must be one of {PURCHASE_MODELS}, not {purchase!r}")
        if spend not in ("gammagamma", None):
            raise ValueError(f"spend must be 'gammagamma' or None, not {spend!r}")
        self.purchase = purchase
        self.spend = spend
        self.penalizer = penalizer
        self.time_unit = time_unit

    # -- fitting
    def fit(self, summary, weights: Any = None, start: "CustomerValueModel | None" = None,
            **summary_kwargs) -> "CustomerValueModel":
        """Fit on a customer summary (or anything ``as_summary`` accepts). Returns self.

        ``weights`` (array, or the name of a column of the summary): how many customers each row stands
        for, e.g. the counts of identical (frequency, recency, T, monetary_value) histories that
        journeylab.spark.fit_spark collects. The fit equals fitting each row repeated that many times
        (the likelihood is a weighted sum over distinct histories either way); ``n_customers_`` is their
        sum and predict() without a summary gives one row per input row. ``start``: a model of the same
        kind fitted on similar data (e.g. the full sample, for a bootstrap refit) whose parameters start
        the optimiser, several times faster than a cold start."""
        df = as_summary(summary, **summary_kwargs)
        x, tx, T = _frt(df)
        w = _row_weights(df, weights)
        n_repeat = int((x > 0).sum()) if w is None else int(w[x > 0].sum())
        n_all = len(x) if w is None else int(w.sum())
        if n_repeat < MIN_REPEAT_BUYERS:
            raise ModelError("few_repeat_buyers", n_repeat=n_repeat, n_all=n_all)
        if self.spend == "gammagamma":
            require_summary_columns(df, ["monetary_value"], "the Gamma-Gamma spend model")
        self.time_unit_, self.unit_days_ = summary_unit(df, self.time_unit)
        comp = _btyd.compress(x, tx, T)
        if w is not None:
            comp.weights = np.bincount(comp.inverse, weights=w, minlength=len(comp.weights))
        self._comp = comp
        self._row_weights = w
        self._index = df.index
        x0 = None
        if start is not None and start.purchase == self.purchase:
            sres = start._purchase_res
            scale = 1.0 / float(np.max(comp.T))
            x0 = np.log(sres.params.values * np.array(
                [scale if nm in _btyd.TIME_PARAMS[self.purchase] else 1.0 for nm in sres.params.index]))
        res = _robust_fit(self.purchase, (comp.frequency, comp.recency, comp.T), comp.weights, self.penalizer, x0=x0)
        self._purchase_res = res
        self.purchase_model_ = _make_purchase_fitter(res, comp)
        self.log_likelihood_ = res.log_likelihood
        self.penalizer_used_ = res.penalizer
        self.n_customers_ = n_all
        self.n_unique_ = int((comp.weights > 0).sum())
        tables = [_params_table(res)]
        self.spend_model_ = None
        self.independence_ = None
        if self.spend == "gammagamma":
            require_summary_columns(df, ["monetary_value"], "the Gamma-Gamma spend model")
            m = df["monetary_value"].to_numpy(dtype=float)
            self._monetary = m
            self.independence_ = independence_check(x, m, weights=w)
            gx0 = np.log(start._spend_res.params.values) if start is not None and start.spend_model_ is not None else None
            gg, ggres = _fit_gammagamma(x, m, self.penalizer, weights=w, x0=gx0)
            self.spend_model_, self._spend_res = gg, ggres
            self.spend_log_likelihood_ = ggres.log_likelihood
            tables.append(_params_table(ggres))
        self.params_ = pd.concat(tables, ignore_index=True)
        return self

    # -- predictions on unique rows, broadcast
    def _check_fitted(self) -> None:
        if not hasattr(self, "purchase_model_"):
            raise ModelError("not_fitted")

    def _unique_predict(self, params: np.ndarray, comp: _btyd.Compressed, steps: np.ndarray,
                        disc: np.ndarray) -> dict:
        """Per unique (frequency, recency, T) row: P(alive), expected purchases within the horizon
        (``steps[-1]``), the discounted sum of the expected purchases in each step (``disc`` per step),
        and P(no purchase within the horizon). The time-dependent factor of BG/MBG depends on (x, T)
        only and is computed once per distinct (x, T) for all steps at once."""
        x, tx, T = comp.frequency, comp.recency, comp.T
        with np.errstate(all="ignore"):
            if self.purchase == "paretonbd":
                pa = _btyd.paretonbd_palive(params, x, tx, T)
                cum = np.column_stack([_btyd.paretonbd_expected(params, t, x, tx, T, pa) for t in steps])
                p0 = _btyd.paretonbd_p_zero(params, steps[-1], x, tx, T, pa)
                expected, discounted = cum[:, -1], np.diff(cum, axis=1, prepend=0.0) @ disc
            else:
                mod = self.purchase == "mbgnbd"
                pa = _btyd.bg_palive(params, x, tx, T, modified=mod)
                e, codes = _btyd.bg_expected_alive_times(params, steps, x, T, modified=mod)
                expected = pa * e[:, -1][codes]
                discounted = pa * (np.diff(e, axis=1, prepend=0.0) @ disc)[codes]
                r, alpha = params[0], params[1]
                p0 = (1 - pa) + pa * ((alpha + T) / (alpha + T + steps[-1])) ** (r + x)
        return {"p_alive": pa, "expected": expected, "discounted": discounted, "p_zero": p0}

    @staticmethod
    def _steps(horizon: float, unit: str, unit_days: float, discount_rate: float) -> tuple[np.ndarray, np.ndarray]:
        """Monthly step ends in model time units (the last one = the horizon) and their discount factors,
        lifetimes' ``customer_lifetime_value`` convention."""
        per_month = units_per_month(unit_days)
        months = horizon / UNITS_PER_MONTH[unit]
        steps = np.arange(1, math.ceil(months - 1e-9) + 1, dtype=float) * per_month
        steps[-1] = months * per_month
        return steps, (1.0 + discount_rate) ** -(steps / per_month)

    def predict(self, horizon: float = 12, unit: str = "months", discount_rate: float = 0.01,
                summary: pd.DataFrame | None = None, observation_end: Any = None) -> pd.DataFrame:
        """One row per customer (index customer_id) for the next ``horizon`` ``unit``s.

        ``unit`` is "days", "weeks" or "months" (a month = 30 days = 4.345 weeks, lifetimes'
        convention). ``discount_rate`` is per month (0.01 a month is about 12.7% a year); cash flows
        are discounted month by month as in lifetimes' ``customer_lifetime_value``.

        Columns: ``p_alive`` (probability the customer is still active at the observation end),
        ``expected_purchases`` (repeat purchases expected within the horizon), ``p_no_purchase``
        (probability of no purchase within the horizon), ``next_purchase_in_days`` (median days until
        the next purchase if the customer is alive), ``next_purchase_date`` (observation end + that,
        when ``observation_end`` is given or in ``summary.attrs``; NaT beyond a century), ``expected_spend_per_order``
        (currency, Gamma-Gamma), ``clv`` (currency, discounted, over the horizon). Without a spend
        model the last two are absent. ``discounted_purchases``: the expected purchases discounted
        month by month (CLV = that x expected spend per order). ``summary`` defaults to the fitted one.
        """
        self._check_fitted()
        if unit not in UNITS_PER_MONTH:
            raise ValueError(f"unit must be one of {list(UNITS_PER_MONTH)}, not {unit!r}")
        if summary is None:
            comp, index = self._comp, self._index
            m = getattr(self, "_monetary", None)
        else:
            df = as_summary(summary)
            x, tx, T = _frt(df)
            comp, index = _btyd.compress(x, tx, T), df.index
            m = df["monetary_value"].to_numpy(dtype=float) if "monetary_value" in df.columns else None
            observation_end = observation_end or df.attrs.get("observation_end")
            if df.attrs.get("unit_days") is not None and abs(float(df.attrs["unit_days"]) - self.unit_days_) > 1e-9:
                raise DataError(f"the model was fitted in {self.time_unit_}, the summary is in {df.attrs.get('time_unit')}",
                                table="customer summary", hint="summarise with the same freq as the fitted summary")
        steps, disc = self._steps(horizon, unit, self.unit_days_, discount_rate)
        params = self._purchase_res.params.values
        u = self._unique_predict(params, comp, steps, disc)
        inv = comp.inverse
        # median of the Lomax waiting time of the posterior Poisson rate, gamma(r + x, alpha + T)
        r, alpha = params[0], params[1]
        wait = (alpha + comp.T) * np.expm1(np.log(2.0) / (r + comp.frequency)) * self.unit_days_
        has_spend = self.spend_model_ is not None and m is not None
        spend = expected_spend(self._spend_res.params.values, comp.frequency[inv], m) if has_spend else None
        # finiteness is checked on the unique rows (and spend), before broadcasting
        checks = {"p_alive": u["p_alive"], "expected_purchases": u["expected"], "p_no_purchase": u["p_zero"],
                  "next_purchase_in_days": wait}
        if has_spend:
            checks.update(expected_spend_per_order=spend, clv=u["discounted"])
        bad = [k for k, v in checks.items() if not np.isfinite(v).all()]
        if bad:
            raise ModelError("not_finite", model=MODEL_LABELS[self.purchase], what=bad)
        # columns gathered from the unique rows with np.take, the frame built once (no column insertions)
        cols = {"p_alive": np.take(u["p_alive"], inv), "expected_purchases": np.take(u["expected"], inv),
                "p_no_purchase": np.take(np.clip(u["p_zero"], 0.0, 1.0), inv),
                "next_purchase_in_days": np.take(wait, inv)}
        if observation_end is not None:
            # beyond a century a date says nothing (and overflows pandas' dates): NaT
            days = np.where(wait <= MAX_WAIT_DAYS, np.round(wait), np.nan)
            dates = pd.Timestamp(observation_end) + pd.to_timedelta(days, unit="D")
            cols["next_purchase_date"] = dates.take(inv)
        cols["discounted_purchases"] = np.take(u["discounted"], inv)
        if has_spend:
            cols["expected_spend_per_order"] = spend
            cols["clv"] = cols["discounted_purchases"] * spend
        out = pd.DataFrame(cols, index=index, copy=False)
        out.attrs.update(horizon=horizon, unit=unit, discount_rate_per_month=discount_rate,
                         time_unit=self.time_unit_, unit_days=self.unit_days_, currency=getattr(self, "currency", None))
        return out

    # -- uncertainty
    def bootstrap(self, n_boot: int = 200, horizon: float = 12, unit: str = "months",
                  discount_rate: float = 0.01, seed: int | None = 0, level: float = 0.95) -> "BootstrapResult":
        """Nonparametric bootstrap over customers (multinomial weights on the compressed rows).

        Returns parameter intervals and intervals for the totals over the fitted customers of
        expected purchases and CLV within the horizon (these carry parameter uncertainty).
        """
        self._check_fitted()
        rng = np.random.default_rng(seed)
        comp = self._comp
        n = self.n_customers_
        x_all = comp.frequency[comp.inverse]
        p_rows, totals = [], []
        steps, disc = self._steps(horizon, unit, self.unit_days_, discount_rate)
        x0 = np.log(self._purchase_res.params.values / np.array(
            [1 / self._purchase_res.scale if nm in _btyd.TIME_PARAMS[self.purchase] else 1.0
             for nm in self._purchase_res.params.index]))
        rows = getattr(self, "_row_weights", None)
        for _ in range(n_boot):
            if rows is None:
                counts = np.bincount(rng.integers(0, n, n), minlength=n)
            else:  # rows that stand for several customers: draw n customers over the rows
                counts = rng.multinomial(n, rows / rows.sum())
            w = np.bincount(comp.inverse, weights=counts, minlength=len(comp.weights))
            keep = w > 0
            try:
                res = _btyd.fit(self.purchase, (comp.frequency[keep], comp.recency[keep], comp.T[keep]),
                                w[keep], penalizer=self.penalizer_used_, x0=x0)
            except (FloatingPointError, ValueError):
                continue
            row = dict(res.params)
            u = self._unique_predict(res.params.values, comp, steps, disc)
            total_purchases = float(comp.weights @ u["expected"])
            tot = {"expected_purchases_total": total_purchases}
            if self.spend_model_ is not None:
                rep = counts.astype(bool) & (x_all > 0) & (self._monetary > 0)
                try:
                    gres = _btyd.fit("gammagamma", (x_all[rep], self._monetary[rep]), counts[rep].astype(float),
                                     penalizer=self.penalizer_used_,
                                     x0=np.log(self._spend_res.params.values))
                except (FloatingPointError, ValueError):
                    continue
                row.update(gres.params)
                spend = expected_spend(gres.params.values, x_all, self._monetary)
                per_row = u["discounted"][comp.inverse] * spend
                tot["clv_total"] = float(per_row.sum() if rows is None else per_row @ rows)
            p_rows.append(row)
            totals.append(tot)
        if len(p_rows) < max(10, n_boot // 2):
            raise ModelError("bootstrap_failed", ok=len(p_rows), n_boot=n_boot)
        a = (1 - level) / 2
        draws = pd.DataFrame(p_rows)
        tot = pd.DataFrame(totals)
        summarise = lambda d: pd.DataFrame(  # noqa: E731
            {"mean": d.mean(), "lower": d.quantile(a), "upper": d.quantile(1 - a)})
        return BootstrapResult(params=summarise(draws), totals=summarise(tot), draws=draws, total_draws=tot,
                               level=level, n_boot=len(p_rows))


@dataclass
class BootstrapResult:
    """Percentile bootstrap intervals: ``params`` and ``totals`` have columns mean, lower, upper."""

    params: pd.DataFrame
    totals: pd.DataFrame
    draws: pd.DataFrame
    total_draws: pd.DataFrame
    level: float
    n_boot: int


def expected_spend(params: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Gamma-Gamma E[spend per order | x, m] (lifetimes' ``conditional_expected_average_profit``)."""
    p, q, v = params
    wgt = p * x / (p * x + q - 1)
    return (1 - wgt) * (v * p / (q - 1)) + wgt * m


def _row_weights(df: pd.DataFrame, weights: Any) -> np.ndarray | None:
    """Customers per summary row as floats (None: one each); DataError for negative or non-integer counts."""
    if weights is None:
        return None
    w = df[weights] if isinstance(weights, str) else weights
    w = np.asarray(w, dtype=float)
    if w.shape != (len(df),):
        raise ValueError(f"weights must have one value per summary row ({len(df)}), not shape {w.shape}")
    bad = ~np.isfinite(w) | (w < 0) | (w != np.round(w))
    if bad.any():
        raise DataError(f"{int(bad.sum())} weight(s) are not whole numbers of customers >= 0", table="customer summary",
                        column=weights if isinstance(weights, str) else "weights",
                        examples=[(int(i), {"weight": float(w[i])}) for i in np.flatnonzero(bad)[:5]])
    return w


def _fit_gammagamma(x: np.ndarray, m: np.ndarray, penalizer: float, weights: np.ndarray | None = None, x0=None):
    rep = (x > 0) & (m > 0)
    n_rep = int(rep.sum()) if weights is None else int(weights[rep].sum())
    if n_rep < MIN_REPEAT_BUYERS:
        raise ModelError("few_spend_buyers", n_rep=n_rep)
    codes, (xu, mu) = _btyd.factorize_rows(x[rep], m[rep])
    w = np.bincount(codes, weights=None if weights is None else weights[rep], minlength=len(xu)).astype(float)
    keep = w > 0
    codes, xu, mu, w = None, xu[keep], mu[keep], w[keep]
    res = _robust_fit("gammagamma", (xu, mu), w, penalizer, x0=x0)
    if res.params["q"] <= 1:
        raise ModelError("spend_heavy_tail", q=float(res.params["q"]))
    gg = lifetimes.GammaGammaFitter(penalizer_coef=res.penalizer)
    _fill_fitter(gg, res, w)
    gg.data = pd.DataFrame({"monetary_value": mu, "frequency": xu, "weights": w})
    return gg, res


def independence_check(frequency: np.ndarray, monetary_value: np.ndarray, threshold: float = 0.3,
                       weights: np.ndarray | None = None) -> dict:
    """Gamma-Gamma assumes spend per order is independent of purchase frequency.

    Pearson and Spearman correlation among repeat buyers with their p-values (Spearman on a fixed-seed
    sample of 200,000 above that many, ``spearman_n``); ``ok`` when
    |Pearson r| < ``threshold`` (a practical bound: with many customers even tiny correlations are
    significant, so significance alone is not the criterion). With ``weights`` (customers per row) the
    rows stand for that many customers: up to 200,000 customers they are repeated (the same result as
    unweighted rows), above that a fixed-seed sample of 200,000 customers is drawn from them.
    """
    if weights is not None:
        keep = (frequency > 0) & (monetary_value > 0) & (weights > 0)
        f, m, w = frequency[keep], monetary_value[keep], weights[keep].astype(np.int64)
        if w.sum() > _SPEARMAN_MAX_N:
            rows = np.random.default_rng(0).choice(len(w), size=_SPEARMAN_MAX_N, p=w / w.sum())
        else:
            rows = np.repeat(np.arange(len(w)), w)
        out = independence_check(f[rows], m[rows], threshold)
        if w.sum() > _SPEARMAN_MAX_N:
            out["message"] += f" (a sample of {_SPEARMAN_MAX_N:,} of {int(w.sum()):,} repeat buyers)"
        return out
    rep = (frequency > 0) & (monetary_value > 0)
    f, m = frequency[rep], monetary_value[rep]
    if rep.sum() < 3 or np.ptp(f) == 0 or np.ptp(m) == 0:
        return {"n": int(rep.sum()), "pearson_r": 0.0, "p_value": 1.0, "spearman_rho": 0.0,
                "spearman_p": 1.0, "spearman_n": int(rep.sum()), "ok": True,
                "message": "too little variation to test independence"}
    pr = stats.pearsonr(f, m)
    sr, n_sr = _spearman(f, m)
    ok = abs(pr.statistic) < threshold
    msg = (f"correlation between purchase frequency and spend per order is {pr.statistic:.2f} "
           f"(p {format_p(pr.pvalue)}, n = {int(rep.sum())}): "
           + ("weak enough for the Gamma-Gamma model" if ok else
              "too strong; the Gamma-Gamma independence assumption is doubtful, treat CLV with care"))
    return {"n": int(rep.sum()), "pearson_r": float(pr.statistic), "p_value": float(pr.pvalue),
            "spearman_rho": float(sr.statistic), "spearman_p": float(sr.pvalue), "spearman_n": n_sr, "ok": bool(ok), "message": msg}


_SPEARMAN_MAX_N = 200_000


def _spearman(f: np.ndarray, m: np.ndarray, max_n: int = _SPEARMAN_MAX_N):
    """scipy.stats.spearmanr (two-sided, t-distribution p-value) with the frequency's average ranks from
    its few distinct values. Above ``max_n`` repeat buyers it is computed on a fixed-seed random sample of
    about ``max_n`` of them (a diagnostic: its sampling error, ~1/sqrt(200k) = 0.002, is far below any
    correlation that matters; ranking millions of spend values took ~0.5 s). Returns (result, n used)."""
    if len(f) > max_n:
        keep = np.random.default_rng(0).random(len(f)) < max_n / len(f)
        f, m = f[keep], m[keep]
    uf, inv = _btyd.unique_inverse(f)
    cnt = np.bincount(inv, minlength=len(uf))
    rank_f = (np.cumsum(cnt) - (cnt - 1) / 2.0)[inv]
    return stats.pearsonr(rank_f, stats.rankdata(m)), len(f)


# ---------------------------------------------------------------- model comparison on calibration/holdout
@dataclass
class ModelComparison:
    """``metrics``: one row per model (holdout errors, identification, adequacy, ``tier``);
    ``baseline``: the naive forecast's holdout errors (journeylab.models.fitcheck); ``by_frequency``: mean
    holdout purchases by calibration frequency (actual and per model, frequencies 7+ pooled, as in the
    papers); ``predictions``: per customer; ``recommended``: the model to use, or None when no model
    passes the checks (``reason`` says why, ``reason_text(lang)`` in Dutch or English)."""

    metrics: pd.DataFrame
    by_frequency: pd.DataFrame
    predictions: pd.DataFrame
    recommended: str | None
    baseline: dict = field(default_factory=dict)
    models: dict = field(default_factory=dict)
    checks: dict = field(default_factory=dict)

    @property
    def reason(self) -> str:
        return self.reason_text("en")

    def reason_text(self, lang: str = "en") -> str:
        """Why the recommended model was chosen (or none), as plain sentences in ``lang``."""
        from journeylab.i18n import choice_text

        return choice_text(self, lang)


def holdout_expected(model: CustomerValueModel, summary: pd.DataFrame) -> np.ndarray:
    """Expected purchases in each customer's holdout period (``duration_holdout``), from calibration data."""
    x, tx, T = _frt(summary, "_cal")
    d = summary["duration_holdout"].to_numpy(dtype=float)
    codes, (ux, utx, uT, ud) = _btyd.factorize_rows(x, tx, T, d)
    params = model._purchase_res.params.values
    with np.errstate(all="ignore"):
        if model.purchase == "paretonbd":
            e = _btyd.paretonbd_expected(params, ud, ux, utx, uT)
        else:
            mod = model.purchase == "mbgnbd"
            e = _btyd.bg_palive(params, ux, utx, uT, modified=mod) * _btyd.bg_expected_alive(
                params, ud, ux, uT, modified=mod)
    return e[codes]


def _errors(pred: np.ndarray, actual: np.ndarray) -> dict:
    err = pred - actual
    return {"holdout_predicted_total": float(pred.sum()),
            "total_error_pct": 100 * (pred.sum() - actual.sum()) / max(actual.sum(), 1e-12),
            "mae": float(np.abs(err).mean()), "rmse": float(np.sqrt((err**2).mean()))}


def compare_models(summary: pd.DataFrame, models: Iterable[str] = PURCHASE_MODELS, penalizer: float = 0.0,
                   time_unit: str | None = None, max_frequency: int = 7) -> ModelComparison:
    """Fit each purchase model on the calibration columns, score it on the holdout purchases and judge it.

    ``summary`` needs frequency_cal, recency_cal, T_cal, frequency_holdout, duration_holdout (and its
    time unit, see journeylab.models.summary). Each fit is judged (journeylab.models.fitcheck: identification, error
    against the naive baseline); ``tier`` is full, forecast or none. Recommended: among the models of
    the best tier present, the lowest per-customer holdout RMSE; models within 1% of it are ranked by
    the absolute total holdout error, then by simplicity (BG/NBD, MBG/NBD, Pareto/NBD). None when every
    model fails or the sample is too small (``checks["sample"]``).
    """
    require_summary_columns(summary, ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"],
                   "a calibration/holdout comparison")
    cal = summary.rename(columns={"frequency_cal": "frequency", "recency_cal": "recency", "T_cal": "T"})
    cal = cal[["frequency", "recency", "T"]]
    cal.attrs = dict(summary.attrs)
    actual = summary["frequency_holdout"].to_numpy(dtype=float)
    freq_cal = summary["frequency_cal"].to_numpy(dtype=int)
    base = {"holdout_actual_total": float(actual.sum()), **_errors(fitcheck.baseline_holdout(summary), actual)}
    n_repeat = int((freq_cal > 0).sum())
    small = fitcheck.enough_data(len(summary), n_repeat)
    rows, preds, fitted, checks, failure = [], {}, {}, {}, None
    for name in models:
        try:
            mdl = CustomerValueModel(purchase=name, spend=None, penalizer=penalizer, time_unit=time_unit).fit(cal)
        except ModelError as exc:
            checks[name] = fitcheck.FitCheck(name, False, False, False, [exc.code or "fit_failed"])
            failure = exc
            continue
        pred = holdout_expected(mdl, summary)
        e = _errors(pred, actual)
        chk = fitcheck.judge(name, mdl.params_, e["rmse"], base["rmse"], e["total_error_pct"] / 100)
        if small:
            chk.adequate = False
            chk.problems.append(small)
        checks[name] = chk
        rows.append({
            "model": name, "label": MODEL_LABELS[name], "n_params": 4, "log_likelihood": mdl.log_likelihood_,
            "holdout_actual_total": actual.sum(), **e,
            "correlation": float(np.corrcoef(pred, actual)[0, 1]) if np.std(pred) > 0 and np.std(actual) > 0 else 0.0,
            "rate_identified": chk.rate_identified, "dropout_identified": chk.dropout_identified,
            "adequate": bool(chk.adequate), "tier": chk.tier,
        })
        preds[name] = pred
        fitted[name] = mdl
    if not rows:
        raise failure
    metrics = pd.DataFrame(rows).set_index("model")
    grp = pd.Series(np.minimum(freq_cal, max_frequency), index=summary.index, name="frequency_cal")
    table = pd.DataFrame({"actual": actual, **preds}, index=summary.index).groupby(grp.values).mean()
    table.index = [str(i) if i < max_frequency else f"{max_frequency}+" for i in table.index]
    table.index.name = "frequency_cal"
    table.insert(0, "customers", grp.value_counts().sort_index().to_numpy())
    rec = None
    for tier in ("full", "forecast"):
        cand = metrics[metrics["tier"] == tier]
        if len(cand):
            close = cand[cand["rmse"] <= cand["rmse"].min() * 1.01].copy()
            close["abs_total_error"] = close["total_error_pct"].abs()
            close["order"] = [PURCHASE_MODELS.index(m) for m in close.index]
            rec = close.sort_values(["abs_total_error", "order"]).index[0]
            break
    predictions = pd.DataFrame({"frequency_cal": freq_cal, "actual": actual, **preds}, index=summary.index)
    checks["sample"] = small
    return ModelComparison(metrics, table, predictions, rec, base, fitted, checks)


def expected_cumulative_purchases(model: CustomerValueModel, first_purchase: pd.Series,
                                  end: Any, start: Any = None) -> pd.Series:
    """Expected cumulative repeat purchases per day of the whole customer base (unconditional model
    expectation, as in the papers' tracking plots), from each customer's first purchase date.

    ``first_purchase``: datetimes, one per customer; result: Series indexed by day from ``start``
    (default: the first first purchase) to ``end``. Customers are grouped by first-purchase day, so the
    cost is days x cohort days, not customers.
    """
    model._check_fitted()
    days = pd.to_datetime(first_purchase).dt.floor("D")
    cohorts = days.value_counts().sort_index()
    start = pd.Timestamp(start) if start is not None else cohorts.index.min()
    grid = pd.date_range(start, pd.Timestamp(end), freq="D")
    age_days = (grid.values[:, None] - cohorts.index.values[None, :]) / np.timedelta64(1, "D")
    age = np.clip(age_days, 0, None) / model.unit_days_
    uniq, inv = np.unique(age, return_inverse=True)
    params = model._purchase_res.params.values
    with np.errstate(all="ignore"):
        if model.purchase == "paretonbd":
            e = np.asarray(model.purchase_model_.expected_number_of_purchases_up_to_time(uniq), float)
        else:  # a new customer: x = 0, T = 0; MBG/NBD may also drop out at once (weight b / (a + b))
            zero = np.zeros_like(uniq)
            e = _btyd.bg_expected_alive(params, uniq, zero, zero, modified=model.purchase == "mbgnbd")
            if model.purchase == "mbgnbd":
                e *= params[3] / (params[2] + params[3])
    e = np.where(uniq > 0, e, 0.0)
    per_cell = e[inv.reshape(age.shape)]
    return pd.Series(per_cell @ cohorts.to_numpy(float), index=grid, name="expected_cumulative_purchases")
