"""load_shop: reading, mapping, validation errors that name file, column and rows, and counted cleaning."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import journeylab as jl
from _outlier_shop import EXTRA, flagged, outlier_shop
from conftest import write_csv
from journeylab.data.io.clean import OUTLIER_MIN_ORDERS
from journeylab.i18n import explanation_label

HEADER = "order_id,customer_id,ordered_at,revenue,status\n"


def shop_from_csv(tmp_path: Path, text: str, **extra) -> jl.Shop:
    path = write_csv(tmp_path / "orders.csv", text)
    return jl.load_shop({"name": "t", "tables": {"orders": {"path": str(path), **extra}}})


def dq_rows(shop: jl.Shop, rule: str, table: str = "orders") -> int:
    dq = shop.data_quality
    return int(dq.loc[(dq["table"] == table) & (dq["rule"] == rule), "rows"].sum())


def test_clean_file_loads_with_types(tmp_path):
    shop = shop_from_csv(tmp_path, HEADER + "1,a,2024-01-01 10:00:00,10.5,paid\n2,b,2024-01-02,20,paid\n")
    orders = shop.table("orders")
    assert list(orders.columns) == ["order_id", "customer_id", "ordered_at", "revenue", "status"]
    assert str(orders["ordered_at"].dtype).startswith("datetime64")
    assert orders["revenue"].tolist() == [10.5, 20.0]
    assert shop.observation_end == pd.Timestamp("2024-01-02")


def test_missing_required_column_names_file_and_column(tmp_path):
    with pytest.raises(jl.DataError) as err:
        shop_from_csv(tmp_path, "order_id,customer,ordered_at,revenue\n1,a,2024-01-01,3\n")
    msg = str(err.value)
    assert "orders.csv" in msg and "'customer_id'" in msg and "missing" in msg
    assert "customer" in err.value.hint  # the closest column is suggested


def test_missing_column_hint_names_the_canonical_column(tmp_path):
    """The hint's mapping is canonical: shop column, the form 'columns:' takes (not the misspelled name)."""
    with pytest.raises(jl.DataError) as err:
        shop_from_csv(tmp_path, "order_id,customer_id,ordered_at,Bedrag\n1,a,2024-01-01,3\n", columns={"revenue": "Bedrg"})
    assert "'Bedrg' is missing (mapped to canonical 'revenue')" in str(err.value)
    assert "did you mean 'Bedrag'? Map it with columns: {revenue: Bedrag}." in err.value.hint
    with pytest.raises(jl.DataError) as err:
        shop_from_csv(tmp_path, "order_id,customer,ordered_at,revenue\n1,a,2024-01-01,3\n")
    assert "Map it with columns: {customer_id: customer}." in err.value.hint


def test_mapped_column_missing_says_mapping(tmp_path):
    with pytest.raises(jl.DataError, match="CustomerID.*mapped to canonical 'customer_id'"):
        shop_from_csv(tmp_path, "order_id,customer_id,ordered_at,revenue\n1,a,2024-01-01,3\n",
                      columns={"customer_id": "CustomerID"})


def test_unparseable_date_lists_line_numbers(tmp_path):
    text = HEADER + "1,a,2024-01-01,10,paid\n2,b,yesterday,20,paid\n3,c,2024-13-45,5,paid\n"
    with pytest.raises(jl.DataError) as err:
        shop_from_csv(tmp_path, text)
    e = err.value
    assert e.column == "ordered_at" and "not a date" in e.problem and "2 of 3" in e.problem
    assert [line for line, _ in e.examples] == [3, 4]  # file lines, header is line 1
    assert e.examples[0][1]["ordered_at"] == "yesterday"
    assert "line 3" in str(e)


def test_revenue_not_a_number(tmp_path):
    with pytest.raises(jl.DataError) as err:
        shop_from_csv(tmp_path, HEADER + "1,a,2024-01-01,ten euro,paid\n")
    assert err.value.column == "revenue" and "not a number" in str(err.value) and err.value.examples[0][0] == 2


