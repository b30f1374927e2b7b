"""Funnels and consideration metrics, computed in the shop's engine (DuckDB, or Spark for a SparkShop) on
the events table, by one SQL builder for both (journeylab.data.dialect); only the result tables reach pandas.

Funnel definitions (``funnel``):
- A step is an event type (``"add_to_cart"``) or a named SQL condition on the events table
  (``{"reviews page": "page_type = 'research_reviews'"}``); default steps are
  product_view -> add_to_cart -> begin_checkout -> purchase, of which a step whose event type the
  shop never logs is left out (a shop without checkout events would otherwise show no purchase at all);
  the result's ``notes`` say which. Steps given explicitly are always kept.
- Unit: a session (``by="session"``) or a person (``by="person"``: the events user).
- Closed funnel: a unit enters at its first step-1 event; step k counts if a step-k event follows the
  step k-1 event it reached (at or after it) within ``window`` of entering. Step conversion is reached(k)
  / reached(k-1); time between steps is measured between those events (minutes).
- Open funnel: a unit counts at step k if it has any step-k event, in any order, without a window;
  step conversion can then exceed 1 (e.g. purchases without a logged cart).
- Breakdowns: ``breakdown="channel" | "device" | "involvement"``: the channel / device of the entering
  event, the involvement level of the product viewed at entry (the person's level for steps without
  a product). A shop without products with categories has no involvement level: the funnel is then
  one group "all", as in journeylab.journey.attribution, and ``notes`` says so.

Consideration (``consideration``): per person with a purchase event, from the first visit and from the
first product view to the first purchase: days and sessions (the purchase session included), the number
of touchpoints (sessions) and distinct channels on the path, and research-page views before the purchase.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping, Sequence

import pandas as pd

from journeylab.data.conventions import PERSON_ID, involvement_categorical
from journeylab.display_repr import Shown, View, number, percent
from journeylab.errors import ConfigError
from journeylab.i18n import t
from journeylab.journey.levels import columns, ensure_sessions, ensure_user_levels, ensure_user_map, require_events

if TYPE_CHECKING:
    from journeylab.data.dialect import Dialect
    from journeylab.data.shop import Shop

DEFAULT_STEPS = ("product_view", "add_to_cart", "begin_checkout", "purchase")
BREAKDOWNS = ("channel", "device", "involvement")


@dataclass(repr=False)
class FunnelResult(Shown):
    """``table``: one row per (group, step): step, units (reached), step_conversion, overall_conversion,
    drop_off (units lost after this step), median_minutes / p75_minutes (from the previous step);
    ``next_after_drop_off``: per step, the event that came next for units that stopped there (closed
    funnels); ``definition``: the steps as SQL, unit, window, kind."""

    table: pd.DataFrame
    next_after_drop_off: pd.DataFrame | None
    definition: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def conversion(self, group: str | None = None) -> float:
        """Overall conversion from the first to the last step (of one breakdown group, or all units)."""
        t = self.table if group is None else self.table[self.table["group"] == group]
        t = t.groupby("step", sort=False)["units"].sum()
        return float(t.iloc[-1] / t.iloc[0]) if t.iloc[0] else float("nan")

    def _view(self) -> View:
        """Steps with units and conversions over all units (median minutes where there is one group), the
        overall conversion of the five largest breakdown groups, and the notes."""
        a = self.definition.attrs
        kind, unit, window, breakdown = a.get("kind", ""), a.get("unit", ""), a.get("window"), a.get("breakdown")
        title = f"FunnelResult: {kind} funnel of {unit}s, {len(self.definition)} steps"
        if kind == "closed":
            title += f", window {window}" if window is not None else ", no window"
        groups = list(dict.fromkeys(self.table["group"])) if len(self.table) else []
        if breakdown:
            title += f", by {breakdown} ({len(groups)} groups)"
        view = View(title)
        if not len(self.table):
            return view.value("units", "none entered the funnel")
        steps = self.table.groupby("step_no", sort=True).agg(step=("step", "first"), units=("units", "sum"))
        units = steps["units"].to_numpy()
        one = len(groups) == 1
        rows = []
        for k, (step_no, r) in enumerate(steps.iterrows()):
            conv = units[k] / units[k - 1] if k and units[k - 1] else float("nan") if k else 1.0
            row = [r["step"], number(int(r["units"])), percent(conv) if k else "",
                   percent(units[k] / units[0]) if units[0] else "–"]
            if one and kind == "closed":
                med = self.table.loc[self.table["step_no"] == step_no, "median_minutes"].iloc[0]
                row.append(number(med, 3) if k else "")
            rows.append(row)
        header = ["step", "units", "step conversion", "overall"] + (["median minutes"] if one and kind == "closed" else [])
        view.table(header, rows)
        if len(groups) > 1:
            first = self.table[self.table["step_no"] == self.table["step_no"].min()].set_index("group")["units"]
            top = first.sort_values(ascending=False, kind="stable").index[:5]
            shown = ", ".join(f"{g} {percent(self.conversion(g))} of {number(int(first[g]))}" for g in top)
            more = f" (+ {len(groups) - len(top)} more)" if len(groups) > len(top) else ""
            view.value("overall conversion by group", shown + more)
        for n in self.notes:
            view.note(n)
        return view


def _steps(steps: Sequence[str] | Mapping[str, str], dialect: Dialect) -> list[tuple[str, str]]:
    if isinstance(steps, Mapping):
        out = list(steps.items())
    else:
        out = [(s, f"event_type = {dialect.string(s)}") for s in steps]
    if len(out) < 2:
        raise ConfigError("a funnel needs at least two steps")
    return out


def _window_seconds(window: str | float | None) -> float | None:
    if window is None:
        return None
    if isinstance(window, (int, float)):
        return float(window) * 86400.0
    return pd.Timedelta(window).total_seconds()


def _group_expr(shop: "Shop", breakdown: str | None) -> tuple[str, str]:
    """SQL for the group of an event, and the join it needs."""
    if breakdown is None:
        return "'all'", ""
    if breakdown not in BREAKDOWNS:
        raise ConfigError(f"breakdown must be one of {BREAKDOWNS} or None, not {breakdown!r}")
    cols = columns(shop, "events")
    if breakdown in ("channel", "device"):
        if breakdown not in cols:
            raise ConfigError(f"this shop's events have no {breakdown} column, so no breakdown by {breakdown}")
        return f"coalesce(e.{breakdown}, '(unknown)')", ""
    if not ensure_user_levels(shop):
        return "'all'", ""
    if "product_id" in cols:
        return ("coalesce(pl.level, ul.level, '(unknown)')",
                "LEFT JOIN _jl_product_level pl ON pl.product_id = e.product_id "
                "LEFT JOIN _jl_user_level ul ON ul.user_id = e.user_id")
    return "coalesce(ul.level, '(unknown)')", "LEFT JOIN _jl_user_level ul ON ul.user_id = e.user_id"


def funnel(shop: "Shop", steps: Sequence[str] | Mapping[str, str] | None = None, by: str = "session",
           kind: str = "closed", window: str | float | None = "30D", breakdown: str | None = None,
           next_event: bool = True) -> FunnelResult:
    """Funnel over ``steps`` counted per ``by`` ("session" or "person"), ``kind`` "closed" or "open".

    ``steps=None``: the default steps (DEFAULT_STEPS) the shop's events have. ``window``: maximum time
    from entering to the last step of a closed funnel (pandas timedelta string, or days as a number;
    None = no limit). See the module docstring for the definitions.
    """
    require_events(shop, "a funnel")
    if by not in ("session", "person"):
        raise ConfigError(f"by must be 'session' or 'person', not {by!r}")
    if kind not in ("closed", "open"):
        raise ConfigError(f"kind must be 'closed' or 'open', not {kind!r}")
    notes: list[str] = []  # English sentences of journeylab.i18n, for the analyst (a report does not show them)
    if steps is None:
        steps, missing = default_steps(shop)
        if missing:
            notes.append(t("note_funnel_steps_missing").format(steps=", ".join(missing)))
    if breakdown == "involvement" and not ensure_user_levels(shop):
        notes.append(t("note_funnel_no_levels"))
    st = _steps(steps, shop.dialect)
    unit = "e.session_id" if by == "session" else "e.user_id"
    grp, join = _group_expr(shop, breakdown)
    case = " ".join(f"WHEN {cond} THEN {i + 1}" for i, (_, cond) in enumerate(st))
    anystep = " OR ".join(f"({c})" for _, c in st)
    n = len(st)
    base = f"""SELECT {unit} AS unit, e.ts, CASE {case} END AS step, {grp} AS grp
               FROM events e {join} WHERE {anystep.replace('event_type', 'e.event_type')}"""
    w = _window_seconds(window)
    d = shop.dialect
    if kind == "open":
        aggs = ", ".join(f"bool_or(step = {k}) AS s{k}" for k in range(1, n + 1))
        sums = ", ".join(f"count(*) FILTER (WHERE s{k}) AS r{k}" for k in range(1, n + 1))
        res = shop.sql(f"""WITH b AS ({base}), u AS (SELECT unit, min_by(grp, ts) AS grp, {aggs} FROM b GROUP BY unit)
                           SELECT grp, {sums} FROM u GROUP BY grp""")
        times = None
    else:
        keep = ", ".join(["unit", "grp"] + [f"t{k}" for k in range(1, n + 1)])
        _closed_funnel(shop, base, n, w, keep)
        sums = ", ".join(f"count(t{k}) AS r{k}" for k in range(1, n + 1))
        q = ", ".join(f"{d.quantile(d.seconds_between(f't{k}', f't{k - 1}') + ' / 60.0', 0.5)} AS med{k}, "
                      f"{d.quantile(d.seconds_between(f't{k}', f't{k - 1}') + ' / 60.0', 0.75)} AS p75{k}"
                      for k in range(2, n + 1))
        res = shop.sql(f"SELECT grp, {sums}, {q} FROM _jl_funnel GROUP BY grp")
        times = res
    rows = []
    for r in res.itertuples(index=False):  # groups x steps: a small table
        d = r._asdict()
        for k in range(1, n + 1):
            reached, prev, first = d[f"r{k}"], d[f"r{k - 1}"] if k > 1 else d["r1"], d["r1"]
            nxt = d[f"r{k + 1}"] if k < n else None
            rows.append({
                "group": d["grp"], "step": st[k - 1][0], "step_no": k, "units": int(reached),
                "step_conversion": reached / prev if prev else float("nan"),
                "overall_conversion": reached / first if first else float("nan"),
                "drop_off": int(reached - nxt) if nxt is not None else 0,
                "median_minutes": d.get(f"med{k}") if times is not None and k > 1 else float("nan"),
                "p75_minutes": d.get(f"p75{k}") if times is not None and k > 1 else float("nan"),
            })
    table = pd.DataFrame(rows).sort_values(["group", "step_no"], ignore_index=True)
    nxt = _next_events(shop, by, st) if kind == "closed" and next_event else None
    definition = pd.DataFrame({"step": [s for s, _ in st], "condition": [c for _, c in st]})
    definition.attrs.update(unit=by, kind=kind, window=window, breakdown=breakdown)
    return FunnelResult(table, nxt, definition, notes)


def default_steps(shop: "Shop") -> tuple[list[str], list[str]]:
    """(steps, left out): the DEFAULT_STEPS whose event type occurs in the shop's events, and those that do
    not. The first and last step (product view, purchase) are always kept, so a funnel has two steps."""
    listed = ", ".join(shop.dialect.string(s) for s in DEFAULT_STEPS)
    present = set(shop.sql(f"SELECT DISTINCT event_type FROM events WHERE event_type IN ({listed})")["event_type"])
    keep = [s for i, s in enumerate(DEFAULT_STEPS) if s in present or i in (0, len(DEFAULT_STEPS) - 1)]
    return keep, [s for s in DEFAULT_STEPS if s not in keep]


def _closed_funnel(shop: "Shop", base: str, n: int, w: float | None, keep: str) -> None:
    """Create work table ``_jl_funnel`` (unit, grp, t1..tn): the time each unit reached each step of a closed funnel.

    t_k is the first step-k event at or after t_(k-1) and within the window of t1. Per unit and step, the
    first and last step-k times decide that in almost every unit: if the first is at or after t_(k-1) it
    is t_k; if the last is before t_(k-1) there is none. Only units where step-k events fall on both sides
    of t_(k-1) need all their step-k times; those few get the exact list computation. This avoids building
    a list of times for every unit (the lists made the aggregation ~3x slower on 50M events)."""
    d = shop.dialect
    within = (lambda t: f" AND {t} <= {d.plus_seconds('t1', w)}") if w is not None else (lambda t: "")
    head = "SELECT unit, min_by(grp, ts) FILTER (WHERE step = 1) AS grp, min(ts) FILTER (WHERE step = 1) AS t1"
    having = "GROUP BY unit HAVING min(ts) FILTER (WHERE step = 1) IS NOT NULL"
    bounds = ", ".join(f"min(ts) FILTER (WHERE step = {k}) AS m{k}, max(ts) FILTER (WHERE step = {k}) AS x{k}"
                       for k in range(2, n + 1))
    # a1 .. an: whether the unit is ambiguous at some step up to k (then it takes the exact path)
    fast = f"SELECT *, false AS a1 FROM ({head}, {bounds} FROM ({base}) b {having}) f1"
    for k in range(2, n + 1):
        amb = f"(a{k - 1} OR coalesce(m{k} < t{k - 1} AND x{k} >= t{k - 1}, false))"
        fast = f"""SELECT *, {amb} AS a{k},
                          CASE WHEN NOT {amb} AND m{k} >= t{k - 1}{within(f"m{k}")} THEN m{k} END AS t{k}
                   FROM ({fast}) f{k}"""
    shop.create_work("_jl_funnel_fast", f"SELECT {keep}, a{n} AS _amb FROM ({fast}) ff")
    lists = ", ".join(f"{d.collect_list('ts', f'step = {k}')} AS l{k}" for k in range(2, n + 1))
    slow = f"""{head}, {lists} FROM ({base}) b WHERE b.unit IN (SELECT unit FROM _jl_funnel_fast WHERE _amb) {having}"""
    for k in range(2, n + 1):
        slow = f"""SELECT *, {d.list_min_where(f"l{k}", "x", f"x >= t{k - 1}" + within("x"))} AS t{k} FROM ({slow}) s{k}"""
    shop.create_work("_jl_funnel", f"""SELECT {keep} FROM _jl_funnel_fast WHERE NOT _amb
                                      UNION ALL SELECT {keep} FROM ({slow}) sl""")
    if d.name == "duckdb":  # Spark's _jl_funnel is computed lazily from it
        shop.drop_work("_jl_funnel_fast")


def _next_events(shop: "Shop", by: str, st: list[tuple[str, str]]) -> pd.DataFrame:
    """For units that stopped after step k (k < last): counts of the next event type, "(left)" if none."""
    n = len(st)
    key = "session_id" if by == "session" else "user_id"
    stop = " ".join(f"WHEN t{k} IS NOT NULL AND t{k + 1} IS NULL THEN {k}" for k in range(1, n))
    at = " ".join(f"WHEN {k} THEN t{k}" for k in range(1, n))
    df = shop.sql(f"""
        WITH d AS (SELECT unit, k, CASE k {at} END AS t FROM
                     (SELECT *, CASE {stop} END AS k FROM _jl_funnel) f WHERE k IS NOT NULL),
             nx AS (SELECT d.unit, d.k, min_by(e.event_type, e.ts) AS next_event
                    FROM d LEFT JOIN events e ON e.{key} = d.unit AND e.ts > d.t GROUP BY d.unit, d.k)
        SELECT k, coalesce(next_event, '(left)') AS next_event, count(*) AS units FROM nx GROUP BY 1, 2""")
    df["stopped_after"] = [st[k - 1][0] for k in df["k"]]
    df["share"] = df["units"] / df.groupby("k")["units"].transform("sum")
    return df.sort_values(["k", "units"], ascending=[True, False])[["stopped_after", "next_event", "units", "share"]] \
        .reset_index(drop=True)


def consideration(shop: "Shop") -> pd.DataFrame:
    """Per person with a purchase event (index ``person_id``: the customer_id where the events link the user to
    a customer, else the events user_id, as in journey_phases; a customer's sessions under several user ids
    are one path): customer_id, involvement (when the shop has products; ordered categorical low, high, the
    level of the person's first session's user), first_visit_at, first_product_view_at, first_purchase_at,
    days_from_first_visit, sessions_from_first_visit, days_from_first_product_view,
    sessions_from_first_product_view (days; sessions include the purchase session), touchpoints (sessions),
    channels (distinct), research_views (research and compare pages before the purchase), first_channel,
    purchase_channel."""
    out = shop.sql(consideration_sql(shop)).set_index(PERSON_ID)
    if "involvement" in out:
        out["involvement"] = involvement_categorical(out["involvement"])
    return out


def consideration_sql(shop: "Shop") -> str:
    """The query behind :func:`consideration` (column person_id plus the metrics; involvement as text), for the
    shop's engine; it builds the work tables it reads first. journeylab.spark.consideration_df keeps its result
    in Spark."""
    require_events(shop, "consideration metrics")
    d = shop.dialect
    s = ensure_sessions(shop)  # first: the user map and the first product views come from the sessions
    ensure_user_map(shop)
    has_levels = ensure_user_levels(shop)
    lvl_join = "LEFT JOIN _jl_user_level ul USING (user_id)" if has_levels else ""
    lvl = "ul.level" if has_levels else "CAST(NULL AS STRING)"
    lvl_out = "a.involvement," if has_levels else ""
    return f"""
        WITH ps AS (SELECT s.*, coalesce(m.customer_id, s.user_id) AS person_id, m.customer_id AS person_customer,
                           {lvl} AS person_level
                    FROM {s} s LEFT JOIN _jl_user_map m USING (user_id) {lvl_join}),
             fp AS (SELECT person_id, min(first_purchase_ts) AS tp FROM ps WHERE has_purchase GROUP BY person_id),
             pre AS (SELECT s.*, fp.tp FROM ps s JOIN fp USING (person_id) WHERE s.started_at <= fp.tp),
             pv AS (SELECT person_id, min(started_at) FILTER (WHERE n_product_views > 0) AS pv_session FROM pre GROUP BY 1),
             agg AS (
               SELECT p.person_id, max(p.person_customer) AS customer_id,
                      min_by(p.person_level, p.started_at) AS involvement,
                      min(p.started_at) AS first_visit_at, any_value(p.tp) AS first_purchase_at,
                      any_value(v.pv_session) AS pv_session,
                      count(*) AS sessions_from_first_visit,
                      count(*) FILTER (WHERE p.started_at >= v.pv_session) AS sessions_from_first_product_view,
                      count(DISTINCT p.channel) AS channels, sum(p.n_research) AS research_views,
                      min_by(p.channel, p.started_at) AS first_channel, max_by(p.channel, p.started_at) AS purchase_channel
               FROM pre p JOIN pv v USING (person_id) GROUP BY p.person_id),
             fpv AS (SELECT person_id, min(first_product_view_ts) FILTER (WHERE first_product_view_ts <= tp)
                            AS first_product_view_at FROM pre GROUP BY 1)
        SELECT a.person_id, a.customer_id, {lvl_out} a.first_visit_at, f.first_product_view_at, a.first_purchase_at,
               {d.seconds_between("a.first_purchase_at", "a.first_visit_at")} / 86400.0 AS days_from_first_visit,
               a.sessions_from_first_visit,
               {d.seconds_between("a.first_purchase_at", "f.first_product_view_at")} / 86400.0 AS days_from_first_product_view,
               CASE WHEN a.pv_session IS NULL THEN NULL ELSE a.sessions_from_first_product_view END
                   AS sessions_from_first_product_view,
               a.sessions_from_first_visit AS touchpoints, a.channels, a.research_views,
               a.first_channel, a.purchase_channel
        FROM agg a LEFT JOIN fpv f USING (person_id)"""


CONSIDERATION_METRICS = ("days_from_first_visit", "sessions_from_first_visit", "days_from_first_product_view",
                         "sessions_from_first_product_view", "touchpoints", "channels", "research_views")
CONSIDERATION_STATS = ("median", "mean", "p75")


def consideration_summary(cons: pd.DataFrame, by: str | None = "involvement") -> pd.DataFrame:
    """Medians, means and P75 of the consideration metrics, per ``by`` group (or overall): column
    ``persons`` and one column ``<metric>_<stat>`` per metric of CONSIDERATION_METRICS and statistic of
    CONSIDERATION_STATS."""
    metrics = list(CONSIDERATION_METRICS)
    g = cons.groupby(by) if by and by in cons else cons.assign(_all="all").groupby("_all")
    out = g[metrics].agg(["median", "mean", lambda x: x.quantile(0.75)])
    out.columns = [f"{m}_{'p75' if s == '<lambda_0>' else s}" for m, s in out.columns]
    out.insert(0, "persons", g.size())
    return out
