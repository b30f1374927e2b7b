"""UCI Online Retail (and the same layout from other invoice-line exports) -> orders, order_lines.

Source: one CSV (or Excel sheet) with one row per invoice line; columns read:

| column | used as |
|---|---|
| InvoiceNo | order_id; prefix ``C`` = cancellation, ``A`` = bad-debt adjustment |
| StockCode | product_id; codes other than 5 digits + up to 2 letters are not products |
| Quantity | quantity (units) |
| InvoiceDate | ordered_at (earliest line of the invoice), shop-local time |
| UnitPrice | unit_price (shop currency, GBP for the UCI file) |
| CustomerID | customer_id (``17850.0`` is read as ``17850``) |

Description and Country are not read. Rules on the lines, first match counts (order_lines):
duplicate row (all eight columns equal to an earlier row) -> cancellation invoice (``C``) ->
bad-debt adjustment (``A``) -> non-product stock code (POST, DOT, M, C2, D, S, BANK CHARGES,
AMAZONFEE, CRUK, B, PADS, gift_0001_*, DCGS* ...) -> purchase cancelled by a later C invoice ->
missing CustomerID -> negative quantity (stock adjustment) -> price zero or below. Every rule is
dropped and counted with its money (quantity x price). An invoice becomes one order: revenue =
sum of its kept lines; an invoice with no kept line is counted as dropped in orders.

A C line takes back a purchase: it cancels the latest earlier purchase line (not a copy, same
customer, stock code and quantity) that no other C line cancelled, and that purchase line is
dropped too. A C line without such a line (a partial cancellation, or a purchase before the file
starts) drops only itself. Without this, the file's largest purchases, which were cancelled minutes
later (80,995 and 74,215 units), stayed in as orders of 168,470 and 77,184 GBP.
"""
from __future__ import annotations

from journeylab.data.dialect import DUCKDB
from journeylab.data.io.adapters.base import (Adapted, AdapterRule, Context, apply_rules, make_typed, require_columns, typed_expr)

COLUMNS = ("InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID")
PRODUCT_CODE = "[0-9]{5}[A-Za-z]{0,2}"

LINE_RULES = (
    AdapterRule("duplicate_export_row", "_dup > 1", "dropped", "copy_line_all_columns"),
    AdapterRule("cancellation_invoice", "invoice LIKE 'C%'", "dropped", "cancelled_invoice"),
    AdapterRule("bad_debt_adjustment", "invoice LIKE 'A%'", "dropped", "accounting_entry"),
    AdapterRule("non_product_code", f"NOT regexp_full_match(code, '{PRODUCT_CODE}')", "dropped",
                "non_product"),
    AdapterRule("cancelled_later", "_taken_back", "dropped",
                "taken_back"),
    AdapterRule("missing_customer_id", "customer IS NULL", "dropped", "line_unlinked"),
    AdapterRule("stock_adjustment", "qty < 0", "dropped", "stock_correction"),
    AdapterRule("price_not_positive", "price <= 0", "dropped", "free_line"),
)


