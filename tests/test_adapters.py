"""Shop-system adapters: real UCI, Olist and REES46 files (counts from their README), Shopify/WooCommerce/GA4 fixtures, locale."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import journeylab as jl
from journeylab.errors import DataError

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("JOURNEYLAB_SECRET", "test-secret")


def dq(shop: jl.Shop, table: str, rule: str, col: str = "rows") -> int:
    d = shop.data_quality
    return int(d.loc[(d["table"] == table) & (d["rule"] == rule), col].sum())


def assert_balanced(shop: jl.Shop) -> None:
    """Per table: rows read = kept + dropped + merged; kept = rows in the canonical table."""
    d = shop.data_quality
    for t in shop.tables:
        part = d[d["table"] == t]
        by = part.groupby("action")["rows"].sum()
        assert by.get("read", 0) == by.get("kept", 0) + by.get("dropped", 0) + by.get("merged", 0), t
        assert by.get("kept", 0) == shop.count(t), t


@pytest.fixture(scope="module")
def uci(real_data):
    return jl.load_shop({"name": "uci", "format": "uci_online_retail", "currency": "GBP",
                         "path": str(real_data / "uci_online_retail" / "online_retail.csv.gz")})


def test_uci_counts_match_readme(uci):
    assert dq(uci, "order_lines", "rows_read") == 541_909
    assert dq(uci, "order_lines", "cancellation_invoice", "matching") == 9_288
    assert dq(uci, "order_lines", "missing_customer_id", "matching") == 135_080
    assert dq(uci, "order_lines", "duplicate_export_row") == 5_268  # first rule: every excess copy
    assert dq(uci, "order_lines", "bad_debt_adjustment") == 3
    assert dq(uci, "orders", "rows_read") == 25_900  # invoice numbers
    # 4,339 customers have a non-cancelled invoice (README); 5 of them bought only postage/fees or free lines,
    # and 10 more only purchases that a later C invoice took back (e.g. 12346's 74,215 storage jars).
    assert uci.sql("SELECT count(DISTINCT customer_id) AS n FROM orders")["n"][0] == 4_324
    assert dq(uci, "order_lines", "cancelled_later", "matching") == 2_882
    assert uci.sql("SELECT count(*) AS n FROM orders WHERE order_id LIKE 'C%' OR order_id LIKE 'A%'")["n"][0] == 0
    q, p = uci.sql("SELECT min(quantity) AS q, min(unit_price) AS p FROM order_lines").iloc[0].tolist()
    assert q >= 1 and p > 0
    assert uci.observation_end == pd.Timestamp("2011-12-09 12:50:00")
    assert_balanced(uci)


def test_uci_customer_ids_are_integers_and_revenue_adds_up(uci):
    ids = uci.sql("SELECT customer_id FROM orders LIMIT 5")["customer_id"]
    assert ids.str.fullmatch(r"\d{5}").all()
    o = uci.sql("SELECT sum(revenue) AS r FROM orders")["r"][0]
    lines = uci.sql("SELECT sum(quantity * unit_price) AS r FROM order_lines")["r"][0]
    dup_lines = uci.data_quality.query("table == 'order_lines' and rule == 'duplicate_row'")["revenue"].iloc[0]
    assert o == pytest.approx(lines + dup_lines)  # orders were built before the generic duplicate-line rule


def test_uci_cancellation_takes_back_the_purchase_it_cancels(tmp_path):
    """A C line drops the latest earlier purchase line of the same customer, product and quantity; a partial
    cancellation or one without an earlier purchase drops only itself."""
    path = tmp_path / "retail.csv"
    path.write_text(
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "1001,85123A,X,6,2011-01-01 10:00:00,2.55,17850.0,UK\n"
        "1002,71053,Y,10,2011-01-01 10:05:00,3.39,17850.0,UK\n"
        "1003,85123A,X,6,2011-01-02 10:00:00,2.55,17850.0,UK\n"      # taken back by C1004 (the latest earlier one)
        "C1004,85123A,X,-6,2011-01-03 10:00:00,2.55,17850.0,UK\n"
        "C1005,71053,Y,-4,2011-01-03 11:00:00,3.39,17850.0,UK\n"      # partial: no purchase of 4 units
        "1006,22423,Z,1,2011-01-04 10:00:00,12.75,13047.0,UK\n"       # taken back by C1007 in the same minute
        "C1007,22423,Z,-1,2011-01-04 10:00:00,12.75,13047.0,UK\n"
        "C1008,22423,Z,-1,2011-01-05 10:00:00,12.75,13047.0,UK\n"     # nothing left to take back
        "1009,22423,Z,1,2011-01-06 10:00:00,12.75,13047.0,UK\n",      # later than every C line: kept
        encoding="utf-8")
    shop = jl.load_shop({"name": "uci", "format": "uci_online_retail", "currency": "GBP", "path": str(path)})
    assert sorted(shop.table("orders")["order_id"]) == ["1001", "1002", "1009"]
    assert dq(shop, "order_lines", "cancelled_later") == 2
    d = shop.data_quality.set_index(["table", "rule"])
    assert d.loc[("order_lines", "cancelled_later"), "revenue"] == pytest.approx(6 * 2.55 + 12.75)
    assert dq(shop, "order_lines", "cancellation_invoice") == 4
    assert dq(shop, "orders", "invoice_without_line") == 6
    assert_balanced(shop)


def test_olist_customer_unique_id_is_the_person(real_data):
    shop = jl.load_shop({"name": "olist", "format": "olist", "currency": "BRL", "path": str(real_data / "olist")})
    assert dq(shop, "orders", "rows_read") == 8_135
    assert dq(shop, "orders", "cancelled") == 625 + 609  # canceled + unavailable (README)
    assert dq(shop, "order_lines", "rows_read") == 8_365
    assert dq(shop, "products", "rows_read") == 32_951
    assert dq(shop, "products", "missing_category") == 610
    assert dq(shop, "reviews", "rows_read") == 8_225
    o = pd.read_csv(real_data / "olist" / "olist_orders_dataset.csv.gz")
    c = pd.read_csv(real_data / "olist" / "olist_customers_dataset.csv.gz")
    persons = o.merge(c, on="customer_id")
    assert persons["customer_unique_id"].nunique() == 8_016
    alive = persons[~persons["order_status"].isin(["canceled", "unavailable"])]
    assert shop.sql("SELECT count(DISTINCT customer_id) AS n FROM orders")["n"][0] == alive["customer_unique_id"].nunique()
    assert set(shop.table("orders")["customer_id"]) <= set(c["customer_unique_id"])
    assert "health_beauty" in set(shop.table("products")["category"])  # English names from the translation file
    assert_balanced(shop)


def test_rees46_events_users_sessions(real_data):
    shop = jl.load_shop({"name": "rees", "format": "rees46",
                         "path": str(real_data / "rees46_multicategory" / "2019-Oct_head.csv.gz")})
    assert dq(shop, "events", "rows_read") == 17_434
    assert dq(shop, "events", "duplicate_export_row") == 5
    ev = shop.sql("SELECT count(DISTINCT user_id) AS u, count(DISTINCT session_id) AS s, min(ts) AS a, max(ts) AS b FROM events").iloc[0]
    assert (ev["u"], ev["s"]) == (4_504, 5_066)
    assert (ev["a"], ev["b"]) == (pd.Timestamp("2019-10-01 00:00:00"), pd.Timestamp("2019-10-01 02:50:00"))
    counts = shop.sql("SELECT event_type, count(*) AS n FROM events GROUP BY 1").set_index("event_type")["n"]
    # README: 17,055 view, 165 cart, 214 purchase rows; of the 5 duplicates one is a cart, four are views
    assert (counts["product_view"], counts["add_to_cart"], counts["purchase"]) == (17_055 - 4, 165 - 1, 214)
    assert shop.count("orders") == 200  # sessions with a purchase
    assert_balanced(shop)


def test_rees46_timezone_converts_utc(real_data):
    shop = jl.load_shop({"name": "rees", "format": "rees46", "timezone": "Europe/Amsterdam",
                         "path": str(real_data / "rees46_multicategory" / "2019-Oct_head.csv.gz")})
    assert shop.sql("SELECT min(ts) AS a FROM events")["a"][0] == pd.Timestamp("2019-10-01 02:00:00")  # CEST = UTC+2


def _shoppers_sessions_balance(shop: jl.Shop) -> None:
    d = shop.data_quality[shop.data_quality["table"] == "sessions"]
    by = d.groupby("action")["rows"].sum()
    assert by["read"] == by["kept"] + by.get("dropped", 0)


def test_uci_online_shoppers_sessions_by_hand():
    """Seven made-up sessions (tests/fixtures/make_fixtures.py): pages become events, no orders, every
    assumption counted."""
    shop = jl.load_shop({"name": "shoppers", "format": "uci_online_shoppers",
                         "path": str(FIXTURES / "online_shoppers_sessions.csv")})
    assert shop.tables == ("orders", "events") and shop.count("orders") == 0
    assert dq(shop, "sessions", "rows_read") == 7
    assert dq(shop, "sessions", "month_not_recognised") == 1 and dq(shop, "sessions", "session_without_pages") == 1
    assert dq(shop, "sessions", "identical_session") == 1
    assert dq(shop, "sessions", "returning_visitor", "matching") == 4
    assert dq(shop, "sessions", "rows_kept") == 5
    assert dq(shop, "events", "rows_read") == 17 == shop.count("events")
    assert dq(shop, "events", "date_from_month") == 17 and dq(shop, "events", "one_user_per_session") == 17
    assert dq(shop, "events", "page_order_assumed") == 5 + 6 + 4  # sessions of 2+ kinds
    assert dq(shop, "orders", "rows_read") == 0
    assert shop.data_quality.query("table == 'orders' and action == 'read'")["explanation"].iloc[0] == "no_orders_in_file"
    assert shop.sql("SELECT count(*) AS n FROM events WHERE event_type = 'purchase'")["n"].iloc[0] == 2
    assert_balanced(shop)
    _shoppers_sessions_balance(shop)
    ev = shop.table("events").sort_values(["session_id", "ts"])
    first = ev[ev["session_id"] == "session-2"]  # line 2 of the file: 2 administrative pages (60 s), 3 product (90 s)
    assert list(first["event_type"]) == ["page_view"] * 2 + ["product_view"] * 3
    assert list(first["page_type"]) == ["administrative"] * 2 + ["product"] * 3
    assert (first["user_id"] == "session-2").all() and (first["channel"] == "TrafficType 2").all()
    start = pd.Timestamp("2000-02-01")
    secs = [0, 30, 60, 90, 120]  # each type's pages spread evenly over its seconds, in file order of types
    assert list(first["ts"]) == [start + pd.Timedelta(seconds=s, microseconds=i) for i, s in enumerate(secs)]
    june = ev[ev["session_id"] == "session-3"]
    assert list(june["event_type"]) == ["page_view"] + ["product_view"] * 4 + ["purchase"]
    assert june["ts"].iloc[0] == pd.Timestamp("2000-06-01") and june["ts"].is_monotonic_increasing
    assert set(ev.loc[ev["event_type"] == "purchase", "session_id"]) == {"session-3", "session-7"}
    assert shop.observation_end == pd.Timestamp("2000-12-01 00:00:30.000003")  # the December purchase


def test_uci_online_shoppers_with_an_orders_table_of_ones_own(tmp_path):
    """An orders table under 'tables:' replaces the adapter's empty one, and then the usual checks apply."""
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,customer_id,ordered_at,revenue\n1,session-3,2000-06-01 00:01:00,20\n")
    shop = jl.load_shop({"name": "shoppers", "format": "uci_online_shoppers",
                         "path": str(FIXTURES / "online_shoppers_sessions.csv"), "tables": {"orders": str(orders)}})
    assert shop.count("orders") == 1 and shop.count("events") == 17
    orders.write_text("order_id,customer_id,ordered_at,revenue\n1,,2000-06-01 00:01:00,20\n")
    with pytest.raises(DataError, match="no order is left"):
        jl.load_shop({"name": "shoppers", "format": "uci_online_shoppers",
                      "path": str(FIXTURES / "online_shoppers_sessions.csv"), "tables": {"orders": str(orders)}})


