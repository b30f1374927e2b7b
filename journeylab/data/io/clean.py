"""Clean typed tables into the canonical ones, counting every row dropped or changed.

Each rule is one row of ``RULES``: the table, the rule's id, an SQL condition, what is done
(``dropped``, ``fixed`` or ``flagged``) and the id of its explanation (ids: their words in both languages
are journeylab.i18n.DQ_RULES and DQ_EXPLANATIONS). A row is counted by the first rule it meets, so
rows read = rows kept + rows dropped (and revenue likewise); ``fixed`` and ``flagged`` rows stay in
(flagged: kept as they are, but counted and shown, e.g. an order of an absurd amount).
``matching`` counts every row meeting a rule's condition, also those an earlier rule already
took (e.g. all cancellation lines, whether or not they were duplicates too), so published
counts of a data set can be checked against it.

The SQL around the rules (the CASE giving each row its rule, the counts, the keep condition, the
fixes) and the data-quality records are written once here for a :class:`journeylab.data.dialect.Dialect`;
DuckDB's ``_clean_one`` below and Spark's (journeylab.spark.shop) add only what their plans need.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

import duckdb
import pandas as pd

from journeylab.data.config import TableSource
from journeylab.data.contract import CANCELLED_STATUSES, TABLES
from journeylab.data.dialect import DUCKDB, Dialect
from journeylab.errors import DataError
from journeylab.i18n import rule_label


@dataclass(frozen=True)
class Rule:
    table: str
    rule: str  # the rule's id; its words are journeylab.i18n.DQ_RULES
    condition: str  # SQL over the typed table's columns; may use _dup (copy number) and _obs_end
    action: str  # 'dropped', 'fixed' or 'flagged'
    explanation: str  # an id of journeylab.i18n.DQ_EXPLANATIONS
    # The same test without a sub-query, for an engine that allows none inside CASE (Spark): written over
    # the column ORDER_KEPT, which that engine's cleaning adds by a left join with the kept orders.
    joined: str | None = None


# The column a joined rule condition reads (see Rule.joined): TRUE when the line's order id is a kept order's.
ORDER_KEPT = "_order_kept"

_CANCELLED = ", ".join(f"'{s}'" for s in sorted(CANCELLED_STATUSES))

RULES: tuple[Rule, ...] = (
    Rule("orders", "duplicate_row", "_dup > 1", "dropped", "copy_counted_once"),
    Rule("orders", "missing_customer_id", "customer_id IS NULL", "dropped", "order_unlinked"),
    Rule("orders", "missing_order_date", "ordered_at IS NULL", "dropped", "order_undated"),
    Rule("orders", "missing_revenue", "revenue IS NULL", "dropped", "order_no_amount"),
    Rule("orders", "cancelled", f"lower(coalesce(status, '')) IN ({_CANCELLED})", "dropped", "order_cancelled"),
    Rule("orders", "negative_revenue", "revenue < 0", "dropped", "order_return"),
    Rule("orders", "after_observation_end", "ordered_at > _obs_end", "dropped", "outside_period_or_future"),
    Rule("orders", "missing_order_id", "order_id IS NULL", "fixed", "id_from_line"),
    # its words (journeylab.i18n) say OUTLIER_FACTOR and OUTLIER_MIN_ORDERS (below)
    Rule("orders", "extreme_amount", "revenue > _outlier_limit", "flagged", "extreme_amount"),
    Rule("order_lines", "duplicate_row", "_dup > 1", "dropped", "copy_row"),
    Rule("order_lines", "missing_product_id", "product_id IS NULL", "dropped", "line_no_product"),
    Rule("order_lines", "missing_quantity_or_price", "quantity IS NULL OR unit_price IS NULL", "dropped", "line_no_amount"),
    Rule("order_lines", "negative_quantity", "quantity < 0", "dropped", "line_returned"),
    Rule("order_lines", "order_not_kept", "order_id NOT IN (SELECT order_id FROM orders)", "dropped",
         "line_order_not_kept", joined=f"(order_id IS NOT NULL AND {ORDER_KEPT} IS NULL)"),
    Rule("products", "duplicate_product_id", "_dup_id > 1", "dropped", "first_product_row_kept"),
    Rule("products", "missing_product_id", "product_id IS NULL", "dropped", "product_no_id"),
    Rule("products", "missing_category", "category IS NULL", "fixed", "category_unknown"),
    Rule("events", "duplicate_row", "_dup > 1", "dropped", "copy_event"),
    Rule("events", "missing_user_id", "user_id IS NULL AND customer_id IS NULL", "dropped", "event_unlinked"),
    Rule("events", "missing_session_id", "session_id IS NULL", "dropped", "event_no_session"),
    Rule("events", "missing_time", "ts IS NULL", "dropped", "event_no_time"),
    Rule("events", "missing_event_type", "event_type IS NULL", "dropped", "event_no_type"),
    Rule("events", "after_observation_end", "ts > _obs_end", "dropped", "outside_period_or_future"),
    Rule("events", "user_id_from_customer_id", "user_id IS NULL", "fixed", "customer_for_user"),
    Rule("reviews", "duplicate_row", "_dup > 1", "dropped", "copy_review"),
    Rule("reviews", "missing_customer_or_product", "customer_id IS NULL OR product_id IS NULL", "dropped",
         "review_unlinked"),
    Rule("reviews", "bad_rating", "rating IS NULL OR rating < 1 OR rating > 5", "dropped", "rating_range"),
    Rule("reviews", "missing_time", "ts IS NULL", "dropped", "review_no_date"),
    Rule("reviews", "after_observation_end", "ts > _obs_end", "dropped", "outside_period"),
)

# An order is flagged as extreme above OUTLIER_FACTOR x the median positive amount of comparable orders
# (``_outlier_limit``). Where the shop has order lines and products, those are the orders of the same main
# category (see outlier_groups_sql): a bicycle order is compared with bicycle orders, not with socks. A
# category needs OUTLIER_MIN_ORDERS orders with a positive amount for its own median (fewer give an unstable
# one, and a handful of test orders could make up a "category" of their own); orders of a smaller or unknown
# category, and every order of a shop without lines and products, are compared with the median of all orders.
# As before, the medians are over every order row read (also those another rule drops).
OUTLIER_FACTOR = 100
OUTLIER_MIN_ORDERS = 20
# The column holding an order's main category while its rules are evaluated (NULL: unknown).
OUTLIER_GROUP = "_outlier_category"
_POSITIVE_REVENUE = "CASE WHEN revenue > 0 THEN revenue END"

# A product's copy number by its id (rule "duplicate product id"); the first row of each id is kept.
PRODUCT_COPY_SQL = "row_number() OVER (PARTITION BY product_id ORDER BY _line) AS _dup_id"

# What a fixed rule writes, per column, in a dialect (only the name of the text type differs).
_FIXES: dict[tuple[str, str], dict[str, Callable[[Dialect], str]]] = {
    ("orders", "missing_order_id"): {"order_id": lambda d: "'line-' || " + d.cast_text("_line")},
    ("products", "missing_category"): {"category": lambda d: "'unknown'"},
    ("events", "user_id_from_customer_id"): {"user_id": lambda d: "customer_id"},
}
# The amount a table's rows stand for in the data-quality table (tables without one count 0).
_MONEY = {"orders": "revenue", "order_lines": "quantity * unit_price"}
MONEY_TABLES = frozenset(_MONEY)  # the tables whose rows carry money (the others' revenue in data_quality is 0)

DQ_COLUMNS = ["table", "rule", "action", "rows", "revenue", "explanation", "matching"]


def clean_tables(
    con: duckdb.DuckDBPyConnection,
    typed: dict[str, tuple[str, list[str]]],
    sources: dict[str, TableSource],
    observation_end: pd.Timestamp | None,
    *,
    no_orders: bool = False,
) -> tuple[pd.DataFrame, pd.Timestamp]:
    """Clean every typed table into its canonical table; return (data_quality, observation_end).

    Without an explicit observation end, the last valid order (or event) time is used, and dates after
    today are dropped as future dates. ``no_orders``: the source has no orders by nature (an adapter's
    empty orders table, see journeylab.data.io.adapters.Adapted), so the events alone give the observation end.
    """
    if observation_end is None:
        # Events after the last order are still observed (a visit without a purchase), so they count too.
        parts = [f"SELECT max(ordered_at) AS t FROM {typed['orders'][0]} WHERE ordered_at <= now()::TIMESTAMP"]
        if "events" in typed:
            parts.append(f"SELECT max(ts) FROM {typed['events'][0]} WHERE ts <= now()::TIMESTAMP")
        last = con.execute(f"SELECT max(t) FROM ({' UNION ALL '.join(parts)})").fetchone()[0]
        if last is not None and not no_orders and con.execute(f"SELECT count(ordered_at) FROM {typed['orders'][0]}").fetchone()[0] == 0:
            last = None
        if last is None and no_orders:
            raise DataError("no event has a usable time", file=sources["events"].label, table="events", column="ts")
        if last is None:
            raise DataError("no order has a usable date", file=sources["orders"].label, table="orders", column="ordered_at")
        observation_end = pd.Timestamp(last)
    records: list[dict] = []
    # Each order's main category for its outlier limit, from the typed lines and products (cleaned after
    # the orders); a table, as the orders' rules are evaluated more than once.
    groups = None
    if "order_lines" in typed and "products" in typed:
        groups = "_outlier_groups"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {groups} AS "
                    + outlier_groups_sql(typed["order_lines"][0], typed["products"][0], DUCKDB))
    # orders first: order_lines refers to the kept orders
    for table in ("orders", "products", "order_lines", "events", "reviews"):
        if table in typed:
            name, present = typed[table]
            records.extend(_clean_one(con, table, name, observation_end, sources[table], present,
                                      order_groups=groups if table == "orders" else None))
            if table == "orders" and groups is not None:
                con.execute(f"DROP TABLE {groups}")
    return quality_table(records), observation_end


def quality_table(records: list[dict]) -> pd.DataFrame:
    """The data-quality table (DQ_COLUMNS) from the records of every table's cleaning, in either engine."""
    dq = pd.DataFrame.from_records(records, columns=DQ_COLUMNS)
    dq["rows"] = dq["rows"].astype("int64")
    dq["matching"] = dq["matching"].fillna(dq["rows"]).astype("int64")
    return dq


