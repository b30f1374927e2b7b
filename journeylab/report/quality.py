"""The data-quality section: what was read, kept, fixed and dropped, as a table and a figure."""
from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator
import pandas as pd
import seaborn as sns

from journeylab.i18n import LABELS, explanation_label, format_number, format_percent, labeller, rule_label, t
from journeylab.report.plots import axes_to_draw, set_alt_text
from journeylab.report.safe import plot_labels, plot_text
from journeylab.data.io.clean import MONEY_TABLES
from journeylab.data.shop import Shop


def quality_table(shop: Shop, lang: str = "en", *, only_nonzero: bool = True) -> pd.DataFrame:
    """Data-quality rows of a shop with translated headers, actions, rules and explanations (their ids in
    journeylab.i18n); zero-count rules left out; revenue (shop currency) only for tables with money (NaN
    for the others)."""
    dq = shop.data_quality.copy()
    if only_nonzero:
        dq = dq[(dq["rows"] > 0) | dq["action"].isin(["read", "kept"])]
    dq["action"] = dq["action"].map(lambda a: t(a, lang))
    # a table without money (products, events, reviews) shows "–", not an amount of 0
    dq["revenue"] = dq["revenue"].round(2).where(dq["table"].isin(MONEY_TABLES))
    dq = dq[["table", "rule", "action", "rows", "revenue", "explanation"]]
    dq["table"] = dq["table"].map(lambda name: t(name, lang) if name in LABELS else name)
    dq["rule"] = dq["rule"].map(lambda r: rule_label(r, lang))
    dq["explanation"] = dq["explanation"].map(lambda r: explanation_label(r, lang))
    return dq.rename(columns={c: t(c, lang) for c in dq.columns}).reset_index(drop=True)


def plot_quality(shop: Shop, lang: str = "en", labels: dict | None = None, ax: Axes | None = None) -> Axes | None:
    """Bar chart of rows dropped or fixed per table and rule; ``jl.plot.data_quality``. Draws into ``ax``
    (else a new figure, taller the more rules) and returns it; None (nothing drawn) when nothing was dropped
    or fixed. ``labels``: overrides of the label keys "action", "rows" and "rows_by_rule"."""
    lab = labeller(lang, labels)
    dq = shop.data_quality
    dq = dq[dq["action"].isin(["dropped", "fixed", "merged", "flagged"]) & (dq["rows"] > 0)].copy()
    if dq.empty:
        return None
    dq["label"] = dq["table"].map(lambda name: t(name, lang) if name in LABELS else name) + ": " + dq["rule"].map(
        lambda r: rule_label(r, lang))
    dq["action"] = dq["action"].map(lambda a: t(a, lang))
    dq["label"] = plot_labels(dq["label"])
    ax, own = axes_to_draw(ax, (8, 0.45 * len(dq) + 1.2))
    sns.barplot(data=dq, y="label", x="rows", hue="action", dodge=False, ax=ax, orient="h")
    if ax.get_legend() is not None:
        ax.get_legend().set_title(lab("action"))  # not the column name 'action' in every language
    ax.set_xlabel(lab("rows"))
    # counts written as the report's language writes them (125.000), few enough ticks not to run together
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, lang)))
    ax.set_ylabel("")
    ax.set_title(lab("rows_by_rule"))
    if own:
        ax.figure.tight_layout()
    top = dq.loc[dq["rows"].idxmax()]
    set_alt_text(ax, t("alt_quality", lang).format(rule=plot_text(top["label"]), rows=format_number(top["rows"], lang)))
    return ax


def headline_figures(shop: Shop, summary: pd.DataFrame) -> dict[str, float]:
    """Customers, orders, repeat customers and rate, mean order value (shop currency), from a summary."""
    n = len(summary)
    n_orders = int(summary["n_orders"].sum())
    repeat = int((summary["frequency"] > 0).sum())
    return {
        "customers": n,
        "orders": n_orders,
        "repeat_customers": repeat,
        "repeat_rate": repeat / n if n else float("nan"),
        "mean_order_value": float(summary["total_revenue"].sum() / n_orders) if n_orders else float("nan"),
    }


def table_counts(shop: Shop) -> dict[str, dict[str, int]]:
    """Rows per table of the shop: read, kept, dropped, fixed and flagged (summed over the cleaning rules;
    a row that two rules fix is counted twice under fixed), for ``summary.json``."""
    dq = shop.data_quality
    counts = dq.groupby(["table", "action"], sort=False)["rows"].sum().unstack(fill_value=0)
    actions = ["read", "kept", "dropped", "fixed", "flagged"]
    counts = counts.reindex(columns=actions, fill_value=0).astype(int)
    return {str(table): {a: int(row[a]) for a in actions} for table, row in counts.iterrows()}


def plot_frequency(summary: pd.DataFrame, lang: str = "en", max_shown: int = 10, labels: dict | None = None,
                   ax: Axes | None = None) -> Axes | None:
    """Histogram of repeat purchases per customer (frequency), the tail above ``max_shown`` pooled;
    ``jl.plot.repeat_purchases``. Draws into ``ax`` (else a new figure) and returns it; None (nothing drawn)
    without customers (a shop without orders), instead of empty axes."""
    lab = labeller(lang, labels)
    if summary.empty:
        return None
    freq = summary["frequency"].clip(upper=max_shown).astype(int)
    counts = freq.value_counts().reindex(range(max_shown + 1), fill_value=0)
    ticks = [str(i) for i in range(max_shown)] + [f"{max_shown}+"]
    ax, own = axes_to_draw(ax, (8, 3.5))
    sns.barplot(x=ticks, y=counts.to_numpy(), color=sns.color_palette()[0], ax=ax)
    ax.set_xlabel(lab("frequency"))
    ax.set_ylabel(lab("number_of_customers"))
    ax.set_title(lab("repeat_purchases_dist"))
    if own:
        ax.figure.tight_layout()
    set_alt_text(ax, t("alt_frequency", lang).format(share=format_percent(counts.iloc[0] / len(summary), lang),
                                                     customers=format_number(len(summary), lang)))
    return ax