def test_uci_online_shoppers_counts_match_readme(real_data):
    shop = jl.load_shop({"name": "shoppers", "format": "uci_online_shoppers",
                         "path": str(real_data / "uci_online_shoppers" / "online_shoppers_intention.csv.gz")})
    assert dq(shop, "sessions", "rows_read") == 12_330
    assert dq(shop, "sessions", "identical_session") == 125  # README: 125 duplicated rows, kept
    assert dq(shop, "sessions", "returning_visitor", "matching") == 10_551
    assert dq(shop, "sessions", "session_without_pages") == 6
    counts = shop.sql("SELECT event_type, count(*) AS n, count(DISTINCT session_id) AS s FROM events GROUP BY 1"
                      ).set_index("event_type")
    assert counts.loc["purchase", "n"] == counts.loc["purchase", "s"] == 1_908  # README: Revenue TRUE
    raw = pd.read_csv(real_data / "uci_online_shoppers" / "online_shoppers_intention.csv.gz")
    assert counts.loc["product_view", "n"] == raw["ProductRelated"].sum()
    assert counts.loc["page_view", "n"] == raw["Administrative"].sum() + raw["Informational"].sum()
    assert shop.sql("SELECT count(DISTINCT session_id) AS s FROM events")["s"][0] == 12_330 - 6
    months = shop.sql("SELECT month(ts) AS m, count(DISTINCT session_id) AS s FROM events GROUP BY 1").set_index("m")["s"]
    assert months[5] == (raw["Month"] == "May").sum() - ((raw["Month"] == "May") & (raw[["Administrative", "Informational", "ProductRelated"]].sum(axis=1) == 0)).sum()
    assert months[6] > 0 and 1 not in months.index and 4 not in months.index  # 'June' spelled out; no Jan, Apr
    assert shop.count("orders") == 0
    assert_balanced(shop)
    _shoppers_sessions_balance(shop)