def test_decimal_comma_and_dayfirst_dates_read_when_configured(tmp_path):
    path = write_csv(tmp_path / "o.csv", 'order_id;customer_id;ordered_at;revenue\n1;a;31-01-2024;"1.234,50"\n2;b;01-02-2024;12,5\n')
    shop = jl.load_shop({"tables": {"orders": {"path": str(path),
                                               "read": {"sep": ";", "decimal": ",", "thousands": ".", "dayfirst": True}}}})
    orders = shop.table("orders")
    assert orders["revenue"].tolist() == [1234.5, 12.5]
    assert orders["ordered_at"].tolist() == [pd.Timestamp("2024-01-31"), pd.Timestamp("2024-02-01")]


@pytest.mark.parametrize("text,problem", [("", "empty"), (HEADER, "no data rows")])
def test_empty_file_and_header_only(tmp_path, text, problem):
    with pytest.raises(jl.DataError, match=problem) as err:
        shop_from_csv(tmp_path, text)
    assert "orders.csv" in str(err.value)


def test_file_that_does_not_exist(tmp_path):
    with pytest.raises(jl.DataError, match="does not exist") as err:
        jl.load_shop({"tables": {"orders": str(tmp_path / "nope.csv")}})
    assert "nope.csv" in str(err.value)


def test_exact_duplicate_rows_dropped_and_counted(tmp_path):
    shop = shop_from_csv(tmp_path, HEADER + "1,a,2024-01-01,10,paid\n1,a,2024-01-01,10,paid\n2,b,2024-01-02,5,paid\n")
    assert shop.count("orders") == 2
    assert dq_rows(shop, "duplicate_row") == 1


def test_conflicting_duplicate_order_ids_refused_with_rows(tmp_path):
    with pytest.raises(jl.DataError) as err:
        shop_from_csv(tmp_path, HEADER + "1,a,2024-01-01,10,paid\n1,b,2024-01-03,99,paid\n2,b,2024-01-02,5,paid\n")
    assert "order ids occur on more than one row" in str(err.value)
    assert [line for line, _ in err.value.examples] == [2, 3]


def test_cleaning_rules_are_counted_and_nothing_is_lost(tmp_path):
    text = HEADER + "\n".join([
        "1,a,2024-01-01,10,paid",
        "2,,2024-01-02,20,paid",           # missing customer id
        "3,b,2024-01-03,-7.5,paid",        # return
        "4,c,2024-01-04,30,cancelled",     # cancelled
        "5,d,2024-03-01,40,paid",          # after the observation end
        ",e,2024-01-05,50,paid",           # missing order id: fixed
        "7,f,,60,paid",                    # missing date
    ]) + "\n"
    path = write_csv(tmp_path / "orders.csv", text)
    shop = jl.load_shop({"observation_end": "2024-01-31", "tables": {"orders": str(path)}})
    assert dq_rows(shop, "missing_customer_id") == 1
    assert dq_rows(shop, "negative_revenue") == 1
    assert dq_rows(shop, "cancelled") == 1
    assert dq_rows(shop, "after_observation_end") == 1
    assert dq_rows(shop, "missing_order_id") == 1
    assert dq_rows(shop, "missing_order_date") == 1
    dq = shop.data_quality
    read = dq[dq.action == "read"][["rows", "revenue"]].sum()
    kept = dq[dq.action == "kept"][["rows", "revenue"]].sum()
    dropped = dq[dq.action == "dropped"][["rows", "revenue"]].sum()
    assert read["rows"] == kept["rows"] + dropped["rows"] == 7
    assert read["revenue"] == pytest.approx(kept["revenue"] + dropped["revenue"])
    assert kept["rows"] == shop.count("orders") == 2
    assert sorted(shop.table("orders")["order_id"]) == ["1", "line-7"]


def test_future_dates_dropped_without_observation_end(tmp_path):
    shop = shop_from_csv(tmp_path, HEADER + "1,a,2024-01-01,10,paid\n2,b,2999-01-01,10,paid\n")
    assert shop.observation_end == pd.Timestamp("2024-01-01")
    assert dq_rows(shop, "after_observation_end") == 1


