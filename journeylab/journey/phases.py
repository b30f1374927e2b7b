"""Journey phases per person, phase flows between dates, and monthly cohort retention.

Phases come from a phase model (``phase_models.yaml``: five phases by default, the four- and six-phase
models of the literature as other configurations). Every rule is a SQL condition over the per-person
facts below, evaluated in DuckDB; the rule table is returned with the result (``attrs["rules"]``) so a
report can show it, and ``rules=`` overrides it. Results hold phase ids only: a phase's name and who is in it
are words of journeylab.i18n (PHASES, PHASE_RULES) or of a client's own model (``label``, ``description``),
read with :func:`phase_name` and :func:`phase_description`. A rule's segment values are RFM segment ids of
the segment map in use (checked: an unknown one is a ConfigError).

Per-person facts at a date ``at`` (everything strictly before ``at``), ``FACT_COLUMNS``:
n_sessions, n_product_views, n_compares, n_carts, n_checkouts, n_research (research/compare pages),
n_email_clicks, n_referrals (events); n_orders, n_categories (distinct product categories ordered),
days_since_first_order, days_since_last_order (orders; days); n_reviews (reviews table or review
events); days_since_last_seen (days since the last event or order); segment (RFM segment id, e.g. champions).

Status over the phases: customers get the status of the shop's value model (journeylab.journey.value: one
model per shop, or per involvement level, chosen on the holdout; the one status rule of
journeylab.models.churn.customer_status, including too_early: "too early to tell"), so a customer has the same P(alive)
and status here as in the churn section. Visitors without an order get the recency rule on days since
last seen (up to ``recency_days[0]`` active, up to ``recency_days[1]`` at risk, else lost).
"""
from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

import numpy as np
import pandas as pd

from journeylab.models.churn import RECENCY_DAYS, STATUSES, ChurnThresholds, customer_status
from journeylab.data.attrs import AttrFrame, AttrSeries
from journeylab.data.config import load_yaml_data, own_words
from journeylab.data.contract import research_view_sql
from journeylab.data.engine import connect
from journeylab.errors import ConfigError, DataError, ModelError
from journeylab.i18n import LANGUAGES, PHASE_RULES, PHASES, check_language, phase_label, phase_rule_label, t
from journeylab.journey.levels import columns, ensure_levels
from journeylab.data.conventions import PERSON_ID, involvement_categorical, phase_categorical
from journeylab.models.rfm import SegmentMap, load_segment_map, rfm_segments, segment_categorical

if TYPE_CHECKING:
    from journeylab.data.shop import Shop

FACT_COLUMNS = (
    "n_sessions", "n_product_views", "n_compares", "n_carts", "n_checkouts", "n_research", "n_email_clicks",
    "n_referrals", "n_orders", "n_categories", "days_since_first_order", "days_since_last_order", "n_reviews",
    "days_since_last_seen", "segment",
)
RULE_COLUMNS = ["phase", "needs", "rule"]  # ids and SQL: a phase's words are looked up when it is shown
# a phase's own words in a client's phase model are ``label`` and ``description`` ({en: ..., nl: ...}), needed
# where journeylab.i18n has none (PHASES for the label, PHASE_RULES of the model for the description); the old
# layout's keys and what replaces them:
_OLD_WORDS = {"phase_nl": "label", "description_nl": "description"}
# a quoted value a rule compares ``segment`` with: segment = 'x' (==, <>, !=), 'x' = segment, segment [NOT] IN ('x', ...)
_SEGMENT_TEST = re.compile(r"\bsegment\s*(?:==|=|<>|!=)\s*'([^']*)'|'([^']*)'\s*(?:==|=|<>|!=)\s*segment\b"
                           r"|\bsegment\s+(?:not\s+)?in\s*\(([^)]*)\)", re.IGNORECASE)


