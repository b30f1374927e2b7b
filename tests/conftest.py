"""Shared fixtures: CDNOW transactions from the installed lifetimes, the real shop data folder, tiny shops."""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
REAL_DATA = Path(os.environ.get("JOURNEYLAB_REAL_DATA", ROOT.parent / "shared" / "data" / "real"))


# `make test` runs `pytest -n 2 --dist loadfile`: each file goes whole to one of two workers, and the last
# file to finish bounds the run. xdist hands out the files with the most tests first, which puts the
# slowest files (four tests each, minutes of reports or Spark) last, where one worker runs them while
# the other idles. Instead the files go out slowest first (longest processing time first), so the many
# short files fill in at the end and both workers finish together. Seconds per file in a full
# run (below); a file not listed counts as quick and keeps its collected place.
FILE_SECONDS = {  # junit times of a full run (2026-12-02, 666 s, with Spark tests of a helper beside it); test_spark.py after
    # its smaller shop: measured alone. The order is what counts.
    "tests/test_report.py": 230,
    "tests/test_spark.py": 190,
    "tests/test_hostile_report.py": 73,
    "tests/test_real_reports_nl.py": 72,
    "tests/test_bad_input.py": 70,
    "tests/test_real_reports.py": 66,
    "tests/test_validation_a.py": 43,
    "tests/test_course.py": 37,
    "tests/test_docs.py": 35,
    "tests/test_spark_loader.py": 33,
    "tests/test_print.py": 24,
    "tests/test_involvement.py": 18,
    "tests/test_sections.py": 16,
    "tests/test_validation_b.py": 15,
    "tests/test_simulate.py": 15,
    "notebooks/05_involvement.ipynb": 12,
    "tests/test_plots_api.py": 10,
    "notebooks/06_appendix.ipynb": 10,
    "notebooks/00_executive_summary.ipynb": 10,
    "tests/test_adapters.py": 10,
}


def pytest_configure(config):
    # keep the collection order below when xdist schedules files (instead of most tests first)
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(config, items):
    """Files slowest first (FILE_SECONDS); within a file, and among quick files, the collected order."""
    rank = {}
    for item in items:
        rank.setdefault(item.nodeid.split("::", 1)[0], len(rank))
    items.sort(key=lambda item: (-FILE_SECONDS.get(item.nodeid.split("::", 1)[0], 0),
                                 rank[item.nodeid.split("::", 1)[0]]))


# Spark settings for the tests' small data; they change no result, only the time (test_spark.py took
# 335 s of JVM CPU with Spark's defaults, ~190 s with these): the JVM compiles with C1 only (C2 costs more
# than it gains in a few minutes) and collects garbage in one thread; shuffle blocks and cached tables
# are not compressed; no adaptive re-planning of every stage. Read when the JVM starts, so only when
# the environment does not set its own spark-submit arguments.
SPARK_TEST_SUBMIT_ARGS = ('--driver-java-options "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC" '
                          "--conf spark.shuffle.compress=false --conf spark.shuffle.spill.compress=false pyspark-shell")
SPARK_TEST_SQL_CONF = {"spark.sql.adaptive.enabled": "false", "spark.sql.inMemoryColumnarStorage.compressed": "false",
                       "spark.sql.codegen.wholeStage": "false", "spark.sql.codegen.factoryMode": "NO_CODEGEN"}


@pytest.fixture(scope="session")
def spark():
    """One local Spark session (2 cores, 2 GB, 2 shuffle partitions: one per core) per test process, for
    the tests marked ``spark``; the settings above."""
    pytest.importorskip("pyspark")
    from journeylab.spark import local_session

    own_args = "PYSPARK_SUBMIT_ARGS" not in os.environ
    if own_args:
        os.environ["PYSPARK_SUBMIT_ARGS"] = SPARK_TEST_SUBMIT_ARGS
    try:
        session = local_session(cores=2, driver_memory="2g", shuffle_partitions=2, app_name="journeylab-tests")
    finally:
        if own_args:
            del os.environ["PYSPARK_SUBMIT_ARGS"]
    for key, value in SPARK_TEST_SQL_CONF.items():
        session.conf.set(key, value)
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def cdnow_transactions() -> pd.DataFrame:
    """The CDNOW master file shipped inside lifetimes: customer_id, ordered_at, revenue, order_id (69,659 rows)."""
    import lifetimes.datasets as ds

    path = Path(ds.__file__).parent / "CDNOW_master.txt"
    tx = pd.read_csv(path, sep=r"\s+", header=0, names=["customer_id", "date", "n_cds", "revenue"],
                     dtype={"customer_id": str, "date": str})
    tx["ordered_at"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    tx["order_id"] = "o" + pd.Series(range(len(tx))).astype(str)
    return tx[["order_id", "customer_id", "ordered_at", "revenue"]]


@pytest.fixture(scope="session")
def real_data() -> Path:
    """../shared/data/real: the real shop data sets (never copied into the repo)."""
    if not REAL_DATA.exists():
        pytest.skip(f"real shop data not found at {REAL_DATA} (set JOURNEYLAB_REAL_DATA)")
    return REAL_DATA


def write_csv(path: Path, text: str) -> Path:
    """Write a small CSV file for a test; returns its path."""
    path.write_text(text, encoding="utf-8")
    return path
