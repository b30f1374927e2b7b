"""Journey figures (seaborn / matplotlib), shaped like seaborn's axes-level functions (issue 16 point 2).

Each single-chart function takes ``ax`` (an Axes to draw into; None: a new figure of the chart's own size),
``lang`` ("en" or "nl") and ``labels`` (a dict overriding label keys of journeylab.i18n.LABELS; ``labeller``
checks the language before anything is drawn) and returns the Axes. The two charts of several panels,
:func:`comparison_plot` and :func:`key_metrics_plot`, return their figure (a
:class:`~journeylab.report.plots.PlotGrid`). Analysts reach them as ``jl.plot.<name>`` (journeylab.plot).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MPath

from journeylab.i18n import (LABELS, channel_label, format_date, format_money, format_number, format_percent,
                             format_span, labeller, level_label, phase_label, t, unit_label)
from journeylab.journey.phases import phase_name
from journeylab.report.display import funnel_table, group_word, level_rank, metric_labels, p_text
from journeylab.palette import LEVEL_COLOURS, level_colour, phase_colour
from journeylab.report.plots import PlotGrid, axes_to_draw, level_palette, percent_axis, set_alt_text, wrap_ticks
from journeylab.report.safe import plot_labels, plot_text

# The key metrics of the low vs high chart (key_metrics_plot), one or two per phase, in journey order: shares
# are shown as a difference in percentage points, amounts (days, money) as a ratio.
KEY_METRICS = ["consideration_days", "return_visit_rate", "visitor_conversion", "order_value", "repeat_rate",
               "interpurchase_days", "review_rate", "clv"]


def funnel_plot(result, lang: str = "en", labels: dict | None = None, ax: Axes | None = None) -> Axes:
    """Bars of units per step (per breakdown group); ``jl.plot.funnel``. ``result``: journeylab.funnel's.
    Draws into ``ax`` (else a new figure) and returns it; the overall conversion per group is in the
    figure's ``alt_text``."""
    L = labeller(lang, labels)
    # steps as words where i18n has them (event types such as "purchase"), not identifiers
    table = funnel_table(result.table, lang)
    table = table.assign(group=plot_labels(table["group"]), step=plot_labels(table["step"]))
    ax, _ = axes_to_draw(ax, (7, 4))
    groups = set(result.table["group"])
    palette = level_palette(lang, groups) if groups <= set(LEVEL_COLOURS) else None
    sns.barplot(data=table, x="step", y="units", hue="group", palette=palette, saturation=1,
                hue_order=list(palette) if palette else None, ax=ax)
    ax.set(title=L("funnel_title"), xlabel=L("step"), ylabel=L("units"))
    ax.legend(title=L("involvement") if groups & {"low", "high"} else None)
    last = result.table[result.table["step_no"] == result.table["step_no"].max()]
    set_alt_text(ax, t("alt_funnel", lang).format(conversion=", ".join(
        f"{level_label(g, lang)} {format_percent(c, lang)}" for g, c in zip(last["group"], last["overall_conversion"]))))
    return ax


def phase_plot(phases: pd.DataFrame, by: str | None = "involvement", lang: str = "en", labels: dict | None = None,
               ax: Axes | None = None) -> Axes:
    """Persons per phase (``journeylab.journey_phases``), split by ``by`` (e.g. involvement or status);
    ``jl.plot.phases``. Draws into ``ax`` (else a new figure) and returns it."""
    L = labeller(lang, labels)
    d = phases.copy()
    # phases as words of the report's language (a client model's own, else i18n's), in journey order
    rules = phases.attrs.get("rules", pd.DataFrame())
    d["phase"] = d["phase"].cat.rename_categories([phase_name(rules, p, lang) for p in d["phase"].cat.categories])
    ax, _ = axes_to_draw(ax, (7, 4))
    d["phase"] = plot_labels(d["phase"])
    palette = None
    if by:
        ids = d[by].astype(object).fillna("(unknown)")
        if by == "involvement" and set(ids) <= set(LEVEL_COLOURS):
            palette = level_palette(lang, set(ids))
        d[by] = plot_labels(ids.map(lambda v: group_word(v, lang)))
    sns.countplot(data=d, x="phase", hue=by, palette=palette, saturation=1, hue_order=list(palette) if palette else None,
                  ax=ax)
    ax.set(title=L("phases_title"), xlabel="", ylabel=L("persons"))
    wrap_ticks(ax, "x", 12)  # "upsell / herhaalaankoop" beside "ambassadeur": on two lines, not into each other
    if by and ax.get_legend() is not None:
        ax.get_legend().set_title(L(by) if by in LABELS else by)
        sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), frameon=False)  # beside the bars, not on them
    counts = phases["phase"].value_counts()
    if len(counts):
        set_alt_text(ax, t("alt_phases", lang).format(phase=plot_text(phase_name(rules, counts.index[0], lang)),
                                                      persons=format_number(counts.iloc[0], lang)))
    return ax