# ---------------------------------------------------------------- rules as data
def phase_rules(model: str = "five", source: str | Path | Mapping | None = None) -> pd.DataFrame:
    """The rule table of a phase model: one row per phase in journey order with columns phase (an id), needs
    (events / orders) and rule (SQL over FACT_COLUMNS).

    ``source`` is a YAML path or dict with a ``models`` mapping (default: journeylab/phase_models.yaml).
    ``attrs``: model, version, words (the words a client's model gives a phase: phase id -> {"label": {en, nl}
    or None, "description": {en, nl} or None}; the built-in models give none, theirs are journeylab.i18n's
    PHASES and PHASE_RULES). Show a phase with :func:`phase_name` and :func:`phase_description`.
    A phase whose id i18n does not know gives its ``label``, one of a model i18n does not describe its
    ``description``, each as ``{en: ..., nl: ...}``; without them, or in the old layout (phase_nl,
    description_nl), it is a ConfigError naming the phase."""
    data = load_yaml_data(source, "phase_models.yaml", "phase models")
    models = data.get("models", {})
    if model not in models:
        raise ConfigError(f"unknown phase model {model!r}; known: {sorted(models)}")
    rows, words = [], {}
    for i, item in enumerate(models[model].get("phases") or []):
        missing = [c for c in RULE_COLUMNS if c not in item]
        if missing:
            raise ConfigError(f"phase model {model!r}: phase {i + 1} ({item.get('phase', '?')}) lacks {missing}")
        own = _own_phase_words(model, item)
        if any(own.values()):
            words[item["phase"]] = own
        rows.append({c: item[c] for c in RULE_COLUMNS})
    table = pd.DataFrame(rows, columns=RULE_COLUMNS)
    twice = sorted({p for p in table["phase"] if (table["phase"] == p).sum() > 1})
    if table.empty or twice:
        raise ConfigError(f"phase model {model!r} needs phases with different ids"
                          + (f"; {', '.join(twice)} is there twice" if twice else ""))
    table.attrs.update(model=model, version=str(data.get("version", "")), words=words)
    return table


def _own_phase_words(model: str, item: Mapping[str, Any]) -> dict[str, dict[str, str] | None]:
    """A phase's own label and description ({en: ..., nl: ...} or None), checked by data.config.own_words."""
    what = f"phase model {model!r}, phase"
    old = [k for k in _OLD_WORDS if k in item]
    if old:
        layout = "{" + ", ".join(f"{lang}: ..." for lang in LANGUAGES) + "}"
        instead = " and ".join(f"{_OLD_WORDS[k]}: {layout}" for k in old)
        raise ConfigError(f"{what} {item.get('phase')}: {', '.join(old)} is no longer read; give the words in "
                          f"{' and '.join(LANGUAGES)} as {instead}")
    item = {**item, "id": item["phase"]}
    return {**own_words(item, ("label",), PHASES, what),
            **own_words(item, ("description",), PHASE_RULES.get(model, {}), what)}


def resolve_rules(model: str, rules: pd.DataFrame | Mapping[str, str] | None,
                  segment_map: str | Path | Mapping | SegmentMap | None = None) -> pd.DataFrame:
    """The rule table a journey-phase run uses (columns RULE_COLUMNS, attrs as :func:`phase_rules`'s): the
    default rules of ``model`` (str, a phase model name); ``rules`` a DataFrame (columns phase and rule at
    least, e.g. ``phase_rules(model, source=...)`` of a client's model) replaces them, a dict phase -> SQL
    condition overrides single rules (``attrs["overridden"]``: phase -> rule), None keeps them.
    A quoted value a rule compares ``segment`` with must be a segment id of ``segment_map`` (the RFM segment
    map in use; default journeylab/segments.yaml). ConfigError for an unknown phase or segment id."""
    if isinstance(rules, pd.DataFrame):
        missing = [c for c in ("phase", "rule") if c not in rules.columns]
        if missing:
            raise ConfigError(f"a phase rule table needs columns phase and rule (lacks {missing})")
        table = rules.copy()
        if "needs" not in table:
            table["needs"] = "orders"
        table = table[RULE_COLUMNS + [c for c in table.columns if c not in RULE_COLUMNS]].copy()
        table.attrs = copy.deepcopy(dict(rules.attrs))
        table.attrs.setdefault("model", model)
    else:
        table = phase_rules(model)
        words, overridden = copy.deepcopy(table.attrs["words"]), {}
        for phase, rule in (rules or {}).items():
            if phase not in set(table["phase"]):
                raise ConfigError(f"phase model {model!r} has no phase {phase!r}")
            table.loc[table["phase"] == phase, "rule"] = rule
            overridden[phase] = rule
            if phase in words:  # the model's own description no longer says who is in the phase
                words[phase]["description"] = None
        table.attrs.update(words=words, overridden=overridden)
    check_segment_ids(table, segment_map)
    return table


