"""Markers for items pytest collects outside tests/: the notebooks nbval executes are ``notebook`` tests."""
from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebook)


# The course's notebooks (notebooks/teaching/source/<lesson>/) run in tests/test_course.py, where nbgrader
# autogrades each lesson's solution and a wrong submission; nbval does not execute them a third time.
collect_ignore_glob = ["notebooks/teaching/*"]
