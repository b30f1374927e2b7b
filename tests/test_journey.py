"""Journey phases, rule tables, status, flows and cohorts."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import journeylab as jl
from journeylab.journey.value import shop_value
from journeylab.errors import ConfigError
from journeylab.journey.phases import (NOT_SEEN, cohort_retention, journey_phases, phase_counts, phase_description,
                                       phase_flows, phase_name, phase_rules, resolve_rules, transition_matrix)

from _journey_data import hand_shop, simulated


def test_phase_models_are_data_with_dutch_names():
    for model, n in (("five", 5), ("four", 4), ("six", 6)):
        rules = phase_rules(model)
        assert len(rules) == n and list(rules.columns) == ["phase", "needs", "rule"]
        assert rules["phase"].map(lambda p: phase_name(rules, p, "nl")).str.len().gt(0).all()
        assert rules["rule"].str.len().gt(0).all()
        assert all(phase_description(rules, p, lang) for p in rules["phase"] for lang in ("en", "nl"))
    five = phase_rules("five")
    assert list(five["phase"]) == ["awareness", "consideration", "purchase", "upsell", "ambassador"]
    assert phase_name(five, "consideration", "nl") == "overweging"
    with pytest.raises(ConfigError):
        phase_rules("seven")


def test_hand_shop_phases():
    ph = journey_phases(hand_shop())
    got = ph["phase"].astype(str).to_dict()
    assert got == {"c1": "purchase", "u2": "consideration", "c3": "purchase", "u4": "awareness"}
    assert ph.loc["u2", "n_sessions"] == 2 and ph.loc["c1", "n_orders"] == 1
    assert ph.attrs["rules"]["rule"].iloc[0] == "n_sessions >= 1"
    # bikes (EUR 500, a day of consideration, no repeats) is inferred high, soap low
    assert ph.loc["c1", "involvement"] == "high" and ph.loc["c3", "involvement"] == "low"
    # before u3's first visit, u3 does not exist; at day 3 u1 is a customer and u2 considering
    early = journey_phases(hand_shop(), at="2024-01-04 12:00", status=False)
    assert "c3" not in early.index and early.loc["u2", "phase"] == "consideration"


def test_phases_and_sessions_count_research_views_by_one_rule():
    """A research view (research_* or compare page, or a compare event) counts the same in a person's
    phase facts as in the sessions table funnels and consideration read (journeylab.data.contract)."""
    from journeylab.journey.levels import ensure_sessions
    from journeylab.journey.phases import person_facts

    shop = hand_shop()
    shop.con.execute("""INSERT INTO events SELECT user_id, customer_id, session_id, ts + INTERVAL 2 MINUTE,
                        'page_view', channel, NULL, NULL, 'compare', device FROM events
                        WHERE user_id = 'u2' AND event_type = 'add_to_cart'""")
    facts = person_facts(shop)
    per_user = shop.sql(f"SELECT user_id, sum(n_research) AS n FROM {ensure_sessions(shop)} GROUP BY 1").set_index("user_id")["n"]
    assert facts.loc["u2", "n_research"] == per_user["u2"] == 1
    assert facts.loc["c1", "n_research"] == per_user["u1"] == 1


def test_rules_are_overridable_and_bad_rules_are_clear():
    shop = hand_shop()
    ph = journey_phases(shop, rules={"ambassador": "n_orders >= 1 AND n_research >= 1"}, status=False)
    assert ph.loc["c1", "phase"] == "ambassador" and ph.loc["c3", "phase"] == "purchase"
    assert phase_description(ph.attrs["rules"], "ambassador", "en").startswith("overridden: n_orders >= 1")
    assert phase_description(ph.attrs["rules"], "ambassador", "nl").startswith("aangepast: n_orders >= 1")
    assert phase_description(ph.attrs["rules"], "ambassador", "nl", rule_text=False) is None
    assert phase_description(ph.attrs["rules"], "purchase", "nl") == "precies één bestelling tot nu toe, in één categorie"
    with pytest.raises(ConfigError, match="phase rule"):
        journey_phases(shop, rules={"purchase": "n_nonsense > 1"}, status=False)


def test_orders_only_shop_starts_at_purchase_and_says_why():
    sim_shop, _ = simulated()
    orders = sim_shop.table("orders")
    shop = jl.load_shop({"name": "orders only", "observation_end": "2024-12-31", "tables": {"orders": orders}})
    ph = journey_phases(shop)
    assert set(ph["phase"].astype(str)) <= {"purchase", "upsell", "ambassador"}
    assert (ph["phase"] == "upsell").sum() > 0
    assert "need events" in ph.attrs["note"]
    assert ph["status"].notna().all() and ph["p_alive"].between(0, 1).all()
    # the same P(alive) and status as the shop's value model
    v = shop_value(shop)
    assert ph.loc[v.predictions.index, "p_alive"].equals(v.predictions["p_alive"])
    assert (ph.loc[v.predictions.index, "status"].astype(str) == v.predictions["status"].astype(str)).all()


def test_simulated_phases_match_truth():
    shop, truth = simulated()
    ph = journey_phases(shop)
    tc = truth.customers.set_index("customer_id")
    buyers = ph.index.intersection(tc.index.dropna())
    # everyone who bought is at least in purchase; repeat buyers (truth) are upsell or ambassador
    assert ph.loc[buyers, "n_orders"].ge(1).all()
    rep = tc.loc[buyers, "n_repeat"] > 0
    assert ph.loc[rep[rep].index, "phase"].isin(["upsell", "ambassador"]).mean() > 0.97
    never = truth.customers.loc[~truth.customers["is_buyer"], "user_id"]
    assert ph.loc[never, "phase"].isin(["awareness", "consideration"]).all()
    # the simulator's involvement of the first purchase is recovered for (almost) every buyer
    assert (ph.loc[buyers, "involvement"] == tc.loc[buyers, "involvement"]).mean() > 0.99
    # status from P(alive): truly dropped-out customers are more often lost than those alive
    alive = tc.loc[buyers, "alive_at_end"].astype(bool)
    lost = ph.loc[buyers, "status"] == "lost"
    assert lost[~alive].mean() > lost[alive].mean() + 0.1
    assert "value model" in ph.attrs["status_rule"]
    counts = phase_counts(ph, "status")
    assert counts.to_numpy().sum() == len(ph)


def test_six_and_four_phase_models_run_on_the_same_facts():
    shop, _ = simulated()
    six = journey_phases(shop, model="six", status=False)
    four = journey_phases(shop, model="four", status=False)
    assert set(six["phase"].astype(str)) == set(phase_rules("six")["phase"])
    assert (four["phase"] == "loyalty").sum() >= (six["n_orders"] >= 2).sum()


def test_phase_flows_conserve_people():
    shop, _ = simulated()
    fl = phase_flows(shop, ["2024-01-01", "2024-07-01", "2024-12-31"])
    counts, trans = fl["counts"], fl["transitions"]
    assert (counts.sum() == counts.iloc[:, -1].sum()).all()
    assert counts.loc[NOT_SEEN].is_monotonic_decreasing
    for t, (a, b) in zip(trans, zip(counts.columns[:-1], counts.columns[1:])):
        assert (t.sum(axis=1) == counts[a]).all() and (t.sum(axis=0) == counts[b]).all()
        # nobody goes back to "not yet seen" or un-buys
        assert t.loc[["purchase", "upsell", "ambassador"], [NOT_SEEN, "awareness", "consideration"]].to_numpy().sum() == 0
    m = transition_matrix(trans[0])
    assert np.allclose(m.dropna().sum(axis=1), 1)


def test_cohort_retention():
    shop, _ = simulated()
    ret = cohort_retention(shop)
    assert (ret[0] == 1).all()
    assert ret.iloc[:, 1:].stack().dropna().between(0, 1).all()
    assert np.isnan(ret.iloc[-1, 2])  # the last cohort has no month 2 yet
    assert ret.attrs["sizes"].sum() == shop.sql("SELECT count(DISTINCT customer_id) AS n FROM orders")["n"][0]


def test_results_with_rule_tables_concatenate_and_merge():
    """Phases of two dates (or two shops) can be stacked and joined: the rule table in attrs compares as a
    whole, so pandas keeps it when equal and drops it when not, instead of raising an ambiguous-truth error."""
    shop = hand_shop()
    a = journey_phases(shop, status=False)
    b = journey_phases(shop, at="2024-03-01", status=False).sort_index()  # derived frames keep the table
    both = pd.concat([a.assign(at="end"), b.assign(at="march")])
    assert len(both) == len(a) + len(b)
    same = pd.concat([a.head(2), a.sort_index().tail(2)])  # equal attrs: pandas keeps them, table included
    assert same.attrs["rules"]["phase"].tolist() == a.attrs["rules"]["phase"].tolist()
    joined = a[["phase"]].join(b[["phase"]], rsuffix="_march", how="left")
    assert (joined["phase"].astype(str) >= "").all() and len(joined) == len(a)
    other = journey_phases(shop, model="four", status=False)
    assert "rules" not in pd.concat([a, other]).attrs  # different rule tables: pandas drops them
    cohorts = cohort_retention(shop)
    assert len(pd.concat([cohorts, cohorts])) == 2 * len(cohorts)


def _client_model(**extra) -> dict:
    """A client's own phase model: a built-in phase (words from i18n) and one of its own (its words)."""
    nurture = {"phase": "nurture", "needs": "events", "rule": "n_email_clicks > 0 AND n_orders = 0",
               "label": {"en": "nurture", "nl": "koestering"},
               "description": {"en": "clicked an e-mail, no order yet", "nl": "klikte een e-mail aan, nog geen bestelling"}}
    return {"version": "client/1", "models": {"b2b": {"phases": [
        {"phase": "awareness", "needs": "events", "rule": "n_sessions >= 1",
         "description": {"en": "visited us", "nl": "bezocht ons"}},
        {**nurture, **extra},
        {"phase": "purchase", "needs": "orders", "rule": "n_orders >= 1",
         "description": {"en": "ordered", "nl": "bestelde"}}]}}}


