"""The Spark loader accepts what the DuckDB loader accepts, with the same results: object-storage URIs,
date_format / dayfirst / timezone read options, e-mail addresses and phone numbers as ids, shop-system exports."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyspark")

import journeylab as jl  # noqa: E402
from journeylab.data import pii  # noqa: E402
from journeylab.data.config import read_shop_config  # noqa: E402
from journeylab.data.io.clean import RULES  # noqa: E402
from _outlier_shop import EXTRA, flagged, outlier_shop  # noqa: E402

pytestmark = [pytest.mark.spark,
              # pyspark 4.3 warns that it does not yet fully support pandas 3; the results are checked here
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]
FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).parent / "bad_input"


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("JOURNEYLAB_SECRET", "test-secret")


def _same_quality(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    key = ["table", "rule", "action", "explanation"]
    assert got[key].equals(expected[key])
    assert got["rows"].tolist() == expected["rows"].tolist()
    assert got["matching"].tolist() == expected["matching"].tolist()
    np.testing.assert_allclose(got["revenue"], expected["revenue"], rtol=1e-9, atol=1e-9)


def _same_table(got: pd.DataFrame, expected: pd.DataFrame, key: list[str]) -> None:
    """Same columns and values (sorted by ``key``): text and times exactly, numbers to 1e-9."""
    got = got.sort_values(key, ignore_index=True)
    expected = expected.sort_values(key, ignore_index=True)
    assert list(got.columns) == list(expected.columns)
    assert len(got) == len(expected) > 0
    for c in expected.columns:
        e, g = expected[c], got[c]
        if pd.api.types.is_float_dtype(e):
            np.testing.assert_allclose(g.to_numpy(float), e.to_numpy(float), rtol=1e-9, atol=1e-9, err_msg=c)
        elif pd.api.types.is_datetime64_any_dtype(e):
            assert pd.to_datetime(g).astype("datetime64[us]").tolist() == e.astype("datetime64[us]").tolist(), c
        else:
            assert [None if pd.isna(v) else v for v in g] == [None if pd.isna(v) else v for v in e], c


# --- 1. object-storage URIs ---------------------------------------------------------------------------------

def test_uri_kept_as_text_in_config(tmp_path):
    cfg = read_shop_config({"base_dir": str(tmp_path), "tables": {
        "orders": "s3a://bucket/shop/orders/", "products": {"path": "products.csv"}}})
    assert cfg.tables["orders"].uri == "s3a://bucket/shop/orders/" and cfg.tables["orders"].path is None
    assert cfg.tables["orders"].label == "s3a://bucket/shop/orders/"
    assert cfg.tables["products"].uri is None and cfg.tables["products"].path == tmp_path / "products.csv"


def test_duckdb_refuses_uri_naming_file_and_table():
    with pytest.raises(jl.DataError) as err:
        jl.load_shop({"tables": {"orders": "s3a://bucket/shop/orders/"}})
    assert str(err.value).splitlines()[0] == (
        "file s3a://bucket/shop/orders/, table 'orders': "
        "object-storage URIs are read by the Spark engine: load_shop(config, engine='spark')")


def test_spark_reads_uri_parquet_folder(spark, tmp_path):
    orders = pd.DataFrame({"order_id": ["1", "2", "3"], "customer_id": ["a", "b", "a"],
                           "ordered_at": pd.to_datetime(["2024-01-01 00:00", "2024-01-05 00:00", "2024-02-01 10:30"]),
                           "revenue": [10.0, 20.5, 7.25]})
    folder = tmp_path / "orders"
    folder.mkdir()
    orders.to_parquet(folder / "part-0.parquet", index=False)
    duck = jl.load_shop({"tables": {"orders": str(folder)}})
    sp = jl.load_shop({"tables": {"orders": folder.as_uri() + "/"}}, engine="spark", spark=spark)
    assert sp.config.tables["orders"].uri == folder.as_uri() + "/"
    _same_quality(sp.data_quality, duck.data_quality)
    _same_table(sp.table("orders"), duck.table("orders"), ["order_id"])


# --- 2. date_format, dayfirst, timezone -----------------------------------------------------------------------

def _csv(tmp_path: Path, times: list[str], name: str = "orders.csv") -> Path:
    path = tmp_path / name
    rows = [f'{i},c{i % 3},"{t}",{10 + i}.5' for i, t in enumerate(times, start=1)]
    path.write_text("order_id,customer_id,ordered_at,revenue\n" + "\n".join(rows) + "\n")
    return path


def _both(spark, cfg: dict) -> tuple[jl.Shop, "jl.spark.SparkShop"]:
    return jl.load_shop(cfg), jl.load_shop(cfg, engine="spark", spark=spark)


@pytest.mark.parametrize("read,times,expected", [
    ({"date_format": "%d-%m-%Y %H:%M"}, ["31-01-2024 10:05", "1-2-2024 7:30", "29-02-2024 23:59"],
     ["2024-01-31 10:05", "2024-02-01 07:30", "2024-02-29 23:59"]),
    ({"date_format": "%Y%m%d"}, ["20240131", "20240201"], ["2024-01-31", "2024-02-01"]),
    ({"date_format": "%d/%m/%y"}, ["31/01/24", "01/02/99", "15/06/68", "15/06/69"],
     ["2024-01-31", "1999-02-01", "2068-06-15", "1969-06-15"]),
    ({"date_format": "%d %b %Y %I:%M %p"}, ["31 Jan 2024 01:05 PM", "2 Feb 2024 9:00 AM"],
     ["2024-01-31 13:05", "2024-02-02 09:00"]),
    ({"date_format": "%Y-%m-%dT%H:%M:%S.%f"}, ["2024-01-31T10:05:07.25", "2024-02-01T00:00:00.000001"],
     ["2024-01-31 10:05:07.25", "2024-02-01 00:00:00.000001"]),
    ({"dayfirst": True}, ["31-01-2024", "01/02/2024 10:30", "02.03.2024", "5/3/2024 08:15:30", "2024-03-06"],
     ["2024-01-31", "2024-02-01 10:30", "2024-03-02", "2024-03-05 08:15:30", "2024-03-06"]),
    ({"timezone": "Europe/Amsterdam"}, ["2024-03-01T10:00:00+01:00", "2024-07-01 10:00:00Z", "2024-07-02 10:00:00",
                                        "2024-07-03 10:00:00 UTC", "2024-07-04 10:00:00 +0000", "2024-12-01 08:00:00 Europe/London"],
     ["2024-03-01 10:00", "2024-07-01 12:00", "2024-07-02 10:00", "2024-07-03 12:00", "2024-07-04 12:00", "2024-12-01 09:00"]),
    ({"timezone": "America/New_York"}, ["2024-03-01T10:00:00+01:00", "2024-07-02 10:00:00"],
     ["2024-03-01 04:00", "2024-07-02 10:00"]),
])
def test_read_options_load_equal_tables(spark, tmp_path, read, times, expected):
    cfg = {"observation_end": "2100-01-01", "tables": {"orders": {"path": str(_csv(tmp_path, times)), "read": read}}}
    duck, sp = _both(spark, cfg)
    assert duck.table("orders").sort_values("order_id")["ordered_at"].tolist() == [pd.Timestamp(t) for t in expected]
    _same_table(sp.table("orders"), duck.table("orders"), ["order_id"])
    _same_quality(sp.data_quality, duck.data_quality)


def test_shop_timezone_converts_aware_parquet_and_dataframe(spark, tmp_path):
    aware = pd.DataFrame({"order_id": ["1", "2"], "customer_id": ["a", "b"], "revenue": [1.0, 2.0],
                          "ordered_at": pd.to_datetime(["2024-03-01 09:00", "2024-07-01 09:00"]).tz_localize("UTC")})
    naive = aware.assign(ordered_at=aware["ordered_at"].dt.tz_localize(None), order_id=["3", "4"])
    aware.to_parquet(tmp_path / "aware.parquet", index=False)
    naive.to_parquet(tmp_path / "naive.parquet", index=False)
    expected = {"aware": [pd.Timestamp("2024-03-01 10:00"), pd.Timestamp("2024-07-01 11:00")],
                "naive": [pd.Timestamp("2024-03-01 09:00"), pd.Timestamp("2024-07-01 09:00")]}
    for name, orders in [("aware", aware), ("naive", naive), ("aware", str(tmp_path / "aware.parquet")),
                         ("naive", str(tmp_path / "naive.parquet"))]:
        duck, sp = _both(spark, {"timezone": "Europe/Amsterdam", "tables": {"orders": orders}})
        assert duck.table("orders")["ordered_at"].tolist() == expected[name]
        _same_table(sp.table("orders"), duck.table("orders"), ["order_id"])


@pytest.mark.parametrize("read,times", [
    ({"date_format": "%d-%m-%Y"}, ["31-01-2024", "2024-02-01", "30-02-2024", "01-03-2024 10:00", "02-03-2024"]),
    ({"dayfirst": True}, ["31-01-2024", "31-13-2024", "tomorrow", "02.03.2024"]),
    ({"timezone": "Europe/Amsterdam"}, ["2024-03-01T10:00:00+01:00", "2024-07-01 10:00:00 Mars/Olympus", "01-02-2024"]),
])
def test_unreadable_dates_reported_alike(spark, tmp_path, read, times):
    cfg = {"tables": {"orders": {"path": str(_csv(tmp_path, times)), "read": read}}}
    with pytest.raises(jl.DataError) as duck_err:
        jl.load_shop(cfg)
    with pytest.raises(jl.DataError) as spark_err:
        jl.load_shop(cfg, engine="spark", spark=spark)
    assert str(spark_err.value) == str(duck_err.value)
    assert spark_err.value.column == "ordered_at" and spark_err.value.examples[0][0] >= 2
    assert "values are not a date" in str(spark_err.value) and spark_err.value.file.endswith("orders.csv")


def test_unsupported_date_format_directive_named(spark, tmp_path):
    cfg = {"tables": {"orders": {"path": str(_csv(tmp_path, ["Wed 31-01-2024"])), "read": {"date_format": "%a %d-%m-%Y"}}}}
    assert jl.load_shop(cfg).table("orders")["ordered_at"].tolist() == [pd.Timestamp("2024-01-31")]
    with pytest.raises(jl.DataError, match="date_format '%a %d-%m-%Y': %a is not supported by the Spark engine"):
        jl.load_shop(cfg, engine="spark", spark=spark)


# --- 3. e-mail addresses and phone numbers as ids -------------------------------------------------------------

def test_pii_ids_pseudonymised_alike(spark, tmp_path):
    events = tmp_path / "events.csv"
    events.write_text("user_id,customer_id,session_id,ts,event_type\n"
                      "Anna.Jansen@Example.nl ,,s1,2024-01-01 10:00,page_view\n"
                      "+31 6 12345678,,s2,2024-01-02 11:00,product_view\n"
                      "u-17,17850,s3,2024-01-03 12:00,add_to_cart\n"
                      ",piet@example.com,s4,2024-01-04 13:00,purchase\n")
    cfg = {"observation_end": "2024-12-31",
           "tables": {"orders": str(CORPUS / "pii_customer_ids.csv"), "events": str(events)}}
    duck, sp = _both(spark, cfg)
    _same_quality(sp.data_quality, duck.data_quality)
    _same_table(sp.table("orders"), duck.table("orders"), ["order_id"])
    _same_table(sp.table("events"), duck.table("events"), ["session_id"])
    key = b"test-secret"
    ids = sp.table("orders").sort_values("order_id")["customer_id"].tolist()
    assert ids[0] == ids[2] == pii.pseudonym("anna.jansen@example.nl", key)
    assert ids[1] == pii.pseudonym("+31 6 12345678", key)
    ev = sp.table("events").sort_values("session_id")
    assert ev["user_id"].tolist() == [pii.pseudonym("anna.jansen@example.nl", key), pii.pseudonym("+31 6 12345678", key),
                                      "u-17", pii.pseudonym("piet@example.com", key)]  # the last: fixed from customer_id
    text = "\n".join([sp.table(t).to_csv() for t in sp.tables] + [sp.data_quality.to_csv()])
    assert "@" not in text and pii.find_pii(text) == []


def test_plain_ids_stay_and_need_no_secret(spark, tmp_path, monkeypatch):
    monkeypatch.delenv("JOURNEYLAB_SECRET")
    monkeypatch.chdir(tmp_path)
    orders = pd.DataFrame({"order_id": ["1", "2"], "customer_id": ["17850", "0471"], "ordered_at": ["2024-01-01", "2024-01-02"],
                           "revenue": [1.0, 2.0]})
    sp = jl.load_shop({"base_dir": str(tmp_path), "tables": {"orders": orders}}, engine="spark", spark=spark)
    assert sorted(sp.table("orders")["customer_id"]) == ["0471", "17850"]
    assert not (tmp_path / pii.SECRET_FILE).exists()


# --- 4. shop-system exports -----------------------------------------------------------------------------------

@pytest.mark.parametrize("cfg,keys", [
    ({"format": "shopify", "timezone": "Europe/Amsterdam", "path": str(FIXTURES / "shopify_orders_export.csv")},
     {"orders": ["order_id"], "order_lines": ["order_id", "product_id", "quantity"]}),
    ({"format": "woocommerce", "path": str(FIXTURES / "woocommerce_orders_export.csv")},
     {"orders": ["order_id"], "order_lines": ["order_id", "product_id", "quantity"]}),
    ({"format": "ga4", "timezone": "Europe/Amsterdam", "path": str(FIXTURES / "ga4_events_20240301.parquet")},
     {"orders": ["order_id"], "products": ["product_id"], "events": ["session_id", "ts", "event_type", "product_id"]}),
])
def test_export_formats_clean_alike(spark, cfg, keys):
    duck, sp = _both(spark, {"name": "export", **cfg})
    assert sp.tables == duck.tables and sp.observation_end == duck.observation_end
    generic = {r.rule for r in RULES} | {"rows_read", "rows_kept"}
    assert set(sp.data_quality["rule"]) - generic  # the adapter's own rules are merged in
    _same_quality(sp.data_quality, duck.data_quality)
    for table, key in keys.items():
        _same_table(sp.table(table), duck.table(table), key)
    assert sp.table("orders")["customer_id"].str.startswith("pii-").any()


def test_events_only_export_loads_alike(spark):
    """UCI Online Shoppers sessions: no orders by nature; the empty orders table, the events and every counted
    assumption are the same in both engines."""
    duck, sp = _both(spark, {"name": "shoppers", "format": "uci_online_shoppers",
                             "path": str(FIXTURES / "online_shoppers_sessions.csv")})
    assert sp.tables == duck.tables == ("orders", "events") and sp.observation_end == duck.observation_end
    assert sp.count("orders") == duck.count("orders") == 0
    _same_quality(sp.data_quality, duck.data_quality)
    _same_table(sp.table("events"), duck.table("events"), ["session_id", "ts"])


# --- 5. a rule reading other tables ---------------------------------------------------------------------------

def test_extreme_amounts_by_category_flagged_alike(spark):
    """Each order's outlier limit comes from its main category, read from the lines and products before they
    are cleaned: the same orders are flagged in both engines, ties and unknown categories included."""
    duck, sp = _both(spark, outlier_shop(EXTRA, n_tents=5))
    expected = ["big sock order", "big bicycle order", "no lines", "product not in products",
                "product without category", "product id twice"]
    assert flagged(duck) == flagged(sp) == (len(expected) + 5, sum(EXTRA[n][0] for n in expected) + 5 * 2_000.0)
    _same_quality(sp.data_quality, duck.data_quality)
    keys = {"orders": ["order_id"], "order_lines": ["order_id", "product_id", "quantity"], "products": ["product_id"]}
    for table, key in keys.items():
        _same_table(sp.table(table), duck.table(table), key)