def finish_quality(dq: pd.DataFrame, adapter_quality: list[dict], orders_label: str | None, *,
                   no_orders: bool = False) -> pd.DataFrame:
    """The shop's data-quality table: the adapter's counted rules merged in (shop-system exports), and a
    DataError naming the dropping rules when no order is left to analyse (unless the source has no orders
    by nature: ``no_orders``, an events-only export). Shared by both engines' loaders."""
    if adapter_quality:
        from journeylab.data.io.adapters import merge_quality

        dq = merge_quality(adapter_quality, dq)
    kept = dq[(dq["table"] == "orders") & (dq["action"] == "kept")]["rows"]
    if int(kept.iloc[0]) == 0 and not no_orders:
        why = dq[(dq["table"] == "orders") & (dq["action"] == "dropped") & (dq["rows"] > 0)]
        reasons = "; ".join(f"{rule_label(r.rule)}: {r.rows:,}" for r in why.itertuples()) or "none"
        raise DataError(f"no order is left after cleaning (dropped: {reasons})", file=orders_label, table="orders",
                        hint="check the status, date and customer columns and the observation_end")
    return dq


def table_rules(table: str) -> list[Rule]:
    """The rules of ``table`` in order; a rule's number in ``_rule`` is its position here."""
    return [r for r in RULES if r.table == table]