def segment_values(rule: str) -> list[str]:
    """The quoted values rule ``rule`` compares ``segment`` with (``segment = 'champions'``, ``segment IN
    ('a', 'b')``, ``segment <> 'x'``)."""
    out: list[str] = []
    for m in _SEGMENT_TEST.finditer(rule):
        if m.group(3) is not None:
            out += re.findall(r"'([^']*)'", m.group(3))
        else:
            out.append(m.group(1) if m.group(1) is not None else m.group(2))
    return out


def check_segment_ids(table: pd.DataFrame, segment_map: str | Path | Mapping | SegmentMap | None = None) -> None:
    """ConfigError naming the phase, the value and the known ids when a rule of rule table ``table`` compares
    ``segment`` with a value that is no segment id of ``segment_map`` (such a rule would match nobody)."""
    smap = segment_map if isinstance(segment_map, SegmentMap) else load_segment_map(segment_map)
    ids = [str(i) for i in smap.table["id"]]
    model = table.attrs.get("model", "?")
    for phase, rule in zip(table["phase"], table["rule"]):
        unknown = [v for v in segment_values(str(rule)) if v not in ids]
        if unknown:
            raise ConfigError(f"phase model {model!r}, phase {phase}: its rule compares segment with "
                              f"{', '.join(map(repr, unknown))}, which is not a segment id of segment map "
                              f"{smap.version} (a segment is an id, such as 'champions'); known ids: {', '.join(ids)}")


# ---------------------------------------------------------------- words of a rule table
def phase_name(rules: pd.DataFrame, phase: Any, lang: str = "en") -> str:
    """A phase of rule table ``rules`` (``phase_rules``, ``journey_phases(...).attrs["rules"]``) as a word of
    ``lang``: the model's own label where it gives one, else journeylab.i18n.phase_label."""
    check_language(lang)
    own = ((rules.attrs.get("words") or {}).get(phase) or {}).get("label")
    return own[lang] if own else phase_label(phase, lang)


def phase_description(rules: pd.DataFrame, phase: Any, lang: str = "en", *, rule_text: bool = True) -> str | None:
    """Who is in ``phase`` of rule table ``rules`` (``phase_rules``, ``resolve_rules``,
    ``journey_phases(...).attrs["rules"]``), in ``lang``: the model's own description where it gives one,
    else journeylab.i18n.phase_rule_label of the built-in model (``attrs["model"]``) while the phase's rule is
    the built-in one. A rule overridden by hand (``resolve_rules``' dict) reads as i18n's sentence
    "overridden: <rule>" (``rule_text=False``: None, for a reader who is shown no SQL); None for a rule nothing
    describes."""
    check_language(lang)
    own = ((rules.attrs.get("words") or {}).get(phase) or {}).get("description")
    if own:
        return own[lang]
    overridden = rules.attrs.get("overridden") or {}
    if phase in overridden:
        return t("phase_rule_overridden", lang).format(rule=overridden[phase]) if rule_text else None
    model = rules.attrs.get("model")
    rule = rules.loc[rules["phase"] == phase, "rule"]
    if not model or rule.empty or _builtin_rules(model).get(phase) != rule.iloc[0]:
        return None
    return phase_rule_label(model, phase, lang)


def _builtin_rules(model: str) -> dict[str, str]:
    """Phase id -> rule of the built-in phase model ``model`` (journeylab/phase_models.yaml); {} for another."""
    models = load_yaml_data(None, "phase_models.yaml", "phase models").get("models", {})
    return {p["phase"]: p["rule"] for p in models[model]["phases"]} if model in models else {}


