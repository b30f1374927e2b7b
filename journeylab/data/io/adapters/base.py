"""What every shop-system adapter shares: reading the export, checking its columns, counted rules.

An adapter turns one export (a file, several files or a folder) into typed canonical tables
(``typed_<table>`` with every canonical column of journeylab.data.contract, absent ones NULL, plus
``_line``, the source line a row came from), which the generic cleaning then treats like any
other shop's tables. Rows the adapter itself drops or changes (a test order, a postage line)
are counted with :func:`apply_rules`; :func:`merge_quality` joins those counts with the generic
cleaning's, so that per table: rows read (from the export) = rows kept + rows dropped.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import duckdb
import pandas as pd

from journeylab.data.config import ShopConfig, TableSource
from journeylab.data.contract import TABLES
from journeylab.data.dialect import DUCKDB
from journeylab.errors import DataError
from journeylab.data import pii
from journeylab.data.io.readers import raw_columns, read_raw
from journeylab.data.io.validate import cast_sql, check_cast


@dataclass(frozen=True)
class AdapterRule:
    """One thing an adapter drops or changes: an SQL condition over its staging table."""

    rule: str  # the rule's id (journeylab.i18n.DQ_RULES)
    condition: str
    action: str  # 'dropped' or 'fixed'
    explanation: str  # an id of journeylab.i18n.DQ_EXPLANATIONS


@dataclass
class Adapted:
    """An adapter's result: typed canonical tables, their sources (for messages), its counted rules.

    ``no_orders``: the export has no orders by nature (e.g. sessions that only say whether they ended in
    a purchase); its orders table is empty, and the loaders keep the shop instead of stopping at
    'no order is left'."""

    typed: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    sources: dict[str, TableSource] = field(default_factory=dict)
    quality: list[dict] = field(default_factory=list)
    no_orders: bool = False


class Context:
    """What an adapter gets: the connection, the shop config, the read options, the secret on demand."""

    def __init__(self, con: duckdb.DuckDBPyConnection, cfg: ShopConfig, fmt_label: str) -> None:
        self.con = con
        self.cfg = cfg
        self.read = dict(cfg.format_read)
        self.label = fmt_label
        self._key: bytes | None = None

    @property
    def key(self) -> bytes:
        """The project's HMAC key (journeylab.data.pii.project_secret); the secret file is made on first use."""
        if self._key is None:
            self._key = pii.project_secret(self.cfg.folder)
        return self._key

    def hash(self, expr: str) -> str:
        """SQL: the pseudonym of ``expr`` (an e-mail, a name ...)."""
        return pii.hash_sql(expr, self.key)

    def file(self, role: str, default_name: str | None = None) -> Path:
        """The export file for ``role``: ``files: {role: ...}``, else the single ``path``, else ``default_name`` in the ``path`` folder."""
        if role in self.cfg.format_files:
            return self.cfg.format_files[role]
        paths = self.cfg.format_paths
        if default_name is not None and len(paths) == 1 and paths[0].is_dir():
            candidates = [paths[0] / default_name, paths[0] / (default_name + ".gz")]
            for c in candidates:
                if c.exists():
                    return c
            return candidates[0]
        if len(paths) == 1:
            return paths[0]
        raise DataError(
            f"format '{self.cfg.format}' needs the {role} file: give 'path' or files: {{{role}: ...}}",
            table=role,
        )

    def read_file(self, role: str, path: Path, read: dict[str, Any] | None = None) -> tuple[str, TableSource]:
        """Read one export file (CSV, Parquet, Excel) into ``raw_<role>``; return its name and source."""
        source = TableSource(table=role, path=path, read=dict(self.read if read is None else read))
        return read_raw(self.con, source), source


def require_columns(con: duckdb.DuckDBPyConnection, raw: str, needed: Sequence[str], source: TableSource, what: str) -> list[str]:
    """Raise DataError naming the file and the first missing column when ``raw`` lacks one of ``needed``.

    Returns the raw table's columns.
    """
    available = raw_columns(con, raw)
    missing = [c for c in needed if c not in available]
    if missing:
        close = difflib.get_close_matches(missing[0], available, n=1, cutoff=0.6)
        shown = ", ".join(available[:15]) + (" …" if len(available) > 15 else "")
        raise DataError(
            f"is not a {what}: column(s) {missing} missing",
            file=source.label,
            table=source.table,
            column=missing[0],
            hint=(f"did you mean {close[0]!r}? " if close else "")
            + f"the file has: {shown}. Check 'format:' in the shop config, or map the columns yourself with 'tables:'",
        )
    return available


def typed_expr(con: duckdb.DuckDBPyConnection, raw: str, column: str, sqltype: str, source: TableSource) -> str:
    """SQL reading ``raw.column`` as ``sqltype``; refuses unreadable values first (DataError naming the column and lines)."""
    check_cast(con, raw, DUCKDB.ident(column), sqltype, source.read, file=source.label, table=source.table)
    types = {c: t for c, t, *_ in con.execute(f"DESCRIBE {raw}").fetchall()}
    return cast_sql(DUCKDB.ident(column), sqltype, source.read, str(types.get(column, "VARCHAR")))