def rule_condition(rule: Rule, dialect: Dialect) -> str:
    """A rule's SQL condition in ``dialect``: its joined form where a sub-query cannot stand inside CASE."""
    if rule.joined is not None and not dialect.subquery_in_case():
        return rule.joined
    return rule.condition


def copy_number_sql(table: str, dialect: Dialect) -> str:
    """``_dup``: a row's copy number among the rows equal in every canonical column (1 for the first, by _line)."""
    cols = ", ".join(dialect.ident(c) for c in TABLES[table])
    return f"row_number() OVER (PARTITION BY {cols} ORDER BY _line) AS _dup"


def rule_inputs_sql(table: str, obs_end: pd.Timestamp, dialect: Dialect, *, by_category: bool = False) -> list[str]:
    """The columns the rule conditions read besides the table's own: ``_obs_end`` and, for orders,
    ``_outlier_limit`` (``_dup``, ``_dup_id`` and ORDER_KEPT are added by each engine's own plan).
    ``by_category``: the orders carry OUTLIER_GROUP (joined by :func:`outlier_join_sql`)."""
    cols = [f"{dialect.timestamp(obs_end)} AS _obs_end"]
    if table == "orders":
        cols.append(outlier_limit_sql(by_category))
    return cols


def outlier_limit_sql(by_category: bool) -> str:
    """``_outlier_limit``: OUTLIER_FACTOR x the median positive amount of the order's own category (OUTLIER_GROUP)
    when that has OUTLIER_MIN_ORDERS orders with a positive amount, else of all orders; of all orders without
    ``by_category``. Windows over the order rows, the same in both engines."""
    shop = f"median({_POSITIVE_REVENUE}) OVER ()"
    if not by_category:
        return f"{OUTLIER_FACTOR} * {shop} AS _outlier_limit"
    same = f"OVER (PARTITION BY {OUTLIER_GROUP})"
    return (f"{OUTLIER_FACTOR} * CASE WHEN {OUTLIER_GROUP} IS NOT NULL AND count({_POSITIVE_REVENUE}) {same} >= "
            f"{OUTLIER_MIN_ORDERS} THEN median({_POSITIVE_REVENUE}) {same} ELSE {shop} END AS _outlier_limit")


