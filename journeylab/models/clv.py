"""Purchase (BG/NBD, MBG/NBD, Pareto/NBD) and spend (Gamma-Gamma) models, CLV, model choice.

Input is a customer summary in lifetimes' layout: index customer_id, ``frequency`` (repeat
purchases), ``recency`` (first to last purchase), ``T`` (first purchase to observation end), all in
one time unit, and ``monetary_value`` (mean
value of the repeat purchases, in the shop's currency; 0 for one-time buyers). The time unit comes
with the summary (``attrs`` of journeylab.models.summary.customer_summary) or is named with ``time_unit=``;
a summary that says neither is refused rather than read as days.

The models themselves live one per file, in lifetimes' layout: ``bgnbd.BetaGeoModel``,
``mbgnbd.ModifiedBetaGeoModel``, ``paretonbd.ParetoNBDModel`` and ``gammagamma.GammaGammaModel``, all
fitted by the one pipeline of ``fitting`` on compressed histories (identical (frequency, recency, T)
rows once, with their count as weight). ``CustomerValueModel`` combines a purchase and a spend model;
the fitted models are ``purchase_`` and ``spend_``, and their lifetimes counterparts ``purchase_model_``
/ ``spend_model_`` (made on first use) let lifetimes' methods and plots work on them. Always use
``df["T"]``, never ``df.T`` (the transpose).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np
import pandas as pd

from journeylab.display_repr import DASH, Shown, View, number, percent
from journeylab.errors import DataError, ModelError
from journeylab.i18n import MODEL_LABELS
from journeylab.models import fitcheck
from journeylab.models.bgnbd import BetaGeoModel
from journeylab.models.fitting import (MIN_REPEAT_BUYERS, Compressed, PurchaseModel, compress, factorize_rows,
                                       param_rows)
from journeylab.models.gammagamma import GammaGammaModel, expected_spend, independence_check
from journeylab.models.mbgnbd import ModifiedBetaGeoModel
from journeylab.models.paretonbd import ParetoNBDModel
from journeylab.models.summary import require_summary_columns

PURCHASE_CLASSES: dict[str, type[PurchaseModel]] = {
    "bgnbd": BetaGeoModel, "mbgnbd": ModifiedBetaGeoModel, "paretonbd": ParetoNBDModel}
PURCHASE_MODELS = tuple(PURCHASE_CLASSES)
__all__ = ["CustomerValueModel", "compare_models", "expected_spend", "independence_check", "MIN_REPEAT_BUYERS"]
# lifetimes' month convention (utils._customer_lifetime_value), so CLV numbers agree with it
UNITS_PER_MONTH = {"days": 30.0, "weeks": 4.345, "months": 1.0}
UNIT_DAYS = {"days": 1.0, "weeks": 7.0, "months": 30.0}
DISCOUNT_RATE = 0.10  # per year, the default of every CLV in journeylab (the report's ``discount_rate:`` too)
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


def annual_to_monthly(rate: float) -> float:
    """A yearly discount rate (0.10 = 10 % a year) as the monthly rate the cash flows are discounted with,
    compounded monthly: ``(1 + rate) ** (1 / 12) - 1`` (0.10 a year is 0.797 % a month). The one conversion in
    journeylab: every ``discount_rate`` is per year; lifetimes' ``customer_lifetime_value`` takes this monthly
    rate."""
    if not rate > -1.0:
        raise ValueError(f"a discount rate must be above -1 (-100 %), not {rate!r}")
    return (1.0 + rate) ** (1.0 / 12.0) - 1.0


def units_per_month(unit_days: float) -> float:
    """Time units in a month: lifetimes' convention for days (30) and weeks (4.345), else 30 days."""
    for name, d in UNIT_DAYS.items():
        if abs(d - unit_days) < 1e-9:
            return UNITS_PER_MONTH[name]
    return 30.0 / unit_days


