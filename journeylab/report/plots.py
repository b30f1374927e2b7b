"""Model figures (seaborn). One function per figure; each returns a matplotlib Figure.

Every function takes ``lang`` ("en" or "nl") and ``labels`` (a dict overriding any label key shown
in ``journeylab.i18n.LABELS``), so reports can translate or rename everything on the figure. The label
lookup (``i18n.labeller``) checks the language before anything is drawn.
"""
from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from journeylab.models.clv import MODEL_LABELS, CustomerValueModel
from journeylab.i18n import LABELS, format_money, format_number, format_percent, labeller, t
from journeylab.report.safe import plot_labels, plot_text

# One fixed colour per involvement level and per journey phase, the same in every chart of the report
# (issue 15, point 3). Colour-blind safe: the Okabe-Ito colours (also in seaborn's "colorblind" palette),
# grey for what is not a level or phase. Phases that share a phase model (journeylab/phase_models.yaml)
# have colours far apart; the levels are the blue/orange pair.
LEVEL_COLOURS = {"low": "#0072B2", "high": "#E69F00", "all": "#555555", "(unknown)": "#BBBBBB"}
PHASE_COLOURS = {
    "awareness": "#56B4E9", "consideration": "#009E73", "purchase": "#D55E00", "upsell": "#CC79A7",
    "ambassador": "#8C6D31", "decision": "#E69F00", "loyalty": "#0072B2", "use": "#F0E442",
    "aftercare": "#0072B2", "not_yet_seen": "#999999",
}
OTHER_COLOUR = "#999999"


def level_colour(level: Any) -> str:
    """The colour of an involvement level id ("low", "high"; "all" and "(unknown)" grey)."""
    return LEVEL_COLOURS.get(level, OTHER_COLOUR)


def phase_colour(phase: Any) -> str:
    """The colour of a journey phase id (a client's own phase: grey)."""
    return PHASE_COLOURS.get(phase, OTHER_COLOUR)


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
                              labels: dict | None = None) -> Figure:
    """Heatmap of ``kind`` ("p_alive" or "expected_purchases") by frequency and recency."""
    lab = labeller(lang, labels)
    mat = frequency_recency_matrix(model, kind, horizon, unit, max_frequency, max_recency)
    fig, ax = plt.subplots(figsize=(8, 6))
    sns.heatmap(mat.iloc[::-1], ax=ax, cmap="viridis", vmin=0, vmax=1 if kind == "p_alive" else None,
                cbar_kws={"label": lab("p_alive_title") if kind == "p_alive" else lab("model")})
    ax.set_xlabel(lab("frequency"))
    ax.set_ylabel(lab("recency_axis").format(unit=lab(model.time_unit_)))
    title = (lab("p_alive_title") if kind == "p_alive"
             else lab("expected_purchases_title").format(horizon=horizon, unit=lab(unit)))
    ax.set_title(title)
    fig.tight_layout()
    if kind == "p_alive":
        fig.alt_text = t("alt_p_alive", lang)
    return fig


def calibration_holdout_plot(comparison: Any, lang: str = "en", labels: dict | None = None) -> Figure:
    """Actual and per-model mean holdout purchases by calibration frequency (``compare_models`` result)."""
    lab = labeller(lang, labels)
    tab = comparison.by_frequency
    long = tab.drop(columns="customers").reset_index().melt("frequency_cal", var_name="series", value_name="value")
    long["series"] = long["series"].map(lambda s: lab("actual") if s == "actual" else MODEL_LABELS.get(s, s))
    fig, ax = plt.subplots(figsize=(8, 5))
    sns.lineplot(data=long, x="frequency_cal", y="value", hue="series", style="series", markers=True,
                 dashes=False, ax=ax, sort=False)
    ax.set_xlabel(lab("calibration_x"))
    ax.set_ylabel(lab("calibration_y"))
    ax.set_title(lab("calibration_title"))
    ax.legend(title=None)
    fig.tight_layout()
    pred = comparison.predictions
    models = [f"{MODEL_LABELS.get(m, m)} {format_number(pred[m].sum(), lang, 0)}"
              for m in tab.columns if m not in ("customers", "actual")]
    fig.alt_text = t("alt_calibration", lang).format(actual=format_number(pred["actual"].sum(), lang, 0),
                                                     models=plot_text(", ".join(models)))
    return fig


