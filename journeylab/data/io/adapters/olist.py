"""Olist Brazilian e-commerce data set (a folder of CSVs) -> orders, order_lines, products, reviews.

``path:`` is the folder; each file can also be named with ``files: {role: path}``. Files and
columns read (roles in brackets):

| file [role] | columns read | used as |
|---|---|---|
| olist_orders_dataset [orders] | order_id, customer_id, order_status, order_purchase_timestamp | order_id, (join key), status, ordered_at |
| olist_customers_dataset [customers] | customer_id, customer_unique_id | customer_id = customer_unique_id (the person; customer_id is one per order) |
| olist_order_payments_dataset [payments] | order_id, payment_value | revenue = sum of the order's payments (BRL) |
| olist_order_items_dataset [items] | order_id, product_id, price, freight_value | order_lines (one per order, product and price; quantity = item rows); revenue when an order has no payment = sum of price + freight |
| olist_products_dataset [products] | product_id, product_category_name | products.category (English where the translation file has it) |
| product_category_name_translation [translation] | product_category_name, product_category_name_english | English category names |
| olist_order_reviews_dataset [reviews] | order_id, review_score, review_creation_date | reviews: rating, ts; product = the order's first item |

Zip code prefix, city and state are not read. Status: ``canceled`` and ``unavailable`` orders
are dropped by the cleaning (cancelled); every other status (delivered, shipped, invoiced,
processing, created, approved) is kept as a purchase. Counted rules: orders whose customer is
not in the customers file (dropped), orders without payments whose revenue is taken from
their items (fixed), item rows merged into one line per product and price (merged), reviews of
orders not in the orders file or without items (dropped).
"""
from __future__ import annotations

from journeylab.data.io.adapters.base import (Adapted, AdapterRule, Context, apply_rules, make_typed, require_columns, typed_expr)

FILES = {
    "orders": ("olist_orders_dataset.csv", ("order_id", "customer_id", "order_status", "order_purchase_timestamp")),
    "customers": ("olist_customers_dataset.csv", ("customer_id", "customer_unique_id")),
    "payments": ("olist_order_payments_dataset.csv", ("order_id", "payment_value")),
    "items": ("olist_order_items_dataset.csv", ("order_id", "product_id", "price", "freight_value")),
    "products": ("olist_products_dataset.csv", ("product_id", "product_category_name")),
    "translation": ("product_category_name_translation.csv", ("product_category_name", "product_category_name_english")),
    "reviews": ("olist_order_reviews_dataset.csv", ("order_id", "review_score", "review_creation_date")),
}

ORDER_RULES = (
    AdapterRule("customer_not_in_file", "person IS NULL", "dropped", "order_no_person"),
    AdapterRule("revenue_from_items", "paid IS NULL AND items_value IS NOT NULL", "fixed",
                "revenue_items_freight"),
)
REVIEW_RULES = (
    AdapterRule("review_unknown_order", "person IS NULL", "dropped", "review_order_not_in_file"),
    AdapterRule("review_order_without_items", "product_id IS NULL", "dropped", "review_no_product"),
)