# ---------------------------------------------------------------- facts
def person_facts(shop: "Shop", at: Any = None) -> pd.DataFrame:
    """One row per person (index ``person_id``: customer_id where known, else the events user_id) with the
    FACT_COLUMNS measured on everything before ``at`` (default: the shop's observation end), plus
    first_seen, last_seen, first_order_at, last_order_at, has_events. (``segment`` is empty here;
    journey_phases fills it.)"""
    at = pd.Timestamp(at if at is not None else shop.observation_end)
    df = shop.sql(person_facts_sql(shop, at)).set_index(PERSON_ID)
    df["segment"] = pd.Series(pd.NA, index=df.index, dtype="object")
    df.attrs["at"] = at
    return df


def person_facts_sql(shop: "Shop", at: pd.Timestamp) -> str:
    """The query behind :func:`person_facts` (column person_id and the facts, no segment), for the shop's
    engine: DuckDB, or Spark (journeylab.spark.journey_phases_df keeps its result in Spark)."""
    d = shop.dialect
    t = d.timestamp(at)
    parts = []
    if shop.has("events"):
        from journeylab.journey.levels import ensure_user_map
        ensure_user_map(shop)
        ec = columns(shop, "events")
        parts.append(f"""
          SELECT coalesce(m.customer_id, e.user_id) AS person_id, count(DISTINCT e.session_id) AS n_sessions,
                 count(*) FILTER (WHERE e.event_type = 'product_view') AS n_product_views,
                 count(*) FILTER (WHERE e.event_type = 'compare') AS n_compares,
                 count(*) FILTER (WHERE e.event_type = 'add_to_cart') AS n_carts,
                 count(*) FILTER (WHERE e.event_type = 'begin_checkout') AS n_checkouts,
                 count(*) FILTER (WHERE {research_view_sql('page_type' in ec)}) AS n_research,
                 count(*) FILTER (WHERE e.event_type = 'email_click') AS n_email_clicks,
                 count(*) FILTER (WHERE e.event_type = 'referral') AS n_referrals,
                 count(*) FILTER (WHERE e.event_type = 'review') AS n_review_events,
                 min(e.ts) AS first_seen, max(e.ts) AS last_seen
          FROM events e JOIN _jl_user_map m USING (user_id) WHERE e.ts < {t} GROUP BY 1""")
    cats = ("(SELECT ol.order_id, p.category FROM order_lines ol JOIN products p USING (product_id))"
            if shop.has("order_lines") and shop.has("products") else None)
    ncat = "count(DISTINCT c.category)" if cats else "least(count(DISTINCT o.order_id), 1)"
    join_cat = f"LEFT JOIN {cats} c USING (order_id)" if cats else ""
    orders = f"""
        SELECT o.customer_id AS person_id, count(DISTINCT o.order_id) AS n_orders, {ncat} AS n_categories,
               min(o.ordered_at) AS first_order_at, max(o.ordered_at) AS last_order_at
        FROM orders o {join_cat} WHERE o.ordered_at < {t} GROUP BY 1"""
    reviews = (f"SELECT customer_id AS person_id, count(*) AS n_reviews FROM reviews WHERE ts < {t} GROUP BY 1"
               if shop.has("reviews") else "SELECT CAST(NULL AS STRING) AS person_id, 0 AS n_reviews WHERE false")
    ev = parts[0] if parts else ("SELECT CAST(NULL AS STRING) AS person_id, 0 AS n_sessions, 0 AS n_product_views, "
                                 "0 AS n_compares, 0 AS n_carts, 0 AS n_checkouts, 0 AS n_research, "
                                 "0 AS n_email_clicks, 0 AS n_referrals, 0 AS n_review_events, "
                                 "CAST(NULL AS TIMESTAMP) AS first_seen, CAST(NULL AS TIMESTAMP) AS last_seen WHERE false")
    return f"""
        WITH ev AS ({ev}), od AS ({orders}), rv AS ({reviews})
        SELECT person_id,
               coalesce(ev.n_sessions, 0) AS n_sessions, coalesce(ev.n_product_views, 0) AS n_product_views,
               coalesce(ev.n_compares, 0) AS n_compares, coalesce(ev.n_carts, 0) AS n_carts,
               coalesce(ev.n_checkouts, 0) AS n_checkouts, coalesce(ev.n_research, 0) AS n_research,
               coalesce(ev.n_email_clicks, 0) AS n_email_clicks, coalesce(ev.n_referrals, 0) AS n_referrals,
               coalesce(od.n_orders, 0) AS n_orders, coalesce(od.n_categories, 0) AS n_categories,
               {d.seconds_between(t, "od.first_order_at")} / 86400.0 AS days_since_first_order,
               {d.seconds_between(t, "od.last_order_at")} / 86400.0 AS days_since_last_order,
               greatest(coalesce(rv.n_reviews, 0), coalesce(ev.n_review_events, 0)) AS n_reviews,
               {d.seconds_between(t, "greatest(ev.last_seen, od.last_order_at)")} / 86400.0 AS days_since_last_seen,
               ev.first_seen, ev.last_seen, od.first_order_at, od.last_order_at, ev.person_id IS NOT NULL AS has_events
        FROM ev FULL OUTER JOIN od USING (person_id) LEFT JOIN rv USING (person_id)
        WHERE person_id IS NOT NULL"""