def test_shopify_export():
    shop = jl.load_shop({"name": "s", "format": "shopify", "timezone": "Europe/Amsterdam",
                         "path": str(FIXTURES / "shopify_orders_export.csv")})
    orders = shop.table("orders").set_index("order_id")
    assert sorted(orders.index) == ["#1001", "#1002", "#1003", "#1009"]
    assert dq(shop, "orders", "test_order") == 1
    assert dq(shop, "orders", "other_currency") == 1
    assert dq(shop, "orders", "cancelled") == 2  # refunded #1005 and cancelled #1007
    assert dq(shop, "orders", "missing_customer_id") == 1  # the POS order without e-mail
    assert orders.loc["#1003", "revenue"] == pytest.approx(29.95 - 12.50)
    assert orders.loc["#1001", "ordered_at"] == pd.Timestamp("2024-03-01 10:15:00")
    assert orders.loc["#1001", "customer_id"] == orders.loc["#1003", "customer_id"]  # same e-mail, same pseudonym
    assert orders["customer_id"].str.startswith("pii-").all()
    lines = shop.table("order_lines")
    assert len(lines[lines.order_id == "#1001"]) == 2  # the second line item row (order fields empty) belongs to #1001
    assert dq(shop, "order_lines", "product_id_from_name") == 3
    assert_balanced(shop)


