"""Model figures: they show the model's numbers and speak the requested language."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value

from journeylab.report import plots
from journeylab.models.clv import CustomerValueModel, compare_models, expected_cumulative_purchases
from journeylab.models.rfm import rfm_segments, segment_table

from _models_data import cdnow_holdout_weeks, cdnow_sample_transactions


@pytest.fixture(scope="module")
def model() -> CustomerValueModel:
    df = load_cdnow_summary_data_with_monetary_value()
    return CustomerValueModel("bgnbd", time_unit="weeks").fit(df)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_p_alive_matrix_matches_lifetimes(model):
    mat = plots.frequency_recency_matrix(model, "p_alive", max_frequency=10, max_recency=39)
    ref = model.purchase_model_.conditional_probability_alive_matrix(max_frequency=10, max_recency=39)
    valid = ~np.isnan(mat.to_numpy())
    np.testing.assert_allclose(mat.to_numpy()[valid], ref[valid], rtol=1e-6)
    assert np.isnan(mat.loc[0, 3]) and mat.loc[0, 0] == 1.0


@pytest.mark.parametrize("kind", ["p_alive", "expected_purchases"])
def test_heatmap_labels_follow_language(model, kind):
    ax = plots.frequency_recency_heatmap(model, kind, horizon=3, max_frequency=8, lang="nl")
    assert "herhaalaankopen" in ax.get_xlabel() and "weken" in ax.get_ylabel()
    assert ("Kans" in ax.get_title()) if kind == "p_alive" else ("3 maanden" in ax.get_title())
    ax2 = plots.frequency_recency_heatmap(model, kind, max_frequency=8, labels={"frequency": "F!"})
    assert ax2.get_xlabel() == "F!"


def test_calibration_holdout_plot_shows_the_table():
    cmp = compare_models(cdnow_holdout_weeks(), models=("bgnbd", "paretonbd"))
    ax = plots.calibration_holdout_plot(cmp, lang="en")
    fig = ax.figure
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["actual", "BG/NBD", "Pareto/NBD"]
    actual_line = ax.get_lines()[0]
    np.testing.assert_allclose(actual_line.get_ydata(), cmp.by_frequency["actual"].to_numpy())
    # the alt text carries the holdout's purchases, made and predicted per model (so two groups' charts differ)
    made, bg = cmp.predictions["actual"].sum(), cmp.predictions["bgnbd"].sum()
    assert f"made {made:,.0f} purchases" in fig.alt_text and f"BG/NBD {bg:,.0f}" in fig.alt_text
    nl = plots.calibration_holdout_plot(cmp, lang="nl").figure.alt_text
    assert f"{made:,.0f} aankopen".replace(",", ".") in nl and "Pareto/NBD" in nl


def test_cumulative_tracking_plot(model):
    tx = cdnow_sample_transactions()
    first = tx.groupby("customer_id")["ordered_at"].min()
    days = tx.drop_duplicates(["customer_id", "ordered_at"])
    repeat_daily = days[days["ordered_at"] > days["customer_id"].map(first)].groupby("ordered_at").size()
    pred = expected_cumulative_purchases(model, first, end="1998-06-30")
    # the model tracks the 78 weeks within 10% (it was fitted on the first 39)
    assert pred.iloc[-1] == pytest.approx(repeat_daily.sum(), rel=0.1)
    assert pred.is_monotonic_increasing and pred.iloc[0] == 0
    ax = plots.cumulative_tracking_plot(repeat_daily, pred, calibration_end="1997-09-30", lang="nl")
    assert ax.get_ylabel() == "cumulatieve herhaalaankopen"
    assert ax.get_lines()[0].get_ydata()[-1] == repeat_daily.sum()


def test_clv_distribution_and_segment_plots(model):
    pred = model.predict(12, unit="months")
    ax = plots.clv_distribution_plot(pred, currency="USD")
    assert ax.get_xlabel() == "CLV (USD)" and "12 months" in ax.get_title()
    assert sum(p.get_height() for p in ax.patches) == len(pred)
    # predictions that lost their attrs (filtered or concatenated): no "over  months" with an empty horizon
    bare = pred.copy()
    bare.attrs = {}
    assert plots.clv_distribution_plot(bare, currency="USD", lang="nl").get_title() == "CLV (USD)"
    titled = plots.clv_distribution_plot(bare, currency="USD", lang="nl", horizon=12, unit="months")
    assert titled.get_title() == "Klantwaarde (CLV) over 12 maanden"
    tab = segment_table(rfm_segments(load_cdnow_summary_data_with_monetary_value()))
    ax = plots.segment_plot(tab, lang="nl")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["aandeel klanten", "aandeel omzet"]
    widths = sorted(round(p.get_width(), 6) for p in ax.patches if p.get_width() > 0)
    expected = sorted(round(v, 6) for v in pd.concat([tab["share"], tab["revenue_share"]]) if v > 0)
    assert widths == expected
    with pytest.raises(ValueError, match="lang"):
        plots.segment_plot(tab, lang="fr")
