"""Map a raw table's columns onto the canonical ones and type them, refusing what cannot be read.

A value that is present but cannot be read (a date that does not parse, text in an amount)
is a user mistake: DataError with the file, the column and up to five example rows. An empty
value is not an error here; cleaning counts and handles it.

Time stamps: text without a zone is taken to be in the shop's zone (``read: {timezone:}``,
default UTC) and kept as it is; text with an offset or zone ("...+01:00", "...Z", "... UTC",
"... Europe/Amsterdam") and zone-aware Parquet columns are converted to the shop's zone. All
canonical time stamps are therefore naive times in one documented zone.

Customer and user ids that are e-mail addresses or phone numbers are replaced by their keyed
hash (journeylab.data.pii) here, before any table, message or example row can show them.
"""
from __future__ import annotations

import difflib

import duckdb

from journeylab.data.config import TableSource
from journeylab.data.contract import TABLES
from journeylab.data.dialect import DUCKDB
from journeylab.errors import DataError
from journeylab.data import pii
from journeylab.data.io.readers import raw_columns

PII_ID_COLUMNS = ("customer_id", "user_id")
MISSING_TEXT = ("nan", "null", "none", "n/a", "#n/a", "na", "<na>", "nat")
# A time followed by a UTC offset or a zone name: such text is converted to the shop's zone (a regular
# expression both engines match time stamp text against).
AWARE_RE = r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?\s*(Z|z|[+-][0-9]{2}(:?[0-9]{2})?|\s+(UTC|GMT|[A-Za-z]+/[A-Za-z_]+))$"

# What an unreadable value is, and how to fix it: one wording for both engines (journeylab.spark.shop too).
CAST_PROBLEMS = {"DOUBLE": "not a number", "TIMESTAMP": "not a date"}
CAST_HINTS = {
    "DOUBLE": "use a point as decimal separator, or set read: {decimal: ','} (and thousands:) in the shop config",
    "TIMESTAMP": "use YYYY-MM-DD [HH:MM:SS], or set read: {date_format: '%d-%m-%Y'} or {dayfirst: true}",
}
# Tried in this order with read: {dayfirst: true} (then the ISO cast); the Spark engine translates them.
DAYFIRST_FORMATS = ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y")


def typed_table(
    con: duckdb.DuckDBPyConnection, raw: str, source: TableSource, *, secret_folder=None
) -> tuple[str, list[str]]:
    """Create ``typed_<table>`` with canonical column names and types from ``raw``.

    Returns the table's name and the canonical columns the source had. Every canonical column
    is in the typed table (absent optional ones as NULL); ``_line`` is kept for messages. Raises DataError for a missing required column or for
    values that cannot be read as the column's type.
    """
    table = source.table
    spec = TABLES[table]
    available = raw_columns(con, raw)
    selects = ["_line"]
    present = []
    for col, (sqltype, required) in spec.items():
        src = source.columns.get(col, col)
        if src not in available:
            if required:
                raise DataError(
                    f"required column '{src}' is missing"
                    + (f" (mapped to canonical '{col}')" if src != col else ""),
                    file=source.label,
                    table=table,
                    column=src,
                    hint=column_hint(src, available, col),
                )
            selects.append(f"CAST(NULL AS {sqltype}) AS {DUCKDB.ident(col)}")
            continue
        present.append(col)
        expr = _cast(DUCKDB.ident(src), sqltype, source, con, raw)
        if col in PII_ID_COLUMNS and pii.has_pii_ids(con, raw, src):
            # The key is only looked up (and its file created) when a shop really has such ids.
            expr = pii.pseudonymise_ids_sql(expr, pii.project_secret(secret_folder))
        selects.append(f"{expr} AS {DUCKDB.ident(col)}")
        _check_cast(con, raw, DUCKDB.ident(src), col, sqltype, source)
    name = f"typed_{table}"
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {', '.join(selects)} FROM {raw}")
    return name, present


def _cast(expr: str, sqltype: str, source: TableSource, con: duckdb.DuckDBPyConnection, raw: str) -> str:
    return cast_sql(expr, sqltype, source.read, _column_type(con, raw, expr))