def phase_case_sql(table: pd.DataFrame) -> str:
    """A CASE expression over the FACT_COLUMNS giving the index (0-based, journey order) of the furthest
    phase of rule table ``table`` whose rule holds, -1 for none. The same text runs in DuckDB and Spark."""
    # the furthest phase whose rule holds: test the rules from the last phase back
    return "CASE " + " ".join(f"WHEN ({r.rule}) THEN {i}" for i, r in reversed(list(enumerate(table.itertuples())))) \
        + " ELSE -1 END"


def _rfm_at(shop: "Shop", at: pd.Timestamp, smap: SegmentMap) -> pd.DataFrame | None:
    from journeylab.models.summary import customer_summary
    try:
        summ = customer_summary(shop, observation_end=at)
        summ = summ[summ["first_order_at"] < at]
        if len(summ) == 0:
            return None
        return summ.join(rfm_segments(summ, segment_map=smap)[["segment"]].astype(str))
    except (DataError, ValueError):
        return None


def _status(facts: pd.DataFrame, shop: "Shop", at: pd.Timestamp, value: Any, recency_days: tuple[float, float],
            thresholds: ChurnThresholds) -> tuple[pd.DataFrame, str]:
    """P(alive) and status per person: customers from the value model, visitors by recency."""
    status, _ = customer_status(facts["days_since_last_seen"].to_numpy(float), None, None, thresholds, recency_days)
    out = pd.DataFrame({"p_alive": np.nan, "status": status.astype(str)}, index=facts.index)
    how = t("status_rule_visitors").format(active=recency_days[0], at_risk=recency_days[1])
    if value is None and shop.count("orders"):
        from journeylab.journey.value import shop_value
        try:
            value = shop_value(shop, at=at if at != shop.observation_end else None, thresholds=thresholds,
                               recency_days=recency_days)
        except (ModelError, DataError) as exc:
            how = t("status_rule_no_model").format(rule=how, reason=exc)
    if value is not None:
        p = value.predictions
        idx = p.index.intersection(out.index)
        out.loc[idx, "p_alive"] = p.loc[idx, "p_alive"]
        out.loc[idx, "status"] = p.loc[idx, "status"].astype(str)
        how = t("status_rule_customers").format(rule=how)
    out["status"] = pd.Categorical(out["status"], categories=list(STATUSES), ordered=True)
    return out, how


