"""A hand-made shop of cheap and expensive categories for the rule "extreme amount" (journeylab.data.io.clean),
loaded by the DuckDB tests (test_load.py) and compared between the engines (test_spark_loader.py).

60 sock orders of 8-12 EUR (median 10), 25 bicycle orders of 1,400-1,640 EUR (median 1,520) and ``n_tents``
tent orders of 2,000 EUR: with fewer than 20 of them the shop median (a sock order's, 10-12 EUR) applies.
The median of all orders stays a sock order's, so the shop-wide limit is 1,000-1,200 EUR, the socks' 1,000,
the bicycles' 152,000 and, with 20 or more tent orders, the tents' 200,000.
"""
from __future__ import annotations

from typing import Iterable

import pandas as pd

# Extra orders by name: (revenue, lines as (product_id, quantity, unit_price)).
EXTRA: dict[str, tuple[float, list[tuple[str, float, float]]]] = {
    "big sock order": (50_000.0, [("sock", 5_000.0, 10.0)]),  # 100x the socks' median is 1,000
    "big bicycle order": (500_000.0, [("bike", 2.0, 250_000.0)]),  # 100x the bicycles' median is 152,000
    "bicycle with socks": (1_530.0, [("bike", 1.0, 1_500.0), ("sock", 3.0, 10.0)]),  # mostly a bicycle
    "no lines": (5_000.0, []),
    "product not in products": (3_000.0, [("mystery", 1.0, 2_990.0), ("sock", 1.0, 10.0)]),
    "product without category": (4_000.0, [("nocat", 1.0, 4_000.0)]),
    # "duplicate_product_id": the first row (socks) gives the category, not the second (bicycles)
    "product id twice": (3_000.0, [("dup", 1.0, 3_000.0)]),
    # an exact copy of a line counts once: a bicycle (1,000), not socks (3 x 400)
    "copied sock lines": (3_000.0, [("sock400", 1.0, 400.0), ("sock400", 1.0, 400.0), ("sock400", 1.0, 400.0),
                                    ("bike", 1.0, 1_000.0)]),
    # ties: the first category by name (bicycles before socks), a known category before an unknown one
    "tie socks and bicycles": (2_000.0, [("sock", 10.0, 10.0), ("bike", 1.0, 100.0)]),
    "tie no category and bicycles": (2_000.0, [("nocat", 1.0, 100.0), ("bike", 1.0, 100.0)]),
}
PRODUCTS = pd.DataFrame({
    "product_id": ["sock", "sock400", "bike", "tent", "nocat", "dup", "dup"],
    "category": ["socks", "socks", "bicycles", "tents", None, "socks", "bicycles"],
    "price": [10.0, 400.0, 1_500.0, 2_000.0, 100.0, 3_000.0, 3_000.0],
})


def outlier_shop(extra: Iterable[str] = (), *, n_tents: int = 0, lines: bool = True) -> dict:
    """The shop config (DataFrames as tables) with the ``extra`` orders of EXTRA; ``lines``: with order lines
    and products (else an orders-only shop of the same orders)."""
    orders, order_lines = [], []

    def add(order_id: str, revenue: float, items: list[tuple[str, float, float]]) -> None:
        day = pd.Timestamp("2024-01-01") + pd.Timedelta(days=len(orders) % 300)
        orders.append(dict(order_id=order_id, customer_id=f"c{len(orders) % 40}", ordered_at=day, revenue=revenue,
                           status="paid"))
        order_lines.extend(dict(order_id=order_id, product_id=p, quantity=q, unit_price=u) for p, q, u in items)

    for i in range(60):
        add(f"sock-{i}", 8.0 + i % 5, [("sock", 1.0, 8.0 + i % 5)])
    for i in range(25):
        add(f"bicycle-{i}", 1_400.0 + 10 * i, [("bike", 1.0, 1_400.0 + 10 * i)])
    for i in range(n_tents):
        add(f"tent-{i}", 2_000.0, [("tent", 1.0, 2_000.0)])
    for name in extra:
        add(name, *EXTRA[name])
    tables: dict[str, pd.DataFrame] = {"orders": pd.DataFrame(orders)}
    if lines:
        tables["order_lines"] = pd.DataFrame(order_lines)
        tables["products"] = PRODUCTS.copy()
    return {"name": "socks and bicycles", "observation_end": "2024-12-31", "tables": tables}


def flagged(shop) -> tuple[int, float]:
    """(rows, revenue) of the orders flagged as extreme amounts."""
    dq = shop.data_quality
    row = dq[(dq["table"] == "orders") & (dq["action"] == "flagged")]
    return int(row["rows"].sum()), float(row["revenue"].sum())
