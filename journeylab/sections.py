"""What the report notebooks show, computed once and shared: the value-model bundle, the headline
figures of the executive summary, and the plain sentence a section shows when a model cannot be fitted.

Notebooks call these; they hold no analysis logic of their own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd

from .churn import ChurnThresholds, churn_classes, evaluate_churn
from .clv import MODEL_LABELS, CustomerValueModel, compare_models
from .errors import DataError, ModelError
from .i18n import t
from .shop import Shop
from .summary import customer_summary


@dataclass
class Outcome:
    """A section's result, or why there is none (``message``: a plain sentence for the report)."""

    ok: bool
    value: Any = None
    message: str = ""


def attempt(fn: Callable[[], Any], lang: str = "en") -> Outcome:
    """Run ``fn``; a ModelError or DataError becomes a plain sentence instead of a failed report."""
    try:
        return Outcome(True, fn())
    except (ModelError, DataError) as exc:
        why = exc.text(lang) if isinstance(exc, ModelError) else str(exc)
        return Outcome(False, None, f"{t('section_not_fitted', lang)} {why}")


def annual_to_monthly(rate: float) -> float:
    """A yearly discount rate (0.10 = 10 % a year) as the monthly rate lifetimes' CLV uses."""
    return (1.0 + rate) ** (1.0 / 12.0) - 1.0


