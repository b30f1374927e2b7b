"""Customer summary: journeylab (DuckDB) vs lifetimes, same data, same run.

    .venv/bin/python benchmarks/summary_bench.py --rows 10000000 --repeats 3

Targets (issue 2): at 10M rows at least 4x faster than lifetimes with at most half its peak memory,
from a DataFrame and from Parquet. Each variant runs in its own process; peak memory is that
process's maximum resident set size, which includes the loaded transactions where a variant needs them.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _harness import measure, timed  # noqa: E402


def make_transactions(rows: int, path: Path, seed: int = 0) -> None:
    """Write ``rows`` transactions of about rows/2.5 customers over two years to Parquet."""
    rng = np.random.default_rng(seed)
    n_customers = max(1, int(rows / 2.5))
    customer = rng.integers(0, n_customers, rows)
    start = np.datetime64("2022-01-01T00:00:00")
    seconds = rng.integers(0, 2 * 365 * 86400, rows)
    df = pd.DataFrame({
        "customer_id": pd.Series(customer).astype(str),
        "ordered_at": start + seconds.astype("timedelta64[s]"),
        "revenue": np.round(rng.gamma(2.0, 25.0, rows), 2),
    })
    df.to_parquet(path, index=False)


def child(variant: str, path: str) -> None:
    if variant == "lifetimes-df":
        from lifetimes.utils import summary_data_from_transaction_data

        df = pd.read_parquet(path)
        timed(lambda: summary_data_from_transaction_data(df, "customer_id", "ordered_at", "revenue", freq="D"))
    elif variant == "lifetimes-parquet":
        from lifetimes.utils import summary_data_from_transaction_data

        timed(lambda: summary_data_from_transaction_data(pd.read_parquet(path), "customer_id", "ordered_at", "revenue", freq="D"))
    elif variant == "journeylab-df":
        import journeylab as jl

        df = pd.read_parquet(path)
        timed(lambda: jl.customer_summary(df, freq="D"))
    elif variant == "journeylab-parquet":
        import journeylab as jl

        timed(lambda: jl.customer_summary(path, freq="D"))
    else:
        raise SystemExit(f"unknown variant {variant}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--child", nargs=2, metavar=("VARIANT", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    path = out / f"transactions_{args.rows}.parquet"
    if not path.exists():
        print(f"writing {args.rows:,} transactions to {path}", flush=True)
        make_transactions(args.rows, path)
    results = {}
    for variant in ("lifetimes-df", "journeylab-df", "lifetimes-parquet", "journeylab-parquet"):
        results[variant] = measure(variant, __file__, ["--child", variant, str(path)], args.repeats)
    print(f"\ncustomer summary, {args.rows:,} rows, median of {args.repeats} runs, "
          f"load average {' '.join(open('/proc/loadavg').read().split()[:3])}")
    print(f"{'variant':<20}{'seconds':>10}{'peak MB':>10}{'speed-up':>10}{'memory':>9}")
    for source in ("df", "parquet"):
        base = results[f"lifetimes-{source}"]
        for name in (f"lifetimes-{source}", f"journeylab-{source}"):
            m = results[name]
            print(f"{name:<20}{m.median_s:>10.2f}{m.median_mb:>10,.0f}{base.median_s / m.median_s:>9.1f}x"
                  f"{m.median_mb / base.median_mb:>9.2f}")


if __name__ == "__main__":
    main()
