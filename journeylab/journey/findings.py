"""Findings: the measured low vs high comparison turned into a short, ranked list with actions (en / nl).

Rules are data (``findings_rules.yaml``): each names a metric of ``compare_involvement``, a condition
with a threshold, and the texts. A rule fires when its condition holds on the point estimates and the
difference is significant (p < ``max_p``) and its interval excludes zero. For figures from a model
(churn, CLV) both come from resampling customers and refitting the model (journeylab.journey.involvement),
so a finding is called sure only when the model's own uncertainty allows it. Findings are ranked by the size of the difference relative
to the smaller level (a log ratio), most significant first among equals; each states its evidence
(both values with their 95% intervals, the difference's interval and the test's p-value).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import pandas as pd

from journeylab.data.config import load_yaml_data
from journeylab.errors import ConfigError
from journeylab.i18n import format_p, translate_metric

if TYPE_CHECKING:
    from journeylab.data.shop import Shop

CONDITIONS = ("high_over_low", "low_over_high", "high_above", "low_above")


def load_rules(source: str | Path | Mapping | None = None) -> dict[str, Any]:
    """The findings rules (default: journeylab/findings_rules.yaml), from a YAML path or a dict."""
    data = load_yaml_data(source, "findings_rules.yaml", "findings rules")
    for r in data.get("rules", []):
        if r.get("condition") not in CONDITIONS:
            raise ConfigError(f"findings rule {r.get('id')}: condition must be one of {CONDITIONS}")
    return data


def _fires(rule: Mapping, row: pd.Series) -> bool:
    lo, hi = row["low"], row["high"]
    c = rule["condition"]
    if c == "high_over_low":
        return hi >= rule["ratio"] * lo and hi > lo
    if c == "low_over_high":
        return lo >= rule["ratio"] * hi and lo > hi
    if c == "high_above":
        return hi >= rule["value"] and hi > lo
    return lo >= rule["value"] and lo > hi


def findings(shop: "Shop | None" = None, lang: str = "en", comparison: pd.DataFrame | None = None,
             rules: str | Path | Mapping | None = None, thresholds: Mapping[str, float] | None = None,
             max_p: float | None = None) -> pd.DataFrame:
    """Ranked findings: rank, id, phase, finding, evidence, action, p_value, certainty.

    ``comparison`` is a ``compare_involvement`` table (computed from ``shop`` if not given).
    ``thresholds`` maps rule id -> new ratio or value. ``lang`` "en" or "nl" for the texts.
    """
    if lang not in ("en", "nl"):
        raise ValueError("lang must be 'en' or 'nl'")
    data = load_rules(rules)
    max_p = data.get("max_p", 0.05) if max_p is None else max_p
    if comparison is None:
        from journeylab.journey.involvement import compare_involvement
        comparison = compare_involvement(shop)
    cmp = comparison.set_index("metric") if "metric" in comparison.columns else comparison
    suffix = "_nl" if lang == "nl" else ""
    out = []
    for rule in data["rules"]:
        rule = dict(rule)
        if thresholds and rule["id"] in thresholds:
            rule["ratio" if "ratio" in rule else "value"] = thresholds[rule["id"]]
        if rule["metric"] not in cmp.index:
            continue
        row = cmp.loc[rule["metric"]]
        if not _fires(rule, row) or not (row["p_value"] < max_p):
            continue
        if np.isfinite(row["diff_lower"]) and row["diff_lower"] <= 0 <= row["diff_upper"]:
            continue  # the interval of the difference includes no difference
        lo, hi = float(row["low"]), float(row["high"])
        size = abs(np.log((hi + 1e-9) / (lo + 1e-9)))
        if lang == "nl":
            ev = (f"low {lo:.3g} (95%-interval {row['low_lower']:.3g} tot {row['low_upper']:.3g}), high {hi:.3g} "
                  f"({row['high_lower']:.3g} tot {row['high_upper']:.3g}); verschil {row['difference']:.3g} "
                  f"({row['diff_lower']:.3g} tot {row['diff_upper']:.3g})")
            sure = f"{translate_metric(row['test'], 'nl')}: p {format_p(row['p_value'])}; " + ("zeker" if row["p_value"] < 0.001 else "waarschijnlijk")
        else:
            ev = (f"low {lo:.3g} (95% interval {row['low_lower']:.3g} to {row['low_upper']:.3g}), high {hi:.3g} "
                  f"({row['high_lower']:.3g} to {row['high_upper']:.3g}); difference {row['difference']:.3g} "
                  f"({row['diff_lower']:.3g} to {row['diff_upper']:.3g})")
            sure = f"{row['test']}: p {format_p(row['p_value'])}; " + ("very sure" if row["p_value"] < 0.001 else "likely")
        out.append({"id": rule["id"], "phase": rule["phase"],
                    "finding": rule["finding" + suffix].format(low=lo, high=hi),
                    "evidence": ev, "action": rule["action" + suffix], "p_value": float(row["p_value"]),
                    "certainty": sure, "_size": size})
    cols = ["rank", "id", "phase", "finding", "evidence", "action", "p_value", "certainty"]
    if not out:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(out).sort_values(["_size", "p_value"], ascending=[False, True], ignore_index=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    return df[cols]