def cumulative_tracking_plot(actual_daily: pd.Series, predicted_cumulative: pd.Series,
                             calibration_end: Any = None, lang: str = "en", labels: dict | None = None) -> Figure:
    """Actual cumulative repeat purchases (from a daily count series) vs the model's expected
    cumulative series (``clv.expected_cumulative_purchases``), with the calibration end marked."""
    lab = labeller(lang, labels)
    actual = actual_daily.reindex(predicted_cumulative.index, fill_value=0).cumsum()
    fig, ax = plt.subplots(figsize=(9, 5))
    sns.lineplot(x=actual.index, y=actual.to_numpy(), ax=ax, label=lab("actual"))
    sns.lineplot(x=predicted_cumulative.index, y=predicted_cumulative.to_numpy(), ax=ax, label=lab("model"),
                 linestyle="--")
    if calibration_end is not None:
        ax.axvline(pd.Timestamp(calibration_end), color="grey", linestyle=":", label=lab("calibration_end"))
    ax.set_xlabel(lab("date"))
    ax.set_ylabel(lab("tracking_y"))
    ax.set_title(lab("tracking_title"))
    ax.legend()
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def clv_distribution_plot(predictions: pd.DataFrame, currency: str = "EUR", clip_quantile: float = 0.99,
                          lang: str = "en", labels: dict | None = None, horizon: float | None = None,
                          unit: str | None = None) -> Figure:
    """Histogram of ``predictions["clv"]`` (``CustomerValueModel.predict``), the top 1% clipped so
    the bulk stays visible. The title names the horizon: ``horizon`` and ``unit``, else the predictions'
    ``attrs`` (which a filter or concat of predictions may lose); without one the title has no horizon
    (not "over  months")."""
    lab = labeller(lang, labels)
    clv = predictions["clv"].clip(upper=predictions["clv"].quantile(clip_quantile))
    fig, ax = plt.subplots(figsize=(8, 5))
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
    fig.tight_layout()
    fig.alt_text = t("alt_clv", lang).format(median=format_money(predictions["clv"].median(), currency, lang),
                                             mean=format_money(predictions["clv"].mean(), currency, lang))
    return fig


def segment_plot(table: pd.DataFrame, lang: str = "en", labels: dict | None = None) -> Figure:
    """Share of customers and share of revenue per RFM segment (``rfm.segment_table``), side by side."""
    lab = labeller(lang, labels)
    long = table[["share", "revenue_share"]].rename(
        columns={"share": lab("share"), "revenue_share": lab("revenue_share")})
    long = long.reset_index().melt("segment", var_name="measure", value_name="share")
    long["segment"] = plot_labels(long["segment"])  # segment names may come from a client's segment map
    fig, ax = plt.subplots(figsize=(9, 6))
    sns.barplot(data=long, y="segment", x="share", hue="measure", ax=ax, orient="h")
    ax.set_xlabel("")
    ax.set_ylabel("")
    percent_axis(ax.xaxis, lang)  # shares as "20%", not 0.20
    ax.set_title(lab("segments_title"))
    ax.legend(title=None)
    fig.tight_layout()
    if len(table):
        top = table["share"].idxmax()
        fig.alt_text = t("alt_segments", lang).format(segment=plot_text(top), share=format_percent(table.loc[top, "share"], lang),
                                                      revenue=format_percent(table.loc[top, "revenue_share"], lang))
    return fig


def status_plot(counts: pd.DataFrame, lang: str = "en", labels: dict | None = None) -> Figure | None:
    """Customers per status (bars, in the order of ``counts``' rows: active, at risk, lost, too early to tell)
    and value-model group (one bar each, the levels in their fixed colours of LEVEL_COLOURS, low before
    high). ``counts``: journeylab.report.sections.status_counts (status ids x group ids). None when there are
    no customers."""
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
    fig, ax = plt.subplots(figsize=(7, 4))
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
    fig.tight_layout()
    items = [f"{status_label(s, lang)}: " + ", ".join(f"{words[g]} {format_number(n, lang)}"
                                                     for g, n in row.items())
             for s, row in counts.iterrows()]
    fig.alt_text = t("alt_status", lang).format(items="; ".join(items))
    return fig
