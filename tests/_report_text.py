"""The words a reader sees in a built report, for the language tests (issue 15, point 1): every text node of
report.html (and the alt text of its figures) and every text drawn in its figures (titles, axis and tick
labels, legends, Sankey labels: ``journeylab.report.page.Page.figure`` keeps them in the executed
notebooks' output metadata).

Shared by test_report.py (the demo in both languages) and test_real_reports_nl.py (the real data
sets in Dutch).
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable

import nbformat

from journeylab import i18n

# snake_case: an identifier shown as it is (organic_search, begin_checkout, first_touch, a column name)
SNAKE = re.compile(r"(?<![\w-])[a-z]+_[a-z_]+\b")
# numbers, money, percentages, dates and intervals: digits with their punctuation and currency signs
NUMBER = re.compile(r"^[\d\s.,:;%€£$¤+\-–−=<>()/\[\]\u00a0\u202f×x*^{}]*$")
# matplotlib's tick labels of a log axis: "$\mathdefault{10^{-4}}$"
MATHTEXT = re.compile(r"\$\\mathdefault\{(.*)\}\$")
WORD = re.compile(r"[^\W\d_][\w/'-]*")
# The same in both languages by nature: the models' and statistics' names of the literature, abbreviations,
# the models' parameter symbols, and the few Dutch words spelled as in English.
SAME_IN_BOTH = {
    *i18n.MODEL_LABELS.values(), "RFM", "CLV", "ROC AUC", "RMSE", "AUC", "P75", "Mann-Whitney U", "p", "n",
    "r", "alpha", "a", "b", "s", "beta", "q", "v", "gamma",  # model parameters
    "segment", "model", "parameter", "status", "reviews", "Funnel",  # Dutch words spelled as in English
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.nodes: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self.skip += 1
        if tag == "img":
            self.nodes += [" ".join(v.split()) for k, v in attrs if k == "alt" and v and v.strip()]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip and data.strip():
            self.nodes.append(" ".join(data.split()))


def html_texts(html: str) -> list[str]:
    """Every visible text node of a report page (style and script left out), and the figures' alt texts."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.nodes


def figure_texts(notebooks: Iterable[str | Path]) -> list[str]:
    """Every text drawn in the figures of the executed report notebooks (Page.figure's metadata)."""
    out = []
    for path in notebooks:
        nb = nbformat.read(str(path), as_version=4)
        for c in nb.cells:
            for o in c.get("outputs", []) if c.cell_type == "code" else []:
                texts = o.get("metadata", {}).get("journeylab", {}).get("texts", [])
                out += [MATHTEXT.sub(r"\1", " ".join(t.split())) for t in texts]
    return out


def report_texts(run_dir: str | Path) -> list[str]:
    """The texts of one report run (report.html and its executed notebooks' figures), each once."""
    run = Path(run_dir)
    texts = html_texts((run / "report.html").read_text(encoding="utf-8")) + figure_texts(sorted(run.glob("*.ipynb")))
    return list(dict.fromkeys(texts))


def data_values(run_dir: str | Path, lang: str) -> set[str]:
    """The shop's own values a report run shows (its exported tables' columns of categories, channels and
    customers), which may read as the data have them."""
    import pandas as pd

    headers = {i18n.t(key, lang) for key in ("category", "channel", "customer_id")}
    values: set[str] = set()
    for path in (Path(run_dir) / "tables").glob("*.csv"):
        frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
        for col in set(frame.columns) & headers:
            values |= set(frame[col].dropna())
    return values - set(i18n.CHANNELS)


def is_number(text: str) -> bool:
    return bool(NUMBER.match(text))


def untranslated(nl: Iterable[str], en: Iterable[str], allowed: Iterable[str] = ()) -> list[str]:
    """The texts of the Dutch report that occur in the English one too, except numbers, names that read
    the same in both (SAME_IN_BOTH), ``allowed`` (the shop's own data: categories, channels, ids) and texts
    made of those and numbers only."""
    en, allowed = set(en), set(allowed) | SAME_IN_BOTH
    return [t for t in dict.fromkeys(nl) if t in en and t not in allowed and not is_number(t)
            and not all(w in allowed for w in WORD.findall(t))]  # e.g. "CLV (EUR)": names and numbers only


def snake_case(texts: Iterable[str], allowed: Iterable[str] = ()) -> list[str]:
    """The texts that show a snake_case identifier, other than those of the shop's own data (``allowed``)."""
    own = sorted((v for v in set(allowed) if "_" in v), key=len, reverse=True)  # e.g. "furniture.living_room.sofa"

    def without_data(text: str) -> str:
        for value in own:
            if value in text:
                text = text.replace(value, " ")
        return text

    return [t for t in dict.fromkeys(texts) if SNAKE.search(without_data(t))]


def english_words(texts: Iterable[str]) -> list[str]:
    """The texts of a Dutch report that are an English text of journeylab.i18n which Dutch writes otherwise
    (a label, metric, phase, status, event, channel, data-quality rule ... left untranslated)."""
    english = set()
    for table in i18n.TRANSLATION_TABLES:
        for entry in table.values():
            if entry["en"] != entry["nl"] and "{" not in entry["en"]:
                english.add(entry["en"])
    english -= SAME_IN_BOTH
    return [t for t in dict.fromkeys(texts) if t in english]
