"""Getting a SparkSession set up the way journeylab's shared SQL expects (UTC session time zone)."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


def _require_pyspark():
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ImportError('the Spark engine needs pyspark: pip install "journeylab[spark]" (and Java 17+)') from None


def local_session(cores: int = 2, driver_memory: str = "2g", shuffle_partitions: int = 4,
                  app_name: str = "journeylab") -> "SparkSession":
    """A local-mode SparkSession (``local[cores]``, no web UI, ``shuffle_partitions`` shuffle partitions).

    ``driver_memory`` is the JVM heap of the single local process (it runs driver and executors);
    it only takes effect when no Spark JVM runs yet in this Python process.
    """
    _require_pyspark()
    import os
    import sys

    from pyspark.sql import SparkSession

    # Python workers (pandas UDFs) must run this interpreter, which has journeylab and its dependencies.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = (SparkSession.builder.master(f"local[{cores}]").appName(app_name)
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.driver.memory", driver_memory)
             .config("spark.sql.shuffle.partitions", str(shuffle_partitions))
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .getOrCreate())
    return configure(spark)


def configure(spark: "SparkSession") -> "SparkSession":
    """Set what journeylab's SQL relies on in an existing session (e.g. a cluster's): UTC time zone,
    ANSI-off casts of timestamps, Arrow for pandas conversion. Returns ``spark``."""
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    return spark


def get_session(spark: "SparkSession | None" = None) -> "SparkSession":
    """``spark`` configured, else the active session configured, else a new local session."""
    _require_pyspark()
    from pyspark.sql import SparkSession

    if spark is not None:
        return configure(spark)
    active = SparkSession.getActiveSession()
    return configure(active) if active is not None else local_session()
