"""The validation suite: journeylab's conclusions checked against simulated shops whose truth is known.

``SCENARIOS`` is a grid of simulated shops (20 in all): the default shop (low-involvement products
bought often, high-involvement rarely), rarely bought high-involvement products, high-involvement
buyers who return and churn more than low ones (the comparison's other direction), shops without web
events, small shops, and orders-only shops (no catalogue, so no involvement split). ``run_shop``
builds the report's figures on one of them exactly as a report does (``shop_value``,
``compare_involvement``, ``findings``) and sets them beside the truth:

- model figures per level (mean churn risk, expected purchases and CLV over 12 months) beside the
  simulator's latent truth (journeylab.simulate.truth: true dropout, true expected purchases and spend);
- every findings rule's metric beside its true direction (a figure journeylab withholds, e.g. churn of
  a level without a usable model, makes no claim and is counted apart): for the model metric share_lost, the true
  share of dropped-out customers; for descriptive metrics (abandonment, research views, repeat and
  review rates, ...), the same metric on a reference shop of ``REFERENCE_BUYERS`` buyers simulated
  with the scenario's parameters (the population value, up to little sampling error).

tests/test_validation*.py assert the rates; ``python -m journeylab.report.validation`` prints the table that
docs/validation.md quotes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from journeylab.journey.findings import findings, load_rules
from journeylab.journey.involvement import compare_involvement
from journeylab.data.shop import load_shop
from journeylab.simulate import simulate_shop
from journeylab.simulate.truth import true_level_figures
from journeylab.journey.value import shop_value
from journeylab.models.clv import annual_to_monthly

HORIZON_MONTHS = 12
DISCOUNT_RATE = 0.10  # per year, as in the reports
REFERENCE_BUYERS = 6_000


@dataclass(frozen=True)
class Scenario:
    """One kind of shop: simulator parameter overrides, size, seeds, and which tables it keeps."""

    name: str
    n_customers: int
    seeds: tuple[int, ...]
    params: tuple = ()  # ((path, value), ...) as a hashable form of the nested overrides
    tables: tuple[str, ...] = ("orders", "order_lines", "products", "events", "reviews")

    def overrides(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for path, value in self.params:
            d = out
            *head, last = path.split(".")
            for k in head:
                d = d.setdefault(k, {})
            d[last] = value
        return out


SCENARIOS = (
    Scenario("default", 2000, (101, 102, 103, 104)),
    Scenario("rare high", 2000, (201, 202, 203, 204), (("high.bgnbd.alpha", 150.0),)),
    Scenario("churning high", 2000, (301, 302, 303, 304),
             (("high.bgnbd.r", 1.2), ("high.bgnbd.alpha", 8.0), ("high.bgnbd.a", 3.0), ("high.bgnbd.b", 2.0),
              ("low.bgnbd.a", 0.3), ("low.bgnbd.b", 8.0))),
    Scenario("no events", 2000, (401, 402, 403), tables=("orders", "order_lines", "products", "reviews")),
    Scenario("small", 250, (501, 502, 503)),
    Scenario("orders only", 2000, (601, 602), tables=("orders",)),
)


def shops() -> list[tuple[Scenario, int]]:
    """Every (scenario, seed) of the grid."""
    return [(s, seed) for s in SCENARIOS for seed in s.seeds]


def _load(sim, tables: tuple[str, ...], name: str):
    t = {k: v for k, v in sim.tables().items() if k in tables}
    return load_shop({"name": name, "observation_end": str(sim.observation_end.date()), "tables": t})


@lru_cache(maxsize=8)
def reference(scenario: Scenario) -> pd.DataFrame:
    """The descriptive metrics of a large shop with the scenario's parameters (index metric id; low, high),
    those about no one channel or phase."""
    sim = simulate_shop(REFERENCE_BUYERS, seed=9_000 + SCENARIOS.index(scenario), params=scenario.overrides())
    shop = _load(sim, scenario.tables, f"reference {scenario.name}")
    cmp = compare_involvement(shop, n_boot=20, n_boot_model=0)
    return cmp[cmp["param"] == ""].set_index("metric")[["low", "high"]]


@dataclass
class ShopResult:
    """One simulated shop's figures beside the truth. ``levels``: per level, estimate and truth of churn
    risk, expected purchases and CLV (NaN where journeylab withholds them); ``rules``: per findings
    rule, the estimated and true difference (high - low), whether the truth is material, and whether
    the rule fired; ``comparison``: the compare_involvement table (None without levels)."""

    scenario: str
    seed: int
    levels: pd.DataFrame
    rules: pd.DataFrame
    comparison: pd.DataFrame | None = None
    tiers: dict = field(default_factory=dict)


def _truth_levels(sim) -> pd.DataFrame:
    weeks_per_month = 30.0 / 7.0  # a daily model's month (journeylab.models.clv.units_per_month)
    return true_level_figures(sim.truth, horizon_weeks=HORIZON_MONTHS * weeks_per_month,
                              discount_rate_per_month=annual_to_monthly(DISCOUNT_RATE),
                              weeks_per_month=weeks_per_month)


def material(low: float, high: float) -> bool:
    """A true difference worth a finding: at least 20% of the larger value and 0.02 in absolute terms."""
    d = abs(high - low)
    return bool(np.isfinite(d) and d >= 0.2 * max(abs(low), abs(high)) and d >= 0.02)


def run_shop(scenario: Scenario, seed: int, n_boot: int = 200, n_boot_model: int = 30) -> ShopResult:
    """Simulate the shop, build the report's figures and set them beside the truth."""
    sim = simulate_shop(scenario.n_customers, seed=seed, params=scenario.overrides())
    shop = _load(sim, scenario.tables, f"{scenario.name} {seed}")
    value = shop_value(shop, horizon_months=HORIZON_MONTHS, discount_rate=DISCOUNT_RATE)
    truth = _truth_levels(sim)
    p = value.predictions
    rows = []
    groups = ["low", "high"] if value.by == "involvement" else ["all"]
    for g in groups:
        part = p[p["group"] == g]
        if g == "all":
            w = truth["customers"]
            tr = {c: float((truth[c] * w).sum() / w.sum()) for c in ("share_dropped_out", "expected_purchases", "clv")}
        else:
            tr = truth.loc[g, ["share_dropped_out", "expected_purchases", "clv"]].astype(float).to_dict()
        rows.append({"group": g, "tier": value.groups[g].tier if g in value.groups else "none",
                     "churn_risk": part["churn_risk"].mean(), "true_dropped_out": tr["share_dropped_out"],
                     "share_lost": float((part["status"] == "lost").mean()),
                     "expected_purchases": part["expected_purchases"].mean(),
                     "true_expected_purchases": tr["expected_purchases"],
                     "clv": part["clv"].mean(), "true_clv": tr["clv"]})
    levels = pd.DataFrame(rows).set_index("group")
    tiers = {k: g.tier for k, g in value.groups.items()}
    if value.by != "involvement":
        return ShopResult(scenario.name, seed, levels, pd.DataFrame(), None, tiers)
    cmp = compare_involvement(shop, n_boot=n_boot, n_boot_model=n_boot_model, value=value)
    fired = set(findings(comparison=cmp)["id"])
    ref = reference(scenario)
    est = cmp[cmp["param"] == ""].set_index("metric")
    rule_rows = []
    for rule in load_rules()["rules"]:
        m = rule["metric"]
        if m not in est.index:
            continue
        if m == "share_lost":
            t_low, t_high = truth.loc["low", "share_dropped_out"], truth.loc["high", "share_dropped_out"]
        elif m in ref.index:
            t_low, t_high = ref.loc[m, "low"], ref.loc[m, "high"]
        else:
            continue
        e = est.loc[m]
        rule_rows.append({"rule": rule["id"], "metric": m, "low": e["low"], "high": e["high"],
                          "difference": e["high"] - e["low"], "true_low": t_low, "true_high": t_high,
                          "true_difference": t_high - t_low, "material": material(t_low, t_high),
                          "fired": rule["id"] in fired,
                          "withheld": not np.isfinite(e["high"] - e["low"]),
                          "right_direction": bool(np.sign(e["high"] - e["low"]) == np.sign(t_high - t_low))})
    return ShopResult(scenario.name, seed, levels, pd.DataFrame(rule_rows), cmp, tiers)


