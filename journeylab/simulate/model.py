"""The generative model for one block of persons, as numpy arrays (no ids, no strings yet).

Time is float days since the window start; the window is [0, W) with W = end - start in days.
Every block draws from its own random stream, so a shop is the same however it is chunked.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from journeylab.data.contract import CHANNELS
from journeylab.simulate.catalog import Catalog
from journeylab.simulate.params import DEVICES, SimulationParams

# Session kinds.
AWARENESS, CONSIDERATION, PURCHASE, REPEAT, EMAIL, REVIEW, REFERRAL = range(7)
SESSION_KINDS = ("awareness", "consideration", "first_purchase", "repeat_purchase", "email", "review", "referral")

# Event kinds: (event_type, page_type).
EVENT_KINDS = (
    ("email_open", "email"), ("email_click", "email"),
    ("page_view", "home"), ("page_view", "category"), ("page_view", "content"), ("page_view", "promotion"),
    ("product_view", "product"), ("compare", "compare"),
    ("page_view", "research_reviews"), ("page_view", "research_delivery"), ("page_view", "research_returns"),
    ("add_to_cart", "cart"), ("begin_checkout", "checkout"), ("purchase", "checkout"),
    ("review", "review"), ("referral", "referral"),
)
_LANDING = np.array([2, 3, 4, 5])  # home, category, content, promotion
_BROWSE_ORDER = ("product_view", "compare", "research_reviews", "research_delivery", "research_returns", "category")
_BROWSE = np.array([6, 7, 8, 9, 10, 3])
_WITH_PRODUCT = np.zeros(len(EVENT_KINDS), bool)
_WITH_PRODUCT[[6, 7, 8]] = True
_TAIL = np.array([11, 12, 13])
# Landing page weights (home, category, content, promotion) per channel, in CHANNELS order.
_LANDING_BY_CHANNEL = {
    "organic_search": (0.2, 0.5, 0.3, 0.0), "paid_search": (0.1, 0.6, 0.0, 0.3),
    "social": (0.1, 0.2, 0.5, 0.2), "email": (0.1, 0.2, 0.2, 0.5), "direct": (0.9, 0.1, 0.0, 0.0),
    "referral": (0.3, 0.3, 0.4, 0.0), "display": (0.2, 0.3, 0.1, 0.4),
}
PHASES = ("awareness", "consideration", "purchase", "repeat", "ambassador")
MAX_BROWSE = 12
SECOND = 1.0 / 86400


@dataclass
class Block:
    """Arrays of one block. Person rows: buyers first, then never-buying visitors."""

    persons: dict[str, np.ndarray]
    orders: dict[str, np.ndarray]
    lines: dict[str, np.ndarray]
    sessions: dict[str, np.ndarray]
    events: dict[str, np.ndarray]
    reviews: dict[str, np.ndarray]


def _within(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For groups of the given sizes: owner index and 0-based position of each element."""
    owner = np.repeat(np.arange(counts.size), counts)
    starts = np.cumsum(counts) - counts
    return owner, np.arange(owner.size) - starts[owner]