def phase_flow_plot(flows: dict, lang: str = "en", labels: dict | None = None, ax: Axes | None = None) -> Axes:
    """Sankey-style plot of ``journeylab.phase_flows``: one column of phase blocks per date, bands between them
    sized by persons, each phase in its colour of journeylab.palette; ``jl.plot.phase_flows``. Draws into
    ``ax`` (else a new figure, wider the more dates) and returns it."""
    L = labeller(lang, labels)
    counts, trans = flows["counts"], flows["transitions"]
    rules = flows.get("rules", pd.DataFrame())
    total = counts.iloc[:, 0].sum()
    colors = {ph: phase_colour(ph) for ph in counts.index}
    ax, _ = axes_to_draw(ax, (3 + 2.5 * counts.shape[1], 5))
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
    if trans:
        moves = trans[-1]
        seen = moves.drop(index="not_yet_seen", errors="ignore")
        stayed = sum(seen.loc[p, p] for p in seen.index if p in seen.columns)
        set_alt_text(ax, t("alt_flow", lang).format(
            start=format_date(counts.columns[-2], lang), end=format_date(counts.columns[-1], lang),
            stayed=format_number(stayed, lang), seen=format_number(seen.to_numpy().sum(), lang)))
    return ax


def cohort_plot(retention: pd.DataFrame, lang: str = "en", labels: dict | None = None,
                ax: Axes | None = None) -> Axes:
    """Heatmap of the monthly cohort retention matrix (``journeylab.cohort_retention``); ``jl.plot.cohorts``.
    Draws into ``ax`` (else a new figure, taller the more cohorts) and returns it."""
    L = labeller(lang, labels)
    ax, _ = axes_to_draw(ax, (10, 0.3 * len(retention) + 2))
    sns.heatmap(retention, cmap="Blues", vmin=0, vmax=max(0.01, float(np.nanmax(retention.iloc[:, 1:].to_numpy()))
                                                           if retention.shape[1] > 1 else 1), ax=ax)
    percent_axis(ax.collections[0].colorbar, lang)  # the colour bar's shares as "30%", not 0.30
    ax.set(title=L("cohort_title"), xlabel=L("cohort_x"), ylabel=L("cohort_y"))
    set_alt_text(ax, t("alt_cohorts", lang).format(cohorts=format_number(len(retention), lang)))
    return ax


def attribution_plot(result: pd.DataFrame, lang: str = "en", labels: dict | None = None,
                     ax: Axes | None = None) -> Axes:
    """Grouped bars: conversions credited to each channel by each model (``journeylab.attribution``);
    ``jl.plot.attribution``. Draws into ``ax`` (else a new figure) and returns it."""
    from journeylab.journey.attribution import MODELS
    L = labeller(lang, labels)
    long = result.melt(id_vars=[c for c in ("involvement", "channel") if c in result], value_vars=list(MODELS),
                       var_name=L("model"), value_name=L("conversions"))
    # model names in the report's language; the legend keeps the order of MODELS
    long[L("model")] = long[L("model")].map(L)
    # channel ids as words (organic_search); other channel names are UTM values: anyone's text
    long["channel"] = plot_labels(long["channel"].map(lambda c: channel_label(c, lang)))
    ax, _ = axes_to_draw(ax, (9, 4))
    sns.barplot(data=long, x="channel", y=L("conversions"), hue=L("model"), errorbar=None, estimator="sum", ax=ax)
    ax.set(title=L("attribution_title"), xlabel=L("channel"))
    ax.tick_params(axis="x", rotation=30)
    by_channel = result.groupby("channel")[list(MODELS)].sum().mean(axis=1)
    if len(by_channel):
        set_alt_text(ax, t("alt_attribution", lang).format(
            channel=plot_text(channel_label(by_channel.idxmax(), lang))))
    return ax


