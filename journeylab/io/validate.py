"""Map a raw table's columns onto the canonical ones and type them, refusing what cannot be read.

A value that is present but cannot be read (a date that does not parse, text in an amount)
is a user mistake: DataError with the file, the column and up to five example rows. An empty
value is not an error here; cleaning counts and handles it.
"""
from __future__ import annotations

import difflib

import duckdb

from ..config import TableSource
from ..contract import TABLES
from ..engine import quote
from ..errors import DataError
from .readers import raw_columns

DAYFIRST_FORMATS = ("%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y", "%d.%m.%Y")


def typed_table(con: duckdb.DuckDBPyConnection, raw: str, source: TableSource) -> tuple[str, list[str]]:
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
                    hint=_column_hint(src, available),
                )
            selects.append(f"CAST(NULL AS {sqltype}) AS {quote(col)}")
            continue
        present.append(col)
        selects.append(f"{_cast(quote(src), sqltype, source, con, raw)} AS {quote(col)}")
        _check_cast(con, raw, quote(src), col, sqltype, source)
    name = f"typed_{table}"
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {', '.join(selects)} FROM {raw}")
    return name, present


def _cast(expr: str, sqltype: str, source: TableSource, con: duckdb.DuckDBPyConnection, raw: str) -> str:
    text = f"NULLIF(trim(CAST({expr} AS VARCHAR)), '')"
    if sqltype == "VARCHAR":
        # Ids written as floats by spreadsheets ('17850.0') are the same id as '17850'.
        return f"regexp_replace({text}, '^(-?[0-9]+)\\.0+$', '\\1')"
    if sqltype == "DOUBLE":
        dec = source.read.get("decimal", ".")
        thousands = source.read.get("thousands")
        num = text
        if thousands:
            num = f"replace({num}, '{_sql_str(str(thousands))}', '')"
        if dec != ".":
            num = f"replace(replace({num}, '.', ''), '{_sql_str(str(dec))}', '.')" if not thousands else f"replace({num}, '{_sql_str(str(dec))}', '.')"
        return f"TRY_CAST({num} AS DOUBLE)"
    if sqltype == "TIMESTAMP":
        fmt = source.read.get("date_format")
        if fmt:
            return f"try_strptime({text}, '{_sql_str(str(fmt))}')"
        if source.read.get("dayfirst"):
            formats = ", ".join(f"'{f}'" for f in DAYFIRST_FORMATS)
            return f"coalesce(try_strptime({text}, [{formats}]), TRY_CAST({expr} AS TIMESTAMP))"
        # Typed timestamps (Parquet, DataFrames) cast directly; text goes through ISO parsing.
        return f"coalesce(TRY_CAST({expr} AS TIMESTAMP), TRY_CAST({text} AS TIMESTAMPTZ)::TIMESTAMP)"
    raise AssertionError(sqltype)


def _check_cast(con: duckdb.DuckDBPyConnection, raw: str, src: str, col: str, sqltype: str, source: TableSource) -> None:
    if sqltype == "VARCHAR":
        return
    typed = _cast(src, sqltype, source, con, raw)
    present = f"NULLIF(trim(CAST({src} AS VARCHAR)), '') IS NOT NULL"
    bad_where = f"{present} AND {typed} IS NULL"
    n_bad = con.execute(f"SELECT count(*) FROM {raw} WHERE {bad_where}").fetchone()[0]
    if n_bad == 0:
        return
    total = con.execute(f"SELECT count(*) FROM {raw}").fetchone()[0]
    rows = con.execute(f"SELECT _line, CAST({src} AS VARCHAR) FROM {raw} WHERE {bad_where} ORDER BY _line LIMIT 5").fetchall()
    what = {"DOUBLE": "not a number", "TIMESTAMP": "not a date"}[sqltype]
    hint = {
        "DOUBLE": "use a point as decimal separator, or set read: {decimal: ','} (and thousands:) in the shop config",
        "TIMESTAMP": "use YYYY-MM-DD [HH:MM:SS], or set read: {date_format: '%d-%m-%Y'} or {dayfirst: true}",
    }[sqltype]
    raise DataError(
        f"{n_bad:,} of {total:,} values are {what}",
        file=source.label,
        table=source.table,
        column=src.strip('"'),
        examples=[(line, {src.strip('"'): value}) for line, value in rows],
        hint=hint,
    )


def _column_hint(missing: str, available: list[str]) -> str:
    close = difflib.get_close_matches(missing, available, n=3, cutoff=0.5)
    lower = [c for c in available if c.lower() == missing.lower()]
    shown = ", ".join(available[:20]) + (" …" if len(available) > 20 else "")
    if lower or close:
        return f"did you mean {(lower or close)[0]!r}? Map it with columns: {{{missing}: {(lower or close)[0]}}}. The file has: {shown}"
    return f"the file has the columns: {shown}; map yours with 'columns:' in the shop config"


def _sql_str(value: str) -> str:
    return value.replace("'", "''")