def test_shopify_other_zone_and_currency():
    shop = jl.load_shop({"name": "s", "format": "shopify", "currency": "USD", "timezone": "UTC",
                         "path": str(FIXTURES / "shopify_orders_export.csv")})
    orders = shop.table("orders").set_index("order_id")
    assert list(orders.index) == ["#1006"]
    assert orders.loc["#1006", "ordered_at"] == pd.Timestamp("2024-04-20 08:59:00")


def test_woocommerce_export():
    shop = jl.load_shop({"name": "w", "format": "woocommerce", "path": str(FIXTURES / "woocommerce_orders_export.csv")})
    orders = shop.table("orders").set_index("order_id")
    assert sorted(orders.index) == ["101", "102", "103", "106"]
    assert orders.loc["101", "customer_id"] == orders.loc["103", "customer_id"] == "wc-12"
    assert orders.loc["102", "customer_id"].startswith("pii-")  # guest: hashed billing e-mail
    assert orders.loc["102", "customer_id"] == orders.loc["106", "customer_id"]
    assert orders.loc["103", "revenue"] == 40.0  # 50 - refund 10
    assert dq(shop, "orders", "not_paid") == 1 and dq(shop, "orders", "cancelled") == 1
    lines = shop.table("order_lines")
    assert lines.query("order_id == '101'")["product_id"].tolist() == ["KR-4", "DS-1"] or \
        sorted(lines.query("order_id == '101'")["product_id"]) == ["DS-1", "KR-4"]
    assert lines.query("order_id == '103'")["unit_price"].tolist() == [12.5]
    assert_balanced(shop)


