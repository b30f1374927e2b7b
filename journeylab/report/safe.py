"""Text from a shop's data on a page: the one home of every escaping rule of journeylab's reports.

A report's text comes partly from strangers (UTM channel and campaign names anyone can put in a link,
product names, ids, category names, a client's YAML), so no such value may become markup or script:

* **Markdown and HTML** (:func:`markdown`, :func:`html`): a value is shortened to one line and every
  character that HTML or Markdown gives a meaning (``< > & " '`` and the Markdown punctuation such as
  ``[ ] ( ) * _ ` # ! | $ \\``) becomes a numeric character reference. CommonMark (and the Markdown
  renderers of JupyterLab and nbconvert) treat a character reference as literal text, so the reader sees
  the value exactly as written and no link, image, emphasis, heading, math or tag can come from it.
* **Sentences** (:func:`fill`): a template written by journeylab (code or ``journeylab.i18n``) with
  values filled in through ``str.format``; every value is formatted first (``{n:,}`` works) and escaped
  after, unless it is :class:`Trusted` (a fragment journeylab made itself with ``fill``).
* **Plots** (:func:`plot_text`, :func:`plot_labels`): a label is shortened and its ``$`` escaped, so a
  dollar sign in a channel name is a dollar sign and not matplotlib's TeX (which can fail on it).
* **The finished page** (:func:`page_problems`): a parse of the report HTML that lists every script
  element, event-handler attribute and URL that is not an embedded image or an anchor on the page.
  ``journeylab.report.run.export_html`` refuses to write a report with one; the tests parse reports of a
  hostile shop with it.

Spreadsheets have their own rule (cells a spreadsheet would run as a formula): ``journeylab.report.export``.
"""
from __future__ import annotations

import re
import string
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

MAX_TEXT = 120  # characters of a table cell from data; longer values end in "…" (exports keep them whole)
MAX_LABEL = 60  # characters of a plot label

# Characters with a meaning in HTML or Markdown (CommonMark's ASCII punctuation, less the harmless
# sentence marks), each replaced by its numeric character reference.
_SPECIAL = "&<>\"'`*_[](){}#!|$\\~+-=:^@%"
_TABLE = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}
# Line breaks and other control characters (terminal escape sequences too) become spaces: a line break
# would start a new Markdown block (a heading, a list, code).
_CONTROL = {c: " " for c in [*range(32), *range(0x7F, 0xA0)]}
# Runs of white space become one space, except the no-break spaces numbers are written with ("€\xa01.234")
_SPACES = re.compile(r"[^\S\xa0\u202f]+")


class Trusted(str):
    """Markdown written by journeylab itself (see :func:`fill`): shown as it is, never escaped again."""


def _one_line(value: Any) -> str:
    """Control characters as spaces, runs of spaces as one; a non-breaking space (Dutch "€\xa01.234") stays."""
    return _SPACES.sub(" ", str(value).translate(_CONTROL)).strip(" ")


def shorten(value: Any, max_len: int = MAX_TEXT) -> str:
    """``value`` as one line of at most ``max_len`` characters (a longer one ends in "…")."""
    text = _one_line(value)
    return text if len(text) <= max_len else text[: max_len - 1] + "…"


def markdown(value: Any, max_len: int | None = None) -> str:
    """``value`` as literal text inside Markdown or HTML: one line, special characters escaped, shortened
    to ``max_len`` characters when given. A :class:`Trusted` fragment is returned as it is."""
    if isinstance(value, Trusted):
        return value
    text = _one_line(value) if max_len is None else shorten(value, max_len)
    return text.translate(_TABLE)


html = markdown  # the same rule serves HTML text and attribute values: every special character is a reference


def cell(value: Any) -> str:
    """A table cell or header from data: escaped and at most :data:`MAX_TEXT` characters."""
    return markdown(value, MAX_TEXT)


class _Formatter(string.Formatter):
    def __init__(self, lang: str | None = None) -> None:
        super().__init__()
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Trusted):
            return value
        if self.lang is not None:
            from journeylab.i18n import format_spec as locale_format

            return markdown(locale_format(value, format_spec, self.lang))  # the template's locale
        return markdown(format(value, format_spec))

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion is None:
            return value
        return super().convert_field(value, conversion)


_FORMATTER = _Formatter()


def fill(template: str, /, *args: Any, lang: str | None = None, **values: Any) -> Trusted:
    """``template.format(*args, **values)`` with every value escaped (:func:`markdown`) after formatting.

    ``template`` must be journeylab's own text (a literal in the code or a label of ``journeylab.i18n``);
    values may come from anywhere. Numbers are written in the locale of ``lang``, by default the
    template's own language (an ``i18n.Phrase`` from ``i18n.t``): "{n:,}" gives 13,876 in English and
    13.876 in Dutch. The result is :class:`Trusted` and may be filled into another template as it is."""
    lang = lang or getattr(template, "lang", None)
    formatter = _FORMATTER if lang is None else _Formatter(lang)
    return Trusted(formatter.vformat(str(template), args, values))


def plot_text(value: Any, max_len: int = MAX_LABEL) -> str:
    """A label for a plot: one line, shortened, ``$`` escaped (matplotlib reads ``$...$`` as TeX)."""
    return shorten(value, max_len).replace("$", r"\$")


def plot_labels(values: "pd.Series", max_len: int = MAX_LABEL) -> "pd.Series":
    """:func:`plot_text` of every value of a column a plot groups by; values that would shorten to the
    same label stay apart (" (2)", " (3)", ...), so no two groups are drawn as one. Missing stays missing."""
    import pandas as pd

    categorical = isinstance(values.dtype, pd.CategoricalDtype)
    uniques = pd.Series(values.cat.categories if categorical else pd.unique(values.dropna()), dtype=object)
    short = uniques.map(lambda v: plot_text(v, max_len))
    n = short.groupby(short).cumcount()
    short = short.where(n == 0, short + " (" + (n + 1).astype(str) + ")")
    if categorical:  # same categories, same order: a journey-ordered axis stays in order
        return values.cat.rename_categories(list(short))
    return values.map(dict(zip(uniques, short)))


def one_line(value: Any, max_len: int = 200) -> str:
    """``value`` for a terminal line or a log: control characters (escape sequences) become spaces."""
    return shorten(value, max_len)


class _PageCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "form"):
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            elif name in ("src", "srcset", "poster", "data", "action", "formaction", "background") \
                    and not value.startswith("data:image/"):
                self.problems.append(f"<{tag} {name}={value[:60]!r}>: not an embedded image")
            elif name in ("href", "xlink:href") and not value.startswith("#"):
                self.problems.append(f"<{tag} {name}={value[:60]!r}>: a link off the page")
            elif name == "http-equiv" and value == "refresh":
                self.problems.append(f"<{tag} http-equiv=refresh>")

    handle_startendtag = handle_starttag


def page_problems(page: str) -> list[str]:
    """Everything in an HTML page that could run or fetch something: script-like elements, event-handler
    attributes, URLs other than embedded images (``data:image/...``) and anchors on the page. Empty for a
    safe report."""
    check = _PageCheck()
    check.feed(page)
    check.close()
    return check.problems


__all__ = ["MAX_TEXT", "MAX_LABEL", "Trusted", "fill", "markdown", "html", "cell", "shorten", "plot_text", "plot_labels", "one_line",
           "page_problems"]