# ---------------------------------------------------------------- the model
class CustomerValueModel(Shown):
    """Purchase model + Gamma-Gamma spend model, fitted on a customer summary.

    Parameters
    ----------
    purchase : "bgnbd" | "mbgnbd" | "paretonbd"
    spend : "gammagamma" or None (no CLV, only purchase predictions)
    penalizer : L2 penalty on the parameters (lifetimes' ``penalizer_coef``, on time rescaled so
        max(T) = 1); 0 = plain maximum likelihood. Retried with small penalizers if the fit fails.
    time_unit : unit of recency and T in the summary ("days", "weeks"); default: the summary's own
        (``attrs``, set by journeylab.customer_summary); a summary without it is refused.

    Notes
    -----
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
        comp = compress(x, tx, T, w)
        self._comp = comp
        self._row_weights = w
        self._index = df.index
        self._lifetimes = {}
        same = start is not None and start.purchase == self.purchase
        self.purchase_ = PURCHASE_CLASSES[self.purchase](penalizer=self.penalizer).fit(
            comp.frequency, comp.recency, comp.T, weights=comp.weights,
            initial_params=start.purchase_.params_ if same else None)
        self.log_likelihood_ = self.purchase_.log_likelihood_
        self.penalizer_used_ = self.purchase_.penalizer_
        self.n_customers_ = n_all
        self.n_unique_ = int((comp.weights > 0).sum())
        tables = [self.purchase_.params_table()]
        self.spend_ = None
        self.independence_ = None
        if self.spend == "gammagamma":
            m = df["monetary_value"].to_numpy(dtype=float)
            self._monetary = m
            self.independence_ = independence_check(x, m, weights=w)
            init = start.spend_.params_ if start is not None and start.spend_ is not None else None
            self.spend_ = GammaGammaModel(penalizer=self.penalizer).fit(x, m, weights=w, initial_params=init)
            self.spend_log_likelihood_ = self.spend_.log_likelihood_
            tables.append(self.spend_.params_table())
        self.params_ = pd.concat(tables, ignore_index=True)
        return self

    @classmethod
    def from_params(cls, purchase: str, purchase_params: Any, spend_params: Any = None, *,
                    time_unit: str = "days", unit_days: float | None = None) -> "CustomerValueModel":
        """A fitted model from parameters alone (e.g. to ship to Spark executors): ``purchase_params`` in
        the order of the purchase model's ``param_names`` (or a Series named so), ``spend_params`` (p, q, v)
        or None, in time unit ``time_unit`` of ``unit_days`` days. It predicts for a given summary; it has
        no standard errors, no training data and cannot be bootstrapped."""
        model = cls(purchase, spend="gammagamma" if spend_params is not None else None, time_unit=time_unit)
        model.time_unit_ = time_unit
        model.unit_days_ = float(unit_days if unit_days is not None else UNIT_DAYS[time_unit])
        model._lifetimes = {}
        model.purchase_ = PURCHASE_CLASSES[purchase].from_params(purchase_params)
        model.spend_ = GammaGammaModel.from_params(spend_params) if spend_params is not None else None
        tables = [model.purchase_.params_table()] + ([model.spend_.params_table()] if model.spend_ else [])
        model.params_ = pd.concat(tables, ignore_index=True)
        model.log_likelihood_ = np.nan
        model.penalizer_used_ = 0.0
        return model

    # -- the notebook view (journeylab.display_repr.Shown)
    def _view(self) -> View:
        what = MODEL_LABELS[self.purchase] + (" + Gamma-Gamma spend" if self.spend else " (no spend model)")
        if "purchase_" not in self.__dict__:
            return View(f"CustomerValueModel {what}: not fitted")
        fitted = "_comp" in self.__dict__
        if fitted:
            view = View(f"CustomerValueModel {what}, fitted on {number(self.n_customers_)} customers "
                        f"({number(self.n_unique_)} distinct histories), time unit {self.time_unit_}")
        else:
            view = View(f"CustomerValueModel {what} from given parameters (no data, no intervals), "
                        f"time unit {self.time_unit_}")
        view.table(["model", "parameter", "estimate", "95% interval"],
                   param_rows(self.params_, fitted, with_model=True), max_rows=10)
        if fitted:
            ll = f"{number(self.log_likelihood_, 6)} (purchases)"
            if self.spend_ is not None:
                ll += f", {number(self.spend_log_likelihood_, 6)} (spend)"
            view.value("log-likelihood", ll)
        if self.penalizer_used_:
            view.value("penalizer", number(self.penalizer_used_))
        ind = self.__dict__.get("independence_")
        if ind:
            verdict = "too little variation to test" if ind.get("flat") else "ok" if ind.get("ok") else \
                "not independent: spend forecasts are doubtful"
            view.value("spend vs frequency", f"Pearson r = {number(ind.get('pearson_r'), 3)} "
                       f"(p = {number(ind.get('p_value'), 2)}, {number(ind.get('n'))} repeat buyers): {verdict}")
        return view

    # -- lifetimes' objects, made on first use
    @property
    def purchase_model_(self):
        """The purchase model as a lifetimes fitter (BetaGeoFitter, ModifiedBetaGeoFitter, ParetoNBDFitter)."""
        self.check_fitted()
        if "purchase" not in self._lifetimes:
            self._lifetimes["purchase"] = self.purchase_.to_lifetimes()
        return self._lifetimes["purchase"]

    @property
    def spend_model_(self):
        """The spend model as lifetimes' GammaGammaFitter, or None without a spend model."""
        self.check_fitted()
        if self.spend_ is None:
            return None
        if "spend" not in self._lifetimes:
            self._lifetimes["spend"] = self.spend_.to_lifetimes()
        return self._lifetimes["spend"]

    def check_fitted(self) -> None:
        """ModelError "not_fitted" unless fit (or from_params) has run."""
        if "purchase_" not in self.__dict__:
            raise ModelError("not_fitted")

    # -- predictions on unique rows, broadcast
    @staticmethod
    def _steps(horizon: float, unit: str, unit_days: float, discount_rate: float) -> tuple[np.ndarray, np.ndarray]:
        """Monthly step ends in model time units (the last one = the horizon) and their discount factors at the
        yearly ``discount_rate``: ``(1 + annual_to_monthly(discount_rate)) ** -month``, lifetimes'
        ``customer_lifetime_value`` convention with its monthly rate."""
        if unit not in UNITS_PER_MONTH:
            raise ValueError(f"unit must be one of {list(UNITS_PER_MONTH)}, not {unit!r}")
        per_month = units_per_month(unit_days)
        months = horizon / UNITS_PER_MONTH[unit]
        steps = np.arange(1, math.ceil(months - 1e-9) + 1, dtype=float) * per_month
        steps[-1] = months * per_month
        return steps, (1.0 + annual_to_monthly(discount_rate)) ** -(steps / per_month)

    def _rows(self, summary: pd.DataFrame | None) -> tuple[Compressed, pd.Index, np.ndarray | None, Any]:
        """The compressed rows, index, mean spend and observation end of the fitted or a given summary."""
        if summary is None:
            if "_comp" not in self.__dict__:
                raise ValueError("a model made from parameters has no customers of its own: pass summary=")
            return self._comp, self._index, self.__dict__.get("_monetary"), None
        df = as_summary(summary)
        x, tx, T = _frt(df)
        m = df["monetary_value"].to_numpy(dtype=float) if "monetary_value" in df.columns else None
        if df.attrs.get("unit_days") is not None and abs(float(df.attrs["unit_days"]) - self.unit_days_) > 1e-9:
            raise DataError(f"the model was fitted in {self.time_unit_}, the summary is in {df.attrs.get('time_unit')}",
                            table="customer summary", hint="summarise with the same freq as the fitted summary")
        return compress(x, tx, T), df.index, m, df.attrs.get("observation_end")

    def _predict_unique(self, comp: Compressed, m: np.ndarray | None, horizon: float, unit: str,
                        discount_rate: float) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
        """Predictions per unique history (p_alive, expected, discounted, p_zero, wait in days) and the
        expected spend per order per customer (None without a spend model); ModelError where not finite."""
        steps, disc = self._steps(horizon, unit, self.unit_days_, discount_rate)
        u = self.purchase_.predict_steps(steps, disc, comp.frequency, comp.recency, comp.T)
        u["wait"] = self.purchase_.median_wait(comp.frequency, comp.T) * self.unit_days_
        spend = None
        if self.spend_ is not None and m is not None:
            spend = self.spend_.conditional_expected_average_profit(comp.frequency[comp.inverse], m)
        # finiteness is checked on the unique rows (and spend), before broadcasting
        checks = {"p_alive": u["p_alive"], "expected_purchases": u["expected"], "p_no_purchase": u["p_zero"],
                  "next_purchase_in_days": u["wait"]}
        if spend is not None:
            checks.update(expected_spend_per_order=spend, clv=u["discounted"])
        bad = [k for k, v in checks.items() if not np.isfinite(v).all()]
        if bad:
            raise ModelError("not_finite", model=MODEL_LABELS[self.purchase], what=bad)
        return u, spend

    def predict_arrays(self, horizon: float = 12, unit: str = "months", discount_rate: float = DISCOUNT_RATE,
                       summary: pd.DataFrame | None = None) -> dict[str, np.ndarray]:
        """``predict``'s numeric columns as arrays, one value per customer of the summary (default: the
        fitted one) in its order, without the frame or dates: for code that repeats predictions many
        times (bootstrap draws)."""
        self.check_fitted()
        comp, _, m, _ = self._rows(summary)
        u, spend = self._predict_unique(comp, m, horizon, unit, discount_rate)
        inv = comp.inverse
        cols = {"p_alive": np.take(u["p_alive"], inv), "expected_purchases": np.take(u["expected"], inv),
                "p_no_purchase": np.take(np.clip(u["p_zero"], 0.0, 1.0), inv),
                "next_purchase_in_days": np.take(u["wait"], inv),
                "discounted_purchases": np.take(u["discounted"], inv)}
        if spend is not None:
            cols["expected_spend_per_order"] = spend
            cols["clv"] = cols["discounted_purchases"] * spend
        return cols

    def predict(self, horizon: float = 12, unit: str = "months", discount_rate: float = DISCOUNT_RATE,
                summary: pd.DataFrame | None = None, observation_end: Any = None) -> pd.DataFrame:
        """One row per customer (index customer_id) for the next ``horizon`` ``unit``s.

        ``unit`` is "days", "weeks" or "months" (a month = 30 days = 4.345 weeks, lifetimes'
        convention). ``discount_rate`` is per year (0.10 = 10 % a year), as everywhere in journeylab; cash flows
        are discounted month by month at ``annual_to_monthly(discount_rate)`` a month, as lifetimes'
        ``customer_lifetime_value`` does with that monthly rate.

        Columns: ``p_alive`` (probability the customer is still active at the observation end),
        ``expected_purchases`` (repeat purchases expected within the horizon), ``p_no_purchase``
        (probability of no purchase within the horizon), ``next_purchase_in_days`` (median days until
        the next purchase if the customer is alive), ``next_purchase_date`` (observation end + that,
        when ``observation_end`` is given or in ``summary.attrs``; NaT beyond a century), ``expected_spend_per_order``
        (currency, Gamma-Gamma), ``clv`` (currency, discounted, over the horizon). Without a spend
        model the last two are absent. ``discounted_purchases``: the expected purchases discounted
        month by month (CLV = that x expected spend per order). ``summary`` defaults to the fitted one.
        """
        self.check_fitted()
        comp, index, m, obs_end = self._rows(summary)
        observation_end = observation_end or obs_end
        u, spend = self._predict_unique(comp, m, horizon, unit, discount_rate)
        inv = comp.inverse
        # columns gathered from the unique rows with np.take, the frame built once (no column insertions)
        cols = {"p_alive": np.take(u["p_alive"], inv), "expected_purchases": np.take(u["expected"], inv),
                "p_no_purchase": np.take(np.clip(u["p_zero"], 0.0, 1.0), inv),
                "next_purchase_in_days": np.take(u["wait"], inv)}
        if observation_end is not None:
            # beyond a century a date says nothing (and overflows pandas' dates): NaT
            days = np.where(u["wait"] <= MAX_WAIT_DAYS, np.round(u["wait"]), np.nan)
            dates = pd.Timestamp(observation_end) + pd.to_timedelta(days, unit="D")
            cols["next_purchase_date"] = dates.take(inv)
        cols["discounted_purchases"] = np.take(u["discounted"], inv)
        if spend is not None:
            cols["expected_spend_per_order"] = spend
            cols["clv"] = cols["discounted_purchases"] * spend
        out = pd.DataFrame(cols, index=index, copy=False)
        out.attrs.update(horizon=horizon, unit=unit, discount_rate=discount_rate,
                         monthly_discount_rate=annual_to_monthly(discount_rate),
                         time_unit=self.time_unit_, unit_days=self.unit_days_, currency=getattr(self, "currency", None))
        return out

    # -- uncertainty
    def bootstrap(self, n_boot: int = 200, horizon: float = 12, unit: str = "months",
                  discount_rate: float = DISCOUNT_RATE, seed: int | None = 0, level: float = 0.95) -> "BootstrapResult":
        """Nonparametric bootstrap over customers (multinomial weights on the compressed rows).

        Returns parameter intervals and intervals for the totals over the fitted customers of
        expected purchases and CLV within the horizon (``discount_rate`` per year, as in ``predict``) (these carry parameter uncertainty). Each draw
        refits the models from the fitted parameters with the penalizer the fit used, without retries;
        draws whose fit fails are left out.
        """
        self.check_fitted()
        comp, _, _, _ = self._rows(None)
        rng = np.random.default_rng(seed)
        n = self.n_customers_
        x_all = comp.frequency[comp.inverse]
        p_rows, totals = [], []
        steps, disc = self._steps(horizon, unit, self.unit_days_, discount_rate)
        rows = self._row_weights
        purchase_cls = type(self.purchase_)
        for _ in range(n_boot):
            if rows is None:
                counts = np.bincount(rng.integers(0, n, n), minlength=n)
            else:  # rows that stand for several customers: draw n customers over the rows
                counts = rng.multinomial(n, rows / rows.sum())
            w = np.bincount(comp.inverse, weights=counts, minlength=len(comp.weights))
            keep = w > 0
            try:
                draw = purchase_cls(penalizer=self.penalizer_used_).fit(
                    comp.frequency[keep], comp.recency[keep], comp.T[keep], weights=w[keep],
                    initial_params=self.purchase_.params_, retry=False)
            except (FloatingPointError, ValueError):
                continue
            row = dict(draw.params_)
            u = draw.predict_steps(steps, disc, comp.frequency, comp.recency, comp.T)
            total_purchases = float(comp.weights @ u["expected"])
            tot = {"expected_purchases_total": total_purchases}
            if self.spend_ is not None:
                try:
                    gdraw = GammaGammaModel(penalizer=self.penalizer_used_).fit(
                        x_all, self._monetary, weights=counts.astype(float), initial_params=self.spend_.params_,
                        retry=False)
                except (FloatingPointError, ValueError, ModelError):
                    continue
                row.update(gdraw.params_)
                spend = gdraw.conditional_expected_average_profit(x_all, self._monetary)
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


