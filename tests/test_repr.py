"""Rich display (issue 16, point 1): every result object and fitted model shows a few lines of text and a
small escaped HTML table with its key numbers; the full data stays in its attributes.

Seen before: ``ModelComparison`` printed its 3,716-row predictions frame, ``BootstrapResult`` every draw,
``CustomerValueModel`` ``<... object at 0x...>``, and ``FunnelResult`` had no view of its own."""
from __future__ import annotations

import dataclasses
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import journeylab as jl
from journeylab.display_repr import View, interval, number, percent
from journeylab.journey.value import GroupModel
from journeylab.models.clv import CustomerValueModel, compare_models
from journeylab.models.fitcheck import FitCheck
from journeylab.models.gammagamma import GammaGammaModel
from journeylab.models.paretonbd import ParetoNBDModel
from journeylab.models.rfm import SegmentMap, load_segment_map

from _journey_data import hand_shop, simulated
from _models_data import cdnow_holdout_weeks, simulate_bgnbd

HOSTILE = "<script>alert('x')</script>"
ESCAPED = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def shown(obj, max_lines: int = 15, max_chars: int = 1500) -> tuple[str, str]:
    """(text, html) of ``obj``, checked to be short and HTML-shaped."""
    text, html = repr(obj), obj._repr_html_()
    assert "object at 0x" not in text
    assert len(text.splitlines()) < max_lines, text
    assert len(text) < max_chars, text
    assert html.startswith('<div class="journeylab-repr">') and html.rstrip().endswith("</div>")
    for tag in ("div", "table", "tr", "td", "th", "strong"):
        assert len(re.findall(f"<{tag}[ >]", html)) == html.count(f"</{tag}>"), tag
    assert "<script" not in html
    return text, html


def both(text: str, html: str, *parts: str) -> None:
    for p in parts:
        assert p in text, (p, text)
        assert p in html, (p, html)


@pytest.fixture(scope="module")
def weekly():
    s = simulate_bgnbd(2000, 0.25, 4.0, 0.8, 2.5, seed=1)
    s.attrs["time_unit"] = "weeks"
    rng = np.random.default_rng(0)
    s["monetary_value"] = np.where(s["frequency"] > 0, 20 + rng.gamma(2.0, 10.0, len(s)), 0.0)
    return s


@pytest.fixture(scope="module")
def cvm(weekly):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return CustomerValueModel("bgnbd").fit(weekly)


@pytest.fixture(scope="module")
def comparison():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compare_models(cdnow_holdout_weeks())


# ---------------------------------------------------------------- the formatter
def test_numbers_are_formatted_for_analysts():
    assert [number(0.22367), number(3.6618), number(1556.05), number(58694.9), number(5.5e9), number(np.nan)] == \
        ["0.2237", "3.662", "1,556", "58,695", "5.5e+09", "–"]
    assert number(np.int64(5000)) == "5,000" and percent(0.7098) == "71.0%" and interval(0.2, 0.25) == "[0.2, 0.25]"
    assert interval(np.nan, np.nan) == ""


def test_a_view_cuts_long_tables_and_keeps_hostile_text_on_one_line():
    rows = [[f"{HOSTILE}\n{i}\nmore", i] for i in range(5000)]
    view = View(f"title {HOSTILE}\nsecond line").value("why", "a\nb").table(["name", "n"], rows, max_rows=5)
    text = view.text()
    assert len(text.splitlines()) == 1 + 1 + 1 + 5 + 1 and "… 4,995 more row(s)" in text
    html = view.html()
    assert HOSTILE not in html and ESCAPED in html and html.count("<tr>") == 1 + 1 + 5  # the value, the header, five rows


