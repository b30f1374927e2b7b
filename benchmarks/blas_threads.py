"""The demo shop's bootstrap refits (ShopValue.bootstrap, as the report's low/high comparison runs them)
with OpenBLAS's default threads vs one thread, alone and beside busy processes (another kernel, a test
worker). Why report kernels start with OPENBLAS_NUM_THREADS=1 (journeylab.report.run).

    .venv/bin/python benchmarks/blas_threads.py --repeats 3 --busy 0 2
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import measure, timed  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def child(n_boot: int) -> None:
    warnings.simplefilter("ignore")
    import journeylab as jl
    from journeylab.journey.value import shop_value

    value = shop_value(jl.load_shop(ROOT / "configs" / "demo.yaml"), horizon_months=12)
    timed(lambda: value.bootstrap(n_boot=n_boot))


def _spin() -> None:
    while True:
        pass


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--n-boot", type=int, default=50, help="draws per group")
    ap.add_argument("--busy", type=int, nargs="+", default=[0, 2], help="busy processes beside the run")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(a.n_boot)
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    for busy in a.busy:
        spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(busy)]
        for p in spinners:
            p.start()
        results = {}
        for threads in ("default", "1"):
            env = os.environ.pop("OPENBLAS_NUM_THREADS", None)
            if threads != "default":
                os.environ["OPENBLAS_NUM_THREADS"] = threads
            results[threads] = measure(f"busy={busy} threads={threads}", __file__,
                                       ["--child", "--n-boot", str(a.n_boot)], a.repeats)
            os.environ.pop("OPENBLAS_NUM_THREADS", None)
            if env is not None:
                os.environ["OPENBLAS_NUM_THREADS"] = env
        for p in spinners:
            p.terminate()
        d, one = results["default"].median_s, results["1"].median_s
        print(f"busy={busy}: default {d:.2f} s, one thread {one:.2f} s, default/one = {d / one:.2f}x "
              f"(medians of {a.repeats}; load average {os.getloadavg()[0]:.1f})", flush=True)


if __name__ == "__main__":
    main()
