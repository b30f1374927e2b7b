"""Shopify orders export (Admin > Orders > Export, CSV) -> orders, order_lines.

The export has one row per line item; order-level columns are filled on the order's first row
(and may be empty on the others), so each order-level value is the first non-empty one of the
order. Columns read:

| column | used as |
|---|---|
| Name | order_id (``#1001``) |
| Email | customer_id = keyed hash of the e-mail (journeylab.data.pii); Phone when there is no e-mail |
| Phone | customer_id fallback, hashed |
| Financial Status | status (paid, partially_paid, partially_refunded, refunded, voided, pending, authorized) |
| Fulfillment Status | not used for purchases (documented only) |
| Currency | orders in another currency than the shop config's ``currency`` are dropped, counted |
| Total | revenue = Total - Refunded Amount (shop currency, includes shipping and taxes) |
| Refunded Amount | subtracted from Total (partial refunds: counted as fixed) |
| Created at | ordered_at (``2024-03-01 10:15:00 +0100``: converted to the shop's ``timezone``) |
| Cancelled at | non-empty -> status 'cancelled' (dropped by the cleaning) |
| Payment Method, Tags | test orders: payment method containing 'bogus' (Shopify's test gateway) or a tag 'test' |
| Lineitem quantity, Lineitem price | quantity, unit_price |
| Lineitem sku, Lineitem name | product_id = sku, else the product name (counted as fixed) |

Personal data in the export (Billing/Shipping Name, Street, Address1/2, Company, City, Zip,
Phone, Notes, Note Attributes) is never read into a table: only the hashed e-mail/phone leaves
this module. Refunded and voided orders are dropped by the cleaning as cancelled.
"""
from __future__ import annotations

from journeylab.data.dialect import DUCKDB
from journeylab.data.io.adapters.base import (Adapted, AdapterRule, Context, apply_rules, make_typed, require_columns, typed_expr)

REQUIRED = ("Name", "Email", "Financial Status", "Total", "Created at", "Lineitem quantity", "Lineitem price", "Lineitem name")


def _rules(currency: str) -> tuple[AdapterRule, ...]:
    return (
        AdapterRule("test_order", "is_test", "dropped", "shopify_test"),
        AdapterRule("other_currency", f"currency IS NOT NULL AND upper(currency) <> '{currency.upper()}'",
                    "dropped", "other_currency"),
        AdapterRule("partial_refund", "coalesce(refunded, 0) > 0 AND lower(coalesce(status, '')) <> 'refunded'",
                    "fixed", "shopify_refund"),
    )


def adapt(ctx: Context) -> Adapted:
    """Read the Shopify orders export of ``ctx`` into typed orders and order_lines."""
    con = ctx.con
    raw, source = ctx.read_file("shopify_orders", ctx.file("orders"))
    cols = require_columns(con, raw, REQUIRED, source, "Shopify orders export")

    def col(name: str) -> str:  # an optional column that is absent reads as NULL
        return f"NULLIF(trim({DUCKDB.ident(name)}), '')" if name in cols else "CAST(NULL AS VARCHAR)"

    total = typed_expr(con, raw, "Total", "DOUBLE", source)
    refunded = typed_expr(con, raw, "Refunded Amount", "DOUBLE", source) if "Refunded Amount" in cols else "CAST(NULL AS DOUBLE)"
    created = typed_expr(con, raw, "Created at", "TIMESTAMP", source)
    qty = typed_expr(con, raw, "Lineitem quantity", "DOUBLE", source)
    price = typed_expr(con, raw, "Lineitem price", "DOUBLE", source)
    who = f"coalesce({col('Email')}, {col('Phone')})"
    con.execute(f"""
        CREATE OR REPLACE TABLE shopify_lines AS
        SELECT _line, {col('Name')} AS order_id, {ctx.hash(who)} AS customer, {total} AS total, {refunded} AS refunded,
               {created} AS ts, {col('Financial Status')} AS fin, {col('Cancelled at')} AS cancelled_at,
               {col('Currency')} AS currency, {col('Payment Method')} AS payment, {col('Tags')} AS tags,
               {qty} AS qty, {price} AS price, {col('Lineitem sku')} AS sku, {col('Lineitem name')} AS item_name
        FROM {raw}
    """)
    con.execute(f"DROP TABLE {raw}")
    # Order-level values: the first non-empty one per order (they sit on the order's first row).
    con.execute("""
        CREATE OR REPLACE TABLE shopify_orders AS
        SELECT min(_line) AS _line, order_id, first(customer ORDER BY customer IS NULL, _line) AS customer,
               first(total ORDER BY total IS NULL, _line) AS total, first(refunded ORDER BY refunded IS NULL, _line) AS refunded,
               first(ts ORDER BY ts IS NULL, _line) AS ts,
               CASE WHEN bool_or(cancelled_at IS NOT NULL) THEN 'cancelled' ELSE first(fin ORDER BY fin IS NULL, _line) END AS status,
               first(currency ORDER BY currency IS NULL, _line) AS currency,
               bool_or(coalesce(lower(payment) LIKE '%bogus%', false)
                       OR coalesce(regexp_matches(lower(tags), '(^|,)\\s*test\\s*(,|$)'), false)) AS is_test
        FROM shopify_lines GROUP BY order_id
    """)
    kept, quality = apply_rules(con, "shopify_orders", "orders", _rules(ctx.cfg.currency),
                                money="total - coalesce(refunded, 0)", read_explanation="orders_in_export")
    orders = make_typed(con, "orders", f"""
        SELECT _line, order_id, customer AS customer_id, ts AS ordered_at, total - coalesce(refunded, 0) AS revenue, status
        FROM {kept}
    """)
    line_rules = (
        AdapterRule("line_of_test_order", "order_id IN (SELECT order_id FROM shopify_orders WHERE is_test)", "dropped",
                    "order_was_test"),
        AdapterRule("line_other_currency", f"order_id NOT IN (SELECT order_id FROM {kept})", "dropped",
                    "order_other_currency"),
        AdapterRule("product_id_from_name", "sku IS NULL AND item_name IS NOT NULL", "fixed",
                    "shopify_name_for_sku"),
    )
    lkept, lq = apply_rules(con, "shopify_lines", "order_lines", line_rules, money="qty * price",
                            read_explanation="line_items_in_export")
    lines = make_typed(con, "order_lines", f"""
        SELECT _line, order_id, coalesce(sku, item_name) AS product_id, qty AS quantity, price AS unit_price FROM {lkept}
    """)
    for t in (kept, lkept, "shopify_orders", "shopify_lines"):
        con.execute(f"DROP TABLE {t}")
    return Adapted(typed={"orders": orders, "order_lines": lines}, sources={"orders": source, "order_lines": source},
                   quality=quality + lq)