# ---------------------------------------------------------------- fitted models
def test_fitted_purchase_model_shows_its_parameters_with_intervals(cvm):
    m = cvm.purchase_
    text, html = shown(m)
    assert text.splitlines()[0] == "BG/NBD (BetaGeoModel) fitted on 2,000 customers (2,000 distinct histories)"
    ci = m.confidence_intervals_
    for name, value in m.params_.items():
        assert f"{value:.4g}" == number(value)  # four significant digits, as before
        both(text, html, number(value), interval(ci.loc[name, "lower 95% bound"], ci.loc[name, "upper 95% bound"]))
    both(text, html, number(m.log_likelihood_, 6))


def test_spend_model_says_which_parameters_are_not_identified(cvm, weekly):
    g = cvm.spend_
    assert isinstance(g, GammaGammaModel)
    text, html = shown(g)
    table = g.params_table()
    n_repeat = int((weekly["monetary_value"] > 0).sum())
    both(text, html, "Gamma-Gamma (GammaGammaModel)", f"fitted on {number(n_repeat)} customers")
    for r in table.itertuples():
        both(text, html, number(r.estimate))
        both(text, html, interval(r.lower_95, r.upper_95) if r.identified else "not identified")


def test_pareto_model_and_models_without_data(weekly):
    p = ParetoNBDModel().fit(weekly["frequency"], weekly["recency"], weekly["T"])
    text, html = shown(p)
    both(text, html, "Pareto/NBD (ParetoNBDModel)", *[number(v) for v in p.params_])
    text, html = shown(ParetoNBDModel())
    assert text == "Pareto/NBD (ParetoNBDModel): not fitted"
    given = ParetoNBDModel.from_params([0.5, 10.0, 0.7, 12.0])
    text, html = shown(given)
    both(text, html, "from given parameters", "0.5", "10", "0.7", "12")
    assert "[" not in text and "not identified" not in text


def test_customer_value_model(cvm):
    text, html = shown(cvm)
    assert text.splitlines()[0] == ("CustomerValueModel BG/NBD + Gamma-Gamma spend, fitted on 2,000 customers "
                                    "(2,000 distinct histories), time unit weeks")
    for r in cvm.params_.itertuples():
        both(text, html, number(r.estimate))
        if r.identified:
            both(text, html, interval(r.lower_95, r.upper_95))
    ind = cvm.independence_
    both(text, html, number(cvm.log_likelihood_, 6), number(cvm.spend_log_likelihood_, 6),
         f"Pearson r = {number(ind['pearson_r'], 3)}")
    shown(CustomerValueModel("mbgnbd", spend=None))
    given = CustomerValueModel.from_params("bgnbd", cvm.purchase_.params_, cvm.spend_.params_)
    text, _ = shown(given)
    assert "from given parameters" in text and number(cvm.purchase_.params_["alpha"]) in text


# ---------------------------------------------------------------- results
def test_bootstrap_result_shows_intervals_not_draws(cvm):
    b = cvm.bootstrap(n_boot=12, seed=1)
    text, html = shown(b)
    assert text.splitlines()[0] == f"BootstrapResult: {b.n_boot} draws, 95% percentile intervals"
    for frame in (b.params, b.totals):
        for name, r in frame.iterrows():
            both(text, html, name, number(r["mean"]), f"[{number(r['lower'])}, {number(r['upper'])}]")
    # many draws: the view stays the same size
    big = dataclasses.replace(b, draws=pd.concat([b.draws] * 500, ignore_index=True), n_boot=6000)
    assert len(repr(big)) < 1500 and "6,000 draws" in repr(big)


def test_model_comparison_names_the_recommended_model_and_why(comparison):
    c = comparison
    text, html = shown(c)
    assert len(c.predictions) == 2357  # the full data stays where it was
    assert "frequency_cal" not in text and "by_frequency" not in text  # no frame printed whole
    label = c.metrics.loc[c.recommended, "label"]
    assert f"recommended: {label}" in text and "<th style=\"text-align:left\">recommended</th><td" in html
    both(text, html, "2,357 customers", label, c.reason.split("(")[0])  # the reason the code gives
    assert c.reason in text
    for r in c.metrics.itertuples():
        both(text, html, r.label, number(r.rmse), percent(r.total_error_pct / 100))
    both(text, html, "naive baseline", number(c.baseline["rmse"]))