@dataclass(repr=False)
class BootstrapResult(Shown):
    """Percentile bootstrap intervals: ``params`` and ``totals`` have columns mean, lower, upper; ``draws``
    and ``total_draws`` hold every draw."""

    params: pd.DataFrame
    totals: pd.DataFrame
    draws: pd.DataFrame
    total_draws: pd.DataFrame
    level: float
    n_boot: int

    def _view(self) -> View:
        head = f"{percent(self.level, 0)} interval"
        rows = [[name, number(r["mean"]), f"[{number(r['lower'])}, {number(r['upper'])}]"]
                for frame in (self.params, self.totals) for name, r in frame.iterrows()]
        return (View(f"BootstrapResult: {number(self.n_boot)} draws, {percent(self.level, 0)} percentile intervals")
                .table(["", "mean", head], rows, max_rows=12))


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


# ---------------------------------------------------------------- model comparison on calibration/holdout
@dataclass(repr=False)
class ModelComparison(Shown):
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

    def _view(self) -> View:
        m = self.metrics
        n = len(self.predictions)
        actual = self.baseline.get("holdout_actual_total", m["holdout_actual_total"].iloc[0] if len(m) else np.nan)
        view = View(f"ModelComparison of {len(m)} purchase model(s) on the holdout of {number(n)} customers "
                    f"({number(actual)} purchases)")
        rows = [[r.label, number(r.rmse), number(r.mae), percent(r.total_error_pct / 100), r.tier]
                for r in m.itertuples()]
        if self.baseline:
            rows.append(["naive baseline", number(self.baseline.get("rmse")), number(self.baseline.get("mae")),
                         percent(self.baseline.get("total_error_pct", np.nan) / 100), ""])
        for name, chk in self.checks.items():
            if name in PURCHASE_CLASSES and name not in m.index:
                rows.append([MODEL_LABELS[name], DASH, DASH, DASH, "fit failed: " + ", ".join(chk.problems)])
        view.table(["model", "RMSE", "MAE", "total error", "tier"], rows)
        view.value("recommended", MODEL_LABELS[self.recommended] if self.recommended else "none")
        view.value("why", self.reason)
        return view


