"""Findings: rules as data, thresholds, languages, evidence and certainty."""
from __future__ import annotations

import re

import pandas as pd
import pytest

from journeylab.errors import ConfigError
from journeylab.i18n import FINDING_ACTIONS, FINDINGS, LANGUAGES, METRICS, finding_action, finding_text
from journeylab.journey.findings import findings, load_rules


def _cmp(**over):
    base = dict(phase="purchase", param="", unit="share", low_lower=0.0, low_upper=0.1, high_lower=0.2, high_upper=0.4,
                difference=0.25, diff_lower=0.15, diff_upper=0.35, test="chi_square", n_low=100, n_high=100)
    rows = [
        dict(base, metric="checkout_abandonment", low=0.05, high=0.30, p_value=1e-6),
        dict(base, metric="research_views", low=0.2, high=7.0, p_value=1e-9, test="mann_whitney_u"),
        dict(base, metric="repeat_rate", low=0.8, high=0.7, p_value=0.2),
        dict(base, metric="review_rate", low=0.3, high=0.1, p_value=0.2),
    ]
    return pd.DataFrame([{**r, **over.get(r["metric"], {})} for r in rows])


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
        load_rules({"rules": [{"id": "x", "condition": "bigger", "metric": "share_lost"}]})


def test_a_rule_names_a_metric_by_its_id():
    """A rule's metric is an id of i18n.METRICS: an English label (what rules held before) or a typo is a
    ConfigError naming the rule and the metric, not a rule that silently never fires."""
    for metric in ("share lost", "shares_lost", None):
        with pytest.raises(ConfigError, match="unknown metric id") as err:
            load_rules({"rules": [{"id": "churn_x", "condition": "high_above", "value": 0.3, "metric": metric}]})
        assert "churn_x" in str(err.value)
    rules = load_rules()["rules"]
    assert rules and all(r["metric"] in METRICS for r in rules)


def test_a_rule_with_a_param_reads_the_row_of_that_channel():
    rule = {"id": "email_first", "phase": "awareness", "metric": "channel_share_first_session", "param": "email",
            "condition": "high_over_low", "ratio": 1.5, "finding": {"en": "{high:.0%} vs {low:.0%}", "nl": "{high:.0%}"},
            "action": {"en": "a", "nl": "a"}}
    base = _cmp().iloc[0].to_dict()
    rows = pd.DataFrame([dict(base, metric="channel_share_first_session", param="social", low=0.3, high=0.1),
                         dict(base, metric="channel_share_first_session", param="email", low=0.05, high=0.3)])
    f = findings(comparison=rows, rules={"rules": [rule]})
    assert list(f["id"]) == ["email_first"] and f.iloc[0]["finding"] == "30% vs 5%"


def test_dutch_findings_have_no_english_words():
    """Evidence and certainty are i18n sentences: a Dutch finding says laag/hoog/verschil/zeker, and the
    test's Dutch name, not low/high/difference/very sure."""
    en, nl = findings(comparison=_cmp()), findings(comparison=_cmp(), lang="nl")
    assert list(en["id"]) == list(nl["id"])
    # words of the English sentences that are no Dutch words ("interval" and "of" are)
    english_only = ["low", "high", "difference", "to", "very", "sure", "likely", "involvement", "chi-square", "the",
                    "and", "with", "for", "customers", "products"]
    for col in ("finding", "evidence", "action", "certainty"):
        for text in nl[col]:
            words = set(re.findall(r"[a-z][a-z-]*", text.lower()))
            assert not words & set(english_only), (col, text)
    # every sentence differs from its English one
    assert (en[["finding", "evidence", "action", "certainty"]] != nl[["finding", "evidence", "action", "certainty"]]).all().all()
    assert "chi-kwadraat" in " ".join(nl["certainty"]) and "zeker" in " ".join(nl["certainty"])
    likely = findings(comparison=_cmp(checkout_abandonment={"p_value": 0.01}), lang="nl")
    assert likely.set_index("id").loc["checkout_abandonment_high", "certainty"].endswith("; waarschijnlijk")


