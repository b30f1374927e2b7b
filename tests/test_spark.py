"""The Spark engine gives the DuckDB engine's results: counts exactly, floats to 1e-9 (demo shop, a smaller
simulated shop for the journey analyses, CDNOW)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

pytest.importorskip("pyspark")

import journeylab as jl  # noqa: E402
from journeylab.errors import ConfigError  # noqa: E402
from journeylab.models.clv import CustomerValueModel  # noqa: E402
from journeylab.simulate import simulate_shop  # noqa: E402

pytestmark = [pytest.mark.spark,
              # pyspark 4.3 warns that it does not yet fully support pandas 3; the results are checked here
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
              pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")]
DEMO = Path(__file__).resolve().parents[1] / "data" / "demo" / "shop.yaml"
# The journey analyses (funnels, consideration, attribution, phases) compare the engines on a simulated shop
# of 600 buyers: the demo's generator (simulate_shop(5000, seed=1)) at an eighth of its size, so ~24k events
# instead of ~196k. Spark's time here is mostly per query, not per row, but the work tables, windows and
# joins over the demo's events still cost minutes; the smaller shop still has both involvement levels,
# repeat buyers, reviews, cancelled orders, every funnel step and seven channels (checked where a test
# relies on it).
SIM_BUYERS, SIM_SEED = 600, 1


@pytest.fixture(scope="module")
def demo(spark):
    return jl.load_shop(DEMO), jl.load_shop(DEMO, engine="spark", spark=spark)


@pytest.fixture(scope="module")
def demo_model(demo):
    """The DuckDB demo shop's summary and its value model, fitted once for the two scoring tests."""
    summary = jl.customer_summary(demo[0])
    return summary, CustomerValueModel().fit(summary)


@pytest.fixture(scope="module")
def sim(spark, tmp_path_factory):
    """The simulated shop (SIM_BUYERS) written once as Parquet files with a shop.yaml, as the demo is, and
    loaded from those files by both engines: (DuckDB shop, SparkShop)."""
    folder = tmp_path_factory.mktemp("simulated_shop")
    shop = simulate_shop(SIM_BUYERS, start="2023-01-01", end="2024-12-31", seed=SIM_SEED)
    for name, frame in shop.tables().items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    config = folder / "shop.yaml"
    config.write_text(yaml.safe_dump({"name": "simulated", "observation_end": str(shop.observation_end.date()),
                                      "currency": "EUR",
                                      "tables": {name: {"path": f"{name}.parquet"} for name in shop.tables()}}))
    duck, sp = jl.load_shop(config), jl.load_shop(config, engine="spark", spark=spark)
    for table in duck.tables:  # what the analyses below rely on: the tables the same in both engines
        assert sp.count(table) == duck.count(table) > 0, table
    return duck, sp


@pytest.fixture(scope="module")
def sim_phases(sim):
    """journey_phases of the DuckDB simulated shop (it fits the shop's value model), once for two tests."""
    from journeylab.journey.phases import journey_phases

    return journey_phases(sim[0])


@pytest.fixture(scope="module")
def sim_phases_df(sim):
    """journey_phases_df of the simulated SparkShop, persisted: computed once for the two tests that read it."""
    from journeylab.spark import journey_phases_df

    df = journey_phases_df(sim[1]).persist()
    yield df
    df.unpersist()


@pytest.fixture(scope="module")
def cdnow_sdf(spark, cdnow_transactions):
    return spark.createDataFrame(cdnow_transactions)