def holdout_expected(model: CustomerValueModel, summary: pd.DataFrame) -> np.ndarray:
    """Expected purchases in each customer's holdout period (``duration_holdout``), from calibration data."""
    x, tx, T = _frt(summary, "_cal")
    d = summary["duration_holdout"].to_numpy(dtype=float)
    codes, (ux, utx, uT, ud) = factorize_rows(x, tx, T, d)
    e = model.purchase_.conditional_expected_number_of_purchases_up_to_time(ud, ux, utx, uT)
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
    model.check_fitted()
    days = pd.to_datetime(first_purchase).dt.floor("D")
    cohorts = days.value_counts().sort_index()
    start = pd.Timestamp(start) if start is not None else cohorts.index.min()
    grid = pd.date_range(start, pd.Timestamp(end), freq="D")
    age_days = (grid.values[:, None] - cohorts.index.values[None, :]) / np.timedelta64(1, "D")
    age = np.clip(age_days, 0, None) / model.unit_days_
    uniq, inv = np.unique(age, return_inverse=True)
    e = model.purchase_.expected_number_of_purchases_up_to_time(uniq)
    per_cell = e[inv.reshape(age.shape)]
    return pd.Series(per_cell @ cohorts.to_numpy(float), index=grid, name="expected_cumulative_purchases")
