"""Funnels and consideration: a hand-counted shop and simulated truth."""
from __future__ import annotations

import pytest

from journeylab.errors import ConfigError, DataError
from journeylab.journey.funnel import consideration, consideration_summary, funnel

from _journey_data import hand_shop, simulated

import journeylab as jl


def _units(res, group="all"):
    t = res.table[res.table["group"] == group]
    return dict(zip(t["step"], t["units"]))


def test_closed_session_funnel_by_hand():
    res = funnel(hand_shop())
    assert _units(res) == {"product_view": 5, "add_to_cart": 3, "begin_checkout": 2, "purchase": 2}
    t = res.table.set_index("step")
    assert t.loc["add_to_cart", "step_conversion"] == pytest.approx(3 / 5)
    assert t.loc["purchase", "overall_conversion"] == pytest.approx(2 / 5)
    assert t.loc["product_view", "drop_off"] == 2
    assert t.loc["add_to_cart", "median_minutes"] == pytest.approx(2.0)  # 2, 1 and 3 minutes
    nxt = res.next_after_drop_off
    after_view = nxt[nxt["stopped_after"] == "product_view"].set_index("next_event")["units"].to_dict()
    assert after_view == {"page_view": 1, "(left)": 1}
    assert res.conversion() == pytest.approx(0.4)


def test_person_funnel_window():
    shop = hand_shop()
    assert _units(funnel(shop, by="person")) == {"product_view": 3, "add_to_cart": 3, "begin_checkout": 2, "purchase": 2}
    # u1's cart comes a day after the first view: outside a 12-hour window
    assert _units(funnel(shop, by="person", window="12h")) == {"product_view": 3, "add_to_cart": 2,
                                                                 "begin_checkout": 1, "purchase": 1}


def test_open_funnel_and_custom_steps():
    shop = hand_shop()
    res = funnel(shop, kind="open", steps=["add_to_cart", "purchase"])
    assert _units(res) == {"add_to_cart": 3, "purchase": 2}
    res = funnel(shop, steps={"reviews page": "page_type = 'research_reviews'", "buy": "event_type = 'purchase'"},
                 by="person")
    assert _units(res) == {"reviews page": 1, "buy": 1}
    with pytest.raises(ConfigError):
        funnel(shop, steps=["purchase"])


def test_event_type_steps_are_quoted_by_the_dialect():
    """A step named by an event type becomes an SQL string literal through the shop's dialect (one home for
    quoting): a quote in it is escaped (no SQL error, nothing injected), in DuckDB and in Spark's spelling."""
    from journeylab.data.dialect import SPARK
    from journeylab.journey.funnel import _steps

    res = funnel(hand_shop(), kind="open", steps=["purchase", "it's' OR 1=1 --"])
    assert _units(res) == {"purchase": 2, "it's' OR 1=1 --": 0}
    assert _steps(["add_to_cart", "it's"], SPARK) == [("add_to_cart", "event_type = 'add_to_cart'"),
                                                      ("it's", "event_type = 'it\\'s'")]


def test_breakdowns():
    shop = hand_shop()
    by_ch = funnel(shop, breakdown="channel")
    assert _units(by_ch, "direct")["product_view"] == 3  # s2, s5, s6
    by_lv = funnel(shop, breakdown="involvement")
    assert _units(by_lv, "high") == {"product_view": 2, "add_to_cart": 1, "begin_checkout": 1, "purchase": 1}


def test_default_steps_leave_out_event_types_the_shop_never_logs():
    """A shop without checkout events (REES46: view, cart, purchase) would otherwise show no purchase at all."""
    shop = hand_shop()
    events = shop.table("events")
    no_checkout = events[events["event_type"] != "begin_checkout"]
    shop2 = jl.load_shop({"name": "nocheckout", "observation_end": "2024-02-01",
                          "tables": {"orders": shop.table("orders"), "order_lines": shop.table("order_lines"),
                                     "products": shop.table("products"), "events": no_checkout}})
    res = funnel(shop2)
    assert _units(res) == {"product_view": 5, "add_to_cart": 3, "purchase": 2}
    assert res.notes == ["left out of the funnel, as this shop logs no such events: begin_checkout"]
    explicit = funnel(shop2, steps=["product_view", "add_to_cart", "begin_checkout", "purchase"])
    assert _units(explicit) == {"product_view": 5, "add_to_cart": 3, "begin_checkout": 0, "purchase": 0}
    assert funnel(shop).notes == []  # every default step logged: all four kept


