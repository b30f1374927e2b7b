"""SparkShop: a shop's canonical tables as Spark DataFrames, read, typed and cleaned inside Spark.

The same contract (journeylab.data.contract.TABLES), the same cleaning rules (journeylab.data.io.clean.RULES,
their SQL conditions evaluated by Spark SQL as one CASE) and the same data-quality table as the
DuckDB ``Shop``; only what differs between the engines is written here (reading files, typing
text with the same read options and pseudonyms, exact-duplicate numbering, the one rule with a
sub-query). Shop-system exports (``format:``) go through their DuckDB adapter on the driver.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import pandas as pd

from journeylab.data.config import ShopConfig, TableSource, read_shop_config
from journeylab.data.contract import OPTIONAL_TABLES, REQUIRED_TABLES, TABLES
from journeylab.data.dialect import SPARK, Dialect
from journeylab.display_repr import View, number
from journeylab.errors import DataError
from journeylab.data.io.clean import (ORDER_KEPT, finish_quality, quality_table, PRODUCT_COPY_SQL, copy_number_sql, count_sql, duplicate_orders_error, keep_sql, outlier_groups_sql, outlier_join_sql, quality_records, rule_case_sql, rule_inputs_sql, select_sql)
from journeylab.data.io.validate import AWARE_RE, CAST_HINTS, CAST_PROBLEMS, DAYFIRST_FORMATS, MISSING_TEXT
from journeylab.data import pii
from journeylab.spark.session import get_session

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

_SPARK_TYPES = {"VARCHAR": "STRING", "DOUBLE": "DOUBLE", "TIMESTAMP": "TIMESTAMP"}


q = SPARK.ident  # a Spark SQL identifier


@dataclass
class SparkShop:
    """The loaded tables of one shop as Spark DataFrames (``frames``), as ``Shop`` holds them in DuckDB.

    ``data_quality`` has the same rows and columns as ``Shop.data_quality``; ``observation_end``,
    ``currency``, ``involvement`` likewise. SQL from journeylab's shared builders runs on the
    canonical table names (``orders``, ``events``, ...) through :meth:`sql` / :meth:`sql_df`.
    """

    name: str
    spark: "SparkSession"
    frames: dict[str, "DataFrame"]
    data_quality: pd.DataFrame
    observation_end: pd.Timestamp
    currency: str = "EUR"
    involvement: dict[str, str] = field(default_factory=dict)
    config: ShopConfig | None = None
    engine: str = "spark"
    work: dict[str, "DataFrame"] = field(default_factory=dict, repr=False)

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(t for t in REQUIRED_TABLES + OPTIONAL_TABLES if t in self.frames)

    def has(self, table: str) -> bool:
        return table in self.frames

    def frame(self, table: str) -> "DataFrame":
        """A canonical table as a (lazy) Spark DataFrame."""
        if not self.has(table):
            raise KeyError(f"shop '{self.name}' has no {table} table; it has {list(self.tables)}")
        return self.frames[table]

    def table(self, table: str) -> pd.DataFrame:
        """A canonical table as pandas (only for tables that fit the driver's memory)."""
        return to_pandas(self.frame(table))

    def activate(self) -> None:
        """Register this shop's tables and work tables as temporary views under their names (Spark's
        views are per session: re-registering before each query lets several shops share a session)."""
        for name, df in {**self.frames, **self.work}.items():
            df.createOrReplaceTempView(name)

    # The work-table interface of journeylab.data.shop.Shop, so the shared SQL builders run here too.
    @property
    def dialect(self) -> Dialect:
        return SPARK

    def columns(self, table: str) -> list[str]:
        """Column names of a canonical or work table."""
        return list(self.sql_df(f"SELECT * FROM {table}").columns)

    def has_work(self, name: str) -> bool:
        return name in self.work

    def create_work(self, name: str, query: str) -> str:
        """Work table ``name``: the result of ``query``, persisted (memory, spilling to local disk) and
        registered as a temporary view; computed once, when first used."""
        from pyspark import StorageLevel

        df = self.sql_df(query).persist(StorageLevel.MEMORY_AND_DISK)
        self.drop_work(name)
        self.work[name] = df
        df.createOrReplaceTempView(name)
        return name

    def drop_work(self, name: str) -> None:
        old = self.work.pop(name, None)
        if old is not None:
            old.unpersist()
            self.spark.catalog.dropTempView(name)

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """Make a small pandas DataFrame queryable as ``name`` (a temporary view) until :meth:`unregister`."""
        frame = frame.copy()
        frame.attrs = {}  # metadata such as rule tables is not for Spark (which would try to serialise it)
        self.work[name] = self.spark.createDataFrame(frame)
        self.work[name].createOrReplaceTempView(name)

    def unregister(self, name: str) -> None:
        if self.work.pop(name, None) is not None:
            self.spark.catalog.dropTempView(name)

    def scalar(self, query: str) -> Any:
        return self.sql_df(query).first()[0]

    def sql_df(self, query: str) -> "DataFrame":
        """Spark SQL on the shop's tables, as a lazy Spark DataFrame."""
        self.activate()
        return self.spark.sql(query)

    def sql(self, query: str) -> pd.DataFrame:
        """Spark SQL on the shop's tables, collected to pandas (for per-customer or smaller results)."""
        return to_pandas(self.sql_df(query))

    def count(self, table: str) -> int:
        return int(self.frame(table).count())

    def quality_summary(self) -> pd.DataFrame:
        """Per table: rows read, kept, dropped and fixed (as ``Shop.quality_summary``)."""
        from journeylab.data.shop import Shop

        return Shop.quality_summary(self)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return f"SparkShop({self.name!r}, tables={list(self.tables)}, observation_end={self.observation_end.date()})"

    def _repr_html_(self) -> str:
        """As ``Shop._repr_html_``, with the rows kept per table from ``data_quality`` (no Spark job)."""
        kept = self.quality_summary()["kept"] if len(self.data_quality) else pd.Series(dtype=float)
        view = View(f"SparkShop {self.name!r} (spark, {self.currency}), observed to {self.observation_end.date()}")
        view.table(["table", "rows kept"], [[t, number(int(kept[t])) if t in kept.index else "–"] for t in self.tables])
        return view.html()


def to_pandas(df: "DataFrame") -> pd.DataFrame:
    """Collect a Spark DataFrame to pandas through Arrow (text as pandas' default string type, as DuckDB gives)."""
    text = [f.name for f in df.schema.fields if f.dataType.typeName() == "string"]  # from the schema: no row scan
    out = df.toPandas()
    for c in text:
        if out[c].dtype == object:
            out[c] = out[c].astype("str")
    return out


def load_shop_spark(config: str | Any | Mapping[str, Any] | ShopConfig, *, spark: "SparkSession | None" = None,
                    storage: str | None = None) -> SparkShop:
    """Load, map, validate and clean a shop's tables in Spark.

    ``config`` as for ``journeylab.load_shop``; table paths may be Parquet files or folders, CSV files,
    Excel workbooks (read on the driver) or object-storage URIs (``s3a://bucket/orders/``) that the
    session can read. ``spark`` defaults to the active session or a new local one. ``storage`` is a
    folder (or URI) where the cleaned tables are written as Parquet and read back; without it they
    are persisted in Spark's memory and local disk. The read options (``date_format``, ``dayfirst``,
    ``timezone``, ``decimal`` ...) mean what they mean for DuckDB; e-mail addresses and phone numbers
    used as customer or user ids get the same pseudonyms (journeylab.data.pii). A shop-system export
    (``format:``) is read by its DuckDB adapter on the driver (exports are single-machine sized) and
    its typed tables are cleaned in Spark. Raises DataError as ``load_shop`` does.
    """
    cfg = read_shop_config(config)
    spark = get_session(spark)
    typed: dict[str, tuple["DataFrame", list[str]]] = {}
    sources = dict(cfg.tables)
    adapter_quality: list[dict] = []
    no_orders = False
    if cfg.format is not None:
        typed, adapted_sources, adapter_quality, adapter_no_orders = _adapted(spark, cfg)
        for table, src in adapted_sources.items():
            sources.setdefault(table, src)
        # an events-only export keeps its empty orders table unless the config adds one (as load_shop does)
        no_orders = adapter_no_orders and "orders" not in cfg.tables
        if adapter_no_orders and "orders" in cfg.tables:
            typed.pop("orders")
    for table in REQUIRED_TABLES + OPTIONAL_TABLES:
        if table in cfg.tables and table not in typed:
            source = cfg.tables[table]
            typed[table] = _typed(spark, _read_raw(spark, source), source, secret_folder=cfg.folder)
    if "orders" not in typed:
        raise DataError(f"format '{cfg.format}' gives no orders table here; add one under 'tables:'"
                        if cfg.format else "the shop config has no orders table", table="orders")
    obs_end = (cfg.observation_end if cfg.observation_end is not None
               else _default_observation_end(typed, sources, no_orders=no_orders))
    frames: dict[str, DataFrame] = {}
    records: list[dict] = []
    # each order's main category for its outlier limit, from the typed lines and products (cleaned after the orders)
    groups = None
    if "order_lines" in typed and "products" in typed:
        groups = spark.sql(outlier_groups_sql("{lines}", "{products}", SPARK),
                           lines=typed["order_lines"][0], products=typed["products"][0])
    for table in ("orders", "products", "order_lines", "events", "reviews"):
        if table in typed:
            df, present = typed[table]
            kept, rec = _clean_one(spark, table, df, present, obs_end, sources[table], frames,
                                   order_groups=groups if table == "orders" else None)
            frames[table] = _store(kept, table, storage, spark)
            records.extend(rec)
    dq = finish_quality(quality_table(records), adapter_quality, sources["orders"].label, no_orders=no_orders)
    return SparkShop(name=cfg.name, spark=spark, frames=frames, data_quality=dq, observation_end=pd.Timestamp(obs_end),
                     currency=cfg.currency, involvement=cfg.involvement, config=cfg)


def _adapted(spark: "SparkSession", cfg: ShopConfig) -> tuple[dict[str, tuple["DataFrame", list[str]]],
                                                               dict[str, TableSource], list[dict], bool]:
    """A shop-system export (``format:``) through its DuckDB adapter on the driver, as ``load_shop`` runs it up
    to the typed canonical tables, handed to Spark through Arrow; returns (typed, sources, adapter quality,
    whether the export has no orders by nature: journeylab.data.io.adapters.Adapted.no_orders).

    Exports are single-machine sized (one CSV, a GA4 day, the Olist folder), so one DuckDB adapter serves
    both engines; the cleaning then runs in Spark like any other shop's."""
    from journeylab.data.engine import connect
    from journeylab.data.io.adapters import LABELS, Context, get_adapter

    con = connect(None)
    try:
        adapted = get_adapter(cfg.format)(Context(con, cfg, LABELS[cfg.format]))
        typed = {}
        for table, (name, present) in adapted.typed.items():
            arrow = con.sql(f"SELECT * FROM {name}").to_arrow_table()
            # explicit canonical types: an all-NULL column must not come through as Arrow's null type
            cols = ["CAST(_line AS BIGINT) AS _line"] + [f"CAST({q(c)} AS {_SPARK_TYPES[t]}) AS {q(c)}"
                                                         for c, (t, _) in TABLES[table].items()]
            typed[table] = (spark.createDataFrame(arrow).selectExpr(*cols), list(present))
    finally:
        con.close()
    return typed, dict(adapted.sources), list(adapted.quality), bool(adapted.no_orders)


def uri(source: TableSource) -> str:
    """The path Spark reads: the config's object-storage URI as written (``s3a://bucket/key``), else the local path."""
    return source.uri if source.uri is not None else str(source.path)


def _read_raw(spark: "SparkSession", source: TableSource) -> "DataFrame":
    """The source's own columns plus ``_line`` (as journeylab.data.io.readers numbers rows: Parquet's row
    number within its file from 0, CSV's file line with the header as line 1, a DataFrame's position)."""
    from pyspark.sql import functions as F

    if source.frame is not None:
        frame = source.frame.reset_index(drop=True).copy()
        frame["_line"] = range(len(frame))
        return spark.createDataFrame(frame)
    path = uri(source)
    lower = path.lower().rstrip("/")
    local = source.uri is None
    if local and not source.path.exists():
        raise DataError("file does not exist", file=path, table=source.table, hint="check 'path' in the shop config")
    if lower.endswith((".xlsx", ".xlsm", ".xls")):
        if not local:
            raise DataError("Excel workbooks are read from local files only", file=path, table=source.table,
                            hint="save the sheet as CSV or Parquet in object storage, or give a local path")
        from journeylab.data.io.readers import read_excel

        frame = read_excel(source.path, source)
        frame["_line"] = range(2, len(frame) + 2)
        return spark.createDataFrame(frame)
    if lower.endswith((".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".txt.gz")):
        opts = source.read
        reader = spark.read.option("header", "true").option("inferSchema", "false").option("multiLine", "true")
        if "sep" in opts:
            reader = reader.option("sep", str(opts["sep"]))
        elif lower.endswith((".tsv", ".tsv.gz")):
            reader = reader.option("sep", "\t")
        if "encoding" in opts:
            reader = reader.option("encoding", str(opts["encoding"]))
        df = reader.csv(path)
        # file lines: one partition per (non-splittable multi-line) file keeps the file's order
        rdd = df.rdd.zipWithIndex().map(lambda r: tuple(r[0]) + (r[1] + 2,))
        return spark.createDataFrame(rdd, df.schema.add("_line", "long"))
    df = spark.read.parquet(path)
    return df.select("*", F.col("_metadata.row_index").alias("_line"))


# strptime directives (the config's date_format, as DuckDB reads it) -> Spark datetime pattern letters:
# (next to separators, next to another directive: fixed width, as "%Y%m%d" needs).
_STRPTIME_TO_SPARK = {
    "Y": ("yyyy", "yyyy"), "y": ("yy", "yy"), "m": ("M", "MM"), "d": ("d", "dd"), "H": ("H", "HH"),
    "I": ("h", "hh"), "M": ("m", "mm"), "S": ("s", "ss"), "f": ("SSSSSS", "SSSSSS"), "p": ("a", "a"),
    "b": ("MMM", "MMM"), "B": ("MMMM", "MMMM"), "j": ("D", "DDD"),
}


def spark_datetime_pattern(fmt: str) -> str:
    """A strptime format (``%d-%m-%Y %H:%M``, as DuckDB's strptime reads it) as a Spark datetime pattern
    (``d-M-yyyy H:m``): letters of literal text quoted; DataError for a directive Spark cannot parse."""
    tokens = re.findall(r"%.|[^%]+|%", fmt)
    directive = [len(t) == 2 and t[0] == "%" and t != "%%" for t in tokens]
    out = []
    for k, tok in enumerate(tokens):
        if not directive[k]:
            out.append(_spark_literal("%" if tok == "%%" else tok))
            continue
        if tok[1] not in _STRPTIME_TO_SPARK:
            raise DataError(f"date_format {fmt!r}: {tok} is not supported by the Spark engine",
                            hint="supported: " + " ".join("%" + d for d in _STRPTIME_TO_SPARK)
                            + "; zones in the text (+01:00, Z, UTC) are converted without a date_format")
        adjacent = (k + 1 < len(tokens) and directive[k + 1]) or (k > 0 and directive[k - 1])
        out.append(_STRPTIME_TO_SPARK[tok[1]][1 if adjacent else 0])
    return "".join(out)


def _spark_literal(text: str) -> str:
    """Literal text in a Spark datetime pattern: letters and pattern symbols quoted ('T'), the rest as is."""
    if all(not c.isalpha() and c not in "'[]{}#" for c in text):
        return text
    return "'" + text.replace("'", "''") + "'"


def _parse_sql(text: str, fmt: str) -> str:
    """Spark SQL parsing ``text`` with strptime format ``fmt`` (NULL when it does not fit), as DuckDB's
    try_strptime: a two-digit year 69-99 is 19xx there, while Spark's 'yy' gives 20xx."""
    parsed = f"try_to_timestamp({text}, {SPARK.string(spark_datetime_pattern(fmt))})"
    if "%y" in fmt.replace("%%", ""):
        parsed = f"CASE WHEN year({parsed}) >= 2069 THEN {parsed} - INTERVAL 100 YEARS ELSE {parsed} END"
    return parsed


def _cast(col: str, sqltype: str, src_type: str, read: dict, aware: bool = False) -> str:
    """Spark SQL reading ``col`` as ``sqltype``, as journeylab.data.io.validate.cast_sql does in DuckDB
    (unreadable values become NULL and are reported by :func:`_check_casts`). ``aware``: a time stamp
    column holding instants (zone-aware pandas, Parquet adjusted to UTC), converted to the shop's zone."""
    text = f"NULLIF(trim(CAST({col} AS STRING)), '')"
    tz = SPARK.string(str(read.get("timezone") or "UTC"))
    if sqltype == "VARCHAR":
        missing = ", ".join(map(SPARK.string, MISSING_TEXT))
        text = f"CASE WHEN lower({text}) IN ({missing}) THEN NULL ELSE {text} END"
        return f"regexp_replace({text}, '^(-?[0-9]+)\\\\.0+$', '$1')"
    if sqltype == "DOUBLE":
        if src_type in ("double", "float", "int", "bigint", "smallint", "tinyint") or src_type.startswith("decimal"):
            return f"CAST({col} AS DOUBLE)"
        num = text
        if read.get("thousands"):
            num = f"replace({num}, {SPARK.string(str(read['thousands']))}, '')"
        dec = str(read.get("decimal", "."))
        if dec != ".":
            num = (f"replace({num}, {SPARK.string(dec)}, '.')" if read.get("thousands")
                   else f"replace(replace({num}, '.', ''), {SPARK.string(dec)}, '.')")
        return f"try_cast({num} AS DOUBLE)"
    if sqltype == "TIMESTAMP":
        # The session runs in UTC, so a TIMESTAMP shows its UTC wall time: from_utc_timestamp gives the
        # shop-local wall time of an instant, as DuckDB's timezone(tz, TIMESTAMPTZ) does.
        if src_type.startswith(("timestamp", "date")):
            return f"from_utc_timestamp(CAST({col} AS TIMESTAMP), {tz})" if aware else f"CAST({col} AS TIMESTAMP)"
        if read.get("date_format"):
            return _parse_sql(text, str(read["date_format"]))
        if read.get("dayfirst"):
            return f"coalesce({', '.join(_parse_sql(text, f) for f in DAYFIRST_FORMATS)}, try_cast({text} AS TIMESTAMP))"
        # Spark's cast reads an offset or zone name itself (as the instant, shown in UTC); text without one
        # is the shop's wall time already.
        return (f"CASE WHEN {text} RLIKE {SPARK.string(AWARE_RE)} "
                f"THEN from_utc_timestamp(try_cast({text} AS TIMESTAMP), {tz}) ELSE try_cast({text} AS TIMESTAMP) END")
    raise AssertionError(sqltype)


def _aware_columns(raw: "DataFrame", source: TableSource) -> set[str]:
    """Source columns holding instants rather than wall times: zone-aware pandas columns (which Spark,
    like naive ones, types as TIMESTAMP) and Parquet's TIMESTAMP (naive ones are TIMESTAMP_NTZ)."""
    if source.frame is not None:
        return {str(c) for c in source.frame.columns if isinstance(source.frame[c].dtype, pd.DatetimeTZDtype)}
    return {c for c, t in raw.dtypes if t == "timestamp"}


def _typed(spark: "SparkSession", raw: "DataFrame", source: TableSource,
           secret_folder: Path | None = None) -> tuple["DataFrame", list[str]]:
    """Canonical columns (absent optional ones as NULL) plus ``_line``, as journeylab.data.io.validate.typed_table:
    DataError for a missing required column or unreadable values; customer and user ids that are e-mail
    addresses or phone numbers replaced by their pseudonym (journeylab.data.pii, the same HMAC as DuckDB's)."""
    from journeylab.data.io.validate import PII_ID_COLUMNS, column_hint

    table = source.table
    types = dict(raw.dtypes)
    aware = _aware_columns(raw, source)
    available = [c for c in raw.columns if c != "_line"]
    exprs: dict[str, str] = {}
    checks: list[tuple[str, str, str]] = []
    for col, (sqltype, required) in TABLES[table].items():
        src = source.columns.get(col, col)
        if src not in available:
            if required:
                raise DataError(f"required column '{src}' is missing" + (f" (mapped to canonical '{col}')" if src != col else ""),
                                file=source.label, table=table, column=src, hint=column_hint(src, available, col))
            continue
        exprs[col] = _cast(q(src), sqltype, types[src], source.read, aware=src in aware)
        if sqltype != "VARCHAR":
            checks.append((src, sqltype, exprs[col]))
    pii_cols = [c for c in PII_ID_COLUMNS if c in exprs]
    with_pii = _check_casts(raw, checks, source, {c: source.columns.get(c, c) for c in pii_cols})
    if with_pii:
        # The key is only looked up (and its file created) when a shop really has such ids, as in DuckDB.
        key = pii.project_secret(secret_folder)
        for col in with_pii:
            exprs[col] = pii.pseudonymise_ids_sql(f"({exprs[col]})", key, SPARK)
    selects = ["_line"] + [f"{exprs[c]} AS {q(c)}" if c in exprs else f"CAST(NULL AS {_SPARK_TYPES[t]}) AS {q(c)}"
                           for c, (t, _) in TABLES[table].items()]
    return raw.selectExpr(*selects), [c for c in TABLES[table] if c in exprs]


def _check_casts(raw: "DataFrame", checks: list[tuple[str, str, str]], source: TableSource,
                 id_columns: Mapping[str, str] | None = None) -> list[str]:
    """DataError for the first column with values present but unreadable, worded as DuckDB's
    journeylab.data.io.validate.check_cast words it (count, first five lines, the same hint). In the same
    pass: which of ``id_columns`` (canonical -> source column) hold e-mail addresses or phone numbers."""
    id_columns = dict(id_columns or {})
    present = "NULLIF(trim(CAST({c} AS STRING)), '') IS NOT NULL"
    bad = [f"({present.format(c=q(src))} AND ({expr}) IS NULL)" for src, _, expr in checks]
    pii_counts = [f"count_if({pii.looks_like_email_sql(q(src), SPARK)} OR {pii.looks_like_phone_sql(q(src), SPARK)})"
                  for src in id_columns.values()]
    counts = raw.selectExpr(*[f"count_if({b})" for b in bad], *pii_counts, "count(*)").first()
    total = counts[-1]
    for (src, sqltype, _), b, n_bad in zip(checks, bad, counts[:len(bad)]):
        if not n_bad:
            continue
        rows = raw.where(b).orderBy("_line").selectExpr("_line", f"CAST({q(src)} AS STRING)").limit(5).collect()
        raise DataError(f"{n_bad:,} of {total:,} values are {CAST_PROBLEMS[sqltype]}", file=source.label,
                        table=source.table, column=src, examples=[(r[0], {src: r[1]}) for r in rows],
                        hint=CAST_HINTS[sqltype])
    return [col for col, n in zip(id_columns, counts[len(bad):len(bad) + len(id_columns)]) if n]


def _default_observation_end(typed: dict, sources: Mapping[str, TableSource], *, no_orders: bool = False) -> pd.Timestamp:
    """The last order (or event) time not after now, as journeylab.data.io.clean does (``no_orders``: the events'
    alone, for an events-only export)."""
    orders = typed["orders"][0]
    last = orders.where("ordered_at <= CAST(current_timestamp() AS TIMESTAMP)").selectExpr("max(ordered_at)").first()[0]
    if "events" in typed:
        ev = typed["events"][0].where("ts <= CAST(current_timestamp() AS TIMESTAMP)").selectExpr("max(ts)").first()[0]
        last = max(x for x in (last, ev) if x is not None) if (last or ev) else None
    if no_orders:
        if last is None:
            raise DataError("no event has a usable time", file=sources["events"].label, table="events", column="ts")
        return pd.Timestamp(last)
    if last is None or orders.where("ordered_at IS NOT NULL").limit(1).count() == 0:
        raise DataError("no order has a usable date", file=sources["orders"].label, table="orders", column="ordered_at")
    return pd.Timestamp(last)


def _clean_one(spark, table: str, typed: "DataFrame", present: list[str], obs_end: pd.Timestamp,
               source: TableSource, kept: dict[str, "DataFrame"], *,
               order_groups: "DataFrame | None" = None) -> tuple["DataFrame", list[dict]]:
    """Flag each row with the first rule it meets, count per rule, keep the rest: the SQL of
    journeylab.data.io.clean (as DuckDB runs it) on Spark DataFrames. ``order_groups``: for orders, their
    main categories (journeylab.data.io.clean.outlier_groups_sql), if any.

    Spark's own part: exact copies numbered by the window over all columns on every row (DuckDB first
    narrows them down by a hash, see journeylab.data.io.clean), the kept orders joined in for the one rule
    written as a sub-query (Spark allows none inside CASE), and the flagged rows persisted for the two
    passes (counts, then the kept rows)."""
    from pyspark.sql import functions as F

    if order_groups is not None:
        typed = spark.sql(outlier_join_sql("{orders}", "{groups}"), orders=typed, groups=order_groups)
    df = typed.selectExpr("*", copy_number_sql(table, SPARK),
                          *rule_inputs_sql(table, obs_end, SPARK, by_category=order_groups is not None))
    if table == "products":
        df = df.selectExpr("*", PRODUCT_COPY_SQL)
    if table == "order_lines":
        ids = kept["orders"].select(F.col("order_id").alias("_oid"), F.lit(True).alias(ORDER_KEPT)).distinct()
        df = df.join(ids, df["order_id"] == ids["_oid"], "left").drop("_oid")
    flagged = df.selectExpr("*", rule_case_sql(table, SPARK)).persist()
    groups = flagged.groupBy("_rule").agg(*[F.expr(e) for e in count_sql(table, SPARK)]).collect()
    select = select_sql(table, present, SPARK)
    out = flagged.where(keep_sql(table))
    if table == "orders":
        _check_unique_orders(out.selectExpr(*select, "_line"), source)
    return out.selectExpr(*select), quality_records(table, groups)


def _check_unique_orders(orders: "DataFrame", source: TableSource) -> None:
    """DataError when an order id occurs on more than one kept row (as the DuckDB loader)."""
    dup_ids = orders.groupBy("order_id").count().where("count > 1")
    n_ids = dup_ids.count()
    if not n_ids:
        return
    rows = (orders.join(dup_ids.select("order_id"), "order_id").orderBy("order_id", "_line")
            .select("_line", "order_id", "customer_id", "ordered_at", "revenue").limit(5).collect())
    raise duplicate_orders_error(n_ids, rows, source)


def _store(df: "DataFrame", table: str, storage: str | None, spark: "SparkSession") -> "DataFrame":
    """Materialise a cleaned table once: Parquet under ``storage`` (read back), else persisted in Spark."""
    if storage is None:
        from pyspark import StorageLevel

        return df.persist(StorageLevel.MEMORY_AND_DISK)
    path = f"{str(storage).rstrip('/')}/{table}"
    df.write.mode("overwrite").parquet(path)
    return spark.read.parquet(path)
