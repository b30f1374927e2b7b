"""Shop-system adapters: real export formats -> canonical tables, chosen with ``format:`` in the shop config.

| format | module | reads |
|---|---|---|
| shopify | :mod:`.shopify` | Shopify orders export CSV (one row per line item) |
| woocommerce | :mod:`.woocommerce` | WooCommerce order export CSV (one row per order, ``line_item_N`` columns) |
| ga4 | :mod:`.ga4` | GA4 BigQuery export ``events_*`` as Parquet or newline-delimited JSON |
| uci_online_retail | :mod:`.uci_online_retail` | UCI Online Retail invoice lines |
| olist | :mod:`.olist` | Olist Brazilian e-commerce folder (orders, items, payments, reviews, customers, products) |
| rees46 | :mod:`.rees46` | REES46 multi-category store event log |
| uci_online_shoppers | :mod:`.uci_online_shoppers` | UCI Online Shoppers Purchasing Intention sessions (events only, no orders) |

docs/formats.md lists every source column each adapter reads and every rule it counts.
"""
from __future__ import annotations

from importlib import import_module
from typing import Callable

from journeylab.data.io.adapters.base import Adapted, Context, merge_quality

ADAPTERS: dict[str, str] = {
    "shopify": "shopify",
    "woocommerce": "woocommerce",
    "ga4": "ga4",
    "uci_online_retail": "uci_online_retail",
    "olist": "olist",
    "rees46": "rees46",
    "uci_online_shoppers": "uci_online_shoppers",
}

LABELS = {
    "shopify": "Shopify orders export",
    "woocommerce": "WooCommerce orders export",
    "ga4": "GA4 BigQuery export",
    "uci_online_retail": "UCI Online Retail file",
    "olist": "Olist data set",
    "rees46": "REES46 event log",
    "uci_online_shoppers": "UCI Online Shoppers sessions file",
}


def get_adapter(fmt: str) -> Callable[[Context], Adapted]:
    """The ``adapt(ctx) -> Adapted`` function of a format."""
    return import_module(f".{ADAPTERS[fmt]}", __name__).adapt


__all__ = ["ADAPTERS", "Adapted", "Context", "get_adapter", "merge_quality"]