def test_fit_checks_and_churn_evaluation(comparison):
    chk = comparison.checks["bgnbd"]
    assert isinstance(chk, FitCheck)
    text, html = shown(chk)
    both(text, html, f"tier {chk.tier}", "BG/NBD")
    failed = FitCheck("paretonbd", False, False, None, ["rate_not_identified", "dropout_not_identified"])
    text, html = shown(failed)
    both(text, html, "tier none", "rate_not_identified, dropout_not_identified", "not checked")
    ev = jl.evaluate_churn(cdnow_holdout_weeks(), model=comparison.models["mbgnbd"])
    text, html = shown(ev)
    both(text, html, "2,357 customers", percent(ev.base_rate))
    for score, r in ev.metrics.iterrows():
        both(text, html, score, number(r["auc"], 3))
    both(text, html, number(ev.metrics.loc["churn_risk", "brier"], 3))


def test_funnel_result_has_its_own_view_and_escapes_step_names():
    shop = hand_shop()
    f = jl.funnel(shop)
    text, html = shown(f)
    assert text.splitlines()[0] == "FunnelResult: closed funnel of sessions, 4 steps, window 30D"
    for r in f.table.itertuples():
        both(text, html, r.step, number(r.units), percent(r.overall_conversion))
    both(text, html, percent(3 / 5), percent(2 / 3))  # step conversions
    by = jl.funnel(shop, breakdown="channel")
    text, html = shown(by)
    both(text, html, "by channel (3 groups)", f"direct {percent(by.conversion('direct'))} of 3")
    hostile = jl.funnel(shop, steps={HOSTILE: "event_type = 'product_view'", "buy": "event_type = 'purchase'"})
    text, html = shown(hostile)
    assert HOSTILE in text and ESCAPED in html


def test_shop_value_and_its_groups():
    shop, _ = simulated(1500, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v = jl.shop_value(shop)
    text, html = shown(v)
    p = v.predictions
    both(text, html, f"{number(len(p))} customers", f"{len(v.groups)} group(s) by involvement",
         str(v.calibration_end.date()))
    for name, g in v.groups.items():
        both(text, html, name, g.tier)
        if g.model is not None:
            part = p[p["group"] == name]
            both(text, html, g.label, number(part["p_alive"].mean(), 3), number(part["clv"].sum()))
    for status, share in p["status"].value_counts(normalize=True).items():
        both(text, html, f"{status} {percent(share)}")
    for g in v.groups.values():
        text, html = shown(g)
        both(text, html, f"{number(g.n_customers)} customers", f"tier {g.tier}")
        if g.model is not None:
            both(text, html, *[number(x) for x in g.model.params_["estimate"]])
    bad = dataclasses.replace(next(iter(v.groups.values())), group=HOSTILE)
    text, html = shown(bad)
    assert ESCAPED in html
    text, html = shown(GroupModel("none", 10, 0))
    assert "no model" in text


def test_shops_and_segment_maps_escape_their_names():
    shop = dataclasses.replace(hand_shop(), name=HOSTILE)
    html = shop._repr_html_()
    assert ESCAPED in html and "<script" not in html
    for t in shop.tables:
        assert f"<td>{t}</td><td>{number(shop.count(t))}</td>" in html
    from journeylab.spark.shop import SparkShop  # no Spark needed: its view reads data_quality only

    spark_shop = SparkShop(HOSTILE, None, {t: None for t in shop.tables}, shop.data_quality, shop.observation_end)
    html = spark_shop._repr_html_()
    assert ESCAPED in html and "<script" not in html and "<td>events</td><td>15</td>" in html
    sm = load_segment_map()
    text, html = shown(sm)
    both(text, html, sm.version, f"{len(sm.table)} segments", *sm.table["id"])
    table = sm.table.copy()
    table.loc[0, "id"] = HOSTILE
    text, html = shown(SegmentMap("v1", table))
    assert HOSTILE in text and ESCAPED in html
