"""Funnel, consideration and attribution over ~50M events: wall time and peak memory (run on demand).

    .venv/bin/python benchmarks/journey_bench.py [--customers 1260000] [--threads 2]

Generates the shop once with the simulator into benchmarks/out/journey_shop (git-ignored; ~1.26M buyers
-> ~50M events), then, in a child process (so its peak RSS is its own, via os.wait4), loads it into an
on-disk DuckDB database and times funnel + consideration + attribution. Loading is timed separately:
the budget (90 s, 8 GB) is for the analyses.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"


def child(shop_yaml: str, threads: int) -> None:
    import journeylab as jl
    from journeylab.attribution import attribution
    from journeylab.funnel import consideration, funnel

    db = OUT / "journey_bench.duckdb"
    if db.exists():
        db.unlink()
    t0 = time.perf_counter()
    shop = jl.load_shop(shop_yaml, database=db)
    shop.con.execute(f"SET threads = {threads}")
    shop.con.execute("SET memory_limit = '6GB'")
    load_s = time.perf_counter() - t0
    n_events = shop.count("events")
    times = {}
    t = time.perf_counter()
    f = funnel(shop)
    times["funnel"] = time.perf_counter() - t
    t = time.perf_counter()
    c = consideration(shop)
    times["consideration"] = time.perf_counter() - t
    t = time.perf_counter()
    a = attribution(shop, by_involvement=True)
    times["attribution"] = time.perf_counter() - t
    print(json.dumps({"load_s": load_s, "events": n_events, **times, "analyses_s": sum(times.values()),
                      "funnel_conversion": f.conversion(), "converters": len(c), "attribution_rows": len(a)}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=1_260_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--child", default=None)
    args = ap.parse_args()
    if args.child:
        child(args.child, args.threads)
        return
    shop_dir = OUT / "journey_shop"
    if not (shop_dir / "shop.yaml").exists():
        from journeylab.simulate import write_shop
        t = time.perf_counter()
        write_shop(shop_dir, args.customers, seed=11)
        print(f"simulated {args.customers:,} buyers in {time.perf_counter() - t:.0f} s")
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(shop_dir / "shop.yaml"),
                             "--threads", str(args.threads)], stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("benchmark child failed")
    res = json.loads(out.strip().splitlines()[-1])
    res["peak_rss_gb"] = usage.ru_maxrss / 1024 ** 2
    print(f"events: {res['events']:,}; load {res['load_s']:.1f} s (not in budget)")
    print(f"funnel {res['funnel']:.1f} s, consideration {res['consideration']:.1f} s, "
          f"attribution {res['attribution']:.1f} s -> {res['analyses_s']:.1f} s (budget 90 s)")
    print(f"peak RSS of the child (load + analyses): {res['peak_rss_gb']:.2f} GB (budget 8 GB)")
    (OUT / "journey_bench.json").write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
