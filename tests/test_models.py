"""The model classes on their own (journeylab.models.bgnbd, mbgnbd, paretonbd, gammagamma): one fit pipeline,
lifetimes' method names and meanings, from_params, to_lifetimes, starts in data units."""
from __future__ import annotations

import pickle
import warnings

import lifetimes
import numpy as np
import pandas as pd
import pytest
from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value

from journeylab.errors import ModelError
from journeylab.models.bgnbd import BetaGeoModel
from journeylab.models.clv import PURCHASE_CLASSES, CustomerValueModel
from journeylab.models.fitting import BaseModel, PurchaseModel
from journeylab.models.gammagamma import GammaGammaModel
from journeylab.models.mbgnbd import ModifiedBetaGeoModel
from journeylab.models.paretonbd import ParetoNBDModel

# CDNOW sample in weeks: Fader, Hardie & Lee (2005) and the Pareto/NBD and Gamma-Gamma notes
PUBLISHED = {
    BetaGeoModel: {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426},
    ModifiedBetaGeoModel: {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614},
    ParetoNBDModel: {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669},
}


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return load_cdnow_summary_data_with_monetary_value()


@pytest.fixture(scope="module")
def models(cdnow) -> dict:
    cols = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    return {cls: cls().fit(*cols) for cls in PUBLISHED}


def test_one_class_per_model_on_one_pipeline():
    assert issubclass(ModifiedBetaGeoModel, BetaGeoModel)
    for cls in (BetaGeoModel, ModifiedBetaGeoModel, ParetoNBDModel):
        assert issubclass(cls, PurchaseModel)
        assert cls._fit_once is BaseModel._fit_once  # no model has a fit path of its own
    assert issubclass(GammaGammaModel, BaseModel) and not issubclass(GammaGammaModel, PurchaseModel)
    assert set(PURCHASE_CLASSES.values()) == set(PUBLISHED)


@pytest.mark.parametrize("cls", list(PUBLISHED), ids=lambda c: c.name)
def test_each_model_alone_reproduces_the_published_cdnow_fit(models, cls):
    m = models[cls]
    assert m.converged_
    for k, v in PUBLISHED[cls].items():
        assert m.params_[k] == pytest.approx(v, rel=2e-3), k
    assert m.data_["weights"].sum() == 2357  # compressed rows stand for every customer
    assert len(m.data_) < 2357
    assert (m.standard_errors_ > 0).all()


@pytest.mark.parametrize("cls", list(PUBLISHED), ids=lambda c: c.name)
def test_predictions_mean_what_lifetimes_means(models, cdnow, cls):
    m = models[cls]
    ref = m.to_lifetimes()
    assert type(ref).__name__ == cls.lifetimes_fitter
    x, tx, T = (cdnow[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    with np.errstate(all="ignore"):
        np.testing.assert_allclose(m.conditional_probability_alive(x, tx, T),
                                   np.asarray(ref.conditional_probability_alive(x, tx, T), float), rtol=1e-6)
        e_ref = np.asarray(ref.conditional_expected_number_of_purchases_up_to_time(39.0, x, tx, T), float)
    ok = np.isfinite(e_ref)
    np.testing.assert_allclose(m.conditional_expected_number_of_purchases_up_to_time(39.0, x, tx, T)[ok], e_ref[ok],
                               rtol=1e-6)
    t = np.array([0.0, 1.0, 10.0, 39.0, 78.0])
    with np.errstate(all="ignore"):
        uncond = np.asarray(ref.expected_number_of_purchases_up_to_time(t), float)
    np.testing.assert_allclose(m.expected_number_of_purchases_up_to_time(t)[1:], uncond[1:], rtol=1e-6)
    assert m.expected_number_of_purchases_up_to_time(t)[0] == 0.0


@pytest.mark.parametrize("cls", list(PUBLISHED), ids=lambda c: c.name)
def test_predict_steps_agree_with_the_single_predictions(models, cdnow, cls):
    m = models[cls]
    x, tx, T = (cdnow[c].to_numpy(float)[:300] for c in ("frequency", "recency", "T"))
    steps = np.array([4.345, 8.69, 13.0])
    u = m.predict_steps(steps, np.ones(3), x, tx, T)
    np.testing.assert_allclose(u["p_alive"], m.conditional_probability_alive(x, tx, T))
    np.testing.assert_allclose(u["expected"], m.conditional_expected_number_of_purchases_up_to_time(13.0, x, tx, T),
                               rtol=1e-9)
    np.testing.assert_allclose(u["discounted"], u["expected"], rtol=1e-9)  # undiscounted steps add up
    assert np.all((u["p_zero"] >= 1 - u["p_alive"] - 1e-12) & (u["p_zero"] <= 1))


def test_from_params_predicts_as_the_fitted_model(models, cdnow):
    m = models[ParetoNBDModel]
    again = ParetoNBDModel.from_params(m.params_)
    x, tx, T = (cdnow[c].to_numpy(float) for c in ("frequency", "recency", "T"))
    np.testing.assert_array_equal(again.conditional_probability_alive(x, tx, T), m.conditional_probability_alive(x, tx, T))
    assert again.params_table()["identified"].eq(False).all()  # no standard errors: nothing claimed
    with pytest.raises(ValueError, match="4 positive parameters"):
        BetaGeoModel.from_params([0.2, 4.0, -1.0, 2.0])


def test_a_start_in_data_units_reaches_the_same_optimum(cdnow, models):
    days = cdnow.assign(recency=cdnow["recency"] * 7, T=cdnow["T"] * 7)
    cold = BetaGeoModel().fit(days["frequency"], days["recency"], days["T"])
    warm = BetaGeoModel().fit(days["frequency"], days["recency"], days["T"],
                              initial_params=cold.params_ * [1.1, 0.9, 1.2, 0.8])
    np.testing.assert_allclose(warm.params_, cold.params_, rtol=1e-6)
    # alpha is a time scale: weeks to days multiplies it by 7, the rest stays
    ratio = cold.params_ / models[BetaGeoModel].params_
    np.testing.assert_allclose(ratio, [1, 7, 1, 1], rtol=1e-5)


def test_gamma_gamma_alone_equals_lifetimes(cdnow):
    gg = GammaGammaModel().fit(cdnow["frequency"], cdnow["monetary_value"])
    rep = cdnow[cdnow["frequency"] > 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = lifetimes.GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    np.testing.assert_allclose(gg.params_, ref.params_, rtol=1e-3)
    np.testing.assert_allclose(gg.conditional_expected_average_profit(rep["frequency"], rep["monetary_value"]),
                               ref.conditional_expected_average_profit(rep["frequency"], rep["monetary_value"]),
                               rtol=1e-3)
    with pytest.raises(ModelError) as exc:
        GammaGammaModel().fit(cdnow["frequency"][:20], cdnow["monetary_value"][:20])
    assert exc.value.code == "few_spend_buyers"


def test_customer_value_model_from_params_scores_like_the_fit(cdnow):
    df = cdnow.copy()
    df.attrs["time_unit"] = "weeks"
    fitted = CustomerValueModel("mbgnbd").fit(df)
    lean = CustomerValueModel.from_params("mbgnbd", fitted.purchase_.params_, fitted.spend_.params_, time_unit="weeks")
    pd.testing.assert_frame_equal(lean.predict(summary=df), fitted.predict(summary=df))
    blob = pickle.dumps(lean)
    assert len(blob) < 10_000  # parameters only: no training data shipped to Spark executors
    with pytest.raises(ValueError, match="summary="):
        lean.predict()
    with pytest.raises(ModelError):
        CustomerValueModel().predict()
