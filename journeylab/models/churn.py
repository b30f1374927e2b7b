"""Churn risk (1 - P(alive)) with active / at risk / lost classes, and its holdout evaluation.

Evaluation target: "no purchase in the holdout period". Two scores from the purchase model are
evaluated: ``churn_risk`` = 1 - P(alive) at the calibration end (ranking: ROC AUC), and
``p_no_purchase`` over the holdout length (a probability of exactly the target event: Brier score
and calibration table). The baseline is RFM recency: time since the last calibration purchase.

BG/NBD assumes customers can only drop out right after a repeat purchase, so every one-time buyer has
P(alive) = 1 and churn risk 0: as a churn score it ranks one-time buyers as safest, which is usually
wrong (on CDNOW its AUC is below 0.5). Churn functions therefore default to MBG/NBD, which lets
customers drop out after their first purchase too; Pareto/NBD is the other sound choice.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from journeylab.display_repr import Shown, View, number, percent
from journeylab.i18n import t
from journeylab.models.clv import CustomerValueModel
from journeylab.models.summary import require_summary_columns

# Ids, never shown as they are: the words come from journeylab.i18n.status_label (STATUSES there).
CLASSES = ("active", "at_risk", "lost")
# Statuses a customer can have in a report: the churn classes, plus too_early ("too early to tell") where
# silence cannot be read as dropout yet (customer_status).
STATUSES = CLASSES + ("too_early",)
RECENCY_DAYS = (90.0, 365.0)


@dataclass(frozen=True)
class ChurnThresholds:
    """Churn risk below ``at_risk`` is active, from ``lost`` on it is lost, in between at risk."""

    at_risk: float = 0.3
    lost: float = 0.7

    def __post_init__(self) -> None:
        if not 0 <= self.at_risk <= self.lost <= 1:
            raise ValueError("thresholds need 0 <= at_risk <= lost <= 1")


def churn_classes(risk: pd.Series | np.ndarray, thresholds: ChurnThresholds = ChurnThresholds()) -> pd.Categorical:
    """Classes active / at risk / lost from churn risk values in [0, 1]."""
    idx = np.searchsorted([thresholds.at_risk, thresholds.lost], np.asarray(risk, float), side="right")
    return pd.Categorical.from_codes(idx, categories=list(CLASSES), ordered=True)


def recency_classes(days_since_last: pd.Series | np.ndarray,
                    recency_days: tuple[float, float] = RECENCY_DAYS) -> pd.Categorical:
    """Active / at risk / lost from days since the last order (or visit): up to ``recency_days[0]``
    active, up to ``recency_days[1]`` at risk, beyond that lost."""
    idx = np.searchsorted(np.asarray(recency_days, float), np.asarray(days_since_last, float), side="left")
    return pd.Categorical.from_codes(np.clip(idx, 0, 2), categories=list(CLASSES), ordered=True)


def customer_status(days_since_last: np.ndarray, p_alive: np.ndarray | None = None,
                    typical_gap_days: np.ndarray | None = None,
                    thresholds: ChurnThresholds = ChurnThresholds(),
                    recency_days: tuple[float, float] = RECENCY_DAYS) -> tuple[pd.Categorical, np.ndarray]:
    """The one status rule of journeylab: (status, source) per customer or visitor.

    Where ``p_alive`` is known (a purchase model whose dropout is identified) the churn classes of
    1 - P(alive) decide; elsewhere recency does (``recency_classes``). Silence is not churn for rare
    purchases: a customer who would be ``at_risk`` or ``lost`` but has been silent for less than their
    ``typical_gap_days`` (the time between purchases expected of customers like them, see
    journeylab.journey.value) is ``too_early`` (too early to tell). ``source`` is "model", "recency" or
    "too_early" per row. Statuses are ids (STATUSES); journeylab.i18n.status_label gives their words.
    """
    days = np.asarray(days_since_last, float)
    pa = np.full(len(days), np.nan) if p_alive is None else np.asarray(p_alive, float)
    use_model = np.isfinite(pa)
    codes = np.asarray(recency_classes(days, recency_days).codes).copy()
    if use_model.any():
        codes[use_model] = np.asarray(churn_classes(1.0 - pa[use_model], thresholds).codes)
    source = np.where(use_model, "model", "recency").astype(object)
    if typical_gap_days is not None:
        gap = np.asarray(typical_gap_days, float)
        early = (codes >= 1) & (days < gap)
        codes[early] = 3
        source[early] = "too_early"
    return pd.Categorical.from_codes(codes, categories=list(STATUSES), ordered=True), source


def churn_risk(model: CustomerValueModel, summary: pd.DataFrame | None = None,
               thresholds: ChurnThresholds = ChurnThresholds()) -> pd.DataFrame:
    """Per customer: p_alive, churn_risk = 1 - p_alive, churn_class (active / at risk / lost)."""
    pred = model.predict(1, unit="months", summary=summary)
    out = pd.DataFrame({"p_alive": pred["p_alive"], "churn_risk": 1.0 - pred["p_alive"]})
    out["churn_class"] = churn_classes(out["churn_risk"], thresholds)
    out.attrs["thresholds"] = {"at_risk": thresholds.at_risk, "lost": thresholds.lost}
    return out


def roc_auc(y: np.ndarray, score: np.ndarray) -> float:
    """ROC AUC via the Mann-Whitney U statistic (ties count half); y is 0/1."""
    y = np.asarray(y, bool)
    n1, n0 = y.sum(), (~y).sum()
    if n1 == 0 or n0 == 0:
        raise ValueError("ROC AUC needs both outcomes in the holdout (some buyers and some non-buyers)")
    from scipy.stats import rankdata  # scipy.stats costs 0.6 s to import: only where it is used

    ranks = rankdata(score)
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def brier(y: np.ndarray, p: np.ndarray) -> float:
    """Mean squared difference between probability and 0/1 outcome (0 is perfect)."""
    return float(np.mean((np.asarray(p, float) - np.asarray(y, float)) ** 2))


def calibration_table(y: np.ndarray, p: np.ndarray, n_bins: int = 10) -> pd.DataFrame:
    """Equal-width probability bins: customers, mean predicted, observed rate (empty bins dropped)."""
    bins = np.clip((np.asarray(p) * n_bins).astype(int), 0, n_bins - 1)
    df = pd.DataFrame({"bin": bins, "predicted": p, "observed": np.asarray(y, float)})
    tab = df.groupby("bin").agg(customers=("observed", "size"), predicted=("predicted", "mean"),
                                observed=("observed", "mean"))
    tab.index = [f"{b / n_bins:.1f}-{(b + 1) / n_bins:.1f}" for b in tab.index]
    tab.index.name = "probability"
    return tab


@dataclass(repr=False)
class ChurnEvaluation(Shown):
    """``metrics``: one row per score (auc; brier where the score is a probability of the event);
    ``calibration``: of p_no_purchase; ``scores``: per customer."""

    metrics: pd.DataFrame
    calibration: pd.DataFrame
    scores: pd.DataFrame
    base_rate: float

    @property
    def note(self) -> str:
        return self.metrics.attrs.get("note", "")

    def _view(self) -> View:
        rows = [[score, number(r["auc"], 3), number(r["brier"], 3)] for score, r in self.metrics.iterrows()]
        return (View(f"ChurnEvaluation on {number(len(self.scores))} customers: {percent(self.base_rate)} made no "
                     "purchase in the holdout")
                .table(["score", "AUC", "Brier"], rows).note(self.note))


def evaluate_churn(summary: pd.DataFrame, purchase: str = "mbgnbd", penalizer: float = 0.0,
                   time_unit: str | None = None, n_bins: int = 10,
                   model: CustomerValueModel | None = None) -> ChurnEvaluation:
    """Fit the purchase model on the calibration columns and score "no purchase in the holdout".

    ``summary`` needs frequency_cal, recency_cal, T_cal, frequency_holdout, duration_holdout. ``model``:
    one already fitted on these calibration columns (e.g. ``compare_models(summary).models[name]``),
    used instead of fitting again.
    """
    require_summary_columns(summary, ["frequency_cal", "recency_cal", "T_cal", "frequency_holdout", "duration_holdout"],
                            "a churn evaluation")
    cal = summary[["frequency_cal", "recency_cal", "T_cal"]].set_axis(["frequency", "recency", "T"], axis=1)
    cal.attrs = dict(summary.attrs)
    if model is None:
        model = CustomerValueModel(purchase, spend=None, penalizer=penalizer, time_unit=time_unit).fit(cal)
    y = (summary["frequency_holdout"] <= 0).to_numpy()
    durations = summary["duration_holdout"].to_numpy(float)
    p_alive = model.predict(1, unit="months")["p_alive"].to_numpy()
    # P(no purchase over each customer's own holdout length); lengths are few, so loop over them
    p_none = np.empty(len(y))
    for d in np.unique(durations):
        sel = durations == d
        part = cal[sel]
        p_none[sel] = model.predict(d * model.unit_days_, unit="days", summary=part)["p_no_purchase"].to_numpy()
    since_last = (summary["T_cal"] - summary["recency_cal"]).to_numpy(float)
    scores = pd.DataFrame({"churn_risk": 1 - p_alive, "p_no_purchase": p_none, "recency_baseline": since_last,
                           "no_purchase_in_holdout": y}, index=summary.index)
    metrics = pd.DataFrame({
        # score ids; their words are journeylab.i18n.CHURN_SCORES (churn_score_label)
        "score": ["churn_risk", "p_no_purchase", "recency"],
        "auc": [roc_auc(y, scores["churn_risk"]), roc_auc(y, p_none), roc_auc(y, since_last)],
        "brier": [brier(y, scores["churn_risk"]), brier(y, p_none), np.nan],
    }).set_index("score")
    # an English note for the analyst, from journeylab.i18n (the ids in attrs["notes"] give it in Dutch too)
    notes = ["note_recency_no_brier"] + (["note_one_time_buyers_alive"] if model.purchase_.one_time_buyers_alive else [])
    metrics.attrs["notes"] = notes
    metrics.attrs["note"] = "; ".join(t(n) for n in notes)
    return ChurnEvaluation(metrics, calibration_table(y, p_none, n_bins), scores, float(y.mean()))
