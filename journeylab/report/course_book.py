"""The course book (issue 17): the course's lessons as one static site, built with mkdocs (the theme of the
documentation site), for students to read and for the teacher to publish (notebooks/teaching/README.md).

In: the course directory (``notebooks/teaching``: its ``syllabus.md`` and ``nbgrader_config.py``) and the
executed lesson notebooks, ``{(lesson, language): path of an executed .ipynb}`` (Papermill's output of the
teacher's source, or nbgrader's autograded submissions). Out: a mkdocs project (``mkdocs.yml``, Markdown pages,
figures as image files) and, built from it with ``mkdocs build --strict``, the static site: an index, the
syllabus page (learning goals, time, prerequisites) and per language a page per lesson in the order of the
syllabus table.

A lesson page shows the explanations, tables and figures as the notebook computed them, the exercises'
questions, and each exercise in its student form: nbgrader's own ``ClearSolutions`` and ``ClearHiddenTests``
(with the course's configuration, as ``generate_assignment`` does) replace the answer by the stub and remove
the hidden tests, and the exercise cells' outputs are cleared. The rest of the code is shown folded.
Markdown comes from nbconvert's ``MarkdownExporter``, which writes figures as files.

``python -m journeylab.report.course_book COURSE BUILD`` executes every lesson of the syllabus in every
language (Papermill, in the lesson's folder; the teacher's notebook, so with the solutions) into
``BUILD/executed/`` and builds the book into ``BUILD/book/`` (``make course-book``).
"""
from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import yaml

from journeylab.i18n import LANGUAGES

LANGUAGE_NAMES = {"en": "English", "nl": "Nederlands"}

# nbconvert's Markdown template, with the code of a cell that is not an exercise folded away (pymdownx.details)
# and an exercise's cells (its answer stub and its visible test) shown open.
TEMPLATE = r"""{% extends 'markdown/index.md.j2' %}
{% block input %}
{%- if cell.metadata.get('nbgrader', {}).get('solution') or cell.metadata.get('nbgrader', {}).get('grade') -%}
{{ super() }}
{%- else -%}
??? quote "Code"
{{ super() | indent }}
{%- endif -%}
{% endblock input %}
"""

EXTRA_CSS = """/* the course book: pandas' tables scroll instead of widening the page */
.md-typeset table:not([class]) { font-size: .7rem; }
.md-typeset .dataframe { display: block; overflow-x: auto; font-size: .7rem; border-collapse: collapse; }
.md-typeset .dataframe th, .md-typeset .dataframe td { padding: .2em .6em; border-bottom: 1px solid #ddd; white-space: nowrap; }
"""


@dataclass(frozen=True)
class SyllabusLesson:
    """One row of the syllabus table: the lesson's folder name and what the row says about it."""

    lesson: str
    number: str
    title: str
    time: str
    prerequisites: str


def syllabus_lessons(syllabus: str | Path) -> list[SyllabusLesson]:
    """The lessons of ``syllabus.md``'s table, in its order: the rows whose notebook column is
    ``source/<lesson>/<lesson>.ipynb``; the columns are found by their header (#, lesson, time, prerequisites)."""
    header: list[str] = []
    lessons = []
    for line in Path(syllabus).read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            header = []
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not header:
            header = [c.lower() for c in cells]
            continue
        found = re.fullmatch(r"`?source/(\w+)/(\w+)\.ipynb`?", cells[header.index("notebook")]) if "notebook" in header else None
        if found and found[1] == found[2]:
            row = dict(zip(header, cells))
            lessons.append(SyllabusLesson(found[1], row.get("#", ""), row.get("lesson", found[1]),
                                          row.get("time", ""), row.get("prerequisites", "")))
    return lessons


def _lists_after_paragraphs(markdown: str) -> str:
    """A blank line before a list that follows a paragraph line: GitHub starts the list there, Python-Markdown
    (mkdocs) does not (the syllabus's "The student can" lists)."""
    lines: list[str] = []
    in_list = in_block = False
    for line in markdown.splitlines():
        item = not in_block and re.match(r"\s*(?:[-*]|\d+\.) ", line) is not None
        if item and not in_list and lines and lines[-1].strip() and not lines[-1].lstrip().startswith(("|", "#")):
            lines.append("")
        if line.count("$$") % 2 or line.lstrip().startswith("```"):  # math and code are left alone
            in_block = not in_block
        in_list = (item or in_list) and bool(line.strip())
        lines.append(line)
    return "\n".join(lines) + "\n"