def run_all(n_boot: int = 200, n_boot_model: int = 30, scenarios: tuple[Scenario, ...] = SCENARIOS) -> list[ShopResult]:
    """``run_shop`` over the grid (or the given scenarios)."""
    return [run_shop(s, seed, n_boot, n_boot_model) for s in scenarios for seed in s.seeds]


def _markdown(df: pd.DataFrame) -> str:
    """A pipe table (pandas' to_markdown needs tabulate, which journeylab does not depend on)."""
    head = "| " + " | ".join(map(str, df.columns)) + " |\n|" + "---|" * len(df.columns) + "\n"
    return head + "\n".join("| " + " | ".join("" if pd.isna(v) else str(v) for v in row) + " |"
                             for row in df.itertuples(index=False))


def report(results: list[ShopResult]) -> str:
    """The validation tables as Markdown: model figures against truth, and findings' directions."""
    lv = pd.concat([r.levels.assign(scenario=r.scenario, seed=r.seed) for r in results]).reset_index()
    lv["churn_error"] = lv["churn_risk"] - lv["true_dropped_out"]
    lv["purchases_ratio"] = lv["expected_purchases"] / lv["true_expected_purchases"]
    lv["clv_ratio"] = lv["clv"] / lv["true_clv"]
    cols = ["scenario", "seed", "group", "tier", "churn_risk", "true_dropped_out", "share_lost", "purchases_ratio",
            "clv_ratio"]
    rules = pd.concat([r.rules.assign(scenario=r.scenario, seed=r.seed) for r in results if len(r.rules)])
    mat = rules[rules["material"]]
    per_rule = mat.groupby("rule").agg(shops=("right_direction", "size"), withheld=("withheld", "sum"),
                                       fired=("fired", "sum"))
    per_rule["right"] = mat[~mat["withheld"]].groupby("rule")["right_direction"].mean()
    fired = rules[rules["fired"]]
    fired_right = float(fired.loc[fired["material"], "right_direction"].mean()) if len(fired) else math.nan
    return ("## Model figures per level against truth\n\n" + _markdown(lv[cols].round(3))
            + "\n\n## Findings rules: direction where the true difference is material\n\n"
            + _markdown(per_rule.round(3).reset_index()) + f"\n\nFindings fired: {len(fired)}; with a material true difference "
            f"in the right direction: {fired_right:.1%}; fired where the truth is not material: "
            f"{int((~fired['material']).sum())}.\n")


if __name__ == "__main__":  # python -m journeylab.report.validation
    import time
    import warnings

    warnings.simplefilter("ignore")
    t0 = time.time()
    res = run_all(n_boot=200, n_boot_model=100)
    print(report(res))
    print(f"{len(res)} shops in {time.time() - t0:.0f} s")