def outlier_groups_sql(lines: str, products: str, dialect: Dialect) -> str:
    """(order_id, OUTLIER_GROUP): each order's main category, the category carrying most of the value of its
    lines (quantity x unit price; a tie goes to the first category by name), NULL when most of it is in
    products without a category or missing from ``products``. One row per order id with lines.

    ``lines`` and ``products`` are the typed tables: orders are cleaned before them, so the rules that will
    drop rows are applied here as they will be: an exact copy of a line counts once; lines without a
    product, quantity or price, or with a negative quantity, are left out; the first row of a product id
    gives its category (rule "duplicate product id")."""
    value = "l.quantity * l.unit_price"
    return f"""
        WITH l AS (SELECT DISTINCT order_id, product_id, quantity, unit_price FROM {lines}
                   WHERE order_id IS NOT NULL AND product_id IS NOT NULL AND unit_price IS NOT NULL AND quantity >= 0),
             p AS (SELECT product_id, category
                   FROM (SELECT product_id, category, {PRODUCT_COPY_SQL} FROM {products} WHERE product_id IS NOT NULL)
                   WHERE _dup_id = 1),
             v AS (SELECT l.order_id, p.category, sum({value}) AS _value
                   FROM l LEFT JOIN p ON p.product_id = l.product_id
                   WHERE {dialect.is_finite(value)}
                   GROUP BY l.order_id, p.category),
             r AS (SELECT order_id, category,
                          row_number() OVER (PARTITION BY order_id ORDER BY _value DESC, category ASC NULLS LAST) AS _k
                   FROM v)
        SELECT order_id, category AS {OUTLIER_GROUP} FROM r WHERE _k = 1"""


def outlier_join_sql(orders: str, groups: str) -> str:
    """The order rows of ``orders`` with their main category (OUTLIER_GROUP) from ``groups``
    (:func:`outlier_groups_sql`), NULL for an order without lines."""
    return f"SELECT o.*, g.{OUTLIER_GROUP} FROM {orders} o LEFT JOIN {groups} g ON g.order_id = o.order_id"


def rule_case_sql(table: str, dialect: Dialect) -> str:
    """``_rule``: the number of the first rule a row meets, NULL when it meets none."""
    cases = " ".join(f"WHEN {rule_condition(r, dialect)} THEN {i}" for i, r in enumerate(table_rules(table)))
    return f"CASE {cases} ELSE NULL END AS _rule"


def count_sql(table: str, dialect: Dialect) -> list[str]:
    """Aggregates per ``_rule`` group, in the order :func:`quality_records` reads them: rows, money (NaN
    and infinite amounts count 0) and, per rule, the rows meeting its condition (``matching``)."""
    money = _MONEY.get(table)
    amount = f"CASE WHEN {dialect.is_finite(money)} THEN {money} ELSE 0 END" if money else "0"
    matches = [f"count(*) FILTER (WHERE coalesce({rule_condition(r, dialect)}, false))" for r in table_rules(table)]
    return ["count(*)", f"coalesce(sum({amount}), 0)", *matches]


