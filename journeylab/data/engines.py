"""Which engine holds a shop and runs its SQL: the one place journeylab chooses between engines.

Like Papermill's engine registry: an engine is a name mapped to the module that implements it, imported
only when a shop or frame of that engine turns up. So the core layers (data, models, journey, report)
never import an engine that sits above them (``journeylab.spark`` imports them, not the other way),
and there is no import cycle. DuckDB, the embedded engine, is the core's own; every other engine's
module provides:

- ``load_shop(config, **options) -> ShopLike``: the canonical tables of a shop config in that engine;
- ``customer_summary(orders, *, observation_end, freq, freq_multiplier, calibration_end) -> DataFrame``:
  the shared summary SQL (journeylab.models.summary) run by that engine.

A shop says which engine holds it (``shop.engine``); a bare frame is known by the package of its type.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

DEFAULT = "duckdb"
ENGINES: dict[str, str] = {"spark": "journeylab.spark"}  # name -> module implementing it (besides DuckDB)
_FRAME_PACKAGES = {"pyspark.": "spark"}  # a frame of one of these packages belongs to that engine


def register(name: str, module: str) -> None:
    """Make engine ``name`` available, implemented by the importable ``module`` (see the module docstring)."""
    ENGINES[name] = module


def names() -> tuple[str, ...]:
    """The engines a shop can be loaded into."""
    return (DEFAULT, *ENGINES)


def engine(name: str) -> ModuleType:
    """The module implementing engine ``name`` (imported now); ValueError for an unknown name."""
    if name not in ENGINES:
        raise ValueError(f"engine must be one of {list(names())}, not {name!r}")
    return importlib.import_module(ENGINES[name])


def engine_of(obj: Any) -> str:
    """The engine holding ``obj``: a shop's own ``engine``, else by the package of a frame's type."""
    name = getattr(obj, "engine", None)
    if isinstance(name, str):
        return name
    module = type(obj).__module__
    for prefix, engine_name in _FRAME_PACKAGES.items():
        if module.startswith(prefix):
            return engine_name
    return DEFAULT


__all__ = ["DEFAULT", "ENGINES", "register", "names", "engine", "engine_of"]
