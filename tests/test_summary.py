"""customer_summary must equal lifetimes' summary and calibration/holdout functions on CDNOW."""
from __future__ import annotations

import pandas as pd
import pytest
from lifetimes.utils import calibration_and_holdout_data, summary_data_from_transaction_data

import journeylab as jl

FREQS = [("D", 1), ("W", 1), ("D", 7)]


@pytest.mark.parametrize("freq,mult", FREQS)
def test_summary_equals_lifetimes(cdnow_transactions, freq, mult):
    expected = summary_data_from_transaction_data(
        cdnow_transactions, "customer_id", "ordered_at", "revenue", freq=freq, freq_multiplier=mult
    )
    got = jl.customer_summary(cdnow_transactions, freq=freq, freq_multiplier=mult)
    assert len(got) == 23570
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_names=False, rtol=1e-10)


@pytest.mark.parametrize("freq,mult", FREQS)
def test_calibration_holdout_equals_lifetimes(cdnow_transactions, freq, mult):
    expected = calibration_and_holdout_data(
        cdnow_transactions, "customer_id", "ordered_at", calibration_period_end="1997-09-30",
        observation_period_end="1998-06-30", freq=freq, freq_multiplier=mult, monetary_value_col="revenue",
    )
    got = jl.customer_summary(
        cdnow_transactions, freq=freq, freq_multiplier=mult, calibration_end="1997-09-30", observation_end="1998-06-30"
    )
    pd.testing.assert_frame_equal(got, expected, check_names=False, rtol=1e-10)


def test_summary_with_observation_end_inside_data(cdnow_transactions):
    # Orders after the observation end's period are left out, as lifetimes does.
    expected = summary_data_from_transaction_data(
        cdnow_transactions, "customer_id", "ordered_at", "revenue", observation_period_end="1997-06-15", freq="W"
    )
    got = jl.customer_summary(cdnow_transactions, freq="W", observation_end="1997-06-15")
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_names=False, rtol=1e-10)


def test_summary_from_shop_and_parquet(cdnow_transactions, tmp_path):
    shop = jl.load_shop({"name": "cdnow", "tables": {"orders": cdnow_transactions}})
    from_shop = jl.customer_summary(shop, freq="W")
    path = tmp_path / "orders.parquet"
    cdnow_transactions.to_parquet(path)
    from_parquet = jl.customer_summary(str(path), freq="W")
    pd.testing.assert_frame_equal(from_shop, from_parquet)
    # extra columns: counts and totals of the raw orders
    assert from_shop["n_orders"].sum() == len(cdnow_transactions)
    assert from_shop["total_revenue"].sum() == pytest.approx(cdnow_transactions["revenue"].sum())


def test_same_period_orders_are_one_purchase():
    orders = pd.DataFrame({
        "customer_id": ["a", "a", "a", "b"],
        "ordered_at": pd.to_datetime(["2024-01-01 09:00", "2024-01-01 17:00", "2024-01-11", "2024-01-05"], format="mixed"),
        "revenue": [10.0, 5.0, 30.0, 8.0],
    })
    s = jl.customer_summary(orders, observation_end="2024-01-21")
    assert s.loc["a", ["frequency", "recency", "T", "monetary_value"]].tolist() == [1.0, 10.0, 20.0, 30.0]
    assert s.loc["b", ["frequency", "recency", "T", "monetary_value"]].tolist() == [0.0, 0.0, 16.0, 0.0]
    assert s.loc["a", "n_orders"] == 3 and s.loc["a", "total_revenue"] == 45.0


def test_bad_arguments():
    orders = pd.DataFrame({"customer_id": ["a"], "ordered_at": pd.to_datetime(["2024-01-01"]), "revenue": [1.0]})
    with pytest.raises(ValueError, match="freq"):
        jl.customer_summary(orders, freq="M")
    with pytest.raises(ValueError, match="calibration_end"):
        jl.customer_summary(orders, calibration_end="2024-02-01", observation_end="2024-01-15")
    with pytest.raises(jl.DataError, match="revenue"):
        jl.customer_summary(orders.drop(columns="revenue"))


def test_large_input_summarised_in_id_ranges_equals_one_pass(cdnow_transactions, monkeypatch):
    # Above ROWS_PER_PARTITION orders the query runs range by range of customer id (less memory);
    # the result, order included, must not change.
    import journeylab.models.summary as summary

    whole = jl.customer_summary(cdnow_transactions, freq="W")
    hold = jl.customer_summary(cdnow_transactions, freq="W", calibration_end="1997-09-30", observation_end="1998-06-30")
    monkeypatch.setattr(summary, "ROWS_PER_PARTITION", 5_000)  # ~14 ranges for CDNOW's 69,659 orders
    parts = jl.customer_summary(cdnow_transactions, freq="W")
    hold_parts = jl.customer_summary(cdnow_transactions, freq="W", calibration_end="1997-09-30",
                                     observation_end="1998-06-30")
    pd.testing.assert_frame_equal(parts, whole)
    pd.testing.assert_frame_equal(hold_parts, hold)
    ints = cdnow_transactions.assign(customer_id=cdnow_transactions["customer_id"].astype(int))
    monkeypatch.setattr(summary, "ROWS_PER_PARTITION", 10**9)
    one = jl.customer_summary(ints, freq="D")
    monkeypatch.setattr(summary, "ROWS_PER_PARTITION", 7_000)
    pd.testing.assert_frame_equal(jl.customer_summary(ints, freq="D"), one)
