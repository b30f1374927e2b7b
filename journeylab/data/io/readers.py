"""Read a table source (CSV, Parquet, Excel or DataFrame) into a raw DuckDB table.

The raw table keeps the file's own column names and values (CSV as text, so nothing is
lost to type guessing; newline-delimited JSON with its nested fields) plus ``_line``: the row's line in the file (header = line 1), or its
0-based position for a DataFrame, so error messages can point at it.
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from journeylab.data.config import TableSource
from journeylab.errors import DataError

CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".txt.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
JSON_SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz")


def read_raw(con: duckdb.DuckDBPyConnection, source: TableSource) -> str:
    """Load ``source`` into the table ``raw_<table>`` of ``con``; return that table's name.

    Raises DataError when the file does not exist, is empty, has only a header, or cannot be
    parsed as its format, and for an object-storage URI (read by the Spark engine).
    """
    if source.uri is not None:
        raise DataError("object-storage URIs are read by the Spark engine: load_shop(config, engine='spark')",
                        file=source.uri, table=source.table,
                        hint="or copy the table to a local file and give its path in the shop config")
    name = f"raw_{source.table}"
    con.execute(f"DROP TABLE IF EXISTS {name}")
    if source.frame is not None:
        frame = source.frame.reset_index(drop=True)
        con.register("_jl_frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT *, (row_number() OVER () - 1)::BIGINT AS _line FROM _jl_frame")
        con.unregister("_jl_frame")
    else:
        path = source.path
        assert path is not None
        _check_file(path, source.table)
        suffix = "".join(path.suffixes[-2:]).lower() if path.suffix.lower() == ".gz" else path.suffix.lower()
        try:
            if suffix in PARQUET_SUFFIXES or path.is_dir():
                target = str(path / "*.parquet") if path.is_dir() else str(path)
                con.execute(
                    f"CREATE TABLE {name} AS SELECT * EXCLUDE (file_row_number), file_row_number AS _line "
                    f"FROM read_parquet(?, file_row_number = true)",
                    [target],
                )
            elif suffix in EXCEL_SUFFIXES:
                frame = read_excel(path, source)
                con.register("_jl_frame", frame)
                con.execute(f"CREATE TABLE {name} AS SELECT *, (row_number() OVER () + 1)::BIGINT AS _line FROM _jl_frame")
                con.unregister("_jl_frame")
            elif suffix in JSON_SUFFIXES:
                # Newline-delimited JSON (BigQuery's export format): one record per line, nested fields kept.
                con.execute(
                    f"CREATE TABLE {name} AS SELECT *, (row_number() OVER ())::BIGINT AS _line "
                    f"FROM read_json(?, format = 'newline_delimited', sample_size = -1)",
                    [str(path)],
                )
            elif suffix in CSV_SUFFIXES or suffix.endswith(".gz"):
                _read_csv(con, name, path, source)
            else:
                raise DataError(
                    f"unknown file type '{suffix}'; journeylab reads CSV (.csv, .csv.gz, .tsv), Parquet, Excel (.xlsx) and newline-delimited JSON (.json, .jsonl)",
                    file=str(path),
                    table=source.table,
                )
        except (duckdb.Error, ValueError, OSError) as exc:
            if isinstance(exc, DataError):
                raise
            if "not utf-8 encoded" in str(exc).lower() or "invalid unicode" in str(exc).lower():
                raise DataError(
                    "is not UTF-8 text (a byte sequence is not valid UTF-8)",
                    file=str(path),
                    table=source.table,
                    hint="Excel and older shop systems often write Latin-1 / Windows-1252: set read: {encoding: latin-1}",
                ) from None
            raise DataError(f"could not be read: {_first_line(exc)}", file=str(path), table=source.table) from None
    n = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
    if n == 0:
        raise DataError(
            "has a header but no data rows" if source.path is not None else "has no rows",
            file=source.label,
            table=source.table,
        )
    return name


def raw_columns(con: duckdb.DuckDBPyConnection, raw: str) -> list[str]:
    """The file's own column names of a raw table (without ``_line``)."""
    cols = [r[0] for r in con.execute(f"DESCRIBE {raw}").fetchall()]
    return [c for c in cols if c != "_line"]


def _check_file(path: Path, table: str) -> None:
    if not path.exists():
        raise DataError("file does not exist", file=str(path), table=table, hint="check 'path' in the shop config")
    if path.is_file() and path.stat().st_size == 0:
        raise DataError("file is empty (0 bytes)", file=str(path), table=table)


def _read_csv(con: duckdb.DuckDBPyConnection, name: str, path: Path, source: TableSource) -> None:
    opts = source.read
    args = ["all_varchar = true", "header = true", "strict_mode = false", "null_padding = true"]
    params: list[object] = [str(path)]
    if "sep" in opts:
        args.append("delim = ?")
        params.append(str(opts["sep"]))
    if "encoding" in opts:
        enc = str(opts["encoding"]).lower().replace("_", "-")
        enc = {"latin1": "latin-1", "iso-8859-1": "latin-1", "utf8": "utf-8", "utf-8-sig": "utf-8"}.get(enc, enc)
        args.append("encoding = ?")
        params.append(enc)
    sql = f"CREATE TABLE {name} AS SELECT *, (row_number() OVER () + 1)::BIGINT AS _line FROM read_csv(?, {{args}})"
    try:
        con.execute(sql.format(args=", ".join(args)), params)
    except duckdb.Error as exc:
        # Quoted line breaks inside fields (review texts) need the single-threaded scanner.
        if "parallel=false" not in str(exc):
            raise
        con.execute(sql.format(args=", ".join(args + ["parallel = false"])), params)
    cols = raw_columns(con, name)
    if cols and all(c.startswith("column") and c[6:].isdigit() for c in cols):
        raise DataError("has no header row; the first line must name the columns", file=str(path), table=source.table)


def read_excel(path: Path, source: TableSource) -> pd.DataFrame:
    """The sheet ``read: {sheet:}`` (default: the only sheet) of the workbook at ``path`` (Path) as a
    DataFrame of text (str column names); DataError for an unreadable workbook, an unknown sheet, or several
    sheets with none named. Used by both engines."""
    sheet = source.read.get("sheet", 0)
    try:
        book = pd.ExcelFile(path)
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise DataError(f"is not a readable Excel workbook: {_first_line(exc)}", file=str(path), table=source.table) from None
    if isinstance(sheet, str) and sheet not in book.sheet_names:
        raise DataError(
            f"has no sheet '{sheet}'; sheets: {book.sheet_names}", file=str(path), table=source.table
        )
    if sheet == 0 and len(book.sheet_names) > 1:
        # Several sheets and none named: refuse rather than guess which one holds the orders.
        raise DataError(
            f"has {len(book.sheet_names)} sheets {book.sheet_names}; name one with read: {{sheet: NAME}}",
            file=str(path),
            table=source.table,
        )
    frame = pd.read_excel(book, sheet_name=sheet, dtype=str)
    frame.columns = [str(c) for c in frame.columns]
    return frame


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


__all__ = ["read_raw", "raw_columns", "read_excel"]
