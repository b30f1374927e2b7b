"""Concise notebook views of journeylab's result objects and fitted models (issue 16, point 1).

Each result class builds a :class:`View` (a title, a few labelled values, small tables, notes) and shows
it twice: as a few lines of text for ``__repr__`` and as a small HTML table for JupyterLab's
``_repr_html_``. Only the key numbers are shown; the full data stays in the objects' attributes and
DataFrames. Every text in the HTML is escaped (shop, group, step and segment names come from client data),
and long tables are cut to ``max_rows`` rows with a line saying how many were left out.

This is the analyst's view, in English with English number formatting; a client report formats its tables
with journeylab.report.display instead. The module sits below every other layer and imports nothing of
journeylab.
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any, Sequence

MAX_TEXT = 60  # characters of one text cell in the plain-text view
DASH = "–"  # a missing number (NaN, None)


def number(x: Any, digits: int = 4) -> str:
    """A number for an analyst: ``digits`` significant digits (``0.2237``, ``3.662``, ``1,556``, ``5.552e+09``),
    whole numbers with separators from 10,000 to a billion (``58,695``), ints with separators, "–" for NaN."""
    if x is None:
        return DASH
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, int) or (hasattr(x, "dtype") and getattr(x.dtype, "kind", "") in "iu"):
        return f"{int(x):,}"
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(v):
        return DASH
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if 1e4 <= abs(v) < 1e9:
        return f"{v:,.0f}"
    return f"{v:,.{digits}g}"


def percent(x: Any, digits: int = 1) -> str:
    """A share as a percentage (0.123 -> ``12.3%``), "–" for NaN or None."""
    if x is None:
        return DASH
    v = float(x)
    return DASH if math.isnan(v) else f"{v:.{digits}%}"


def interval(lower: Any, upper: Any, digits: int = 4) -> str:
    """``[lower, upper]`` with :func:`number`; "" when both bounds are missing."""
    if (lower is None or _nan(lower)) and (upper is None or _nan(upper)):
        return ""
    return f"[{number(lower, digits)}, {number(upper, digits)}]"


def _nan(x: Any) -> bool:
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def _cell_text(x: Any) -> str:
    """One line of at most MAX_TEXT characters (a hostile name must not break the text view's shape)."""
    return _line(x, MAX_TEXT)


def _line(x: Any, limit: int = 400) -> str:
    """A title, value or note on one line of at most ``limit`` characters."""
    s = " ".join(str(x).split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


@dataclass
class Table:
    header: Sequence[str]
    rows: list[Sequence[Any]]
    caption: str = ""
    max_rows: int = 8


@dataclass
class View:
    """What a result object shows: ``title`` (one line), then labelled values (:meth:`value`), tables and
    notes in the order added. Values are strings already formatted (see :func:`number`)."""

    title: str
    items: list[tuple[str, Any]] = field(default_factory=list)

    def value(self, label: str, value: Any) -> "View":
        self.items.append(("field", (label, value)))
        return self

    def table(self, header: Sequence[str], rows: Sequence[Sequence[Any]], caption: str = "",
              max_rows: int = 8) -> "View":
        self.items.append(("table", Table(list(header), [list(r) for r in rows], caption, max_rows)))
        return self

    def note(self, text: str) -> "View":
        if text:
            self.items.append(("note", text))
        return self

    # -- plain text (__repr__)
    def text(self) -> str:
        lines = [_line(self.title)]
        for kind, item in self.items:
            if kind == "field":
                label, value = item
                lines.append(f"  {_line(label)}: {_line(value)}")
            elif kind == "note":
                lines.append(f"  {_line(item)}")
            else:
                lines.extend(self._text_table(item))
        return "\n".join(lines)

    @staticmethod
    def _text_table(t: Table) -> list[str]:
        shown, left = t.rows[: t.max_rows], len(t.rows) - t.max_rows
        cells = [[_cell_text(c) for c in t.header]] + [[_cell_text(c) for c in r] for r in shown]
        widths = [max(len(r[i]) for r in cells) for i in range(len(t.header))]
        out = [f"  {t.caption}:"] if t.caption else []
        out += ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
        if left > 0:
            out.append(f"  … {left:,} more row(s)")
        return out

    # -- HTML (_repr_html_)
    def html(self) -> str:
        e = html.escape
        parts = ['<div class="journeylab-repr">', f"<strong>{e(str(self.title))}</strong>"]
        fields: list[str] = []

        def flush() -> None:
            if fields:
                parts.append("<table>" + "".join(fields) + "</table>")
                fields.clear()

        for kind, item in self.items:
            if kind == "field":
                label, value = item
                fields.append(f'<tr><th style="text-align:left">{e(str(label))}</th>'
                              f'<td style="text-align:left">{e(str(value))}</td></tr>')
                continue
            flush()
            if kind == "note":
                parts.append(f"<p>{e(str(item))}</p>")
            else:
                parts.append(self._html_table(item))
        flush()
        parts.append("</div>")
        return "\n".join(parts)

    @staticmethod
    def _html_table(t: Table) -> str:
        e = html.escape
        shown, left = t.rows[: t.max_rows], len(t.rows) - t.max_rows
        head = "".join(f"<th>{e(str(c))}</th>" for c in t.header)
        body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>" for r in shown)
        cap = f"<caption>{e(t.caption)}</caption>" if t.caption else ""
        more = f"<p>… {left:,} more row(s)</p>" if left > 0 else ""
        return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


class Shown:
    """Mixin: ``__repr__`` and ``_repr_html_`` from the class's ``_view()`` (a :class:`View`)."""

    def _view(self) -> View:  # pragma: no cover - each class defines it
        raise NotImplementedError

    def __repr__(self) -> str:
        return self._view().text()

    def _repr_html_(self) -> str:
        return self._view().html()