def test_involvement_breakdown_without_products_is_one_group_with_a_note():
    shop = hand_shop()
    plain = jl.load_shop({"name": "noproducts", "observation_end": "2024-02-01",
                          "tables": {"orders": shop.table("orders"), "events": shop.table("events")}})
    res = funnel(plain, breakdown="involvement")
    assert set(res.table["group"]) == {"all"}
    assert _units(res) == _units(funnel(shop))
    assert res.notes == ["no breakdown by involvement: the shop has no products with categories"]


def test_funnel_needs_events():
    shop, _ = simulated()
    only = jl.load_shop({"name": "o", "tables": {"orders": shop.table("orders")}})
    with pytest.raises(DataError, match="events"):
        funnel(only)


def test_consideration_by_hand():
    c = consideration(hand_shop())
    # one row per person: the customer the events link the user to (u1 bought as c1, u3 as c3), as journey_phases
    assert set(c.index) == {"c1", "c3"} and c.index.name == "person_id"
    assert list(c["customer_id"]) == list(c.index)
    c = c.rename(index={"c1": "u1", "c3": "u3"})
    u1 = c.loc["u1"]
    assert u1["days_from_first_visit"] == pytest.approx(2 + 6 / 1440)
    assert u1["days_from_first_product_view"] == pytest.approx(1 + 6 / 1440)
    assert (u1["sessions_from_first_visit"], u1["sessions_from_first_product_view"], u1["channels"],
            u1["research_views"]) == (3, 2, 3, 1)
    assert c.loc["u3", "days_from_first_visit"] == pytest.approx(10 / 1440)
    assert c.loc["u1", "involvement"] == "high" and c.loc["u3", "involvement"] == "low"


def test_consideration_matches_simulated_truth():
    shop, truth = simulated()
    c = consideration(shop)
    # one row per person: a buyer is their customer_id (the truth's), as in journey_phases
    tc = truth.customers[truth.customers["is_buyer"]].set_index("customer_id")
    assert c.index.name == "person_id"
    j = c.join(tc[["days_to_purchase", "sessions_to_purchase", "involvement", "first_channel"]], rsuffix="_true")
    assert len(j) == len(tc)
    # the truth counts to the start of the purchase session, we to the purchase event in it
    diff = j["days_from_first_visit"] - j["days_to_purchase"]
    assert diff.between(-1e-4, 0.1).mean() > 0.99 and diff.median() < 0.01
    assert (j["sessions_from_first_visit"] == j["sessions_to_purchase"]).mean() > 0.99
    assert (j["first_channel"] == j["first_channel_true"]).mean() > 0.99
    s = consideration_summary(c)
    assert s.loc["high", "days_from_first_visit_median"] > 5 > s.loc["low", "days_from_first_visit_median"]


def test_journey_plots_in_both_languages():
    import matplotlib.pyplot as plt

    from journeylab.report import plots_journey as pj
    from journeylab.journey.attribution import attribution
    from journeylab.journey.phases import cohort_retention, journey_phases, phase_flows

    shop, _ = simulated()
    for lang in ("en", "nl"):
        figs = [pj.funnel_plot(funnel(shop, breakdown="involvement", next_event=False), lang=lang),
                pj.phase_plot(journey_phases(shop, status=False), lang=lang),
                pj.phase_flow_plot(phase_flows(shop, ["2024-06-01", "2024-12-31"]), lang=lang),
                pj.cohort_plot(cohort_retention(shop), lang=lang),
                pj.attribution_plot(attribution(shop), lang=lang),
                pj.consideration_plot(consideration(shop), lang=lang)]
        title = figs[0].get_title()
        assert title == ("Funnel" if lang == "en" else "Trechter")
        steps = [x.get_text() for x in figs[0].get_xticklabels()]
        assert steps[-1] == ("purchase" if lang == "en" else "aankoop")
        assert ("in winkelmandje" if lang == "nl" else "add to cart") in steps  # event types: i18n.EVENTS
        assert not any("_" in s for s in steps)
        assert figs[2].patches  # blocks and bands drawn
        blocks = " ".join(x.get_text() for x in figs[2].texts)
        assert ("aankoop (" in blocks and "purchase (" not in blocks) if lang == "nl" else "purchase (" in blocks
        for ax in figs:
            plt.close(ax.figure)
    with pytest.raises(ValueError):
        pj.funnel_plot(funnel(hand_shop()), lang="fr")