def test_float_written_ids_are_normalised(tmp_path):
    shop = shop_from_csv(tmp_path, HEADER + "536365,17850.0,2024-01-01,10,paid\n")
    assert shop.table("orders")["customer_id"].tolist() == ["17850"]


def test_parquet_excel_and_dataframe_sources(tmp_path):
    df = pd.DataFrame({"id": ["1", "2"], "klant": ["a", "b"], "datum": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                       "bedrag": [1.0, 2.0]})
    mapping = {"order_id": "id", "customer_id": "klant", "ordered_at": "datum", "revenue": "bedrag"}
    df.to_parquet(tmp_path / "o.parquet")
    with pd.ExcelWriter(tmp_path / "o.xlsx") as xl:
        df.to_excel(xl, sheet_name="Orders", index=False)
        df.head(1).to_excel(xl, sheet_name="Other", index=False)
    shops = [
        jl.load_shop({"tables": {"orders": {"path": str(tmp_path / "o.parquet"), "columns": mapping}}}),
        jl.load_shop({"tables": {"orders": {"path": str(tmp_path / "o.xlsx"), "columns": mapping, "read": {"sheet": "Orders"}}}}),
        jl.load_shop({"tables": {"orders": {"frame": df, "columns": mapping}}}),
    ]
    for shop in shops:
        assert shop.table("orders")["revenue"].tolist() == [1.0, 2.0]
    with pytest.raises(jl.DataError, match="2 sheets"):
        jl.load_shop({"tables": {"orders": {"path": str(tmp_path / "o.xlsx"), "columns": mapping}}})


def test_optional_tables_and_order_lines_of_dropped_orders(tmp_path):
    orders = pd.DataFrame({"order_id": ["1", "2"], "customer_id": ["a", "b"],
                           "ordered_at": pd.to_datetime(["2024-01-01", "2024-01-02"]), "revenue": [10.0, 20.0],
                           "status": ["paid", "cancelled"]})
    lines = pd.DataFrame({"order_id": ["1", "2", "9"], "product_id": ["p", "p", "p"], "quantity": [1, 2, 1],
                          "unit_price": [10.0, 10.0, 5.0]})
    products = pd.DataFrame({"product_id": ["p", "p"], "category": ["soap", "other"]})
    shop = jl.load_shop({"tables": {"orders": orders, "order_lines": lines, "products": products}})
    assert shop.tables == ("orders", "order_lines", "products")
    assert shop.count("order_lines") == 1 and dq_rows(shop, "order_not_kept", "order_lines") == 2
    assert shop.count("products") == 1 and dq_rows(shop, "duplicate_product_id", "products") == 1


def test_config_errors_are_clear(tmp_path):
    with pytest.raises(jl.ConfigError, match="unknown key"):
        jl.load_shop({"tables": {"orders": "x.csv"}, "colour": "red"})
    with pytest.raises(jl.ConfigError, match="orders"):
        jl.load_shop({"tables": {"products": "x.csv"}})
    with pytest.raises(jl.ConfigError, match="unknown canonical column"):
        jl.load_shop({"tables": {"orders": {"path": "x.csv", "columns": {"client": "x"}}}})


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "journeylab.cli", *args], capture_output=True, text=True)


def test_cli_validate_prints_table_and_exit_codes(tmp_path):
    good = write_csv(tmp_path / "orders.csv", HEADER + "1,a,2024-01-01,10,paid\n2,,2024-01-02,5,paid\n")
    (tmp_path / "good.yaml").write_text(f"name: good\ntables:\n  orders: {good}\n")
    res = run_cli("validate", str(tmp_path / "good.yaml"))
    assert res.returncode == 0, res.stderr
    assert "missing customer id" in res.stdout and "rows kept" in res.stdout

    bad = write_csv(tmp_path / "bad.csv", HEADER + "1,a,not a date,10,paid\n")
    (tmp_path / "bad.yaml").write_text(f"name: bad\ntables:\n  orders: {bad}\n")
    res = run_cli("validate", str(tmp_path / "bad.yaml"))
    assert res.returncode == 2
    assert "bad.csv" in res.stderr and "ordered_at" in res.stderr and "line 2" in res.stderr
    assert "Traceback" not in res.stderr


