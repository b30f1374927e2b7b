"""Journey figures (seaborn / matplotlib). One function per figure; each returns a matplotlib Figure and
takes ``lang`` ("en" or "nl") for its labels, all from journeylab.i18n (``labeller`` checks the language
before anything is drawn)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MPath

from journeylab.i18n import LABELS, channel_label, format_date, format_number, labeller, level_label
from journeylab.journey.phases import phase_name
from journeylab.report.display import funnel_table, group_word, metric_labels, p_text
from journeylab.report.safe import plot_labels, plot_text


def funnel_plot(result, lang: str = "en") -> Figure:
    """Bars of units per step (per breakdown group), labelled with the overall conversion."""
    L = labeller(lang)
    # steps as words where i18n has them (event types such as "purchase"), not identifiers
    table = funnel_table(result.table, lang)
    table = table.assign(group=plot_labels(table["group"]), step=plot_labels(table["step"]))
    fig, ax = plt.subplots(figsize=(7, 4))
    sns.barplot(data=table, x="step", y="units", hue="group", ax=ax)
    ax.set(title=L("funnel_title"), xlabel=L("step"), ylabel=L("units"))
    ax.legend(title=L("involvement") if set(result.table["group"]) & {"low", "high"} else None)
    return fig


def phase_plot(phases: pd.DataFrame, by: str | None = "involvement", lang: str = "en") -> Figure:
    """Persons per phase, split by ``by`` (e.g. involvement or status)."""
    L = labeller(lang)
    d = phases.copy()
    # phases as words of the report's language (a client model's own, else i18n's), in journey order
    rules = phases.attrs.get("rules", pd.DataFrame())
    d["phase"] = d["phase"].cat.rename_categories([phase_name(rules, p, lang) for p in d["phase"].cat.categories])
    fig, ax = plt.subplots(figsize=(7, 4))
    d["phase"] = plot_labels(d["phase"])
    if by:
        d[by] = plot_labels(d[by].astype(object).fillna("(unknown)").map(lambda v: group_word(v, lang)))
    sns.countplot(data=d, x="phase", hue=by, ax=ax)
    ax.set(title=L("phases_title"), xlabel="", ylabel=L("persons"))
    if by and ax.get_legend() is not None:
        ax.get_legend().set_title(L(by) if by in LABELS else by)
    return fig


def phase_flow_plot(flows: dict, lang: str = "en") -> Figure:
    """Sankey-style plot: one column of phase blocks per date, bands between them sized by persons."""
    L = labeller(lang)
    counts, trans = flows["counts"], flows["transitions"]
    rules = flows.get("rules", pd.DataFrame())
    total = counts.iloc[:, 0].sum()
    colors = dict(zip(counts.index, sns.color_palette("Set2", len(counts))))
    fig, ax = plt.subplots(figsize=(3 + 2.5 * counts.shape[1], 5))
    gap = 0.02 * total
    tops = {}
    for j, d in enumerate(counts.columns):
        y = 0.0
        for ph in counts.index:
            h = counts.loc[ph, d]
            tops[(j, ph)] = y
            ax.add_patch(plt.Rectangle((j - 0.05, y), 0.1, h, color=colors[ph]))
            if h > 0.02 * total:
                ax.text(j + 0.07, y + h / 2, f"{plot_text(phase_name(rules, ph, lang))} ({format_number(h, lang)})", va="center",
                        fontsize=7)
            y += h + gap
    for j, moves in enumerate(trans):  # not ``t``: that name is the label lookup
        out_y = {ph: tops[(j, ph)] for ph in moves.index}
        in_y = {ph: tops[(j + 1, ph)] for ph in moves.columns}
        for a in moves.index:
            for b in moves.columns:
                w = moves.loc[a, b]
                if w <= 0:
                    continue
                x0, x1 = j + 0.05, j + 0.95
                y0, y1 = out_y[a], in_y[b]
                verts = [(x0, y0), ((x0 + x1) / 2, y0), ((x0 + x1) / 2, y1), (x1, y1), (x1, y1 + w),
                         ((x0 + x1) / 2, y1 + w), ((x0 + x1) / 2, y0 + w), (x0, y0 + w), (x0, y0)]
                codes = [MPath.MOVETO, MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.LINETO,
                         MPath.CURVE4, MPath.CURVE4, MPath.CURVE4, MPath.CLOSEPOLY]
                ax.add_patch(PathPatch(MPath(verts, codes), color=colors[a], alpha=0.35, lw=0))
                out_y[a] += w
                in_y[b] += w
    ax.set_xlim(-0.3, counts.shape[1] - 0.3)
    ax.set_ylim(0, total + gap * len(counts))
    ax.set_xticks(range(counts.shape[1]), [format_date(d, lang) for d in counts.columns])
    ax.set_yticks([])
    ax.set_title(L("flow_title"))
    return fig


def cohort_plot(retention: pd.DataFrame, lang: str = "en") -> Figure:
    """Heatmap of the monthly cohort retention matrix."""
    L = labeller(lang)
    fig, ax = plt.subplots(figsize=(10, 0.3 * len(retention) + 2))
    sns.heatmap(retention, cmap="Blues", vmin=0, vmax=max(0.01, float(np.nanmax(retention.iloc[:, 1:].to_numpy()))
                                                           if retention.shape[1] > 1 else 1), ax=ax)
    ax.set(title=L("cohort_title"), xlabel=L("cohort_x"), ylabel=L("cohort_y"))
    return fig


def attribution_plot(result: pd.DataFrame, lang: str = "en") -> Figure:
    """Grouped bars: conversions credited to each channel by each model."""
    from journeylab.journey.attribution import MODELS
    L = labeller(lang)
    long = result.melt(id_vars=[c for c in ("involvement", "channel") if c in result], value_vars=list(MODELS),
                       var_name=L("model"), value_name=L("conversions"))
    # model names in the report's language; the legend keeps the order of MODELS
    long[L("model")] = long[L("model")].map(L)
    # channel ids as words (organic_search); other channel names are UTM values: anyone's text
    long["channel"] = plot_labels(long["channel"].map(lambda c: channel_label(c, lang)))
    fig, ax = plt.subplots(figsize=(9, 4))
    sns.barplot(data=long, x="channel", y=L("conversions"), hue=L("model"), errorbar=None, estimator="sum", ax=ax)
    ax.set(title=L("attribution_title"), xlabel=L("channel"))
    ax.tick_params(axis="x", rotation=30)
    return fig


def comparison_plot(comparison: pd.DataFrame, metrics: list[str] | None = None, lang: str = "en") -> Figure:
    """Dot-and-interval plot of low vs high for each metric (each metric on its own scale, one row each).

    ``metrics``: metric ids to show (default all). Metrics about one channel or phase (a ``param``) are
    left out, and so are metrics without an estimate for either level (a model withheld): no empty panel.
    Metric names are in the report's language (journeylab.i18n.metric_label) and p-values print as in
    the tables ("< 0.001", none where there is no test)."""
    L = labeller(lang)
    c = comparison if metrics is None else comparison[comparison["metric"].isin(metrics)]
    if "param" in c:
        c = c[c["param"].fillna("").astype(str) == ""]
    c = c[c[["low", "high"]].notna().any(axis=1)]
    names = metric_labels(c, lang)
    fig, axes = plt.subplots(max(len(c), 1), 1, figsize=(7, 0.8 * len(c) + 1), squeeze=False)
    for ax, (_, r), name in zip(axes[:, 0], c.iterrows(), names):
        for k, (lv, col) in enumerate((("low", "C0"), ("high", "C3"))):
            lo, hi = r[f"{lv}_lower"], r[f"{lv}_upper"]
            err = None if pd.isna(lo) or pd.isna(hi) else [[r[lv] - lo], [hi - r[lv]]]
            ax.errorbar([r[lv]], [k], xerr=err, fmt="o", color=col)
        ax.set_yticks([0, 1], [L("low"), L("high")])
        p = r["p_value"]
        shown = "" if pd.isna(p) else (f" (p {p_text(p, lang)})" if p < 0.001 else f" (p = {p_text(p, lang)})")
        ax.set_title(f"{plot_text(name, 80)}{shown}", fontsize=8, loc="left")
    fig.suptitle(L("compare_title"))
    fig.tight_layout()
    return fig


def consideration_plot(cons: pd.DataFrame, lang: str = "en") -> Figure:
    """Distribution of days from first visit to first purchase per involvement level (log-scaled x)."""
    L = labeller(lang)
    fig, ax = plt.subplots(figsize=(7, 4))
    d = cons.assign(days=cons["days_from_first_visit"].clip(lower=1e-3))
    if "involvement" in d:
        d = d.assign(involvement=plot_labels(d["involvement"].map(lambda v: level_label(v, lang))))
    sns.histplot(data=d, x="days", hue="involvement" if "involvement" in d else None, log_scale=True,
                 element="step", stat="density", common_norm=False, ax=ax)
    ax.set(title=L("consideration_title"), xlabel=L("days"), ylabel=L("density"))
    if ax.get_legend() is not None:
        ax.get_legend().set_title(L("involvement"))
    return fig