def test_a_client_phase_model_brings_its_own_words_in_both_languages():
    """Analyses return phase ids; a client's own phase gives its name and description as {en, nl}, a built-in
    phase id its description for a model i18n does not describe; the words come with the rule table."""
    from journeylab.report.display import phase_rule_table

    rules = phase_rules("b2b", source=_client_model())
    assert list(rules.columns) == ["phase", "needs", "rule"]
    assert phase_name(rules, "nurture", "nl") == "koestering" and phase_name(rules, "awareness", "nl") == "bewustwording"
    assert phase_description(rules, "nurture", "nl") == "klikte een e-mail aan, nog geen bestelling"
    assert phase_description(rules, "purchase", "en") == "ordered"
    ph = journey_phases(hand_shop(), rules=rules, status=False)
    assert "phase_nl" not in ph and set(ph["phase"].astype(str)) <= {"awareness", "nurture", "purchase"}
    shown = phase_rule_table(ph.attrs["rules"], "nl")
    assert list(shown["phase"]) == ["bewustwording", "koestering", "aankoop"]
    assert list(shown["rule_meaning"]) == ["bezocht ons", "klikte een e-mail aan, nog geen bestelling", "bestelde"]
    assert ph.attrs["model"] == "b2b"
    import matplotlib.pyplot as plt
    from journeylab.report.plots_journey import phase_plot

    ax = phase_plot(ph, by=None, lang="nl")
    assert [x.get_text() for x in ax.get_xticklabels()] == ["bewustwording", "koestering", "aankoop"]
    plt.close(ax.figure)


