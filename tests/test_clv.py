"""Purchase and spend models: published CDNOW parameters, lifetimes as reference, simulated truth."""
from __future__ import annotations

import warnings

import lifetimes
import numpy as np
import pandas as pd
import pytest
from lifetimes.datasets import load_cdnow_summary, load_cdnow_summary_data_with_monetary_value

from journeylab.models.clv import PURCHASE_CLASSES
from journeylab.models.fitting import objective
from journeylab.models.gammagamma import GammaGammaModel
from journeylab.models.paretonbd import paretonbd_ll
from journeylab.models.clv import CustomerValueModel, compare_models, independence_check
from journeylab.errors import DataError, ModelError

from _models_data import cdnow_holdout_weeks, simulate_bgnbd

LIFETIMES = {
    "bgnbd": lifetimes.BetaGeoFitter,
    "mbgnbd": lifetimes.ModifiedBetaGeoFitter,
    "paretonbd": lifetimes.ParetoNBDFitter,
}
# Fader, Hardie & Lee (2005) and the Pareto/NBD, MBG/NBD and Gamma-Gamma papers/notes, CDNOW sample in weeks
PUBLISHED = {
    "bgnbd": {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    "paretonbd": {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669},
    "mbgnbd": {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614},
}
PUBLISHED_LL = {"bgnbd": -9582.4, "paretonbd": -9595.0}


def sig3(x: float) -> float:
    return float(f"{x:.3g}")


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    df = load_cdnow_summary_data_with_monetary_value()
    df.attrs["time_unit"] = "weeks"
    return df


@pytest.fixture(scope="module")
def fitted(cdnow) -> dict[str, CustomerValueModel]:
    return {m: CustomerValueModel(purchase=m, time_unit="weeks").fit(cdnow) for m in PUBLISHED}


@pytest.fixture(scope="module")
def reference(cdnow) -> dict:
    """lifetimes' own (uncompressed, autograd / Nelder-Mead) fits on the same data."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = {m: cls().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"]) for m, cls in LIFETIMES.items()}
        rep = cdnow[cdnow["frequency"] > 0]
        ref["gammagamma"] = lifetimes.GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    return ref


@pytest.mark.parametrize("model", list(PUBLISHED))
def test_cdnow_published_parameters_to_three_significant_digits(fitted, model):
    est = fitted[model].purchase_model_.params_
    for name, value in PUBLISHED[model].items():
        assert sig3(est[name]) == sig3(value), (model, name, est[name])
    if model in PUBLISHED_LL:
        assert fitted[model].log_likelihood_ == pytest.approx(PUBLISHED_LL[model], abs=0.05)


def test_gammagamma_published_parameters(fitted):
    gg = fitted["bgnbd"].spend_model_.params_
    assert (sig3(gg["p"]), sig3(gg["q"]), sig3(gg["v"])) == (6.25, 3.74, 15.4)
    assert gg["v"] == pytest.approx(15.44, abs=0.01)


def test_cdnow_summary_without_monetary_value_fits_the_same():
    df = load_cdnow_summary(index_col=[0])
    m = CustomerValueModel("bgnbd", spend=None, time_unit="weeks").fit(df)
    assert m.spend_model_ is None
    assert m.purchase_model_.params_["r"] == pytest.approx(0.2426, abs=1e-4)
    assert "clv" not in m.predict(39, unit="weeks").columns


@pytest.mark.parametrize("model", [*LIFETIMES, "gammagamma"])
def test_fit_agrees_with_lifetimes_reference(fitted, reference, model):
    mine = fitted["bgnbd"].spend_model_.params_ if model == "gammagamma" else fitted[model].purchase_model_.params_
    ref = reference[model].params_
    # lifetimes' Pareto/NBD uses Nelder-Mead with tol 1e-4, so it is itself only accurate to ~1e-3
    rel = 2e-3 if model == "paretonbd" else 1e-4
    pd.testing.assert_series_equal(mine.sort_index(), ref.sort_index(), rtol=rel, check_names=False)


@pytest.mark.parametrize("model", ["bgnbd", "mbgnbd"])  # lifetimes has no Hessian for Pareto/NBD
def test_hessian_standard_errors_match_lifetimes(fitted, reference, model):
    mine = fitted[model].purchase_model_.standard_errors_
    ref = reference[model].params_ * np.sqrt(np.diag(np.linalg.inv(reference[model]._hessian_))
                                             / len(reference[model].data))
    np.testing.assert_allclose(mine.values, ref.values, rtol=0.02)


def test_pareto_quadrature_likelihood_equals_lifetimes_closed_form():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 60, 400).astype(float)
    T = rng.uniform(1, 100, 400)
    tx = np.where(x > 0, rng.uniform(0, 1, 400) * T, 0.0)
    for params in ([0.55, 10.6, 0.61, 11.7], [2.0, 1.5, 0.3, 80.0], [0.3, 90.0, 3.0, 0.5], [5.0, 5.0, 5.0, 5.0]):
        mine = paretonbd_ll(np.array(params), x, tx, T, need_grad=False)[0]
        ref = lifetimes.ParetoNBDFitter._conditional_log_likelihood(params, x, tx, T)
        ok = np.isfinite(ref)
        assert ok.mean() > 0.9
        np.testing.assert_allclose(mine[ok], ref[ok], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("model", ["bgnbd", "mbgnbd", "paretonbd", "gammagamma"])
def test_analytic_gradient_matches_finite_differences(cdnow, model):
    rep = cdnow[cdnow["frequency"] > 0]
    if model == "gammagamma":
        cols = (rep["frequency"].to_numpy(float), rep["monetary_value"].to_numpy(float))
        lp = np.log([3.0, 2.0, 20.0])
    else:
        cols = (cdnow["frequency"].to_numpy(float), cdnow["recency"].to_numpy() / 39, cdnow["T"].to_numpy() / 39)
        lp = np.log([0.4, 0.3, 0.9, 2.0])
    w = np.ones(len(cols[0]))
    loglik = (GammaGammaModel if model == "gammagamma" else PURCHASE_CLASSES[model]).loglik
    _, grad = objective(loglik, lp, cols, w, 0.0)
    eye = np.eye(len(lp)) * 1e-6
    num = [(objective(loglik, lp + e, cols, w, 0.0)[0] - objective(loglik, lp - e, cols, w, 0.0)[0]) / 2e-6
           for e in eye]
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-8)


def test_compression_uses_unique_histories(fitted, cdnow):
    m = fitted["bgnbd"]
    assert m.n_customers_ == len(cdnow)
    assert m.n_unique_ == len(cdnow[["frequency", "recency", "T"]].drop_duplicates())
    assert m.purchase_model_.data["weights"].sum() == len(cdnow)


@pytest.mark.parametrize("model", list(LIFETIMES))
def test_predictions_equal_lifetimes_on_the_same_parameters(fitted, cdnow, model):
    m = fitted[model]
    pred = m.predict(39, unit="weeks")
    f = m.purchase_model_
    x, tx, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    np.testing.assert_allclose(pred["p_alive"], f.conditional_probability_alive(x, tx, T), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(pred["expected_purchases"],
                               f.conditional_expected_number_of_purchases_up_to_time(39, x, tx, T), rtol=1e-6)
    assert pred.index.equals(cdnow.index)


def test_pareto_probability_of_no_purchase_equals_lifetimes(fitted, cdnow):
    m = fitted["paretonbd"]
    pred = m.predict(20, unit="weeks")
    sub = cdnow.iloc[:200]
    ref = [m.purchase_model_.conditional_probability_of_n_purchases_up_to_time(0, 20, *row)
           for row in sub[["frequency", "recency", "T"]].itertuples(index=False)]
    np.testing.assert_allclose(pred["p_no_purchase"].iloc[:200], ref, rtol=1e-6, atol=1e-9)


def test_bgnbd_probability_of_no_purchase_by_simulation(fitted):
    """P(no purchase in t | history) for BG/NBD, checked by sampling the posterior of (alive, lambda)."""
    m = fitted["bgnbd"]
    r, alpha, a, b = m.purchase_model_.params_
    x, tx, T, t = 3.0, 20.0, 38.0, 26.0
    pred = m.predict(t, unit="weeks", summary=pd.DataFrame({"frequency": [x], "recency": [tx], "T": [T]}))
    pa = pred["p_alive"].iloc[0]
    rng = np.random.default_rng(0)
    lam = rng.gamma(r + x, 1 / (alpha + T), 400_000)
    alive = rng.uniform(size=lam.size) < pa
    mc = np.mean(~alive | (rng.exponential(1 / lam) > t))
    assert pred["p_no_purchase"].iloc[0] == pytest.approx(mc, abs=0.005)


@pytest.mark.parametrize("model", list(LIFETIMES))
def test_clv_equals_lifetimes_customer_lifetime_value(fitted, cdnow, model):
    """journeylab's discount rate is per year; lifetimes takes a monthly one: a yearly rate r is lifetimes'
    (1 + r) ** (1/12) - 1 a month (annual_to_monthly), and the CLVs agree."""
    from journeylab.models.clv import annual_to_monthly

    m = fitted[model]
    for yearly in (0.10, 0.0, 1.01 ** 12 - 1):
        monthly = (1 + yearly) ** (1 / 12) - 1
        assert annual_to_monthly(yearly) == pytest.approx(monthly, rel=1e-12, abs=1e-15)
        pred = m.predict(12, unit="months", discount_rate=yearly)
        assert pred.attrs["discount_rate"] == yearly and pred.attrs["monthly_discount_rate"] == pytest.approx(monthly)
        ref = m.spend_model_.customer_lifetime_value(m.purchase_model_, cdnow["frequency"], cdnow["recency"],
                                                     cdnow["T"], cdnow["monetary_value"], time=12,
                                                     discount_rate=monthly, freq="W")
        np.testing.assert_allclose(pred["clv"], ref, rtol=1e-5, atol=1e-6)
        assert (pred["clv"] >= 0).all() and pred["clv"].sum() > 0
    # the default is 10 % a year, as the report's config
    np.testing.assert_allclose(m.predict(12, unit="months")["clv"], m.predict(12, "months", 0.10)["clv"])


def test_time_unit_days_and_weeks_give_the_same_model(cdnow):
    weeks = CustomerValueModel("bgnbd", time_unit="weeks").fit(cdnow)
    days_df = cdnow.assign(recency=cdnow["recency"] * 7, T=cdnow["T"] * 7)
    days_df.attrs = {"time_unit": "days", "unit_days": 1.0}  # rescaled: its unit says so
    days = CustomerValueModel("bgnbd", time_unit="days").fit(days_df)
    pw, pdd = weeks.purchase_model_.params_, days.purchase_model_.params_
    assert pdd["alpha"] == pytest.approx(7 * pw["alpha"], rel=1e-4)
    assert pdd["r"] == pytest.approx(pw["r"], rel=1e-4)
    a = weeks.predict(12, unit="weeks")
    b = days.predict(84, unit="days")
    np.testing.assert_allclose(a["expected_purchases"], b["expected_purchases"], rtol=1e-4)
    np.testing.assert_allclose(a["next_purchase_in_days"], b["next_purchase_in_days"], rtol=1e-4)


def test_prediction_columns_are_probabilities_and_finite(fitted):
    pred = fitted["mbgnbd"].predict(6, unit="months", observation_end="1997-09-30")
    assert pred[["p_alive", "p_no_purchase"]].apply(lambda s: s.between(0, 1).all()).all()
    # P(no purchase) can never be below the chance the customer is gone
    assert (pred["p_no_purchase"] >= 1 - pred["p_alive"] - 1e-12).all()
    assert np.isfinite(pred.select_dtypes("number").to_numpy()).all()
    assert (pred["next_purchase_date"] > pd.Timestamp("1997-09-30")).all()
    assert pred.attrs["unit"] == "months"


def test_simulated_truth_inside_95_percent_intervals():
    """One fixed draw (seed 12). All four parameters inside jointly happens in roughly 85% of draws (seed 11
    misses a); the coverage test below is the statistical check of the intervals."""
    truth = {"r": 0.5, "alpha": 6.0, "a": 0.8, "b": 2.5}
    df = simulate_bgnbd(5000, *truth.values(), seed=12)
    m = CustomerValueModel("bgnbd", spend=None, time_unit="weeks").fit(df)
    tab = m.params_.set_index("parameter")
    for name, value in truth.items():
        assert tab.loc[name, "lower_95"] < value < tab.loc[name, "upper_95"], (name, tab.loc[name].to_dict())


def test_simulated_interval_coverage_is_near_95_percent():
    """Over 40 simulated shops, each true parameter lies in its 95% interval in at least 85% of them."""
    truth = {"r": 0.3, "alpha": 4.0, "a": 1.2, "b": 3.0}
    hits = []
    for seed in range(40):
        df = simulate_bgnbd(1500, *truth.values(), seed=100 + seed)
        tab = CustomerValueModel("bgnbd", spend=None, time_unit="weeks").fit(df).params_.set_index("parameter")
        hits.append({k: tab.loc[k, "lower_95"] < v < tab.loc[k, "upper_95"] for k, v in truth.items()})
    coverage = pd.DataFrame(hits).mean()
    assert (coverage >= 0.85).all(), coverage.to_dict()


def test_too_few_repeat_buyers_is_a_model_error():
    df = pd.DataFrame({"frequency": [0.0] * 50 + [1.0] * 3, "recency": [0.0] * 50 + [5.0] * 3,
                       "T": [30.0] * 53})
    with pytest.raises(ModelError, match="only 3 of 53 customers bought more than once"):
        CustomerValueModel("bgnbd", spend=None).fit(df)


def test_impossible_summary_is_a_data_error():
    df = pd.DataFrame({"frequency": [1.0, 2.0], "recency": [40.0, 3.0], "T": [30.0, 10.0]})
    with pytest.raises(DataError, match="recency > T"):
        CustomerValueModel("bgnbd", spend=None).fit(df)
    with pytest.raises(DataError, match="monetary_value"):
        CustomerValueModel("bgnbd").fit(simulate_bgnbd(500, 0.5, 6, 0.8, 2.5))


def test_degenerate_shop_never_gives_nan_predictions():
    """Nearly everyone buys at a fixed rhythm and never stops: the fit may hit its bounds, but either a
    ModelError explains it or every prediction is finite."""
    n = 300
    df = pd.DataFrame({"frequency": np.full(n, 10.0), "recency": np.full(n, 50.0), "T": np.full(n, 50.0),
                       "monetary_value": np.full(n, 20.0) + np.arange(n) % 3})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pred = CustomerValueModel("bgnbd", time_unit="weeks").fit(df).predict(12)
    except ModelError as exc:
        assert "could not be fitted" in str(exc) or "no finite" in str(exc) or "q =" in str(exc)
    else:
        assert np.isfinite(pred.select_dtypes("number").to_numpy()).all()


def test_independence_check_flags_correlated_spend():
    rng = np.random.default_rng(0)
    f = rng.integers(1, 20, 2000).astype(float)
    strong = independence_check(f, 10 + 5 * f + rng.normal(0, 3, 2000))
    assert strong["ok"] is False and strong["p_value"] < 0.001 and not strong["flat"]
    res = independence_check(f, rng.gamma(5, 4, 2000))
    assert res["ok"] is True and abs(res["pearson_r"]) < 0.1 and "message" not in res


def test_bootstrap_intervals_agree_with_hessian(fitted):
    m = fitted["bgnbd"]
    boot = m.bootstrap(n_boot=60, horizon=12, unit="months", seed=1)
    tab = m.params_.set_index("parameter")
    for name in ["r", "alpha", "a", "b", "p", "q", "v"]:
        lo, hi = boot.params.loc[name, ["lower", "upper"]]
        assert lo < tab.loc[name, "estimate"] < hi
        # percentile width vs Wald width: same order of magnitude
        assert 0.4 < (hi - lo) / (tab.loc[name, "upper_95"] - tab.loc[name, "lower_95"]) < 2.5
    point = m.predict(12, unit="months")
    for col, total in [("expected_purchases_total", point["expected_purchases"].sum()),
                       ("clv_total", point["clv"].sum())]:
        lo, hi = boot.totals.loc[col, ["lower", "upper"]]
        assert lo < total < hi and hi - lo > 0.05 * total


@pytest.fixture(scope="module")
def holdout() -> pd.DataFrame:
    return cdnow_holdout_weeks()


def test_holdout_split_reproduces_the_cdnow_calibration_summary(holdout):
    ref = load_cdnow_summary(index_col=[0])
    assert len(holdout) == len(ref) == 2357
    # the shipped file renumbers customers, so compare the histories as a multiset
    mine = holdout[["frequency_cal", "recency_cal", "T_cal"]].round(2).to_numpy()
    theirs = ref[["frequency", "recency", "T"]].to_numpy()
    mine, theirs = mine[np.lexsort(mine.T[::-1])], theirs[np.lexsort(theirs.T[::-1])]
    np.testing.assert_allclose(mine, theirs, atol=0.011)


def test_model_comparison_on_holdout(holdout):
    cmp = compare_models(holdout)
    assert set(cmp.metrics.index) == {"bgnbd", "mbgnbd", "paretonbd"}
    assert cmp.recommended in cmp.metrics.index and cmp.metrics.loc[cmp.recommended, "label"] in cmp.reason
    assert cmp.metrics["rmse"].min() == pytest.approx(cmp.metrics.loc[cmp.recommended, "rmse"], rel=0.011)
    # the papers' table: actual holdout means by calibration frequency, 0..6 and 7+
    assert list(cmp.by_frequency.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    expect = holdout.groupby(holdout["frequency_cal"].clip(upper=7))["frequency_holdout"].mean()
    np.testing.assert_allclose(cmp.by_frequency["actual"].to_numpy(), expect.to_numpy())
    assert cmp.by_frequency["customers"].sum() == len(holdout)
    # every model: more calibration purchases -> more predicted holdout purchases; totals near actual
    for m in cmp.metrics.index:
        assert cmp.by_frequency[m].is_monotonic_increasing
        assert abs(cmp.metrics.loc[m, "total_error_pct"]) < 25
        assert cmp.metrics.loc[m, "correlation"] > 0.5
    assert cmp.metrics.loc["bgnbd", "holdout_predicted_total"] == pytest.approx(
        cmp.predictions["bgnbd"].sum())


def test_fit_accepts_object_with_customer_summary(cdnow):
    class FakeShop:
        def customer_summary(self, **kw):
            return cdnow

    m = CustomerValueModel("bgnbd", time_unit="weeks").fit(FakeShop())
    assert m.n_customers_ == len(cdnow)


def test_weighted_rows_fit_as_the_repeated_rows(cdnow):
    """Distinct histories with their counts as weights (what fit_spark collects) give the fit, the
    independence check and the predictions of the full per-customer summary."""
    cols = ["frequency", "recency", "T", "monetary_value"]
    counts = cdnow.groupby(cols).size().rename("n").reset_index()
    counts.attrs["time_unit"] = "weeks"
    assert len(counts) < 0.5 * len(cdnow)
    full = CustomerValueModel("bgnbd", "gammagamma").fit(cdnow)
    weighted = CustomerValueModel("bgnbd", "gammagamma").fit(counts, weights="n")
    np.testing.assert_allclose(weighted.params_["estimate"], full.params_["estimate"], rtol=1e-7)
    np.testing.assert_allclose(weighted.log_likelihood_, full.log_likelihood_, rtol=1e-9)
    assert weighted.n_customers_ == full.n_customers_ == len(cdnow) and weighted.n_unique_ == full.n_unique_
    assert weighted.independence_["n"] == full.independence_["n"]
    assert weighted.independence_["pearson_r"] == pytest.approx(full.independence_["pearson_r"], rel=1e-9)
    got = weighted.predict(6).set_index(counts.set_index(cols).index)
    exp = full.predict(6).join(cdnow[cols]).groupby(cols).first()
    np.testing.assert_allclose(got["clv"].sort_index(), exp["clv"].sort_index(), rtol=1e-6)
    boot = weighted.bootstrap(n_boot=20, horizon=12)
    total = weighted.predict(12)["clv"].to_numpy() @ counts["n"].to_numpy()
    assert total == pytest.approx(full.predict(12)["clv"].sum(), rel=1e-9)
    assert boot.totals.loc["clv_total", "lower"] < total < boot.totals.loc["clv_total", "upper"]
    with pytest.raises(DataError, match="whole numbers"):
        CustomerValueModel().fit(counts.assign(n=counts["n"] - 0.5), weights="n")
