"""Model figures (seaborn), shaped like seaborn's axes-level functions (issue 16 point 2).

Every single-chart function takes ``ax`` (a matplotlib Axes to draw into, e.g. one panel of
``plt.subplots(1, 2)``; None: a new figure of the chart's own size), ``lang`` ("en" or "nl") and ``labels``
(a dict overriding any label key shown in ``journeylab.i18n.LABELS``), and returns the Axes it drew into.
A chart of several panels (``journeylab.report.plots_journey.key_metrics_plot``, ``comparison_plot``)
returns a :class:`PlotGrid` (``figure``, ``axes``, ``savefig``: as seaborn's FacetGrid). Either way a notebook
cell ending in the call shows the chart once. What a
chart shows in words is left on its figure as ``alt_text`` (``Page.figure`` writes it as the image's alt
text). The label lookup (``i18n.labeller``) checks the language before anything is drawn.

Analysts reach these functions as ``jl.plot.<name>`` (journeylab.plot); the fixed colours of the levels and
phases are journeylab.palette's.
"""
from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from journeylab.models.clv import MODEL_LABELS, CustomerValueModel
from journeylab.i18n import LABELS, format_money, format_number, format_percent, labeller, t
# the colours live in journeylab.palette (one home for the report and analysts); named here too for code that
# imported them from this module
from journeylab.palette import LEVEL_COLOURS, OTHER_COLOUR, PHASE_COLOURS, level_colour, phase_colour  # noqa: F401
from journeylab.report.page import root_figure
from journeylab.report.safe import plot_labels, plot_text


class PlotGrid:
    """The panels of a chart with several of them, as seaborn's FacetGrid holds its own: ``figure`` (the
    matplotlib Figure), ``axes`` (its Axes, an array) and ``savefig``. Its repr is text, as a FacetGrid's, so a
    notebook cell ending in the call shows the chart once (pyplot shows the figure at the end of the cell); show
    it again later with ``grid.figure``."""

    def __init__(self, figure: Figure) -> None:
        self.figure = figure

    @property
    def axes(self) -> np.ndarray:
        return np.asarray(self.figure.axes, dtype=object)

    def savefig(self, *args: Any, **kwargs: Any) -> None:
        """``figure.savefig`` with ``bbox_inches="tight"`` unless given (as seaborn's grids do)."""
        self.figure.savefig(*args, **{"bbox_inches": "tight", **kwargs})

    def __repr__(self) -> str:
        return f"<journeylab PlotGrid: {len(self.figure.axes)} panels>"


def axes_to_draw(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Axes, bool]:
    """``ax``, else the Axes of a new figure of ``figsize`` (``plt.subplots``); and whether the figure is new
    (only then may a chart lay out the whole figure: ``tight_layout``)."""
    if ax is not None:
        return ax, False
    return plt.subplots(figsize=figsize)[1], True


def set_alt_text(ax: Axes, text: str) -> None:
    """Leave ``text`` (what the chart in ``ax`` shows, in words) on ``ax``'s figure as ``alt_text``, which
    ``Page.figure`` writes as the image's alt text. Charts drawn into several axes of one figure leave their
    sentences in the order they were drawn."""
    fig = root_figure(ax)
    parts = dict(getattr(fig, "_journeylab_alt_parts", {}))
    parts[ax] = str(text)
    fig._journeylab_alt_parts = parts
    fig.alt_text = " ".join(parts.values())


def level_palette(lang: str, levels: Any = LEVEL_COLOURS) -> dict[str, str]:
    """Seaborn ``palette`` for a hue of involvement levels shown as words of ``lang`` (``level_label``,
    through ``plot_labels``): word -> the level's colour, in the order of LEVEL_COLOURS (low, high, ...), so
    ``hue_order=list(palette)`` puts the levels in that order too."""
    from journeylab.i18n import level_label

    levels = set(levels)
    return {plot_text(level_label(lv, lang)): level_colour(lv) for lv in LEVEL_COLOURS if lv in levels}