@pytest.mark.parametrize("name", ["ga4_events_20240301.json", "ga4_events_20240301.parquet"])
def test_ga4_export(name):
    shop = jl.load_shop({"name": "g", "format": "ga4", "timezone": "Europe/Amsterdam", "path": str(FIXTURES / name)})
    orders = shop.table("orders").set_index("order_id")
    assert sorted(orders.index) == ["T-1", "T-2"]
    assert dq(shop, "orders", "ga4_repeated_purchase") == 1
    assert dq(shop, "orders", "ga4_no_transaction_id") == 1
    assert orders.loc["T-1", "customer_id"].startswith("pii-")  # user_id was an e-mail
    assert orders.loc["T-2", "customer_id"] == "C-77"
    assert orders.loc["T-1", "ordered_at"] == pd.Timestamp("2024-03-01 09:02:00")  # 08:02 UTC in CET
    ev = shop.table("events")
    assert set(ev["event_type"]) >= {"session_start", "page_view", "product_view", "add_to_cart", "begin_checkout", "purchase"}
    assert ev.query("session_id == 'p2.222-2001' and event_type == 'session_start'")["channel"].tolist() == ["paid_search"]
    assert dq(shop, "events", "missing_user_id") == 1  # the consent-mode ping
    assert shop.table("products").set_index("product_id").loc["MAT-160", "category"] == "Beds"
    assert_balanced(shop)


def test_format_with_extra_tables_and_yaml(tmp_path):
    products = tmp_path / "products.csv"
    products.write_text("product_id,category\nKR-4,household\nDS-1,household\nMAT-160,beds\n")
    cfg = tmp_path / "shop.yaml"
    cfg.write_text(f"name: y\nformat: shopify\npath: {FIXTURES / 'shopify_orders_export.csv'}\ntables:\n  products: products.csv\n")
    shop = jl.load_shop(cfg)
    assert shop.tables == ("orders", "order_lines", "products")


def test_format_config_errors(tmp_path):
    with pytest.raises(jl.ConfigError, match=r"format: must be 'shopify', .* not 'magento'"):
        jl.load_shop({"format": "magento", "path": "x.csv"})
    with pytest.raises(jl.ConfigError, match="needs 'path'"):
        jl.load_shop({"format": "shopify"})
    with pytest.raises(jl.ConfigError, match="timezone"):
        jl.load_shop({"format": "shopify", "path": "x.csv", "timezone": "Mars/Olympus"})


