"""Text from a shop's data on a page (journeylab.report.safe, journeylab.report.page, the report template and PDF step)."""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeylab.report.display import format_table
from journeylab.errors import JourneylabError
from journeylab.report.run import CONTENT_SECURITY_POLICY, export_html, find_chromium, render_pdf
from journeylab.report.safe import Trusted, fill, markdown, page_problems, plot_labels, plot_text

ROOT = Path(__file__).resolve().parent.parent
PAYLOADS = [
    '<script>alert("JLX1")</script>', '<img src=x onerror=alert("JLX2")>', '[click](javascript:alert("JLX3"))',
    '![pixel](http://evil.example/JLX4.png)', '<http://evil.example/JLX5>', '**JLX6** _x_ `y` # heading',
    '$\\frac{JLX7}{2}$ $$', '</table></div><iframe src="http://evil.example/JLX8">', '"><svg onload=alert(1)>JLX9',
    "line one\n# JLX10 heading\n    indented code", "&lt;script&gt;JLX11", "x" * 500 + "JLX12",
]


def _render(markdown_text: str) -> str:
    """Markdown as nbconvert renders a report's Markdown output (journeylab.report.run.export_html's settings)."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    return MarkdownWithMath(renderer=IPythonRenderer(escape=False, exclude_anchor_links=True)).render(markdown_text)


def _text_of(html: str) -> str:
    from html.parser import HTMLParser

    parts: list[str] = []

    class Text(HTMLParser):
        def handle_data(self, data):
            parts.append(data)

    Text(convert_charrefs=True).feed(html)
    return "".join(parts)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_filled_sentence_shows_the_value_as_written_and_no_markup(payload):
    md = fill("## {title}: {shop}\n\nThe shop **{shop}** has {n:,} customers.", title="Report", shop=payload, n=12345)
    html = _render(md)
    assert page_problems(html) == []
    tags = {t for t in ("<script", "<img", "<iframe", "<svg", "<a ", "<em", "<code", "<h1") if t in html}
    assert not tags, tags
    assert html.count("<h2") == 1 and "<strong>" in html and "12,345" in html
    assert " ".join(payload.split()) in _text_of(html)  # the reader sees the value exactly (on one line)


def test_trusted_fragments_are_filled_as_they_are_and_values_are_escaped_once():
    inner = fill("**{x}**", x="<b>")
    outer = fill("{a} and {b}", a=inner, b="<i>")
    assert isinstance(outer, Trusted)
    assert outer.startswith("**&#60;b&#62;**") and outer.endswith("&#60;i&#62;")
    assert markdown(outer) is outer  # not escaped a second time


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_any_text_is_literal_text_in_rendered_markdown(value):
    html = _render(fill("Channel: {c}", c=value))
    assert page_problems(html) == []
    assert not any(t in html for t in ("<a ", "<img", "<em", "<strong", "<code", "<script", "<h1", "<li", "<pre"))
    shown = value.translate({c: " " for c in [*range(32), *range(0x7F, 0xA0)]})  # C0, DEL and C1 controls
    assert " ".join(shown.split()) in " ".join(_text_of(html).split())


def test_tables_escape_cells_index_headers_and_index_names():
    frame = pd.DataFrame({PAYLOADS[1]: [PAYLOADS[0], "ok"], "n": [1, 2]},
                         index=pd.Index([PAYLOADS[3], "r"], name=PAYLOADS[8]))
    for table in (frame, frame.set_index("n", append=True)):
        html = format_table(table, "en").to_html()
        assert page_problems(html) == []
        assert "<script" not in html and "<img" not in html and "<svg" not in html
        assert "JLX1" in _text_of(html) and "JLX2" in _text_of(html) and "JLX9" in _text_of(html)
    long = format_table(pd.DataFrame({"c": [PAYLOADS[-1]]}), "en").to_html()
    assert "JLX12" not in long and "…" in long  # a 500-character cell is shortened on the page


def test_plot_labels_escape_tex_and_keep_distinct_values_apart():
    values = pd.Series(["$5 off$ " + "x" * 60 + "A", "$5 off$ " + "x" * 60 + "B", "email", None])
    labels = plot_labels(values)
    assert labels.iloc[0] != labels.iloc[1] and labels.iloc[2] == "email" and pd.isna(labels.iloc[3])
    assert all("\\$" in v for v in labels.iloc[:2]) and plot_text("a$b$c") == "a\\$b\\$c"
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.bar(labels.iloc[:3].tolist(), [1, 2, 3])
    fig.canvas.draw()  # TeX parsing would fail on these labels without the escaping
    assert ax.get_xticklabels()[0].get_text().startswith("$5 off$") or "5 off" in ax.get_xticklabels()[0].get_text()
    plt.close(fig)


@pytest.mark.parametrize("snippet,problem", [
    ("<script>x()</script>", "<script>"), ('<p onclick="x()">a</p>', "event handler"),
    ('<a href="javascript:x()">a</a>', "off the page"), ('<img src="http://evil.example/p.png">', "not an embedded"),
    ('<iframe src="data:text/html,x"></iframe>', "<iframe>"), ('<meta http-equiv="refresh" content="0;url=x">', "refresh"),
])
def test_page_problems_finds_what_could_run_or_fetch(snippet, problem):
    found = page_problems(f"<html><body>{snippet}</body></html>")
    assert found and any(problem in p for p in found), found
    assert page_problems('<img src="data:image/png;base64,AAAA" alt="x"><a href="#top">t</a>') == []


def _executed_notebook(path: Path, outputs: list[dict]) -> Path:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.outputs = [nbformat.v4.new_output("display_data", data=o) for o in outputs]
    nb.cells.append(cell)
    nbformat.write(nb, str(path))
    return path


def test_exported_report_has_a_policy_no_script_and_escaped_title(tmp_path):
    from journeylab.report.page import Page  # noqa: F401  (the helpers' output is what a report holds)

    nb = _executed_notebook(tmp_path / "a.ipynb", [
        {"text/markdown": fill("# {x}", x=PAYLOADS[0]), "text/plain": "x"},
        {"text/html": format_table(pd.DataFrame({"c": PAYLOADS[:3]}), "en").to_html(), "text/plain": "t"}])
    html = export_html([nb], tmp_path / "report.html", title=PAYLOADS[0], lang="nl").read_text(encoding="utf-8")
    assert page_problems(html) == []
    assert "<script" not in html.lower()
    assert _meta_policy(html) == CONTENT_SECURITY_POLICY
    assert "script-src 'none'" in CONTENT_SECURITY_POLICY and "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert '<html lang="nl">' in html and "cdnjs" not in html and "mathjax" not in html.lower()
    assert '<title>&lt;script&gt;alert("JLX1")&lt;/script&gt;</title>' in html


def _meta_policy(html: str) -> str | None:
    from html.parser import HTMLParser

    found = []

    class Meta(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "content-security-policy":
                found.append(attrs.get("content"))

    Meta().feed(html)
    return found[0] if len(found) == 1 else None


def test_a_page_with_script_is_never_written(tmp_path):
    nb = _executed_notebook(tmp_path / "a.ipynb", [{"text/html": "<p>hi</p><script>alert(1)</script>", "text/plain": "x"}])
    with pytest.raises(JourneylabError, match="could run or fetch"):
        export_html([nb], tmp_path / "report.html", title="t")
    assert not (tmp_path / "report.html").exists()


@pytest.mark.skipif(find_chromium() is None or shutil.which("pdftotext") is None,
                    reason="needs Chromium and pdftotext (.ci/run installs both)")
def test_pdf_is_printed_with_scripts_off_and_in_bounded_time(tmp_path):
    """A page script that never ends stalled Chromium's --print-to-pdf until its 120 s timeout."""
    page = tmp_path / "p.html"
    page.write_text('<html><body><p id="x">NO SCRIPT RAN</p><script>document.getElementById("x").textContent='
                    '"SCRIPT RAN"; while (true) {}</script></body></html>')
    start = time.monotonic()
    pdf, note = render_pdf(page, tmp_path / "p.pdf", timeout=60)
    assert pdf is not None, note
    assert time.monotonic() - start < 30
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "NO SCRIPT RAN" in text and "SCRIPT RAN" not in text.replace("NO SCRIPT RAN", "")