def cast_sql(expr: str, sqltype: str, read: dict, src_type: str = "VARCHAR") -> str:
    """SQL that reads ``expr`` as ``sqltype`` (VARCHAR, DOUBLE or TIMESTAMP) under the read options.

    Unreadable values become NULL; :func:`check_cast` turns them into a DataError first.
    ``src_type`` is the DuckDB type of ``expr`` (zone-aware timestamps are converted).
    """
    text = f"NULLIF(trim(CAST({expr} AS VARCHAR)), '')"
    tz = DUCKDB.string(str(read.get("timezone") or "UTC"))
    if sqltype == "VARCHAR":
        # Ids written as floats by spreadsheets ('17850.0') are the same id as '17850'.
        # Spreadsheet and pandas spellings of "no value" are no id; '17850.0' is the id 17850.
        text = f"CASE WHEN lower({text}) IN ({', '.join(map(DUCKDB.string, MISSING_TEXT))}) THEN NULL ELSE {text} END"
        return f"regexp_replace({text}, '^(-?[0-9]+)\\.0+$', '\\1')"
    if sqltype == "DOUBLE":
        dec = read.get("decimal", ".")
        thousands = read.get("thousands")
        num = text
        if thousands:
            num = f"replace({num}, {DUCKDB.string(str(thousands))}, '')"
        if dec != ".":
            num = f"replace(replace({num}, '.', ''), {DUCKDB.string(str(dec))}, '.')" if not thousands else f"replace({num}, {DUCKDB.string(str(dec))}, '.')"
        return f"TRY_CAST({num} AS DOUBLE)"
    if sqltype == "TIMESTAMP":
        if src_type.upper().startswith("TIMESTAMP WITH TIME ZONE"):
            return f"timezone({tz}, {expr})"
        if src_type.upper().startswith(("TIMESTAMP", "DATE")):
            return f"CAST({expr} AS TIMESTAMP)"
        fmt = read.get("date_format")
        if fmt:
            return f"try_strptime({text}, {DUCKDB.string(str(fmt))})"
        if read.get("dayfirst"):
            formats = ", ".join(map(DUCKDB.string, DAYFIRST_FORMATS))
            return f"coalesce(try_strptime({text}, [{formats}]), TRY_CAST({text} AS TIMESTAMP))"
        # A plain cast to TIMESTAMP silently drops an offset: zone-aware text goes through TIMESTAMPTZ.
        return (
            f"CASE WHEN regexp_matches({text}, '{AWARE_RE}') "
            f"THEN timezone({tz}, TRY_CAST(regexp_replace({text}, '\\s+([+-][0-9]{{2}}:?[0-9]{{2}})$', '\\1') AS TIMESTAMPTZ)) "
            f"ELSE TRY_CAST({text} AS TIMESTAMP) END"
        )
    raise AssertionError(sqltype)


def _column_type(con: duckdb.DuckDBPyConnection, raw: str, expr: str) -> str:
    name = expr.strip('"').replace('""', '"')
    for col, typ, *_ in con.execute(f"DESCRIBE {raw}").fetchall():
        if col == name:
            return str(typ)
    return "VARCHAR"


def _check_cast(con: duckdb.DuckDBPyConnection, raw: str, src: str, col: str, sqltype: str, source: TableSource) -> None:
    check_cast(con, raw, src, sqltype, source.read, file=source.label, table=source.table)


def check_cast(
    con: duckdb.DuckDBPyConnection, raw: str, src: str, sqltype: str, read: dict, *, file: str, table: str
) -> None:
    """Raise DataError (file, column, count, first five lines) when values of ``raw.src`` cannot be read as ``sqltype``.

    ``src`` is a quoted column of ``raw``, which must have ``_line``.
    """
    if sqltype == "VARCHAR":
        return
    typed = cast_sql(src, sqltype, read, _column_type(con, raw, src))
    present = f"NULLIF(trim(CAST({src} AS VARCHAR)), '') IS NOT NULL"
    bad_where = f"{present} AND {typed} IS NULL"
    n_bad = con.execute(f"SELECT count(*) FROM {raw} WHERE {bad_where}").fetchone()[0]
    if n_bad == 0:
        return
    total = con.execute(f"SELECT count(*) FROM {raw}").fetchone()[0]
    rows = con.execute(f"SELECT _line, CAST({src} AS VARCHAR) FROM {raw} WHERE {bad_where} ORDER BY _line LIMIT 5").fetchall()
    raise DataError(
        f"{n_bad:,} of {total:,} values are {CAST_PROBLEMS[sqltype]}",
        file=file,
        table=table,
        column=src.strip('"'),
        examples=[(line, {src.strip('"'): value}) for line, value in rows],
        hint=CAST_HINTS[sqltype],
    )


def column_hint(missing: str, available: list[str], canonical: str | None = None) -> str:
    """The hint for a missing column ``missing`` (str, the name looked for: the canonical column ``canonical``
    or the shop's name the config maps it to): the closest of the file's columns ``available`` (list of str)
    and how to map it, ``columns: {<canonical>: <file's column>}``, or the file's columns (both engines word
    it this way)."""
    close = difflib.get_close_matches(missing, available, n=3, cutoff=0.5)
    lower = [c for c in available if c.lower() == missing.lower()]
    shown = ", ".join(available[:20]) + (" …" if len(available) > 20 else "")
    if lower or close:
        found = (lower or close)[0]
        return f"did you mean {found!r}? Map it with columns: {{{canonical or missing}: {found}}}. The file has: {shown}"
    return f"the file has the columns: {shown}; map yours with 'columns:' in the shop config"