def test_wrong_format_for_file_names_missing_columns():
    with pytest.raises(jl.DataError) as err:
        jl.load_shop({"format": "uci_online_retail", "path": str(FIXTURES / "shopify_orders_export.csv")})
    msg = str(err.value)
    assert "shopify_orders_export.csv" in msg and "InvoiceNo" in msg and "UCI Online Retail" in msg
    assert "@" not in msg  # no customer data in the message


# --- locale -------------------------------------------------------------------------------------------------

def _load(path: Path, **read) -> jl.Shop:
    return jl.load_shop({"tables": {"orders": {"path": str(path), "read": read} if read else str(path)}})


def test_latin1_semicolon_decimal_comma_dayfirst(tmp_path):
    p = tmp_path / "bestellingen.csv"
    p.write_bytes("order_id;customer_id;ordered_at;revenue\n1;Müller;31-01-2024;1.234,50\n2;Zoë;01-02-2024;12,5\n".encode("latin-1"))
    shop = _load(p, sep=";", decimal=",", thousands=".", dayfirst=True, encoding="latin-1")
    o = shop.table("orders")
    assert o["customer_id"].tolist() == ["Müller", "Zoë"] and o["revenue"].tolist() == [1234.5, 12.5]
    assert o["ordered_at"].tolist() == [pd.Timestamp("2024-01-31"), pd.Timestamp("2024-02-01")]


def test_semicolons_sniffed_and_utf8_bom(tmp_path):
    p = tmp_path / "o.csv"
    p.write_bytes("\ufefforder_id;customer_id;ordered_at;revenue\n1;a;2024-01-01;10\n2;b;2024-01-02;20\n".encode("utf-8"))
    assert _load(p).table("orders")["revenue"].tolist() == [10.0, 20.0]  # BOM stripped, ';' detected


def test_decimal_comma_without_option_is_refused(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text('order_id,customer_id,ordered_at,revenue\n1,a,2024-01-01,"12,50"\n')
    with pytest.raises(jl.DataError, match="not a number") as err:
        _load(p)
    assert "decimal" in err.value.hint


def test_zone_aware_and_naive_times(tmp_path):
    p = tmp_path / "o.csv"
    p.write_text("order_id,customer_id,ordered_at,revenue\n1,a,2024-03-01T10:00:00+01:00,1\n2,b,2024-07-01 10:00:00Z,1\n3,c,2024-07-02 10:00:00,1\n")
    o = jl.load_shop({"timezone": "Europe/Amsterdam", "tables": {"orders": str(p)}}).table("orders")
    assert o["ordered_at"].tolist() == [pd.Timestamp("2024-03-01 10:00"), pd.Timestamp("2024-07-01 12:00"), pd.Timestamp("2024-07-02 10:00")]
    o = _load(p).table("orders")  # default zone UTC
    assert o["ordered_at"].tolist()[0] == pd.Timestamp("2024-03-01 09:00")


def test_tz_aware_dataframe_is_converted():
    df = pd.DataFrame({"order_id": ["1"], "customer_id": ["a"], "revenue": [1.0],
                       "ordered_at": pd.to_datetime(["2024-03-01 09:00"]).tz_localize("UTC")})
    o = jl.load_shop({"timezone": "Europe/Amsterdam", "tables": {"orders": df}}).table("orders")
    assert o["ordered_at"][0] == pd.Timestamp("2024-03-01 10:00")


def test_excel_with_several_sheets(tmp_path):
    df = pd.DataFrame({"order_id": ["1", "2"], "customer_id": ["a", "b"], "ordered_at": ["2024-01-01", "2024-01-02"], "revenue": [1.5, 2]})
    path = tmp_path / "shop.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"note": ["read me"]}).to_excel(xl, sheet_name="Info", index=False)
        df.to_excel(xl, sheet_name="Orders", index=False)
    assert _load(path, sheet="Orders").table("orders")["revenue"].tolist() == [1.5, 2.0]
    with pytest.raises(jl.DataError, match="2 sheets"):
        _load(path)
    with pytest.raises(jl.DataError, match="no sheet 'Bestellingen'"):
        _load(path, sheet="Bestellingen")