@pytest.mark.parametrize("change, match", [
    ({"label": None}, "nurture: journeylab.i18n has no words for this id, so it needs its own label"),
    ({"description": {"en": "clicked an e-mail"}}, "nurture: its description needs a text in every language"),
    ({"phase_nl": "koestering"}, "phase_nl is no longer read; give the words in en and nl as label: {en: ..., nl: ...}"),
    ({"description_nl": "klikte"}, "description_nl is no longer read; .* description: {en: ..., nl: ...}"),
    ({"phase": "Nurture"}, "an id is snake_case"),
])
def test_a_client_phase_without_words_in_both_languages_is_a_config_error(change, match):
    model = _client_model(**change)
    nurture = model["models"]["b2b"]["phases"][1]
    for key in [k for k, v in change.items() if v is None]:
        del nurture[key]
    with pytest.raises(ConfigError, match=match):
        phase_rules("b2b", source=model)


@pytest.mark.parametrize("rule", ["n_orders >= 1 AND segment = 'Champions'",
                                  "segment IN ('champions', 'Loyal Customers')",
                                  "n_orders >= 1 AND segment <> 'VIP'"])
def test_a_rule_naming_an_unknown_segment_is_a_config_error(rule):
    """A phase rule compares segment with segment ids of the map in use; an old name would match nobody."""
    with pytest.raises(ConfigError, match=r"phase ambassador: .*segment .*known ids: champions, loyal_customers"):
        resolve_rules("five", {"ambassador": rule})
    with pytest.raises(ConfigError, match="phase ambassador"):
        journey_phases(hand_shop(), rules={"ambassador": rule}, status=False)


def test_segment_ids_in_rules_are_checked_against_the_segment_map_in_use():
    from journeylab.models.rfm import load_segment_map

    assert len(resolve_rules("five", {"ambassador": "segment IN ('champions', 'loyal_customers')"})) == 5
    data = load_segment_map().table.to_dict("records")
    own = {"version": "client/1", "segments": [
        {"id": "big_spenders" if r["id"] == "champions" else r["id"], "r": [r["r_lo"], r["r_hi"]],
         "fm": [r["fm_lo"], r["fm_hi"]], "phase": r["phase"],
         **({"name": {"en": "Big spenders", "nl": "Grote kopers"}, "action": {"en": "VIP", "nl": "VIP"}}
            if r["id"] == "champions" else {})} for r in data]}
    with pytest.raises(ConfigError, match="'champions', which is not a segment id of segment map client/1"):
        resolve_rules("five", None, segment_map=own)  # the built-in ambassador rule names champions
    ph = journey_phases(hand_shop(), rules={"ambassador": "n_orders >= 1 AND segment = 'big_spenders'"},
                        segment_map=own, status=False)
    assert ph["segment"].dropna().isin([r["id"] for r in own["segments"]]).all()