def comparison_plot(comparison: pd.DataFrame, metrics: list[str] | None = None, lang: str = "en",
                    labels: dict | None = None) -> PlotGrid:
    """Dot-and-interval plot of low vs high for each metric (each metric on its own scale, one row each);
    ``jl.plot.comparison``. A chart of several panels: returns a PlotGrid (its ``figure`` and ``axes``; no ``ax``).

    ``metrics``: metric ids to show (default all). Metrics about one channel or phase (a ``param``) are
    left out, and so are metrics without an estimate for either level (a model withheld): no empty panel.
    Metric names are in the report's language (journeylab.i18n.metric_label) and p-values print as in
    the tables ("< 0.001", none where there is no test)."""
    L = labeller(lang, labels)
    c = comparison if metrics is None else comparison[comparison["metric"].isin(metrics)]
    if "param" in c:
        c = c[c["param"].fillna("").astype(str) == ""]
    c = c[c[["low", "high"]].notna().any(axis=1)]
    names = metric_labels(c, lang)
    fig, axes = plt.subplots(max(len(c), 1), 1, figsize=(7, 0.8 * len(c) + 1), squeeze=False)
    for ax, (_, r), name in zip(axes[:, 0], c.iterrows(), names):
        for k, (lv, col) in enumerate((("low", level_colour("low")), ("high", level_colour("high")))):
            lo, hi = r[f"{lv}_lower"], r[f"{lv}_upper"]
            err = None if pd.isna(lo) or pd.isna(hi) else [[r[lv] - lo], [hi - r[lv]]]
            ax.errorbar([r[lv]], [k], xerr=err, fmt="o", color=col)
        ax.set_yticks([0, 1], [L("low"), L("high")])
        p = r["p_value"]
        shown = "" if pd.isna(p) else (f" (p {p_text(p, lang)})" if p < 0.001 else f" (p = {p_text(p, lang)})")
        ax.set_title(f"{plot_text(name, 80)}{shown}", fontsize=8, loc="left")
    fig.suptitle(L("compare_title"))
    fig.tight_layout()
    return PlotGrid(fig)


def consideration_plot(cons: pd.DataFrame, lang: str = "en", labels: dict | None = None,
                       ax: Axes | None = None) -> Axes:
    """Distribution of days from first visit to first purchase per involvement level (log-scaled x), each
    level's median a dashed line (``journeylab.consideration``); ``jl.plot.consideration``. Draws into ``ax``
    (else a new figure) and returns it."""
    L = labeller(lang, labels)
    ax, _ = axes_to_draw(ax, (7, 4))
    d = cons.assign(days=cons["days_from_first_visit"].clip(lower=1e-3))
    if "involvement" in d:
        d = d.assign(involvement=plot_labels(d["involvement"].map(lambda v: level_label(v, lang))))
    levels = set(cons["involvement"].dropna()) if "involvement" in cons else set()
    palette = level_palette(lang, levels) if levels and levels <= set(LEVEL_COLOURS) else None
    sns.histplot(data=d, x="days", hue="involvement" if "involvement" in d else None, log_scale=True,
                 element="step", stat="density", common_norm=False, palette=palette,
                 hue_order=list(palette) if palette else None, ax=ax)
    ax.set(title=L("consideration_title"), xlabel=L("days"), ylabel=L("density"))
    if ax.get_legend() is not None:
        ax.get_legend().set_title(L("involvement"))
    days = cons["days_from_first_visit"]
    medians = days.groupby(cons["involvement"]).median() if "involvement" in cons else pd.Series({"all": days.median()})
    medians = medians.iloc[pd.Series(medians.index).map(level_rank).argsort(kind="stable")]  # low before high
    for level, m in medians.items():  # each level's median as a dashed line in the level's colour
        if pd.notna(m):
            ax.axvline(max(m, 1e-3), color=level_colour(level), linestyle="--", lw=1)
    # under a day (a low-involvement purchase often takes minutes) in hours, under an hour in minutes
    set_alt_text(ax, t("alt_consideration", lang).format(medians=", ".join(
        f"{level_label(lv, lang)} {format_span(m, lang)}" for lv, m in medians.items() if pd.notna(m))))
    return ax


