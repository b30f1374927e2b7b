"""Churn risk classes and their holdout evaluation (AUC, Brier, calibration, recency baseline)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from journeylab.models.churn import (ChurnThresholds, brier, calibration_table, churn_classes, churn_risk,
                              evaluate_churn, roc_auc)
from journeylab.models.clv import CustomerValueModel

from _models_data import cdnow_holdout_weeks


@pytest.fixture(scope="module")
def holdout() -> pd.DataFrame:
    return cdnow_holdout_weeks()


def test_roc_auc_equals_pairwise_definition_with_ties():
    rng = np.random.default_rng(0)
    y = rng.uniform(size=300) < 0.4
    s = np.round(rng.normal(size=300) + y, 1)  # rounding creates ties
    pos, neg = s[y][:, None], s[~y][None, :]
    pairwise = ((pos > neg).sum() + 0.5 * (pos == neg).sum()) / (pos.size * neg.size)
    assert roc_auc(y, s) == pytest.approx(pairwise)
    assert roc_auc(y, -s) == pytest.approx(1 - pairwise)
    with pytest.raises(ValueError, match="both outcomes"):
        roc_auc(np.zeros(5), np.arange(5))


def test_brier_and_calibration_table():
    y = np.array([1, 0, 1, 1])
    assert brier(y, [1, 0, 1, 1]) == 0.0
    assert brier(y, [0.5] * 4) == 0.25
    tab = calibration_table(np.array([0, 1, 1, 1]), np.array([0.05, 0.15, 0.95, 0.99]), n_bins=10)
    assert tab["customers"].sum() == 4
    assert tab.loc["0.9-1.0", "observed"] == 1.0 and tab.loc["0.0-0.1", "observed"] == 0.0


def test_churn_classes_follow_thresholds():
    risk = np.array([0.0, 0.29, 0.3, 0.69, 0.7, 1.0])
    got = churn_classes(risk, ChurnThresholds(0.3, 0.7))
    assert list(got) == ["active", "active", "at_risk", "at_risk", "lost", "lost"]
    assert list(churn_classes(risk, ChurnThresholds(0.5, 0.9))) == ["active"] * 3 + ["at_risk"] * 2 + ["lost"]
    with pytest.raises(ValueError):
        ChurnThresholds(0.8, 0.2)


def test_churn_risk_is_one_minus_p_alive(holdout):
    cal = holdout[["frequency_cal", "recency_cal", "T_cal"]].set_axis(["frequency", "recency", "T"], axis=1)
    m = CustomerValueModel("mbgnbd", spend=None, time_unit="weeks").fit(cal)
    cr = churn_risk(m, thresholds=ChurnThresholds(0.4, 0.8))
    pa = m.purchase_model_.conditional_probability_alive(cal["frequency"], cal["recency"], cal["T"])
    np.testing.assert_allclose(cr["churn_risk"], 1 - pa, rtol=1e-6)
    assert (cr["churn_class"] == "lost").sum() == (cr["churn_risk"] >= 0.8).sum()
    assert set(cr["churn_class"].unique()) == {"active", "at_risk", "lost"}


@pytest.mark.parametrize("purchase", ["mbgnbd", "paretonbd"])
def test_holdout_evaluation_beats_chance_and_a_constant(holdout, purchase):
    ev = evaluate_churn(holdout, purchase=purchase)
    y = (holdout["frequency_holdout"] == 0).to_numpy()
    assert ev.base_rate == pytest.approx(y.mean())
    m = ev.metrics
    assert m.loc["p_no_purchase", "auc"] > 0.7
    assert m.loc["churn_risk", "auc"] > 0.6
    # a probability forecast must beat always predicting the base rate
    assert m.loc["p_no_purchase", "brier"] < ev.base_rate * (1 - ev.base_rate)
    baseline = roc_auc(y, (holdout["T_cal"] - holdout["recency_cal"]).to_numpy())
    assert m.loc["recency", "auc"] == pytest.approx(baseline)
    cal = ev.calibration
    assert cal["customers"].sum() == len(holdout)
    big = cal[cal["customers"] >= 30]
    assert big["predicted"].corr(big["observed"], method="spearman") > 0.8
    # the models under-predict CDNOW's holdout purchases by 12-16% in total, hence the loose bound
    overall_pred = np.average(cal["predicted"], weights=cal["customers"])
    assert overall_pred == pytest.approx(ev.base_rate, abs=0.08)


def test_bgnbd_churn_evaluation_warns_about_one_time_buyers(holdout):
    ev = evaluate_churn(holdout, purchase="bgnbd")
    assert "one-time buyer" in ev.note
    one_time = holdout["frequency_cal"] == 0
    assert (ev.scores.loc[one_time, "churn_risk"] == 0).all()


def test_statuses_are_ids_with_words_in_both_languages():
    """Statuses are snake_case ids (churn.STATUSES, in i18n.STATUSES's and summary.json's schema's order) with
    English and Dutch words; the English words themselves are never a status of a customer or visitor."""
    import json
    import re
    from pathlib import Path

    from journeylab import i18n
    from journeylab.journey.phases import journey_phases
    from journeylab.models.churn import STATUSES

    from _journey_data import simulated

    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", s) for s in STATUSES)
    assert list(i18n.STATUSES) == list(STATUSES)
    assert [i18n.status_label(s, "en") for s in STATUSES] == ["active", "at risk", "lost", "too early to tell"]
    assert [i18n.status_label(s, "nl") for s in STATUSES] == ["actief", "risico", "verloren", "te vroeg om te zeggen"]
    schema = json.loads((Path(__file__).resolve().parent.parent / "journeylab" / "report" / "summary.schema.json")
                        .read_text(encoding="utf-8"))
    assert schema["properties"]["churn_status"]["propertyNames"]["enum"] == list(STATUSES)
    shop, _ = simulated(600, seed=3)
    got = set(journey_phases(shop)["status"].astype(str))
    assert got == set(STATUSES)  # customers from the value model, visitors by recency: every status occurs
    assert not got & {"at risk", "too early to tell"}
