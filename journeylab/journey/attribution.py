"""Channel attribution over converting and non-converting paths: heuristic models and Markov removal effect.

Paths (``journey_paths``): the touchpoints of a person are their sessions in time order, each with the
session's channel. A converting path ends with the session of the person's first purchase; a
non-converting path holds all sessions of a person who never bought. (Later purchases are repeat
business and belong to the upsell phase, not to acquisition.)

Models, per converting path of n touchpoints (credits sum to 1 per conversion):
- first_touch: all to touch 1; last_touch: all to touch n;
- last_non_direct: all to the last touch whose channel is not "direct" (touch n if all are direct);
- linear: 1/n each;
- position_based: 40% first, 40% last, 20% shared by the middle touches (n = 1: 100%; n = 2: 50/50);
- time_decay: weight 2^(-age / half_life) with age = time from the touch (session start) to the
  conversion, normalised per path (``half_life_days``, default 7);
- markov: first-order Markov chain over (start) -> channels -> (conversion) | (null), estimated from all
  paths; the removal effect of a channel is 1 - P(conversion without it) / P(conversion), where removing
  a channel sends every transition into it to (null); conversions are shared in proportion to the
  removal effects.
Heuristics run in SQL in the shop's engine (DuckDB, or Spark for a SparkShop: one SQL builder, see
journeylab.data.dialect); the Markov chain gets the (small) table of transition counts.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from journeylab.data.conventions import involvement_categorical
from journeylab.journey.levels import ensure_sessions, ensure_user_levels, require_events

if TYPE_CHECKING:
    from journeylab.data.shop import Shop

MODELS = ("first_touch", "last_touch", "last_non_direct", "linear", "position_based", "time_decay", "markov")
START, CONV, NULL = "(start)", "(conversion)", "(null)"
UNKNOWN = "(unknown)"  # the work table's level of a person without one; a missing involvement in the result
NO_LEVELS = "all"  # the work table's one group of a shop without involvement levels; missing in the result too


def journey_paths(shop: "Shop") -> str:
    """Build temp table ``_jl_paths`` (user_id, pos, n, channel, started_at, converted, conv_at, level,
    prev_channel) and
    return its name. One row per touchpoint; see the module docstring for the path definition."""
    require_events(shop, "attribution")
    s = ensure_sessions(shop)
    lvl = ensure_user_levels(shop)
    join = "LEFT JOIN _jl_user_level ul USING (user_id)" if lvl else ""
    level = f"coalesce(ul.level, '{UNKNOWN}')" if lvl else f"'{NO_LEVELS}'"
    return shop.create_work("_jl_paths", f"""
        WITH fp AS (SELECT user_id, min(first_purchase_ts) AS conv_at FROM {s} WHERE has_purchase GROUP BY user_id),
             t AS (SELECT s.user_id, s.channel, s.started_at, fp.conv_at, fp.conv_at IS NOT NULL AS converted
                   FROM {s} s LEFT JOIN fp USING (user_id)
                   WHERE fp.conv_at IS NULL OR s.started_at <= fp.conv_at)
        SELECT t.user_id, row_number() OVER w AS pos, count(*) OVER (PARTITION BY t.user_id) AS n,
               t.channel, t.started_at, t.converted, t.conv_at, {level} AS level,
               lag(t.channel) OVER w AS prev_channel
        FROM t {join} WINDOW w AS (PARTITION BY t.user_id ORDER BY t.started_at, t.channel)""")


def _heuristics(shop: "Shop", table: str, by_level: bool, half_life_days: float, direct: str) -> pd.DataFrame:
    grp = "level" if by_level else "'all'"
    hl = float(half_life_days) * 86400.0
    d = shop.dialect
    return shop.sql(f"""
        WITH c AS (
          SELECT *, max(CASE WHEN channel <> '{direct}' THEN pos END) OVER (PARTITION BY user_id) AS lnd,
                 power(2.0, -{d.seconds_between("conv_at", "started_at")} / {hl}) AS decay
          FROM {table} WHERE converted),
        w AS (SELECT *, sum(decay) OVER (PARTITION BY user_id) AS decay_sum FROM c)
        SELECT {grp} AS grp, channel,
               sum(CAST(pos = 1 AS DOUBLE)) AS first_touch,
               sum(CAST(pos = n AS DOUBLE)) AS last_touch,
               sum(CAST(pos = coalesce(lnd, n) AS DOUBLE)) AS last_non_direct,
               sum(CAST(1 AS DOUBLE) / n) AS linear,
               sum(CASE WHEN n = 1 THEN CAST(1 AS DOUBLE) WHEN n = 2 THEN CAST(0.5 AS DOUBLE)
                        WHEN pos = 1 OR pos = n THEN CAST(0.4 AS DOUBLE) ELSE CAST(0.2 AS DOUBLE) / (n - 2) END)
                   AS position_based,
               sum(decay / decay_sum) AS time_decay
        FROM w GROUP BY 1, 2""")


def _transitions(shop: "Shop", table: str, by_level: bool) -> pd.DataFrame:
    grp = "level" if by_level else "'all'"
    # _jl_paths carries the previous touch's channel (same window as pos): no second sort of all paths
    return shop.sql(f"""
        WITH t AS (
          SELECT {grp} AS grp, coalesce(prev_channel, '{START}') AS src, channel AS dst FROM {table}
          UNION ALL
          SELECT {grp}, channel, CASE WHEN converted THEN '{CONV}' ELSE '{NULL}' END FROM {table} WHERE pos = n)
        SELECT grp, src, dst, count(*) AS n FROM t GROUP BY ALL""")


def _p_conversion(P: np.ndarray, states: list[str], removed: str | None = None) -> float:
    """P(absorbed in conversion | start) for transition probabilities P (rows sum to 1)."""
    P = P.copy()
    idx = {s: i for i, s in enumerate(states)}
    if removed is not None:
        r = idx[removed]
        P[:, idx[NULL]] += P[:, r]
        P[:, r] = 0.0
    transient = [i for s, i in idx.items() if s not in (CONV, NULL)]
    Q = P[np.ix_(transient, transient)]
    b = P[transient, idx[CONV]]
    x = np.linalg.solve(np.eye(len(transient)) - Q, b)
    return float(x[transient.index(idx[START])])


def markov_removal(transitions: pd.DataFrame) -> pd.DataFrame:
    """Removal effects from transition counts (columns src, dst, n): one row per channel with
    removal_effect (share of conversions lost without it) and share (normalised removal effect).
    ``attrs["p_conversion"]`` is the chain's conversion probability from the start."""
    channels = sorted((set(transitions["src"]) | set(transitions["dst"])) - {START, CONV, NULL})
    states = [START, *channels, CONV, NULL]
    idx = {s: i for i, s in enumerate(states)}
    M = np.zeros((len(states), len(states)))
    np.add.at(M, (transitions["src"].map(idx).to_numpy(), transitions["dst"].map(idx).to_numpy()),
              transitions["n"].to_numpy(float))
    M[idx[CONV], idx[CONV]] = M[idx[NULL], idx[NULL]] = 1.0
    rows = M.sum(axis=1, keepdims=True)
    P = np.divide(M, rows, out=np.zeros_like(M), where=rows > 0)
    base = _p_conversion(P, states)
    eff = np.array([1 - _p_conversion(P, states, c) / base if base > 0 else 0.0 for c in channels])
    out = pd.DataFrame({"removal_effect": eff}, index=pd.Index(channels, name="channel"))
    out["share"] = out["removal_effect"] / eff.sum() if eff.sum() > 0 else 0.0
    out.attrs["p_conversion"] = base
    return out


