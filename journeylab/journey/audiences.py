"""Audiences: who a shop can act on, per RFM segment, journey phase, status and involvement, and ready-made targets.

One per-person frame (:func:`person_frame`, columns FRAME_COLUMNS, index ``person_id``: the customer id
where known, else the events' user id, as :func:`journeylab.journey.phases.journey_phases` has it) holds what
every audience filters on: the journey phase and its facts, the RFM segment, and the value model's P(alive),
status, expected purchases, CLV and next expected purchase date (journeylab.journey.value.shop_value, the one
model of the shop). Ids are the canonical ids: an e-mail address or phone number used as an id was
pseudonymised when the shop was loaded (journeylab.data.pii), and stays so here.

Audiences are data (``journeylab/audiences.yaml``, or a client's file of the same layout): partitions
(one audience per value of segment, phase, status or involvement) and targets, each a DuckDB SQL condition
over the frame. Their words (names, suggested actions) come in both languages from the file itself (and
journeylab.i18n for segment, phase, status and level names); :func:`load_audiences` checks them like
journeylab.data.config.own_words does for segment maps.

The next expected purchase date (``next_purchase_date``) is the value model's: the observation end plus the
median time to the customer's next purchase *if the customer is still alive*. In the BG/NBD family the
purchase rate of an alive customer with x repeat purchases observed over T is Gamma(r + x, alpha + T)
a posteriori, so the waiting time from the observation end is Lomax and its median is
(alpha + T) * (2 ** (1 / (r + x)) - 1) (journeylab.models.fitting.PurchaseModel.median_wait), rounded to days.
It is conditional on being alive (read it together with P(alive)); it is empty where no model could be used
or the wait exceeds a century.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import pandas as pd

from journeylab.data.config import load_yaml_data, own_words
from journeylab.data.engine import connect
from journeylab.errors import ConfigError
from journeylab.i18n import LANGUAGES, check_language, phase_label, segment_action, segment_label, status_label, t

if TYPE_CHECKING:
    from journeylab.data.shop import Shop

PARTITION_COLUMNS = ("segment", "phase", "status", "involvement")
# The per-person frame every audience filters on (ids for segment, phase, status, involvement).
FRAME_COLUMNS = (
    "is_customer", "segment", "phase", "status", "involvement", "p_alive", "expected_purchases", "clv",
    "clv_percentile", "next_purchase_date", "n_orders", "n_sessions", "n_carts", "n_checkouts", "n_reviews",
    "n_referrals", "n_email_clicks", "days_since_first_order", "days_since_last_order", "days_since_last_seen",
    "days_since_abandoned_checkout", "last_event",
)
# The columns of an exported audience (journeylab.report.audiences names them per tool), in order.
EXPORT_COLUMNS = ("customer_id", "segment", "phase", "status", "involvement", "p_alive", "expected_purchases", "clv",
                  "next_purchase_date", "suggested_action")


@dataclass(frozen=True)
class Audience:
    """One audience: ``id`` (snake_case), ``sql`` (its filter over the frame), ``name`` and ``action``
    ({lang: text}; a partition of segments takes each member's segment action, ``action`` None), ``kind``
    ("partition" or "target"), ``by``/``value`` for a partition."""

    id: str
    sql: str
    name: dict[str, str]
    action: dict[str, str] | None
    kind: str = "target"
    by: str | None = None
    value: str | None = None


@dataclass
class AudienceDefinitions:
    """The audiences file read and checked: ``version``, ``partitions`` (by, name template, actions per value)
    and ``targets`` (:class:`Audience`)."""

    version: str
    partitions: list[dict[str, Any]]
    targets: list[Audience]
    source: str = "journeylab/audiences.yaml"


def load_audiences(source: str | Path | Mapping | None = None) -> AudienceDefinitions:
    """The built-in audiences (``journeylab/audiences.yaml``), or a client's file (YAML path or dict) of the same
    layout. ConfigError naming the audience for an id that is not snake_case, an id used twice, a target without a
    filter, a partition over an unknown column, or words missing in a language of journeylab.i18n.LANGUAGES."""
    data = load_yaml_data(source, "audiences.yaml", "audiences file")
    if "version" not in data:
        raise ConfigError("an audiences file needs a 'version' (change it whenever a filter changes)")
    partitions = []
    for item in data.get("partitions") or []:
        by = item.get("by") if isinstance(item, Mapping) else None
        if by not in PARTITION_COLUMNS:
            raise ConfigError(f"audiences partition by {by!r}: must be one of {', '.join(PARTITION_COLUMNS)}")
        words = own_words({"id": f"{by}_partition", **item}, ("name",), {}, "audiences partition")
        if "{value}" not in words["name"]["en"] or any("{value}" not in words["name"][lang] for lang in LANGUAGES):
            raise ConfigError(f"audiences partition by {by}: its name needs {{value}} in every language")
        actions = {}
        for value, action in (item.get("actions") or {}).items():
            actions[str(value)] = own_words({"id": f"{by}_{value}", "action": action}, ("action",), {},
                                            f"audiences partition by {by}, value")["action"]
        partitions.append({"by": by, "name": words["name"], "actions": actions})
    targets, seen = [], set()
    for item in data.get("audiences") or []:
        if not isinstance(item, Mapping):
            raise ConfigError(f"an audience is a mapping with id, filter, name and action, not {item!r}")
        words = own_words(item, ("name", "action"), {}, "audience")
        sql = item.get("filter")
        if not isinstance(sql, str) or not sql.strip():
            raise ConfigError(f"audience {item['id']}: needs a filter (a SQL condition over {', '.join(FRAME_COLUMNS)})")
        if item["id"] in seen:
            raise ConfigError(f"audience {item['id']} is there twice; ids must differ")
        seen.add(item["id"])
        targets.append(Audience(item["id"], sql, words["name"], words["action"]))
    where = str(source) if isinstance(source, (str, Path)) else ("journeylab/audiences.yaml" if source is None else "dict")
    return AudienceDefinitions(str(data["version"]), partitions, targets, where)


# ---------------------------------------------------------------- the per-person frame
def abandoned_checkouts(shop: "Shop", at: Any = None) -> pd.Series:
    """Days from ``at`` (default: the observation end) back to each person's last ``begin_checkout`` event that
    no order followed (no order of theirs at or after it, before ``at``); index person_id as journey_phases'.
    Empty without events."""
    if not shop.has("events"):
        return pd.Series(dtype=float, name="days_since_abandoned_checkout")
    from journeylab.journey.levels import ensure_user_map

    ensure_user_map(shop)
    at = pd.Timestamp(at if at is not None else shop.observation_end)
    d = shop.dialect
    ts = d.timestamp(at)
    df = shop.sql(f"""
        WITH c AS (SELECT coalesce(m.customer_id, e.user_id) AS person_id, max(e.ts) AS last_checkout
                   FROM events e JOIN _jl_user_map m USING (user_id)
                   WHERE e.event_type = 'begin_checkout' AND e.ts < {ts} GROUP BY 1),
             o AS (SELECT customer_id AS person_id, max(ordered_at) AS last_order FROM orders
                   WHERE ordered_at < {ts} GROUP BY 1)
        SELECT c.person_id, {d.seconds_between(ts, "c.last_checkout")} / 86400.0 AS days
        FROM c LEFT JOIN o USING (person_id)
        WHERE o.last_order IS NULL OR o.last_order < c.last_checkout""")
    return df.set_index("person_id")["days"].rename("days_since_abandoned_checkout")


def person_frame(shop: "Shop", *, value: Any = None, phases: pd.DataFrame | None = None, phase_model: str = "five",
                 segment_map: Any = None, horizon_months: float = 12, discount_rate: float = 0.10) -> pd.DataFrame:
    """One row per person (index ``person_id``) with FRAME_COLUMNS: what audiences and snapshots read.

    ``value``: the shop's journeylab.journey.value.ShopValue (computed here when None; a report passes its own);
    ``phases``: journey_phases' result if computed already. P(alive), expected purchases, CLV and the next
    expected purchase date (see the module docstring) come from ``value`` where it has a model, else they are
    empty; ``clv_percentile`` is a customer's CLV rank among the customers with one (0-1, ties averaged).
    ``last_event``: the person's last visit or order (a timestamp)."""
    from journeylab.errors import DataError, ModelError
    from journeylab.journey.phases import journey_phases
    from journeylab.journey.value import shop_value

    if value is None and shop.count("orders"):
        try:
            value = shop_value(shop, horizon_months=horizon_months, discount_rate=discount_rate)
        except (ModelError, DataError):
            value = None
    if phases is None:
        phases = journey_phases(shop, model=phase_model, value=value, segment_map=segment_map)
    out = pd.DataFrame(index=phases.index)
    out.index.name = "person_id"
    out["is_customer"] = phases["n_orders"].to_numpy() > 0
    for col in ("segment", "phase", "status", "involvement"):
        out[col] = phases[col].astype(object).where(phases[col].notna(), None) if col in phases else None
    if value is not None:
        p = value.predictions.reindex(out.index)
        for col in ("p_alive", "expected_purchases", "clv"):
            out[col] = p[col].astype(float)
        out["next_purchase_date"] = pd.to_datetime(p["next_purchase_date"])
        # the status is the value model's for customers already (journey_phases took it from there)
    else:
        for col in ("p_alive", "expected_purchases", "clv"):
            out[col] = np.nan
        out["next_purchase_date"] = pd.NaT
    has = out["clv"].notna()
    out["clv_percentile"] = np.nan
    if has.any():
        out.loc[has, "clv_percentile"] = out.loc[has, "clv"].rank(pct=True, method="average")
    for col in ("n_orders", "n_sessions", "n_carts", "n_checkouts", "n_reviews", "n_referrals", "n_email_clicks"):
        out[col] = phases[col].astype(int)
    for col in ("days_since_first_order", "days_since_last_order", "days_since_last_seen"):
        out[col] = phases[col].astype(float)
    out["days_since_abandoned_checkout"] = abandoned_checkouts(shop, phases.attrs.get("at")).reindex(out.index)
    out["last_event"] = pd.concat([pd.to_datetime(phases["last_seen"]), pd.to_datetime(phases["last_order_at"])],
                                  axis=1).max(axis=1)
    out.attrs.update(at=phases.attrs.get("at"), rules=phases.attrs.get("rules"),
                     segment_words=_segment_words(segment_map))
    return out[list(FRAME_COLUMNS)]


def _segment_words(segment_map: Any) -> dict[str, dict[str, Any]]:
    """Segment id -> {"name": {en, nl} or None, "action": ...}: the segment map's own words."""
    from journeylab.models.rfm import SegmentMap, load_segment_map

    smap = segment_map if isinstance(segment_map, SegmentMap) else load_segment_map(segment_map)
    return {r["id"]: {"name": r.get("name"), "action": r.get("action")} for _, r in smap.table.iterrows()}


# ---------------------------------------------------------------- selecting
@dataclass
class Audiences:
    """The audiences of a shop: ``frame`` (:func:`person_frame`), ``definitions``, ``members`` (audience id -> the
    person ids in it, frame order), ``audiences`` (id -> :class:`Audience`, partitions expanded), ``lang``."""

    frame: pd.DataFrame
    definitions: AudienceDefinitions
    audiences: dict[str, Audience]
    members: dict[str, pd.Index]
    lang: str = "en"
    observation_end: Any = None
    notes: list[str] = field(default_factory=list)

    def counts(self) -> pd.DataFrame:
        """One row per audience (index id): kind, by, value, name (``lang``), persons."""
        rows = [{"id": a.id, "kind": a.kind, "by": a.by, "value": a.value, "name": a.name[self.lang],
                 "persons": len(self.members[a.id])} for a in self.audiences.values()]
        return pd.DataFrame(rows, columns=["id", "kind", "by", "value", "name", "persons"]).set_index("id")

    def record(self) -> dict[str, Any]:
        """The counts for summary.json: {"version": ..., "counts": {audience id: persons}}."""
        return {"version": self.definitions.version, "counts": {k: int(len(v)) for k, v in self.members.items()}}

    def table(self, audience_id: str) -> pd.DataFrame:
        """An audience's rows as exported (EXPORT_COLUMNS; segment, phase, status and level in ``lang``'s words,
        the suggested action in ``lang``; numbers as numbers, the date as YYYY-MM-DD)."""
        a = self.audiences[audience_id]
        part = self.frame.loc[self.members[audience_id]]
        lang = self.lang
        rules = self.frame.attrs.get("rules")
        seg_words = self.frame.attrs.get("segment_words") or {}
        out = pd.DataFrame(index=pd.RangeIndex(len(part)))
        out["customer_id"] = part.index.astype(str).to_numpy()
        out["segment"] = [_segment_name(s, lang, seg_words) for s in part["segment"]]
        out["phase"] = [_phase_name(p, lang, rules) for p in part["phase"]]
        out["status"] = [status_label(s, lang) if isinstance(s, str) else "" for s in part["status"]]
        out["involvement"] = [_level_name(v, lang) for v in part["involvement"]]
        out["p_alive"] = part["p_alive"].round(4).to_numpy()
        out["expected_purchases"] = part["expected_purchases"].round(3).to_numpy()
        out["clv"] = part["clv"].round(2).to_numpy()
        out["next_purchase_date"] = [d.date().isoformat() if pd.notna(d) else "" for d in part["next_purchase_date"]]
        if a.action is not None:
            out["suggested_action"] = a.action[lang]
        else:  # a segment partition: each member's segment action
            out["suggested_action"] = [_segment_act(s, lang, seg_words) for s in part["segment"]]
        return out[list(EXPORT_COLUMNS)]


def _segment_name(seg: Any, lang: str, words: Mapping) -> str:
    if not isinstance(seg, str):
        return ""
    own = (words.get(seg) or {}).get("name")
    return segment_label(seg, lang, own)


def _segment_act(seg: Any, lang: str, words: Mapping) -> str:
    if not isinstance(seg, str):
        return ""
    own = (words.get(seg) or {}).get("action")
    return segment_action(seg, lang, own)


def _phase_name(phase: Any, lang: str, rules: pd.DataFrame | None) -> str:
    if not isinstance(phase, str):
        return ""
    if rules is not None:
        from journeylab.journey.phases import phase_name

        return phase_name(rules, phase, lang)
    return phase_label(phase, lang)


def _level_name(level: Any, lang: str) -> str:
    if level in ("low", "high"):
        return str(t(f"{level}_involvement", lang))
    return ""


def _quote(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _expand(defs: AudienceDefinitions, frame: pd.DataFrame, lang: str) -> dict[str, Audience]:
    """Partitions expanded over the values the frame holds (journey order for phases, the map's for segments)."""
    out: dict[str, Audience] = {}
    rules = frame.attrs.get("rules")
    seg_words = frame.attrs.get("segment_words") or {}
    from journeylab.models.churn import STATUSES

    for part in defs.partitions:
        by = part["by"]
        present = set(frame[by].dropna().astype(str))
        order = {"segment": list(seg_words), "status": list(STATUSES), "involvement": ["low", "high"],
                 "phase": list(rules["phase"]) if rules is not None else []}[by]
        values = [v for v in order if v in present] + sorted(present - set(order))
        for v in values:
            if by == "segment":
                word = {lang_: _segment_name(v, lang_, seg_words) for lang_ in LANGUAGES}
                action = None
            elif by == "phase":
                word = {lang_: _phase_name(v, lang_, rules) for lang_ in LANGUAGES}
                action = part["actions"].get(v)
            elif by == "status":
                word = {lang_: status_label(v, lang_) for lang_ in LANGUAGES}
                action = part["actions"].get(v)
            else:
                word = {lang_: _level_name(v, lang_) for lang_ in LANGUAGES}
                action = part["actions"].get(v)
            if action is None and by != "segment":
                raise ConfigError(f"audiences partition by {by}: no action for {v!r}; give it under actions: "
                                  f"{v}: {{{', '.join(f'{x}: ...' for x in LANGUAGES)}}}")
            aid = f"{by}_{v}"
            out[aid] = Audience(aid, f"{by} = {_quote(v)}", {x: part["name"][x].format(value=word[x]) for x in LANGUAGES},
                                action, kind="partition", by=by, value=v)
    for a in defs.targets:
        if a.id in out:
            raise ConfigError(f"audience {a.id}: the id of a partition's audience; choose another id")
        out[a.id] = a
    return out


def select(frame: pd.DataFrame, sql: str, what: str = "audience") -> pd.Index:
    """The person ids of ``frame`` for which the DuckDB SQL condition ``sql`` holds (frame order). ConfigError
    naming ``what`` when DuckDB cannot evaluate it."""
    con = connect()
    data = frame.reset_index()
    data["_row"] = np.arange(len(data))
    con.register("audience_frame", data)
    try:
        rows = con.execute(f"SELECT _row FROM audience_frame WHERE ({sql}) ORDER BY _row").fetchnumpy()["_row"]
    except Exception as exc:  # a client's filter DuckDB cannot parse or run
        raise ConfigError(f"{what}: its filter {sql!r} could not be evaluated ({str(exc).splitlines()[0]}); "
                          f"a filter may use {', '.join(FRAME_COLUMNS)}") from None
    finally:
        con.close()
    return frame.index[np.asarray(rows, dtype=int)]


def audiences(shop: "Shop", *, lang: str = "en", source: str | Path | Mapping | None = None, value: Any = None,
              phases: pd.DataFrame | None = None, phase_model: str = "five", segment_map: Any = None,
              horizon_months: float = 12, discount_rate: float = 0.10, frame: pd.DataFrame | None = None) -> Audiences:
    """The shop's audiences (``source``: a client's audiences file, default journeylab/audiences.yaml) in ``lang``.

    ``value``, ``phases``: the report's value model and journey phases, if computed already; ``frame``: the
    :func:`person_frame` itself. Write them with journeylab.report.audiences.write_audiences
    (``journeylab audiences CONFIG --out DIR``)."""
    check_language(lang)
    defs = load_audiences(source)
    if frame is None:
        frame = person_frame(shop, value=value, phases=phases, phase_model=phase_model, segment_map=segment_map,
                             horizon_months=horizon_months, discount_rate=discount_rate)
    expanded = _expand(defs, frame, lang)
    members = {a.id: select(frame, a.sql, f"audience {a.id}") for a in expanded.values()}
    notes = []
    if frame["p_alive"].isna().all():
        notes.append("no_value_model")
    return Audiences(frame, defs, expanded, members, lang, frame.attrs.get("at"), notes)


__all__ = ["Audience", "AudienceDefinitions", "Audiences", "EXPORT_COLUMNS", "FRAME_COLUMNS", "abandoned_checkouts",
           "audiences", "load_audiences", "person_frame", "select"]
