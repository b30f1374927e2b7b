"""WooCommerce order export CSV (one row per order, ``line_item_N`` columns) -> orders, order_lines.

The layout is the order export of WooCommerce's Order/Customer/Coupon Import Export Suite as
documented on woocommerce.com ("Import and Export of WooCommerce Orders"). Columns read:

| column | used as |
|---|---|
| order_id | order_id |
| order_date | ordered_at (shop-local; set read: {date_format:} or {dayfirst:} for other layouts) |
| status | status: completed, processing, on-hold kept; cancelled, refunded, failed dropped by the cleaning; pending and checkout-draft (not paid) dropped here |
| order_total | revenue = order_total - refunds (shop currency) |
| order_currency | orders in another currency than the shop config's are dropped, counted |
| refund_items | ``amount:10.00`` parts summed and subtracted from order_total (counted as fixed) |
| customer_user (or customer_id) | customer_id = ``wc-<id>`` for registered customers |
| billing_email (or customer_email) | customer_id of guest orders (customer_user 0 or empty) = keyed hash of the e-mail |
| line_item_1, line_item_2, ... | ``name:..|product_id:41|sku:KR-4|quantity:2|total:25.00|...``: product_id = sku, else the WooCommerce product_id; quantity; unit_price = total / quantity |

Names, phone numbers, addresses, IP address, user agent and notes are never read into a table.
"""
from __future__ import annotations

from journeylab.data.dialect import DUCKDB
from journeylab.data.io.adapters.base import (Adapted, AdapterRule, Context, apply_rules, make_typed, require_columns, typed_expr)

REQUIRED = ("order_id", "order_date", "status", "order_total")
UNPAID = ("pending", "checkout-draft", "wc-pending", "wc-checkout-draft")


def _part(expr: str, key: str) -> str:
    return f"NULLIF(regexp_extract({expr}, '(^|\\|){key}:([^|]*)', 2), '')"


def adapt(ctx: Context) -> Adapted:
    """Read the WooCommerce order export of ``ctx`` into typed orders and order_lines."""
    con = ctx.con
    raw, source = ctx.read_file("woocommerce_orders", ctx.file("orders"))
    cols = require_columns(con, raw, REQUIRED, source, "WooCommerce orders export")
    item_cols = [c for c in cols if c.startswith("line_item_")]
    if not item_cols:
        from journeylab.errors import DataError

        raise DataError("has no line_item_1, line_item_2, ... columns", file=source.label, table=source.table,
                        hint="export with the line items in columns (the default order export layout)")

    def col(name: str) -> str:
        return f"NULLIF(trim({DUCKDB.ident(name)}), '')" if name in cols else "CAST(NULL AS VARCHAR)"

    total = typed_expr(con, raw, "order_total", "DOUBLE", source)
    ts = typed_expr(con, raw, "order_date", "TIMESTAMP", source)
    user = f"NULLIF(NULLIF(coalesce({col('customer_user')}, {col('customer_id')}), '0'), '')"
    email = f"coalesce({col('billing_email')}, {col('customer_email')})"
    refund = (f"list_sum(list_transform(regexp_extract_all({col('refund_items')}, 'amount:([0-9.]+)', 1), lambda x: TRY_CAST(x AS DOUBLE)))")
    con.execute(f"""
        CREATE OR REPLACE TABLE woo_orders AS
        SELECT _line, {col('order_id')} AS order_id, lower({col('status')}) AS status, {total} AS total, {ts} AS ts,
               coalesce({refund}, 0) AS refunded, {col('order_currency')} AS currency,
               CASE WHEN {user} IS NOT NULL THEN 'wc-' || {user} ELSE {ctx.hash(email)} END AS customer
        FROM {raw}
    """)
    cur = ctx.cfg.currency.upper()
    rules = (
        AdapterRule("not_paid", f"status IN ({', '.join(map(DUCKDB.string, UNPAID))})", "dropped",
                    "woo_not_paid"),
        AdapterRule("other_currency", f"currency IS NOT NULL AND upper(currency) <> '{cur}'", "dropped",
                    "other_currency"),
        AdapterRule("refund_subtracted", "refunded > 0 AND status NOT IN ('refunded', 'wc-refunded')", "fixed",
                    "woo_refund"),
    )
    kept, quality = apply_rules(con, "woo_orders", "orders", rules, money="total - refunded",
                                read_explanation="orders_in_export")
    orders = make_typed(con, "orders", f"""
        SELECT _line, order_id, customer AS customer_id, ts AS ordered_at, total - refunded AS revenue,
               regexp_replace(status, '^wc-', '') AS status
        FROM {kept}
    """)
    unpivot = " UNION ALL ".join(f"SELECT _line, {col('order_id')} AS order_id, {DUCKDB.ident(c)} AS item FROM {raw}" for c in item_cols)
    con.execute(f"""
        CREATE OR REPLACE TABLE woo_lines AS
        SELECT _line, order_id, coalesce({_part('item', 'sku')}, {_part('item', 'product_id')}) AS product_id,
               TRY_CAST({_part('item', 'quantity')} AS DOUBLE) AS qty,
               TRY_CAST({_part('item', 'total')} AS DOUBLE) / NULLIF(TRY_CAST({_part('item', 'quantity')} AS DOUBLE), 0) AS price,
               {_part('item', 'sku')} IS NULL AS no_sku
        FROM ({unpivot}) WHERE NULLIF(trim(item), '') IS NOT NULL
    """)
    con.execute(f"DROP TABLE {raw}")
    line_rules = (
        AdapterRule("line_of_dropped_order", f"order_id NOT IN (SELECT order_id FROM {kept})", "dropped",
                    "order_not_paid_or_currency"),
        AdapterRule("product_id_from_woocommerce", "no_sku", "fixed", "woo_product_id"),
    )
    lkept, lq = apply_rules(con, "woo_lines", "order_lines", line_rules, money="qty * price",
                            read_explanation="woo_line_items")
    lines = make_typed(con, "order_lines", f"SELECT _line, order_id, product_id, qty AS quantity, price AS unit_price FROM {lkept}")
    for t in (kept, lkept, "woo_orders", "woo_lines"):
        con.execute(f"DROP TABLE {t}")
    return Adapted(typed={"orders": orders, "order_lines": lines}, sources={"orders": source, "order_lines": source},
                   quality=quality + lq)
