"""Helpers for the course (notebooks/teaching/, an nbgrader course): a simulated shop with its truth, and
each lesson's texts in English and Dutch.

A lesson's words live next to its notebook, in ``texts.yaml`` (key -> {en: ..., nl: ...}); the notebook
shows them with :func:`lesson_texts`, filling in numbers it has computed, so a statement about the data
stays true when the data change. Exercises are graded by nbgrader's hidden tests, never by a check the
student can read (the course README).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd
import yaml

from journeylab.data.shop import Shop, load_shop
from journeylab.i18n import LANGUAGES, Phrase, check_language
from journeylab.simulate import simulate_shop
from journeylab.models.summary import customer_summary


@dataclass
class CourseShop:
    """A simulated shop for the course: the loaded Shop, its truth, and a weekly customer summary
    (time in weeks, measured in days / 7) joined with each buyer's true involvement and latent state."""

    shop: Shop
    truth: Any
    summary: pd.DataFrame


def course_shop(n_customers: int = 4000, seed: int = 7, start: str = "2023-01-01", end: str = "2024-12-31") -> CourseShop:
    """Simulate a shop of ``n_customers`` buyers (plus non-buying visitors) and load it."""
    sim = simulate_shop(n_customers, start=start, end=end, seed=seed)
    shop = load_shop({"name": f"course-{seed}", "observation_end": str(sim.observation_end), "tables": sim.tables()})
    summary = customer_summary(shop, freq="D", freq_multiplier=7)
    summary.attrs["time_unit"] = "weeks"
    people = sim.truth.customers.dropna(subset=["customer_id"]).set_index("customer_id")
    summary = summary.join(people[["involvement", "alive_at_end", "lambda_per_week", "p_dropout", "phase"]])
    summary.attrs["time_unit"] = "weeks"
    return CourseShop(shop=shop, truth=sim.truth, summary=summary)


def true_bgnbd(truth: Any, involvement: str) -> pd.Series:
    """The simulator's true BG/NBD parameters (r, alpha in weeks, a, b) of one involvement level."""
    return pd.Series(truth.params["params"][involvement]["bgnbd"], name="truth").astype(float)


def read_texts(path: str | Path = "texts.yaml") -> dict[str, dict[str, str]]:
    """A lesson's texts: key -> {language: text}; ValueError naming the keys that lack a language."""
    texts = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(texts, dict):
        raise ValueError(f"{path}: expected a mapping of text keys to {{en: ..., nl: ...}}")
    incomplete = sorted(k for k, v in texts.items() if not isinstance(v, dict) or set(v) != set(LANGUAGES))
    if incomplete:
        raise ValueError(f"{path}: texts without exactly the languages {LANGUAGES}: {incomplete}")
    return texts


class LessonTexts:
    """The texts of one lesson in one language. ``texts(key, **values)`` is the text with the numbers
    filled in (in the language's locale: ``{share:.1%}`` is "12.5%" or "12,5%");
    ``texts.show(key, **values)`` displays it as Markdown in the notebook."""

    def __init__(self, language: str, path: str | Path = "texts.yaml") -> None:
        self.language = check_language(language)
        self.texts = read_texts(path)

    def __call__(self, key: str, **values: Any) -> str:
        return Phrase(self.texts[key][self.language], self.language).format(**values)

    def show(self, key: str, **values: Any) -> None:
        from IPython.display import Markdown, display

        display(Markdown(self(key, **values)))


def lesson_texts(language: str, path: str | Path = "texts.yaml") -> tuple[LessonTexts, Callable[..., None]]:
    """``texts, say = lesson_texts(language)``: the lesson's texts, and ``say(key, **values)`` to show one."""
    texts = LessonTexts(language, path)
    return texts, texts.show
