"""Validation suite, part 2: shops without web events, small shops and orders-only shops."""
from __future__ import annotations

import numpy as np
import pytest

from journeylab.report.validation import SCENARIOS

from _validation import check_findings, check_levels, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results():
    return run([s for s in SCENARIOS if s.name in ("no events", "small", "orders only")])


def test_model_figures_land_near_truth(results):
    check_levels(results)


def test_findings_point_the_right_way(results):
    check_findings([r for r in results if r.comparison is not None])


def test_small_shops_state_no_churn_or_clv(results):
    for r in results:
        if r.scenario != "small":
            continue
        assert set(r.tiers.values()) == {"none"}
        model = r.comparison[r.comparison["test"] == "bootstrap_refit"]
        assert model[["low", "high"]].isna().all().all()
        assert not r.rules.loc[r.rules["metric"] == "share_lost", "fired"].any()


def test_orders_only_shops_are_valued_as_one_group(results):
    pooled = [r for r in results if r.scenario == "orders only"]
    assert pooled and all(list(r.levels.index) == ["all"] and r.comparison is None for r in pooled)
    assert all(np.isfinite(r.levels.loc["all", "clv"]) for r in pooled)