def course_config(course: str | Path) -> Any:
    """The course's nbgrader configuration (``nbgrader_config.py``: the answer stub, the markers)."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()


def student_form(nb: Any, config: Any = None) -> Any:
    """A copy of an executed lesson notebook as the book shows it: every exercise as the student receives it
    (nbgrader's ClearSolutions and ClearHiddenTests with the course's ``config``; a solution cell without
    markers, as in a submission, becomes the stub too), the exercise cells without outputs, and the parameter
    cell as it ran (Papermill's injected parameters in its place). ValueError if another cell shows an error."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearSolutions

    nb = copy.deepcopy(nb)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    cells = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "injected-parameters" in tags:
            continue
        if "parameters" in tags and injected:
            cell.source = injected[-1].source
        cells.append(cell)
    nb.cells = cells
    resources: dict[str, Any] = {}
    for preprocessor in (ClearSolutions, ClearHiddenTests):
        nb, resources = preprocessor(config=config).preprocess(nb, resources)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        grading = cell.metadata.get("nbgrader", {})
        if grading.get("solution") or grading.get("grade"):
            cell.outputs, cell.execution_count = [], None
        elif any(o.output_type == "error" for o in cell.outputs):
            raise ValueError(f"cell {index} of the notebook shows an error; the book shows no tracebacks")
    return nb


def lesson_markdown(nb: Any, name: str) -> tuple[str, dict[str, bytes]]:
    """A student-form notebook as Markdown, and its figures: ``{"<name>_files/<file>": bytes}`` (the page
    links them by those relative paths)."""
    from jinja2 import DictLoader
    from nbconvert import MarkdownExporter

    nb = copy.deepcopy(nb)
    for cell in nb.cells:  # the teacher's Markdown, as Jupyter shows it (lists right after a paragraph line)
        if cell.cell_type == "markdown":
            cell.source = _lists_after_paragraphs(cell.source)
        for output in cell.get("outputs", []):
            if "text/markdown" in output.get("data", {}):
                output.data["text/markdown"] = _lists_after_paragraphs(output.data["text/markdown"])
    exporter = MarkdownExporter(extra_loaders=[DictLoader({"course_book.md.j2": TEMPLATE})],
                                template_file="course_book.md.j2")
    body, resources = exporter.from_notebook_node(
        nb, resources={"unique_key": name, "output_files_dir": f"{name}_files"})
    return body.strip() + "\n", dict(resources.get("outputs", {}))


def _index_page(lessons: list[SyllabusLesson], languages: list[str]) -> str:
    columns = " | ".join(LANGUAGE_NAMES.get(lang, lang) for lang in languages)
    lines = ["# The journeylab course", "",
             "Customer journeys of web shops, measured: every lesson works on a simulated web shop whose truth is "
             "known, and every statement about its data is computed when the lesson runs. "
             "Learning goals, time and prerequisites: [the syllabus](syllabus.md). "
             "The exercises are shown as you receive them; run the lesson's notebook to answer them.", "",
             f"| # | lesson | {columns} | time | prerequisites |",
             "|---|---|" + "---|" * len(languages) + "---|---|"]
    for row in lessons:
        links = " | ".join(f"[{LANGUAGE_NAMES.get(lang, lang)}]({lang}/{row.lesson}.md)" for lang in languages)
        lines.append(f"| {row.number} | {row.title} | {links} | {row.time} | {row.prerequisites} |")
    return "\n".join(lines) + "\n"


def _mkdocs_config(lessons: list[SyllabusLesson], languages: list[str], site_dir: str) -> dict[str, Any]:
    return {
        "site_name": "journeylab course",
        "docs_dir": "docs",
        "site_dir": site_dir,
        "strict": True,
        "use_directory_urls": False,  # pages open from the files too (an LMS upload, a zip)
        "validation": {"omitted_files": "warn", "absolute_links": "warn", "unrecognized_links": "warn",
                       "anchors": "warn"},
        "theme": {"name": "material", "features": ["navigation.sections", "navigation.top", "content.code.copy"]},
        "markdown_extensions": ["admonition", "tables", "attr_list", "md_in_html", {"toc": {"permalink": True}},
                                "pymdownx.details", "pymdownx.highlight", "pymdownx.superfences",
                                {"pymdownx.arithmatex": {"generic": True}}],
        "extra_css": ["book.css"],
        "extra_javascript": ["mathjax.js", "https://unpkg.com/mathjax@3/es5/tex-mml-chtml.js"],
        "plugins": ["search", "offline"],
        "nav": [{"Home": "index.md"}, {"Syllabus": "syllabus.md"}]
               + [{LANGUAGE_NAMES.get(lang, lang): [f"{lang}/{row.lesson}.md" for row in lessons]} for lang in languages],
    }


MATHJAX = """window.MathJax = {
  tex: { inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]], processEscapes: true, processEnvironments: true },
  options: { ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex" }
};
"""


def write_book(course: str | Path, executed: Mapping[tuple[str, str], str | Path], project: str | Path,
               site_dir: str | Path) -> Path:
    """Write the book's mkdocs project into ``project`` (emptied first) from the executed notebooks
    ``{(lesson, language): path}``: one page per lesson of the syllabus and language (KeyError naming the
    missing notebooks), the syllabus, an index. Returns the path of its ``mkdocs.yml``, whose site goes to
    ``site_dir``."""
    import nbformat

    course, project = Path(course), Path(project)
    lessons = syllabus_lessons(course / "syllabus.md")
    languages = [lang for lang in LANGUAGES if any(key[1] == lang for key in executed)]
    missing = [(row.lesson, lang) for row in lessons for lang in languages if (row.lesson, lang) not in executed]
    if not lessons or missing:
        raise KeyError(f"no executed notebook for {missing}" if missing else f"{course / 'syllabus.md'} lists no lesson")
    config = course_config(course)
    if project.exists():
        shutil.rmtree(project)
    docs = project / "docs"
    docs.mkdir(parents=True)
    for row in lessons:
        for lang in languages:
            nb = nbformat.read(Path(executed[row.lesson, lang]), as_version=4)
            page, figures = lesson_markdown(student_form(nb, config), row.lesson)
            (docs / lang).mkdir(exist_ok=True)
            (docs / lang / f"{row.lesson}.md").write_text(page, encoding="utf-8")
            for name, data in figures.items():
                (docs / lang / name).parent.mkdir(parents=True, exist_ok=True)
                (docs / lang / name).write_bytes(data)
    syllabus = (course / "syllabus.md").read_text(encoding="utf-8")
    (docs / "syllabus.md").write_text(_lists_after_paragraphs(syllabus), encoding="utf-8")
    (docs / "index.md").write_text(_index_page(lessons, languages), encoding="utf-8")
    (docs / "book.css").write_text(EXTRA_CSS, encoding="utf-8")
    (docs / "mathjax.js").write_text(MATHJAX, encoding="utf-8")
    site = Path(site_dir).resolve()
    config_file = project / "mkdocs.yml"
    config_file.write_text("# written by journeylab.report.course_book: edit the lessons, not this file\n"
                           + yaml.safe_dump(_mkdocs_config(lessons, languages, str(site)), sort_keys=False,
                                            allow_unicode=True), encoding="utf-8")
    return config_file


def build_book(course: str | Path, executed: Mapping[tuple[str, str], str | Path], project: str | Path,
               site_dir: str | Path) -> Path:
    """:func:`write_book`, then ``mkdocs build --strict`` into ``site_dir``; returns the site's ``index.html``.
    RuntimeError with mkdocs's messages if the build fails (a broken link or image)."""
    config_file = write_book(course, executed, project, site_dir)
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--clean",
                          "--config-file", str(config_file)], capture_output=True, text=True,
                         env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    if run.returncode != 0:
        raise RuntimeError(f"mkdocs build --strict failed:\n{run.stdout}{run.stderr}")
    return Path(site_dir) / "index.html"


