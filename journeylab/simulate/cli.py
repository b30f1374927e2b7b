"""``journeylab simulate``: write a simulated shop (tables, shop.yaml, truth) to a folder."""
from __future__ import annotations

import argparse
import time


def add_simulate_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``simulate`` subcommand on the CLI's subparsers."""
    p = subparsers.add_parser("simulate", help="write a simulated shop with known truth (demo, teaching, tests)")
    p.add_argument("--customers", type=int, default=5000, help="buyers (persons with an order); default 5000")
    p.add_argument("--seed", type=int, default=1, help="random seed; same seed -> same files (default 1)")
    p.add_argument("--out", required=True, help="output folder (created if missing)")
    p.add_argument("--start", default="2023-01-01", help="first day of activity (default 2023-01-01)")
    p.add_argument("--end", default="2024-12-31",
                   help="observation end, exclusive: activity stops at midnight starting this day (default 2024-12-31)")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet", help="table file format")
    p.add_argument("--chunk-size", type=int, default=100_000, help="buyers per chunk in memory (default 100000)")
    p.add_argument("--name", default=None, help="shop name written to shop.yaml (default: the folder's name)")
    p.set_defaults(func=run_simulate)
    return p


def run_simulate(args: argparse.Namespace) -> int:
    """Write the shop; print where it went. Returns the exit status."""
    from pathlib import Path

    from journeylab.simulate import write_shop

    t0 = time.perf_counter()
    path = write_shop(args.out, args.customers, start=args.start, end=args.end, seed=args.seed,
                      chunk_size=args.chunk_size, format=args.format,
                      name=args.name or Path(args.out).resolve().name)
    print(f"simulated {args.customers} customers (seed {args.seed}) in {time.perf_counter() - t0:.1f} s -> {path}")
    return 0
