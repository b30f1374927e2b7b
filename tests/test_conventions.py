"""One set of conventions for every public result frame (docs/conventions.md), checked in one place on a small
simulated shop: index names (customers ``customer_id``, persons ``person_id``), dtypes (segments, phases,
statuses and involvement levels as ordered categoricals in their order), no placeholder rows, and no warnings
from normal use (every call below runs under ``warnings.simplefilter("error")``)."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import journeylab as jl
from journeylab.data.contract import INVOLVEMENT_LEVELS
from journeylab.data.conventions import JOURNEY_PHASES, involvement_categorical, ordered, phase_categorical
from journeylab.models.churn import STATUSES
from journeylab.models.rfm import PHASES as RFM_PHASES, load_segment_map, segment_categorical
from journeylab.simulate import simulate_shop

SEGMENTS = list(load_segment_map().table["id"])


@pytest.fixture(scope="module")
def results():
    """Every public analysis of a small simulated shop (with events, products and reviews), made with every
    warning an error: normal use warns about nothing."""
    sim = simulate_shop(1500, seed=11)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shop = jl.load_shop({"name": "conventions", "observation_end": str(sim.observation_end.date()),
                             "tables": dict(sim.tables())})
        summary = jl.customer_summary(shop)
        rfm = jl.rfm_segments(summary)
        value = jl.shop_value(shop)
        fun = jl.funnel(shop, breakdown="involvement")
        out = {
            "customer_summary": summary, "rfm_segments": rfm, "segment_table": jl.segment_table(rfm),
            "journey_phases": jl.journey_phases(shop, value=value), "consideration": jl.consideration(shop),
            "attribution": jl.attribution(shop), "attribution_by_involvement": jl.attribution(shop, by_involvement=True),
            "compare_involvement": jl.compare_involvement(shop, n_boot=50, n_boot_model=5),
            "phase_kpis": jl.phase_kpis(shop), "cohort_retention": jl.cohort_retention(shop),
            "funnel": fun.table, "funnel_next": fun.next_after_drop_off,
            "funnel_open": jl.funnel(shop, by="person", kind="open", breakdown="channel").table,
            "predictions": value.predictions, "classify_involvement": jl.classify_involvement(shop),
            "phase_flows": jl.phase_flows(shop, [sim.observation_end - pd.Timedelta("180D"), sim.observation_end]),
        }
        out["findings"] = jl.findings(comparison=out["compare_involvement"])
    return out


def _ordered(col: pd.Series | pd.Index, categories) -> None:
    assert isinstance(col.dtype, pd.CategoricalDtype) and col.dtype.ordered, col.dtype
    assert list(col.dtype.categories) == list(categories)


def test_index_names(results):
    r = results
    for name in ("customer_summary", "rfm_segments", "predictions"):
        assert r[name].index.name == "customer_id", name
        assert r[name].index.is_unique, name
    for name in ("journey_phases", "consideration"):
        assert r[name].index.name == "person_id", name
        assert r[name].index.is_unique, name
    # a customer is the same person everywhere: their person_id is their customer_id
    assert r["consideration"]["customer_id"].dropna().isin(r["journey_phases"].index).all()
    buyers = r["consideration"].dropna(subset=["customer_id"])
    assert (buyers.index == buyers["customer_id"]).all()
    assert r["customer_summary"].index.isin(r["journey_phases"].index).all()
    # rows that are not persons: a plain row number
    for name in ("attribution", "attribution_by_involvement", "compare_involvement", "funnel", "funnel_next",
                 "funnel_open", "findings"):
        assert isinstance(r[name].index, pd.RangeIndex), name
    assert list(r["phase_kpis"].index.names) == ["phase", "kpi", "param"]
    assert r["cohort_retention"].index.name == "cohort"
    assert r["cohort_retention"].columns.name == "months_since_first_order"
    assert r["classify_involvement"].index.name == "category"  # a product category
    assert r["segment_table"].index.name == "segment"  # the segments' names, for a reader


def test_dtypes(results):
    r = results
    five = list(jl.phase_rules("five")["phase"])
    assert five == list(JOURNEY_PHASES)
    _ordered(r["rfm_segments"]["segment"], SEGMENTS)
    _ordered(r["rfm_segments"]["phase"], RFM_PHASES)
    assert list(RFM_PHASES) == [p for p in JOURNEY_PHASES if p in RFM_PHASES]
    ph = r["journey_phases"]
    _ordered(ph["phase"], five)
    _ordered(ph["segment"], SEGMENTS)
    assert ph["segment"].dtype == r["rfm_segments"]["segment"].dtype
    _ordered(ph["status"], STATUSES)
    _ordered(ph["involvement"], INVOLVEMENT_LEVELS)
    assert ph.loc[ph["n_orders"] > 0, "segment"].notna().all() and ph.loc[ph["n_orders"] == 0, "segment"].isna().all()
    _ordered(r["consideration"]["involvement"], INVOLVEMENT_LEVELS)
    _ordered(r["attribution_by_involvement"]["involvement"], INVOLVEMENT_LEVELS)
    _ordered(r["compare_involvement"]["phase"], five)
    _ordered(r["phase_kpis"].index.levels[0], five)
    assert list(r["phase_kpis"].columns) == ["low", "high", "all"]
    _ordered(r["predictions"]["status"], STATUSES)
    _ordered(r["classify_involvement"]["level"], INVOLVEMENT_LEVELS)
    _ordered(r["classify_involvement"]["inferred_level"], INVOLVEMENT_LEVELS)
    if len(r["findings"]):
        assert isinstance(r["findings"]["phase"].dtype, pd.CategoricalDtype)
        assert list(r["findings"]["phase"].dtype.categories[:5]) == list(JOURNEY_PHASES)
    assert r["customer_summary"].attrs["time_unit"] == "days"


def test_no_placeholder_rows(results):
    a = results["attribution_by_involvement"]
    models = list(jl.journey.attribution.MODELS)
    assert not (a[models] == 0).all(axis=1).any()  # no all-zero rows: only groups that exist and converted
    assert set(a["involvement"].dropna()) <= set(INVOLVEMENT_LEVELS)
    conv = a.groupby("involvement", observed=True)["first_touch"].sum()
    for level, n in conv.items():
        assert n == pytest.approx(a.attrs["conversions"][level])
    whole = results["attribution"]
    assert whole[models].sum().to_numpy() == pytest.approx(np.full(len(models), whole["first_touch"].sum()))
    # the funnel's groups are the ones units entered with
    f = results["funnel"]
    assert (f.loc[f["step_no"] == 1, "units"] > 0).all()


def test_helpers_one_per_dtype():
    assert list(ordered(["b", None, "a"], ["a", "b"]).astype(object)[[0, 2]]) == ["b", "a"]
    with pytest.raises(ValueError, match="not among the categories"):
        involvement_categorical(["low", "(unknown)"])
    with pytest.raises(ValueError, match="not among"):
        phase_categorical(["upsell", "loyalty"])
    assert list(phase_categorical(["loyalty"], ["awareness", "loyalty"]).categories) == ["awareness", "loyalty"]
    seg = segment_categorical(["lost", "champions"])
    assert seg.ordered and list(seg.categories) == SEGMENTS and seg.min() == "champions"
