"""Validation suite, part 1: the default shop, rarely bought high-involvement products, and
high-involvement buyers who churn more than low ones (the comparison's other direction)."""
from __future__ import annotations

import pytest

from journeylab.report.validation import SCENARIOS, shops

from _validation import check_findings, check_levels, run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results():
    return run([s for s in SCENARIOS if s.name in ("default", "rare high", "churning high")])


def test_grid_has_at_least_20_shops():
    assert len(shops()) >= 20
    assert {s.name for s in SCENARIOS} >= {"default", "rare high", "small", "orders only", "no events"}


def test_model_figures_land_near_truth(results):
    check_levels(results)
    churning = [r for r in results if r.scenario == "churning high"]
    assert all(r.tiers == {"low": "full", "high": "full"} for r in churning)


def test_findings_point_the_right_way(results):
    rules = check_findings(results)
    # both directions of the churn comparison occur and are told right where a claim is made
    lost = rules[(rules["metric"] == "share_lost") & rules["material"] & ~rules["withheld"]]
    assert (lost["true_difference"] > 0).any() and (lost["true_difference"] < 0).any()
    assert lost["right_direction"].all()


def test_rare_high_involvement_silence_is_not_churn(results):
    for r in results:
        if r.scenario in ("default", "rare high"):
            # truly 4-13% of high-involvement buyers have dropped out; silence must not make more of them "lost"
            high = r.levels.loc["high"]
            assert high["share_lost"] <= high["true_dropped_out"], (r.scenario, r.seed)
