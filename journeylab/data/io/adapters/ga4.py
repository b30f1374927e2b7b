"""GA4 BigQuery export (``events_YYYYMMDD`` as Parquet or newline-delimited JSON) -> events, orders, order_lines, products.

Export the tables with their nested fields (``bq extract --destination_format=PARQUET`` or
``NEWLINE_DELIMITED_JSON``); ``path:`` may be a file or a folder of ``*.parquet``. Fields read:

| field | used as |
|---|---|
| event_timestamp | ts (microseconds since 1970 UTC, converted to the shop's ``timezone``) |
| event_name | event_type: view_item -> product_view, view_item_list / view_promotion kept, page_view, add_to_cart, begin_checkout, purchase as they are, other names kept as they are |
| user_pseudo_id | user_id (the browser/app instance) |
| user_id | customer_id (the shop's own login id; e-mail addresses and phone numbers are hashed) |
| event_params[key = 'ga_session_id'] | session_id = user_pseudo_id + '-' + ga_session_id |
| collected_traffic_source.manual_medium, else traffic_source.medium | channel: organic -> organic_search; cpc, ppc, paidsearch -> paid_search; email -> email; social, social-network, sm -> social; referral -> referral; (none) -> direct; display, cpm, banner -> display; other media kept |
| device.category | device |
| items[1].item_id | product_id of the event (first item) |
| ecommerce.transaction_id | order_id of purchase events |
| ecommerce.purchase_revenue | orders.revenue (the property's currency) |
| items (of kept purchases) | order_lines: item_id, quantity, price |
| items (all events) | products: item_id, item_category (latest), median price |

Orders are the purchase events: customer_id = user_id, else user_pseudo_id. Counted rules:
purchase without a transaction id (missing or '(not set)') dropped; a repeated purchase event
of the same transaction id dropped (the first is kept); events without user_pseudo_id or
ga_session_id are dropped by the cleaning (missing user / session id).
"""
from __future__ import annotations

from journeylab.data import pii
from journeylab.data.dialect import DUCKDB
from journeylab.data.io.adapters.base import Adapted, AdapterRule, Context, apply_rules, make_typed, require_columns

REQUIRED = ("event_timestamp", "event_name", "user_pseudo_id", "event_params")
EVENT_TYPES = {"view_item": "product_view"}
CHANNELS = {
    "organic": "organic_search", "cpc": "paid_search", "ppc": "paid_search", "paidsearch": "paid_search",
    "email": "email", "e-mail": "email", "social": "social", "social-network": "social", "sm": "social",
    "referral": "referral", "(none)": "direct", "display": "display", "cpm": "display", "banner": "display",
}
ORDER_RULES = (
    AdapterRule("ga4_no_transaction_id", "order_id IS NULL OR order_id = '(not set)'", "dropped",
                "ga4_no_transaction_id"),
    AdapterRule("ga4_repeated_purchase", "_dup > 1", "dropped", "ga4_reloaded"),
)


def _case(expr: str, mapping: dict[str, str]) -> str:
    return "CASE " + " ".join(f"WHEN {expr} = '{k}' THEN '{v}'" for k, v in mapping.items()) + f" ELSE {expr} END"