def percent_axis(axis: Any, lang: str = "en", decimals: int = 0) -> None:
    """Write the shares (0.25) on a chart's axis or colour bar as percentages in ``lang``'s locale ("25%",
    "25 %" where the locale says so; i18n.format_percent). ``axis``: an Axis (``ax.xaxis``) or a Colorbar."""
    from matplotlib.ticker import FuncFormatter

    fmt = FuncFormatter(lambda v, _: format_percent(v, lang, decimals))
    if hasattr(axis, "set_major_formatter"):
        axis.set_major_formatter(fmt)
    else:  # a colour bar
        axis.formatter = fmt
        axis.update_ticks()


def wrap_ticks(ax: Any, axis: str = "x", width: int = 12) -> None:
    """Wrap long tick labels of ``ax``'s ``axis`` ("x" or "y") onto lines of at most ``width`` characters (at
    spaces, words kept whole), so neighbouring labels such as "upsell / herhaalaankoop" and "ambassadeur" do not
    run into each other. Call after the data are drawn (the ticks exist)."""
    import textwrap

    get = ax.get_xticklabels if axis == "x" else ax.get_yticklabels
    ticks = ax.get_xticks() if axis == "x" else ax.get_yticks()
    words = [textwrap.fill(label.get_text(), width, break_long_words=False) for label in get()]
    (ax.set_xticks if axis == "x" else ax.set_yticks)(ticks, words)


def frequency_recency_matrix(model: CustomerValueModel, kind: str = "p_alive", horizon: float = 1,
                             unit: str = "months", max_frequency: int | None = None,
                             max_recency: int | None = None) -> pd.DataFrame:
    """Grid of P(alive) or expected purchases for customers of age T = max_recency (model units):
    rows recency 0..max_recency, columns frequency 0..max_frequency (recency 0 only with frequency 0)."""
    data = model.purchase_model_.data
    max_frequency = int(max_frequency or data["frequency"].max())
    max_recency = int(max_recency or np.ceil(data["T"].max()))
    f, r = np.meshgrid(np.arange(max_frequency + 1, dtype=float), np.arange(max_recency + 1, dtype=float))
    grid = pd.DataFrame({"frequency": f.ravel(), "recency": r.ravel(), "T": float(max_recency)})
    valid = (grid["frequency"] == 0) == (grid["recency"] == 0)
    pred = model.predict(horizon, unit=unit, summary=grid[valid])
    col = {"p_alive": "p_alive", "expected_purchases": "expected_purchases"}[kind]
    values = pd.Series(np.nan, index=grid.index)
    values[valid] = pred[col].to_numpy()
    return pd.DataFrame(values.to_numpy().reshape(f.shape), index=pd.Index(np.arange(max_recency + 1), name="recency"),
                        columns=pd.Index(np.arange(max_frequency + 1), name="frequency"))


def frequency_recency_heatmap(model: CustomerValueModel, kind: str = "p_alive", horizon: float = 1,
                              unit: str = "months", max_frequency: int | None = None,
                              max_recency: int | None = None, lang: str = "en",
                              labels: dict | None = None, ax: Axes | None = None) -> Axes:
    """Heatmap of ``kind`` ("p_alive" or "expected_purchases") by frequency and recency; ``jl.plot.p_alive``.
    Draws into ``ax`` (else a new figure) and returns it."""
    lab = labeller(lang, labels)
    mat = frequency_recency_matrix(model, kind, horizon, unit, max_frequency, max_recency)
    ax, own = axes_to_draw(ax, (8, 6))
    sns.heatmap(mat.iloc[::-1], ax=ax, cmap="viridis", vmin=0, vmax=1 if kind == "p_alive" else None,
                cbar_kws={"label": lab("p_alive_title") if kind == "p_alive" else lab("model")})
    ax.set_xlabel(lab("frequency"))
    ax.set_ylabel(lab("recency_axis").format(unit=lab(model.time_unit_)))
    title = (lab("p_alive_title") if kind == "p_alive"
             else lab("expected_purchases_title").format(horizon=horizon, unit=lab(unit)))
    ax.set_title(title)
    if own:
        ax.figure.tight_layout()
    if kind == "p_alive":
        set_alt_text(ax, t("alt_p_alive", lang))
    return ax


