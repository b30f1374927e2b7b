"""simulate_shop (in memory) and write_shop (streamed to files) on top of the block model."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml

from journeylab.simulate.catalog import Catalog, make_catalog
from journeylab.simulate.model import simulate_block
from journeylab.simulate.params import SimulationParams
from journeylab.simulate.tables import Offsets, block_tables, product_table

BLOCK_SIZE = 20_000  # buyers per random stream; fixed so output does not depend on chunk_size
CANONICAL = ("orders", "order_lines", "products", "events", "reviews")
DateLike = str | date | datetime | pd.Timestamp


@dataclass
class SimulationTruth:
    """What generated the shop: parameters (JSON-ready dict) and per-person / per-session latent state."""

    params: dict[str, Any]
    customers: pd.DataFrame  # one row per person (buyers and never-buying visitors)
    sessions: pd.DataFrame  # session_id, user_id, kind, started_at


@dataclass
class SimulatedShop:
    """Canonical tables of a simulated shop plus its truth."""

    orders: pd.DataFrame
    order_lines: pd.DataFrame
    products: pd.DataFrame
    events: pd.DataFrame
    reviews: pd.DataFrame
    truth: SimulationTruth
    observation_end: pd.Timestamp = field(default=None)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The five canonical tables by name."""
        return {name: getattr(self, name) for name in CANONICAL}


def _window(start: DateLike, end: DateLike) -> tuple[pd.Timestamp, pd.Timestamp, float, int]:
    s, e = pd.Timestamp(start), pd.Timestamp(end)
    if e <= s:
        raise ValueError(f"end ({e.date()}) must be after start ({s.date()})")
    return s, e, (e - s) / pd.Timedelta(days=1), int(s.timestamp())


def _params(params: SimulationParams | dict[str, Any] | None) -> SimulationParams:
    if isinstance(params, SimulationParams):
        return params
    return SimulationParams.from_dict(params)


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stream,)))


def _chunks(n_customers: int, seed: int, start: DateLike, end: DateLike, params: SimulationParams,
            chunk_size: int) -> Iterator[tuple[Catalog, pa.Table, dict[str, pa.Table]]]:
    """Yield (catalog, products, tables) per chunk of ``chunk_size`` buyers (rounded to blocks)."""
    if n_customers < 1:
        raise ValueError("n_customers must be at least 1")
    _, _, W, start_s = _window(start, end)
    cat = make_catalog(params, _rng(seed, 0))
    products = product_table(cat)
    off = Offsets()
    blocks_per_chunk = max(1, chunk_size // BLOCK_SIZE)
    n_blocks = -(-n_customers // BLOCK_SIZE)
    for c0 in range(0, n_blocks, blocks_per_chunk):
        parts: list[dict[str, pa.Table]] = []
        for b in range(c0, min(c0 + blocks_per_chunk, n_blocks)):
            nb = min(BLOCK_SIZE, n_customers - b * BLOCK_SIZE)
            block = simulate_block(_rng(seed, 1 + b), nb, params, W, cat)
            parts.append(block_tables(block, off, cat, products["product_id"], start_s))
        yield cat, products, {k: pa.concat_tables([p[k] for p in parts]) for k in parts[0]}


def simulate_shop(n_customers: int, start: DateLike = "2023-01-01", end: DateLike = "2024-12-31",
                  seed: int = 0, params: SimulationParams | dict[str, Any] | None = None) -> SimulatedShop:
    """Simulate a shop in memory.

    n_customers: buyers (persons with at least one completed order in [start, end)); never-buying
    visitors come on top (``params.nonbuyers_per_customer`` per buyer). start/end: the window;
    ``end`` is the observation end (midnight, exclusive). Same seed and params -> same shop.
    """
    p = _params(params)
    s, e, _, _ = _window(start, end)
    chunks = list(_chunks(n_customers, seed, s, e, p, chunk_size=10**12))
    _, products, t = chunks[0]
    df = {k: v.to_pandas() for k, v in t.items()}
    return SimulatedShop(
        orders=df["orders"], order_lines=df["order_lines"], products=products.to_pandas(),
        events=df["events"], reviews=df["reviews"],
        truth=SimulationTruth(params=truth_params(p, n_customers, s, e, seed), customers=df["truth_customers"],
                              sessions=df["truth_sessions"]),
        observation_end=e,
    )


def truth_params(p: SimulationParams, n_customers: int, start: pd.Timestamp, end: pd.Timestamp, seed: int) -> dict[str, Any]:
    """Everything needed to regenerate the shop and to check estimates against the truth."""
    return {
        "n_customers": n_customers, "seed": seed, "start": str(start.date()), "end": str(end.date()),
        "time_unit_bgnbd": "weeks", "currency": "EUR", "block_size": BLOCK_SIZE,
        "params": p.to_dict(),
    }


def write_shop(out_dir: str | Path, n_customers: int, start: DateLike = "2023-01-01", end: DateLike = "2024-12-31",
               seed: int = 0, chunk_size: int = 100_000, format: str = "parquet",
               params: SimulationParams | dict[str, Any] | None = None, name: str = "simulated",
               truth_sessions: bool = True) -> Path:
    """Stream a simulated shop to ``out_dir``; returns the path of its ``shop.yaml``.

    Writes one file per canonical table (``orders.parquet`` ... or ``.csv``), ``shop.yaml`` for
    ``journeylab.load_shop``, ``truth.json`` (parameters) and ``truth_customers.parquet`` (per
    person latent state) plus ``truth_sessions.parquet`` (session kinds). Memory is bounded by
    ``chunk_size`` buyers (rounded down to blocks of 20,000); the files do not depend on it.
    """
    if format not in ("parquet", "csv"):
        raise ValueError(f"format must be 'parquet' or 'csv', not {format!r}")
    p = _params(params)
    s, e, _, _ = _window(start, end)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ext = "parquet" if format == "parquet" else "csv"
    writers: dict[str, Any] = {}

    def write(name_: str, table: pa.Table, fmt: str) -> None:
        if name_ not in writers:
            path = out / f"{name_}.{fmt}"
            writers[name_] = (pq.ParquetWriter(path, table.schema, compression="zstd") if fmt == "parquet"
                              else pacsv.CSVWriter(path, table.schema))
        writers[name_].write_table(table)

    try:
        for i, (_, products, tables) in enumerate(_chunks(n_customers, seed, s, e, p, chunk_size)):
            if i == 0:
                write("products", products, ext)
            for k, t in tables.items():
                if k == "truth_sessions" and not truth_sessions:
                    continue
                write(k, t, "parquet" if k.startswith("truth") else ext)
    finally:
        for w in writers.values():
            w.close()
    (out / "truth.json").write_text(json.dumps(truth_params(p, n_customers, s, e, seed), indent=2) + "\n")
    config = {
        "name": name,
        "observation_end": str(e.date()),
        "currency": "EUR",
        "tables": {k: {"path": f"{k}.{ext}"} for k in CANONICAL},
    }
    path = out / "shop.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path
