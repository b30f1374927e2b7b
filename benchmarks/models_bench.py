"""Benchmark: Parquet orders -> summary -> BG/NBD + Gamma-Gamma -> P(alive), expected purchases and
12-month CLV for every customer, journeylab vs plain lifetimes, in the same run; plus Pareto/NBD fit time.

Usage: .venv/bin/python benchmarks/models_bench.py [--rows 10000000] [--repeats 3] [--lifetimes-repeats 1]
       [--skip-lifetimes]
Data: BG/NBD-like shop simulated once per size (about 2.5 orders per customer over two years) and
written to benchmarks/out/models_transactions_<rows>.parquet. Each variant runs in its own subprocess;
peak memory is its maximum resident set size (os.wait4). Targets (issue 4): >= 15x faster than
lifetimes, <= 10 s and <= 3 GB at 10M rows; Pareto/NBD fit <= 15 s at 1M rows.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

OUT = Path(__file__).resolve().parent / "out"
OBS_END = pd.Timestamp("2023-12-31")
DAYS = 730


def make_transactions(rows: int, path: Path, seed: int = 0) -> None:
    """Customers join uniformly over two years, buy at Poisson rates lambda ~ Gamma(0.6, 1/60 days) and
    drop out after a purchase with p ~ Beta(1, 3); customers are added until about ``rows`` orders."""
    rng = np.random.default_rng(seed)
    n = int(rows / 2.5)
    start = rng.uniform(0, DAYS, n)
    lam = rng.gamma(0.6, 1 / 60, n)
    lives = rng.geometric(rng.beta(1.0, 3.0, n))
    k = 1 + np.minimum(rng.poisson(lam * (DAYS - start)), lives)
    scale = rows / k.sum()  # rescale to hit the requested size closely
    n2 = int(n * scale)
    start, k = (start[:n2], k[:n2]) if n2 <= n else (np.resize(start, n2), np.resize(k, n2))
    cust = np.repeat(np.arange(len(k)), k)
    first = np.r_[0, np.cumsum(k)[:-1]]
    day = start[cust] + rng.uniform(0, 1, len(cust)) * (DAYS - start[cust])
    day[first] = start  # each customer's first order opens the history
    t0 = np.datetime64("2022-01-01T00:00:00")
    df = pd.DataFrame({
        "customer_id": cust.astype(np.int64),
        "ordered_at": t0 + (day * 86400).astype("timedelta64[s]"),
        "revenue": np.round(rng.gamma(3.0, 15.0, len(cust)) * rng.gamma(20, 1 / 20, len(k))[cust], 2),
    })
    df.to_parquet(path, index=False)


def emit(seconds: float, **numbers) -> None:
    print(json.dumps({"seconds": seconds, **numbers}))


def child(variant: str, path: str) -> None:
    t0 = time.perf_counter()
    if variant == "journeylab":
        from journeylab.models.clv import CustomerValueModel
        from journeylab.models.summary import customer_summary

        summary = customer_summary(path, observation_end=OBS_END, freq="D")
        t1 = time.perf_counter()
        model = CustomerValueModel("bgnbd", "gammagamma").fit(summary)
        t2 = time.perf_counter()
        pred = model.predict(12, unit="months", discount_rate=1.01 ** 12 - 1)  # per year: lifetimes' 0.01 a month
        t3 = time.perf_counter()
        emit(t3 - t0, summary_s=t1 - t0, fit_s=t2 - t1, predict_s=t3 - t2, customers=len(pred),
             clv=float(pred["clv"].sum()),
             p_alive=float(pred["p_alive"].sum()), expected=float(pred["expected_purchases"].sum()),
             params=model.purchase_model_.params_.round(6).tolist())
    elif variant == "lifetimes":
        import lifetimes
        from lifetimes.utils import summary_data_from_transaction_data

        df = pd.read_parquet(path)
        s = summary_data_from_transaction_data(df, "customer_id", "ordered_at", "revenue",
                                               observation_period_end=OBS_END, freq="D")
        bg = lifetimes.BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
        rep = s[s["frequency"] > 0]
        gg = lifetimes.GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
        pa = bg.conditional_probability_alive(s["frequency"], s["recency"], s["T"])
        exp = bg.conditional_expected_number_of_purchases_up_to_time(360, s["frequency"], s["recency"], s["T"])
        clv = gg.customer_lifetime_value(bg, s["frequency"], s["recency"], s["T"], s["monetary_value"],
                                         time=12, discount_rate=0.01, freq="D")
        # lifetimes returns NaN where log(2F1) fails (a+b+x-1 < 0 and 2F1 < 0; see journeylab.models.bgnbd.
        # bg_expected_alive); a pandas .sum() would silently skip those customers, so count them
        exp, clv = np.asarray(exp, float), np.asarray(clv, float)
        emit(time.perf_counter() - t0, customers=len(s), clv=float(np.nansum(clv)), p_alive=float(np.sum(pa)),
             expected=float(np.nansum(exp)), nan_customers=int(np.isnan(exp).sum()),
             params=bg.params_.round(6).tolist())
    elif variant == "paretonbd":
        from journeylab.models.clv import CustomerValueModel
        from journeylab.models.summary import customer_summary

        summary = customer_summary(path, observation_end=OBS_END, freq="D")
        t0 = time.perf_counter()  # fit time only, as the target states
        model = CustomerValueModel("paretonbd", spend=None).fit(summary)
        emit(time.perf_counter() - t0, customers=len(summary), unique=model.n_unique_,
             params=model.purchase_model_.params_.round(6).tolist())
    else:
        raise SystemExit(f"unknown variant {variant}")


def run(name: str, variant: str, path: Path, repeats: int) -> dict:
    """Measure a variant; the child's last JSON line also carries its numbers for the comparison."""
    import subprocess
    import os

    secs, mbs, numbers = [], [], {}
    for _ in range(repeats):
        proc = subprocess.Popen([sys.executable, __file__, "--child", variant, str(path)], stdout=subprocess.PIPE,
                                text=True)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{variant} failed")
        numbers = json.loads(out.strip().splitlines()[-1])
        secs.append(numbers["seconds"])
        mbs.append(usage.ru_maxrss / 1024.0)
        split = ", ".join(f"{k[:-2]} {numbers[k]:.2f} s" for k in ("summary_s", "fit_s", "predict_s") if k in numbers)
        print(f"  {name}: {secs[-1]:.2f} s, {mbs[-1]:,.0f} MB" + (f" ({split})" if split else "")
              + f", load {open('/proc/loadavg').read().split()[0]}", flush=True)
    return {"seconds": float(np.median(secs)), "peak_mb": float(np.median(mbs)), "runs_s": secs, "runs_mb": mbs,
            **{k: v for k, v in numbers.items() if k != "seconds"}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--pareto-rows", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3, help="runs of the journeylab variants (median)")
    ap.add_argument("--lifetimes-repeats", type=int, default=1, help="runs of lifetimes (about 150 s each)")
    ap.add_argument("--skip-lifetimes", action="store_true", help="only journeylab (lifetimes takes minutes)")
    ap.add_argument("--child", nargs=2, metavar=("VARIANT", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(*args.child)
    OUT.mkdir(exist_ok=True)
    paths = {}
    for rows in {args.rows, args.pareto_rows}:
        paths[rows] = OUT / f"models_transactions_{rows}.parquet"
        if not paths[rows].exists():
            t = time.perf_counter()
            make_transactions(rows, paths[rows])
            print(f"wrote {paths[rows].name} in {time.perf_counter() - t:.1f} s", flush=True)
    load_start = open("/proc/loadavg").read().split()[:3]
    print(f"BG/NBD + Gamma-Gamma + predictions, {args.rows:,} rows (load {' '.join(load_start)})")
    jl = run("journeylab", "journeylab", paths[args.rows], args.repeats)
    result = {"rows": args.rows, "load_avg_start": load_start, "journeylab": jl}
    if not args.skip_lifetimes:
        lt = run("lifetimes", "lifetimes", paths[args.rows], args.lifetimes_repeats)
        result["lifetimes"] = lt
        result["speedup"] = lt["seconds"] / jl["seconds"]
        result["memory_ratio"] = lt["peak_mb"] / jl["peak_mb"]
        result["same_numbers"] = {k: jl[k] / lt[k] - 1 for k in ("clv", "p_alive", "expected")}
    print(f"Pareto/NBD fit, {args.pareto_rows:,} rows")
    result["paretonbd"] = run("journeylab Pareto/NBD fit", "paretonbd", paths[args.pareto_rows], args.repeats)
    result["load_avg"] = open("/proc/loadavg").read().split()[:3]
    print(json.dumps(result, indent=2))
    print(f"journeylab {jl['seconds']:.1f} s / {jl['peak_mb']:,.0f} MB for {jl['customers']:,} customers"
          + (f"; lifetimes {result['lifetimes']['seconds']:.1f} s / {result['lifetimes']['peak_mb']:,.0f} MB; "
             f"speedup {result['speedup']:.1f}x, memory ratio {result['memory_ratio']:.1f}x" if "lifetimes" in result
             else ""))
    print(f"Pareto/NBD fit {result['paretonbd']['seconds']:.1f} s on {result['paretonbd']['customers']:,} customers "
          f"({result['paretonbd']['unique']:,} unique histories)")
    (OUT / f"models_bench_{args.rows}.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
