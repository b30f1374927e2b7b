"""The documentation cannot drift: every ```python example of the site's pages (docs/*.md) and of the README
runs, page by page in one namespace each, from the repository root (docs/make_figures.py, which `make docs`
runs to draw the figures), and the site builds with `mkdocs build --strict` (links, anchors, images, API
reference) where the docs extra is installed."""
from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_figures", ROOT / "docs" / "make_figures.py")
make_figures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_figures)

PAGES = make_figures.pages()


def test_pages_with_examples():
    """Every analysis page and the README have examples; a page whose fences went wrong would run nothing."""
    names = {p.name for p in PAGES}
    assert {"README.md", "getting-started.md", "customers.md", "models.md", "churn.md", "phases.md", "funnels.md",
            "attribution.md", "involvement.md", "report.md", "conventions.md"} <= names
    for page in PAGES:  # an unclosed or mistyped fence would swallow the page
        text = page.read_text(encoding="utf-8")
        assert text.count("```") % 2 == 0, page


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_examples_run(page):
    make_figures.run_page(page)


def test_figures_shown_are_drawn():
    """Every image a page shows is written by a savefig of that page's own examples (so none is stale)."""
    for page in (ROOT / "docs").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        code = "\n".join(c for _, c in make_figures.blocks(page))
        for image in re.findall(r"!\[[^\]]*\]\((img/[^)]+)\)", text):
            assert f'"docs/{image}"' in code, f"{page.name} shows {image} but its examples do not draw it"


def test_nav_lists_every_page():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)

    def files(nav):
        for item in nav:
            if isinstance(item, str):
                yield item
            else:
                for value in item.values():
                    yield from ([value] if isinstance(value, str) else files(value))

    listed = set(files(config["nav"]))
    pages = {str(p.relative_to(ROOT / "docs")) for p in (ROOT / "docs").rglob("*.md")}
    assert pages - listed == set(), "pages missing from the nav of mkdocs.yml"


def test_site_builds_strict(tmp_path):
    """`mkdocs build --strict`: broken links, anchors, images, snippets or API references fail (~6 s)."""
    pytest.importorskip("mkdocs")
    pytest.importorskip("mkdocstrings_handlers.python")
    missing = [p for p in PAGES if p.parent.name == "docs" and any(
        not (ROOT / "docs" / img).exists() for img in re.findall(r"\]\((img/[^)]+)\)", p.read_text(encoding="utf-8")))]
    for page in missing:  # the figures come from the examples (test_examples_run, when run in the same session)
        make_figures.run_page(page)
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (tmp_path / "site" / "reference" / "models" / "index.html").exists()