def attribution(shop: "Shop", by_involvement: bool = False, half_life_days: float = 7.0,
                direct: str = "direct") -> pd.DataFrame:
    """Conversions (first purchases) credited to channels by every model in ``MODELS``.

    Returns one row per (involvement level if ``by_involvement``, channel) with one column per model
    (credited conversions; each column sums to the number of converting paths) and ``removal_effect``; a
    RangeIndex (rows are not persons). Only groups with conversions have rows; ``involvement`` is an ordered
    categorical low, high (missing for converting persons of no known level), rows sorted by it and channel.
    ``attrs``: conversions, paths (converting and not), p_conversion per group, half_life_days and
    ``definition``: the journeylab.i18n.LABELS key of the models' definitions (``i18n.t(key, lang)``).
    """
    table = journey_paths(shop)
    heur = _heuristics(shop, table, by_involvement, half_life_days, direct)
    trans = _transitions(shop, table, by_involvement)
    parts = []
    stats = shop.sql(f"""SELECT {'level' if by_involvement else "'all'"} AS grp, count(*) FILTER (WHERE converted) AS conversions,
                                count(*) AS paths FROM {table} WHERE pos = 1 GROUP BY 1""").set_index("grp")
    p_conv = {}
    for g, tr in trans.groupby("grp"):
        if not stats.loc[g, "conversions"]:  # a group nobody converted in has no credits: no rows of zeros
            continue
        h = heur[heur["grp"] == g].set_index("channel").drop(columns="grp")
        mk = markov_removal(tr)
        p_conv[g] = mk.attrs["p_conversion"]
        conv = stats.loc[g, "conversions"]
        part = h.reindex(h.index.union(mk.index)).fillna(0.0)
        part["markov"] = mk["share"].reindex(part.index).fillna(0.0) * conv
        part["removal_effect"] = mk["removal_effect"].reindex(part.index).fillna(0.0)
        part.insert(0, "involvement", g)
        parts.append(part)
    columns = ["involvement", "channel", *MODELS, "removal_effect"]
    out = (pd.concat(parts).reset_index().rename(columns={"index": "channel"})[columns] if parts
           else pd.DataFrame({c: pd.Series(dtype=float if c in MODELS or c == "removal_effect" else object)
                              for c in columns}))
    if by_involvement:  # the level of a person of no known level (or of a shop without levels) is missing
        out["involvement"] = involvement_categorical(out["involvement"].where(~out["involvement"].isin([UNKNOWN,
                                                                                                        NO_LEVELS])))
        out = out.sort_values(["involvement", "channel"], ignore_index=True, na_position="last")
    else:
        out = out.drop(columns="involvement")
    out.attrs.update(conversions=stats["conversions"].to_dict(), paths=stats["paths"].to_dict(),
                     p_conversion=p_conv, half_life_days=half_life_days, definition="definition_attribution")
    return out


def attribution_shares(result: pd.DataFrame) -> pd.DataFrame:
    """Each model's credits as shares of its conversions (per involvement level when present)."""
    key = ["involvement"] if "involvement" in result else []
    num = result[list(MODELS)]
    if key:
        tot = result.groupby("involvement", dropna=False, observed=True)[list(MODELS)].transform("sum")
    else:
        tot = num.sum()
    out = result[key + ["channel"]].copy()
    out[list(MODELS)] = num / tot
    return out
