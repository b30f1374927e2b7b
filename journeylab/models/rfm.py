"""RFM scores (1-5) and segments from a versioned, overridable map (``segments.yaml``).

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
  A segment is an id (``champions``, ``at_risk`` ...); its name and suggested action in words are
  journeylab.i18n's (``segment_label``, ``segment_action``), or the map's own for a client's own segment.

The rules are one SQL text for both engines (``rfm_sql``, like ``summary.summary_sql``): pandas summaries
are scored in DuckDB, Spark summaries in Spark (journeylab.spark.rfm_scores_df). A percentile rank is
computed per distinct value (customers with that value, and how many come before it), not per customer:
the same average ranks for ties, and Spark needs no window over all customers.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from journeylab.data.config import load_yaml_data, own_words
from journeylab.data.conventions import JOURNEY_PHASES, ordered, phase_categorical
from journeylab.display_repr import Shown, View
from journeylab.data.dialect import DUCKDB, Dialect
from journeylab.data.engine import connect
from journeylab.models.clv import as_summary
from journeylab.errors import ConfigError, DataError
from journeylab.i18n import LANGUAGES, SEGMENTS, segment_action, segment_label

DEFAULT_F_BINS = (1, 2, 3, 4, 6)  # lower bounds of F scores 1..5 in number of orders
_SEGMENT_FIELDS = ("id", "r", "fm", "phase")
_SEGMENT_WORDS = ("name", "action")  # a segment's own words ({en, nl}), needed when i18n does not know its id
PHASES = JOURNEY_PHASES[2:]  # purchase, upsell, ambassador: the phases a segment can belong to, in journey order


@dataclass(frozen=True, repr=False)
class SegmentMap(Shown):
    """A versioned list of segment rules: ``table`` has one row per segment in priority order: id, phase,
    r_lo, r_hi, fm_lo, fm_hi, and name and action (the map's own words, {en, nl}, or None: i18n's)."""

    version: str
    table: pd.DataFrame

    def lookup(self, r: np.ndarray, fm: np.ndarray) -> np.ndarray:
        """Row position in ``table`` of the first rule matching each (R, FM) pair."""
        grid = np.full((6, 6), -1)
        for pos, row in enumerate(self.table.itertuples()):  # at most a few dozen rules
            block = grid[row.r_lo:row.r_hi + 1, row.fm_lo:row.fm_hi + 1]
            block[block < 0] = pos
        return grid[r, fm]

    def _view(self) -> View:
        t = self.table
        rows = [[r.id, r.phase, f"{r.r_lo}-{r.r_hi}", f"{r.fm_lo}-{r.fm_hi}"] for r in t.itertuples()]
        return (View(f"SegmentMap version {self.version}: {len(t)} segments in priority order")
                .table(["segment", "phase", "R", "FM"], rows, max_rows=12))


def load_segment_map(source: str | Path | Mapping | None = None) -> SegmentMap:
    """The default map (``journeylab/segments.yaml``), or one from a YAML path or an equivalent dict.

    Each segment has an ``id`` (snake_case), ``r`` and ``fm`` score ranges and a ``phase``. A segment whose
    id journeylab.i18n.SEGMENTS does not know gives its words: ``name`` and ``action``, each as
    ``{en: ..., nl: ...}`` (a known one may, to replace i18n's); without them it is a ConfigError naming it."""
    data = load_yaml_data(source, "segments.yaml", "segment map")
    if not isinstance(data, Mapping) or "segments" not in data or "version" not in data:
        raise ConfigError("a segment map needs a 'version' and a list of 'segments'")
    rows = []
    for i, seg in enumerate(data["segments"]):
        missing = [f for f in _SEGMENT_FIELDS if f not in seg]
        if missing:
            raise ConfigError(f"segment {i + 1} ({seg.get('id', '?')}) lacks {', '.join(missing)}")
        words = own_words(seg, _SEGMENT_WORDS, SEGMENTS, "segment")
        if seg["phase"] not in PHASES:
            raise ConfigError(f"segment {seg['id']}: phase must be one of {PHASES}, not {seg['phase']!r}")
        (r_lo, r_hi), (fm_lo, fm_hi) = seg["r"], seg["fm"]
        if not (1 <= r_lo <= r_hi <= 5 and 1 <= fm_lo <= fm_hi <= 5):
            raise ConfigError(f"segment {seg['id']}: score ranges must lie within 1..5")
        rows.append({"id": seg["id"], "phase": seg["phase"], "r_lo": r_lo, "r_hi": r_hi, "fm_lo": fm_lo,
                     "fm_hi": fm_hi, **words})
    ids = [r["id"] for r in rows]
    twice = sorted({x for x in ids if ids.count(x) > 1})
    if twice:
        raise ConfigError(f"segment map {data['version']}: segment ids must differ, {', '.join(twice)} is there twice")
    smap = SegmentMap(str(data["version"]), pd.DataFrame(rows))
    r, fm = np.meshgrid(np.arange(1, 6), np.arange(1, 6))
    uncovered = smap.lookup(r.ravel(), fm.ravel()) < 0
    if uncovered.any():
        pairs = [f"R{a}/FM{b}" for a, b in zip(r.ravel()[uncovered], fm.ravel()[uncovered])][:5]
        raise ConfigError(f"segment map {smap.version} leaves score pairs without a segment: {', '.join(pairs)}")
    return smap


def segment_categorical(values: Any, segment_map: "SegmentMap | str | Path | Mapping | None" = None) -> pd.Categorical:
    """Segment ids as an ordered categorical in the order of ``segment_map`` (default journeylab/segments.yaml):
    the one dtype of a ``segment`` column in every result (rfm_segments, journey_phases, ...)."""
    smap = segment_map if isinstance(segment_map, SegmentMap) else load_segment_map(segment_map)
    return ordered(values, list(smap.table["id"]))


RFM_COLUMNS = ["recency", "frequency", "monetary", "revenue", "R", "F", "M", "FM", "rfm", "segment", "phase"]


def rfm_inputs_sql(source: str, columns: Sequence[str], dialect: Dialect = DUCKDB) -> str:
    """SELECT customer_id, recency (time since the last order), frequency (orders), monetary (mean order
    value, 0 when unknown) and revenue from a customer summary ``source`` with ``columns``; DataError when
    the summary lacks what RFM needs."""
    cols, q = set(columns), dialect.ident
    for c in ("recency", "T"):
        if c not in cols:
            raise DataError(f"the customer summary has no column {c}, needed for RFM", column=c,
                            table="customer summary")
    freq = f"CAST({q('n_orders')} AS DOUBLE)" if "n_orders" in cols else f"CAST({q('frequency')} AS DOUBLE) + 1"
    if {"total_revenue", "n_orders"} <= cols:
        monetary = f"{q('total_revenue')} / CASE WHEN {q('n_orders')} > 0 THEN {q('n_orders')} END"
        revenue = f"CAST({q('total_revenue')} AS DOUBLE)"
    elif "monetary_value" in cols:
        # repeat revenue only: all a lifetimes summary knows
        monetary, revenue = q("monetary_value"), f"{q('monetary_value')} * {q('frequency')}"
    else:
        raise DataError("the customer summary has neither total_revenue nor monetary_value, needed for RFM",
                        column="monetary_value", table="customer summary")
    m = f"CAST({monetary} AS DOUBLE)"
    return (f"SELECT {q('customer_id')} AS customer_id, CAST({q('T')} - {q('recency')} AS DOUBLE) AS recency, "
            f"{freq} AS frequency, coalesce(CASE WHEN isnan({m}) THEN 0 ELSE {m} END, 0) AS monetary, "
            f"CAST({revenue} AS DOUBLE) AS revenue FROM {source}")


def rfm_stats_sql(source: str, columns: Sequence[str], dialect: Dialect = DUCKDB) -> str:
    """One row: ``n`` customers and ``top``, the customers sharing the most common number of orders (which
    decides the F rule)."""
    return (f"SELECT CAST(sum(c) AS BIGINT) AS n, CAST(max(c) AS BIGINT) AS top FROM (SELECT frequency, count(*) AS c "
            f"FROM ({rfm_inputs_sql(source, columns, dialect)}) b GROUP BY frequency) t")


def _quintile_sql(value: str, descending: bool) -> str:
    """Scores 1..5 per distinct ``value`` of ``base``: ceil(5 * average rank / n), clipped, where a tie block's
    average rank is the customers before it + (its size + 1) / 2 (descending: smaller values score higher)."""
    order = "DESC" if descending else "ASC"
    rank = (f"coalesce(sum(c) OVER (ORDER BY v {order} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) "
            f"+ (c + 1) / CAST(2 AS DOUBLE)")
    return (f"SELECT v, least(5, greatest(1, CAST(ceil(5 * (({rank}) / n)) AS INT))) AS score "
            f"FROM (SELECT {value} AS v, count(*) AS c FROM base GROUP BY {value}) t CROSS JOIN stats")


def rfm_sql(source: str, columns: Sequence[str], smap: SegmentMap, fixed_f: bool,
            f_bins: Sequence[int] = DEFAULT_F_BINS, dialect: Dialect = DUCKDB) -> str:
    """The RFM scores and segments of every customer of summary ``source``: customer_id, RFM_COLUMNS and
    segment_no (the position of the segment's rule in the map); ``segment`` is the segment's id. ``fixed_f``: F from the order counts
    ``f_bins`` (lower bounds of scores 1..5) instead of quintiles."""
    if fixed_f:
        f_score = "least(5, greatest(1, " + " + ".join(
            f"CASE WHEN b.frequency >= {float(lo)!r} THEN 1 ELSE 0 END" for lo in f_bins) + "))"
        f_join = ""
    else:
        f_score, f_join = "fq.score", "LEFT JOIN fq ON fq.v = b.frequency"

    def by_rule(col: str | None) -> str:  # the first matching rule's ``col``, or its position (None)
        whens = " ".join(f"WHEN R BETWEEN {int(r.r_lo)} AND {int(r.r_hi)} AND FM BETWEEN {int(r.fm_lo)} AND "
                         f"{int(r.fm_hi)} THEN {dialect.string(getattr(r, col)) if col else pos}"
                         for pos, r in enumerate(smap.table.itertuples()))
        return f"CASE {whens} END"

    labels = {"segment": "id", "phase": "phase"}
    return f"""
        WITH base AS ({rfm_inputs_sql(source, columns, dialect)}),
        stats AS (SELECT CAST(count(*) AS DOUBLE) AS n FROM base),
        rq AS ({_quintile_sql("recency", descending=True)}),
        fq AS ({_quintile_sql("frequency", descending=False)}),
        mq AS ({_quintile_sql("monetary", descending=False)}),
        scored AS (
            SELECT b.*, rq.score AS R, {f_score} AS F, mq.score AS M
            FROM base b LEFT JOIN rq ON rq.v = b.recency LEFT JOIN mq ON mq.v = b.monetary {f_join}),
        fm AS (SELECT *, CAST(floor((F + M) / CAST(2 AS DOUBLE) + CAST(0.5 AS DOUBLE)) AS INT) AS FM FROM scored)
        SELECT customer_id, recency, frequency, monetary, revenue, R, F, M, FM,
               concat({dialect.cast_text("R")}, {dialect.cast_text("F")}, {dialect.cast_text("M")}) AS rfm,
               {", ".join(f"{by_rule(col)} AS {name}" for name, col in labels.items())},
               {by_rule(None)} AS segment_no
        FROM fm"""


def f_rule_text(n: int, top: int, max_tie_share: float = 0.2, f_bins: Sequence[int] = DEFAULT_F_BINS) -> tuple[bool, str]:
    """Whether F uses fixed order counts (one order count holds more than ``max_tie_share`` of the ``n``
    customers; ``top`` hold the most common one) and the rule in words."""
    share = top / n
    if share > max_tie_share:
        return True, (f"fixed order counts (most common order count holds {share:.0%} of customers): "
                      + ", ".join(f"{lo}+ orders -> {i + 1}" for i, lo in enumerate(f_bins)))
    return False, "quintiles of the number of orders"


def rfm_segments(summary_or_shop: Any, segment_map: str | Path | Mapping | SegmentMap | None = None,
                 f_bins: Sequence[int] = DEFAULT_F_BINS, max_tie_share: float = 0.2) -> pd.DataFrame:
    """One row per customer: recency (time units since the last order), frequency (orders), monetary
    (mean order value, currency), revenue, R/F/M/FM scores, ``rfm`` code ("545"), segment (the segment's id,
    an ordered categorical in map order; its words: ``segment_table``, journeylab.i18n.segment_label) and
    phase (an ordered categorical in journey order: purchase, upsell, ambassador). ``attrs`` holds the map version, the map (``segment_map``, its rows with any words of its own) and
    the F rule used: ``f_fixed`` (fixed order counts ``f_bins`` instead of quintiles), ``f_top_share`` (the
    share of the most common order count) and ``f_rule`` (the rule in English words, for a reader of the
    frame)."""
    df = as_summary(summary_or_shop)
    smap = segment_map if isinstance(segment_map, SegmentMap) else load_segment_map(segment_map)
    index_name = df.index.name or "customer_id"
    frame = df.drop(columns=[c for c in ("customer_id", "_jl_row") if c in df.columns])
    frame = frame.reset_index(drop=True).assign(customer_id=np.arange(len(df)))  # row numbers: ids of any type
    con = connect()
    try:
        con.register("_jl_rfm_summary", frame)
        n, top = con.execute(rfm_stats_sql("_jl_rfm_summary", frame.columns)).fetchone()
        if not n:
            raise DataError("there are no customers to score", table="customer summary")
        fixed_f, f_rule = f_rule_text(n, top, max_tie_share, f_bins)
        # numbers only leave DuckDB (a million text cells cost more than the scoring); the segment's id and
        # phase come from the map by the segment's position, the code from the scores
        numeric = "customer_id, recency, frequency, monetary, revenue, R, F, M, FM, segment_no"
        out = con.execute(f"SELECT {numeric} FROM ({rfm_sql('_jl_rfm_summary', frame.columns, smap, fixed_f, f_bins)}) "
                          "ORDER BY customer_id").df()
    finally:
        con.close()
    out.index = pd.Index(df.index, name=index_name)
    out = out.drop(columns="customer_id").astype({c: "int64" for c in ("R", "F", "M", "FM")})
    codes = (out["R"] * 100 + out["F"] * 10 + out["M"]).to_numpy()
    out.insert(out.columns.get_loc("FM") + 1, "rfm", pd.Series(codes, index=out.index).map(
        {c: str(c) for c in np.unique(codes)}))
    pos = out.pop("segment_no").to_numpy()
    # codes straight from the rule positions (a million customers: no per-value check needed)
    out["segment"] = pd.Categorical.from_codes(pos, dtype=segment_categorical([], smap).dtype)
    out["phase"] = phase_categorical(smap.table["phase"].to_numpy()[pos], PHASES)
    out.attrs.update(segment_map_version=smap.version, f_rule=f_rule, f_fixed=fixed_f, f_top_share=top / n,
                     f_bins=list(f_bins),
                     segment_map=smap.table.to_dict("records"),
                     time_unit=df.attrs.get("time_unit"))  # None: the summary did not say (no guess)
    return out


def segment_table(rfm: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Per segment, in map order (empty segments included): customers, share, revenue, revenue_share,
    mean_recency (time units since last order), mean_frequency (orders), mean_monetary (currency),
    phase and the suggested action, for a reader: the index is the segment's name and the action a
    sentence in ``lang`` ("en" or "nl"), from journeylab.i18n or the map's own words."""
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
    meta = {r["id"]: r for r in records}

    def own(seg: Any, field: str) -> Mapping[str, str] | None:
        words = meta.get(seg, {}).get(field)
        return words if isinstance(words, Mapping) else None

    tab["phase"] = [meta.get(s, {}).get("phase") for s in tab.index]
    tab["action"] = [segment_action(s, lang, own(s, "action")) for s in tab.index]
    tab.index = pd.Index([segment_label(s, lang, own(s, "name")) for s in tab.index], name="segment")
    tab.attrs.update({k: v for k, v in rfm.attrs.items() if k != "segment_map"})
    return tab
