"""Shop: a shop's canonical tables, loaded, validated and cleaned, in an embedded DuckDB database."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Mapping, Protocol, runtime_checkable

import duckdb
import pandas as pd

from journeylab.data.config import ShopConfig, read_shop_config
from journeylab.data.contract import OPTIONAL_TABLES, REQUIRED_TABLES
from journeylab.data import engines
from journeylab.data.dialect import DUCKDB, Dialect
from journeylab.data.engine import connect
from journeylab.display_repr import View, number
from journeylab.errors import DataError
from journeylab.data.io import clean_tables, read_raw, typed_table
from journeylab.data.io.clean import finish_quality


@runtime_checkable
class ShopLike(Protocol):
    """What journeylab's analyses ask of a shop, whatever engine holds it: ``Shop`` (DuckDB) and
    journeylab.spark.SparkShop both are one. SQL from journeylab's shared builders runs on the canonical
    table names in the shop's ``dialect``; ``work`` tables hold intermediate results."""

    name: str
    engine: str
    currency: str
    observation_end: pd.Timestamp
    data_quality: pd.DataFrame
    involvement: dict[str, str]

    @property
    def dialect(self) -> Dialect: ...
    def has(self, table: str) -> bool: ...
    def table(self, table: str) -> pd.DataFrame: ...
    def sql(self, query: str) -> pd.DataFrame: ...
    def count(self, table: str) -> int: ...
    def columns(self, table: str) -> list[str]: ...
    def has_work(self, name: str) -> bool: ...
    def create_work(self, name: str, query: str) -> str: ...
    def drop_work(self, name: str) -> None: ...
    def register(self, name: str, frame: pd.DataFrame) -> None: ...
    def unregister(self, name: str) -> None: ...
    def scalar(self, query: str) -> Any: ...


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
    engine: ClassVar[str] = "duckdb"  # journeylab.data.engines: the engine that holds these tables

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

    # The work-table interface journeylab's shared SQL builders use (journeylab.spark.SparkShop has the same).
    @property
    def dialect(self) -> Dialect:
        """The SQL dialect of this shop's engine (journeylab.data.dialect)."""
        return DUCKDB

    def columns(self, table: str) -> list[str]:
        """Column names of a canonical or work table."""
        return list(self.con.execute(f"SELECT * FROM {table} LIMIT 0").df().columns)

    def has_work(self, name: str) -> bool:
        """Whether work table ``name`` (a ``_jl_*`` temp table) exists."""
        q = "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND temporary"
        return bool(self.con.execute(q, [name]).fetchone()[0])

    def create_work(self, name: str, query: str) -> str:
        """Create (or replace) work table ``name`` as the result of ``query``; returns ``name``.

        Work tables are temporary (never written to a database file); their row order is not kept,
        which saves memory and time on large tables and which nothing relies on."""
        before = self.con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()[0]
        self.con.execute("SET preserve_insertion_order = false")
        try:
            self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {query}")
        finally:
            self.con.execute(f"SET preserve_insertion_order = {'true' if before else 'false'}")
        return name

    def drop_work(self, name: str) -> None:
        """Drop work table ``name`` if it exists."""
        self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Make a (small) pandas DataFrame queryable as ``name`` until :meth:`unregister`."""
        self.con.register(name, frame)

    def unregister(self, name: str) -> None:
        self.con.unregister(name)

    def scalar(self, query: str) -> Any:
        """The single value of a one-row, one-column query."""
        return self.con.execute(query).fetchone()[0]

    def quality_summary(self) -> pd.DataFrame:
        """Per table: rows read, kept, dropped and fixed, and the revenue of each (shop currency)."""
        dq = self.data_quality
        out = dq.pivot_table(index="table", columns="action", values="rows", aggfunc="sum", fill_value=0)
        return out.reindex(columns=["read", "kept", "dropped", "merged", "fixed"], fill_value=0)

    def __repr__(self) -> str:
        sizes = ", ".join(f"{t}={self.count(t):,}" for t in self.tables)
        return f"Shop({self.name!r}, {sizes}, observation_end={self.observation_end.date()})"

    def _repr_html_(self) -> str:
        """The shop's name, engine, currency, observation end and rows per table (journeylab.display_repr)."""
        view = View(f"Shop {self.name!r} ({self.engine}, {self.currency}), observed to {self.observation_end.date()}")
        view.table(["table", "rows"], [[t, number(self.count(t))] for t in self.tables])
        if self.involvement:
            view.value("involvement levels", f"{len(self.involvement)} categories")
        return view.html()


