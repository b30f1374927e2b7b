"""Shared checks of the validation suite (journeylab.report.validation), split over two test files so the two
pytest workers share the work. Tolerances are what the suite reaches, with some room (docs/validation.md)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from journeylab.report.validation import ShopResult, run_shop

N_BOOT, N_BOOT_MODEL = 100, 20
# per level, the model figures against the simulated truth: |churn risk - true share dropped out|, and the
# ratios estimate / truth of expected purchases and CLV over 12 months (tier full or forecast only)
CHURN_TOLERANCE = 0.10
RATIOS = {"low": (0.8, 1.25), "high": (0.6, 1.5), "all": (0.8, 1.3)}
POOLED_CHURN_TOLERANCE = 0.2  # one model over two very different populations overstates churn (~+0.17)


def run(scenarios) -> list[ShopResult]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [run_shop(s, seed, N_BOOT, N_BOOT_MODEL) for s in scenarios for seed in s.seeds]


def check_levels(results: list[ShopResult]) -> None:
    for r in results:
        for group, row in r.levels.iterrows():
            where = (r.scenario, r.seed, group)
            if row["tier"] == "none":
                assert np.isnan(row["expected_purchases"]) and np.isnan(row["clv"]), where
                continue
            lo, hi = RATIOS[group]
            assert lo <= row["expected_purchases"] / row["true_expected_purchases"] <= hi, where
            assert lo <= row["clv"] / row["true_clv"] <= hi, where
            if row["tier"] == "full":
                tol = POOLED_CHURN_TOLERANCE if group == "all" else CHURN_TOLERANCE
                assert abs(row["churn_risk"] - row["true_dropped_out"]) <= tol, where
            else:
                assert np.isnan(row["churn_risk"]), where  # dropout not identified: no P(alive)


def check_findings(results: list[ShopResult]) -> pd.DataFrame:
    rules = pd.concat([r.rules.assign(scenario=r.scenario, seed=r.seed) for r in results if len(r.rules)])
    claimed = rules[rules["material"] & ~rules["withheld"]]
    right = claimed.groupby("rule")["right_direction"].mean()
    assert (right >= 0.95).all(), right.to_dict()
    fired = rules[rules["fired"]]
    assert fired["right_direction"].mean() >= 0.95 and not (fired["fired"] & ~fired["material"]).any()
    for r in results:
        if r.comparison is None:
            continue
        model_rows = r.comparison[r.comparison["metric"].isin(["share_lost", "churn_risk"])]
        assert (model_rows["test"] == "bootstrap_refit").all()
    return rules
