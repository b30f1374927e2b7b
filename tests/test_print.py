"""Print quality (issue 15, point 4): the report's cover, contents, page numbers, page breaks and screen layout.

A small report is built once per language (module-scoped, ``run_report`` as an agency runs it: config with
title and logo, Papermill, HTML, PDF) from one test notebook of six sections named like the report's
(``SECTIONS``), written to provoke what went wrong in print: a wide table, a table longer than a page,
many headings each followed by a table, tall figures. The checks read the PDF's text per page (pdftotext)
and take screenshots with Chromium (journeylab.report.pdf.capture, scripts off):
- page 1 is the cover: the configured title, the client, the period of the orders and the report's date in
  the report's language, and the logo; page 2 the contents, which link to every section heading;
- every page is A4 and has a footer "page X of Y" / "pagina X van Y";
- every section starts a page; a heading is on the page of what follows it; a table that fits a page is not
  split; a longer one repeats its header on every page; a wide table prints whole, without a scrollbar;
- screenshots of the cover and of the first page of every section are not blank, and the heading each
  shows starts a page of the PDF;
- on a phone (390 px) and a laptop the page needs no sideways scrolling.
The layout helpers themselves (anchors, contents, cover, footer, dates) are tested without a report.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from journeylab.i18n import t
from journeylab.report.layout import (Cover, Section, contents_html, cover_html, footer_template, long_date,
                                      number_sections)
from journeylab.report.run import find_chromium, page_screenshots, run_report
from journeylab.report.safe import page_problems

# The report's section headings (journeylab.i18n keys), one h2 each in the test notebook, in this order.
SECTIONS = ("executive_summary", "data_quality", "customers_rfm", "churn_clv", "journey_section",
            "involvement_section")
TITLES = {"en": "Jansen & Sons: customer journey", "nl": "Jansen & Zn.: klantreis"}
CLIENT = "jansen-bakery"
FIRST_ORDER, LAST_ORDER = date(2023, 3, 5), date(2024, 11, 20)
PERIOD = {"en": "5 March 2023 – 20 November 2024", "nl": "5 maart 2023 – 20 november 2024"}
PAGE_OF = {"en": "page {page} of {pages}", "nl": "pagina {page} van {pages}"}
WIDE_LAST = {"en": "98,765.50", "nl": "98.765,50"}  # the wide table's last cell, as each language writes it
LOGO_RGB = (242, 142, 43)  # the test logo's orange disc
N_BLOCKS, LONG_ROWS = 7, 80  # headed tables in section 3; rows of the long table in section 4

needs_chromium = pytest.mark.skipif(find_chromium() is None,
                                    reason="Chromium not installed: apt-get install chromium (.ci/run does)")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext not installed: apt-get install poppler-utils (.ci/run does)")


def built_report(test):
    """The marks of a test that reads the module's reports (a notebook executed per language, ~20 s each)."""
    for mark in (pytest.mark.slow, pytest.mark.notebook, pytest.mark.timeout(600), needs_chromium, needs_pdftotext):
        test = mark(test)
    return test


