"""The canonical tables every part of journeylab reads (see DESIGN.md, 'Data contract').

Each table maps column -> (DuckDB type, required). Optional tables may be absent; optional
columns may be absent from a table. Extra columns are kept as they are.
"""
from __future__ import annotations

TABLES: dict[str, dict[str, tuple[str, bool]]] = {
    "orders": {
        "order_id": ("VARCHAR", True),
        "customer_id": ("VARCHAR", True),
        "ordered_at": ("TIMESTAMP", True),
        "revenue": ("DOUBLE", True),
        "status": ("VARCHAR", False),
    },
    "order_lines": {
        "order_id": ("VARCHAR", True),
        "product_id": ("VARCHAR", True),
        "quantity": ("DOUBLE", True),
        "unit_price": ("DOUBLE", True),
    },
    "products": {
        "product_id": ("VARCHAR", True),
        "category": ("VARCHAR", True),
        "price": ("DOUBLE", False),
        "involvement": ("VARCHAR", False),
    },
    "events": {
        "user_id": ("VARCHAR", True),
        "customer_id": ("VARCHAR", False),
        "session_id": ("VARCHAR", True),
        "ts": ("TIMESTAMP", True),
        "event_type": ("VARCHAR", True),
        "channel": ("VARCHAR", False),
        "product_id": ("VARCHAR", False),
        "order_id": ("VARCHAR", False),
        "page_type": ("VARCHAR", False),
        "device": ("VARCHAR", False),
    },
    "reviews": {
        "customer_id": ("VARCHAR", True),
        "product_id": ("VARCHAR", True),
        "ts": ("TIMESTAMP", True),
        "rating": ("DOUBLE", True),
    },
}

REQUIRED_TABLES = ("orders",)
OPTIONAL_TABLES = ("order_lines", "products", "events", "reviews")

# Order statuses that mean the order did not happen (case-insensitive).
CANCELLED_STATUSES = frozenset(
    {"cancelled", "canceled", "refunded", "voided", "failed", "unavailable", "geannuleerd", "terugbetaald"}
)

EVENT_TYPES = (
    "page_view",
    "product_view",
    "compare",
    "add_to_cart",
    "begin_checkout",
    "purchase",
    "review",
    "referral",
    "email_open",
    "email_click",
)

CHANNELS = ("organic_search", "paid_search", "social", "email", "direct", "referral", "display")

INVOLVEMENT_LEVELS = ("low", "high")


def research_view_sql(page_type: bool = True) -> str:
    """The one definition of a research view, as an SQL condition on an events row: a page about more than
    the product itself (``page_type`` starting with "research": reviews, delivery, returns), a comparison
    page (page_type "compare") or a compare event. ``page_type`` (bool): whether the events have that
    column; without it only compare events count."""
    if not page_type:
        return "event_type = 'compare'"
    return "(page_type LIKE 'research%' OR page_type = 'compare' OR event_type = 'compare')"