def execute_lessons(course: str | Path, out: str | Path, languages: tuple[str, ...] = LANGUAGES
                    ) -> dict[tuple[str, str], Path]:
    """Execute every lesson of the syllabus in every language with Papermill (the teacher's notebook, so with
    its solutions; the lesson's folder as working directory, where its ``texts.yaml`` is) into
    ``out/<language>/<lesson>.ipynb``; returns ``{(lesson, language): path}``."""
    import papermill as pm

    course, out = Path(course), Path(out)
    executed = {}
    for row in syllabus_lessons(course / "syllabus.md"):
        folder = course / "source" / row.lesson
        for lang in languages:
            path = out / lang / f"{row.lesson}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            print(f"executing {row.lesson} ({lang})", flush=True)
            pm.execute_notebook(str(folder / f"{row.lesson}.ipynb"), str(path), parameters={"language": lang},
                                cwd=str(folder), progress_bar=False)
            executed[row.lesson, lang] = path
    return executed


def main(argv: list[str] | None = None) -> None:
    """``python -m journeylab.report.course_book COURSE BUILD``: execute and build (``make course-book``)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("course", type=Path, help="the course directory (notebooks/teaching)")
    parser.add_argument("build", type=Path, help="where executed/, book-src/ and book/ go (build/course)")
    args = parser.parse_args(argv)
    executed = execute_lessons(args.course, args.build / "executed")
    index = build_book(args.course, executed, args.build / "book-src", args.build / "book")
    print(f"course book: {index} (open it, or publish the folder {index.parent})")


if __name__ == "__main__":
    main()
