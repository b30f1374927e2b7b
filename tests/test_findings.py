"""Findings: rules as data, thresholds, languages, evidence and certainty."""
from __future__ import annotations

import pandas as pd
import pytest

from journeylab.errors import ConfigError
from journeylab.journey.findings import findings, load_rules


def _cmp(**over):
    base = dict(phase="purchase", unit="share", low_lower=0.0, low_upper=0.1, high_lower=0.2, high_upper=0.4,
                difference=0.25, diff_lower=0.15, diff_upper=0.35, test="chi-square", n_low=100, n_high=100)
    rows = [
        dict(base, metric="checkout abandonment", low=0.05, high=0.30, p_value=1e-6),
        dict(base, metric="research-page views before first purchase", low=0.2, high=7.0, p_value=1e-9,
             test="Mann-Whitney U"),
        dict(base, metric="repeat rate (2+ orders)", low=0.8, high=0.7, p_value=0.2),
        dict(base, metric="review rate (customers with a review)", low=0.3, high=0.1, p_value=0.2),
    ]
    return pd.DataFrame(rows)


def test_rules_fire_rank_and_state_certainty():
    f = findings(comparison=_cmp())
    assert list(f["id"]) == ["long_consideration_research", "checkout_abandonment_high"]  # 35x before 6x
    assert list(f["rank"]) == [1, 2]
    assert "30%" in f.iloc[1]["finding"] and "payment" in f.iloc[1]["action"]
    assert "interval" in f.iloc[0]["evidence"] and "p < 0.001" in f.iloc[0]["certainty"]
    assert "p = 0" not in " ".join(f["certainty"])
    # the review gap is large but not significant: no finding
    assert "review_rate_gap" not in set(f["id"])


def test_thresholds_and_language():
    f = findings(comparison=_cmp(), thresholds={"checkout_abandonment_high": 10.0})
    assert list(f["id"]) == ["long_consideration_research"]
    nl = findings(comparison=_cmp(), lang="nl")
    assert "betaalopties" in nl.set_index("id").loc["checkout_abandonment_high", "action"]
    assert "verschil" in nl.iloc[0]["evidence"]
    assert findings(comparison=_cmp(), max_p=1e-12).empty


def test_bad_rules_are_rejected():
    with pytest.raises(ConfigError):
        load_rules({"rules": [{"id": "x", "condition": "bigger"}]})


def test_findings_on_simulated_shop():
    from test_involvement import _sim
    shop, _, _, cmp = _sim()
    f = findings(shop, comparison=cmp.reset_index())
    ids = set(f["id"])
    # the simulator builds these contrasts in: long research-heavy consideration, rare repeats, abandonment
    assert {"long_consideration_research", "long_consideration_days", "low_repeat_high", "checkout_abandonment_high"} <= ids
    assert f["p_value"].lt(0.05).all()
