"""Run the documentation's examples, page by page, and so write the figures the pages show.

Every fenced block opened with exactly ```` ```python ```` in a page of ``docs/`` (and in ``README.md``) is
executed, in page order, in one namespace per page, with the repository root as working directory and
matplotlib's Agg backend. Blocks opened with ```` ```py ```` are shown but not run (Spark on a cluster,
the report's minutes). A page's figures are the ``fig.savefig("docs/img/....png")`` lines of its own
examples, so a figure is always what the code beside it draws; ``docs/img/`` is generated, not committed.

``make docs`` runs this before ``mkdocs build --strict``; tests/test_docs.py runs the same pages, so an
example that no longer runs fails the tests.

    python docs/make_figures.py              # every page
    python docs/make_figures.py docs/funnels.md
"""
from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def pages() -> list[Path]:
    """The pages with examples to run: README.md, then docs/*.md in name order (docs/reference has none)."""
    found = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
    return [p for p in found if blocks(p)]


def blocks(page: Path) -> list[tuple[int, str]]:
    """The ```python blocks of a page: (line number of the block's first code line, code)."""
    text = page.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in FENCE.finditer(text)]


def run_page(page: Path) -> dict:
    """Execute a page's examples in order in one fresh namespace (working directory: the repository root);
    returns the namespace. An exception names the page and the line of the failing block."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    page = Path(page).resolve()
    IMG.mkdir(exist_ok=True)
    namespace: dict = {"__name__": "__docs__"}
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        # what the examples print (an error message they show) is not the build's output
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")  # numerical warnings of the fitters are not the examples' business
            for line, code in blocks(page):
                name = f"{page.relative_to(ROOT)}:{line}"
                # a block's line numbers in tracebacks are the page's own
                exec(compile("\n" * (line - 1) + code, name, "exec"), namespace)
    finally:
        os.chdir(here)
        plt.close("all")
    return namespace


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))  # this checkout's journeylab, whatever the environment has installed
    todo = [Path(a).resolve() for a in argv] or pages()
    for page in todo:
        start = time.perf_counter()
        run_page(page)
        print(f"{page.relative_to(ROOT)}: {len(blocks(page))} examples run in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