def test_findings_on_simulated_shop():
    from test_involvement import _sim
    shop, _, _, cmp = _sim()
    f = findings(shop, comparison=cmp.reset_index())
    ids = set(f["id"])
    # the simulator builds these contrasts in: long research-heavy consideration, rare repeats, abandonment
    assert {"long_consideration_research", "long_consideration_days", "low_repeat_high", "checkout_abandonment_high"} <= ids
    assert f["p_value"].lt(0.05).all()


def test_every_built_in_rule_has_words_in_both_languages():
    """The rules file holds rules and ids only; the words of every built-in rule are i18n's, in en and nl,
    and a finding's template uses the levels' values only."""
    rules = load_rules()["rules"]
    ids = [r["id"] for r in rules]
    assert set(ids) == set(FINDINGS) == set(FINDING_ACTIONS)
    assert load_rules()["version"] == "2025.2"
    for r in rules:
        assert r["words"] == {"finding": None, "action": None}
        assert not {"finding", "finding_nl", "action", "action_nl"} & set(r)
        for lang in LANGUAGES:
            text = finding_text(r["id"], lang)
            assert set(re.findall(r"{(\w+)", text)) <= {"low", "high"}, (r["id"], lang)
            assert text.format(low=0.1, high=0.2) and finding_action(r["id"], lang).strip()
        assert finding_text(r["id"], "en") != finding_text(r["id"], "nl")
    with pytest.raises(KeyError, match="no_such_rule"):
        finding_action("no_such_rule", "nl")


def _own_rule(**words) -> dict:
    return {"rules": [{"id": "checkout_gap", "phase": "purchase", "metric": "checkout_abandonment",
                       "condition": "high_over_low", "ratio": 1.5, **words}]}


def test_a_custom_rule_with_its_own_words_in_both_languages():
    rules = _own_rule(finding={"en": "High {high:.0%}, low {low:.0%}.", "nl": "Hoog {high:.0%}, laag {low:.0%}."},
                      action={"en": "Look at the checkout.", "nl": "Bekijk het afrekenen."})
    en, nl = findings(comparison=_cmp(), rules=rules), findings(comparison=_cmp(), rules=rules, lang="nl")
    assert list(en["id"]) == list(nl["id"]) == ["checkout_gap"]
    assert en.iloc[0]["finding"] == "High 30%, low 5%." and nl.iloc[0]["finding"] == "Hoog 30%, laag 5%."
    assert nl.iloc[0]["action"] == "Bekijk het afrekenen."
    # a built-in id in a client's rules file needs no words of its own: i18n's
    builtin = {"rules": [dict(r, ratio=2.0) for r in load_rules()["rules"] if r["id"] == "checkout_abandonment_high"]}
    for r in builtin["rules"]:
        del r["words"]
    assert "betaalopties" in findings(comparison=_cmp(), rules=builtin, lang="nl").iloc[0]["action"]


@pytest.mark.parametrize("words", [
    {},                                                                     # no words at all
    {"finding": {"en": "{high:.0%}", "nl": "{high:.0%}"}},                  # no action
    {"finding": {"en": "{high:.0%}"}, "action": {"en": "a", "nl": "b"}},    # a finding in English only
    {"finding": "{high:.0%}", "action": {"en": "a", "nl": "b"}},            # not per language
    {"finding": "{high:.0%}", "finding_nl": "{high:.0%}", "action": "a", "action_nl": "b"},  # the old layout
    {"finding": {"en": "{high:.0%} of {n}", "nl": "{high:.0%}"}, "action": {"en": "a", "nl": "b"}},  # not a value
    {"finding": {"en": "{high:.0%", "nl": "{high:.0%}"}, "action": {"en": "a", "nl": "b"}},  # no template
])
def test_a_custom_rule_without_words_in_both_languages_is_a_config_error(words):
    with pytest.raises(ConfigError, match="findings rule checkout_gap"):
        load_rules(_own_rule(**words))
