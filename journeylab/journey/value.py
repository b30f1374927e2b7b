"""The shop's value model: one model per analysis, chosen on the holdout, judged, used everywhere.

``shop_value(shop)`` is the one place where a shop's customers get their P(alive), churn status,
expected purchases and CLV. The churn/CLV section, the executive summary, the journey phases' status
and the low/high involvement comparison all read it, so a customer has one P(alive) and one status
across a report.

How (each step a rule of its own module):

1. The customer summary in days (journeylab.models.summary), with its unit attached.
2. Groups: where the shop has involvement levels (journeylab.journey.levels), each level is modelled on its
   own. Low- and high-involvement buyers differ in purchase rate and dropout by orders of magnitude;
   one pooled model reads a high-involvement buyer's normal silence as dropout, which turned the
   involvement comparison upside down on simulated shops. Without levels there is one group, "all".
3. Per group, the purchase models are compared on a calibration/holdout split (the last third of the
   observed period, at most 52 weeks) and judged (journeylab.models.fitcheck): too small a sample, parameters
   not identified, or worse than the naive baseline, and the model is not used. The chosen model is
   refitted on all of the group's data with Gamma-Gamma spend.
4. Per customer: P(alive) (only where the dropout is identified, tier "full"), expected purchases and
   CLV over the horizon (tiers "full" and "forecast"), and the status by the one rule
   (journeylab.models.churn.customer_status): the model's churn classes, else recency (also where the holdout
   shows that recency ranks who buys again better than the chosen model's churn risk); "too early to tell"
   where the silence is shorter than the typical time between purchases of such customers: the
   group's observed time per repeat purchase, or a repeat buyer's own posterior median gap where a
   model gives one and it is shorter.

``ShopValue.bootstrap`` resamples customers and refits each group's chosen model, so intervals of
group figures (mean churn risk, share lost, CLV) include the model's uncertainty.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from journeylab.display_repr import Shown, View, number, percent
from journeylab.models import fitcheck
from journeylab.models.churn import RECENCY_DAYS, STATUSES, ChurnThresholds, customer_status, evaluate_churn
from journeylab.i18n import MODEL_LABELS
from journeylab.models.clv import DISCOUNT_RATE, CustomerValueModel, ModelComparison, compare_models
from journeylab.errors import DataError, ModelError
from journeylab.models.summary import customer_summary

if TYPE_CHECKING:
    from journeylab.data.shop import Shop

GROUP_ALL = "all"
UNKNOWN_LEVEL = "unknown"


def calibration_end(first_order: pd.Timestamp, observation_end: pd.Timestamp,
                    max_holdout_days: int = 364) -> pd.Timestamp:
    """End of the calibration period for model checks: the last third of the observed period (at most
    ``max_holdout_days``) is held out, in whole weeks, as in the papers' 39/39-week split."""
    span = (pd.Timestamp(observation_end) - pd.Timestamp(first_order)).days
    holdout_weeks = max(1, min(max_holdout_days, span // 3) // 7)
    return (pd.Timestamp(observation_end) - pd.Timedelta(weeks=holdout_weeks)).normalize()


@dataclass(repr=False)
class GroupModel(Shown):
    """One group's model and verdict. ``tier``: full (P(alive), churn, CLV), forecast (expected
    purchases and CLV, no P(alive)) or none; ``problems``: reason codes (i18n.FIT_PROBLEMS,
    i18n.MODEL_ERRORS) of what could not be used; ``typical_gap_days``: the group's usual time between
    purchases (days, ``_typical_gap``) that the too-early rule uses."""

    group: str
    n_customers: int
    n_repeat: int
    comparison: ModelComparison | None = None
    model: CustomerValueModel | None = None
    tier: str = "none"
    problems: list[str] = field(default_factory=list)
    spend_problem: str | None = None
    typical_gap_days: float = np.inf
    status_source: str = "model"

    @property
    def label(self) -> str | None:
        return MODEL_LABELS[self.model.purchase] if self.model is not None else None

    def _view(self) -> View:
        view = View(f"GroupModel {self.group!r}: {number(self.n_customers)} customers "
                    f"({number(self.n_repeat)} repeat buyers), {self.label or 'no model'}, tier {self.tier}")
        if self.model is not None:
            p = self.model.params_
            view.value("parameters", ", ".join(f"{r.parameter} {number(r.estimate)}" for r in p.itertuples()))
        if self.comparison is not None:
            view.value("why", self.comparison.reason)
        view.value("status from", self.status_source)
        view.value("typical gap", f"{number(self.typical_gap_days, 3)} days")
        if self.problems or self.spend_problem:
            codes = self.problems + ([self.spend_problem] if self.spend_problem else [])
            view.value("problems", ", ".join(dict.fromkeys(codes)))
        return view


@dataclass(repr=False)
class ShopValue(Shown):
    """The result of :func:`shop_value`. ``predictions``: one row per customer (index customer_id) with
    group, model, p_alive, churn_risk, expected_purchases, expected_spend_per_order, clv (shop currency,
    discounted over ``horizon_months``), next_purchase_date, days_since_last_order, typical_gap_days,
    status (journeylab.models.churn.STATUSES) and status_source (model, recency, too_early)."""

    summary: pd.DataFrame
    predictions: pd.DataFrame
    groups: dict[str, GroupModel]
    by: str | None
    horizon_months: float
    discount_rate: float
    calibration_end: pd.Timestamp | None
    thresholds: ChurnThresholds = ChurnThresholds()
    recency_days: tuple[float, float] = RECENCY_DAYS

    @property
    def ok(self) -> bool:
        """True when at least one group has a model that forecasts purchases."""
        return any(g.tier != "none" for g in self.groups.values())

    @property
    def models(self) -> dict[str, CustomerValueModel]:
        return {k: g.model for k, g in self.groups.items() if g.model is not None}

    def _view(self) -> View:
        """Per group: customers, model, tier, mean P(alive), expected purchases and CLV (sums over the
        horizon); the shares of each status."""
        p = self.predictions
        by = f" by {self.by}" if self.by else ""
        view = View(f"ShopValue: {number(len(p))} customers in {len(self.groups)} group(s){by}; "
                    f"CLV over {number(self.horizon_months)} months at {percent(self.discount_rate)} a year")
        if self.calibration_end is not None:
            view.value("models chosen on the holdout from", str(pd.Timestamp(self.calibration_end).date()))
        rows = []
        for name, g in self.groups.items():
            part = p[p["group"] == name]
            rows.append([name, number(g.n_customers), g.label or "–", g.tier, number(part["p_alive"].mean(), 3),
                         number(part["expected_purchases"].sum(min_count=1)), number(part["clv"].sum(min_count=1))])
        view.table(["group", "customers", "model", "tier", "mean P(alive)", "expected purchases", "CLV (shop currency)"],
                   rows, max_rows=6)
        shares = p["status"].value_counts(normalize=True, sort=False)
        view.value("status", ", ".join(f"{s} {percent(v)}" for s, v in shares.items()))
        return view

    def bootstrap(self, n_boot: int = 200, seed: int = 0) -> pd.DataFrame:
        """Group figures recomputed on ``n_boot`` resamples of each group's customers, refitting the
        group's chosen purchase and spend models each time. One row per draw and group: draw, group,
        churn_risk (mean 1 - P(alive)), share_lost, share_too_early, expected_purchases (mean), clv
        (mean). A draw whose refit fails is left out (counted in ``attrs["failed"]``)."""
        rng = np.random.default_rng(seed)
        rows, failed = [], {}
        for name, g in self.groups.items():
            if g.model is None:
                continue
            part = self.summary[self.summary["group"] == name]
            n = len(part)
            failed[name] = 0
            for b in range(n_boot):
                counts = np.bincount(rng.integers(0, n, n), minlength=n).astype(float)
                try:
                    figures = _draw_figures(self, g, part, counts)
                except (ModelError, DataError, FloatingPointError, ValueError, np.linalg.LinAlgError):
                    failed[name] += 1
                    continue
                rows.append({"draw": b, "group": name, **figures})
        out = pd.DataFrame(rows, columns=["draw", "group", *FIGURES])
        out.attrs["failed"] = failed
        return out


FIGURES = ("churn_risk", "share_lost", "share_too_early", "expected_purchases", "clv")


def _draw_figures(value: "ShopValue", g: GroupModel, part: pd.DataFrame, w: np.ndarray) -> dict[str, float]:
    """One bootstrap draw of a group's figures: refit on the customers drawn (``w``: how often each was
    drawn) and apply the same predictions and status rule as ``_predict_group``, in arrays (a draw is
    repeated a hundred times per group, so it skips the per-customer frames)."""
    cols = ["frequency", "recency", "T", "monetary_value"]
    model = CustomerValueModel(g.model.purchase, spend=g.model.spend).fit(part[cols], weights=w, start=g.model)
    pred = model.predict_arrays(value.horizon_months, "months", value.discount_rate)
    x = part["frequency"].to_numpy(float)
    spend = pred["expected_spend_per_order"] if model.spend_ is not None else _mean_repeat_order_value(part, w)
    wait = pred["next_purchase_in_days"]
    gap = np.minimum(g.typical_gap_days, np.where(x > 0, wait, np.inf))
    days = ((part["T"] - part["recency"]) * part.attrs.get("unit_days", 1.0)).to_numpy(float)
    pa = pred["p_alive"] if g.tier == "full" else np.full(len(x), np.nan)
    status, _ = customer_status(days, pa if g.status_source == "model" else None, gap, value.thresholds,
                                value.recency_days)
    codes = np.asarray(status.codes)

    def mean(v) -> float:
        v = np.asarray(v, float)
        ok = np.isfinite(v) & (w > 0)
        return float(v[ok] @ w[ok] / w[ok].sum()) if ok.any() else np.nan

    return {"churn_risk": mean(1.0 - pa), "share_lost": mean(codes == STATUSES.index("lost")),
            "share_too_early": mean(codes == STATUSES.index("too_early")),
            "expected_purchases": mean(pred["expected_purchases"]), "clv": mean(pred["discounted_purchases"] * spend)}


def _groups(shop: "Shop", summary: pd.DataFrame, by: str | None) -> tuple[pd.Series, str | None]:
    if by not in (None, "auto", "involvement"):
        raise ValueError(f"by must be None, 'auto' or 'involvement', not {by!r}")
    if by is not None and shop is not None:
        from journeylab.journey.levels import ensure_levels

        if ensure_levels(shop):
            lv = shop.sql("SELECT customer_id, level FROM _jl_customer_level").set_index("customer_id")["level"]
            level = lv.reindex(summary.index).fillna(UNKNOWN_LEVEL).astype(str)
            if (level != UNKNOWN_LEVEL).any():
                return level, "involvement"
        if by == "involvement":
            raise ModelError("no_involvement_levels")
    return pd.Series(GROUP_ALL, index=summary.index), None


def _typical_gap(part: pd.DataFrame) -> float:
    """The usual time between purchases of a group's customers, days: the group's observed time per
    repeat purchase, sum(T) / sum(x) (the maximum-likelihood gap of one common rate). Not the median gap
    of those who did buy again (among rarely bought products only the quickest returners are seen within
    the window: that gap made every silent high-involvement customer "lost" on simulated shops), and not
    the fitted Lomax median alpha (2^(1/r) - 1), which swings with r where few buy again (300 days
    against a true ~7 years on one simulated shop). inf when nobody bought twice."""
    x = float(part["frequency"].sum())
    if x <= 0:
        return np.inf
    return float(part["T"].sum() / x * part.attrs.get("unit_days", 1.0))


def _predict_group(value: "ShopValue | _Settings", g: GroupModel, part: pd.DataFrame,
                   weights: np.ndarray | None = None) -> pd.DataFrame:
    """Predictions and status for the customers of one group (``weights``: refit on a resample)."""
    cols = ["frequency", "recency", "T", "monetary_value"]
    days_since = ((part["T"] - part["recency"]) * part.attrs.get("unit_days", 1.0)).to_numpy(float)
    model = g.model
    if weights is not None and model is not None:
        model = CustomerValueModel(model.purchase, spend=model.spend, time_unit=None).fit(
            part[cols], weights=weights, start=model)
    out = pd.DataFrame(index=part.index)
    out["group"] = g.group
    out["model"] = g.label
    if model is not None:
        pred = model.predict(value.horizon_months, unit="months",
                             discount_rate=value.discount_rate, summary=part[cols])
        out["p_alive"] = pred["p_alive"] if g.tier == "full" else np.nan
        out["expected_purchases"] = pred["expected_purchases"]
        if "clv" in pred:
            out["expected_spend_per_order"] = pred["expected_spend_per_order"]
            out["clv"] = pred["clv"]
        else:  # no Gamma-Gamma fit (e.g. heavy-tailed spend): the group's mean repeat-order value
            out["expected_spend_per_order"] = _mean_repeat_order_value(part, weights)
            out["clv"] = pred["discounted_purchases"] * out["expected_spend_per_order"]
        out["next_purchase_date"] = pred.get("next_purchase_date", pd.NaT)
        # a repeat buyer's own (posterior median) gap may be shorter than the group's: the smaller counts.
        # Not for one-time buyers: their posterior is the prior, and where few buy again a fitted r swung
        # it to a tenth of the truth (300 days against ~7 years on one simulated shop)
        own = np.where(part["frequency"].to_numpy(float) > 0, pred["next_purchase_in_days"].to_numpy(float), np.inf)
        gap = np.minimum(g.typical_gap_days, own)
    else:
        for c in ("p_alive", "expected_purchases", "expected_spend_per_order", "clv"):
            out[c] = np.nan
        out["next_purchase_date"] = pd.NaT
        gap = np.full(len(part), g.typical_gap_days)
    out["churn_risk"] = 1.0 - out["p_alive"]
    out["days_since_last_order"] = days_since
    out["typical_gap_days"] = gap
    by_model = out["p_alive"].to_numpy(float) if g.status_source == "model" else None
    status, source = customer_status(days_since, by_model, gap, value.thresholds, value.recency_days)
    out["status"] = status
    out["status_source"] = source
    return out


def _mean_repeat_order_value(part: pd.DataFrame, weights: np.ndarray | None = None) -> float:
    """Mean value of the repeat purchases of a group (currency): sum of monetary_value x frequency over
    sum of frequency, the spend per order used where the Gamma-Gamma model cannot be fitted."""
    x = part["frequency"].to_numpy(float) * (1.0 if weights is None else weights)
    m = part["monetary_value"].to_numpy(float)
    return float(m @ x / x.sum()) if x.sum() > 0 else np.nan


@dataclass
class _Settings:
    horizon_months: float
    discount_rate: float
    thresholds: ChurnThresholds
    recency_days: tuple[float, float]


def _fit_group(name: str, part: pd.DataFrame, holdout: pd.DataFrame | None) -> GroupModel:
    x = part["frequency"].to_numpy(float)
    g = GroupModel(name, len(part), int((x > 0).sum()))
    g.typical_gap_days = _typical_gap(part)
    small = fitcheck.enough_data(g.n_customers, g.n_repeat)
    if small or holdout is None or len(holdout) == 0:
        g.problems.append(small or "small_sample")
        return g
    try:
        g.comparison = compare_models(holdout)
    except ModelError as exc:
        g.problems.append(exc.code or "fit_failed")
        return g
    rec = g.comparison.recommended
    if rec is None:
        g.problems.extend(p for k, c in g.comparison.checks.items() if k != "sample" for p in c.problems)
        if g.comparison.checks.get("sample"):
            g.problems.append(g.comparison.checks["sample"])
        return g
    cols = ["frequency", "recency", "T", "monetary_value"]
    try:
        model = CustomerValueModel(rec, spend="gammagamma").fit(part[cols])
    except ModelError as exc:  # the spend model may fail where the purchase model does not
        g.spend_problem = exc.code or "fit_failed"
        try:
            model = CustomerValueModel(rec, spend=None).fit(part[cols])
        except ModelError as exc2:
            g.problems.append(exc2.code or "fit_failed")
            return g
    # the refit on all data is judged too: more data rarely loses identification, but it must not be assumed
    full = fitcheck.judge(rec, model.params_[model.params_["model"] == MODEL_LABELS[rec]])
    tier = g.comparison.metrics.loc[rec, "tier"]
    if not full.rate_identified:
        g.problems.extend(full.problems)
        return g
    g.tier = "full" if tier == "full" and full.dropout_identified else "forecast"
    if g.tier == "forecast":
        g.problems.append("dropout_not_identified")
    g.model = model
    if g.tier == "full":
        # where the holdout shows that recency ranks customers better than the model's churn risk (e.g. a
        # dropout near zero gives everyone P(alive) ~ 1), status follows recency
        try:
            ev = evaluate_churn(holdout, model=g.comparison.models[rec])  # fitted there already
            auc = ev.metrics["auc"]
            if auc.iloc[2] > auc.iloc[0]:
                g.status_source = "recency"
                g.problems.append("recency_ranks_better")
        except (ModelError, ValueError):
            pass
    return g


def shop_value(shop: "Shop", *, horizon_months: float = 12, discount_rate: float = DISCOUNT_RATE, by: str | None = "auto",
               at: Any = None, thresholds: ChurnThresholds = ChurnThresholds(),
               recency_days: tuple[float, float] = RECENCY_DAYS) -> ShopValue:
    """Fit, judge and apply the shop's value model (see the module docstring).

    ``horizon_months``: CLV horizon; ``discount_rate``: per year (0.10 = 10 %, compounded
    monthly: journeylab.models.clv.annual_to_monthly); ``by``: "auto" (per
    involvement level where the shop has them), "involvement" (required) or None (one pooled model);
    ``at``: the date to value the customers at (default: the shop's observation end).
    """
    obs = pd.Timestamp(at if at is not None else shop.observation_end)
    if not shop.count("orders"):
        raise ModelError("no_customers")
    summary = customer_summary(shop, freq="D", observation_end=obs)
    if at is not None:
        summary = summary[summary["first_order_at"] < obs]
    if summary.empty:
        raise ModelError("no_customers")
    group, by_used = _groups(shop, summary, by)
    summary = summary.assign(group=group.to_numpy())
    cal_end = calibration_end(summary["first_order_at"].min(), obs)
    holdout = None
    if cal_end > summary["first_order_at"].min():
        holdout = customer_summary(shop, freq="D", observation_end=obs, calibration_end=cal_end)
        holdout = holdout.assign(group=group.reindex(holdout.index).to_numpy())
    settings = _Settings(horizon_months, discount_rate, thresholds, recency_days)
    groups, preds = {}, []
    for name in sorted(summary["group"].unique(), key=lambda n: (n == UNKNOWN_LEVEL, n != "low", n)):
        part = summary[summary["group"] == name]
        part.attrs = dict(summary.attrs)
        hold = None
        if holdout is not None:
            hold = holdout[holdout["group"] == name]
            hold.attrs = dict(holdout.attrs)
        g = _fit_group(name, part, hold)
        groups[name] = g
        preds.append(_predict_group(settings, g, part))
    predictions = pd.concat(preds).reindex(summary.index)
    predictions["status"] = pd.Categorical(predictions["status"].astype(str), categories=list(STATUSES), ordered=True)
    return ShopValue(summary, predictions, groups, by_used, horizon_months, discount_rate,
                     cal_end if holdout is not None else None, thresholds, recency_days)
