"""Each notebook has one source (issue 14, point 6).

Analysts edit a notebook in JupyterLab, as the ``.ipynb`` or as its jupytext-paired percent-format ``.py``
(the reviewable text); jupytext keeps the two in sync on save. These tests fail when a notebook and its
text file disagree, when a notebook is stored with outputs, when a report notebook has no ``parameters``
cell, and when a student's course notebook is not what ``STUDENT_COMMAND`` writes from its solutions.
"""
from __future__ import annotations

import json
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TEACHING = NOTEBOOKS / "teaching"
SOLUTIONS = TEACHING / "solutions"
PAIRING = "ipynb,py:percent"

# The course notebooks for students (notebooks/teaching/*.ipynb) are written, never edited: each is its
# solutions notebook without the cells tagged "solution" and without the pairing (nbconvert's standard
# preprocessors; run from the repository root after editing a solutions notebook).
STUDENT_OPTIONS = [
    "--to", "notebook",
    "--TagRemovePreprocessor.enabled=True", "--TagRemovePreprocessor.remove_cell_tags=solution",
    "--ClearMetadataPreprocessor.enabled=True", "--ClearMetadataPreprocessor.clear_cell_metadata=False",
    "--ClearMetadataPreprocessor.preserve_nb_metadata_mask=kernelspec",
    "--ClearMetadataPreprocessor.preserve_nb_metadata_mask=language_info",
]
STUDENT_COMMAND = " ".join([".venv/bin/jupyter nbconvert notebooks/teaching/solutions/*.ipynb",
                            "--output-dir notebooks/teaching", *STUDENT_OPTIONS])


def _stored(pattern: str) -> list[Path]:
    """Files in notebooks/ (not in hidden folders such as JupyterLab's .ipynb_checkpoints)."""
    return sorted(p for p in NOTEBOOKS.rglob(pattern)
                  if not any(part.startswith(".") for part in p.relative_to(NOTEBOOKS).parts))


def _name(path: Path) -> str:
    return str(path.relative_to(NOTEBOOKS))


ALL = _stored("*.ipynb")
STUDENT = sorted(TEACHING.glob("*.ipynb"))
SOURCES = [p for p in ALL if p not in STUDENT]  # report notebooks and the course's solutions notebooks
REPORT = sorted(NOTEBOOKS.glob("0*.ipynb"))


def _cells(nb) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def _first_difference(a: list, b: list) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"cell {i}:\n  notebook:  {x!r}\n  text file: {y!r}"
    return f"{len(a)} cells in the notebook, {len(b)} in the text file"


def test_the_notebooks_are_found():
    assert len(REPORT) >= 6 and len(STUDENT) >= 4 and len(SOURCES) == len(REPORT) + len(STUDENT)
    assert sorted(p.name for p in SOLUTIONS.glob("*.ipynb")) == sorted(p.name for p in STUDENT)


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
    orphans = [_name(p) for p in _stored("*.py") if p.with_suffix(".ipynb") not in SOURCES]
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


def test_student_notebooks_are_written_from_their_solutions(tmp_path):
    from nbconvert.nbconvertapp import NbConvertApp

    app = NbConvertApp()
    app.initialize([*map(str, sorted(SOLUTIONS.glob("*.ipynb"))), "--output-dir", str(tmp_path), *STUDENT_OPTIONS])
    app.start()
    for path in STUDENT:
        solution = jupytext.read(SOLUTIONS / path.name)
        assert any("solution" in tags for _, _, tags in _cells(solution)), f"no cell tagged solution in {path.name}"
        written, stored = jupytext.read(tmp_path / path.name), jupytext.read(path)
        assert _cells(stored) == _cells(written) and stored.metadata == written.metadata, (
            f"{_name(path)} is not its solutions notebook without the solution cells; write it again with:\n"
            f"{STUDENT_COMMAND}")
