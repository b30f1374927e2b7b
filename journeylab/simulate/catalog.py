"""Product catalogue of a simulated shop and vectorised product picking."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from journeylab.simulate.params import SimulationParams


@dataclass
class Catalog:
    """Products sorted by category, then by popularity rank (most popular first).

    ``category_names[c]`` / ``category_level[c]`` (0 low, 1 high) describe category code c;
    ``product_category`` / ``product_price`` (list price, euros) describe product row i,
    whose id is ``p{i + 1}``.
    """

    category_names: list[str]
    category_level: np.ndarray
    level_categories: list[np.ndarray]  # category codes per level
    level_cum_weight: list[np.ndarray]  # cumulative order share of those categories
    product_category: np.ndarray
    product_price: np.ndarray
    cat_offset: np.ndarray
    cat_size: np.ndarray
    _pop_key: np.ndarray  # category + cumulative popularity within the category
    _price_order: np.ndarray  # product rows sorted by (category, price)
    _price_key: np.ndarray

    @property
    def product_level(self) -> np.ndarray:
        return self.category_level[self.product_category]

    def pick_category(self, rng: np.random.Generator, level: np.ndarray) -> np.ndarray:
        """A category code for each level (0/1), drawn with the categories' order shares."""
        u = rng.random(level.size)
        out = np.empty(level.size, dtype=np.int64)
        for lv in (0, 1):
            m = level == lv
            idx = np.searchsorted(self.level_cum_weight[lv], u[m], side="right")
            out[m] = self.level_categories[lv][np.minimum(idx, self.level_categories[lv].size - 1)]
        return out

    def pick_popular(self, rng: np.random.Generator, cat: np.ndarray) -> np.ndarray:
        """A product row in each category, popular products more often (Zipf-like)."""
        idx = np.searchsorted(self._pop_key, cat + rng.random(cat.size), side="left")
        return np.clip(idx, self.cat_offset[cat], self.cat_offset[cat] + self.cat_size[cat] - 1)

    def pick_by_price(self, cat: np.ndarray, value: np.ndarray) -> np.ndarray:
        """The product row in each category whose list price is just above ``value`` euros."""
        pos = np.searchsorted(self._price_key, cat * 1e8 + value)
        pos = np.clip(pos, self.cat_offset[cat], self.cat_offset[cat] + self.cat_size[cat] - 1)
        return self._price_order[pos]


def make_catalog(params: SimulationParams, rng: np.random.Generator) -> Catalog:
    """Categories of both levels with lognormal list prices and Zipf popularity."""
    names, levels, sizes, medians, sigmas, weights = [], [], [], [], [], []
    for lv in (0, 1):
        for name, spec in params.level(lv).categories.items():
            names.append(name)
            levels.append(lv)
            sizes.append(spec.n_products)
            medians.append(spec.price_median)
            sigmas.append(spec.price_sigma)
            weights.append(spec.weight)
    levels_a = np.array(levels)
    sizes_a = np.array(sizes, dtype=np.int64)
    cat = np.repeat(np.arange(len(names)), sizes_a)
    offset = np.concatenate([[0], np.cumsum(sizes_a)[:-1]])
    rank = np.arange(cat.size) - offset[cat]
    price = np.round(np.array(medians)[cat] * np.exp(np.array(sigmas)[cat] * rng.standard_normal(cat.size)), 2)
    price = np.maximum(price, 0.5)
    pop = 1.0 / (rank + 1.0) ** 0.8
    cum = np.cumsum(pop)
    start = np.concatenate([[0.0], cum[offset[1:] - 1]])
    cum_within = (cum - start[cat]) / np.bincount(cat, pop)[cat]
    pop_key = cat + np.minimum(cum_within, 1.0 - 1e-12)
    price_order = np.lexsort((price, cat))
    level_categories, level_cum = [], []
    w = np.array(weights)
    for lv in (0, 1):
        codes = np.flatnonzero(levels_a == lv)
        level_categories.append(codes)
        level_cum.append(np.cumsum(w[codes]) / w[codes].sum())
    return Catalog(
        category_names=names,
        category_level=levels_a,
        level_categories=level_categories,
        level_cum_weight=level_cum,
        product_category=cat,
        product_price=price,
        cat_offset=offset,
        cat_size=sizes_a,
        _pop_key=pop_key,
        _price_order=price_order,
        _price_key=cat[price_order] * 1e8 + price[price_order],
    )