# ------------------------------------------------------------------ the test notebook and its reports
NOTEBOOK_CELLS = [
    'shop_config = None\nlanguage = "en"\noutput_dir = None',
    '''import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from journeylab.i18n import t
from journeylab.report.page import Page
from journeylab.report.safe import fill

page = Page(language, output_dir=output_dir)
SENTENCE = "A paragraph of text that runs over a few lines, as the report's explanations do. " * 4


def figure(seed, height):
    rng = np.random.default_rng(seed)
    fig, ax = plt.subplots(figsize=(7, height))
    ax.bar(range(8), rng.integers(1, 9, 8), color=["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"] * 2)
    ax.set_title(f"figure {seed}")
    return fig''',
    # 1: a short table, text and a figure
    '''page.heading(t("executive_summary", language))
page.table(pd.DataFrame({"figure": ["customers", "orders"], "value": [40, 120]}), hide_index=True)
page.text(SENTENCE)
page.figure(figure(1, 3.5))''',
    # 2: a wide table (10 columns) that scrolls on a screen and fits the printed page in smaller type; a very
    # wide one (16 columns) that fits only if its numbers may break
    '''page.heading(t("data_quality", language))
page.text(SENTENCE)
wide = pd.DataFrame({f"WIDECOL{i:02d} with a long header": [12345.25 + i, 765432.5 + i, 42.0] for i in range(1, 11)})
wide.iloc[2, 9] = 98765.5  # WIDE_LAST
page.table(wide, hide_index=True)
page.table(pd.DataFrame({f"VERYWIDE{i:02d}": [1234567.25 + i, 7654321.5 + i] for i in range(1, 17)}), hide_index=True)''',
    # 3: headings each followed by a table: a heading is kept with its table, the table is not split
    f'''page.heading(t("customers_rfm", language))
for b in range(1, {N_BLOCKS} + 1):
    page.heading(fill("Block {{b}} of the section", b=b), level=3)
    page.text(SENTENCE[: 60 * b])
    rows = 8 + 3 * b
    page.table(pd.DataFrame({{"item": [f"ROW{{b}}x{{i}}" for i in range(1, rows + 1)], "value": range(rows)}}),
               hide_index=True)''',
    # 4: a table longer than a page
    f'''page.heading(t("churn_clv", language))
page.text(SENTENCE)
page.table(pd.DataFrame({{"LONGHEADER": [f"LONGROW{{i:03d}}" for i in range(1, {LONG_ROWS} + 1)],
                         "value": range({LONG_ROWS})}}), hide_index=True)''',
    # 5: tall figures, each under its own heading
    '''page.heading(t("journey_section", language))
page.text(SENTENCE)
for k in range(1, 4):
    page.heading(fill("Figure block {k}", k=k), level=3)
    page.figure(figure(10 + k, 5.5))''',
    # 6: text only
    '''page.heading(t("involvement_section", language))
page.text(SENTENCE)''',
]


def _write_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in NOTEBOOK_CELLS]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    return path


def _write_logo(path: Path) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 80), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 79, 79), fill=(31, 78, 121))
    draw.ellipse((16, 16, 64, 64), fill=LOGO_RGB)
    image.save(path)
    return path


