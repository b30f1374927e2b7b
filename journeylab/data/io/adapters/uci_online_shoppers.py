"""UCI Online Shoppers Purchasing Intention (one row per web session) -> events; the file has no orders.

Source: one CSV with one row per session (Sakar et al. 2019; UCI id 468). The data set says each
session belongs to a different user, and gives per session the number of pages of three types and
the seconds spent on them, the month, a traffic-type code and whether the session ended in a
purchase. Columns read:

| column | used as |
|---|---|
| Administrative, Informational | that many ``page_view`` events (page_type ``administrative`` / ``informational``) |
| ProductRelated | that many ``product_view`` events (page_type ``product``; no product id: the file names none) |
| Administrative_Duration, Informational_Duration, ProductRelated_Duration | the seconds over which a type's pages are spread |
| Revenue | ``TRUE``: one ``purchase`` event at the end of the session |
| Month | the session's date: the 1st of that month (``Jan`` .. ``Dec``, ``June`` spelled out), see below |
| TrafficType | channel ``TrafficType <code>`` (the code's meaning is not published) |
| VisitorType | not put in a table (the contract has no field for it); counted: returning visitors |

Not read: BounceRates, ExitRates, PageValues, SpecialDay, OperatingSystems, Browser, Region, Weekend.

What the file does not say, and what is assumed instead (each counted in the data-quality table):

- **No orders.** A session says only whether it ended in a purchase: no amount, no products, no
  customer. The orders table is empty (the purchases are ``purchase`` events); order-based
  sections (customers, RFM, churn, CLV, cohorts) have nothing to analyse.
- **No user ids.** user_id = session_id = ``session-<line>``: one user per session, as the data set
  describes; its returning visitors' earlier sessions are not in the file (counted, flagged).
- **No dates.** Only the month: every session starts on the 1st of its month at 00:00 in
  :data:`NOMINAL_YEAR` (the year is not published). Days, weekdays and times of day are not known.
- **No page order.** Only counts per page type: within a session the administrative pages come
  first, then the informational pages, then the product pages, each type's pages spread evenly over
  its seconds, and the purchase at the end (counted for sessions with more than one kind of event).
- Identical rows (125 in the UCI file) are kept as separate sessions (flagged): without ids they may
  be different visitors. A session without any page gives no event (dropped, counted).
"""
from __future__ import annotations

from journeylab.data.dialect import DUCKDB
from journeylab.data.io.adapters.base import (Adapted, AdapterRule, Context, apply_rules, make_typed, require_columns, typed_expr)

COUNTS = ("Administrative", "Informational", "ProductRelated")
DURATIONS = tuple(f"{c}_Duration" for c in COUNTS)
COLUMNS = (*COUNTS, *DURATIONS, "Month", "TrafficType", "VisitorType", "Revenue")
NOMINAL_YEAR = 2000
MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8,
          "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12}
# page types in the order they are placed within a session, with their event type
PAGE_TYPES = (("Administrative", "administrative", "page_view"), ("Informational", "informational", "page_view"),
              ("ProductRelated", "product", "product_view"))

SESSION_RULES = (
    AdapterRule("month_not_recognised", "month_no IS NULL", "dropped", "session_no_month"),
    AdapterRule("session_without_pages", "n_admin + n_info + n_product = 0 AND NOT bought", "dropped",
                "session_empty"),
    AdapterRule("identical_session", "_dup > 1", "flagged",
                "session_identical"),
    AdapterRule("returning_visitor", "visitor = 'Returning_Visitor'", "flagged",
                "session_returning"),
)


def _month_sql(expr: str) -> str:
    cases = " ".join(f"WHEN '{k}' THEN {v}" for k, v in MONTHS.items())
    return f"CASE lower(trim({expr})) {cases} ELSE NULL END"