def test_extreme_amounts_are_flagged_kept_and_counted(tmp_path):
    rows = "".join(f"{i},c{i},2024-01-{i:02d},{10 + i},paid\n" for i in range(1, 11))
    shop = shop_from_csv(tmp_path, HEADER + rows + "99,c1,2024-01-20,999999999,paid\n")
    dq = shop.data_quality
    flagged = dq[dq["action"] == "flagged"]
    assert flagged["rows"].sum() == 1 and flagged["revenue"].sum() == 999999999
    assert shop.count("orders") == 11  # kept: it may be a real wholesale deal
    kept = dq[(dq["action"] == "kept")]["rows"].sum()
    assert kept == 11


# --- extreme amounts compared with orders of the same main category (tests/_outlier_shop.py) ---------------------

def _revenue(*names: str) -> float:
    return sum(EXTRA[n][0] for n in names)


def test_extreme_amounts_are_compared_within_their_category():
    """A bicycle is not an extreme amount next to socks; 50,000 EUR of socks and 500,000 EUR of bicycles are.
    Ties go to the first category by name, and to a known category before an unknown one, in both engines."""
    names = ["big sock order", "big bicycle order", "bicycle with socks", "tie socks and bicycles",
             "tie no category and bicycles"]
    shop = jl.load_shop(outlier_shop(names))
    assert flagged(shop) == (2, _revenue("big sock order", "big bicycle order"))
    dq = shop.data_quality.set_index(["table", "rule"])
    rule = ("orders", "extreme_amount")
    assert dq.loc[rule, "matching"] == 2 and "main category" in explanation_label(dq.loc[rule, "explanation"])
    assert shop.count("orders") == 60 + 25 + len(names)  # flagged orders are kept


def test_extreme_amounts_of_an_orders_only_shop_are_compared_with_all_orders():
    """Without lines and products, every order is compared with the median of all orders (a sock order's):
    then every bicycle is flagged."""
    names = ["big sock order", "big bicycle order", "bicycle with socks"]
    shop = jl.load_shop(outlier_shop(names, lines=False))
    bicycles = sum(1_400.0 + 10 * i for i in range(25))
    assert flagged(shop) == (25 + 3, bicycles + _revenue(*names))


@pytest.mark.parametrize("n_tents", [5, OUTLIER_MIN_ORDERS - 1, OUTLIER_MIN_ORDERS])
def test_small_or_unknown_category_is_compared_with_all_orders(n_tents):
    """Tents (2,000 EUR) have their own median from OUTLIER_MIN_ORDERS orders on; with fewer, and for orders
    whose main category is unknown (no lines, a product missing from the products table or without a
    category), the median of all orders (a sock order's) applies."""
    unknown = ["no lines", "product not in products", "product without category"]
    shop = jl.load_shop(outlier_shop(unknown, n_tents=n_tents))
    tents = (n_tents, 2_000.0 * n_tents) if n_tents < OUTLIER_MIN_ORDERS else (0, 0.0)
    assert flagged(shop) == (3 + tents[0], _revenue(*unknown) + tents[1])


def test_main_category_comes_from_lines_and_products_as_their_rules_keep_them():
    """Orders are cleaned before their lines and products: the category is read as those rules will keep
    them. A product id's first row gives its category (socks: flagged at 3,000 EUR); a copied line counts
    once (so the bicycle line, not the three copied sock lines, carries most of the order's value)."""
    shop = jl.load_shop(outlier_shop(["product id twice", "copied sock lines"]))
    assert flagged(shop) == (1, _revenue("product id twice"))
    assert dq_rows(shop, "duplicate_row", "order_lines") == 2 and dq_rows(shop, "duplicate_product_id", "products") == 1


def test_demo_shop_flags_no_ordinary_expensive_orders():
    """The demo shop's bicycles, mattresses and electronics (high-involvement, orders of 2,000-5,500 EUR) were
    flagged against the shop's median order of 21 EUR (35 orders); against their own category's none is."""
    shop = jl.load_shop(Path(__file__).resolve().parents[1] / "data" / "demo" / "shop.yaml")
    assert flagged(shop) == (0, 0.0)