def apply_rules(
    con: duckdb.DuckDBPyConnection,
    stage: str,
    table: str,
    rules: Sequence[AdapterRule],
    *,
    money: str = "0",
    read_explanation: str = "rows_in_export",
) -> tuple[str, list[dict]]:
    """Flag each row of ``stage`` with the first rule it meets; return (kept table, quality records).

    The kept table ``<stage>_kept`` holds the rows no 'dropped' rule took (and ``_rule``: the
    fixed rule's id or NULL). Rule and explanation ids: journeylab.i18n.DQ_RULES and DQ_EXPLANATIONS. ``money`` is an SQL amount per row (shop currency) summed per rule.
    """
    cases = " ".join(f"WHEN coalesce({r.condition}, false) THEN {i}" for i, r in enumerate(rules)) or "WHEN false THEN 0"
    money_sql = f"coalesce(CASE WHEN isfinite({money}) THEN {money} END, 0)" if money != "0" else "0"
    con.execute(f"CREATE OR REPLACE TEMP TABLE _aflag AS SELECT *, CASE {cases} ELSE NULL END AS _arule FROM {stage}")
    per_rule = {
        (int(i) if i is not None else None): (n, float(m))
        for i, n, m in con.execute(f"SELECT _arule, count(*), sum({money_sql}) FROM _aflag GROUP BY _arule").fetchall()
    }
    matching = (
        con.execute(
            "SELECT " + ", ".join(f"count(*) FILTER (WHERE coalesce({r.condition}, false))" for r in rules) + " FROM _aflag"
        ).fetchone()
        if rules
        else ()
    )
    keep = "_arule IS NULL" + "".join(f" OR _arule = {i}" for i, r in enumerate(rules) if r.action != "dropped")
    kept = f"{stage}_kept"
    con.execute(f"CREATE OR REPLACE TABLE {kept} AS SELECT * FROM _aflag WHERE {keep}")
    con.execute("DROP TABLE _aflag")
    n_in = sum(n for n, _ in per_rule.values())
    m_in = sum(m for _, m in per_rule.values())
    records = [dict(table=table, rule="rows_read", action="read", rows=n_in, revenue=m_in,
                    explanation=read_explanation, matching=n_in)]
    for i, r in enumerate(rules):
        n, m = per_rule.get(i, (0, 0.0))
        records.append(dict(table=table, rule=r.rule, action=r.action, rows=n, revenue=m,
                            explanation=r.explanation, matching=int(matching[i])))
    return kept, records


def make_typed(con: duckdb.DuckDBPyConnection, table: str, query: str) -> tuple[str, list[str]]:
    """Create ``typed_<table>`` from ``query`` (canonical column names, typed, plus ``_line``).

    Canonical columns the query lacks are added as NULL; other columns are left out. Returns
    the name and the canonical columns the query had.
    """
    con.execute(f"CREATE OR REPLACE TEMP VIEW _jl_q AS {query}")
    have = set(raw_columns(con, "_jl_q"))
    selects = ["_line"]
    present = []
    for col, (sqltype, _) in TABLES[table].items():
        if col in have:
            present.append(col)
            selects.append(f"CAST({DUCKDB.ident(col)} AS {sqltype}) AS {DUCKDB.ident(col)}")
        else:
            selects.append(f"CAST(NULL AS {sqltype}) AS {DUCKDB.ident(col)}")
    name = f"typed_{table}"
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT {', '.join(selects)} FROM _jl_q")
    con.execute("DROP VIEW _jl_q")
    return name, present


def merge_quality(adapter: list[dict], clean: pd.DataFrame) -> pd.DataFrame:
    """One data-quality table: per table, the adapter's rows read and rules, then the generic cleaning's.

    Where the adapter reports a table, its 'rows read' (rows in the export) replaces the
    cleaning's (rows the adapter handed on), so rows read = kept + dropped still holds;
    the read revenue is the kept plus the dropped revenue of both steps.
    """
    if not adapter:
        return clean
    ad = pd.DataFrame.from_records(adapter, columns=list(clean.columns))
    parts = []
    order = ["orders", "order_lines", "products", "events", "reviews"]
    tables = sorted(dict.fromkeys(list(ad["table"]) + list(clean["table"])), key=lambda t: (order.index(t) if t in order else 9, t))
    for t in tables:
        a = ad[ad["table"] == t]
        c = clean[clean["table"] == t]
        if a.empty:
            parts.append(c)
            continue
        if c.empty:  # an export table that feeds no canonical table of its own (e.g. Olist payments)
            parts.append(a)
            continue
        read = a[a["action"] == "read"].copy()
        kept_rev = c.loc[c["action"] == "kept", "revenue"].sum()
        dropped_rev = a.loc[a["action"] == "dropped", "revenue"].sum() + c.loc[c["action"] == "dropped", "revenue"].sum()
        read["revenue"] = kept_rev + dropped_rev
        parts.append(pd.concat([read, a[a["action"] != "read"], c[c["action"] != "read"]]))
    out = pd.concat(parts, ignore_index=True)
    out["rows"] = out["rows"].astype("int64")
    out["matching"] = out["matching"].fillna(out["rows"]).astype("int64")
    return out


__all__ = [
    "Adapted", "AdapterRule", "Context", "apply_rules", "make_typed", "merge_quality", "require_columns", "typed_expr",
]