def adapt(ctx: Context) -> Adapted:
    """Read the sessions file of ``ctx`` into typed events (pages and purchases) and an empty orders table."""
    con = ctx.con
    raw, source = ctx.read_file("sessions", ctx.file("sessions", "online_shoppers_intention.csv"))
    cols = require_columns(con, raw, COLUMNS, source, "UCI Online Shoppers file")
    n = {c: typed_expr(con, raw, c, "DOUBLE", source) for c in COUNTS}
    secs = {c: typed_expr(con, raw, c, "DOUBLE", source) for c in DURATIONS}
    all_cols = ", ".join(DUCKDB.ident(c) for c in cols)
    con.execute(f"""
        CREATE OR REPLACE TABLE shoppers_stage AS
        SELECT _line, 'session-' || _line::VARCHAR AS session_id,
               {_month_sql(DUCKDB.ident('Month'))} AS month_no,
               CAST(greatest(coalesce({n['Administrative']}, 0), 0) AS BIGINT) AS n_admin,
               CAST(greatest(coalesce({n['Informational']}, 0), 0) AS BIGINT) AS n_info,
               CAST(greatest(coalesce({n['ProductRelated']}, 0), 0) AS BIGINT) AS n_product,
               greatest(coalesce({secs['Administrative_Duration']}, 0), 0) AS s_admin,
               greatest(coalesce({secs['Informational_Duration']}, 0), 0) AS s_info,
               greatest(coalesce({secs['ProductRelated_Duration']}, 0), 0) AS s_product,
               'TrafficType ' || trim({DUCKDB.ident('TrafficType')}) AS channel,
               trim({DUCKDB.ident('VisitorType')}) AS visitor,
               lower(trim({DUCKDB.ident('Revenue')})) IN ('true', '1', 'yes') AS bought,
               row_number() OVER (PARTITION BY {all_cols} ORDER BY _line) AS _dup
        FROM {raw}
    """)
    con.execute(f"DROP TABLE {raw}")
    kept, quality = apply_rules(con, "shoppers_stage", "sessions", SESSION_RULES,
                                read_explanation="sessions_in_file")
    n_kept = con.execute(f"SELECT count(*) FROM {kept}").fetchone()[0]
    quality.append(dict(table="sessions", rule="rows_kept", action="kept", rows=n_kept, revenue=0.0,
                        explanation="sessions_to_events", matching=n_kept))
    start = f"make_timestamp({NOMINAL_YEAR}, month_no, 1, 0, 0, 0)"
    pages = []
    offset = "0"
    for i, (col, page_type, event_type) in enumerate(PAGE_TYPES):
        cnt, sec = {"Administrative": ("n_admin", "s_admin"), "Informational": ("n_info", "s_info"),
                    "ProductRelated": ("n_product", "s_product")}[col]
        # page k (0-based) of this type at: the seconds of the types before it + k/n of its own seconds
        pages.append(f"""
            SELECT _line, session_id, channel, '{event_type}' AS event_type, '{page_type}' AS page_type,
                   {start} + to_microseconds(CAST(round(({offset} + {sec} * k / {cnt}) * 1e6) AS BIGINT)) AS ts,
                   {i} AS kind
            FROM (SELECT *, unnest(range({cnt})) AS k FROM {kept} WHERE {cnt} > 0)""")
        offset = f"{offset} + {sec}"
    pages.append(f"""
        SELECT _line, session_id, channel, 'purchase' AS event_type, NULL AS page_type,
               {start} + to_microseconds(CAST(round(({offset}) * 1e6) AS BIGINT)) AS ts, 3 AS kind
        FROM {kept} WHERE bought""")
    # The event's position in its session is added in microseconds, so that pages spread over zero seconds
    # still follow each other (and no two events of a session are exact copies for the cleaning).
    con.execute(f"""
        CREATE OR REPLACE TABLE shoppers_events AS
        SELECT * REPLACE (ts + to_microseconds(row_number() OVER (PARTITION BY session_id ORDER BY kind, ts) - 1) AS ts)
        FROM ({' UNION ALL '.join(pages)})""")
    n_events, n_ordered, n_purchases = con.execute("""
        SELECT count(*),
               count(*) FILTER (WHERE session_id IN (SELECT session_id FROM shoppers_events
                                                    GROUP BY 1 HAVING count(DISTINCT kind) > 1)),
               count(*) FILTER (WHERE event_type = 'purchase')
        FROM shoppers_events""").fetchone()
    events = make_typed(con, "events", """
        SELECT _line, session_id AS user_id, session_id, ts, event_type, channel, page_type
        FROM shoppers_events ORDER BY _line, ts, kind""")
    orders = make_typed(con, "orders", """
        SELECT 0::BIGINT AS _line, NULL::VARCHAR AS order_id, NULL::VARCHAR AS customer_id,
               NULL::TIMESTAMP AS ordered_at, NULL::DOUBLE AS revenue WHERE false""")
    quality += [
        dict(table="events", rule="rows_read", action="read", rows=n_events, revenue=0.0,
             explanation="events_from_sessions", matching=n_events),
        # sessions start on the 1st of their month in NOMINAL_YEAR (explanation "month_only")
        dict(table="events", rule="date_from_month", action="fixed", rows=n_events, revenue=0.0,
             explanation="month_only", matching=n_events),
        dict(table="events", rule="page_order_assumed", action="fixed", rows=n_ordered,
             revenue=0.0, explanation="page_order", matching=n_ordered),
        dict(table="events", rule="one_user_per_session", action="fixed", rows=n_events, revenue=0.0,
             explanation="user_is_session", matching=n_events),
        # the n_purchases sessions that ended in a purchase are purchase events (without amount or customer)
        dict(table="orders", rule="rows_read", action="read", rows=0, revenue=0.0,
             explanation="no_orders_in_file", matching=0),
    ]
    for t in (kept, "shoppers_stage", "shoppers_events"):
        con.execute(f"DROP TABLE {t}")
    return Adapted(typed={"orders": orders, "events": events}, sources={"orders": source, "events": source},
                   quality=quality, no_orders=True)