def journey_phases(shop: "Shop", at: Any = None, model: str = "five",
                   rules: pd.DataFrame | Mapping[str, str] | None = None, status: bool = True,
                   recency_days: tuple[float, float] = RECENCY_DAYS,
                   thresholds: ChurnThresholds = ChurnThresholds(), involvement: bool = True,
                   value: Any = None, segment_map: str | Path | Mapping | SegmentMap | None = None) -> pd.DataFrame:
    """Put every person (visitor or customer) in a phase of the phase model at date ``at``.

    Returns one row per person (index ``person_id``) with ``phase`` (ordered categorical of phase ids in the
    model's order, as words by :func:`phase_name`), the facts it was based on, ``segment`` (RFM segment id,
    customers; ordered categorical in the segment map's order), ``p_alive`` and ``status`` (ordered categorical
    of the ids active / at_risk / lost / too_early, as words by journeylab.i18n.status_label; see the module
    docstring) when ``status``, and ``involvement`` (ordered categorical low, high: the level of the first order,
    or of the products a visitor viewed most; missing where unknown) when the shop has products. ``segment_map``: the RFM segment map (default
    journeylab/segments.yaml); the segment values in the rules are its ids.
    ``attrs``: rules (the rule table used; its words: :func:`phase_name`, :func:`phase_description`), model, at,
    status_rule, note (what cannot be seen: with orders only, phases before purchase need events). ``value``: the shop's journeylab.journey.value.ShopValue
    if computed already (a report passes the one it uses everywhere); default: computed here.
    """
    smap = segment_map if isinstance(segment_map, SegmentMap) else load_segment_map(segment_map)
    table = resolve_rules(model, rules, smap)
    facts = person_facts(shop, at)
    at = facts.attrs["at"]
    summ = _rfm_at(shop, at, smap) if shop.count("orders") else None
    if summ is not None:
        facts.loc[summ.index.intersection(facts.index), "segment"] = summ["segment"]
    con = connect()  # the facts are per person and in pandas already (whichever engine made them)
    con.register("_jl_facts_df", facts.reset_index())
    try:
        codes = con.execute(f"SELECT {phase_case_sql(table)} AS c FROM _jl_facts_df").df()["c"].to_numpy()
    except Exception as exc:  # a user-written rule that DuckDB cannot parse
        raise ConfigError(f"a phase rule could not be evaluated: {exc}; rules may use {list(FACT_COLUMNS)}") from None
    finally:
        con.close()
    out = facts.copy()
    out.insert(0, "phase", pd.Categorical.from_codes(codes, dtype=phase_categorical([], table["phase"]).dtype))
    out["segment"] = segment_categorical(out["segment"], smap)
    how = ""
    if status:
        st, how = _status(facts, shop, at, value, recency_days, thresholds)
        out = out.join(st)
    if involvement and ensure_levels(shop):
        lv = shop.sql("SELECT customer_id AS person_id, level FROM _jl_customer_level").set_index("person_id")["level"]
        out["involvement"] = lv.reindex(out.index)
        if shop.has("events"):
            from journeylab.journey.levels import ensure_user_levels
            ensure_user_levels(shop)
            ul = shop.sql("SELECT user_id AS person_id, level FROM _jl_user_level").set_index("person_id")["level"]
            out["involvement"] = out["involvement"].fillna(ul.reindex(out.index))
        out["involvement"] = involvement_categorical(out["involvement"])
    notes, early = [], []
    if not shop.has("events"):
        early = [p for p, n in zip(table["phase"], table["needs"]) if n == "events"]
        notes.append(t("note_orders_only_phases").format(phases=", ".join(early)))
    # status_rule, note: English sentences of journeylab.i18n for an analyst reading the frame; a report says
    # it in its language from ``needs_events`` (phase ids)
    shown = AttrFrame(table)
    shown.attrs = copy.deepcopy(table.attrs)
    out.attrs.update(rules=shown, model=table.attrs.get("model", model), at=at, status_rule=how, note="; ".join(notes),
                     needs_events=early)
    return out


