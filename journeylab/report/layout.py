"""The report as a document: its cover, table of contents, section anchors and printed page footer.

``journeylab.report.run.export_html`` renders the notebooks with nbconvert, then gives every section heading
(``<h1>``, ``<h2>``) a generated anchor (``sec-1``, ``sec-2``, ...: never made from the heading's text, which
may come from data) and puts the cover and the contents at the top of the page (:func:`front_matter`).
The print rules (A4, breaks, tables) are in the report template's CSS; the page footer with the page
numbers is Chromium's (:func:`footer_template`, printed by journeylab.report.pdf).

Every text from a config or a shop (title, client name) is escaped with journeylab.report.safe; the cover
holds no link and no URL other than the logo, an embedded ``data:`` image.
"""
from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Sequence

from journeylab.i18n import format_date, t
from journeylab.report.paths import image_type
from journeylab.report.safe import html as escape

# Babel's locale for each report language (dates such as "1 January 2024" / "1 januari 2024")
SECTION_LEVELS = (1, 2)  # headings listed in the contents and given an anchor
SECTION_ID = "sec-{n}"
MAIN_TAG = '<main class="jl-report">'  # written by the report template; the cover goes right after it
# A heading as nbconvert's Markdown renderer writes it (anchor links off: no attributes). The page's text from
# data is escaped (journeylab.report.safe), so no heading tag can come from the data.
_HEADING = re.compile(r"<h([1-6])(\s[^>]*)?>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True)
class Section:
    """A heading of the report: its generated anchor id, level (1 or 2) and text as HTML (escaped)."""

    id: str
    level: int
    html: str


@dataclass(frozen=True)
class Cover:
    """What the cover shows: the report's title, the client, the period the data cover, the report's date
    and the client's logo (an image file, checked by journeylab.report.paths.image_type)."""

    title: str
    client: str | None = None
    period: tuple[date, date] | None = None
    made: date | None = None
    logo: Path | None = None


def long_date(day: Any, lang: str) -> str:
    """``day`` as a reader of ``lang`` writes it in full: "1 March 2024", "1 maart 2024" (i18n.format_date)."""
    return format_date(day, lang, "long")


def number_sections(body: str) -> tuple[str, list[Section]]:
    """``body`` (the rendered page) with an anchor ``sec-<n>`` and the class ``jl-section`` on every heading of
    SECTION_LEVELS after MAIN_TAG, and those headings in page order."""
    start = body.find(MAIN_TAG)
    if start < 0:
        raise ValueError(f"the report page has no {MAIN_TAG} (journeylab's report template)")
    start += len(MAIN_TAG)
    sections: list[Section] = []

    def anchor(match: re.Match) -> str:
        level, inner = int(match.group(1)), match.group(3)
        if level not in SECTION_LEVELS:
            return match.group(0)
        section = Section(SECTION_ID.format(n=len(sections) + 1), level, inner)
        sections.append(section)
        return f'<h{level} id="{section.id}" class="jl-section">{inner}</h{level}>'

    return body[:start] + _HEADING.sub(anchor, body[start:]), sections


def cover_html(cover: Cover, lang: str) -> str:
    """The cover: logo, title, client, period and report date (each line only when known)."""
    lines = ['<header class="jl-cover">']
    if cover.logo is not None:
        mime = image_type(cover.logo)
        data = base64.b64encode(Path(cover.logo).read_bytes()).decode("ascii")
        lines.append(f'<img class="jl-logo" src="data:{mime};base64,{data}" alt="{escape(cover.client or cover.title)}">')
    lines.append(f'<h1 class="jl-title">{escape(cover.title)}</h1>')
    facts = []
    if cover.client:
        facts.append((t("client", lang), escape(cover.client)))
    if cover.period is not None:
        first, last = cover.period
        facts.append((t("period", lang), f"{long_date(first, lang)} – {long_date(last, lang)}"))
    if cover.made is not None:
        facts.append((t("report_date", lang), long_date(cover.made, lang)))
    if facts:
        lines.append('<dl class="jl-facts">')
        lines += [f"<dt>{escape(name)}</dt><dd>{value}</dd>" for name, value in facts]
        lines.append("</dl>")
    lines.append("</header>")
    return "\n".join(lines)


def contents_html(sections: Sequence[Section], lang: str) -> str:
    """The table of contents: a link to every section's anchor, in page order (nothing without sections)."""
    if not sections:
        return ""
    items = "\n".join(f'<li class="jl-toc-{s.level}"><a href="#{s.id}">{_TAG.sub("", s.html).strip()}</a></li>'
                      for s in sections)
    return (f'<nav class="jl-contents" aria-labelledby="jl-contents-title">\n'
            f'<h2 id="jl-contents-title" class="jl-contents-title">{escape(t("contents", lang))}</h2>\n'
            f"<ol>\n{items}\n</ol>\n</nav>")


def front_matter(body: str, cover: Cover, lang: str) -> tuple[str, list[Section]]:
    """The rendered page with anchored sections, its cover and its contents at the top; and the sections."""
    body, sections = number_sections(body)
    front = "\n" + cover_html(cover, lang) + "\n" + contents_html(sections, lang) + "\n"
    at = body.index(MAIN_TAG) + len(MAIN_TAG)
    return body[:at] + front + body[at:], sections


def footer_template(title: str, lang: str) -> str:
    """Chromium's page footer (``Page.printToPDF``'s footerTemplate): the report's title on the left, "page X
    of Y" / "pagina X van Y" on the right. Chromium fills the ``pageNumber`` and ``totalPages`` spans."""
    from journeylab.report.safe import Trusted, fill, shorten

    pages = fill(t("page_of", lang), page=Trusted('<span class="pageNumber"></span>'),
                 pages=Trusted('<span class="totalPages"></span>'))
    return ('<div style="box-sizing:border-box;width:100%;padding:0 16mm;display:flex;justify-content:space-between;'
            'gap:8mm;font-family:\'DejaVu Sans\',Arial,sans-serif;font-size:8pt;color:#555">'
            f'<span style="overflow:hidden;white-space:nowrap;text-overflow:ellipsis">{escape(shorten(title, 90))}</span>'
            f'<span style="white-space:nowrap">{pages}</span></div>')


__all__ = ["Cover", "Section", "long_date", "number_sections", "cover_html", "contents_html",
           "front_matter", "footer_template"]
