"""RFM scores (1-5) and named segments from a versioned, overridable map (``segments.yaml``).

Inputs come from a customer summary (index customer_id): ``recency`` and ``T`` (lifetimes' meaning,
in the summary's time unit, days by default) and, where present, ``n_orders`` and ``total_revenue``;
otherwise ``frequency`` (repeat purchases) and ``monetary_value`` (mean repeat spend).

Scoring rules:
- R uses the time since the last order, T - recency (smaller = more recent = higher score);
  F uses the number of orders (frequency + 1 without ``n_orders``); M the mean order value
  (total_revenue / n_orders, else monetary_value).
- Scores are quintiles of the percentile rank: score = ceil(5 * rank / n) with tied values given their
  average rank, so equal values always get the same score (a big tie lands in the middle of its block).
- F barely varies in most shops (most customers ordered once), so if one value of F holds more than
  20% of the customers, F uses fixed order counts instead: 1 order -> 1, 2 -> 2, 3 -> 3, 4-5 -> 4,
  6 or more -> 5 (``f_bins``). The result says which rule was used in ``attrs["f_rule"]``.
- The segment comes from R and FM = round-half-up of (F + M) / 2, by the first matching rule of the map.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from journeylab.models.clv import as_summary
from journeylab.data.config import load_yaml_data
from journeylab.errors import ConfigError, DataError
from journeylab.i18n import LANGUAGES

DEFAULT_F_BINS = (1, 2, 3, 4, 6)  # lower bounds of F scores 1..5 in number of orders
_SEGMENT_FIELDS = ("name", "name_nl", "r", "fm", "phase", "action", "action_nl")
PHASES = ("purchase", "upsell", "ambassador")


@dataclass(frozen=True)
class SegmentMap:
    """A versioned list of segment rules: ``table`` has one row per segment in priority order."""

    version: str
    table: pd.DataFrame

    def lookup(self, r: np.ndarray, fm: np.ndarray) -> np.ndarray:
        """Row position in ``table`` of the first rule matching each (R, FM) pair."""
        grid = np.full((6, 6), -1)
        for pos, row in enumerate(self.table.itertuples()):  # at most a few dozen rules
            block = grid[row.r_lo:row.r_hi + 1, row.fm_lo:row.fm_hi + 1]
            block[block < 0] = pos
        return grid[r, fm]


def load_segment_map(source: str | Path | Mapping | None = None) -> SegmentMap:
    """The default map (``journeylab/segments.yaml``), or one from a YAML path or an equivalent dict."""
    data = load_yaml_data(source, "segments.yaml", "segment map")
    if not isinstance(data, Mapping) or "segments" not in data or "version" not in data:
        raise ConfigError("a segment map needs a 'version' and a list of 'segments'")
    rows = []
    for i, seg in enumerate(data["segments"]):
        missing = [f for f in _SEGMENT_FIELDS if f not in seg]
        if missing:
            raise ConfigError(f"segment {i + 1} ({seg.get('name', '?')}) lacks {', '.join(missing)}")
        if seg["phase"] not in PHASES:
            raise ConfigError(f"segment {seg['name']}: phase must be one of {PHASES}, not {seg['phase']!r}")
        (r_lo, r_hi), (fm_lo, fm_hi) = seg["r"], seg["fm"]
        if not (1 <= r_lo <= r_hi <= 5 and 1 <= fm_lo <= fm_hi <= 5):
            raise ConfigError(f"segment {seg['name']}: score ranges must lie within 1..5")
        rows.append({**{f: seg[f] for f in _SEGMENT_FIELDS if f not in ("r", "fm")},
                     "r_lo": r_lo, "r_hi": r_hi, "fm_lo": fm_lo, "fm_hi": fm_hi})
    smap = SegmentMap(str(data["version"]), pd.DataFrame(rows))
    r, fm = np.meshgrid(np.arange(1, 6), np.arange(1, 6))
    uncovered = smap.lookup(r.ravel(), fm.ravel()) < 0
    if uncovered.any():
        pairs = [f"R{a}/FM{b}" for a, b in zip(r.ravel()[uncovered], fm.ravel()[uncovered])][:5]
        raise ConfigError(f"segment map {smap.version} leaves score pairs without a segment: {', '.join(pairs)}")
    return smap


def quintile_scores(values: pd.Series, higher_is_better: bool = True) -> pd.Series:
    """Scores 1..5: ceil(5 * average percentile rank); ties share one score."""
    v = values if higher_is_better else -values
    pct = v.rank(method="average", pct=True)
    return np.ceil(5 * pct).clip(1, 5).astype(int)


def _rfm_inputs(df: pd.DataFrame) -> pd.DataFrame:
    for c in ("recency", "T"):
        if c not in df.columns:
            raise DataError(f"the customer summary has no column {c}, needed for RFM", column=c,
                            table="customer summary")
    out = pd.DataFrame(index=df.index)
    out["recency"] = (df["T"] - df["recency"]).astype(float)  # time since last order
    if "n_orders" in df.columns:
        out["frequency"] = df["n_orders"].astype(float)
    else:
        out["frequency"] = df["frequency"].astype(float) + 1
    if "total_revenue" in df.columns and "n_orders" in df.columns:
        out["monetary"] = df["total_revenue"] / df["n_orders"].where(df["n_orders"] > 0)
        out["revenue"] = df["total_revenue"].astype(float)
    elif "monetary_value" in df.columns:
        out["monetary"] = df["monetary_value"].astype(float)
        out["revenue"] = df["monetary_value"] * df["frequency"]  # repeat revenue only: all we know
    else:
        raise DataError("the customer summary has neither total_revenue nor monetary_value, needed for RFM",
                        column="monetary_value", table="customer summary")
    out["monetary"] = out["monetary"].fillna(0.0)
    return out


def rfm_segments(summary_or_shop: Any, segment_map: str | Path | Mapping | SegmentMap | None = None,
                 f_bins: Sequence[int] = DEFAULT_F_BINS, max_tie_share: float = 0.2) -> pd.DataFrame:
    """One row per customer: recency (time units since the last order), frequency (orders), monetary
    (mean order value, currency), revenue, R/F/M/FM scores, ``rfm`` code ("545"), segment, segment_nl,
    phase, action, action_nl. ``attrs`` holds the map version and the F rule used."""
    df = as_summary(summary_or_shop)
    smap = segment_map if isinstance(segment_map, SegmentMap) else load_segment_map(segment_map)
    out = _rfm_inputs(df)
    if len(out) == 0:
        raise DataError("there are no customers to score", table="customer summary")
    out["R"] = quintile_scores(out["recency"], higher_is_better=False)
    top_share = out["frequency"].value_counts(normalize=True).iloc[0]
    if top_share > max_tie_share:
        f_rule = (f"fixed order counts (most common order count holds {top_share:.0%} of customers): "
                  + ", ".join(f"{lo}+ orders -> {i + 1}" for i, lo in enumerate(f_bins)))
        out["F"] = np.searchsorted(np.asarray(f_bins), out["frequency"].to_numpy(), side="right").clip(1, 5)
    else:
        f_rule = "quintiles of the number of orders"
        out["F"] = quintile_scores(out["frequency"])
    out["M"] = quintile_scores(out["monetary"])
    out["FM"] = np.floor((out["F"] + out["M"]) / 2 + 0.5).astype(int)
    out["rfm"] = out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
    seg = smap.table.iloc[smap.lookup(out["R"].to_numpy(), out["FM"].to_numpy())]
    for col in ("name", "name_nl", "phase", "action", "action_nl"):
        out["segment" if col == "name" else ("segment_nl" if col == "name_nl" else col)] = seg[col].to_numpy()
    order = list(smap.table["name"])
    out["segment"] = pd.Categorical(out["segment"], categories=order, ordered=True)
    out.attrs.update(segment_map_version=smap.version, f_rule=f_rule,
                     segment_map=smap.table.to_dict("records"),
                     time_unit=df.attrs.get("time_unit"))  # None: the summary did not say (no guess)
    return out


def segment_table(rfm: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Per segment, in map order (empty segments included): customers, share, revenue, revenue_share,
    mean_recency (time units since last order), mean_frequency (orders), mean_monetary (currency),
    phase and the suggested action (``lang`` "en" or "nl" for the name and action)."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be {' or '.join(map(repr, LANGUAGES))}")
    g = rfm.groupby("segment", observed=False)
    tab = pd.DataFrame({
        "customers": g.size(),
        "revenue": g["revenue"].sum(),
        "mean_recency": g["recency"].mean(),
        "mean_frequency": g["frequency"].mean(),
        "mean_monetary": g["monetary"].mean(),
    })
    tab.insert(1, "share", tab["customers"] / max(len(rfm), 1))
    tab.insert(3, "revenue_share", tab["revenue"] / tab["revenue"].sum() if tab["revenue"].sum() else 0.0)
    records = rfm.attrs.get("segment_map") or load_segment_map().table.to_dict("records")
    meta = pd.DataFrame(records).set_index("name").reindex(tab.index)
    tab["phase"] = meta["phase"].to_numpy()
    tab["action"] = meta["action_nl" if lang == "nl" else "action"].to_numpy()
    if lang == "nl":
        tab.index = pd.Index(meta["name_nl"].to_numpy(), name="segment")
    tab.index.name = "segment"
    tab.attrs.update({k: v for k, v in rfm.attrs.items() if k != "segment_map"})
    return tab