def load_shop(config: str | Path | Mapping[str, Any] | ShopConfig, *, database: str | Path | None = None,
              engine: str = "duckdb", spark: Any = None) -> Shop:
    """Load, map, validate and clean a shop's tables into DuckDB (or Spark).

    ``config`` is a YAML path or dict (see journeylab.data.config) naming a file or DataFrame per
    table, or the ``.duckdb`` file of a shop loaded before with ``database=`` (reopened, see open_shop). ``database`` is a DuckDB file for data larger than memory (default: in memory).
    Raises DataError for a user mistake (file, column, problem, example rows); everything that
    can be cleaned is cleaned and counted in ``Shop.data_quality``.

    With ``format:`` in the config, the shop-system adapter of that format (journeylab.data.io.adapters)
    builds the canonical tables from the export first; tables listed under ``tables:`` add
    what the export lacks. E-mail addresses and phone numbers used as customer or user ids are
    pseudonymised (journeylab.data.pii) before they reach a table.

    ``engine="spark"`` (or a SparkSession as ``spark``) keeps the tables as Spark DataFrames and
    returns a journeylab.spark.SparkShop with the same data_quality (needs the ``spark`` extra).
    """
    if spark is not None:  # an existing SparkSession names its engine
        engine = "spark"
    if engine != engines.DEFAULT:
        return engines.engine(engine).load_shop(config, spark=spark)  # type: ignore[return-value]
    if isinstance(config, (str, Path)) and Path(config).suffix == ".duckdb":
        return open_shop(config)  # a shop loaded before, e.g. once per report run for all its notebooks
    cfg = read_shop_config(config)
    con = connect(database)
    if os.environ.get("JOURNEYLAB_MEMORY_LIMIT"):
        # Caps DuckDB's buffer pool while loading (e.g. '1GB'); with a database file it spills to disk.
        con.execute(f"SET memory_limit = '{os.environ['JOURNEYLAB_MEMORY_LIMIT']}'")
    typed: dict[str, tuple[str, list[str]]] = {}
    sources = dict(cfg.tables)
    adapter_quality: list[dict] = []
    no_orders = False
    if cfg.format is not None:
        from journeylab.data.io.adapters import LABELS, Context, get_adapter

        adapted = get_adapter(cfg.format)(Context(con, cfg, LABELS[cfg.format]))
        typed.update(adapted.typed)
        adapter_quality = adapted.quality
        # an events-only export (no orders by nature) keeps its empty orders table unless the config adds one
        no_orders = adapted.no_orders and "orders" not in cfg.tables
        if adapted.no_orders and "orders" in cfg.tables:
            typed.pop("orders")
        for table, src in adapted.sources.items():
            sources.setdefault(table, src)
    for table in REQUIRED_TABLES + OPTIONAL_TABLES:
        if table in cfg.tables and table not in typed:
            source = cfg.tables[table]
            raw = read_raw(con, source)
            typed[table] = typed_table(con, raw, source, secret_folder=cfg.folder)
            con.execute(f"DROP TABLE {raw}")
    if "orders" not in typed:
        raise DataError(f"format '{cfg.format}' gives no orders table here; add one under 'tables:'", table="orders")
    dq, obs_end = clean_tables(con, typed, sources, cfg.observation_end, no_orders=no_orders)
    dq = finish_quality(dq, adapter_quality, sources["orders"].label if "orders" in sources else None,
                        no_orders=no_orders)
    for name, _ in typed.values():
        con.execute(f"DROP TABLE {name}")
    shop = Shop(
        name=cfg.name,
        con=con,
        tables=tuple(t for t in REQUIRED_TABLES + OPTIONAL_TABLES if t in typed),
        data_quality=dq,
        observation_end=obs_end,
        currency=cfg.currency,
        involvement=cfg.involvement,
        config=cfg,
    )
    if database is not None:
        _save_meta(shop)
    return shop


_META, _META_DQ = "journeylab_shop", "journeylab_data_quality"


def _save_meta(shop: Shop) -> None:
    """Store what ``open_shop`` needs besides the tables (name, observation end, data quality) in the database."""
    meta = pd.DataFrame([{
        "name": shop.name, "observation_end": shop.observation_end, "currency": shop.currency,
        "tables": json.dumps(list(shop.tables)), "involvement": json.dumps(dict(shop.involvement or {})),
    }])
    shop.con.register("_jl_meta_df", meta)
    shop.con.execute(f"CREATE OR REPLACE TABLE {_META} AS SELECT * FROM _jl_meta_df")
    shop.con.unregister("_jl_meta_df")
    shop.con.register("_jl_meta_df", shop.data_quality)
    shop.con.execute(f"CREATE OR REPLACE TABLE {_META_DQ} AS SELECT * FROM _jl_meta_df")
    shop.con.unregister("_jl_meta_df")
    shop.con.execute("CHECKPOINT")


def open_shop(database: str | Path) -> Shop:
    """Reopen a Shop that ``load_shop(config, database=path)`` loaded into a DuckDB file, without loading again.

    The canonical tables, the data quality counts, the observation end, currency and involvement
    mapping come from the file (``config`` is None). Analyses then run on the file's tables; their
    ``_jl_*`` work tables are temporary and never written to the file. ``JOURNEYLAB_MEMORY_LIMIT`` (e.g.
    '6GB') caps DuckDB's memory as in ``load_shop``; larger work spills to disk next to the file.
    """
    path = Path(database)
    if not path.exists():
        raise DataError("database file does not exist", file=str(path), hint="load it first: load_shop(config, database=path)")
    con = connect(path)
    if os.environ.get("JOURNEYLAB_MEMORY_LIMIT"):
        con.execute(f"SET memory_limit = '{os.environ['JOURNEYLAB_MEMORY_LIMIT']}'")
    try:
        name, obs_end, currency, tables, involvement = con.execute(
            f"SELECT name, observation_end, currency, tables, involvement FROM {_META}").fetchone()
    except duckdb.CatalogException:
        con.close()
        raise DataError("is not a journeylab shop database (no journeylab_shop table)", file=str(path),
                        hint="load it with load_shop(config, database=path)") from None
    dq = con.execute(f"SELECT * FROM {_META_DQ}").df()
    return Shop(name=name, con=con, tables=tuple(json.loads(tables)), data_quality=dq,
                observation_end=pd.Timestamp(obs_end), currency=currency, involvement=json.loads(involvement))