def calibration_end(shop: Shop, max_holdout_days: int = 364) -> pd.Timestamp:
    """End of the calibration period for model checks: the last third of the observed period
    (at most ``max_holdout_days``) is held out, in whole weeks, as in the papers' 39/39-week split."""
    first = shop.con.execute("SELECT min(ordered_at) FROM orders").fetchone()[0]
    span = (shop.observation_end - pd.Timestamp(first)).days
    holdout_weeks = max(1, min(max_holdout_days, span // 3) // 7)
    return (shop.observation_end - pd.Timedelta(weeks=holdout_weeks)).normalize()


@dataclass
class ValueModels:
    """Everything the churn/CLV section and the executive summary need, fitted once."""

    summary: pd.DataFrame
    comparison: Any = None
    comparison_message: str = ""
    model: CustomerValueModel | None = None
    predictions: pd.DataFrame | None = None
    churn: Any = None
    message: str = ""
    calibration_end: pd.Timestamp | None = None
    extras: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.model is not None


def value_models(
    shop: Shop,
    *,
    horizon_months: float = 12,
    discount_rate: float = 0.10,
    lang: str = "en",
    thresholds: ChurnThresholds = ChurnThresholds(),
    recency_days: tuple[float, float] = (90.0, 365.0),
) -> ValueModels:
    """Fit and check the purchase and spend models on a shop (time in days).

    The three purchase models are compared on a calibration/holdout split and the recommended one
    is refitted on all data with Gamma-Gamma spend; predictions cover ``horizon_months`` with a
    yearly ``discount_rate``. Where a model cannot be fitted, the bundle carries a plain sentence.
    """
    summary = customer_summary(shop, freq="D")
    summary.attrs.update(time_unit="days", observation_end=shop.observation_end)
    out = ValueModels(summary=summary)
    cal_end = calibration_end(shop)
    out.calibration_end = cal_end
    chosen = "mbgnbd"
    holdout = customer_summary(shop, freq="D", calibration_end=cal_end)
    holdout.attrs.update(time_unit="days")
    cmp = attempt(lambda: compare_models(holdout), lang)
    if cmp.ok:
        out.comparison = cmp.value
        chosen = cmp.value.recommended
        ev = attempt(lambda: evaluate_churn(holdout, purchase=chosen if chosen != "bgnbd" else "mbgnbd"), lang)
        out.churn = ev.value if ev.ok else None
    else:
        out.comparison_message = cmp.message
    fit = attempt(lambda: CustomerValueModel(purchase=chosen, spend="gammagamma").fit(summary), lang)
    if not fit.ok:
        out.message = fit.message
        return out
    out.model = fit.value
    pred = attempt(lambda: fit.value.predict(horizon_months, unit="months", discount_rate=annual_to_monthly(discount_rate),
                                             observation_end=shop.observation_end), lang)
    if not pred.ok:
        out.message = pred.message
        out.model = None
        return out
    p = pred.value
    # BG/NBD gives every one-time buyer P(alive) = 1; churn status then comes from MBG/NBD (see churn.py)
    status_src = p
    if chosen == "bgnbd":
        alt = attempt(lambda: CustomerValueModel(purchase="mbgnbd", spend=None).fit(summary).predict(1), lang)
        status_src = alt.value if alt.ok else p
    p["churn_risk"] = 1.0 - status_src["p_alive"]
    p["status"] = churn_classes(p["churn_risk"].to_numpy(), thresholds)
    p["status_source"] = "model"
    if out.churn is not None and _recency_ranks_better(out.churn):
        # The holdout says the model's churn risk ranks customers worse than plain recency
        # (e.g. a fitted dropout near zero gives everyone P(alive) ~ 1): status then follows recency.
        since_last = (summary["T"] - summary["recency"]).reindex(p.index).to_numpy(float)
        p["status"] = recency_status(since_last, recency_days)
        p["status_source"] = "recency"
        out.extras["status_note"] = t("status_from_recency", lang).format(
            at_risk=recency_days[0], lost=recency_days[1],
            auc_model=out.churn.metrics.iloc[0]["auc"], auc_recency=out.churn.metrics.iloc[2]["auc"])
    out.predictions = p
    out.extras["model_label"] = MODEL_LABELS[chosen]
    return out


def comparison_reason(comparison, lang: str = "en") -> str:
    """Why the recommended purchase model was chosen, in the report's language (``compare_models`` result)."""
    if lang != "nl":
        return comparison.reason
    m = comparison.metrics
    rec = comparison.recommended
    others = "; ".join(f"{MODEL_LABELS[k]} {v:.3f}" for k, v in m["rmse"].items() if k != rec)
    text = (f"{MODEL_LABELS[rec]} voorspelt de aankopen per klant in de holdoutperiode het best (RMSE "
            f"{m.loc[rec, 'rmse']:.3f}" + (f"; {others}" if others else "") + ") en wijkt "
            f"{m.loc[rec, 'total_error_pct']:+.1f}% af van het werkelijke totaal")
    close = m.index[m["rmse"] <= m["rmse"].min() * 1.01]
    if len(close) > 1:
        text += (f"; {', '.join(MODEL_LABELS[k] for k in close if k != rec)} liggen binnen 1% RMSE, dus gaf de "
                 "kleinste afwijking van het totaal (daarna het eenvoudigste model) de doorslag")
    return text + "."


def rfm_rule_text(rfm: pd.DataFrame, lang: str = "en") -> str:
    """How the RFM scores were made for this shop, in the report's language."""
    fixed = str(rfm.attrs.get("f_rule", "")).startswith("fixed")
    version = rfm.attrs.get("segment_map_version", "")
    if lang == "nl":
        f = ("F telt bestellingen in vaste klassen (1, 2, 3, 4-5, 6 of meer), omdat de meeste klanten even vaak bestelden"
             if fixed else "F is het kwintiel van het aantal bestellingen")
        return (f"R, F en M zijn scores van 1 tot 5: R naar de tijd sinds de laatste bestelling, M naar de gemiddelde "
                f"orderwaarde (kwintielen; gelijke waarden krijgen dezelfde score); {f}. Segmentenkaart {version}.")
    return (f"R, F and M are scores from 1 to 5: R by the time since the last order, M by the mean order value "
            f"(quintiles; equal values get the same score); F: {rfm.attrs.get('f_rule', '')}. Segment map {version}.")


def recency_status(days_since_last_order, recency_days: tuple[float, float] = (90.0, 365.0)) -> pd.Categorical:
    """Active / at risk / lost from days since the last order: up to ``recency_days[0]`` days active,
    up to ``recency_days[1]`` at risk, beyond that lost (the journey's recency rule)."""
    import numpy as np

    from .churn import CLASSES

    idx = np.searchsorted(np.asarray(recency_days, float), np.asarray(days_since_last_order, float), side="left")
    return pd.Categorical.from_codes(np.clip(idx, 0, 2), categories=list(CLASSES), ordered=True)


def _recency_ranks_better(evaluation) -> bool:
    auc = evaluation.metrics["auc"]
    return bool(auc.iloc[2] > auc.iloc[0])


def headline(shop: Shop, models: ValueModels) -> dict[str, float | str | None]:
    """The five numbers a shop owner reads first: customers, revenue (shop currency), repeat rate,
    share of customers at risk or lost, and expected CLV of all customers over the horizon."""
    s = models.summary
    n = len(s)
    out: dict[str, float | str | None] = {
        "customers": int(n),
        "revenue": float(s["total_revenue"].sum()),
        "repeat_rate": float((s["frequency"] > 0).mean()) if n else None,
        "share_at_risk_or_lost": None,
        "clv_total": None,
        "model": models.extras.get("model_label"),
    }
    if models.ok:
        p = models.predictions
        out["share_at_risk_or_lost"] = float((p["status"].astype(str) != "active").mean())
        out["clv_total"] = float(p["clv"].sum())
    return out
