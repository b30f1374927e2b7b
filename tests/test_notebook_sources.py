"""Each notebook has one source (issue 14, point 6).

Analysts edit a notebook in JupyterLab, as the ``.ipynb`` or as its jupytext-paired percent-format ``.py``
(the reviewable text); jupytext keeps the two in sync on save. These tests fail when a notebook and its
text file disagree, when a notebook is stored with outputs, when a report notebook has no ``parameters``
cell, and when a course lesson (an nbgrader source notebook, issue 17) lacks its language parameter or
nbgrader's marks. tests/test_course.py releases and autogrades the lessons.
"""
from __future__ import annotations

import json
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TEACHING = NOTEBOOKS / "teaching"  # the course: an nbgrader course directory
PAIRING = "ipynb,py:percent"
# what nbgrader writes into the course directory when a teacher runs it there (git ignores these)
NBGRADER_OUTPUT = ("release", "submitted", "autograded", "feedback", "source_with_tests", "solution")


def _stored(pattern: str) -> list[Path]:
    """Files in notebooks/ (not in hidden folders such as JupyterLab's .ipynb_checkpoints, nor nbgrader's output)."""
    return sorted(p for p in NOTEBOOKS.rglob(pattern)
                  if not any(part.startswith(".") for part in p.relative_to(NOTEBOOKS).parts)
                  and not (p.is_relative_to(TEACHING) and p.relative_to(TEACHING).parts[0] in NBGRADER_OUTPUT))


def _name(path: Path) -> str:
    return str(path.relative_to(NOTEBOOKS))


ALL = _stored("*.ipynb")
SOURCES = ALL  # every stored notebook is a source: the report notebooks and the course's lessons
REPORT = sorted(NOTEBOOKS.glob("0*.ipynb"))
LESSONS = sorted(TEACHING.glob("source/*/*.ipynb"))


def _cells(nb) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def _first_difference(a: list, b: list) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"cell {i}:\n  notebook:  {x!r}\n  text file: {y!r}"
    return f"{len(a)} cells in the notebook, {len(b)} in the text file"


def test_the_notebooks_are_found():
    assert len(REPORT) >= 6 and len(LESSONS) >= 1 and len(SOURCES) == len(REPORT) + len(LESSONS)
    assert all(p.stem == p.parent.name for p in LESSONS), "a lesson is source/<lesson>/<lesson>.ipynb (nbgrader)"


@pytest.mark.parametrize("path", SOURCES, ids=_name)
def test_notebook_and_its_text_file_agree(path):
    nb = jupytext.read(path)
    assert nb.metadata.get("jupytext", {}).get("formats") == PAIRING, (
        f"{_name(path)} is not paired: run .venv/bin/jupytext --set-formats {PAIRING} {path.relative_to(ROOT)}")
    text = path.with_suffix(".py")
    assert text.exists(), f"{text.relative_to(ROOT)} is missing: open and save the notebook in JupyterLab"
    a, b = _cells(nb), _cells(jupytext.read(text))
    assert a == b, (f"{_name(path)} and its text file differ (save the one you edited in JupyterLab, or run "
                    f".venv/bin/jupytext --sync {path.relative_to(ROOT)}), at {_first_difference(a, b)}")


def test_every_text_file_belongs_to_a_paired_notebook():
    orphans = [_name(p) for p in _stored("*.py")
               if p.with_suffix(".ipynb") not in SOURCES and p != TEACHING / "nbgrader_config.py"]
    assert not orphans, f"text files without a paired source notebook (delete them or pair a notebook): {orphans}"


@pytest.mark.parametrize("path", ALL, ids=_name)
def test_notebook_is_stored_without_outputs(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    kept = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and (c["outputs"] or c["execution_count"])]
    assert not kept, (f"{_name(path)} is stored with outputs or execution counts in cells {kept}: in JupyterLab "
                      "Edit > Clear Outputs of All Cells, then save")


@pytest.mark.parametrize("path", REPORT, ids=_name)
def test_report_notebook_has_one_parameters_cell(path):
    """Papermill puts a report's parameters after the cell tagged "parameters"; the tag must survive pairing."""
    for nb in (jupytext.read(path), jupytext.read(path.with_suffix(".py"))):
        tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(tagged) == 1 and tagged[0].cell_type == "code", _name(path)


@pytest.mark.parametrize("path", LESSONS, ids=_name)
def test_lesson_has_a_language_parameter_and_nbgrader_marks(path):
    """One ``parameters`` cell that sets ``language``; every solution cell marks its answer for nbgrader to
    remove, and every graded cell is a locked test worth points."""
    nb = jupytext.read(path)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and 'language = "en"' in tagged[0].source, _name(path)
    marked = [c for c in nb.cells if "nbgrader" in c.metadata]
    solutions = [c for c in marked if c.metadata["nbgrader"].get("solution")]
    tests = [c for c in marked if c.metadata["nbgrader"].get("grade")]
    assert solutions and tests, f"{_name(path)} has no exercise for nbgrader"
    for cell in solutions:
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source, cell.source
    for cell in tests:
        meta = cell.metadata["nbgrader"]
        assert cell.cell_type == "code" and meta.get("locked") and meta.get("points", 0) > 0, cell.source
        assert "### BEGIN HIDDEN TESTS" in cell.source, f"{meta['grade_id']}: the answer is graded by hidden tests"
    ids = [c.metadata["nbgrader"]["grade_id"] for c in marked]
    assert len(ids) == len(set(ids)), f"{_name(path)}: grade_id used twice"
