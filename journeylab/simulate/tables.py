"""Turn a simulated block into canonical Arrow tables with global string ids."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from journeylab.data.contract import CHANNELS, INVOLVEMENT_LEVELS
from journeylab.simulate.catalog import Catalog
from journeylab.simulate.model import EVENT_KINDS, PHASES, SESSION_KINDS, Block
from journeylab.simulate.params import DEVICES

TS = pa.timestamp("us")
_EVENT_TYPE_NAMES = sorted({e for e, _ in EVENT_KINDS})
_PAGE_TYPE_NAMES = sorted({p for _, p in EVENT_KINDS})
_EVENT_TYPE_CODE = np.array([_EVENT_TYPE_NAMES.index(e) for e, _ in EVENT_KINDS])
_PAGE_TYPE_CODE = np.array([_PAGE_TYPE_NAMES.index(p) for _, p in EVENT_KINDS])
_LEVELS = pa.array(list(INVOLVEMENT_LEVELS))


@dataclass
class Offsets:
    """Running id counters, so ids are global and independent of chunking."""

    persons: int = 0
    buyers: int = 0
    orders: int = 0
    sessions: int = 0


def ids(prefix: str, start: int, n: int) -> pa.Array:
    """Strings ``prefix{start+1}`` .. ``prefix{start+n}``."""
    s = pc.cast(pa.array(np.arange(start + 1, start + n + 1)), pa.string())
    return pc.utf8_replace_slice(s, 0, 0, prefix)


def _take(values: pa.Array, idx: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    return pc.take(values, pa.array(idx, mask=None if valid is None else ~valid))


def _names(names, codes: np.ndarray) -> pa.Array:
    return pc.take(pa.array(list(names)), pa.array(codes))


def _ts(start_s: int, days: np.ndarray) -> pa.Array:
    """Float days since the window start -> timestamps rounded to whole seconds (NaN -> null)."""
    valid = np.isfinite(days)
    sec = np.round(np.where(valid, days, 0.0) * 86400.0).astype(np.int64)
    return pa.array((start_s + sec) * 1_000_000, type=TS, mask=~valid)


def product_table(cat: Catalog) -> pa.Table:
    n = cat.product_category.size
    return pa.table({
        "product_id": ids("p", 0, n),
        "category": _names(cat.category_names, cat.product_category),
        "price": pa.array(cat.product_price, pa.float64()),
        "involvement": pc.take(_LEVELS, pa.array(cat.product_level)),
    })


def block_tables(block: Block, off: Offsets, cat: Catalog, product_ids: pa.Array, start_s: int) -> dict[str, pa.Table]:
    """Canonical tables plus truth tables of one block; advances ``off``."""
    P, O, E, L, R, S = block.persons, block.orders, block.events, block.lines, block.reviews, block.sessions
    n_persons = P["is_buyer"].size
    n_buyers = int(P["is_buyer"].sum())
    users = ids("u", off.persons, n_persons)
    custs = ids("c", off.buyers, n_buyers)
    orders = ids("o", off.orders, O["t"].size)
    sessions = ids("s", off.sessions, S["person"].size)
    buyer_idx = np.minimum(np.arange(n_persons), max(n_buyers - 1, 0))
    out = {
        "orders": pa.table({
            "order_id": orders,
            "customer_id": _take(custs, O["person"]),
            "ordered_at": _ts(start_s, O["t"]),
            "revenue": pa.array(O["revenue"], pa.float64()),
            "status": _names(("completed", "cancelled"), O["cancelled"].astype(np.int64)),
        }),
        "order_lines": pa.table({
            "order_id": _take(orders, L["order"]),
            "product_id": _take(product_ids, L["product"]),
            "quantity": pa.array(L["quantity"], pa.float64()),
            "unit_price": pa.array(L["unit_price"], pa.float64()),
        }),
        "events": pa.table({
            "user_id": _take(users, E["person"]),
            "customer_id": _take(custs, np.minimum(E["person"], max(n_buyers - 1, 0)), E["customer"]),
            "session_id": _take(sessions, E["session"]),
            "ts": _ts(start_s, E["t"]),
            "event_type": _names(_EVENT_TYPE_NAMES, _EVENT_TYPE_CODE[E["kind"]]),
            "channel": _names(CHANNELS, E["channel"]),
            "product_id": _take(product_ids, np.maximum(E["product"], 0), E["product"] >= 0),
            "order_id": _take(orders, np.maximum(E["order"], 0), E["order"] >= 0),
            "page_type": _names(_PAGE_TYPE_NAMES, _PAGE_TYPE_CODE[E["kind"]]),
            "device": _names(DEVICES, E["device"]),
        }),
        "reviews": pa.table({
            "customer_id": _take(custs, R["person"]),
            "product_id": _take(product_ids, R["product"]),
            "ts": _ts(start_s, R["t"]),
            "rating": pa.array(R["rating"].astype(np.float64)),
        }),
        "truth_customers": pa.table({
            "user_id": users,
            "customer_id": _take(custs, buyer_idx, P["is_buyer"]),
            "is_buyer": pa.array(P["is_buyer"]),
            "involvement": pc.take(_LEVELS, pa.array(P["involvement"])),
            "interest_category": _names(cat.category_names, P["interest_category"]),
            "first_channel": _names(CHANNELS, P["first_channel"]),
            "device": _names(DEVICES, P["device"]),
            "phase": _names(PHASES, P["phase"]),
            "first_session_at": _ts(start_s, P["arrival"]),
            "first_purchase_at": _ts(start_s, P["first_purchase"]),
            "sessions_to_purchase": pa.array(P["sessions_to_purchase"], mask=~P["is_buyer"]),
            "days_to_purchase": pa.array(P["days_to_purchase"], pa.float64()),
            "lambda_per_week": pa.array(P["lam"], pa.float64()),
            "p_dropout": pa.array(P["p"], pa.float64()),
            "T_weeks": pa.array(P["T_weeks"], pa.float64()),
            "n_repeat": pa.array(P["n_repeat"], mask=~P["is_buyer"]),
            "alive_at_end": pa.array(P["alive"], mask=~P["is_buyer"]),
            "dropout_at": _ts(start_s, P["dropout"]),
            "nu_low": pa.array(P["nu_low"], pa.float64()),
            "nu_high": pa.array(P["nu_high"], pa.float64()),
            "subscribed": pa.array(P["subscribed"], mask=~P["is_buyer"]),
            "ambassador": pa.array(P["ambassador"], mask=~P["is_buyer"]),
        }),
        "truth_sessions": pa.table({
            "session_id": sessions,
            "user_id": _take(users, S["person"]),
            "kind": _names(SESSION_KINDS, S["kind"]),
            "started_at": _ts(start_s, S["start"]),
        }),
    }
    off.persons += n_persons
    off.buyers += n_buyers
    off.orders += O["t"].size
    off.sessions += S["person"].size
    return out
