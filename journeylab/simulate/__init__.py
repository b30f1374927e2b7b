"""Synthetic web shops whose truth is known: for the demo, teaching, tests and benchmarks.

API
    simulate_shop(n_customers, start="2023-01-01", end="2024-12-31", seed=0, params=None) -> SimulatedShop
        in memory; .orders .order_lines .products .events .reviews (canonical tables, see
        journeylab.data.contract), .tables() -> dict, .truth (SimulationTruth: .params dict,
        .customers one row per person, .sessions one row per session), .observation_end.
    write_shop(out_dir, n_customers, start, end, seed, chunk_size=100_000, format="parquet"|"csv",
               params=None, name="simulated") -> path of shop.yaml
        streams the same shop to files chunk by chunk (bounded memory); writes shop.yaml
        (journeylab.load_shop reads it), truth.json, truth_customers.parquet, truth_sessions.parquet.

Counting and time
    n_customers counts buyers: persons with at least one completed order in the window.
    Never-buying visitors come on top (nonbuyers_per_customer = 1.0 per buyer), so a shop
    has 2 * n_customers persons (user_id u1.., buyers also customer_id c1..). The window is
    [start, end): ``end`` is the observation end at midnight, nothing happens on or after it.
    The same seed and params give the same tables however the shop is chunked (each block
    of 20,000 buyers has its own random stream; ids are numbered in block order).

Generative model (per person)
    1. Involvement level of the first purchase (buyers: low 70 %, high 30 %; never-buyers
       50/50) and a category within it; a device; a first channel from the level's mix.
    2. First journey: K sessions before the purchase session, K = min + Poisson(mean):
       low 0 + Poisson(0.3), high 2 + Poisson(2.5). Sessions are 1 h + Exp(mean gap) apart,
       mean gap low 0.25 days, high 3 days, so low buys in the first session or within a day
       (median 0 days) and high after about two weeks (median ~12 days, ~5.5 sessions).
       The first session is awareness only (home/category/content pages) with P = low 0.1,
       high 0.7; later ones are consideration sessions (product views, compare, research
       pages; add_to_cart w.p. low 0.3 / high 0.15 and begin_checkout w.p. 0.4 then drop-off)
       arriving through the return-visit mix (display = retargeting). Arrival is uniform
       over the window such that the first purchase falls inside it.
    3. Repeat purchases are exactly BG/NBD per first-purchase level, time in weeks from the
       first purchase to the observation end: lambda ~ Gamma(r, alpha), p ~ Beta(a, b),
       dropout after each repeat purchase with probability p.
       low: r 0.9, alpha 5.0, a 0.8, b 6.0 (~83 % buy again, ~5 repeats on average)
       high: r 0.3, alpha 40.0, a 2.0, b 2.0 (~20 % buy again)
       A repeat order is of the other level with P = low 0.05, high 0.25 (cross-over);
       before a repeat order come Poisson(low 0.05 / high 1.5) consideration sessions.
    4. Order value is Gamma-Gamma per customer and level: nu ~ Gamma(q, gamma),
       value ~ Gamma(p, nu) euros: low p 6, q 4, gamma 12 (mean EUR 24),
       high p 6, q 5, gamma 400 (mean EUR 600). Low orders have 1 + Poisson(1.5) distinct
       lines with quantities and prices near list price; a high order is one product priced
       near the value. 3 % of completed orders get a cancelled sibling order (status
       "cancelled", same customer, 0.5 h - days later) that is outside the BG/NBD process.
    5. Email: 50 % of buyers get a newsletter ~every 30 days after their first order; opened
       with P 0.3 while alive, 0.08 after dropout; a click (P 0.25) starts an email session.
    6. Ambassadors: P = 1 - (1 - base) * 0.99 ** repeats, base low 0.01, high 0.04. They
       review 15 % of their orders (others: low 2 %, high 12 %) 3 + Exp(10) days after the
       order, mostly 5 stars, and make Poisson(1.5) referral events.
    7. Never-buyers: 1 + Poisson(0.3) awareness sessions, then with P low 0.35 / high 0.6
       1 + Poisson(low 0.3 / high 1.5) consideration sessions; cut at the observation end.

Events (one row per event, sessions contiguous and in time order per user)
    event_type / page_type: page_view / home, category, content, promotion (landing pages;
    promotion more often for low involvement), research_reviews, research_delivery,
    research_returns; product_view / product; compare / compare; add_to_cart / cart;
    begin_checkout / checkout; purchase / checkout (with order_id, at ordered_at);
    email_open, email_click / email; review / review; referral / referral.
    channel is the session's channel, device the session's device. customer_id is null
    before the person's first purchase event.

Truth
    truth.params (truth.json): n_customers, seed, window and every parameter above.
    truth.customers (truth_customers.parquet), per person: user_id, customer_id, is_buyer,
    involvement, interest_category, first_channel, device, phase (awareness, consideration,
    purchase, repeat, ambassador = flagged ambassador who reviewed or referred),
    first_session_at, first_purchase_at, sessions_to_purchase, days_to_purchase,
    lambda_per_week, p_dropout, T_weeks, n_repeat, alive_at_end, dropout_at, nu_low,
    nu_high, subscribed, ambassador.
    truth.sessions (truth_sessions.parquet): session_id, user_id, kind (awareness,
    consideration, first_purchase, repeat_purchase, email, review, referral), started_at.

Every default is in journeylab.simulate.params.SimulationParams; override any subset with
``params={"high": {"bgnbd": {"alpha": 30.0}}, "cancel_prob": 0.0}``.
"""
from journeylab.simulate.params import SimulationParams
from journeylab.simulate.shop import SimulatedShop, SimulationTruth, simulate_shop, write_shop

__all__ = ["SimulationParams", "SimulatedShop", "SimulationTruth", "simulate_shop", "write_shop"]