def calibration_holdout_plot(comparison: Any, lang: str = "en", labels: dict | None = None,
                             ax: Axes | None = None) -> Axes:
    """Actual and per-model mean holdout purchases by calibration frequency (``compare_models`` result);
    ``jl.plot.calibration``. Draws into ``ax`` (else a new figure) and returns it."""
    lab = labeller(lang, labels)
    tab = comparison.by_frequency
    long = tab.drop(columns="customers").reset_index().melt("frequency_cal", var_name="series", value_name="value")
    long["series"] = long["series"].map(lambda s: lab("actual") if s == "actual" else MODEL_LABELS.get(s, s))
    ax, own = axes_to_draw(ax, (8, 5))
    sns.lineplot(data=long, x="frequency_cal", y="value", hue="series", style="series", markers=True,
                 dashes=False, ax=ax, sort=False)
    ax.set_xlabel(lab("calibration_x"))
    ax.set_ylabel(lab("calibration_y"))
    ax.set_title(lab("calibration_title"))
    ax.legend(title=None)
    if own:
        ax.figure.tight_layout()
    pred = comparison.predictions
    models = [f"{MODEL_LABELS.get(m, m)} {format_number(pred[m].sum(), lang, 0)}"
              for m in tab.columns if m not in ("customers", "actual")]
    set_alt_text(ax, t("alt_calibration", lang).format(actual=format_number(pred["actual"].sum(), lang, 0),
                                                        models=plot_text(", ".join(models))))
    return ax


def cumulative_tracking_plot(actual_daily: pd.Series, predicted_cumulative: pd.Series,
                             calibration_end: Any = None, lang: str = "en", labels: dict | None = None,
                             ax: Axes | None = None) -> Axes:
    """Actual cumulative repeat purchases (from a daily count series) vs the model's expected
    cumulative series (``clv.expected_cumulative_purchases``), with the calibration end marked;
    ``jl.plot.tracking``. Draws into ``ax`` (else a new figure) and returns it."""
    lab = labeller(lang, labels)
    actual = actual_daily.reindex(predicted_cumulative.index, fill_value=0).cumsum()
    ax, own = axes_to_draw(ax, (9, 5))
    sns.lineplot(x=actual.index, y=actual.to_numpy(), ax=ax, label=lab("actual"))
    sns.lineplot(x=predicted_cumulative.index, y=predicted_cumulative.to_numpy(), ax=ax, label=lab("model"),
                 linestyle="--")
    if calibration_end is not None:
        ax.axvline(pd.Timestamp(calibration_end), color="grey", linestyle=":", label=lab("calibration_end"))
    ax.set_xlabel(lab("date"))
    ax.set_ylabel(lab("tracking_y"))
    ax.set_title(lab("tracking_title"))
    ax.legend()
    if own:
        ax.figure.autofmt_xdate()
        ax.figure.tight_layout()
    else:  # the dates slanted in this chart only, not in the other panels of the figure
        plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    return ax


def clv_distribution_plot(predictions: pd.DataFrame, currency: str = "EUR", clip_quantile: float = 0.99,
                          lang: str = "en", labels: dict | None = None, horizon: float | None = None,
                          unit: str | None = None, ax: Axes | None = None) -> Axes:
    """Histogram of ``predictions["clv"]`` (``CustomerValueModel.predict``), the top 1% clipped so
    the bulk stays visible; ``jl.plot.clv``. The title names the horizon: ``horizon`` and ``unit``, else the
    predictions' ``attrs`` (which a filter or concat of predictions may lose); without one the title has no
    horizon (not "over  months"). Draws into ``ax`` (else a new figure) and returns it."""
    lab = labeller(lang, labels)
    clv = predictions["clv"].clip(upper=predictions["clv"].quantile(clip_quantile))
    ax, own = axes_to_draw(ax, (8, 5))
    sns.histplot(clv, bins=50, ax=ax)
    ax.set_xlabel(lab("clv_x").format(currency=plot_text(currency)))
    ax.set_ylabel(lab("customers"))
    h = horizon if horizon is not None else predictions.attrs.get("horizon")
    u = unit or predictions.attrs.get("unit", "months")
    if h is None or h == "":
        ax.set_title(lab("clv_x").format(currency=plot_text(currency)))
    else:
        ax.set_title(lab("clv_title").format(horizon=f"{h:g}" if isinstance(h, float) else h,
                                             unit=lab(u) if u in LABELS else u))
    if own:
        ax.figure.tight_layout()
    set_alt_text(ax, t("alt_clv", lang).format(median=format_money(predictions["clv"].median(), currency, lang),
                                               mean=format_money(predictions["clv"].mean(), currency, lang)))
    return ax