def _group_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at each group (groups contiguous, sizes ``counts``)."""
    cs = np.cumsum(values)
    ends = np.cumsum(counts)
    before = np.concatenate([[0.0], cs])[ends - counts]
    return cs - np.repeat(before, counts)


def _categorical(rng: np.random.Generator, probs: np.ndarray, rows: np.ndarray | None = None, n: int = 0) -> np.ndarray:
    """Draw category indices; ``probs`` is (k,) or (m, k) with ``rows`` choosing a row per draw."""
    probs = np.atleast_2d(probs)
    m, k = probs.shape
    cum = np.cumsum(probs, axis=1)
    cum = cum / cum[:, -1:]
    if rows is None:
        rows = np.zeros(n, np.int64)
    # One searchsorted over all rows: row i occupies keys (i, i + 1].
    keys = (np.arange(m)[:, None] + cum).ravel()
    idx = np.searchsorted(keys, rows + rng.random(rows.size), side="right")
    return np.minimum(idx - rows * k, k - 1)


def _per_level(params: SimulationParams, getter) -> np.ndarray:
    return np.array([getter(params.level(0)), getter(params.level(1))], dtype=float)


def simulate_block(rng: np.random.Generator, n_buyers: int, params: SimulationParams, W: float, cat: Catalog) -> Block:
    """Simulate ``n_buyers`` buyers plus their share of never-buying visitors over [0, W) days."""
    P_ = params
    lvl = lambda g: _per_level(P_, g)  # noqa: E731
    B = n_buyers
    V = int(round(B * P_.nonbuyers_per_customer))
    Pn = B + V
    share_high_b = P_.high.buyer_share / (P_.high.buyer_share + P_.low.buyer_share)
    share_high_v = P_.high.nonbuyer_share / (P_.high.nonbuyer_share + P_.low.nonbuyer_share)
    level = np.concatenate([rng.random(B) < share_high_b, rng.random(V) < share_high_v]).astype(np.int64)
    device_p = np.array([P_.device_mix[d] for d in DEVICES])
    device = _categorical(rng, device_p, n=Pn)
    first_mix = np.array([[P_.level(i).first_channel_mix[c] for c in CHANNELS] for i in (0, 1)])
    first_channel = _categorical(rng, first_mix, level)
    interest_cat = cat.pick_category(rng, level)  # buyers: category of the first order

    # --- buyers' first journey: K sessions before the purchase session, gaps between them
    lb = level[:B]
    K = lvl(lambda p: p.pre_sessions_min)[lb].astype(np.int64) + rng.poisson(lvl(lambda p: p.pre_sessions_mean)[lb])
    owner, pos = _within(K)
    gap = P_.min_gap_days + rng.exponential(lvl(lambda p: p.session_gap_days)[lb[owner]])
    D = np.bincount(owner, gap, minlength=B)
    shrink = np.minimum(1.0, 0.5 * W / np.maximum(D, 1e-12))  # a journey never spans over half the window
    gap *= shrink[owner]
    D *= shrink
    arrival_b = rng.random(B) * (W - D)
    t1 = arrival_b + D
    pre_start = arrival_b[owner] + _group_cumsum(gap, K) - gap
    aware_first = rng.random(B) < lvl(lambda p: p.awareness_first_prob)[lb]
    pre_kind = np.where((pos == 0) & aware_first[owner], AWARENESS, CONSIDERATION)
    pre_first = pos == 0

    # --- never-buying visitors: awareness sessions, maybe consideration sessions, cut at W
    lv_ = level[B:]
    n_aw = 1 + rng.poisson(P_.awareness_sessions_mean, V)
    considers = rng.random(V) < lvl(lambda p: p.consider_prob_nonbuyer)[lv_]
    n_c = considers * (1 + rng.poisson(lvl(lambda p: p.nonbuyer_consider_sessions_mean)[lv_]))
    nn = n_aw + n_c
    owner_v, pos_v = _within(nn)
    gap_v = np.where(pos_v == 0, 0.0, P_.min_gap_days + rng.exponential(lvl(lambda p: p.session_gap_days)[lv_[owner_v]]))
    arrival_v = rng.random(V) * W
    start_v = arrival_v[owner_v] + _group_cumsum(gap_v, nn)
    kind_v = np.where(pos_v < n_aw[owner_v], AWARENESS, CONSIDERATION)
    keep_v = start_v < W
    reached_consideration = np.bincount(owner_v[keep_v], kind_v[keep_v] == CONSIDERATION, minlength=V) > 0

    # --- repeat purchases: exactly BG/NBD per first-order level (weeks)
    T = (W - t1) / 7.0
    r, alpha, a, b = (lvl(lambda p, k=k: getattr(p.bgnbd, k))[lb] for k in ("r", "alpha", "a", "b"))
    lam = rng.gamma(r, 1.0 / alpha)
    pdrop = rng.beta(a, b)
    N = rng.poisson(lam * T)  # purchases on [0, T] had the customer stayed
    G = rng.geometric(pdrop)  # the repeat purchase after which the customer drops out
    x = np.minimum(N, G)
    dropped = G <= N
    owner_r, pos_r = _within(x)
    E = rng.exponential(1.0, owner_r.size)
    rest = rng.gamma(N - x + 1.0, 1.0)  # sum of the spacings after the x-th of N uniform points
    S = _group_cumsum(E, x)
    Sx = np.bincount(owner_r, E, minlength=B)
    t_rep = t1[owner_r] + 7.0 * T[owner_r] * S / (Sx + rest)[owner_r]
    last_t = t1.copy()
    has_rep = x > 0
    last_t[has_rep] = t_rep[(np.cumsum(x) - 1)[has_rep]]
    dropout_t = np.where(dropped, last_t, np.nan)

    # --- orders: first + repeats (completed), then cancelled siblings
    o_person = np.concatenate([np.arange(B), owner_r])
    o_t = np.concatenate([t1, t_rep])
    o_first = np.concatenate([np.ones(B, bool), np.zeros(owner_r.size, bool)])
    cross = rng.random(owner_r.size) < lvl(lambda p: p.crossover_prob)[lb[owner_r]]
    o_level = np.concatenate([lb, lb[owner_r] ^ cross])
    o_cat = np.where(o_first, interest_cat[o_person], cat.pick_category(rng, o_level))
    gg_q, gg_g, gg_p = (lvl(lambda p, k=k: getattr(p.gamma_gamma, k)) for k in ("q", "gamma", "p"))
    nu = rng.gamma(gg_q[None, :], 1.0 / gg_g[None, :], size=(B, 2))  # per buyer and level
    canc = rng.random(o_t.size) < P_.cancel_prob
    c_t = o_t[canc] + 0.02 + rng.exponential(1.0, int(canc.sum()))
    c_keep = c_t < W
    c_idx = np.flatnonzero(canc)[c_keep]
    o_person = np.concatenate([o_person, o_person[c_idx]])
    o_t = np.concatenate([o_t, c_t[c_keep]])
    o_first = np.concatenate([o_first, np.zeros(c_idx.size, bool)])
    o_level = np.concatenate([o_level, o_level[c_idx]])
    o_cat = np.concatenate([o_cat, o_cat[c_idx]])
    o_cancel = np.concatenate([np.zeros(o_t.size - c_idx.size, bool), np.ones(c_idx.size, bool)])
    value = rng.gamma(gg_p[o_level], 1.0 / nu[o_person, o_level])
    order_sort = np.argsort(o_t, kind="stable")
    o_person, o_t, o_first, o_level, o_cat, o_cancel, value = (
        v[order_sort] for v in (o_person, o_t, o_first, o_level, o_cat, o_cancel, value))
    O = o_t.size

    # --- order lines: high = one product priced near the value; low = a few distinct products
    n_lines = np.where(o_level == 1, 1, 1 + np.minimum(rng.poisson(P_.low.lines_mean, O), 7))
    n_lines = np.minimum(n_lines, cat.cat_size[o_cat])
    l_order, l_pos = _within(n_lines)
    l_cat = o_cat[l_order]
    first_prod = np.where(o_level == 1, cat.pick_by_price(o_cat, value), cat.pick_popular(rng, o_cat))
    off = cat.cat_offset[l_cat]
    l_prod = off + (first_prod[l_order] - off + l_pos) % cat.cat_size[l_cat]
    price = cat.product_price[l_prod]
    qty = np.where(o_level[l_order] == 1, 1.0, np.maximum(1.0, np.round(value[l_order] / n_lines[l_order] / price)))
    factor = value / np.bincount(l_order, qty * price, minlength=O)
    unit = np.round(price * factor[l_order], 2)
    unit = np.where(unit <= 0, 0.01, unit)
    revenue = np.round(np.bincount(l_order, qty * unit, minlength=O), 2)

    # --- ambassadors, reviews, referrals, emails
    amb_p = 1 - (1 - lvl(lambda p: p.ambassador_base_prob)[lb]) * (1 - P_.ambassador_per_repeat) ** x
    ambassador = rng.random(B) < amb_p
    done = np.flatnonzero(~o_cancel)
    rev_p = np.where(ambassador[o_person[done]], P_.ambassador_review_prob, lvl(lambda p: p.review_prob)[o_level[done]])
    rv_o = done[rng.random(done.size) < rev_p]
    rv_t = o_t[rv_o] + 3.0 + rng.exponential(P_.review_delay_days, rv_o.size)
    rv_o, rv_t = rv_o[rv_t < W], rv_t[rv_t < W]
    rv_person = o_person[rv_o]
    rating_p = np.array([P_.rating_probs, P_.ambassador_rating_probs])
    rating = 1 + _categorical(rng, rating_p, ambassador[rv_person].astype(np.int64))
    rv_prod = first_prod[rv_o]

    amb_idx = np.flatnonzero(ambassador)
    n_ref = rng.poisson(P_.ambassador_referrals_mean, amb_idx.size)
    ref_person = np.repeat(amb_idx, n_ref)
    ref_t = t1[ref_person] + rng.random(ref_person.size) * (W - t1[ref_person])

    subscribed = rng.random(B) < P_.email_subscribe_prob
    n_mail = rng.poisson(subscribed * (W - t1) / P_.email_interval_days)
    mail_person = np.repeat(np.arange(B), n_mail)
    mail_t = t1[mail_person] + rng.random(mail_person.size) * (W - t1[mail_person])
    alive_then = ~(mail_t > dropout_t[mail_person])  # NaN dropout -> alive
    opened = rng.random(mail_person.size) < np.where(alive_then, P_.email_open_prob_alive, P_.email_open_prob_dropped)
    mail_person, mail_t = mail_person[opened], mail_t[opened]
    clicked = rng.random(mail_person.size) < P_.email_click_prob

    # --- sessions before repeat orders (research for high involvement)
    rep_o = np.flatnonzero(~o_cancel & ~o_first)
    k_rep = rng.poisson(lvl(lambda p: p.repeat_pre_sessions_mean)[o_level[rep_o]])
    rp_owner, _ = _within(k_rep)
    rp_gap = P_.min_gap_days + rng.exponential(lvl(lambda p: p.session_gap_days)[o_level[rep_o[rp_owner]]])
    rp_start = o_t[rep_o[rp_owner]] - _group_cumsum(rp_gap, k_rep)
    rp_keep = rp_start >= 0
    rp_o = rep_o[rp_owner][rp_keep]
    rp_start = rp_start[rp_keep]

    # --- all sessions: (person, kind, anchor time, anchored at end?, category, order, channel)
    nb = np.arange(B, Pn)
    purchase_o = np.flatnonzero(~o_cancel)
    s_person = np.concatenate([owner, nb[owner_v[keep_v]], o_person[purchase_o], o_person[rp_o],
                               mail_person, rv_person, ref_person])
    s_kind = np.concatenate([pre_kind, kind_v[keep_v], np.where(o_first[purchase_o], PURCHASE, REPEAT),
                             np.full(rp_o.size, CONSIDERATION), np.full(mail_person.size, EMAIL),
                             np.full(rv_o.size, REVIEW), np.full(ref_person.size, REFERRAL)])
    s_t = np.concatenate([pre_start, start_v[keep_v], o_t[purchase_o], rp_start, mail_t, rv_t, ref_t])
    s_end = np.concatenate([np.zeros(owner.size + int(keep_v.sum()), bool), np.ones(purchase_o.size, bool),
                            np.zeros(rp_o.size + mail_person.size + rv_o.size + ref_person.size, bool)])
    s_cat = np.concatenate([interest_cat[owner], interest_cat[nb[owner_v[keep_v]]], o_cat[purchase_o], o_cat[rp_o],
                            interest_cat[mail_person], o_cat[rv_o], interest_cat[ref_person]])
    s_order = np.concatenate([np.full(owner.size + int(keep_v.sum()), -1), purchase_o,
                              np.full(rp_o.size + mail_person.size + rv_o.size + ref_person.size, -1)])
    s_level = cat.category_level[s_cat]
    ns = s_person.size
    ret_mix = np.array([P_.return_channel_mix[c] for c in CHANNELS])
    rep_mix = np.array([P_.repeat_channel_mix[c] for c in CHANNELS])
    ch_ret = _categorical(rng, ret_mix, n=ns)
    ch_rep = _categorical(rng, rep_mix, n=ns)
    email_c, direct_c = CHANNELS.index("email"), CHANNELS.index("direct")
    is_first_session = np.concatenate([pre_first, pos_v[keep_v] == 0, (o_first[purchase_o] & (K[o_person[purchase_o]] == 0)),
                                       np.zeros(ns - owner.size - int(keep_v.sum()) - purchase_o.size, bool)])
    s_channel = np.select(
        [is_first_session, s_kind == REPEAT, s_kind == EMAIL, s_kind == REVIEW, s_kind == REFERRAL,
         (s_kind == CONSIDERATION) & (np.arange(ns) >= owner.size + int(keep_v.sum()) + purchase_o.size)],
        [first_channel[s_person], ch_rep, email_c, np.where(rng.random(ns) < 0.6, email_c, direct_c), direct_c, ch_rep],
        ch_ret)
    switch = rng.random(ns) < P_.device_switch_prob
    s_device = np.where(switch, _categorical(rng, device_p, n=ns), device[s_person])

    # --- events per session: lead (email) + landing + browse + tail (cart, checkout, purchase) + special
    s_click = np.zeros(ns, bool)
    mail0 = np.flatnonzero(s_kind == EMAIL)
    s_click[mail0] = clicked
    n_lead = np.where(s_kind == EMAIL, 1 + s_click, 0)
    on_site = np.isin(s_kind, (AWARENESS, CONSIDERATION, PURCHASE, REPEAT)) | s_click
    n_land = on_site.astype(np.int64)
    browse_mean = np.select(
        [s_kind == AWARENESS, s_kind == CONSIDERATION, np.isin(s_kind, (PURCHASE, REPEAT)), s_click],
        [np.full(ns, 0.8), lvl(lambda p: p.browse_mean)[s_level] - 1, lvl(lambda p: p.purchase_browse_mean)[s_level],
         np.ones(ns)], 0.0)
    n_browse = np.minimum(rng.poisson(browse_mean) + (s_kind == CONSIDERATION), MAX_BROWSE)
    cart = rng.random(ns) < lvl(lambda p: p.cart_prob)[s_level]
    checkout = cart & (rng.random(ns) < lvl(lambda p: p.checkout_prob)[s_level])
    n_tail = np.select([np.isin(s_kind, (PURCHASE, REPEAT)), s_kind == CONSIDERATION],
                       [3, cart.astype(np.int64) + checkout], 0)
    n_special = np.isin(s_kind, (REVIEW, REFERRAL)).astype(np.int64)
    n_ev = n_lead + n_land + n_browse + n_tail + n_special

    land_w = np.array([_LANDING_BY_CHANNEL[c] for c in CHANNELS], dtype=float)
    boost = 1.0 + lvl(lambda p: p.promotion_landing_boost)
    land_w = np.concatenate([land_w * [1, 1, 1, boost[0]], land_w * [1, 1, 1, boost[1]]])
    s_landing = _LANDING[_categorical(rng, land_w, s_channel + len(CHANNELS) * s_level)]
    s_tail_prod = np.where(s_order >= 0, first_prod[np.maximum(s_order, 0)], cat.pick_popular(rng, s_cat))
    s_tail_prod[s_kind == REVIEW] = rv_prod

    # Sessions in (person, anchor time) order, so events come out grouped by person and in time
    # order without sorting events (a purchase session's anchor is its end; sessions are >= 1 h apart).
    s_ord = np.lexsort((s_t, s_person))
    (s_person, s_kind, s_t, s_end, s_cat, s_order, s_level, s_channel, s_device, s_landing, s_tail_prod,
     n_lead, n_land, n_browse, n_tail, n_ev) = (
        v[s_ord] for v in (s_person, s_kind, s_t, s_end, s_cat, s_order, s_level, s_channel, s_device,
                           s_landing, s_tail_prod, n_lead, n_land, n_browse, n_tail, n_ev))

    e_s, e_pos = _within(n_ev)
    b1 = n_lead[e_s]
    b2 = b1 + n_land[e_s]
    b3 = b2 + n_browse[e_s]
    b4 = b3 + n_tail[e_s]
    e_skind = s_kind[e_s]
    e_kind = np.where(e_skind == REVIEW, 14, 15)
    m = e_pos < b1
    e_kind[m] = e_pos[m]  # email_open, email_click
    m = (e_pos >= b1) & (e_pos < b2)
    e_kind[m] = s_landing[e_s[m]]
    browse = (e_pos >= b2) & (e_pos < b3)
    m = browse & (e_skind == AWARENESS)
    e_kind[m] = np.array([2, 3, 4])[rng.integers(0, 3, int(m.sum()))]
    m = browse & (e_skind != AWARENESS)
    browse_mix = np.array([[P_.level(i).browse_mix[k] for k in _BROWSE_ORDER] for i in (0, 1)])
    e_kind[m] = _BROWSE[_categorical(rng, browse_mix, s_level[e_s[m]])]
    m = (e_pos >= b3) & (e_pos < b4)
    e_kind[m] = _TAIL[(e_pos - b3)[m]]
    e_prod = np.full(e_s.size, -1, np.int64)
    m = _WITH_PRODUCT[e_kind]
    e_prod[m] = cat.pick_popular(rng, s_cat[e_s[m]])
    m = (e_kind >= 11) & (e_kind <= 14)  # cart, checkout, purchase, review: the session's product
    e_prod[m] = s_tail_prod[e_s[m]]
    is_purchase = e_kind == 13
    e_order = np.full(e_s.size, -1, np.int64)
    e_order[is_purchase] = s_order[e_s[is_purchase]]

    # Seconds between events of a session, capped so a session stays well under the 1 h journey gap.
    step = (5.0 + np.minimum(rng.exponential(40.0, e_s.size), 240.0)) * SECOND
    step[e_pos == 0] = 0.0
    off_e = _group_cumsum(step, n_ev)
    dur = off_e[np.cumsum(n_ev) - 1]  # every session has at least one event
    s_start = np.where(s_end, s_t - dur, s_t)
    e_t = s_start[e_s] + off_e
    # The purchase event carries the order's own timestamp, so ordered_at matches it exactly.
    e_t[is_purchase] = o_t[e_order[is_purchase]]
    e_person = s_person[e_s]
    cust_known = (e_person < B) & (e_t >= t1[np.minimum(e_person, B - 1)])

    # --- truth per person
    sessions_to_purchase = K + 1
    phase = np.zeros(Pn, np.int64)
    phase[B:] = np.where(reached_consideration, 1, 0)
    wrote = np.bincount(rv_person, minlength=B) + np.bincount(ref_person, minlength=B) > 0
    phase[:B] = np.where(ambassador & wrote, 4, np.where(x > 0, 3, 2))
    nan_v = np.full(V, np.nan)
    persons = {
        "is_buyer": np.arange(Pn) < B,
        "involvement": level,
        "interest_category": interest_cat,
        "first_channel": first_channel,
        "device": device,
        "arrival": np.concatenate([arrival_b, arrival_v]),
        "first_purchase": np.concatenate([t1, nan_v]),
        "sessions_to_purchase": np.concatenate([sessions_to_purchase, np.zeros(V, np.int64)]),
        "days_to_purchase": np.concatenate([D, nan_v]),
        "lam": np.concatenate([lam, nan_v]),
        "p": np.concatenate([pdrop, nan_v]),
        "T_weeks": np.concatenate([T, nan_v]),
        "n_repeat": np.concatenate([x, np.zeros(V, np.int64)]),
        "dropout": np.concatenate([dropout_t, nan_v]),
        "alive": np.concatenate([~dropped, np.zeros(V, bool)]),
        "nu_low": np.concatenate([nu[:, 0], nan_v]),
        "nu_high": np.concatenate([nu[:, 1], nan_v]),
        "subscribed": np.concatenate([subscribed, np.zeros(V, bool)]),
        "ambassador": np.concatenate([ambassador, np.zeros(V, bool)]),
        "phase": phase,
    }
    return Block(
        persons=persons,
        orders={"person": o_person, "t": o_t, "revenue": revenue, "cancelled": o_cancel, "level": o_level, "value": value},
        lines={"order": l_order, "product": l_prod, "quantity": qty, "unit_price": unit},
        sessions={"person": s_person, "kind": s_kind, "start": s_start},
        events={
            "person": e_person, "customer": cust_known, "session": e_s, "t": e_t, "kind": e_kind,
            "channel": s_channel[e_s], "device": s_device[e_s], "product": e_prod, "order": e_order,
        },
        reviews={"person": rv_person, "product": rv_prod, "t": rv_t, "rating": rating},
    )