def test_pdf_step_gives_up_at_its_time_limit(tmp_path, monkeypatch):
    fake = tmp_path / "slow-chromium"
    fake.write_text("#!/bin/sh\nsleep 30\n")
    fake.chmod(0o755)
    monkeypatch.setenv("JOURNEYLAB_CHROMIUM", str(fake))
    (tmp_path / "p.html").write_text("<p>x</p>")
    start = time.monotonic()
    pdf, note = render_pdf(tmp_path / "p.html", tmp_path / "p.pdf", timeout=2)
    assert pdf is None and "in time" in note and time.monotonic() - start < 15


REPORT_NOTEBOOKS = sorted((ROOT / "notebooks").glob("0*.ipynb"))


@pytest.mark.parametrize("path", REPORT_NOTEBOOKS, ids=lambda p: p.name)
def test_report_notebooks_show_output_only_through_the_page(path):
    """One helper puts things on the page (journeylab.report.page.Page), so nothing from the data reaches it unescaped."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    source = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    tree = ast.parse(source)
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    attrs = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert not names & {"display", "Markdown", "HTML", "print", "show"}, names & {"display", "Markdown", "HTML", "print"}
    assert not attrs & {"style", "to_html", "_repr_html_"}
    assert all(c["cell_type"] == "code" for c in nb["cells"])  # no Markdown cell written by hand either
    assert "Page" in names and "page" in names