def keep_sql(table: str) -> str:
    """The rows kept: those meeting no rule, or a fixed or flagged one."""
    rules = table_rules(table)
    return "_rule IS NULL" + "".join(f" OR _rule = {i}" for i, r in enumerate(rules) if r.action in ("fixed", "flagged"))


def fix_sql(table: str, dialect: Dialect) -> dict[str, str]:
    """Per fixed column, its value: the fix on the rows of its own rule, the column elsewhere (flagged
    rows are kept unchanged)."""
    return {c: f"CASE WHEN _rule = {i} THEN {expr(dialect)} ELSE {dialect.ident(c)} END"
            for i, r in enumerate(table_rules(table)) if r.action == "fixed"
            for c, expr in _FIXES[(table, r.rule)].items()}


def select_sql(table: str, present: Sequence[str], dialect: Dialect) -> list[str]:
    """The canonical table's columns (those the source had), fixes applied, as select expressions."""
    fixes = fix_sql(table, dialect)
    return [(f"{fixes[c]} AS {dialect.ident(c)}" if c in fixes else dialect.ident(c))
            for c in TABLES[table] if c in present]


def quality_records(table: str, groups: Iterable[Sequence]) -> list[dict]:
    """The data-quality records of ``table`` from its rows grouped by ``_rule``: each group is
    (``_rule``, then the values of :func:`count_sql`). Rows read, one record per rule, rows kept."""
    rules = table_rules(table)
    counts: dict[int | None, tuple[int, float]] = {}
    matching = [0] * len(rules)
    for i, n, m, *per_rule in groups:
        counts[int(i) if i is not None else None] = (int(n), float(m))
        matching = [a + int(b) for a, b in zip(matching, per_rule)]
    n_in = sum(n for n, _ in counts.values())
    m_in = sum(m for _, m in counts.values())
    out = [dict(table=table, rule="rows_read", action="read", rows=n_in, revenue=m_in, explanation="rows_in_source")]
    for i, r in enumerate(rules):
        n, m = counts.get(i, (0, 0.0))
        out.append(dict(table=table, rule=r.rule, action=r.action, rows=n, revenue=m, explanation=r.explanation,
                        matching=matching[i]))
    dropped = [counts.get(i, (0, 0.0)) for i, r in enumerate(rules) if r.action == "dropped"]
    out.append(dict(table=table, rule="rows_kept", action="kept", rows=n_in - sum(n for n, _ in dropped),
                    revenue=m_in - sum(m for _, m in dropped), explanation="rows_analysed"))
    return out


def duplicate_orders_error(n_ids: int, rows: Iterable[Sequence], source: TableSource) -> DataError:
    """The error for order ids on more than one kept row; ``rows``: up to five (_line, order_id,
    customer_id, ordered_at, revenue) of them."""
    return DataError(
        f"{n_ids:,} order ids occur on more than one row with different contents",
        file=source.label,
        table="orders",
        column=source.columns.get("order_id", "order_id"),
        examples=[(line, dict(order_id=o, customer_id=c, ordered_at=str(t), revenue=r)) for line, o, c, t, r in rows],
        hint="one row per order is expected; for one row per order line use the order_lines table or a shop-system format",
    )


