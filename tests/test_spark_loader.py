"""The Spark loader accepts what the DuckDB loader accepts, with the same results: object-storage URIs,
date_format / dayfirst / timezone read options, e-mail addresses and phone numbers as ids, shop-system exports."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("pyspark")

import journeylab as jl  # noqa: E402
from journeylab import pii  # noqa: E402
from journeylab.config import read_shop_config  # noqa: E402

pytestmark = [pytest.mark.spark,
              # pyspark 4.3 warns that it does not yet fully support pandas 3; the results are checked here
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]
FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).parent / "bad_input"


@pytest.fixture(scope="session")
def spark():
    from journeylab.spark import local_session

    session = local_session(cores=2, driver_memory="2g", shuffle_partitions=4, app_name="journeylab-loader-tests")
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


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
