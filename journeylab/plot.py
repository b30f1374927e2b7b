"""``jl.plot``: the report's charts for an analyst's notebook, named and shaped like seaborn's functions.

Every chart of one panel takes ``ax=`` (draw into that Axes, e.g. a panel of ``plt.subplots``; none: a new
figure of the chart's size), ``lang=`` ("en" or "nl") and ``labels=`` (a dict overriding label keys of
``journeylab.i18n.LABELS``: axis titles, legend titles) and returns the matplotlib Axes it drew into, like
``sns.barplot``. The charts of several panels, :func:`low_vs_high` and :func:`comparison`, return their
Figure, like seaborn's figure-level functions return a grid. A cell that ends in a chart shows it once.
What a chart shows in words is in its figure's ``alt_text``.

>>> import journeylab as jl
>>> import matplotlib.pyplot as plt
>>> fig, (left, right) = plt.subplots(1, 2, figsize=(14, 4))
>>> jl.plot.phases(phases, ax=left)                                   # doctest: +SKIP
>>> jl.plot.funnel(jl.funnel(shop, breakdown="involvement"), ax=right)  # doctest: +SKIP

``jl.plot.palette`` (journeylab.palette) holds the fixed colours: ``LEVEL_COLOURS`` (low blue, high
orange) and ``PHASE_COLOURS`` (one per journey phase), also named here, for an analyst's own seaborn charts
(``palette=jl.plot.LEVEL_COLOURS``).

``import journeylab`` does not load matplotlib or seaborn: ``jl.plot`` is imported on first use.
"""
from __future__ import annotations

from journeylab import palette
from journeylab.palette import LEVEL_COLOURS, PHASE_COLOURS, level_colour, phase_colour
from journeylab.report.plots import PlotGrid
from journeylab.report.plots import calibration_holdout_plot as calibration
from journeylab.report.plots import clv_distribution_plot as clv
from journeylab.report.plots import cumulative_tracking_plot as tracking
from journeylab.report.plots import frequency_recency_heatmap as frequency_recency
from journeylab.report.plots import segment_plot as segments
from journeylab.report.plots import status_plot as status
from journeylab.report.plots_journey import attribution_plot as attribution
from journeylab.report.plots_journey import cohort_plot as cohorts
from journeylab.report.plots_journey import comparison_plot as comparison
from journeylab.report.plots_journey import consideration_plot as consideration
from journeylab.report.plots_journey import funnel_plot as funnel
from journeylab.report.plots_journey import key_metrics_plot as low_vs_high
from journeylab.report.plots_journey import phase_flow_plot as phase_flows
from journeylab.report.plots_journey import phase_plot as phases
from journeylab.report.quality import plot_frequency as repeat_purchases
from journeylab.report.quality import plot_quality as data_quality

#: P(alive) by frequency and recency: :func:`frequency_recency` with its default ``kind="p_alive"``.
p_alive = frequency_recency

#: The single-panel charts (``ax=``, return the Axes) and the multi-panel ones (return a PlotGrid), by name.
AXES_PLOTS = ("attribution", "calibration", "clv", "cohorts", "consideration", "data_quality", "frequency_recency",
              "funnel", "p_alive", "phase_flows", "phases", "repeat_purchases", "segments", "status", "tracking")
FIGURE_PLOTS = ("comparison", "low_vs_high")

__all__ = ["attribution", "calibration", "clv", "cohorts", "consideration", "data_quality", "frequency_recency",
           "funnel", "p_alive", "phase_flows", "phases", "repeat_purchases", "segments", "status", "tracking",
           "comparison", "low_vs_high",
           "LEVEL_COLOURS", "PHASE_COLOURS", "PlotGrid", "level_colour", "palette", "phase_colour"]
