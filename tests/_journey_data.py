"""Small shops for the journey tests: a hand-made one (known answers) and simulated ones (known truth)."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

import journeylab as jl
from journeylab.simulate import simulate_shop

T0 = pd.Timestamp("2024-01-01 10:00")


def ev(user, session, ts, event_type, channel, product=None, customer=None, order=None, page_type=None):
    return dict(user_id=user, customer_id=customer, session_id=session, ts=ts, event_type=event_type,
                channel=channel, product_id=product, order_id=order, page_type=page_type, device="mobile")


def hand_shop() -> jl.Shop:
    """Four persons, computed by hand in the tests:
    u1: s1 organic_search (day 0) -> s2 direct (day 1) -> s3 email (day 2, view, cart, checkout, purchase o1)
    u2: s4 organic_search (view, cart) -> s5 direct (view) ; never buys
    u3: s6 direct: view, cart, checkout, purchase o3 (10 minutes after the view)
    u4: s7 social: home page only
    """
    d = pd.Timedelta
    e = [
        ev("u1", "s1", T0, "page_view", "organic_search", page_type="home"),
        ev("u1", "s2", T0 + d("1D"), "product_view", "direct", "p2", page_type="product"),
        ev("u1", "s2", T0 + d("1D") + d("1min"), "page_view", "direct", page_type="research_reviews"),
        ev("u1", "s3", T0 + d("2D"), "product_view", "email", "p2", page_type="product"),
        ev("u1", "s3", T0 + d("2D") + d("2min"), "add_to_cart", "email", "p2", page_type="cart"),
        ev("u1", "s3", T0 + d("2D") + d("4min"), "begin_checkout", "email", "p2", page_type="checkout"),
        ev("u1", "s3", T0 + d("2D") + d("6min"), "purchase", "email", "p2", "c1", "o1", "checkout"),
        ev("u2", "s4", T0 + d("3D"), "product_view", "organic_search", "p1", page_type="product"),
        ev("u2", "s4", T0 + d("3D") + d("1min"), "add_to_cart", "organic_search", "p1", page_type="cart"),
        ev("u2", "s5", T0 + d("5D"), "product_view", "direct", "p1", page_type="product"),
        ev("u3", "s6", T0 + d("4D"), "product_view", "direct", "p1", page_type="product"),
        ev("u3", "s6", T0 + d("4D") + d("3min"), "add_to_cart", "direct", "p1", page_type="cart"),
        ev("u3", "s6", T0 + d("4D") + d("6min"), "begin_checkout", "direct", "p1", page_type="checkout"),
        ev("u3", "s6", T0 + d("4D") + d("10min"), "purchase", "direct", "p1", "c3", "o3", "checkout"),
        ev("u4", "s7", T0 + d("6D"), "page_view", "social", page_type="home"),
    ]
    events = pd.DataFrame(e)
    orders = pd.DataFrame({"order_id": ["o1", "o3"], "customer_id": ["c1", "c3"],
                           "ordered_at": [T0 + d("2D") + d("6min"), T0 + d("4D") + d("10min")],
                           "revenue": [500.0, 5.0]})
    lines = pd.DataFrame({"order_id": ["o1", "o3"], "product_id": ["p2", "p1"], "quantity": [1.0, 1.0],
                          "unit_price": [500.0, 5.0]})
    products = pd.DataFrame({"product_id": ["p1", "p2"], "category": ["soap", "bikes"], "price": [5.0, 500.0]})
    return jl.load_shop({"name": "hand", "observation_end": "2024-02-01",
                         "tables": {"orders": orders, "order_lines": lines, "products": products, "events": events}})


@lru_cache(maxsize=4)
def simulated(n: int = 3000, seed: int = 5):
    """(shop, truth) of a simulated shop."""
    sim = simulate_shop(n, seed=seed)
    shop = jl.load_shop({"name": f"sim{seed}", "observation_end": str(sim.observation_end.date()),
                         "tables": dict(sim.tables())})
    return shop, sim.truth
