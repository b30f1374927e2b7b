"""Low- vs high-involvement: classification, the side-by-side comparison with uncertainty, and KPIs per phase.

``classify_involvement`` (from journeylab.journey.levels) gives each category a level with its evidence.
A person's level is the level of their first order (the order's level is the level of the products
carrying most of its value); a visitor without an order gets the level of the products viewed most.

``compare_involvement`` returns one row per metric with low and high side by side, each with a
percentile-bootstrap 95% interval (resampling persons, sessions or orders, whichever the metric is
measured on; above ``NORMAL_ABOVE`` units x draws the bootstrap of a mean is replaced by its normal
approximation, which is then indistinguishable) and a test of the difference: Mann-Whitney U for
continuous metrics, chi-square (2x2) for shares.

Figures from the purchase and spend models (churn risk, share lost, share "too early to tell",
expected purchases, CLV) come from the shop's value model (journeylab.journey.value: each level's model chosen
on its own holdout and judged). Their intervals and p-values come from resampling customers and
refitting the level's model each time (``n_boot_model`` draws), so they include the model's
uncertainty; a test on the model's outputs as if they were data would not. A level whose model does not
identify dropout has no churn risk (NaN: the data cannot tell), and its silent customers are "too early
to tell" rather than lost.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd

from journeylab.data.conventions import phase_categorical
from journeylab.errors import ModelError
from journeylab.journey.funnel import consideration
from journeylab.journey.phases import journey_phases
from journeylab.journey.levels import classify_involvement, ensure_levels, ensure_sessions, ensure_user_levels
from journeylab.models.summary import customer_summary

if TYPE_CHECKING:
    from journeylab.data.shop import Shop

__all__ = ["classify_involvement", "compare_involvement", "phase_kpis", "involvement_data"]

LEVELS = ("low", "high")
NORMAL_ABOVE = 20_000_000
COMPARE_COLUMNS = ["phase", "metric", "param", "unit", "low", "low_lower", "low_upper", "high", "high_lower", "high_upper",
                   "difference", "diff_lower", "diff_upper", "ratio", "ratio_lower", "ratio_upper", "test", "p_value",
                   "n_low", "n_high"]


def _ratio(low: float, high: float, bl: Any, bh: Any, q: list[float]) -> dict[str, float]:
    """high / low with the percentile interval of the draws' ratios (the two levels' draws are independent);
    NaN where low is not positive, and no interval where a draw of low is not (the ratio is not defined)."""
    bl, bh = np.asarray(bl, dtype=float), np.asarray(bh, dtype=float)
    ok = np.isfinite(bl) & np.isfinite(bh)
    if not (np.isfinite(low) and np.isfinite(high) and low > 0):
        return {"ratio": np.nan, "ratio_lower": np.nan, "ratio_upper": np.nan}
    if ok.sum() < 10 or (bl[ok] <= 0).any():
        return {"ratio": high / low, "ratio_lower": np.nan, "ratio_upper": np.nan}
    r = bh[ok] / bl[ok]
    return {"ratio": high / low, "ratio_lower": float(np.quantile(r, q[0])), "ratio_upper": float(np.quantile(r, q[1]))}


# ---------------------------------------------------------------- data per level
def involvement_data(shop: "Shop", horizon_months: float = 12, value: Any = None) -> dict[str, Any]:
    """The per-unit tables the comparison and the KPIs are computed from, each with a ``level`` column:
    customers (summary + level, repeat, inter-purchase days, reviewed, categories, days_to_second_order,
    and from the value model p_alive, churn_risk, expected_purchases, CLV and status), orders (revenue,
    level of the order), and with events: consideration (per converting person), sessions (per
    session), visitors (per person: first channel, sessions); ``value``: the journeylab.journey.value.ShopValue
    used (pass one to reuse it)."""
    if not ensure_levels(shop):
        raise ModelError("no_involvement_levels")
    out: dict[str, pd.DataFrame] = {}
    summ = customer_summary(shop)
    lv = shop.sql("SELECT customer_id, level FROM _jl_customer_level").set_index("customer_id")["level"]
    cust = summ.join(lv.rename("level"))
    cust["repeat"] = (cust["n_orders"] >= 2).astype(float)
    cust["interpurchase_days"] = (cust["recency"] / cust["frequency"]).where(cust["frequency"] > 0)
    d = shop.dialect
    second = d.seconds_between("max(ordered_at) FILTER (WHERE k = 2)", "min(ordered_at)")
    extra = shop.sql(f"""
        WITH o AS (SELECT customer_id, ordered_at, row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at) AS k
                   FROM orders)
        SELECT customer_id, {second} / 86400.0 AS days_to_second_order
        FROM o GROUP BY 1""").set_index("customer_id")
    cust = cust.join(extra)
    if shop.has("order_lines") and shop.has("products"):
        nc = shop.sql("""SELECT o.customer_id, count(DISTINCT p.category) AS n_categories FROM orders o
                         JOIN order_lines USING (order_id) JOIN products p USING (product_id) GROUP BY 1""")
        cust = cust.join(nc.set_index("customer_id"))
        cust["cross_category"] = (cust["n_categories"].fillna(1) >= 2).astype(float)
    if shop.has("reviews"):
        rv = shop.sql("SELECT customer_id, count(*) AS n_reviews, avg(rating) AS mean_rating FROM reviews GROUP BY 1")
        cust = cust.join(rv.set_index("customer_id"))
        cust["reviewed"] = (cust["n_reviews"].fillna(0) > 0).astype(float)
    from journeylab.journey.value import shop_value

    value = value if value is not None else shop_value(shop, horizon_months=horizon_months, by="involvement")
    pred = value.predictions
    for c in ("p_alive", "churn_risk", "expected_purchases", "clv", "status"):
        cust[c] = pred[c].reindex(cust.index)
    out["value"] = value  # type: ignore[assignment]
    out["customers"] = cust
    # Every table is put in a fixed row order: the bootstrap draws row positions, so rows in the engine's
    # (parallel, varying) order would give other intervals each time the same report is made.
    out["orders"] = shop.sql("""SELECT o.order_id, o.customer_id, o.revenue, l.level FROM orders o
                                JOIN _jl_order_level l USING (order_id)""").sort_values("order_id", ignore_index=True)
    if shop.has("events"):
        out["consideration"] = consideration(shop).rename(columns={"involvement": "level"}).sort_index()
        ensure_user_levels(shop)
        s = ensure_sessions(shop)
        out["sessions"] = shop.sql(f"""
            SELECT s.session_id, s.user_id, ul.level, s.channel, s.n_product_views, s.has_cart, s.has_checkout,
                   s.has_purchase, s.started_at
            FROM {s} s LEFT JOIN _jl_user_level ul USING (user_id)""").sort_values(["user_id", "session_id"],
                                                                            ignore_index=True)
        # per person in the engine, from the sessions table (13.5M sessions at 50M events), not in pandas
        v = shop.sql(f"""
            SELECT s.user_id, any_value(ul.level) AS level, count(*) AS sessions, bool_or(s.has_purchase) AS bought,
                   min_by(s.channel, s.started_at) AS first_channel
            FROM {s} s LEFT JOIN _jl_user_level ul USING (user_id) GROUP BY s.user_id""").set_index("user_id").sort_index()
        v["return_visit"] = (v["sessions"] >= 2).astype(float)
        v["converted"] = v["bought"].astype(float)
        out["visitors"] = v
    return out


# ---------------------------------------------------------------- statistics
def _boot_mean(x: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    n = len(x)
    if n == 0:
        return np.full(n_boot, np.nan)
    if n * n_boot > NORMAL_ABOVE:
        return rng.normal(x.mean(), x.std(ddof=1) / np.sqrt(n) if n > 1 else 0.0, n_boot)
    step = max(1, 2_000_000 // n)
    return np.concatenate([x[rng.integers(0, n, (min(step, n_boot - i), n))].mean(axis=1)
                           for i in range(0, n_boot, step)])


def _row(phase: str, metric: str, param: str, unit: str, lo: np.ndarray, hi: np.ndarray, kind: str,
         n_boot: int, rng: np.random.Generator, alpha: float) -> dict[str, Any]:
    from scipy import stats  # 0.6 s to import: only where it is used
    lo, hi = lo[~np.isnan(lo)], hi[~np.isnan(hi)]
    bl, bh = _boot_mean(lo, n_boot, rng), _boot_mean(hi, n_boot, rng)
    q = [alpha / 2, 1 - alpha / 2]
    p, test = np.nan, ""
    if len(lo) and len(hi):
        if kind == "share":
            tab = np.array([[lo.sum(), len(lo) - lo.sum()], [hi.sum(), len(hi) - hi.sum()]])
            test = "chi_square"
            if (tab.sum(axis=0) > 0).all():
                p = float(stats.chi2_contingency(tab)[1])
        else:
            test = "mann_whitney_u"
            if np.ptp(np.concatenate([lo, hi])) > 0:
                p = float(stats.mannwhitneyu(lo, hi).pvalue)
    mean = lambda a: float(a.mean()) if len(a) else np.nan  # noqa: E731
    return {"phase": phase, "metric": metric, "param": param, "unit": unit,
            "low": mean(lo), "low_lower": np.nanquantile(bl, q[0]) if len(lo) else np.nan,
            "low_upper": np.nanquantile(bl, q[1]) if len(lo) else np.nan,
            "high": mean(hi), "high_lower": np.nanquantile(bh, q[0]) if len(hi) else np.nan,
            "high_upper": np.nanquantile(bh, q[1]) if len(hi) else np.nan,
            "difference": mean(hi) - mean(lo),
            "diff_lower": np.nanquantile(bh - bl, q[0]) if len(lo) and len(hi) else np.nan,
            "diff_upper": np.nanquantile(bh - bl, q[1]) if len(lo) and len(hi) else np.nan,
            **_ratio(mean(lo), mean(hi), bl, bh, q),
            "test": test, "p_value": p, "n_low": len(lo), "n_high": len(hi)}


def _model_rows(value: Any, customers: pd.DataFrame, currency: str, n_boot: int,
                seed: int, alpha: float) -> list[dict[str, Any]]:
    """Rows of the model figures per level, with intervals from refitting on resampled customers."""
    if value is None or not all(lv in value.groups for lv in LEVELS):
        return []
    from journeylab.journey.value import FIGURES

    draws = value.bootstrap(n_boot, seed) if n_boot > 0 else pd.DataFrame(columns=["draw", "group", *FIGURES])
    q = [alpha / 2, 1 - alpha / 2]
    # a level without a usable model gets no churn or CLV figures (small sample, nothing identified)
    point = {lv: _group_point(customers[customers["level"] == lv]) if value.groups[lv].tier != "none"
             else dict.fromkeys(FIGURES, np.nan) for lv in LEVELS}
    rows = []
    # (phase, metric id = the figure's column, unit)
    metrics = [("upsell", "churn_risk", "probability"), ("upsell", "share_lost", "share"),
               ("upsell", "share_too_early", "share"), ("upsell", "expected_purchases", "purchases"),
               ("ambassador", "clv", currency)]
    by = {lv: draws[draws["group"] == lv].set_index("draw") for lv in LEVELS}
    for phase, col, unit in metrics:
        lo, hi = point["low"][col], point["high"][col]
        bl, bh = by["low"][col], by["high"][col]
        diff = (bh - bl).dropna()
        ok = np.isfinite(lo) and np.isfinite(hi) and len(diff) >= 10
        p = np.nan
        if ok:  # two-sided bootstrap p-value; never 0 with finitely many draws
            p = float(min(1.0, (2 * min((diff <= 0).sum(), (diff >= 0).sum()) + 1) / (len(diff) + 1)))
        ql = lambda b: (np.nanquantile(b.astype(float), q[0]), np.nanquantile(b.astype(float), q[1])) \
            if b.notna().sum() >= 10 else (np.nan, np.nan)  # noqa: E731
        (l0, l1), (h0, h1) = ql(bl), ql(bh)
        d0, d1 = (np.quantile(diff, q[0]), np.quantile(diff, q[1])) if ok else (np.nan, np.nan)
        rows.append({"phase": phase, "metric": col, "param": "", "unit": unit, "low": lo, "low_lower": l0, "low_upper": l1,
                     "high": hi, "high_lower": h0, "high_upper": h1, "difference": hi - lo,
                     "diff_lower": d0, "diff_upper": d1,
                     **_ratio(lo, hi, *bl.align(bh, join="inner"), q),
                     "test": "bootstrap_refit", "p_value": p,
                     "n_low": int(customers["level"].eq("low").sum()), "n_high": int(customers["level"].eq("high").sum())})
    return rows


def _group_point(c: pd.DataFrame) -> dict[str, float]:
    status = c["status"].astype(str)
    return {"churn_risk": float(c["churn_risk"].mean()) if c["churn_risk"].notna().any() else np.nan,
            "share_lost": float((status == "lost").mean()) if len(c) else np.nan,
            "share_too_early": float((status == "too_early").mean()) if len(c) else np.nan,
            "expected_purchases": float(c["expected_purchases"].mean()) if c["expected_purchases"].notna().any() else np.nan,
            "clv": float(c["clv"].mean()) if c["clv"].notna().any() else np.nan}


def compare_involvement(shop: "Shop", n_boot: int = 500, seed: int = 0, level: float = 0.95,
                        horizon_months: float = 12, data: dict[str, pd.DataFrame] | None = None,
                        n_boot_model: int = 100, value: Any = None) -> pd.DataFrame:
    """One table, low vs high involvement side by side (see the module docstring for intervals and tests).

    Rows (when the data allow), by metric id (journeylab.i18n.METRICS has their labels in every language):
    consideration_days, consideration_sessions (from the first visit), channels_before_purchase,
    research_views, product_view_conversion, cart_abandonment, checkout_abandonment, return_visit_rate,
    visitor_conversion, channel_share_first_session (awareness) and channel_share_purchase_session (``param``:
    the channel), repeat_rate, interpurchase_days, days_to_second_order, order_value (currency, per order),
    cross_category_rate, churn_risk (1 - P(alive)), share_lost, share_too_early, expected_purchases and clv
    (currency) over ``horizon_months`` (the value model's figures, ``n_boot_model`` refits), phase_share
    (``param``: the phase), review_rate.
    Columns: COMPARE_COLUMNS (difference = high - low, ratio = high / low, each with its bootstrap interval):
    ``phase`` a phase id (ordered categorical in journey order), a RangeIndex (rows are metrics), ``metric`` a metric id, ``param`` the channel or phase a metric is about ("" for none), ``unit`` a unit id (journeylab.i18n.UNITS)
    or the shop's currency code, ``test`` a test id (journeylab.i18n.TESTS; "" where there is none).
    ``attrs``: ``models`` (per level, the model used and its tier, journeylab.journey.value), level, n_boot,
    n_boot_model, seed, horizon_months (for the labels of expected_purchases and clv) and ``method``: the
    journeylab.i18n.LABELS key of the method's description.
    """
    rng = np.random.default_rng(seed)
    alpha = 1 - level
    d = data or involvement_data(shop, horizon_months, value=value)
    rows: list[dict[str, Any]] = []

    def add(phase: str, metric: str, unit: str, frame: pd.DataFrame, col: str | Callable, kind: str = "mean",
            param: str = ""):
        vals = frame[col] if isinstance(col, str) else col(frame)
        lv = frame["level"]
        rows.append(_row(phase, metric, param, unit, vals[lv == "low"].to_numpy(float),
                         vals[lv == "high"].to_numpy(float), kind, n_boot, rng, alpha))

    if "consideration" in d:
        c = d["consideration"]
        add("consideration", "consideration_days", "days", c, "days_from_first_visit")
        add("consideration", "consideration_sessions", "sessions", c, "sessions_from_first_visit")
        add("consideration", "channels_before_purchase", "channels", c, "channels")
        add("consideration", "research_views", "page_views", c, "research_views")
        s = d["sessions"]
        pv = s[s["n_product_views"] > 0]
        add("purchase", "product_view_conversion", "share", pv, "has_purchase", "share")
        cart = s[s["has_cart"]]
        add("purchase", "cart_abandonment", "share", cart, lambda f: ~f["has_purchase"], "share")
        co = s[s["has_checkout"]]
        add("purchase", "checkout_abandonment", "share", co, lambda f: ~f["has_purchase"], "share")
        v = d["visitors"]
        add("consideration", "return_visit_rate", "share", v, "return_visit", "share")
        add("purchase", "visitor_conversion", "share", v, "converted", "share")
        for ch in sorted(v["first_channel"].dropna().unique()):
            add("awareness", "channel_share_first_session", "share", v, lambda f, ch=ch: f["first_channel"] == ch,
                "share", param=str(ch))
        for ch in sorted(c["purchase_channel"].dropna().unique()):
            add("purchase", "channel_share_purchase_session", "share", c,
                lambda f, ch=ch: f["purchase_channel"] == ch, "share", param=str(ch))
    cu = d["customers"]
    add("upsell", "repeat_rate", "share", cu, "repeat", "share")
    add("upsell", "interpurchase_days", "days", cu, "interpurchase_days")
    add("upsell", "days_to_second_order", "days", cu, "days_to_second_order")
    if "cross_category" in cu:
        add("upsell", "cross_category_rate", "share", cu, "cross_category", "share")
    add("purchase", "order_value", shop.currency, d["orders"], "revenue")
    rows.extend(_model_rows(d.get("value"), cu, shop.currency, n_boot_model, seed, alpha))
    if "reviewed" in cu:
        add("ambassador", "review_rate", "share", cu, "reviewed", "share")
    ph = journey_phases(shop, status=False).sort_index()  # a fixed row order for the bootstrap
    ph = ph[ph["involvement"].notna()].rename(columns={"involvement": "level"})
    for p in ph["phase"].cat.categories:
        add(str(p), "phase_share", "share", ph, lambda f, p=p: f["phase"] == p, "share", param=str(p))
    out = pd.DataFrame(rows, columns=COMPARE_COLUMNS)
    out["phase"] = phase_categorical(out["phase"], ph["phase"].cat.categories)
    value = d.get("value")
    models = {k: {"model": g.label, "tier": g.tier, "problems": list(g.problems)} for k, g in value.groups.items()} \
        if value is not None else {}
    out.attrs.update(level=level, n_boot=n_boot, n_boot_model=n_boot_model, seed=seed, models=models,
                     horizon_months=horizon_months, method="method_compare_involvement")
    return out


# ---------------------------------------------------------------- KPIs per phase
def phase_kpis(shop: "Shop", data: dict[str, pd.DataFrame] | None = None) -> pd.DataFrame:
    """The standard metrics of each phase, per involvement level (columns low, high, all; index phase,
    kpi, param: a phase id (a level ordered in journey order), a metric id of journeylab.i18n.METRICS and the channel it is about, "" for none).

    awareness: new_visitors, channel_share_first_session (per channel); consideration:
    product_views_per_session, return_visit_rate, cart_rate (cart sessions / product-view sessions),
    research_views before the first purchase; purchase: visitor_conversion, checkout_abandonment,
    order_value (mean), payment_drop_off and delivery_drop_off (share of sessions reaching a payment /
    delivery page without purchase, where the events have such page types); upsell: repeat_rate,
    cross_category_rate, median_days_to_second_order; ambassador: review_rate, mean_rating,
    share_top_segments (RFM segments champions + loyal_customers), clv (mean, over ``attrs["horizon_months"]``).
    """
    d = data or involvement_data(shop)
    rows: list[tuple[str, str, str, pd.Series]] = []

    def kpi(phase: str, name: str, frame: pd.DataFrame, fn: Callable[[pd.DataFrame], float], param: str = ""):
        vals = {lv: fn(frame[frame["level"] == lv]) if len(frame[frame["level"] == lv]) else np.nan for lv in LEVELS}
        vals["all"] = fn(frame) if len(frame) else np.nan
        rows.append((phase, name, param, pd.Series(vals)))

    if "visitors" in d:
        v, s, c = d["visitors"], d["sessions"], d["consideration"]
        kpi("awareness", "new_visitors", v, lambda f: float(len(f)))
        for ch in v["first_channel"].value_counts().index:
            kpi("awareness", "channel_share_first_session", v,
                lambda f, ch=ch: float((f["first_channel"] == ch).mean()), param=str(ch))
        kpi("consideration", "product_views_per_session", s, lambda f: float(f["n_product_views"].mean()))
        kpi("consideration", "return_visit_rate", v, lambda f: float(f["return_visit"].mean()))
        kpi("consideration", "cart_rate", s, lambda f: float(f.loc[f["n_product_views"] > 0, "has_cart"].mean()))
        kpi("consideration", "research_views", c, lambda f: float(f["research_views"].mean()))
        kpi("purchase", "visitor_conversion", v, lambda f: float(f["converted"].mean()))
        kpi("purchase", "checkout_abandonment", s, lambda f: float((~f.loc[f["has_checkout"], "has_purchase"]).mean()))
        pages = shop.sql("SELECT DISTINCT page_type FROM events") if "page_type" in _cols(shop) else pd.DataFrame()
        q = shop.dialect.string
        for step in ("payment", "delivery"):
            if len(pages) and pages["page_type"].astype(str).str.fullmatch(f"{step}|{step}_.*|checkout_{step}").any():
                dr = shop.sql(f"""SELECT ul.level, avg(CAST(NOT bool_or(e.event_type = {q('purchase')}) AS INT)) AS r
                                  FROM events e LEFT JOIN _jl_user_level ul USING (user_id)
                                  GROUP BY e.session_id, ul.level HAVING bool_or(e.page_type LIKE {q(f'%{step}%')})""")
                kpi("purchase", f"{step}_drop_off", dr, lambda f: float(f["r"].mean()))
    o, cu = d["orders"], d["customers"]
    kpi("purchase", "order_value", o, lambda f: float(f["revenue"].mean()))
    kpi("upsell", "repeat_rate", cu, lambda f: float(f["repeat"].mean()))
    if "cross_category" in cu:
        kpi("upsell", "cross_category_rate", cu, lambda f: float(f["cross_category"].mean()))
    kpi("upsell", "median_days_to_second_order", cu, lambda f: float(f["days_to_second_order"].median()))
    if "reviewed" in cu:
        kpi("ambassador", "review_rate", cu, lambda f: float(f["reviewed"].mean()))
        kpi("ambassador", "mean_rating", cu, lambda f: float(f["mean_rating"].mean()))
    try:
        from journeylab.models.rfm import rfm_segments
        seg = rfm_segments(cu)["segment"].astype(str)
        cu2 = cu.assign(top=seg.isin(["champions", "loyal_customers"]).astype(float))
        kpi("ambassador", "share_top_segments", cu2, lambda f: float(f["top"].mean()))
    except Exception:  # noqa: BLE001 - RFM needs enough customers; the KPI is then absent, not wrong
        pass
    if cu["clv"].notna().any():
        kpi("ambassador", "clv", cu, lambda f: float(f["clv"].mean()))
    index = pd.MultiIndex.from_arrays([phase_categorical([p for p, *_ in rows]), [k for _, k, *_ in rows],
                                       [q for _, _, q, _ in rows]], names=["phase", "kpi", "param"])
    out = pd.DataFrame([r for *_, r in rows], index=index)
    value = d.get("value")
    out.attrs["horizon_months"] = getattr(value, "horizon_months", None)
    return out


def _cols(shop: "Shop") -> set[str]:
    from journeylab.journey.levels import columns
    return columns(shop, "events")
