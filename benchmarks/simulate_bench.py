"""Benchmark: stream a large simulated shop to Parquet; report time, rows and peak memory.

Usage: .venv/bin/python benchmarks/simulate_bench.py [--customers 2100000] [--chunk-size 100000] [--out DIR]
With the default parameters 2.1M buyers make about 10M orders. Peak memory is the process's
maximum resident set size (resource.getrusage, kilobytes on Linux).
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from journeylab.simulate import write_shop


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=2_100_000)
    ap.add_argument("--chunk-size", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="keep the files here (default: temp dir, removed)")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="simbench-"))
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    write_shop(out, args.customers, seed=args.seed, chunk_size=args.chunk_size)
    seconds = time.perf_counter() - t0
    rows = {p.stem: pq.ParquetFile(p).metadata.num_rows for p in sorted(out.glob("*.parquet"))}
    size_mb = sum(p.stat().st_size for p in out.iterdir()) / 1e6
    result = {
        "customers": args.customers,
        "chunk_size": args.chunk_size,
        "seconds": round(seconds, 1),
        "orders_per_second": round(rows["orders"] / seconds),
        "events_per_second": round(rows["events"] / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_before_mb": round(rss0 / 1024, 1),
        "rows": rows,
        "files_mb": round(size_mb, 1),
    }
    print(json.dumps(result, indent=2))
    if args.out is None:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
