"""What a customer-lifetime model should recover from a simulated shop: figures computed from its truth.

A validation suite fits journeylab's models (BG/NBD + Gamma-Gamma, per involvement level) on a
simulated shop and compares their estimates with these figures, computed from the latent state
the simulator kept (``SimulationTruth``: ``.customers`` one row per person, ``.params`` as in
truth.json). Buyers only; the level is ``involvement``, the level of a buyer's FIRST purchase.

API
    true_customer_figures(truth, horizon_weeks=52.18, discount_rate_per_month=0.0) -> DataFrame
        one row per buyer (index customer_id): level, alive, p_alive_true, expected_purchases,
        expected_spend_per_order, clv.
    true_level_figures(truth, horizon_weeks=52.18, discount_rate_per_month=0.0) -> DataFrame
        one row per level (index "level": low, high): customers, share_dropped_out, mean_p_alive,
        expected_purchases, expected_spend_per_order, clv, repeat_rate.
    expected_repeat_purchases(lam, p, t_weeks) and discounted_repeat_purchases(...): the formulas.
    ``truth`` is a SimulationTruth, a SimulatedShop, or the folder write_shop wrote (truth.json +
    truth_customers.parquet).

What the simulator does (journeylab.simulate.model.simulate_block), and so what the figures mean
    * Time is in WEEKS from the observation end (``end``) on; the horizon is ``horizon_weeks``
      (default 52.18 = 365.25 / 7, one year).
    * Repeat purchases: Poisson with rate ``lambda_per_week`` while alive; after each REPEAT purchase
      the customer drops out with probability ``p_dropout`` (a geometric number of repeats; the
      first purchase cannot end a customer's life, so every one-time buyer has alive_at_end True).
      A dropped-out customer's ``dropout_at`` is the time of their last repeat order.
      ``alive_at_end`` is null for never-buyers; ``T_weeks`` is first purchase -> observation end.
    * p_alive_true is 1.0 or 0.0 (``alive_at_end``). A fitted model gives a probability given the
      observed history; its mean over a level should match the level's mean_p_alive.
    * expected_purchases: the true conditional expectation of the repeat purchases in
      (end, end + horizon], given the customer's true lambda, p and alive state. For an alive
      customer, purchases arrive at rate lambda and each ends the customer's life w.p. p, so the
      death rate is lambda * p and the purchase rate at time s is lambda * exp(-lambda p s):
      E[count in (0, t]] = (1 - exp(-lambda p t)) / p (lambda t when p = 0). Dropout is memoryless,
      so being alive at the end is all that matters of the past. 0 for a dropped-out customer.
      (A fitted BG/NBD gives E[count | history]; by the tower rule its mean over customers equals
      the mean of these truths, so compare level means, not single customers.)
    * Order value is Gamma-Gamma with ``nu_low`` / ``nu_high`` the customer's RATE parameters per
      level (drawn for every buyer, both levels): value ~ Gamma(shape p_level, rate nu_level), mean
      p_level / nu_level euros. A repeat order is of the other level with probability
      crossover_prob of the FIRST-purchase level, and then draws its value with the other level's
      p and the customer's nu for that other level. So the next order's expected value is
      (1 - c_L) p_L / nu_L + c_L p_O / nu_O (L = first level, O = the other). The order's revenue
      equals this value up to rounding unit prices to cents. Cancelled sibling orders (status
      "cancelled") are outside the process and count neither as purchases nor as spend.
    * clv = expected_spend_per_order * (discounted) expected_purchases: the order level (and so the
      value) is drawn independently of the purchase times. Discounting follows lifetimes'
      ``customer_lifetime_value`` as journeylab.models.clv implements it: the horizon is cut into months of
      ``weeks_per_month`` (4.345, lifetimes' convention for weekly models; a daily model uses 30 days
      = 4.2857 weeks) and the expected purchases in the step ending at s weeks are discounted by
      (1 + d) ** -(s / weeks_per_month) (month k: (1 + d) ** -k; the last, partial step ends at the
      horizon). With d = 0 clv = expected_spend_per_order * expected_purchases.
    * repeat_rate: share of buyers with at least one repeat order within the observed window.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from journeylab.data.contract import INVOLVEMENT_LEVELS

LEVELS = INVOLVEMENT_LEVELS
WEEKS_PER_YEAR = 365.25 / 7.0  # 52.18
WEEKS_PER_MONTH = 4.345  # lifetimes' month for a model in weeks (journeylab.models.clv.UNITS_PER_MONTH)


def expected_repeat_purchases(lam: Any, p: Any, t_weeks: float) -> np.ndarray:
    """Expected repeat purchases in the next ``t_weeks`` weeks of an ALIVE BG/NBD customer.

    ``lam``: purchase rate per week, ``p``: dropout probability after each purchase (arrays broadcast).
    (1 - exp(-lam p t)) / p, and lam * t where p == 0.
    """
    lam, p = np.asarray(lam, float), np.asarray(p, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(p > 0, -np.expm1(-lam * p * t_weeks) / p, lam * t_weeks)
    return out


def month_steps(horizon_weeks: float, discount_rate_per_month: float = 0.0,
                weeks_per_month: float = WEEKS_PER_MONTH) -> tuple[np.ndarray, np.ndarray]:
    """Step ends in weeks (month by month, the last one = the horizon) and their discount factors
    (1 + d) ** -(step / weeks_per_month): journeylab.models.clv's (and lifetimes') convention."""
    if horizon_weeks <= 0:
        raise ValueError(f"horizon_weeks must be positive, not {horizon_weeks}")
    months = horizon_weeks / weeks_per_month
    steps = np.arange(1, math.ceil(months - 1e-9) + 1, dtype=float) * weeks_per_month
    steps[-1] = horizon_weeks
    return steps, (1.0 + discount_rate_per_month) ** -(steps / weeks_per_month)


def discounted_repeat_purchases(lam: Any, p: Any, horizon_weeks: float, discount_rate_per_month: float = 0.0,
                                weeks_per_month: float = WEEKS_PER_MONTH) -> np.ndarray:
    """Expected repeat purchases of an ALIVE customer within the horizon, each month's share
    discounted by (1 + d) ** -month (see ``month_steps``); equals expected_repeat_purchases when d = 0."""
    steps, disc = month_steps(horizon_weeks, discount_rate_per_month, weeks_per_month)
    lam, p = np.broadcast_arrays(np.asarray(lam, float), np.asarray(p, float))
    cum = np.stack([expected_repeat_purchases(lam, p, s) for s in steps], axis=-1)
    return np.diff(cum, axis=-1, prepend=0.0) @ disc


def _load(truth: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    """(customers, simulator params dict) from a SimulationTruth, a SimulatedShop or a write_shop folder."""
    if isinstance(truth, (str, Path)):
        folder = Path(truth)
        if folder.is_file():  # shop.yaml
            folder = folder.parent
        params = json.loads((folder / "truth.json").read_text())
        return pd.read_parquet(folder / "truth_customers.parquet"), params
    if hasattr(truth, "truth"):  # SimulatedShop
        truth = truth.truth
    return truth.customers, truth.params


def _level_params(params: dict[str, Any]) -> dict[str, dict[str, float]]:
    """crossover_prob and Gamma-Gamma shape p per level, from truth.params (truth.json)."""
    sim = params.get("params", params)
    return {lv: {"crossover": float(sim[lv]["crossover_prob"]), "gg_p": float(sim[lv]["gamma_gamma"]["p"])}
            for lv in LEVELS}


def true_customer_figures(truth: Any, horizon_weeks: float = WEEKS_PER_YEAR, discount_rate_per_month: float = 0.0,
                          *, weeks_per_month: float = WEEKS_PER_MONTH) -> pd.DataFrame:
    """True per-buyer figures for the ``horizon_weeks`` weeks after the observation end.

    Index customer_id; columns: level (first-purchase involvement), alive (bool, not dropped out at
    the end), p_alive_true (1.0 / 0.0), expected_purchases (repeat purchases within the horizon,
    given true lambda, p and alive), expected_spend_per_order (EUR, expected value of the next order
    including the cross-over mix), clv (EUR, expected_spend_per_order * expected purchases, the
    latter discounted month by month at ``discount_rate_per_month``), n_repeat (repeat orders in the
    observed window), lambda_per_week, p_dropout.
    """
    customers, params = _load(truth)
    c = customers[customers["is_buyer"].astype(bool)]
    lp = _level_params(params)
    level = c["involvement"].astype(str).to_numpy()
    if not np.isin(level, LEVELS).all():
        raise ValueError(f"unknown involvement levels {sorted(set(level) - set(LEVELS))}")
    high = level == "high"
    alive = c["alive_at_end"].astype(bool).to_numpy()
    lam = c["lambda_per_week"].to_numpy(float)
    p = c["p_dropout"].to_numpy(float)
    expected = np.where(alive, expected_repeat_purchases(lam, p, horizon_weeks), 0.0)
    if discount_rate_per_month:
        discounted = np.where(alive, discounted_repeat_purchases(lam, p, horizon_weeks, discount_rate_per_month,
                                                                  weeks_per_month), 0.0)
    else:
        discounted = expected
    # mean value of an order at each level: shape p of that level over the customer's rate nu for it
    mean_low = lp["low"]["gg_p"] / c["nu_low"].to_numpy(float)
    mean_high = lp["high"]["gg_p"] / c["nu_high"].to_numpy(float)
    cross = np.where(high, lp["high"]["crossover"], lp["low"]["crossover"])
    own, other = np.where(high, mean_high, mean_low), np.where(high, mean_low, mean_high)
    spend = (1.0 - cross) * own + cross * other
    return pd.DataFrame({
        "level": level,
        "alive": alive,
        "p_alive_true": alive.astype(float),
        "expected_purchases": expected,
        "expected_spend_per_order": spend,
        "clv": spend * discounted,
        "n_repeat": c["n_repeat"].to_numpy(float),
        "lambda_per_week": lam,
        "p_dropout": p,
    }, index=pd.Index(c["customer_id"].astype(str).to_numpy(), name="customer_id"))


def true_level_figures(truth: Any, horizon_weeks: float = WEEKS_PER_YEAR, discount_rate_per_month: float = 0.0,
                       *, weeks_per_month: float = WEEKS_PER_MONTH) -> pd.DataFrame:
    """True per-level figures (level of the first purchase; buyers only) for the next ``horizon_weeks`` weeks.

    Index "level" (low, high); columns: customers (count), share_dropped_out (1 - mean alive_at_end),
    mean_p_alive (1 - share_dropped_out), expected_purchases (mean true expected repeat purchases
    within the horizon), expected_spend_per_order (mean, EUR), clv (mean, EUR, discounted at
    ``discount_rate_per_month``), repeat_rate (share with n_repeat >= 1). Means are over customers.
    """
    cf = true_customer_figures(truth, horizon_weeks, discount_rate_per_month, weeks_per_month=weeks_per_month)
    cf = cf.assign(dropped=1.0 - cf["p_alive_true"], repeat=(cf["n_repeat"] >= 1).astype(float))
    out = cf.groupby("level").agg(
        customers=("p_alive_true", "size"),
        share_dropped_out=("dropped", "mean"),
        mean_p_alive=("p_alive_true", "mean"),
        expected_purchases=("expected_purchases", "mean"),
        expected_spend_per_order=("expected_spend_per_order", "mean"),
        clv=("clv", "mean"),
        repeat_rate=("repeat", "mean"),
    ).reindex(list(LEVELS))
    out["customers"] = out["customers"].fillna(0).astype(int)
    out.index.name = "level"
    out.attrs.update(horizon_weeks=horizon_weeks, discount_rate_per_month=discount_rate_per_month,
                     weeks_per_month=weeks_per_month)
    return out
