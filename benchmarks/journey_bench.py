"""Funnel, consideration and attribution over ~50M events: wall time and peak memory (run on demand).

    .venv/bin/python benchmarks/journey_bench.py [--customers 1260000] [--repeats 3] [--threads 2]
                                                  [--memory-limit 6GB] [--reload] [--keep]

1. Generates the shop once with the simulator into benchmarks/out/journey_shop (git-ignored; ~1.26M
   buyers -> ~50M events, seed 11).
2. Loads it once, in its own subprocess, into the DuckDB file benchmarks/out/journey_bench.duckdb
   (``load_shop(config, database=path)``), timing the load and its peak RSS (not in the budget).
   An existing database file is reused unless ``--reload``.
3. Runs the analyses ``--repeats`` times, each in a fresh subprocess that reopens the shop from the file
   (``journeylab.data.shop.open_shop``), so each run's peak RSS (``os.wait4``) is the analyses' own: funnel
   (closed, per session, with next event after drop-off), consideration, attribution by involvement.
   Budget (issue 5): at most 90 s and 8 GB. Prints medians and the machine's load average.

The database file (~4 GB) is deleted at the end unless ``--keep``.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
DB = OUT / "journey_bench.duckdb"


def child_load(shop_yaml: str) -> None:
    import journeylab as jl

    for p in (DB, Path(str(DB) + ".wal")):
        if p.exists():
            p.unlink()
    t0 = time.perf_counter()
    shop = jl.load_shop(shop_yaml, database=DB)
    load_s = time.perf_counter() - t0
    print(json.dumps({"load_s": load_s, "events": shop.count("events")}))
    shop.con.close()


def child_analyses(threads: int, memory_limit: str) -> None:
    from journeylab.journey.attribution import attribution
    from journeylab.journey.funnel import consideration, funnel
    from journeylab.data.shop import open_shop

    t0 = time.perf_counter()
    shop = open_shop(DB)
    shop.con.execute(f"SET threads = {threads}")
    shop.con.execute(f"SET memory_limit = '{memory_limit}'")
    open_s = time.perf_counter() - t0
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
    print(json.dumps({"open_s": open_s, **times, "analyses_s": sum(times.values()),
                      "funnel_conversion": f.conversion(), "converters": len(c), "attribution_rows": len(a),
                      "conversions": {str(k): int(v) for k, v in a.attrs["conversions"].items()}}))


def run_child(args: list[str]) -> dict:
    load_before = os.getloadavg()
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark child {args} failed")
    res = json.loads(out.strip().splitlines()[-1])
    res["peak_rss_gb"] = usage.ru_maxrss / 1024 ** 2
    res["cpu_s"] = usage.ru_utime + usage.ru_stime  # whole child (open + analyses): steadier than wall time under load
    res["load_avg"] = [round(x, 2) for x in (*load_before, *os.getloadavg())]  # 1/5/15 min before, then after
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--customers", type=int, default=1_260_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--memory-limit", default="6GB")
    ap.add_argument("--reload", action="store_true", help="load again even if the database file exists")
    ap.add_argument("--keep", action="store_true", help="keep the database file")
    ap.add_argument("--child-load", default=None)
    ap.add_argument("--child-analyses", action="store_true")
    args = ap.parse_args()
    if args.child_load:
        child_load(args.child_load)
        return
    if args.child_analyses:
        child_analyses(args.threads, args.memory_limit)
        return
    shop_dir = OUT / "journey_shop"
    if not (shop_dir / "shop.yaml").exists():
        from journeylab.simulate import write_shop
        t = time.perf_counter()
        write_shop(shop_dir, args.customers, seed=11, chunk_size=100_000)
        print(f"simulated {args.customers:,} buyers in {time.perf_counter() - t:.0f} s", flush=True)
    result: dict = {"load": None, "runs": []}
    if args.reload or not DB.exists():
        load = run_child(["--child-load", str(shop_dir / "shop.yaml")])
        result["load"] = load
        print(f"load: {load['events']:,} events in {load['load_s']:.1f} s, peak RSS {load['peak_rss_gb']:.2f} GB, "
              f"load avg {load['load_avg']}", flush=True)
    for i in range(args.repeats):
        r = run_child(["--child-analyses", "--threads", str(args.threads), "--memory-limit", args.memory_limit])
        result["runs"].append(r)
        print(f"run {i + 1}: funnel {r['funnel']:.1f} s, consideration {r['consideration']:.1f} s, "
              f"attribution {r['attribution']:.1f} s -> {r['analyses_s']:.1f} s (CPU {r['cpu_s']:.0f} s); "
              f"peak RSS {r['peak_rss_gb']:.2f} GB; "
              f"load avg {r['load_avg']}", flush=True)
    if not result["runs"]:
        (OUT / "journey_bench_load.json").write_text(json.dumps(result, indent=1))
        return
    med = {k: statistics.median(r[k] for r in result["runs"])
           for k in ("funnel", "consideration", "attribution", "analyses_s", "cpu_s", "peak_rss_gb")}
    result["median"] = med
    print(f"median of {args.repeats}: funnel {med['funnel']:.1f} s, consideration {med['consideration']:.1f} s, "
          f"attribution {med['attribution']:.1f} s -> {med['analyses_s']:.1f} s (budget 90 s); "
          f"peak RSS {med['peak_rss_gb']:.2f} GB (budget 8 GB)")
    (OUT / "journey_bench.json").write_text(json.dumps(result, indent=1))
    if not args.keep:
        for p in (DB, Path(str(DB) + ".wal")):
            if p.exists():
                p.unlink()


if __name__ == "__main__":
    main()
