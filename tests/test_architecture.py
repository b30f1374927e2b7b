"""The package's shape, checked by reading its source (issue 14, point 5).

A name with a leading underscore is private to the module that defines it: no other module of journeylab
imports it (``from journeylab.x import _y``, ``from . import _y``) or reaches it through a module
(``import journeylab.x as m; m._y``). A helper another module needs is public, with a docstring.
"""
from __future__ import annotations

import ast
from pathlib import Path

import journeylab

PACKAGE = Path(journeylab.__file__).parent

# (importing module, imported module, private name): none left; a new case needs a reason here.
ALLOWED: set[tuple[str, str, str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_imports(path: Path) -> list[tuple[str, str, str, int]]:
    """(module, imported module, private name, line) of every private name ``path`` takes from another
    module of journeylab."""
    module = _module_name(path)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    modules: dict[str, str] = {}  # local name -> journeylab module it stands for
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package[: len(package) - (node.level - 1)]
                base = ".".join(parent + ([base] if base else []))
            if not (base == "journeylab" or base.startswith("journeylab.")):
                continue
            for alias in node.names:
                if _private(alias.name):
                    found.append((module, base, alias.name, node.lineno))
                else:
                    # ``from journeylab.models import bgnbd as _bg`` binds a module: its attributes are checked below.
                    modules[alias.asname or alias.name] = f"{base}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("journeylab"):
                    local = alias.asname or alias.name.split(".")[0]
                    modules[local] = alias.name if alias.asname else local
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            chain, value = [], node.value
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in modules:
                target = ".".join([modules[value.id], *reversed(chain)])
                found.append((module, target, node.attr, node.lineno))
    return [f for f in found if f[1] != module]


def test_no_private_name_is_imported_across_modules():
    found = [f for path in sorted(PACKAGE.rglob("*.py")) for f in private_imports(path)]
    offending = [f"{mod}:{line} uses {target}.{name}" for mod, target, name, line in found
                 if (mod, target, name) not in ALLOWED]
    assert not offending, "private names used across modules (make them public or move them):\n" + "\n".join(offending)
    # The allow-list holds only cases that still exist: a fixed one is removed from it.
    stale = ALLOWED - {(mod, target, name) for mod, target, name, _ in found}
    assert not stale, f"allowed private imports that no longer occur (remove them from ALLOWED): {sorted(stale)}"


def test_the_check_sees_each_kind_of_private_import(tmp_path):
    pkg = tmp_path / "journeylab" / "report"
    pkg.mkdir(parents=True)
    mod = pkg / "x.py"
    mod.write_text("from journeylab.data.io.validate import _a\nfrom ..models import bgnbd as _b\n"
                   "from . import _c\nimport journeylab.data.pii as p\n_b._d\np._e\n")
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path / "journeylab"
    try:
        names = {(target, name) for _, target, name, _ in private_imports(mod)}
    finally:
        PACKAGE = saved
    assert names == {("journeylab.data.io.validate", "_a"), ("journeylab.report", "_c"),
                     ("journeylab.models.bgnbd", "_d"), ("journeylab.data.pii", "_e")}
