"""Parameters of the shop simulator, with their documented defaults.

Units: time in days unless the name says weeks (the BG/NBD rate is per week, as in the
CDNOW papers); money in euros. ``SimulationParams.from_dict`` merges a partial, nested dict
over the defaults, so ``{"low": {"bgnbd": {"r": 1.2}}}`` changes one number.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from journeylab.data.contract import CHANNELS

DEVICES = ("desktop", "mobile", "tablet")


def _mix(**w: float) -> dict[str, float]:
    """A channel mix over contract.CHANNELS (missing channels get weight 0)."""
    return {c: float(w.get(c, 0.0)) for c in CHANNELS}


@dataclass
class BGNBD:
    """Repeat purchases: rate lambda ~ Gamma(shape r, rate alpha) per week, dropout p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float


@dataclass
class GammaGamma:
    """Order value: nu ~ Gamma(shape q, rate gamma) per customer, value ~ Gamma(shape p, rate nu) euros."""

    p: float
    q: float
    gamma: float


@dataclass
class CategorySpec:
    """A product category: number of products and lognormal list price (median euros, sigma)."""

    n_products: int
    price_median: float
    price_sigma: float
    weight: float  # share of the level's orders


@dataclass
class LevelParams:
    """Everything that differs between low- and high-involvement journeys."""

    buyer_share: float  # share of buyers whose first order is at this level
    nonbuyer_share: float  # share of never-buying visitors interested in this level
    categories: dict[str, CategorySpec]
    bgnbd: BGNBD
    gamma_gamma: GammaGamma
    pre_sessions_min: int  # sessions before the first purchase session: min + Poisson(mean)
    pre_sessions_mean: float
    repeat_pre_sessions_mean: float  # Poisson mean of sessions before a repeat order at this level
    session_gap_days: float  # mean extra gap between journey sessions (Exp), on top of min_gap_days
    awareness_first_prob: float  # P(first pre-purchase session is awareness only)
    browse_mean: float  # Poisson mean of browse events in a consideration session
    purchase_browse_mean: float  # ... in a purchase session
    browse_mix: dict[str, float]  # product_view, compare, research_reviews, research_delivery, research_returns, category
    cart_prob: float  # P(add_to_cart) in a consideration session that does not buy
    checkout_prob: float  # P(begin_checkout | add_to_cart) in such a session (then drop-off)
    promotion_landing_boost: float  # extra weight of 'promotion' landing pages (promotions matter)
    consider_prob_nonbuyer: float  # P(a never-buying visitor reaches consideration)
    nonbuyer_consider_sessions_mean: float  # 1 + Poisson(mean) consideration sessions
    crossover_prob: float  # P(a repeat order is at the other level)
    lines_mean: float  # order lines: 1 + Poisson(mean) (high involvement: 1 line)
    review_prob: float  # P(review of a completed order at this level), non-ambassadors
    ambassador_base_prob: float  # P(ambassador) for a buyer without repeat orders
    first_channel_mix: dict[str, float]


def _low() -> LevelParams:
    return LevelParams(
        buyer_share=0.7,
        nonbuyer_share=0.5,
        categories={
            "household": CategorySpec(150, 4.5, 0.6, 0.5),
            "drugstore": CategorySpec(200, 6.0, 0.6, 0.5),
        },
        bgnbd=BGNBD(r=0.9, alpha=5.0, a=0.8, b=6.0),
        gamma_gamma=GammaGamma(p=6.0, q=4.0, gamma=12.0),
        pre_sessions_min=0,
        pre_sessions_mean=0.3,
        repeat_pre_sessions_mean=0.05,
        session_gap_days=0.25,
        awareness_first_prob=0.1,
        browse_mean=1.5,
        purchase_browse_mean=0.5,
        browse_mix={"product_view": 0.72, "compare": 0.02, "research_reviews": 0.04,
                    "research_delivery": 0.07, "research_returns": 0.02, "category": 0.13},
        cart_prob=0.3,
        checkout_prob=0.4,
        promotion_landing_boost=2.0,
        consider_prob_nonbuyer=0.35,
        nonbuyer_consider_sessions_mean=0.3,
        crossover_prob=0.05,
        lines_mean=1.5,
        review_prob=0.02,
        ambassador_base_prob=0.01,
        first_channel_mix=_mix(organic_search=0.22, paid_search=0.25, social=0.2, email=0.02,
                               direct=0.1, referral=0.06, display=0.15),
    )