def _key_rows(comparison: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """The rows of ``metrics`` (no ``param``, both levels measured) in the order of ``metrics``, each with its
    value on the chart: shares as high − low in percentage points, other units as high ÷ low, with the
    bootstrap interval; rows without a finite value left out."""
    c = comparison[comparison["metric"].isin(metrics)]
    if "param" in c:
        c = c[c["param"].fillna("").astype(str) == ""]
    c = c[c[["low", "high"]].notna().all(axis=1)]  # both levels measured
    c = c.assign(_order=c["metric"].map(metrics.index)).sort_values("_order", kind="stable")
    share = c["unit"].eq("share")
    nan = pd.Series(np.nan, index=c.index)
    ratio = c["ratio"] if "ratio" in c else (c["high"] / c["low"]).where(c["low"] > 0)
    out = c.assign(
        kind=np.where(share, "pp", "ratio"),
        x=np.where(share, c["difference"] * 100, ratio),
        x_lower=np.where(share, c["diff_lower"] * 100, c.get("ratio_lower", nan)),
        x_upper=np.where(share, c["diff_upper"] * 100, c.get("ratio_upper", nan)))
    ok = np.isfinite(out["x"].astype(float)) & ((out["kind"] == "pp") | (out["x"] > 0))
    return out[ok]


def _value_text(value: float, unit: str, lang: str) -> str:
    """A level's value of a key metric: a share as a percentage, money in the currency, else one decimal and
    the unit."""
    if unit == "share":
        return format_percent(value, lang, 0)
    if unit in ("days", "sessions", "channels", "page_views", "purchases", "probability"):
        return f"{format_number(value, lang, 1)} {unit_label(unit, lang)}"
    return format_money(value, unit, lang)


def key_metrics_plot(comparison: pd.DataFrame, metrics: list[str] | None = None, lang: str = "en",
                     labels: dict | None = None) -> PlotGrid | None:
    """The low vs high comparison in one compact chart: one row per key metric (``KEY_METRICS``), in journey
    order and in its phase's colour, with its 95% bootstrap interval. Shares: high − low in percentage points
    (zero line: no difference); days, money and other amounts: high ÷ low on a log scale (line at ×1). The two
    levels' values are written beside each row; ``jl.plot.low_vs_high``. A chart of up to two panels (shares,
    amounts): returns a PlotGrid (its ``figure`` and ``axes``; no ``ax``); None when no key metric has an estimate for both levels."""
    L = labeller(lang, labels)
    rows = _key_rows(comparison, list(metrics or KEY_METRICS))
    if rows.empty:
        return None
    names = metric_labels(rows, lang).map(lambda n: plot_text(n.split(" (")[0], 40))
    groups = [g for g in ("pp", "ratio") if (rows["kind"] == g).any()]
    sizes = [int((rows["kind"] == g).sum()) for g in groups]
    fig, axes = plt.subplots(len(groups), 1, figsize=(7, min(3.5, 0.27 * len(rows) + 0.75 * len(groups) + 0.6)),
                             squeeze=False, gridspec_kw={"height_ratios": sizes})
    for ax, kind in zip(axes[:, 0], groups):
        part = rows[rows["kind"] == kind]
        ys = np.arange(len(part))[::-1]
        for y, (_, r) in zip(ys, part.iterrows()):
            lo, hi = r["x_lower"], r["x_upper"]
            err = None if pd.isna(lo) or pd.isna(hi) else [[r["x"] - lo], [hi - r["x"]]]
            ax.errorbar([r["x"]], [y], xerr=err, fmt="o", color=phase_colour(r["phase"]), capsize=3, ms=5)
        ax.axvline(0 if kind == "pp" else 1, color="#444444", lw=0.8)
        ax.set_yticks(ys, list(names[part.index]), fontsize=8)
        ax.set_ylim(-0.6, len(part) - 0.4)
        if kind == "ratio":
            ax.set_xscale("log")
            from matplotlib.ticker import FuncFormatter, LogLocator

            low, high = np.nanmin(part[["x", "x_lower"]].to_numpy(float)), np.nanmax(part[["x", "x_upper"]].to_numpy(float))
            ax.xaxis.set_major_locator(LogLocator(base=10, subs=(1, 2, 5) if max(high, 1) / min(low, 1) < 100 else (1,)))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: "×" + format_number(v, lang, 0 if v >= 1 else
                                                                                          (1 if v >= 0.1 else 2))))
            ax.xaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
            ax.set_xlim(min(low, 1) / 1.6, max(high, 1) * 1.6)
        else:
            span = np.nanmax(np.abs(part[["x", "x_lower", "x_upper"]].to_numpy(float)))
            ax.set_xlim(-span * 1.15 - 1, span * 1.15 + 1)
        ax.set_xlabel(L("diff_pp_axis") if kind == "pp" else L("ratio_axis"), fontsize=8)
        ax.tick_params(axis="x", labelsize=8)
        right = ax.twinx()  # the two levels' values, as the tables write them
        right.set_ylim(ax.get_ylim())
        right.set_yticks(ys, [L("low_to_high").format(low=_value_text(r["low"], r["unit"], lang),
                                                      high=_value_text(r["high"], r["unit"], lang))
                              for _, r in part.iterrows()], fontsize=8)
        right.tick_params(axis="y", length=0)
        ax.grid(axis="x", color="#dddddd", lw=0.5)
        ax.set_axisbelow(True)
    shown = list(dict.fromkeys(rows["phase"]))
    handles = [plt.Line2D([], [], marker="o", ls="", color=phase_colour(p)) for p in shown]
    axes[0, 0].legend(handles, [plot_text(phase_label(p, lang)) for p in shown], ncol=len(shown), fontsize=7,
                      loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, handletextpad=0.2, columnspacing=1)
    axes[0, 0].set_title(L("key_metrics_title"), fontsize=10, loc="left", pad=18)
    fig.tight_layout(h_pad=0.6)
    items = [f"{n} " + (L("pp").format(value=format_number(r["x"], lang, 0 if abs(r["x"]) >= 10 else 1))
                        if r["kind"] == "pp" else L("times").format(value=format_number(r["x"], lang, 1)))
             for n, (_, r) in zip(names, rows.iterrows())]
    fig.alt_text = t("alt_key_metrics", lang).format(n=len(rows), items="; ".join(items))
    return PlotGrid(fig)