def _clean_one(
    con: duckdb.DuckDBPyConnection, table: str, typed: str, obs_end: pd.Timestamp, source: TableSource, present: list[str],
    *, order_groups: str | None = None,
) -> list[dict]:
    """Flag, count and keep the rows of one typed table (the shared SQL above) into its canonical table.
    ``order_groups``: for orders, the table of their main categories (:func:`outlier_groups_sql`), if any.

    DuckDB's own part: exact copies found through a hash first, and the flagged rows as a view."""
    # The typed table has every canonical column (absent ones as NULL), so every rule applies;
    # the canonical table keeps only the columns the source had.
    col_sql = ", ".join(DUCKDB.ident(c) for c in TABLES[table])
    obs = ", ".join(rule_inputs_sql(table, obs_end, DUCKDB, by_category=order_groups is not None))
    row = ", t.rowid AS _row" if order_groups is not None else ""  # the file's order, see below
    # Exact copies: a row is a duplicate when an earlier row (by _line) has the same values in every column.
    # A window over all columns sorts the whole table; instead, rows whose hash occurs once are certainly
    # not copies, and only the (usually few or no) rows with a repeated hash get the exact window.
    dup_join, order = _duplicate_candidates(con, table, typed, col_sql), " ORDER BY _line"
    if dup_join is None:
        rows = f"(SELECT t.*, 1 AS _dup{row} FROM {typed} t)"
        order = ""  # no join or window: the scan keeps the file's order (preserve_insertion_order)
    else:
        rows = f"(SELECT t.*, coalesce(d._dup, 1) AS _dup{row} FROM {typed} t LEFT JOIN ({dup_join}) d ON d._rid = t.rowid)"
    if order_groups is not None:
        # each order's main category for its outlier limit; the join and the windows per category re-order
        # rows, so the typed table's row ids give the file's order back
        rows = f"({outlier_join_sql(rows, order_groups)})"
        order = order or " ORDER BY _row"
    src = f"(SELECT *, {obs} FROM {rows})"
    if table == "products":
        # small table; its window re-orders rows, so the result is sorted by _line below
        src = f"(SELECT *, {PRODUCT_COPY_SQL} FROM {src})"
        order = " ORDER BY _line"
    # A view, not a table: the rules are cheap to evaluate twice (counts, then the kept rows), and
    # materialising every row of a large events table costs more than scanning it again.
    con.execute(f"CREATE OR REPLACE TEMP VIEW _flagged AS SELECT *, {rule_case_sql(table, DUCKDB)} FROM {src}")
    groups = con.execute(f"SELECT _rule, {', '.join(count_sql(table, DUCKDB))} FROM _flagged GROUP BY _rule").fetchall()
    keep_where = keep_sql(table)
    if table == "orders":
        _check_unique_orders(con, keep_where, fix_sql(table, DUCKDB).get("order_id", "order_id"), source)
    select = ", ".join(select_sql(table, present, DUCKDB))
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT {select} FROM _flagged WHERE {keep_where}{order}")
    con.execute("DROP VIEW _flagged")
    con.execute("DROP TABLE IF EXISTS _dup_hash")
    return quality_records(table, groups)


def _duplicate_candidates(con: duckdb.DuckDBPyConnection, table: str, typed: str, col_sql: str) -> str | None:
    """SQL giving (_rid = rowid, _dup) for the rows that may be exact copies, or None when no row can be one.

    One GROUP BY over a 64-bit hash of each row finds the hashes that occur more than once; rows with a
    unique hash cannot be copies. The rows sharing a hash (true copies, and in theory a hash collision)
    are then numbered exactly with the window over all columns, so the counts are exact."""
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _dup_hash AS
                    SELECT h FROM (SELECT hash({col_sql}) AS h FROM {typed}) GROUP BY h HAVING count(*) > 1""")
    if con.execute("SELECT count(*) FROM _dup_hash").fetchone()[0] == 0:
        con.execute("DROP TABLE _dup_hash")
        return None
    # rowid, not _line: _line is the row number within its file, and a Parquet folder has several files
    return f"""SELECT rowid AS _rid, {copy_number_sql(table, DUCKDB)}
               FROM {typed} WHERE hash({col_sql}) IN (SELECT h FROM _dup_hash)"""


def _check_unique_orders(con: duckdb.DuckDBPyConnection, keep_where: str, order_id: str, source: TableSource) -> None:
    """DataError when an order id (``order_id``: its SQL, fix applied) occurs on more than one kept row."""
    dup = f"""
        SELECT _line, oid, customer_id, ordered_at, revenue, count(*) OVER (PARTITION BY oid) AS n
        FROM (SELECT *, {order_id} AS oid FROM _flagged WHERE {keep_where})
    """
    n_ids = con.execute(f"SELECT count(DISTINCT oid) FROM ({dup}) WHERE n > 1").fetchone()[0]
    if not n_ids:
        return
    rows = con.execute(f"SELECT _line, oid, customer_id, ordered_at, revenue FROM ({dup}) WHERE n > 1 ORDER BY oid, _line LIMIT 5").fetchall()
    raise duplicate_orders_error(n_ids, rows, source)