def adapt(ctx: Context) -> Adapted:
    """Read the invoice-line file of ``ctx`` into typed orders and order_lines, counting every line dropped."""
    con = ctx.con
    raw, source = ctx.read_file("invoice_lines", ctx.file("invoice_lines", "online_retail.csv"))
    cols = require_columns(con, raw, COLUMNS, source, "UCI Online Retail file")
    q = {c: typed_expr(con, raw, c, t, source) for c, t in
         (("Quantity", "DOUBLE"), ("UnitPrice", "DOUBLE"), ("InvoiceDate", "TIMESTAMP"))}
    all_cols = ", ".join(DUCKDB.ident(c) for c in cols)
    con.execute(f"""
        CREATE OR REPLACE TABLE uci_stage AS
        SELECT _line,
               trim({DUCKDB.ident('InvoiceNo')}) AS invoice,
               trim({DUCKDB.ident('StockCode')}) AS code,
               {q['Quantity']} AS qty,
               {q['UnitPrice']} AS price,
               {q['InvoiceDate']} AS ts,
               NULLIF(regexp_replace(trim({DUCKDB.ident('CustomerID')}), '^(-?[0-9]+)\\.0+$', '\\1'), '') AS customer,
               row_number() OVER (PARTITION BY {all_cols} ORDER BY _line) AS _dup
        FROM {raw}
    """)
    con.execute(f"DROP TABLE {raw}")
    _mark_taken_back(con, "uci_stage")
    kept, line_q = apply_rules(con, "uci_stage", "order_lines", LINE_RULES, money="qty * price",
                               read_explanation="invoice_lines_in_file")
    lines = make_typed(con, "order_lines", f"""
        SELECT _line, invoice AS order_id, code AS product_id, qty AS quantity, price AS unit_price FROM {kept}
    """)
    orders = make_typed(con, "orders", f"""
        SELECT min(_line) AS _line, invoice AS order_id, min(customer) AS customer_id, min(ts) AS ordered_at,
               sum(qty * price) AS revenue
        FROM {kept} GROUP BY invoice
    """)
    n_inv, n_built, m_lost = con.execute(f"""
        SELECT count(DISTINCT invoice),
               (SELECT count(DISTINCT invoice) FROM {kept}),
               coalesce(sum(qty * price) FILTER (WHERE invoice NOT IN (SELECT invoice FROM {kept})), 0)
        FROM uci_stage
    """).fetchone()
    order_q = [
        dict(table="orders", rule="rows_read", action="read", rows=n_inv, revenue=0.0,
             explanation="invoices_in_file", matching=n_inv),
        dict(table="orders", rule="invoice_without_line", action="dropped", rows=n_inv - n_built,
             revenue=float(m_lost), explanation="invoice_lines_dropped",
             matching=n_inv - n_built),
    ]
    con.execute(f"DROP TABLE {kept}")
    con.execute("DROP TABLE uci_stage")
    return Adapted(typed={"orders": orders, "order_lines": lines},
                   sources={"orders": source, "order_lines": source}, quality=order_q + line_q)


def _mark_taken_back(con, stage: str) -> None:
    """Add ``_taken_back`` to ``stage``: TRUE on a purchase line that a later C line cancels.

    Per (customer, stock code, quantity), lines in time order (file order within a minute, a purchase
    before a C line at the same time): each C line takes the latest earlier purchase line not taken yet,
    as brackets pair up. Only keys with a C line are read (a few thousand rows)."""
    rows = con.execute(f"""
        WITH s AS (SELECT _line, invoice LIKE 'C%' AS is_c, customer, code, abs(qty) AS q, ts FROM {stage}
                   WHERE _dup = 1 AND customer IS NOT NULL AND ts IS NOT NULL AND invoice NOT LIKE 'A%'
                     AND ((invoice LIKE 'C%' AND qty < 0) OR (invoice NOT LIKE 'C%' AND qty > 0)))
        SELECT _line, is_c, customer, code, q FROM s
        WHERE (customer, code, q) IN (SELECT customer, code, q FROM s WHERE is_c)
        ORDER BY customer, code, q, ts, is_c, _line
    """).fetchall()
    taken: list[int] = []
    key, open_lines = None, []
    for line, is_c, customer, code, q in rows:
        if (customer, code, q) != key:
            key, open_lines = (customer, code, q), []
        if not is_c:
            open_lines.append(line)
        elif open_lines:
            taken.append(open_lines.pop())
    con.execute("CREATE OR REPLACE TEMP TABLE _uci_taken (_line BIGINT)")
    if taken:
        con.executemany("INSERT INTO _uci_taken VALUES (?)", [(t,) for t in taken])
    con.execute(f"""CREATE OR REPLACE TABLE {stage} AS
                    SELECT s.*, t._line IS NOT NULL AS _taken_back FROM {stage} s LEFT JOIN _uci_taken t USING (_line)""")
    con.execute("DROP TABLE _uci_taken")
