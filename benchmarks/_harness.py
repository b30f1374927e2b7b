"""Run a benchmark variant in a subprocess and measure its wall time and peak memory."""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass


@dataclass
class Measurement:
    name: str
    seconds: list[float]
    peak_mb: list[float]

    @property
    def median_s(self) -> float:
        return statistics.median(self.seconds)

    @property
    def median_mb(self) -> float:
        return statistics.median(self.peak_mb)


def run_variant(script: str, args: list[str]) -> tuple[float, float]:
    """Run ``python script args``; the child prints JSON {"seconds": timed part}. Returns (seconds, peak MB)."""
    proc = subprocess.Popen([sys.executable, script, *args], stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{script} {args} failed")
    seconds = json.loads(out.strip().splitlines()[-1])["seconds"]
    return seconds, usage.ru_maxrss / 1024.0  # ru_maxrss is in kB on Linux


def measure(name: str, script: str, args: list[str], repeats: int) -> Measurement:
    m = Measurement(name, [], [])
    for _ in range(repeats):
        s, mb = run_variant(script, args)
        m.seconds.append(s)
        m.peak_mb.append(mb)
        print(f"  {name}: {s:.2f} s, {mb:,.0f} MB", flush=True)
    return m


def timed(fn):
    """Time fn() in this process and print the JSON line run_variant expects."""
    t0 = time.perf_counter()
    fn()
    print(json.dumps({"seconds": time.perf_counter() - t0}))