def phase_counts(phases: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Persons per phase (rows, journey order) and, with ``by`` (e.g. "status", "involvement"), per group."""
    if by is None:
        return phases["phase"].value_counts(sort=False).rename("persons").to_frame()
    col = phases[by]
    if col.isna().any():  # persons of no group are counted, in a column of their own at the end
        col = (col.cat.add_categories("(unknown)") if isinstance(col.dtype, pd.CategoricalDtype)
               else col.astype(object)).fillna("(unknown)")
    return pd.crosstab(phases["phase"], col).reindex(phases["phase"].cat.categories,
                                                                                 fill_value=0)


# ---------------------------------------------------------------- flows and cohorts
NOT_SEEN = "not_yet_seen"  # a phase id (journeylab.i18n.PHASES)


def phase_flows(shop: "Shop", dates: Sequence[Any], model: str = "five",
                rules: pd.DataFrame | Mapping[str, str] | None = None,
                segment_map: str | Path | Mapping | SegmentMap | None = None) -> dict[str, Any]:
    """Phases at two or more dates and the flows between consecutive dates (data for a Sankey plot).

    Returns a dict: ``counts`` (DataFrame: phases incl. NOT_SEEN x dates, persons),
    ``transitions`` (list of DataFrames, one per consecutive pair: rows phase at the earlier date,
    columns phase at the later date, persons), ``dates``, ``rules``. ``segment_map`` as in journey_phases.
    """
    if len(dates) < 2:
        raise ValueError("phase flows need at least two dates")
    dates = sorted(pd.Timestamp(d) for d in dates)
    smap = segment_map if isinstance(segment_map, SegmentMap) else load_segment_map(segment_map)
    snaps = [journey_phases(shop, at=d, model=model, rules=rules, status=False, involvement=False, segment_map=smap)
             for d in dates]
    order = [NOT_SEEN] + list(snaps[0]["phase"].cat.categories)
    everyone = snaps[-1].index
    for s in snaps[:-1]:
        everyone = everyone.union(s.index)
    states = [s["phase"].astype(object).reindex(everyone).fillna(NOT_SEEN) for s in snaps]
    counts = pd.DataFrame({d: st.value_counts().reindex(order, fill_value=0) for d, st in zip(dates, states)})
    trans = [pd.crosstab(a.rename("from"), b.rename("to")).reindex(index=order, columns=order, fill_value=0)
             for a, b in zip(states[:-1], states[1:])]
    return {"counts": counts, "transitions": trans, "dates": dates, "rules": snaps[0].attrs["rules"]}


def transition_matrix(flow: pd.DataFrame) -> pd.DataFrame:
    """Row-normalised transitions: the share of each earlier phase that is in each later phase."""
    return flow.div(flow.sum(axis=1).replace(0, np.nan), axis=0)


def cohort_retention(shop: "Shop", max_months: int = 24) -> pd.DataFrame:
    """Monthly cohort retention: rows = month of first order (cohort), columns = months since the first
    order (0..max_months), values = share of the cohort's customers with an order in that month.
    ``attrs["sizes"]`` holds the customers per cohort."""
    d = shop.dialect
    df = shop.sql(f"""
        WITH o AS (SELECT customer_id, date_trunc('month', ordered_at) AS m FROM orders),
             f AS (SELECT customer_id, min(m) AS cohort FROM o GROUP BY 1),
             a AS (SELECT DISTINCT o.customer_id, f.cohort, {d.months_between("o.m", "f.cohort")} AS k
                   FROM o JOIN f USING (customer_id))
        SELECT cohort, k, count(*) AS customers FROM a WHERE k <= {int(max_months)} GROUP BY 1, 2""")
    if df.empty:
        raise DataError("no_cohort_orders", table="orders")
    tab = df.pivot(index="cohort", columns="k", values="customers").sort_index()
    sizes = tab[0]
    out = tab.div(sizes, axis=0)
    # months that lie after the observation end are unknown, not zero
    obs = pd.Timestamp(shop.observation_end).to_period("M")
    for cohort in out.index:
        age = (obs - pd.Timestamp(cohort).to_period("M")).n
        out.loc[cohort, [k for k in out.columns if k > age]] = np.nan
        out.loc[cohort, [k for k in out.columns if k <= age]] = out.loc[cohort, [k for k in out.columns if k <= age]].fillna(0.0)
    out.index = pd.DatetimeIndex(out.index).strftime("%Y-%m")
    out.index.name, out.columns.name = "cohort", "months_since_first_order"
    out.attrs["sizes"] = AttrSeries(sizes.set_axis(out.index))
    return out