def _write_orders(path: Path) -> Path:
    lines = ["order_id,customer_id,ordered_at,revenue"]
    days = (LAST_ORDER - FIRST_ORDER).days
    for i in range(120):
        day = FIRST_ORDER + timedelta(days=days * i // 119)
        lines.append(f"o{i},c{i % 40},{day.isoformat()},{10 + i % 17}.50")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Report:
    """One built report: the run's result, its HTML, the PDF's text page by page and the headings on the page."""

    def __init__(self, lang: str, result) -> None:
        self.lang, self.result = lang, result
        assert result.ok, result.error
        assert result.pdf is not None, result.pdf_note
        self.html = result.html.read_text(encoding="utf-8")
        text = subprocess.run(["pdftotext", "-layout", str(result.pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        self.pages = [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")]
        if self.pages and not self.pages[-1]:
            self.pages.pop()
        self.headings = _Headings.of(self.html)

    def body(self, number: int) -> list[str]:
        """The lines of page ``number`` (1-based) without its footer (the last line)."""
        return self.pages[number - 1][:-1]

    def page_of(self, text: str) -> list[int]:
        """The numbers of the pages whose body has a line containing ``text``."""
        return [n for n in range(1, len(self.pages) + 1) if any(text in line for line in self.body(n))]


class _Headings(HTMLParser):
    """Headings (level, id, class, text), the contents' links and <nav> texts of a report page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[dict] = []
        self.links: list[tuple[str, str]] = []
        self._open: dict | None = None
        self._link: list | None = None
        self._in_nav = 0

    @classmethod
    def of(cls, page: str) -> "_Headings":
        parser = cls()
        parser.feed(page)
        return parser

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav":
            self._in_nav += 1
        if re.fullmatch(r"h[1-6]", tag):
            self._open = {"level": int(tag[1]), "id": attrs.get("id"), "class": attrs.get("class") or "", "text": ""}
        if tag == "a" and self._in_nav:
            self._link = [attrs.get("href") or "", ""]

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav -= 1
        if self._open is not None and tag == f"h{self._open['level']}":
            self._open["text"] = " ".join(self._open["text"].split())
            self.found.append(self._open)
            self._open = None
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data
        if self._link is not None:
            self._link[1] += data

    def sections(self) -> list[dict]:
        return [h for h in self.found if "jl-section" in h["class"].split()]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, Report]:
    """The test report in English and in Dutch (title, logo and client from the config)."""
    if find_chromium() is None or shutil.which("pdftotext") is None:
        pytest.skip("needs Chromium and pdftotext")
    home = tmp_path_factory.mktemp("print")
    _write_notebook(home / "print_sections.ipynb")
    _write_logo(home / "logo.png")
    _write_orders(home / "orders.csv")
    built = {}
    for lang in ("en", "nl"):
        config = home / f"{lang}.yaml"
        config.write_text(f"name: {CLIENT}\ntables:\n  orders: orders.csv\nreport:\n  language: {lang}\n"
                          f"  title: '{TITLES[lang]}'\n  logo: logo.png\n  notebooks: [print_sections.ipynb]\n",
                          encoding="utf-8")
        built[lang] = Report(lang, run_report(config, out_root=home / "reports", progress=False))
    return built


LANGS = pytest.mark.parametrize("lang", ["en", "nl"])


# ------------------------------------------------------------------ the PDF
@built_report
@LANGS
def test_cover_has_the_title_client_period_and_date(reports, lang):
    report = reports[lang]
    cover = " ".join(report.body(1))
    assert report.body(1)[0] == TITLES[lang], report.body(1)[:3]  # the configured title, not the client's slug
    assert t("client", lang) in cover and CLIENT in cover
    assert t("period", lang) in cover and PERIOD[lang] in cover
    today = [long_date(date.today() - timedelta(days=d), lang) for d in (0, 1)]  # a run over midnight
    assert t("report_date", lang) in cover and any(d in cover for d in today), cover
    # nothing of the sections on the cover; the contents on the next page
    assert not any(t(key, lang) in cover for key in SECTIONS)
    assert report.body(2)[0] == t("contents", lang)
    assert f"<title>{TITLES[lang].replace('&', '&amp;')}</title>" in report.html


@built_report
@LANGS
def test_every_page_is_a4_and_has_its_number_in_the_footer(reports, lang):
    report = reports[lang]
    n = len(report.pages)
    assert n >= 8  # cover, contents, six sections (some over more than one page)
    for number, lines in enumerate(report.pages, start=1):
        footer = lines[-1]
        assert footer.endswith(PAGE_OF[lang].format(page=number, pages=n)), (number, footer)
        assert footer.startswith(TITLES[lang][:20]), footer
    info = subprocess.run(["pdfinfo", str(report.result.pdf)], capture_output=True, text=True).stdout \
        if shutil.which("pdfinfo") else "Page size: 595.92 x 841.92 pts (A4)"
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size and abs(float(size[1]) - 595.3) < 2 and abs(float(size[2]) - 841.9) < 2, info
    # bookmarks for a PDF reader's side panel, made from the headings, and a tagged PDF for screen readers
    raw = report.result.pdf.read_bytes()
    assert b"/Outlines" in raw and b"/StructTreeRoot" in raw


@built_report
@LANGS
def test_contents_link_to_every_section_heading_by_a_generated_anchor(reports, lang):
    report = reports[lang]
    sections = report.headings.sections()
    assert [s["text"] for s in sections] == [t(key, lang) for key in SECTIONS]
    assert [s["id"] for s in sections] == [f"sec-{i}" for i in range(1, len(SECTIONS) + 1)]
    assert report.headings.links == [(f"#{s['id']}", s["text"]) for s in sections]
    # headings other than sections (the cover's title, the contents' title, subsections) link nowhere by text
    ids = [h["id"] for h in report.headings.found if h["id"]]
    assert all(re.fullmatch(r"sec-\d+|jl-contents-title", i) for i in ids), ids
    h1 = [h for h in report.headings.found if h["level"] == 1]
    assert [h["text"] for h in h1] == [TITLES[lang]]  # the cover's title is the one h1
    assert page_problems(report.html) == []
    assert report.html.count("data:image/png;base64,") >= 5  # the logo and the figures, embedded


@built_report
@LANGS
def test_sections_start_a_page_and_headings_stay_with_what_follows(reports, lang):
    report = reports[lang]
    starts = {lines[0]: n for n in range(1, len(report.pages) + 1) if (lines := report.body(n))}
    for key in SECTIONS:
        assert t(key, lang) in starts, f"section {t(key, lang)!r} does not start a page"
    for b in range(1, N_BLOCKS + 1):
        heading = report.page_of(f"Block {b} of the section")
        first, last = report.page_of(f"ROW{b}x1 "), report.page_of(f"ROW{b}x{8 + 3 * b} ")
        assert len(heading) == 1 and heading == first == last, (b, heading, first, last)
    # Two of section 5's figures (14 cm high each) do not fit on one page: each figure's heading goes with it,
    # the first onto the section's first page, the others each onto a page of their own.
    figure_pages = [report.page_of(f"Figure block {k}") for k in range(1, 4)]
    first = starts[t("journey_section", lang)]
    assert figure_pages == [[first], [first + 1], [first + 2]], figure_pages


@built_report
@LANGS
def test_a_long_table_repeats_its_header_and_a_wide_table_prints_whole(reports, lang):
    report = reports[lang]
    pages = sorted({n for i in range(1, LONG_ROWS + 1) for n in report.page_of(f"LONGROW{i:03d}")})
    assert len(pages) >= 2, pages  # it is longer than a page ...
    assert all(report.page_of("LONGHEADER").count(n) for n in pages), (pages, report.page_of("LONGHEADER"))
    text = "\n".join(line for n in range(1, len(report.pages) + 1) for line in report.body(n))
    assert "WIDECOL10" in text and WIDE_LAST[lang] in text, "the wide table's last column is not printed whole"
    assert {"en": "765,442.50", "nl": "765.442,50"}[lang] in text  # its numbers are not broken over two lines
    assert "DE16" in text  # the very wide table's last header (broken over two lines: "VERYWI", "DE16")
    shots = report.result.run_dir / "print-width"
    shots.mkdir(exist_ok=True)
    size = page_screenshots(report.result.html, [("#sec-2", shots / "wide.png")])
    from journeylab.report.pdf import PAGE_WIDTH_PX

    assert size["width"] <= PAGE_WIDTH_PX, f"the printed page is {size['width']} px wide: something sticks out"


# ------------------------------------------------------------------ screenshots
def _colours(png: Path) -> tuple[int, float, set]:
    """Distinct colours, the share of pixels that are not white, and the colours themselves."""
    from PIL import Image

    image = Image.open(png).convert("RGB")
    counts = image.getcolors(maxcolors=1 << 22)
    total = image.width * image.height
    white = sum(c for c, rgb in counts if min(rgb) >= 250)
    return len(counts), 1 - white / total, {rgb for _, rgb in counts}


@built_report
@LANGS
def test_screenshots_of_the_cover_and_of_each_section_show_it(reports, lang, tmp_path):
    report = reports[lang]
    sections = report.headings.sections()
    shots = [(None, tmp_path / "cover.png")] + [(f"#{s['id']}", tmp_path / f"{s['id']}.png") for s in sections]
    page_screenshots(report.result.html, shots)
    n, ink, colours = _colours(tmp_path / "cover.png")
    assert n >= 20 and ink > 0.005, (n, ink)
    assert any(max(abs(a - b) for a, b in zip(rgb, LOGO_RGB)) < 12 for rgb in colours), "no logo on the cover"
    assert TITLES[lang] in report.body(1)
    starts = {report.body(k)[0]: k for k in range(1, len(report.pages) + 1) if report.body(k)}
    for section, (_, png) in zip(sections, shots[1:]):
        n, ink, _ = _colours(png)
        assert n >= 20 and ink > 0.005, (section["text"], n, ink)
        assert section["text"] in starts, f"{section['text']!r} starts no page of the PDF"


@built_report
def test_the_page_reads_on_a_phone_and_a_laptop_without_sideways_scrolling(reports, tmp_path):
    html = reports["nl"].result.html
    phone = page_screenshots(html, [(None, tmp_path / "phone.png")], width=390, height=844, media="screen",
                             mobile=True)
    assert phone["width"] <= 390, phone  # wide tables scroll inside their own box, not the page
    laptop = page_screenshots(html, [(None, tmp_path / "laptop.png")], width=1366, height=768, media="screen")
    assert laptop["width"] <= 1366, laptop
    for png in ("phone.png", "laptop.png"):
        n, ink, colours = _colours(tmp_path / png)
        assert n >= 20 and ink > 0.005, (png, n, ink)
    viewport = re.search(r'<meta[^>]*name="viewport"[^>]*>', reports["nl"].html)
    assert viewport and "width=device-width" in viewport[0]


# ------------------------------------------------------------------ the layout helpers (no report)
def test_anchors_are_generated_never_made_from_the_text():
    body = ('<main class="jl-report"><h1>A &#60;b&#62;</h1><p>x</p><h2>Sales: 2024</h2><h3>sub</h3>'
            '<h2>Sales: 2024</h2></main>')
    out, sections = number_sections(body)
    assert [s.id for s in sections] == ["sec-1", "sec-2", "sec-3"] and [s.level for s in sections] == [1, 2, 2]
    assert '<h2 id="sec-2" class="jl-section">Sales: 2024</h2>' in out and "<h3>sub</h3>" in out
    nav = contents_html(sections, "nl")
    assert nav.count("<li") == 3 and 'href="#sec-3"' in nav and "Inhoud" in nav and page_problems(nav) == []
    assert contents_html([], "en") == ""
    with pytest.raises(ValueError):
        number_sections("<h2>no main</h2>")


def test_cover_escapes_its_texts_and_embeds_the_logo(tmp_path):
    hostile = '<script>alert("x")</script> [a](javascript:x)'
    logo = _write_logo(tmp_path / "logo.png")
    html = cover_html(Cover(hostile, client=hostile, period=(date(2024, 1, 2), date(2024, 3, 31)),
                            made=date(2025, 5, 6), logo=logo), "nl")
    assert "<script" not in html and "javascript:" not in html and page_problems(html) == []
    assert 'src="data:image/png;base64,' in html
    assert "2 januari 2024 – 31 maart 2024" in html and "6 mei 2025" in html and "Periode" in html
    bare = cover_html(Cover("Title"), "en")
    assert "<h1" in bare and "<dl" not in bare and "<img" not in bare


def test_footer_numbers_pages_in_the_report_language_and_escapes_the_title():
    footer = footer_template('<img src=x onerror=alert(1)>', "nl")
    assert '<span class="pageNumber"></span>' in footer and '<span class="totalPages"></span>' in footer
    assert "pagina" in footer and " van " in footer and "<img" not in footer
    assert "page <span" in footer_template("t", "en")


def test_dates_in_the_report_language():
    assert long_date(date(2024, 3, 1), "en") == "1 March 2024"
    assert long_date(date(2024, 3, 1), "nl") == "1 maart 2024"
    assert Section("sec-1", 2, "x").id == "sec-1"
