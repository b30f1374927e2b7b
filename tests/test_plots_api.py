"""Plots like seaborn's (issue 16, point 2): every chart of one panel takes ``ax=`` and draws into it, takes
``labels=`` and ``lang=``, returns its Axes; the charts of several panels return a PlotGrid (as seaborn's FacetGrid); a notebook cell
ending in a chart shows it once; all are ``jl.plot.<name>``; the colours come from journeylab.palette."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import inspect
from pathlib import Path
from types import SimpleNamespace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex

import journeylab as jl
from journeylab.report.page import figure_texts, root_figure

from _journey_data import simulated

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _close():
    plt.close("all")
    yield
    plt.close("all")


def _summary_for_models() -> pd.DataFrame:
    """A small BG/NBD-like customer summary (weeks)."""
    rng = np.random.default_rng(3)
    n = 300
    T = rng.uniform(10, 40, n).round()
    frequency = rng.poisson(2, n).astype(float)
    recency = np.where(frequency > 0, (rng.uniform(0.2, 1, n) * T).round(), 0.0)
    return pd.DataFrame({"frequency": frequency, "recency": recency, "T": T,
                         "monetary_value": np.where(frequency > 0, rng.gamma(4, 10, n), 0.0)},
                        index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"))


def _key_comparison() -> pd.DataFrame:
    """A low vs high comparison as compare_involvement writes it (two key metrics, one share, one amount)."""
    rows = [("upsell", "repeat_rate", "", "share", 0.8, 0.2), ("purchase", "order_value", "", "EUR", 24.0, 600.0),
            ("consideration", "consideration_days", "", "days", 0.1, 14.0)]
    out = pd.DataFrame(rows, columns=["phase", "metric", "param", "unit", "low", "high"])
    out["difference"] = out["high"] - out["low"]
    out["diff_lower"], out["diff_upper"] = out["difference"] - 0.02, out["difference"] + 0.02
    out["ratio"] = out["high"] / out["low"]
    out["ratio_lower"], out["ratio_upper"] = out["ratio"] * 0.9, out["ratio"] * 1.1
    for side in ("low", "high"):
        out[f"{side}_lower"], out[f"{side}_upper"] = out[side] * 0.9, out[side] * 1.1
    out["p_value"] = 0.01
    return out


@pytest.fixture(scope="module")
def charts() -> dict:
    """name in jl.plot -> (a call taking the keyword arguments ax/labels/lang, a label override and where its
    text must appear)."""
    from journeylab.models.clv import CustomerValueModel
    from journeylab.models.rfm import rfm_segments, segment_table

    shop, _ = simulated(600, seed=5)
    phases = jl.journey_phases(shop, status=False)
    flows = jl.phase_flows(shop, ["2024-06-01", "2024-12-31"])
    cohorts = jl.cohort_retention(shop)
    credit = jl.attribution(shop)
    cons = jl.consideration(shop)
    by_level = jl.funnel(shop, breakdown="involvement", next_event=False)
    summary = jl.customer_summary(shop, freq="D")
    segments = segment_table(rfm_segments(summary))
    model = CustomerValueModel("bgnbd", time_unit="weeks").fit(_summary_for_models())
    predictions = pd.DataFrame({"clv": np.random.default_rng(1).gamma(2, 50, 200)})
    freqs = pd.Index([0, 1, 2, 3], name="frequency_cal")
    calibration = SimpleNamespace(
        by_frequency=pd.DataFrame({"customers": [50, 30, 15, 5], "actual": [0.2, 0.8, 1.5, 2.1],
                                   "bgnbd": [0.25, 0.7, 1.4, 2.3]}, index=freqs),
        predictions=pd.DataFrame({"actual": [1.0, 2.0], "bgnbd": [1.2, 1.9]}))
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    daily = pd.Series(np.random.default_rng(2).poisson(3, 60), index=days)
    predicted = pd.Series(np.arange(60) * 3.0, index=days)
    status = pd.DataFrame({"low": [40, 10, 5, 3], "high": [20, 12, 8, 1]},
                          index=["active", "at_risk", "lost", "too_early"])
    quality_shop = jl.load_shop({"name": "q", "tables": {"orders": pd.DataFrame(
        {"order_id": ["1", "1", "2", "3"], "customer_id": ["a", "a", None, "b"],
         "ordered_at": pd.to_datetime(["2024-01-01"] * 3 + ["2024-02-01"]), "revenue": [10.0, 10.0, 5.0, 7.0]})}})
    p = jl.plot
    return {
        "funnel": (lambda **kw: p.funnel(by_level, **kw), {"step": "STEP!"}),
        "phases": (lambda **kw: p.phases(phases, **kw), {"persons": "PERSONS!"}),
        "phase_flows": (lambda **kw: p.phase_flows(flows, **kw), {"flow_title": "FLOWS!"}),
        "cohorts": (lambda **kw: p.cohorts(cohorts, **kw), {"cohort_x": "MONTHS!"}),
        "attribution": (lambda **kw: p.attribution(credit, **kw), {"channel": "CHANNEL!"}),
        "consideration": (lambda **kw: p.consideration(cons, **kw), {"days": "DAYS!"}),
        "segments": (lambda **kw: p.segments(segments, **kw), {"revenue_share": "REVENUE!"}),
        "status": (lambda **kw: p.status(status, **kw), {"involvement": "LEVEL!"}),
        "calibration": (lambda **kw: p.calibration(calibration, **kw), {"actual": "ACTUAL!"}),
        "tracking": (lambda **kw: p.tracking(daily, predicted, calibration_end="2024-01-31", **kw), {"model": "MODEL!"}),
        "clv": (lambda **kw: p.clv(predictions, **kw), {"customers": "CUSTOMERS!"}),
        "p_alive": (lambda **kw: p.p_alive(model, max_frequency=6, **kw), {"frequency": "FREQUENCY!"}),
        "frequency_recency": (lambda **kw: p.frequency_recency(model, "expected_purchases", max_frequency=6, **kw),
                              {"frequency": "FREQUENCY!"}),
        "data_quality": (lambda **kw: p.data_quality(quality_shop, **kw), {"action": "WHAT!"}),
        "repeat_purchases": (lambda **kw: p.repeat_purchases(summary, **kw), {"number_of_customers": "PEOPLE!"}),
        "low_vs_high": (lambda **kw: p.low_vs_high(_key_comparison(), **kw), {"key_metrics_title": "KEY!"}),
        "comparison": (lambda **kw: p.comparison(_key_comparison(), **kw), {"compare_title": "COMPARED!"}),
    }


def test_every_chart_is_in_jl_plot_and_the_list_is_complete(charts):
    assert set(jl.plot.AXES_PLOTS) | set(jl.plot.FIGURE_PLOTS) == set(charts)
    for name in [*jl.plot.AXES_PLOTS, *jl.plot.FIGURE_PLOTS]:
        fn = getattr(jl.plot, name)
        params = inspect.signature(fn).parameters
        assert {"lang", "labels"} <= set(params), name
        assert ("ax" in params) == (name in jl.plot.AXES_PLOTS), name
        assert f"jl.plot.{'p_alive' if name == 'frequency_recency' else name}" in fn.__doc__, name
    for name in ("funnel", "phases", "phase_flows", "cohorts", "attribution", "consideration", "low_vs_high",
                 "segments", "status", "p_alive", "calibration", "tracking", "clv", "data_quality",
                 "repeat_purchases"):
        assert callable(getattr(jl.plot, name)), name


@pytest.mark.parametrize("name", jl.plot.AXES_PLOTS)
def test_a_single_panel_chart_draws_into_the_given_axes_and_returns_it(charts, name):
    call, _ = charts[name]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
    before = plt.get_fignums()
    out = call(ax=right)
    assert out is right
    assert plt.get_fignums() == before  # no figure of its own
    assert right.has_data() and not left.has_data()
    assert getattr(fig, "alt_text", None) or name in ("tracking", "frequency_recency")


@pytest.mark.parametrize("name", [*jl.plot.AXES_PLOTS, *jl.plot.FIGURE_PLOTS])
def test_without_ax_a_chart_makes_its_figure_and_labels_override_its_words(charts, name):
    """Without ``ax`` a chart of one panel makes one figure and returns its Axes; a chart of several panels
    returns a PlotGrid. ``labels`` replaces a word of the chart (an axis or legend title)."""
    call, labels = charts[name]
    out = call(lang="nl", labels=labels)
    if name in jl.plot.AXES_PLOTS:
        assert isinstance(out, Axes) and out.has_data()
    else:
        assert isinstance(out, jl.plot.PlotGrid) and len(out.axes) >= 2 and out.axes[0].figure is out.figure
    assert plt.get_fignums() == [root_figure(out).number]
    (word,) = labels.values()
    assert word in figure_texts(root_figure(out))


def test_charts_in_a_grid_keep_every_alt_text():
    summary = pd.DataFrame({"frequency": [0, 0, 1, 3]})
    fig, axes = plt.subplots(1, 2)
    jl.plot.repeat_purchases(summary, ax=axes[0])
    jl.plot.repeat_purchases(summary, ax=axes[1], lang="nl")
    assert "customers" in fig.alt_text and "klanten" in fig.alt_text


def _legend_colours(ax: Axes) -> dict[str, str]:
    legend = ax.get_legend()
    return {text.get_text(): to_hex(handle.get_facecolor(), keep_alpha=False)
            for handle, text in zip(legend.legend_handles, legend.get_texts())}


def test_levels_and_phases_have_the_palette_s_colours(charts):
    from journeylab import palette
    from journeylab.i18n import level_label

    assert jl.plot.palette is palette and jl.palette is palette
    assert jl.plot.LEVEL_COLOURS is palette.LEVEL_COLOURS and jl.plot.PHASE_COLOURS is palette.PHASE_COLOURS
    from journeylab.report import plots

    assert plots.LEVEL_COLOURS is palette.LEVEL_COLOURS  # one home: the report's plots use the palette's
    fig, axes = plt.subplots(1, 3)
    for name, ax in zip(("funnel", "phases", "status"), axes):
        charts[name][0](ax=ax, lang="en")
        colours = _legend_colours(ax)
        for level in ("low", "high"):
            assert colours[level_label(level, "en")] == palette.LEVEL_COLOURS[level].lower(), (name, colours)
    flows = jl.phase_flows(simulated(600, seed=5)[0], ["2024-06-01", "2024-12-31"])
    ax = jl.plot.phase_flows(flows)
    blocks = [p for p in ax.patches if isinstance(p, plt.Rectangle)][:len(flows["counts"])]
    for phase, block in zip(flows["counts"].index, blocks):
        assert to_hex(block.get_facecolor(), keep_alpha=False) == palette.phase_colour(phase).lower()


def test_page_takes_an_axes_a_figure_or_a_grid(monkeypatch):
    import IPython.display
    import seaborn as sns

    from journeylab.report.page import Page

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    ax = jl.plot.repeat_purchases(pd.DataFrame({"frequency": [0, 1, 1, 4]}))
    Page("en").figure(ax)
    assert not plt.get_fignums()  # shown and closed
    grid = sns.FacetGrid(pd.DataFrame({"x": [1, 2], "g": ["a", "b"]}), col="g")
    Page("en").figure(grid)
    assert not plt.get_fignums() and len(shown) == 2
    assert "customers" in shown[0][1]["metadata"]["image/png"]["alt"]
    with pytest.raises(TypeError, match="not a chart"):
        Page("en").figure("a chart")


NOTEBOOK_SETUP = """\
import matplotlib.pyplot as plt
import pandas as pd
import journeylab as jl
summary = pd.DataFrame({"frequency": [0, 0, 1, 3]})
rows = [("upsell", "repeat_rate", "share", 0.8, 0.2), ("purchase", "order_value", "EUR", 24.0, 600.0)]
comparison = pd.DataFrame(rows, columns=["phase", "metric", "unit", "low", "high"]).assign(param="")
comparison["difference"] = comparison["high"] - comparison["low"]
comparison["diff_lower"], comparison["diff_upper"] = comparison["difference"] - 0.02, comparison["difference"] + 0.02
comparison["ratio"] = comparison["high"] / comparison["low"]
comparison["ratio_lower"], comparison["ratio_upper"] = comparison["ratio"] * 0.9, comparison["ratio"] * 1.1
"""

NOTEBOOK_CELLS = {  # cell -> images it shows
    "jl.plot.repeat_purchases(summary)": 1,  # an Axes as the cell's value
    "ax = jl.plot.repeat_purchases(summary)": 1,
    "jl.plot.low_vs_high(comparison)": 1,  # a grid as the cell's value (text, as seaborn's): pyplot's image only
    "grid = jl.plot.low_vs_high(comparison)": 1,
    "grid": 0,  # the grid again in a later cell: its text, as a seaborn FacetGrid's
    "grid.figure": 1,  # ... and its figure, the image again
    "fig, axes = plt.subplots(1, 2)\njl.plot.repeat_purchases(summary, ax=axes[0])\n"
    "jl.plot.repeat_purchases(summary, ax=axes[1])": 1,  # two charts in one grid: one image
}


def test_a_cell_ending_in_a_chart_shows_it_once():
    """Executes a small notebook (the inline backend, as in JupyterLab and the report's kernels) and counts the
    images of each cell."""
    import nbclient
    import nbformat

    from journeylab.report.kernel import ReportKernelManager

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(NOTEBOOK_SETUP)] + [nbformat.v4.new_code_cell(c) for c in NOTEBOOK_CELLS]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = nbclient.NotebookClient(nb, kernel_name="python3", kernel_manager_class=ReportKernelManager, timeout=120,
                                     resources={"metadata": {"path": str(ROOT)}})  # imports this journeylab
    client.execute()
    assert not nb.cells[0].outputs, nb.cells[0].outputs
    images = {src: sum("image/png" in out.get("data", {}) for out in cell.outputs)
              for src, cell in zip(NOTEBOOK_CELLS, nb.cells[1:])}
    assert images == NOTEBOOK_CELLS, images
