"""journeylab (DuckDB and local Spark) side by side with lifetimes and pymc-marketing: summary, fit, scoring.

    .venv/bin/python benchmarks/compare.py --rows 1000000 10000000            # the comparison table
    .venv/bin/python benchmarks/compare.py --rows 100000000 --only duckdb-file # out-of-core run

Data: the BG/NBD-like shop of models_bench.py (about 2.5 orders per customer over two years), written
once per size to benchmarks/out/models_transactions_<rows>.parquet. Every variant runs ``--repeat`` times (default 3), each run in its own
subprocess (benchmarks/_harness.py); it times three stages: ``summary`` (Parquet orders -> one row per
customer), ``fit`` (BG/NBD + Gamma-Gamma; pymc-marketing: MAP) and ``score`` (P(alive), expected
purchases and 12-month CLV of every customer). Memory: peak resident set of the Python process after
each stage (a high-water mark, so it includes the earlier stages); for Spark also the JVM's peak
(local mode: driver and executors in one JVM, ``spark.driver.memory`` = --spark-memory).

Variants:
- lifetimes: pandas summary_data_from_transaction_data + BetaGeoFitter/GammaGammaFitter;
- pymc-marketing: the same pandas summary, then pymc_marketing.clv BetaGeoModel/GammaGammaModel
  fit(method="map"); runs in benchmarks/.venv-pymc (a separate environment, as pymc-marketing pins
  pymc/pytensor) when that exists, else the table says it was not installed;
- journeylab-duckdb: customer_summary on the Parquet file (in memory), CustomerValueModel, predict;
- journeylab-duckdb-file: the orders written into a DuckDB database file first (stage ``load``, shown
  apart, not in the total), then the same from that file with a memory limit (default 8GB,
  JOURNEYLAB_MEMORY_LIMIT) and a spill directory: out of core;
- journeylab-spark: local[2] Spark: summary (shared SQL), fit on compressed rows, scoring with the
  pandas UDF written to Parquet (benchmarks/out/scores_<rows>).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
PYMC_PY = HERE / ".venv-pymc" / "bin" / "python"
sys.path.insert(0, str(HERE))

VARIANTS = ("lifetimes", "pymc-marketing", "journeylab-duckdb", "journeylab-spark", "journeylab-duckdb-file")
OBS_END = "2023-12-31"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _jvm_peak_mb(spark) -> float:
    """Peak resident set (VmHWM) of the local Spark JVM, from /proc (Linux); 0 when unknown."""
    try:
        pid = spark.sparkContext._gateway.proc.pid
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except Exception:  # not local mode, or no /proc
        pass
    return 0.0


class Stages:
    """Times stages in a child and prints the JSON line the parent reads."""

    def __init__(self) -> None:
        self.out: dict = {"stages": {}}
        self.t = time.perf_counter()

    def done(self, stage: str) -> None:
        now = time.perf_counter()
        self.out["stages"][stage] = {"seconds": now - self.t, "peak_mb": _rss_mb()}
        self.t = now

    def emit(self, **extra) -> None:
        self.out.update(extra)
        print(json.dumps(self.out), flush=True)


def child(variant: str, path: str, spark_memory: str) -> None:
    import pandas as pd

    st = Stages()
    obs = pd.Timestamp(OBS_END)
    if variant in ("lifetimes", "pymc-marketing"):
        from lifetimes.utils import summary_data_from_transaction_data

        df = pd.read_parquet(path)
        s = summary_data_from_transaction_data(df, "customer_id", "ordered_at", "revenue",
                                               observation_period_end=obs, freq="D")
        del df
        st.done("summary")
        rep = s[s["frequency"] > 0]
        if variant == "lifetimes":
            import lifetimes

            bg = lifetimes.BetaGeoFitter().fit(s["frequency"], s["recency"], s["T"])
            gg = lifetimes.GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
            st.done("fit")
            bg.conditional_probability_alive(s["frequency"], s["recency"], s["T"])
            bg.conditional_expected_number_of_purchases_up_to_time(360, s["frequency"], s["recency"], s["T"])
            clv = gg.customer_lifetime_value(bg, s["frequency"], s["recency"], s["T"], s["monetary_value"],
                                             time=12, discount_rate=0.01, freq="D")
            st.done("score")
            return st.emit(customers=len(s), clv=float(clv.sum()))
        from pymc_marketing import clv as pclv

        data = s.reset_index().rename(columns={"index": "customer_id"})
        data["customer_id"] = range(len(data))
        bg = pclv.BetaGeoModel(data=data[["customer_id", "frequency", "recency", "T"]])
        bg.fit(method="map")
        gdata = data[data["frequency"] > 0][["customer_id", "frequency", "monetary_value"]]
        gg = pclv.GammaGammaModel(data=gdata)
        gg.fit(method="map")
        st.done("fit")
        bg.expected_probability_alive(data=data)
        bg.expected_purchases(data=data, future_t=360)
        clv = gg.expected_customer_lifetime_value(transaction_model=bg, data=data, future_t=12, discount_rate=0.01,
                                                  time_unit="D")
        st.done("score")
        return st.emit(customers=len(s), clv=float(clv.sum()))
    if variant.startswith("journeylab-duckdb"):
        from journeylab.models.clv import CustomerValueModel
        from journeylab.data.engine import connect
        from journeylab.models.summary import customer_summary

        con = None
        if variant == "journeylab-duckdb-file":
            db = OUT / f"compare_{Path(path).stem}.duckdb"
            db.unlink(missing_ok=True)
            con = connect(db)
            con.execute(f"SET memory_limit = '{os.environ.get('JOURNEYLAB_MEMORY_LIMIT', '8GB')}'")
            con.execute(f"SET temp_directory = '{OUT / 'duckdb_tmp'}'")
            # out of core: the orders are first written into the database file (stage "load", not in the
            # total), then summarised from there, DuckDB spilling to disk beyond its memory limit
            con.execute(f"CREATE TABLE orders AS SELECT * FROM read_parquet('{path}')")
            con.execute("CHECKPOINT")
            st.done("load")
        s = customer_summary(con.table("orders") if con is not None else path, observation_end=obs, freq="D", con=con)
        st.done("summary")
        model = CustomerValueModel("bgnbd", "gammagamma").fit(s)
        st.done("fit")
        pred = model.predict(12, unit="months", discount_rate=1.01 ** 12 - 1)  # per year: lifetimes' 0.01 a month
        st.done("score")
        return st.emit(customers=len(pred), clv=float(pred["clv"].sum()))
    if variant == "journeylab-spark":
        from journeylab.spark import customer_summary_df, fit_spark, local_session, score_customers

        spark = local_session(cores=os.cpu_count() or 2, driver_memory=spark_memory, shuffle_partitions=16)
        spark.sparkContext.setLogLevel("ERROR")
        st.t = time.perf_counter()  # JVM start-up not counted (a cluster's session already runs)
        sdf = customer_summary_df(path, observation_end=obs, freq="D", spark=spark)
        sdf = sdf.persist()
        n = sdf.count()
        st.done("summary")
        model = fit_spark(sdf)
        st.done("fit")
        scores = score_customers(sdf, model, horizon=12, discount_rate=1.01 ** 12 - 1, path=str(OUT / f"scores_{Path(path).stem}"))
        clv = scores.selectExpr("sum(clv)").first()[0]
        st.done("score")
        jvm = _jvm_peak_mb(spark)
        spark.stop()
        return st.emit(customers=n, clv=float(clv), jvm_peak_mb=jvm)
    raise SystemExit(f"unknown variant {variant}")


def run(variant: str, path: Path, spark_memory: str, timeout: float) -> dict:
    """Run one variant in a subprocess; its stages, and its process peak (wait4) in MB."""
    py = sys.executable
    if variant == "pymc-marketing":
        if not PYMC_PY.exists():
            return {"error": "not installed (create benchmarks/.venv-pymc: see README)"}
        py = str(PYMC_PY)
    env = dict(os.environ, PYTHONPATH=str(HERE.parent))
    proc = subprocess.Popen([py, __file__, "--child", variant, str(path), "--spark-memory", spark_memory],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"error": f"did not finish within {timeout:.0f} s"}
    if proc.returncode != 0:
        last = (err.strip().splitlines() or ["failed"])[-1]
        return {"error": last[:120]}
    res = json.loads(out.strip().splitlines()[-1])
    res["load_after"] = round(os.getloadavg()[0], 2)  # the machine is shared: how busy it was
    return res


def median_run(runs: list[dict]) -> dict:
    """Per stage, the median seconds and median peak MB of several runs of one variant (the first error
    if any run failed); ``runs`` keeps each run's total seconds."""
    import statistics

    bad = [r for r in runs if "error" in r]
    if bad:
        return bad[0]
    out = dict(runs[0])
    out["stages"] = {st: {k: statistics.median(r["stages"][st][k] for r in runs) for k in ("seconds", "peak_mb")}
                     for st in runs[0]["stages"]}
    if "jvm_peak_mb" in out:
        out["jvm_peak_mb"] = statistics.median(r["jvm_peak_mb"] for r in runs)
    out["runs"] = [round(sum(v["seconds"] for k, v in r["stages"].items() if k != "load"), 2) for r in runs]
    return out


