"""Journey analytics on real data (../shared/data/real): REES46 events and UCI Online Retail."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd
import pytest

import journeylab as jl
from journeylab.journey.attribution import attribution
from journeylab.journey.funnel import consideration, funnel
from journeylab.journey.phases import cohort_retention, journey_phases


@lru_cache(maxsize=1)
def _rees46(path: str) -> jl.Shop:
    raw = pd.read_csv(path, dtype={"category_id": str, "product_id": str, "user_id": str})
    raw = raw.drop_duplicates()
    ts = pd.to_datetime(raw["event_time"].str.replace(" UTC", ""))
    et = raw["event_type"].map({"view": "product_view", "cart": "add_to_cart", "purchase": "purchase"})
    events = pd.DataFrame({"user_id": raw["user_id"], "session_id": raw["user_session"], "ts": ts,
                           "event_type": et, "product_id": raw["product_id"]})
    buy = raw[raw["event_type"] == "purchase"]
    # several purchase events in one session form one order
    orders = (buy.assign(ts=ts[buy.index]).groupby("user_session")
              .agg(customer_id=("user_id", "first"), ordered_at=("ts", "min"), revenue=("price", "sum")).reset_index()
              .rename(columns={"user_session": "order_id"}))
    lines = buy.rename(columns={"user_session": "order_id", "price": "unit_price"}).assign(quantity=1.0)
    lines = lines[["order_id", "product_id", "quantity", "unit_price"]]
    top = raw["category_code"].str.split(".").str[:2].str.join(".")
    products = (raw.assign(category=top.fillna("id_" + raw["category_id"]))
                .groupby("product_id").agg(category=("category", "first"), price=("price", "median")).reset_index())
    return jl.load_shop({"name": "rees46", "observation_end": "2019-10-01 03:00",
                         "tables": {"orders": orders, "order_lines": lines, "products": products, "events": events}})


@pytest.fixture(scope="module")
def rees46(real_data) -> jl.Shop:
    return _rees46(str(real_data / "rees46_multicategory" / "2019-Oct_head.csv.gz"))


@pytest.fixture(scope="module")
def retail(real_data) -> jl.Shop:
    raw = pd.read_csv(real_data / "uci_online_retail" / "online_retail.csv.gz",
                      dtype={"InvoiceNo": str, "StockCode": str, "CustomerID": str})
    ok = raw[~raw["InvoiceNo"].str.startswith(("C", "A")) & raw["CustomerID"].notna() & (raw["Quantity"] > 0)
             & (raw["UnitPrice"] > 0)].copy()
    ok["CustomerID"] = ok["CustomerID"].str.replace(".0", "", regex=False)
    ok["InvoiceDate"] = pd.to_datetime(ok["InvoiceDate"])
    ok["value"] = ok["Quantity"] * ok["UnitPrice"]
    orders = ok.groupby("InvoiceNo").agg(customer_id=("CustomerID", "first"), ordered_at=("InvoiceDate", "min"),
                                         revenue=("value", "sum")).reset_index().rename(columns={"InvoiceNo": "order_id"})
    lines = ok.rename(columns={"InvoiceNo": "order_id", "StockCode": "product_id", "Quantity": "quantity",
                               "UnitPrice": "unit_price"})[["order_id", "product_id", "quantity", "unit_price"]]
    desc = ok.groupby("StockCode")["Description"].first().fillna("UNKNOWN").str.strip()
    products = pd.DataFrame({"product_id": desc.index, "category": desc.str.split().str[-1].to_numpy()})
    return jl.load_shop({"name": "uci", "observation_end": "2011-12-10",
                         "tables": {"orders": orders, "order_lines": lines, "products": products}})


def test_rees46_funnel_is_plausible(rees46):
    res = funnel(rees46, steps=["product_view", "add_to_cart", "purchase"], by="session")
    u = res.table.set_index("step")["units"]
    assert 4000 < u["product_view"] <= 5066
    assert u["purchase"] <= u["add_to_cart"] <= u["product_view"]
    assert 0 < res.conversion() < 0.10
    # the open funnel sees purchases without a logged cart: more purchase sessions than cart-then-purchase
    op = funnel(rees46, steps=["product_view", "add_to_cart", "purchase"], kind="open").table.set_index("step")["units"]
    assert op["purchase"] >= u["purchase"] and 150 <= op["purchase"] <= 215
    assert op["purchase"] <= op["product_view"]


def test_rees46_consideration_phases_attribution(rees46):
    c = consideration(rees46)
    assert 100 <= len(c) <= 4504
    assert c["days_from_first_visit"].between(0, 0.15).all()  # three hours of data
    ph = journey_phases(rees46)
    assert set(ph["phase"].astype(str)) <= {"awareness", "consideration", "purchase", "upsell", "ambassador"}
    assert (ph["phase"] == "consideration").sum() > (ph["n_orders"] > 0).sum()
    a = attribution(rees46)
    assert a["first_touch"].sum() == pytest.approx(len(c))  # no channel column: one "(unknown)" channel


def test_uci_retail_orders_only(retail):
    ph = journey_phases(retail)
    assert 4000 < len(ph) < 4400
    assert set(ph["phase"].astype(str)) <= {"purchase", "upsell", "ambassador"}
    assert 0.5 < (ph["n_orders"] >= 2).mean() < 0.8  # README: 2,845 of 4,339 ordered twice or more
    assert "need events" in ph.attrs["note"]
    assert ph["status"].isin(["active", "at_risk", "lost"]).all()
    ret = cohort_retention(retail)
    assert ret.index[0] == "2010-12" and ret.loc["2010-12", 1] > 0.2
    with pytest.raises(jl.DataError):
        funnel(retail)
