"""REES46 multi-category store event log -> events, products, orders, order_lines.

Source: one CSV (``2019-Oct.csv`` and its heads); columns read:

| column | used as |
|---|---|
| event_time | ts (``YYYY-MM-DD HH:MM:SS UTC``: converted to the shop's ``timezone``, default UTC) |
| event_type | event_type: ``view`` -> product_view, ``cart`` -> add_to_cart, ``remove_from_cart`` -> remove_from_cart, ``purchase`` -> purchase |
| product_id | product_id |
| category_code | products.category (missing -> 'unknown', counted by the cleaning) |
| price | products.price (median over the product's events); order_lines.unit_price |
| user_id | user_id; the customer_id of orders |
| user_session | session_id; the order_id of the session's purchases |

category_id and brand are not read. Rules: an exact duplicate row (all nine columns) is
dropped and counted in events. Orders: the purchase events of one session form one order
(order_id = user_session, revenue = sum of their prices, ordered_at = first purchase event);
order_lines: one line per order, product and price, quantity = number of purchase events,
the extra events counted as 'merged'.
"""
from __future__ import annotations

from journeylab.data.dialect import DUCKDB
from journeylab.data.io.adapters.base import (Adapted, AdapterRule, Context, apply_rules, make_typed, require_columns, typed_expr)

COLUMNS = ("event_time", "event_type", "product_id", "category_code", "price", "user_id", "user_session")
EVENT_TYPES = {"view": "product_view", "cart": "add_to_cart", "remove_from_cart": "remove_from_cart", "purchase": "purchase"}

RULES = (AdapterRule("duplicate_export_row", "_dup > 1", "dropped", "copy_event_all_columns"),)


def adapt(ctx: Context) -> Adapted:
    """Read the REES46 event file of ``ctx`` into typed events, products, orders and order_lines."""
    con = ctx.con
    raw, source = ctx.read_file("events", ctx.file("events", "2019-Oct.csv"))
    cols = require_columns(con, raw, COLUMNS, source, "REES46 event log")
    ts = typed_expr(con, raw, "event_time", "TIMESTAMP", source)
    price = typed_expr(con, raw, "price", "DOUBLE", source)
    etype = "CASE trim(event_type) " + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in EVENT_TYPES.items()) + " ELSE trim(event_type) END"
    all_cols = ", ".join(DUCKDB.ident(c) for c in cols)
    con.execute(f"""
        CREATE OR REPLACE TABLE rees_stage AS
        SELECT _line, {ts} AS ts, {etype} AS event_type, NULLIF(trim(product_id), '') AS product_id,
               NULLIF(trim(category_code), '') AS category, {price} AS price,
               NULLIF(trim(user_id), '') AS user_id, NULLIF(trim(user_session), '') AS session_id,
               row_number() OVER (PARTITION BY {all_cols} ORDER BY _line) AS _dup
        FROM {raw}
    """)
    con.execute(f"DROP TABLE {raw}")
    kept, quality = apply_rules(con, "rees_stage", "events", RULES, read_explanation="events_in_file")
    events = make_typed(con, "events", f"SELECT _line, user_id, session_id, ts, event_type, product_id FROM {kept}")
    products = make_typed(con, "products", f"""
        SELECT min(_line) AS _line, product_id, arg_max(category, ts) AS category, median(price) AS price
        FROM {kept} WHERE product_id IS NOT NULL GROUP BY product_id
    """)
    purchases = f"SELECT * FROM {kept} WHERE event_type = 'purchase'"
    orders = make_typed(con, "orders", f"""
        SELECT min(_line) AS _line, session_id AS order_id, min(user_id) AS customer_id, min(ts) AS ordered_at,
               sum(price) AS revenue
        FROM ({purchases}) GROUP BY session_id
    """)
    lines = make_typed(con, "order_lines", f"""
        SELECT min(_line) AS _line, session_id AS order_id, product_id, count(*) AS quantity, price AS unit_price
        FROM ({purchases}) GROUP BY session_id, product_id, price
    """)
    n_p, m_p, n_l = con.execute(f"""
        SELECT count(*), coalesce(sum(price), 0),
               (SELECT count(*) FROM (SELECT 1 FROM ({purchases}) GROUP BY session_id, product_id, price))
        FROM ({purchases})
    """).fetchone()
    quality += [
        dict(table="order_lines", rule="rows_read", action="read", rows=n_p, revenue=float(m_p),
             explanation="purchase_events", matching=n_p),
        dict(table="order_lines", rule="same_product_again", action="merged", rows=n_p - n_l, revenue=0.0,
             explanation="merged_into_quantity", matching=n_p - n_l),
    ]
    con.execute(f"DROP TABLE {kept}")
    con.execute("DROP TABLE rees_stage")
    return Adapted(
        typed={"orders": orders, "order_lines": lines, "products": products, "events": events},
        sources={t: source for t in ("orders", "order_lines", "products", "events")},
        quality=quality,
    )
