"""The conventions every result frame follows (docs/conventions.md), as helpers each producer calls.

- Index names: ``customer_id`` for one row per customer, ``person_id`` for one row per person (a customer,
  or a visitor who never ordered: the events ``user_id``); ``PERSON_ID``, ``CUSTOMER_ID``.
- Ordered categoricals: RFM segments in their map's order (journeylab.models.rfm.segment_categorical), phases in
  the journey order (:func:`phase_categorical`), involvement levels low, high (:func:`involvement_categorical`).
  An unknown level or phase is missing (NaN), never a placeholder value such as "(unknown)".
- Discount rates are per year everywhere; journeylab.models.clv.annual_to_monthly is the one conversion to the
  monthly rate the cash flows are discounted with.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import pandas as pd

from journeylab.data.contract import INVOLVEMENT_LEVELS

CUSTOMER_ID = "customer_id"
PERSON_ID = "person_id"
# the phases of the default (five-phase) model in journey order; a phase model's own order comes from its rules
JOURNEY_PHASES = ("awareness", "consideration", "purchase", "upsell", "ambassador")


def ordered(values: Any, categories: Sequence[Any]) -> pd.Categorical:
    """``values`` as an ordered categorical of ``categories`` (their order); a value outside them is an error,
    not silently missing (ValueError naming it). Missing values stay missing."""
    cats = list(dict.fromkeys(categories))
    raw = pd.Series(values, dtype=object) if not isinstance(values, pd.Series) else values.astype(object)
    unknown = sorted({str(v) for v in raw.dropna().unique()} - {str(c) for c in cats})
    if unknown:
        raise ValueError(f"values {unknown} are not among the categories {cats}")
    return pd.Categorical(raw.to_numpy(), categories=cats, ordered=True)


def phase_categorical(values: Any, phases: Iterable[Any] | None = None) -> pd.Categorical:
    """Phase ids as an ordered categorical in journey order: ``phases`` (a phase model's phases in its order,
    e.g. ``phase_rules(model)["phase"]``), default ``JOURNEY_PHASES``."""
    return ordered(values, list(phases) if phases is not None else list(JOURNEY_PHASES))


def involvement_categorical(values: Any) -> pd.Categorical:
    """Involvement levels as an ordered categorical low, high (contract.INVOLVEMENT_LEVELS); unknown is missing."""
    return ordered(values, INVOLVEMENT_LEVELS)