def adapt(ctx: Context) -> Adapted:
    """Read the Olist files of ``ctx`` into typed orders, order_lines, products and reviews."""
    con = ctx.con
    raws, srcs = {}, {}
    for role, (name, needed) in FILES.items():
        raws[role], srcs[role] = ctx.read_file(f"olist_{role}", ctx.file(role, name))
        require_columns(con, raws[role], needed, srcs[role], f"Olist {role} file")
    r = raws
    ts = typed_expr(con, r["orders"], "order_purchase_timestamp", "TIMESTAMP", srcs["orders"])
    pay = typed_expr(con, r["payments"], "payment_value", "DOUBLE", srcs["payments"])
    price = typed_expr(con, r["items"], "price", "DOUBLE", srcs["items"])
    freight = typed_expr(con, r["items"], "freight_value", "DOUBLE", srcs["items"])
    score = typed_expr(con, r["reviews"], "review_score", "DOUBLE", srcs["reviews"])
    rts = typed_expr(con, r["reviews"], "review_creation_date", "TIMESTAMP", srcs["reviews"])
    con.execute(f"CREATE OR REPLACE TABLE olist_items AS SELECT _line, order_id, product_id, {price} AS price, {freight} AS freight FROM {r['items']}")
    con.execute(f"""
        CREATE OR REPLACE TABLE olist_stage AS
        SELECT o._line, o.order_id, c.customer_unique_id AS person, {ts} AS ts, o.order_status AS status,
               p.paid, i.items_value
        FROM {r['orders']} o
        LEFT JOIN (SELECT customer_id, any_value(customer_unique_id) AS customer_unique_id FROM {r['customers']} GROUP BY 1) c
               USING (customer_id)
        LEFT JOIN (SELECT order_id, sum({pay}) AS paid FROM {r['payments']} GROUP BY 1) p USING (order_id)
        LEFT JOIN (SELECT order_id, sum(price + coalesce(freight, 0)) AS items_value FROM olist_items GROUP BY 1) i USING (order_id)
    """)
    kept, quality = apply_rules(con, "olist_stage", "orders", ORDER_RULES, money="coalesce(paid, items_value)",
                                read_explanation="orders_in_file")
    orders = make_typed(con, "orders", f"""
        SELECT _line, order_id, person AS customer_id, ts AS ordered_at, coalesce(paid, items_value) AS revenue, status
        FROM {kept}
    """)
    lines = make_typed(con, "order_lines", """
        SELECT min(_line) AS _line, order_id, product_id, count(*) AS quantity, price AS unit_price
        FROM olist_items GROUP BY order_id, product_id, price
    """)
    n_items, m_items, n_lines = con.execute("""
        SELECT count(*), coalesce(sum(price), 0),
               (SELECT count(*) FROM (SELECT 1 FROM olist_items GROUP BY order_id, product_id, price)) FROM olist_items
    """).fetchone()
    quality += [
        dict(table="order_lines", rule="rows_read", action="read", rows=n_items, revenue=float(m_items),
             explanation="item_rows", matching=n_items),
        dict(table="order_lines", rule="same_product_again", action="merged", rows=n_items - n_lines,
             revenue=0.0, explanation="merged_into_quantity",
             matching=n_items - n_lines),
    ]
    products = make_typed(con, "products", f"""
        SELECT p._line, p.product_id, coalesce(t.product_category_name_english, NULLIF(p.product_category_name, '')) AS category,
               ip.price
        FROM {r['products']} p
        LEFT JOIN {r['translation']} t USING (product_category_name)
        LEFT JOIN (SELECT product_id, median(price) AS price FROM olist_items GROUP BY 1) ip USING (product_id)
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE olist_rstage AS
        SELECT rv._line, s.person, fi.product_id, {rts} AS ts, {score} AS rating
        FROM {r['reviews']} rv
        LEFT JOIN olist_stage s USING (order_id)
        LEFT JOIN (SELECT order_id, arg_min(product_id, _line) AS product_id FROM olist_items GROUP BY 1) fi USING (order_id)
    """)
    rkept, rq = apply_rules(con, "olist_rstage", "reviews", REVIEW_RULES, read_explanation="reviews_in_file")
    reviews = make_typed(con, "reviews", f"SELECT _line, person AS customer_id, product_id, ts, rating FROM {rkept}")
    for t in (kept, rkept, "olist_stage", "olist_rstage", "olist_items", *raws.values()):
        con.execute(f"DROP TABLE {t}")
    return Adapted(
        typed={"orders": orders, "order_lines": lines, "products": products, "reviews": reviews},
        sources={"orders": srcs["orders"], "order_lines": srcs["items"], "products": srcs["products"], "reviews": srcs["reviews"]},
        quality=quality + rq,
    )
