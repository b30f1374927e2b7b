"""Findings: the measured low vs high comparison turned into a short, ranked list with actions (en / nl).

Rules are data (``findings_rules.yaml``): each has an id, names a metric of ``compare_involvement`` by its
id (journeylab.i18n.METRICS; with ``param`` for a metric about one channel or phase) and a condition with a
threshold. The words of the finding and its action are journeylab.i18n's (FINDINGS, FINDING_ACTIONS, by the
rule's id); a client's own rule gives its own, ``finding`` and ``action`` as {en: ..., nl: ...}. A rule fires when its condition holds on the point estimates and the
difference is significant (p < ``max_p``) and its interval excludes zero. For figures from a model
(churn, CLV) both come from resampling customers and refitting the model (journeylab.journey.involvement),
so a finding is called sure only when the model's own uncertainty allows it. Findings are ranked by the size of the difference relative
to the smaller level (a log ratio), most significant first among equals; each states its evidence
(both values with their 95% intervals, the difference's interval and the test's p-value), in sentences
of journeylab.i18n.
"""
from __future__ import annotations

import string
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import pandas as pd

from journeylab.data.config import load_yaml_data, own_words
from journeylab.data.conventions import JOURNEY_PHASES, phase_categorical
from journeylab.errors import ConfigError
from journeylab.i18n import FINDINGS, METRICS, check_language, finding_action, finding_text, format_p, stat_test_label, t

if TYPE_CHECKING:
    from journeylab.data.shop import Shop

CONDITIONS = ("high_over_low", "low_over_high", "high_above", "low_above")
_RULE_WORDS = ("finding", "action")  # a rule's own words ({en, nl}), needed when i18n does not know its id


def load_rules(source: str | Path | Mapping | None = None) -> dict[str, Any]:
    """The findings rules (default: journeylab/findings_rules.yaml), from a YAML path or a dict. A rule with
    an unknown condition or a metric that is not a metric id (journeylab.i18n.METRICS) is a ConfigError, and
    so is a rule whose id journeylab.i18n.FINDINGS does not know without its own words (``finding`` and
    ``action``, each as {en: ..., nl: ...}). Each rule's own words, or None, are in its ``words``."""
    data = load_yaml_data(source, "findings_rules.yaml", "findings rules")
    rules = []
    for r in data.get("rules", []):
        if r.get("condition") not in CONDITIONS:
            raise ConfigError(f"findings rule {r.get('id')}: condition must be one of {CONDITIONS}")
        if r.get("metric") not in METRICS:
            raise ConfigError(f"findings rule {r.get('id')}: unknown metric id {r.get('metric')!r}; a rule names a "
                              "metric of compare_involvement by its id (journeylab.i18n.METRICS, e.g. 'share_lost')")
        words = own_words(r, _RULE_WORDS, FINDINGS, "findings rule")
        for lang, text in (words["finding"] or {}).items():
            try:
                fields = {f.split(".")[0].split("[")[0] for _, f, _, _ in string.Formatter().parse(text) if f}
            except ValueError as exc:
                raise ConfigError(f"findings rule {r['id']}: its finding ({lang}) is no sentence template: {exc}") from None
            if fields - {"low", "high"}:
                raise ConfigError(f"findings rule {r['id']}: its finding ({lang}) may fill in {{low}} and {{high}} "
                                  f"only, not {', '.join(sorted(fields - {'low', 'high'}))}")
        rules.append({**r, "words": words})
    return {**data, "rules": rules}


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


FINDING_COLUMNS = ["rank", "id", "phase", "finding", "evidence", "action", "p_value", "certainty"]


def findings(shop: "Shop | None" = None, lang: str = "en", comparison: pd.DataFrame | None = None,
             rules: str | Path | Mapping | None = None, thresholds: Mapping[str, float] | None = None,
             max_p: float | None = None) -> pd.DataFrame:
    """Ranked findings: rank, id, phase (ordered categorical in journey order), finding, evidence, action,
    p_value, certainty.

    ``comparison`` is a ``compare_involvement`` table (computed from ``shop`` if not given).
    ``thresholds`` maps rule id -> new ratio or value. ``lang`` "en" or "nl" for the texts.
    """
    check_language(lang)
    data = load_rules(rules)
    max_p = data.get("max_p", 0.05) if max_p is None else max_p
    if comparison is None:
        from journeylab.journey.involvement import compare_involvement
        comparison = compare_involvement(shop)
    if "metric" not in comparison.columns:  # a comparison indexed by metric
        comparison = comparison.reset_index()
    param = comparison["param"].fillna("").astype(str) if "param" in comparison.columns else ""
    out = []
    for rule in data["rules"]:
        rule = dict(rule)
        if thresholds and rule["id"] in thresholds:
            rule["ratio" if "ratio" in rule else "value"] = thresholds[rule["id"]]
        match = comparison[(comparison["metric"] == rule["metric"]) & (param == str(rule.get("param") or ""))]
        if match.empty:
            continue
        row = match.iloc[0]
        if not _fires(rule, row) or not (row["p_value"] < max_p):
            continue
        if np.isfinite(row["diff_lower"]) and row["diff_lower"] <= 0 <= row["diff_upper"]:
            continue  # the interval of the difference includes no difference
        lo, hi = float(row["low"]), float(row["high"])
        size = abs(np.log((hi + 1e-9) / (lo + 1e-9)))
        ev = t("finding_evidence", lang).format(**{k: float(row[k]) for k in (
            "low", "low_lower", "low_upper", "high", "high_lower", "high_upper", "difference", "diff_lower", "diff_upper")})
        sure = t("finding_certainty", lang).format(test=stat_test_label(row["test"], lang), p=format_p(row["p_value"], lang),
                                                   certainty=t("very_sure" if row["p_value"] < 0.001 else "likely", lang))
        words = rule["words"]
        out.append({"id": rule["id"], "phase": rule["phase"],  # numbers as lang writes them:
                    "finding": finding_text(rule["id"], lang, words["finding"]).format(low=lo, high=hi),
                    "evidence": ev, "action": finding_action(rule["id"], lang, words["action"]),
                    "p_value": float(row["p_value"]), "certainty": sure, "_size": size})
    cols = FINDING_COLUMNS
    if not out:
        return pd.DataFrame(columns=cols)
    df = pd.DataFrame(out).sort_values(["_size", "p_value"], ascending=[False, True], ignore_index=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    # journey order; a client's rule may name a phase of its own model (after the built-in ones)
    df["phase"] = phase_categorical(df["phase"], [*JOURNEY_PHASES, *sorted(set(df["phase"]) - set(JOURNEY_PHASES))])
    return df[cols]