def table(results: dict[int, dict[str, dict]]) -> str:
    """One text table: per size and variant, median seconds and peak MB per stage, and total time relative to lifetimes."""
    lines = [f"{'rows':>11} {'variant':<24}{'summary s':>10}{'fit s':>8}{'score s':>9}{'total s':>9}"
             f"{'peak MB':>9}{'JVM MB':>8}{'vs lifetimes':>13}"]
    for rows, res in results.items():
        base = res.get("lifetimes", {})
        base_total = sum(v["seconds"] for v in base.get("stages", {}).values()) or None
        for variant, r in res.items():
            if "error" in r:
                lines.append(f"{rows:>11,} {variant:<24}{r['error']}")
                continue
            s = r["stages"]
            total = sum(v["seconds"] for k, v in s.items() if k != "load")
            peak = max(v["peak_mb"] for v in s.values())
            ratio = f"{base_total / total:.1f}x" if base_total else "-"
            jvm = f"{r['jvm_peak_mb']:,.0f}" if "jvm_peak_mb" in r else ""
            lines.append(f"{rows:>11,} {variant:<24}{s['summary']['seconds']:>10.2f}{s['fit']['seconds']:>8.2f}"
                         f"{s['score']['seconds']:>9.2f}{total:>9.2f}{peak:>9,.0f}{jvm:>8}{ratio:>13}"
                         f"   runs: {r.get('runs', '')}"
                         + (f"; load into the file {s['load']['seconds']:.1f} s" if "load" in s else ""))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    ap.add_argument("--only", nargs="+", choices=VARIANTS, help="variants to run (default: all but duckdb-file)")
    ap.add_argument("--spark-memory", default="6g", help="JVM heap of local Spark (driver = executor)")
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--repeat", type=int, default=3, help="runs per variant; the table shows medians")
    ap.add_argument("--child", nargs=2, metavar=("VARIANT", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args.child[0], args.child[1], args.spark_memory)
    from models_bench import make_transactions

    OUT.mkdir(exist_ok=True)
    variants = args.only or [v for v in VARIANTS if v != "journeylab-duckdb-file"]
    results: dict[int, dict[str, dict]] = {}
    for rows in args.rows:
        path = OUT / f"models_transactions_{rows}.parquet"
        if not path.exists():
            print(f"simulating {rows:,} transactions -> {path}", flush=True)
            make_transactions(rows, path)
        results[rows] = {}
        for variant in variants:
            print(f"{rows:,} {variant} ...", flush=True)
            runs = []
            for _ in range(args.repeat):
                runs.append(run(variant, path, args.spark_memory, args.timeout))
                print("   ", json.dumps(runs[-1]), flush=True)
                if "error" in runs[-1]:
                    break
            results[rows][variant] = median_run(runs)
    (OUT / "compare.json").write_text(json.dumps({str(k): v for k, v in results.items()}, indent=1))
    print(table(results))


if __name__ == "__main__":
    main()
