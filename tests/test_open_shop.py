"""open_shop: a shop loaded into a DuckDB file is reopened without loading again; duplicates in a large-ish
table are still counted exactly (hash pre-check in cleaning)."""
from __future__ import annotations

import pandas as pd
import pytest

import journeylab as jl
from journeylab.data.shop import open_shop


def _orders(n: int = 2000) -> pd.DataFrame:
    df = pd.DataFrame({"order_id": [f"o{i}" for i in range(n)], "customer_id": [f"c{i % 300}" for i in range(n)],
                       "ordered_at": pd.date_range("2024-01-01", periods=n, freq="h").astype(str),
                       "revenue": [float(i % 50) for i in range(n)]})
    return pd.concat([df, df.iloc[[5, 5, 17]]], ignore_index=True)  # row 5 three times, row 17 twice


def test_reopen_loaded_shop(tmp_path):
    db = tmp_path / "shop.duckdb"
    shop = jl.load_shop({"name": "t", "currency": "USD", "tables": {"orders": {"frame": _orders()}}}, database=db)
    orders = shop.table("orders")
    dq = shop.data_quality
    shop.con.close()
    again = open_shop(db)
    assert again.name == "t" and again.currency == "USD" and again.tables == ("orders",)
    assert again.observation_end == shop.observation_end
    pd.testing.assert_frame_equal(again.table("orders"), orders)
    pd.testing.assert_frame_equal(again.data_quality, dq, check_dtype=False)
    assert int(dq.loc[dq["rule"] == "duplicate_row", "rows"].sum()) == 3
    assert orders["order_id"].tolist() == [f"o{i}" for i in range(2000)]  # file order kept


def test_open_shop_refuses_other_files(tmp_path):
    with pytest.raises(jl.DataError, match="does not exist"):
        open_shop(tmp_path / "missing.duckdb")
    import duckdb

    duckdb.connect(str(tmp_path / "other.duckdb")).close()
    with pytest.raises(jl.DataError, match="not a journeylab shop database"):
        open_shop(tmp_path / "other.duckdb")


def test_load_shop_reopens_a_loaded_database(tmp_path):
    # report runs load once into a file and every notebook reopens it through load_shop
    import journeylab as jl
    from pathlib import Path

    demo = Path(__file__).resolve().parent.parent / "data" / "demo" / "shop.yaml"
    first = jl.load_shop(demo, database=tmp_path / "shop.duckdb")
    counts = {t: first.count(t) for t in first.tables}
    first.con.close()
    again = jl.load_shop(tmp_path / "shop.duckdb")
    assert {t: again.count(t) for t in again.tables} == counts and again.name == "demo"