def segment_plot(table: pd.DataFrame, lang: str = "en", labels: dict | None = None,
                 ax: Axes | None = None) -> Axes:
    """Share of customers and share of revenue per RFM segment (``rfm.segment_table``), side by side;
    ``jl.plot.segments``. Draws into ``ax`` (else a new figure) and returns it."""
    lab = labeller(lang, labels)
    long = table[["share", "revenue_share"]].rename(
        columns={"share": lab("share"), "revenue_share": lab("revenue_share")})
    long = long.reset_index().melt("segment", var_name="measure", value_name="share")
    long["segment"] = plot_labels(long["segment"])  # segment names may come from a client's segment map
    ax, own = axes_to_draw(ax, (9, 6))
    sns.barplot(data=long, y="segment", x="share", hue="measure", ax=ax, orient="h")
    ax.set_xlabel("")
    ax.set_ylabel("")
    percent_axis(ax.xaxis, lang)  # shares as "20%", not 0.20
    ax.set_title(lab("segments_title"))
    ax.legend(title=None)
    if own:
        ax.figure.tight_layout()
    if len(table):
        top = table["share"].idxmax()
        set_alt_text(ax, t("alt_segments", lang).format(
            segment=plot_text(top), share=format_percent(table.loc[top, "share"], lang),
            revenue=format_percent(table.loc[top, "revenue_share"], lang)))
    return ax


def status_plot(counts: pd.DataFrame, lang: str = "en", labels: dict | None = None,
                ax: Axes | None = None) -> Axes | None:
    """Customers per status (bars, in the order of ``counts``' rows: active, at risk, lost, too early to tell)
    and value-model group (one bar each, the levels in their fixed colours of LEVEL_COLOURS, low before
    high); ``jl.plot.status``. ``counts``: journeylab.report.sections.status_counts (status ids x group ids).
    Draws into ``ax`` (else a new figure) and returns it; None (nothing drawn) when there are no customers."""
    from journeylab.i18n import level_label, status_label

    lab = labeller(lang, labels)
    if counts.empty or not counts.to_numpy().sum():
        return None
    groups = list(counts.columns)
    level = {g: g if g in LEVEL_COLOURS else "(unknown)" for g in groups}  # value-model group "unknown": no level
    colour = {g: level_colour(level[g]) for g in groups}
    words = {g: plot_text(level_label(level[g], lang)) for g in groups}  # as the legends of the other charts
    long = counts.rename_axis(index="status", columns="group").stack().rename("customers").reset_index()
    long["status"] = long["status"].map(lambda s: plot_text(status_label(s, lang)))
    long["group"] = long["group"].map(words)
    ax, own = axes_to_draw(ax, (7, 4))
    sns.barplot(data=long, x="status", y="customers", hue="group", hue_order=[words[g] for g in groups],
                palette={words[g]: colour[g] for g in groups}, saturation=1, ax=ax)
    ax.set(title=lab("status_chart_title") if len(groups) > 1 else lab("churn_status_counts"), xlabel="",
           ylabel=lab("customers"))
    wrap_ticks(ax, "x", 14)
    legend = ax.get_legend()
    if legend is not None:
        if len(groups) > 1:
            legend.set_title(lab("involvement"))
            sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), frameon=False)  # beside the bars
        else:
            legend.remove()
    if own:
        ax.figure.tight_layout()
    items = [f"{status_label(s, lang)}: " + ", ".join(f"{words[g]} {format_number(n, lang)}"
                                                     for g, n in row.items())
             for s, row in counts.iterrows()]
    set_alt_text(ax, t("alt_status", lang).format(items="; ".join(items)))
    return ax
