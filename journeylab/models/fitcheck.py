"""Judging a purchase model's fit before anything is concluded from it.

A fit is used only when the data can carry it. Three checks, each a rule with its threshold here:

- **Enough data.** At least ``MIN_CUSTOMERS`` customers and ``MIN_REPEAT_BUYERS`` repeat buyers in the
  calibration period. Below that, holdout errors and parameter intervals are too wide for a churn or
  CLV figure to mean anything (a 40-customer shop got r = 4.3M and "95% at risk or lost").
- **Identified.** A parameter is identified when its 95% Wald interval (log scale) is finite, spans
  at most a factor ``MAX_INTERVAL_RATIO`` from lower to upper bound, and the estimate lies between
  ``1e-6`` and ``1e6`` (an estimate beyond that is the optimiser walking along a ridge or to a
  boundary, e.g. BG/NBD's a and b growing together when few customers ever buy again). The purchase
  rate (r, alpha) and the dropout (a, b or s, beta) are judged apart: a fit whose rate is identified
  but whose dropout is not still forecasts purchases (checked on the holdout), but says nothing about
  who has stopped buying.
- **Adequate.** On the holdout, the model's per-customer RMSE is at most ``MAX_RMSE_RATIO`` times that
  of a naive baseline (each customer keeps buying at their calibration rate: x / T per unit of time),
  and the holdout total is missed by at most ``MAX_TOTAL_ERROR`` (50 %).

``tier`` sums it up: "full" (identified and adequate: churn, P(alive) and CLV), "forecast" (rate
identified and adequate, dropout not: expected purchases and CLV, no churn status), or "none".
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from journeylab.display_repr import Shown, View
from journeylab.i18n import MODEL_LABELS

MIN_CUSTOMERS = 200
MIN_REPEAT_BUYERS = 50
MAX_INTERVAL_RATIO = 1_000.0
PARAM_RANGE = (1e-6, 1e6)
MAX_RMSE_RATIO = 1.10
MAX_TOTAL_ERROR = 0.50

RATE_PARAMS = ("r", "alpha")
DROPOUT_PARAMS = {"bgnbd": ("a", "b"), "mbgnbd": ("a", "b"), "paretonbd": ("s", "beta")}


def identified(estimate: np.ndarray, se_log: np.ndarray) -> np.ndarray:
    """Per parameter: True when its 95% interval is finite and narrow enough and the estimate is in range."""
    est = np.asarray(estimate, float)
    se = np.asarray(se_log, float)
    ratio = np.exp(2 * 1.96 * np.where(np.isfinite(se), se, np.inf))
    return (np.isfinite(est) & (est > PARAM_RANGE[0]) & (est < PARAM_RANGE[1]) & np.isfinite(se) & (se > 0)
            & (ratio <= MAX_INTERVAL_RATIO))


def enough_data(n_customers: int, n_repeat: int) -> str | None:
    """None when a purchase model may be judged on this many customers, else the reason code."""
    if n_customers < MIN_CUSTOMERS or n_repeat < MIN_REPEAT_BUYERS:
        return "small_sample"
    return None


def baseline_holdout(summary: pd.DataFrame) -> np.ndarray:
    """The naive forecast of holdout purchases: each customer's calibration repeat rate x / T times the
    holdout length (0 for one-time buyers)."""
    x = summary["frequency_cal"].to_numpy(float)
    T = summary["T_cal"].to_numpy(float)
    d = summary["duration_holdout"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(T > 0, x / T, 0.0)
    return rate * d


@dataclass(repr=False)
class FitCheck(Shown):
    """The verdict on one fit. ``problems``: reason codes (i18n.FIT_PROBLEMS), in the order found."""

    model: str
    rate_identified: bool
    dropout_identified: bool
    adequate: bool | None
    problems: list[str] = field(default_factory=list)

    @property
    def tier(self) -> str:
        if not self.rate_identified or self.adequate is False:
            return "none"
        return "full" if self.dropout_identified else "forecast"

    def _view(self) -> View:
        yes = {True: "yes", False: "no", None: "not checked (no holdout)"}
        return (View(f"FitCheck of {MODEL_LABELS.get(self.model, self.model)}: tier {self.tier}")
                .value("rate identified", yes[self.rate_identified])
                .value("dropout identified", yes[self.dropout_identified])
                .value("adequate on the holdout", yes[self.adequate])
                .value("problems", ", ".join(self.problems) or "none"))


def judge(model: str, params: pd.DataFrame, rmse: float | None = None, baseline_rmse: float | None = None,
          total_error: float | None = None) -> FitCheck:
    """The FitCheck of purchase model ``model`` from its parameter table (columns parameter, identified)
    and, where a holdout exists, its RMSE, the baseline's RMSE and its relative total error (0.1 = 10 %)."""
    ok = dict(zip(params["parameter"], params["identified"]))
    rate = all(ok.get(p, False) for p in RATE_PARAMS)
    drop = all(ok.get(p, False) for p in DROPOUT_PARAMS[model])
    problems = []
    if not rate:
        problems.append("rate_not_identified")
    if not drop:
        problems.append("dropout_not_identified")
    adequate = None
    if rmse is not None:
        adequate = True
        if baseline_rmse is not None and np.isfinite(baseline_rmse) and rmse > MAX_RMSE_RATIO * baseline_rmse:
            adequate = False
            problems.append("worse_than_baseline")
        if total_error is not None and not abs(total_error) <= MAX_TOTAL_ERROR:
            adequate = False
            problems.append("holdout_total_off")
    return FitCheck(model, rate, drop, adequate, problems)