def _same_frames(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Same index (values and type), same columns; numbers to 1e-9 relative, counts exactly."""
    assert got.index.equals(expected.index)
    assert list(got.columns) == list(expected.columns)
    for c in expected.columns:
        e, g = expected[c], got[c]
        if pd.api.types.is_float_dtype(e):
            np.testing.assert_allclose(g.to_numpy(float), e.to_numpy(float), rtol=1e-9, atol=1e-9, err_msg=c)
        elif pd.api.types.is_datetime64_any_dtype(e):
            a, b = pd.to_datetime(g).to_numpy("datetime64[us]"), e.to_numpy("datetime64[us]")
            assert ((a == b) | (np.isnat(a) & np.isnat(b))).all(), c
        else:
            as_list = lambda s: [None if pd.isna(v) else v for v in s.tolist()]  # noqa: E731
            assert as_list(g) == as_list(e), c


def _same_quality(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    key = ["table", "rule", "action"]
    assert got[key].equals(expected[key])
    assert (got["rows"].to_numpy() == expected["rows"].to_numpy()).all()
    assert (got["matching"].to_numpy() == expected["matching"].to_numpy()).all()
    np.testing.assert_allclose(got["revenue"], expected["revenue"], rtol=1e-9, atol=1e-9)


def test_spark_demo_load_equals_duckdb(demo):
    duck, spark_shop = demo
    assert spark_shop.tables == duck.tables
    assert spark_shop.observation_end == duck.observation_end
    _same_quality(spark_shop.data_quality, duck.data_quality)
    for table in duck.tables:
        assert spark_shop.count(table) == duck.count(table), table
    key = ["order_id"]
    got = spark_shop.table("orders").sort_values(key, ignore_index=True)
    exp = duck.table("orders").sort_values(key, ignore_index=True)
    _same_frames(got, exp)


def test_spark_cleaning_rules_and_counts_equal_duckdb(spark):
    """Every kind of dirty row (copies, missing ids, cancelled, returns, future dates, lines of dropped
    orders, missing order ids fixed from the line) is counted as DuckDB counts it."""
    t = pd.Timestamp
    orders = pd.DataFrame({
        "order_id": ["o1", "o1", "o2", "o3", "o4", "o5", None, "o7", "o8"],
        "customer_id": ["a", "a", None, "b", "c", "c", "d", "e", "17.0"],
        "ordered_at": [t("2024-01-01"), t("2024-01-01"), t("2024-01-02"), t("2024-01-03"), t("2024-01-04"),
                       t("2024-02-01"), t("2024-01-05"), t("2025-06-01"), t("2024-01-07 10:30")],
        "revenue": [10.0, 10.0, 5.0, -3.0, 7.5, 8.0, 9.0, 1.0, 12.25],
        "status": ["paid", "paid", "paid", "paid", "Cancelled", "paid", "paid", "paid", None],
    })
    lines = pd.DataFrame({"order_id": ["o1", "o1", "o2", "o5", "o5", "o9"], "product_id": ["p", "p", "p", None, "q", "p"],
                          "quantity": [1.0, 1.0, 2.0, 1.0, -1.0, 1.0], "unit_price": [10.0, 10.0, 2.5, 8.0, 8.0, 1.0]})
    cfg = {"name": "dirty", "observation_end": "2024-12-31", "tables": {"orders": orders, "order_lines": lines}}
    duck, sp = jl.load_shop(cfg), jl.load_shop(cfg, engine="spark", spark=spark)
    _same_quality(sp.data_quality, duck.data_quality)
    assert sp.data_quality["rows"].sum() > 0 and (sp.data_quality.query("action == 'dropped'")["rows"] > 0).sum() >= 6
    got = sp.table("orders").sort_values("order_id", ignore_index=True)
    exp = duck.table("orders").sort_values("order_id", ignore_index=True)
    _same_frames(got, exp)
    assert "line-6" in set(got["order_id"]) and "17" in set(got["customer_id"])
    _same_frames(sp.table("order_lines").sort_values(["order_id", "product_id"], ignore_index=True),
                 duck.table("order_lines").sort_values(["order_id", "product_id"], ignore_index=True))


@pytest.mark.parametrize("freq,mult", [("D", 1), ("W", 1), ("h", 24)])
def test_spark_summary_equals_duckdb_on_demo(demo, freq, mult):
    duck, sp = demo
    _same_frames(jl.customer_summary(sp, freq=freq, freq_multiplier=mult),
                 jl.customer_summary(duck, freq=freq, freq_multiplier=mult))


def test_spark_calibration_holdout_equals_duckdb_on_demo(demo):
    duck, sp = demo
    kw = dict(calibration_end="2024-06-30", freq="W")
    _same_frames(jl.customer_summary(sp, **kw), jl.customer_summary(duck, **kw))


@pytest.mark.parametrize("freq,mult", [("D", 1), ("W", 1), ("D", 7)])
def test_spark_summary_equals_duckdb_on_cdnow(cdnow_sdf, cdnow_transactions, freq, mult):
    from journeylab.spark import customer_summary

    sdf = cdnow_sdf
    got = customer_summary(sdf, freq=freq, freq_multiplier=mult)
    assert len(got) == 23570
    _same_frames(got, jl.customer_summary(cdnow_transactions, freq=freq, freq_multiplier=mult))
    kw = dict(freq=freq, freq_multiplier=mult, calibration_end="1997-09-30", observation_end="1998-06-30")
    _same_frames(customer_summary(sdf, **kw), jl.customer_summary(cdnow_transactions, **kw))


def test_spark_scores_every_customer_as_predict(demo, demo_model, tmp_path):
    from journeylab.spark import customer_summary_df, to_pandas
    from journeylab.spark.score import SCORE_COLUMNS, fit_spark, score_customers

    duck, sp = demo
    summary, model = demo_model
    expected = model.predict(summary=summary, horizon=6, discount_rate=0.02)
    sdf = customer_summary_df(sp)
    out = score_customers(sdf, model, horizon=6, discount_rate=0.02, path=str(tmp_path / "scores"))
    assert (tmp_path / "scores").is_dir() and list((tmp_path / "scores").glob("*.parquet"))
    got = to_pandas(out).set_index("customer_id").sort_index()
    got.index.name = expected.index.name
    _same_frames(got[SCORE_COLUMNS], expected[SCORE_COLUMNS])
    # fitting from Spark's compressed rows gives the same parameters as fitting the collected summary
    refit = fit_spark(sdf)
    np.testing.assert_allclose(refit.params_["estimate"], model.params_["estimate"], rtol=1e-6)


def test_spark_summary_carries_its_unit_into_the_fit(demo):
    """A Spark DataFrame has no attrs: the unit rides on the time columns' metadata, so a weekly Spark
    summary is fitted in weeks, as the collected one is, never read as days."""
    from journeylab.spark import customer_summary_df
    from journeylab.spark.score import fit_spark

    duck, sp = demo
    weekly = customer_summary_df(sp, freq="W")
    assert weekly.schema["T"].metadata["unit_days"] == 7.0
    model = fit_spark(weekly)
    expected = CustomerValueModel().fit(jl.customer_summary(duck, freq="W"))
    assert model.time_unit_ == expected.time_unit_ == "weeks"
    np.testing.assert_allclose(model.params_["estimate"], expected.params_["estimate"], rtol=1e-6)
    summary = jl.customer_summary(duck, freq="W")
    np.testing.assert_allclose(model.predict(12, summary=summary)["expected_purchases"].sum(),
                               expected.predict(12)["expected_purchases"].sum(), rtol=1e-6)
    assert jl.customer_summary(sp, freq="W").attrs["unit_days"] == 7.0


def test_spark_rfm_equals_rfm_segments(demo, cdnow_transactions, spark):
    """Same summary in, same scores out (exactly, ties included). From Spark's own summary, revenue sums
    can differ from DuckDB's in the last bit (summation order), which can move a customer across a tie
    of mean order values: all R and F scores agree, and M for all but a handful of customers."""
    from journeylab.models.rfm import rfm_segments
    from journeylab.spark import customer_summary_df, to_pandas
    from journeylab.spark.rfm import rfm_scores_df

    duck, sp = demo
    cols = ["recency", "frequency", "monetary", "revenue", "R", "F", "M", "FM", "rfm", "segment", "phase"]
    for summary in (jl.customer_summary(duck), jl.customer_summary(cdnow_transactions, freq="W")):
        expected = rfm_segments(summary)
        expected["segment"] = expected["segment"].astype(str)
        got = to_pandas(rfm_scores_df(spark.createDataFrame(summary.reset_index()))).set_index("customer_id").sort_index()
        got.index.name = expected.index.name
        _same_frames(got[cols], expected[cols])
        assert expected["segment"].nunique() >= 5
    expected = rfm_segments(jl.customer_summary(duck))
    got = to_pandas(rfm_scores_df(customer_summary_df(sp))).set_index("customer_id").sort_index()
    assert (got["R"].to_numpy() == expected["R"].to_numpy()).all() and (got["F"].to_numpy() == expected["F"].to_numpy()).all()
    assert (got["M"].to_numpy() != expected["M"].to_numpy()).mean() < 0.001


# ---------------------------------------------------------------- journey analyses: the same SQL in Spark
@pytest.mark.parametrize("kw", [
    dict(),
    dict(by="person", window="7D"),
    dict(kind="open"),
    dict(breakdown="involvement"),
    dict(breakdown="channel", steps={"viewed": "event_type = 'product_view'", "bought": "event_type = 'purchase'"},
         window=None),
], ids=["closed-session", "closed-person-7d", "open", "by-involvement", "by-channel-custom-steps"])
def test_spark_funnel_equals_duckdb(sim, kw):
    from journeylab.journey.funnel import funnel

    duck, sp = sim
    expected, got = funnel(duck, **kw), funnel(sp, **kw)
    assert expected.table["units"].iloc[0] > 100 and expected.table["group"].nunique() >= (2 if "breakdown" in kw else 1)
    assert (expected.table.groupby("group")["units"].min() > 0).all()  # every step reached in every group
    if kw.get("breakdown") == "involvement":
        assert {"low", "high"} <= set(expected.table["group"])
    if kw.get("breakdown") == "channel":
        assert expected.table["group"].nunique() >= 5
    _same_frames(got.table, expected.table)
    if expected.next_after_drop_off is not None:
        _same_frames(got.next_after_drop_off, expected.next_after_drop_off)


def test_spark_consideration_equals_duckdb(sim):
    from journeylab.journey.funnel import consideration

    duck, sp = sim
    from journeylab.spark import consideration_df, to_pandas

    expected, got = consideration(duck).sort_index(), consideration(sp).sort_index()
    assert len(expected) > 100 and expected["days_from_first_visit"].gt(0).any()
    assert set(expected["involvement"]) == {"low", "high"} and expected["research_views"].gt(0).any()
    _same_frames(got, expected)
    in_spark = to_pandas(consideration_df(sp)).set_index("person_id").sort_index()
    _same_frames(in_spark, got)


@pytest.mark.parametrize("by_involvement", [False, True])
def test_spark_attribution_equals_duckdb(sim, by_involvement):
    from journeylab.journey.attribution import attribution

    duck, sp = sim
    expected, got = attribution(duck, by_involvement=by_involvement), attribution(sp, by_involvement=by_involvement)
    assert expected["markov"].sum() > 100
    assert expected["channel"].nunique() >= 5
    if by_involvement:
        assert {"low", "high"} <= set(expected["involvement"])
    _same_frames(got, expected)
    assert got.attrs["conversions"] == expected.attrs["conversions"] and got.attrs["paths"] == expected.attrs["paths"]


def test_spark_journey_phases_and_cohorts_equal_duckdb(sim, sim_phases, sim_phases_df):
    """journey_phases on a SparkShop (facts in Spark, collected) and journey_phases_df (all in Spark)
    put every person in the phase DuckDB puts them in; cohort retention is equal too."""
    from journeylab.journey.phases import cohort_retention, journey_phases
    from journeylab.spark import journey_phases_df, to_pandas

    duck, sp = sim
    expected, got = sim_phases.sort_index(), journey_phases(sp).sort_index()
    assert expected["phase"].nunique() == 5
    assert expected["n_reviews"].gt(0).any() and expected["n_orders"].gt(1).any()
    assert {"low", "high"} <= set(expected["involvement"].dropna())
    assert got.attrs["rules"].equals(expected.attrs["rules"]) and got.attrs["status_rule"] == expected.attrs["status_rule"]
    cols = ["phase", "n_sessions", "n_orders", "n_reviews", "days_since_last_seen", "segment", "involvement",
            "status", "p_alive"]
    _same_frames(got[cols].astype({"phase": str, "status": str}), expected[cols].astype({"phase": str, "status": str}))
    df = to_pandas(sim_phases_df).set_index("person_id").sort_index()
    df.index.name = expected.index.name
    text = lambda f: f.astype(object).where(f.notna(), "-").astype(str)  # noqa: E731  (None / NaN / NA alike)
    _same_frames(text(df[["phase", "segment"]]), text(expected[["phase", "segment"]]))
    assert list(df.columns[:2]) == ["phase", "phase_no"]  # ids only: a phase's words are i18n's
    with pytest.raises(ConfigError, match="phase ambassador: .*'Champions'"):  # segment ids, as in DuckDB
        journey_phases_df(sp, rules={"ambassador": "n_orders >= 1 AND segment = 'Champions'"})
    _same_frames(cohort_retention(sp), cohort_retention(duck))


def test_spark_scores_carry_segment_and_journey_phase(sim, sim_phases, sim_phases_df, tmp_path):
    from journeylab.spark import customer_summary_df, rfm_scores_df, score_customers, to_pandas

    duck, sp = sim
    sdf = customer_summary_df(sp)
    summary = jl.customer_summary(duck)
    model = CustomerValueModel().fit(summary)
    out = to_pandas(score_customers(sdf, model, segments=rfm_scores_df(sdf), phases=sim_phases_df,
                                    path=str(tmp_path / "scores"))).set_index("customer_id").sort_index()
    phases = sim_phases
    assert len(out) == len(summary)
    assert out["phase"].notna().all() and set(out["phase"]) <= {"purchase", "upsell", "ambassador"}
    assert (out["phase"] == phases.loc[out.index, "phase"].astype(str)).all()
    assert out["segment"].notna().all()