def _high() -> LevelParams:
    return LevelParams(
        buyer_share=0.3,
        nonbuyer_share=0.5,
        categories={
            "mattresses": CategorySpec(40, 600.0, 0.4, 0.3),
            "bicycles": CategorySpec(60, 900.0, 0.45, 0.3),
            "electronics": CategorySpec(150, 350.0, 0.8, 0.4),
        },
        bgnbd=BGNBD(r=0.3, alpha=40.0, a=2.0, b=2.0),
        gamma_gamma=GammaGamma(p=6.0, q=5.0, gamma=400.0),
        pre_sessions_min=2,
        pre_sessions_mean=2.5,
        repeat_pre_sessions_mean=1.5,
        session_gap_days=3.0,
        awareness_first_prob=0.7,
        browse_mean=3.5,
        purchase_browse_mean=2.0,
        browse_mix={"product_view": 0.45, "compare": 0.15, "research_reviews": 0.18,
                    "research_delivery": 0.08, "research_returns": 0.07, "category": 0.07},
        cart_prob=0.15,
        checkout_prob=0.4,
        promotion_landing_boost=0.0,
        consider_prob_nonbuyer=0.6,
        nonbuyer_consider_sessions_mean=1.5,
        crossover_prob=0.25,
        lines_mean=0.0,
        review_prob=0.12,
        ambassador_base_prob=0.04,
        first_channel_mix=_mix(organic_search=0.35, paid_search=0.22, social=0.08, email=0.0,
                               direct=0.05, referral=0.15, display=0.15),
    )


@dataclass
class SimulationParams:
    """All simulator parameters. ``low`` and ``high`` hold the per-involvement ones."""

    low: LevelParams = field(default_factory=_low)
    high: LevelParams = field(default_factory=_high)
    nonbuyers_per_customer: float = 1.0  # never-buying visitors per buyer (for funnels)
    awareness_sessions_mean: float = 0.3  # non-buyers: 1 + Poisson(mean) awareness sessions
    min_gap_days: float = 1.0 / 24  # sessions of one journey are at least an hour apart
    return_channel_mix: dict[str, float] = field(default_factory=lambda: _mix(
        organic_search=0.25, paid_search=0.15, social=0.05, email=0.05, direct=0.3,
        referral=0.05, display=0.15))  # later pre-purchase sessions (display = retargeting)
    repeat_channel_mix: dict[str, float] = field(default_factory=lambda: _mix(
        organic_search=0.15, paid_search=0.1, social=0.05, email=0.3, direct=0.3,
        display=0.1))  # sessions of repeat orders (email and retargeting)
    device_mix: dict[str, float] = field(default_factory=lambda: {
        "desktop": 0.45, "mobile": 0.48, "tablet": 0.07})
    device_switch_prob: float = 0.2  # P(a session uses another device than the person's own)
    email_subscribe_prob: float = 0.5  # buyers who get the newsletter after their first order
    email_interval_days: float = 30.0  # mean days between newsletters (Poisson)
    email_open_prob_alive: float = 0.3
    email_open_prob_dropped: float = 0.08  # dropped-out customers rarely open
    email_click_prob: float = 0.25  # P(click | open): starts an email-channel session
    cancel_prob: float = 0.03  # P(a completed order gets a cancelled sibling order)
    ambassador_per_repeat: float = 0.01  # each repeat order raises P(ambassador) like this
    ambassador_review_prob: float = 0.15
    ambassador_referrals_mean: float = 1.5  # Poisson mean of referral events per ambassador
    rating_probs: tuple[float, ...] = (0.05, 0.05, 0.12, 0.33, 0.45)  # stars 1..5
    ambassador_rating_probs: tuple[float, ...] = (0.0, 0.0, 0.05, 0.25, 0.7)
    review_delay_days: float = 10.0  # review at order + 3 + Exp(mean) days

    def level(self, i: int) -> LevelParams:
        """0 -> low, 1 -> high."""
        return self.high if i else self.low

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict (JSON-ready)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, overrides: dict[str, Any] | None = None) -> "SimulationParams":
        """Defaults with a (partial, nested) dict of overrides merged over them."""
        merged = _merge(cls().to_dict(), overrides or {})
        return _build(cls, merged)


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        if k not in out:
            raise KeyError(f"unknown simulation parameter {k!r}; known: {sorted(out)}")
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out[k], dict) else v
    return out


def _build(cls: type, d: dict[str, Any]) -> Any:
    """Rebuild nested dataclasses from a dict produced by to_dict (plus overrides)."""
    kwargs = {}
    hints = {f.name: f.type for f in dataclasses.fields(cls)}
    for name, value in d.items():
        t = hints[name]
        if t in ("LevelParams",):
            kwargs[name] = _build(LevelParams, value)
        elif t == "BGNBD":
            kwargs[name] = BGNBD(**value)
        elif t == "GammaGamma":
            kwargs[name] = GammaGamma(**value)
        elif t == "dict[str, CategorySpec]":
            kwargs[name] = {k: CategorySpec(**v) for k, v in value.items()}
        elif t.startswith("tuple"):
            kwargs[name] = tuple(value)
        else:
            kwargs[name] = value
    return cls(**kwargs)