def adapt(ctx: Context) -> Adapted:
    """Read the GA4 export of ``ctx`` into typed events, orders, order_lines and products."""
    con = ctx.con
    raw, source = ctx.read_file("ga4_events", ctx.file("events"))
    cols = require_columns(con, raw, REQUIRED, source, "GA4 BigQuery export")
    tz = DUCKDB.string(str(ctx.read.get("timezone") or "UTC"))

    def field(path: str, col: str) -> str:
        return f"CAST({path} AS VARCHAR)" if col in cols else "CAST(NULL AS VARCHAR)"

    medium = f"lower(coalesce({field('collected_traffic_source.manual_medium', 'collected_traffic_source')}, {field('traffic_source.medium', 'traffic_source')}))"
    session = "list_filter(event_params, lambda p: p.key = 'ga_session_id')[1].value"
    user_id = field("user_id", "user_id")
    has_items = "items" in cols
    con.execute(f"""
        CREATE OR REPLACE TABLE ga4_stage AS
        SELECT _line,
               timezone({tz}, make_timestamptz(TRY_CAST(event_timestamp AS BIGINT))) AS ts,
               {_case('event_name', EVENT_TYPES)} AS event_type,
               NULLIF(CAST(user_pseudo_id AS VARCHAR), '') AS user_id,
               {pii.pseudonymise_ids_sql(f'NULLIF({user_id}, {chr(39)}{chr(39)})', ctx.key) if 'user_id' in cols else 'CAST(NULL AS VARCHAR)'} AS customer_id,
               CAST(user_pseudo_id AS VARCHAR) || '-' || CAST(coalesce(CAST({session}.int_value AS VARCHAR), {session}.string_value) AS VARCHAR) AS session_id,
               {_case(medium, CHANNELS)} AS channel,
               {field('device.category', 'device')} AS device,
               {'CAST(items[1].item_id AS VARCHAR)' if has_items else 'CAST(NULL AS VARCHAR)'} AS product_id,
               {field('ecommerce.transaction_id', 'ecommerce')} AS order_id,
               {'TRY_CAST(ecommerce.purchase_revenue AS DOUBLE)' if 'ecommerce' in cols else 'CAST(NULL AS DOUBLE)'} AS revenue,
               {'items' if has_items else 'CAST(NULL AS INTEGER[])'} AS items
        FROM {raw}
    """)
    con.execute(f"DROP TABLE {raw}")
    events = make_typed(con, "events", """
        SELECT _line, user_id, customer_id, session_id, ts, event_type, channel, product_id,
               CASE WHEN event_type = 'purchase' THEN order_id END AS order_id, device
        FROM ga4_stage
    """)
    con.execute("""
        CREATE OR REPLACE TABLE ga4_purchases AS
        SELECT *, row_number() OVER (PARTITION BY order_id ORDER BY ts, _line) AS _dup
        FROM ga4_stage WHERE event_type = 'purchase'
    """)
    kept, quality = apply_rules(con, "ga4_purchases", "orders", ORDER_RULES, money="revenue",
                                read_explanation="purchase_events_in_export")
    orders = make_typed(con, "orders", f"""
        SELECT _line, order_id, coalesce(customer_id, user_id) AS customer_id, ts AS ordered_at, revenue FROM {kept}
    """)
    if has_items:
        lines = make_typed(con, "order_lines", f"""
            SELECT min(_line) AS _line, order_id, CAST(it.item_id AS VARCHAR) AS product_id,
                   sum(coalesce(TRY_CAST(it.quantity AS DOUBLE), 1)) AS quantity, TRY_CAST(it.price AS DOUBLE) AS unit_price
            FROM (SELECT _line, order_id, unnest(items) AS it FROM {kept})
            GROUP BY order_id, it.item_id, it.price
        """)
        products = make_typed(con, "products", """
            SELECT min(_line) AS _line, CAST(it.item_id AS VARCHAR) AS product_id,
                   arg_max(NULLIF(CAST(it.item_category AS VARCHAR), ''), ts) AS category, median(TRY_CAST(it.price AS DOUBLE)) AS price
            FROM (SELECT _line, ts, unnest(items) AS it FROM ga4_stage)
            WHERE it.item_id IS NOT NULL GROUP BY it.item_id
        """)
    for t in (kept, "ga4_purchases", "ga4_stage"):
        con.execute(f"DROP TABLE {t}")
    typed = {"orders": orders, "events": events}
    if has_items:
        typed.update(order_lines=lines, products=products)
    return Adapted(typed=typed, sources={t: source for t in typed}, quality=quality)
