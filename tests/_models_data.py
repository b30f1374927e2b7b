"""Data for the model tests: CDNOW sample (lifetimes' files) and simulated BG/NBD shops with known truth."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def cdnow_sample_transactions() -> pd.DataFrame:
    """CDNOW 1/10 sample (2,357 customers): customer_id, ordered_at, revenue."""
    import lifetimes.datasets as ds

    path = Path(ds.__file__).parent / "CDNOW_sample.txt"
    tx = pd.read_csv(path, sep=r"\s+", header=None, names=["customer_id", "id", "date", "n_cds", "revenue"],
                     dtype={"date": str})
    tx["ordered_at"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    return tx[["customer_id", "ordered_at", "revenue"]]


def cdnow_holdout_weeks() -> pd.DataFrame:
    """Calibration to 1997-09-30, holdout to 1998-06-30, daily purchases measured in weeks (the papers' setup).

    Computed here in pandas with lifetimes' definitions so the model tests do not depend on summary.py.
    """
    tx = cdnow_sample_transactions()
    cal_end, obs_end = pd.Timestamp("1997-09-30"), pd.Timestamp("1998-06-30")
    days = tx.groupby(["customer_id", "ordered_at"], as_index=False)["revenue"].sum()
    first = days.groupby("customer_id")["ordered_at"].min()
    days = days[days["customer_id"].map(first) <= cal_end]
    cal = days[days["ordered_at"] <= cal_end]
    hold = days[(days["ordered_at"] > cal_end) & (days["ordered_at"] <= obs_end)]
    g = cal.groupby("customer_id")["ordered_at"]
    out = pd.DataFrame({
        "frequency_cal": g.count() - 1,
        "recency_cal": (g.max() - g.min()).dt.days / 7.0,
        "T_cal": (cal_end - g.min()).dt.days / 7.0,
    })
    rep = cal[cal["ordered_at"] > cal["customer_id"].map(first)]
    out["monetary_value_cal"] = rep.groupby("customer_id")["revenue"].mean().reindex(out.index).fillna(0.0)
    out["frequency_holdout"] = hold.groupby("customer_id").size().reindex(out.index).fillna(0).astype(float)
    out["monetary_value_holdout"] = hold.groupby("customer_id")["revenue"].mean().reindex(out.index).fillna(0.0)
    out["duration_holdout"] = (obs_end - cal_end).days / 7.0
    out.index.name = "customer_id"
    out.attrs["time_unit"] = "weeks"
    return out


def simulate_bgnbd(n: int, r: float, alpha: float, a: float, b: float, T_max: float = 52.0,
                   seed: int = 0) -> pd.DataFrame:
    """BG/NBD draws: Poisson purchases at rate lambda ~ Gamma(r, alpha), dropout after each repeat purchase
    with probability p ~ Beta(a, b); T uniform on [T_max/2, T_max]. Returns frequency, recency, T."""
    rng = np.random.default_rng(seed)
    lam = rng.gamma(r, 1.0 / alpha, n)
    p = rng.beta(a, b, n)
    T = rng.uniform(T_max / 2, T_max, n)
    lives = rng.geometric(p)  # repeat purchases made before dropping out
    k = rng.poisson(lam * T)
    cust = np.repeat(np.arange(n), k)
    times = rng.uniform(0, 1, len(cust)) * T[cust]
    df = pd.DataFrame({"c": cust, "t": times}).sort_values(["c", "t"])
    df["rank"] = df.groupby("c").cumcount() + 1
    df = df[df["rank"] <= lives[df["c"].to_numpy()]]
    last = df.groupby("c").agg(frequency=("rank", "max"), recency=("t", "max"))
    out = pd.DataFrame({"frequency": 0.0, "recency": 0.0, "T": T}, index=pd.RangeIndex(n, name="customer_id"))
    out.loc[last.index, "frequency"] = last["frequency"].astype(float)
    out.loc[last.index, "recency"] = last["recency"]
    return out
