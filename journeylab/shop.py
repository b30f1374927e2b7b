"""Shop: a shop's canonical tables, loaded, validated and cleaned, in an embedded DuckDB database."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import duckdb
import pandas as pd

from .config import ShopConfig, read_shop_config
from .contract import OPTIONAL_TABLES, REQUIRED_TABLES
from .engine import connect
from .io import clean_tables, read_raw, typed_table


@dataclass
class Shop:
    """The loaded tables of one shop.

    ``con`` holds the canonical tables (``orders`` and whichever of ``order_lines``, ``products``,
    ``events``, ``reviews`` the shop has); ``data_quality`` counts every row read, dropped,
    fixed and kept per table and rule, with the revenue (shop currency) they carry.
    """

    name: str
    con: duckdb.DuckDBPyConnection
    tables: tuple[str, ...]
    data_quality: pd.DataFrame
    observation_end: pd.Timestamp
    currency: str = "EUR"
    involvement: dict[str, str] = field(default_factory=dict)
    config: ShopConfig | None = None

    def has(self, table: str) -> bool:
        """Whether the shop has this canonical table."""
        return table in self.tables

    def table(self, table: str) -> pd.DataFrame:
        """A canonical table as a pandas DataFrame (fine for per-customer sized tables)."""
        if not self.has(table):
            raise KeyError(f"shop '{self.name}' has no {table} table; it has {list(self.tables)}")
        return self.con.execute(f"SELECT * FROM {table}").df()

    def sql(self, query: str, params: list[Any] | None = None) -> pd.DataFrame:
        """Run SQL on the shop's tables and return the result as a DataFrame."""
        return self.con.execute(query, params or []).df()

    def relation(self, table: str) -> duckdb.DuckDBPyRelation:
        """A canonical table as a lazy DuckDB relation (for row-level work in the engine)."""
        return self.con.table(table)

    def count(self, table: str) -> int:
        """Number of rows in a canonical table."""
        return int(self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def quality_summary(self) -> pd.DataFrame:
        """Per table: rows read, kept, dropped and fixed, and the revenue of each (shop currency)."""
        dq = self.data_quality
        out = dq.pivot_table(index="table", columns="action", values="rows", aggfunc="sum", fill_value=0)
        return out.reindex(columns=["read", "kept", "dropped", "fixed"], fill_value=0)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{t}={self.count(t):,}" for t in self.tables)
        return f"Shop({self.name!r}, {sizes}, observation_end={self.observation_end.date()})"


def load_shop(config: str | Path | Mapping[str, Any] | ShopConfig, *, database: str | Path | None = None) -> Shop:
    """Load, map, validate and clean a shop's tables into DuckDB.

    ``config`` is a YAML path or dict (see journeylab.config) naming a file or DataFrame per
    table. ``database`` is a DuckDB file for data larger than memory (default: in memory).
    Raises DataError for a user mistake (file, column, problem, example rows); everything that
    can be cleaned is cleaned and counted in ``Shop.data_quality``.
    """
    cfg = read_shop_config(config)
    con = connect(database)
    typed: dict[str, tuple[str, list[str]]] = {}
    for table in REQUIRED_TABLES + OPTIONAL_TABLES:
        if table in cfg.tables:
            source = cfg.tables[table]
            raw = read_raw(con, source)
            typed[table] = typed_table(con, raw, source)
            con.execute(f"DROP TABLE {raw}")
    dq, obs_end = clean_tables(con, typed, cfg.tables, cfg.observation_end)
    for name, _ in typed.values():
        con.execute(f"DROP TABLE {name}")
    return Shop(
        name=cfg.name,
        con=con,
        tables=tuple(t for t in REQUIRED_TABLES + OPTIONAL_TABLES if t in typed),
        data_quality=dq,
        observation_end=obs_end,
        currency=cfg.currency,
        involvement=cfg.involvement,
        config=cfg,
    )
