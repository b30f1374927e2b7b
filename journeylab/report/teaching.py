"""Helpers for the course notebooks (notebooks/teaching/): a simulated shop with its truth, and answer checks."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from journeylab.data.shop import Shop, load_shop
from journeylab.i18n import labeller
from journeylab.simulate import simulate_shop
from journeylab.models.summary import customer_summary



@dataclass
class CourseShop:
    """A simulated shop for the course: the loaded Shop, its truth, and a weekly customer summary
    (time in weeks, measured in days / 7) joined with each buyer's true involvement and latent state."""

    shop: Shop
    truth: Any
    summary: pd.DataFrame


def course_shop(n_customers: int = 4000, seed: int = 7, start: str = "2023-01-01", end: str = "2024-12-31") -> CourseShop:
    """Simulate a shop of ``n_customers`` buyers (plus non-buying visitors) and load it."""
    sim = simulate_shop(n_customers, start=start, end=end, seed=seed)
    shop = load_shop({"name": f"course-{seed}", "observation_end": str(sim.observation_end), "tables": sim.tables()})
    summary = customer_summary(shop, freq="D", freq_multiplier=7)
    summary.attrs["time_unit"] = "weeks"
    people = sim.truth.customers.dropna(subset=["customer_id"]).set_index("customer_id")
    summary = summary.join(people[["involvement", "alive_at_end", "lambda_per_week", "p_dropout", "phase"]])
    summary.attrs["time_unit"] = "weeks"
    return CourseShop(shop=shop, truth=sim.truth, summary=summary)


def true_bgnbd(truth: Any, involvement: str) -> pd.Series:
    """The simulator's true BG/NBD parameters (r, alpha in weeks, a, b) of one involvement level."""
    return pd.Series(truth.params["params"][involvement]["bgnbd"], name="truth").astype(float)


def check(answer: Any, expected: Any, *, tolerance: float = 0.0, lang: str = "en") -> bool | None:
    """Compare a student's answer with the expected value; prints feedback, returns True/False (None: unanswered).

    Numbers pass within ``tolerance`` (absolute); anything else must be equal.
    """
    lab = labeller(lang)
    if answer is None:
        print(lab("answer_todo"))
        return None
    if isinstance(expected, (int, float, np.number)) and isinstance(answer, (int, float, np.number)):
        ok = bool(abs(float(answer) - float(expected)) <= tolerance)
    else:
        ok = bool(answer == expected)
    print(f"{lab('answer_ok') if ok else lab('answer_no')}: {answer!r}"
          + ("" if ok else " " + lab("answer_expected").format(expected=repr(expected))))
    return ok
