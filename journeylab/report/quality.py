"""The data-quality section: what was read, kept, fixed and dropped, as a table and a figure."""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, MaxNLocator
import pandas as pd
import seaborn as sns

from journeylab.i18n import LABELS, explanation_label, format_number, format_percent, rule_label, t
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


def plot_quality(shop: Shop, lang: str = "en") -> plt.Figure | None:
    """Bar chart of rows dropped or fixed per table and rule; None when nothing was dropped or fixed."""
    dq = shop.data_quality
    dq = dq[dq["action"].isin(["dropped", "fixed", "merged", "flagged"]) & (dq["rows"] > 0)].copy()
    if dq.empty:
        return None
    dq["label"] = dq["table"].map(lambda name: t(name, lang) if name in LABELS else name) + ": " + dq["rule"].map(
        lambda r: rule_label(r, lang))
    dq["action"] = dq["action"].map(lambda a: t(a, lang))
    dq["label"] = plot_labels(dq["label"])
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(dq) + 1.2))
    sns.barplot(data=dq, y="label", x="rows", hue="action", dodge=False, ax=ax, orient="h")
    if ax.get_legend() is not None:
        ax.get_legend().set_title(t("action", lang))  # not the column name 'action' in every language
    ax.set_xlabel(t("rows", lang))
    # counts written as the report's language writes them (125.000), few enough ticks not to run together
    ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, lang)))
    ax.set_ylabel("")
    ax.set_title(t("rows_by_rule", lang))
    fig.tight_layout()
    top = dq.loc[dq["rows"].idxmax()]
    fig.alt_text = t("alt_quality", lang).format(rule=plot_text(top["label"]), rows=format_number(top["rows"], lang))
    return fig


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


def plot_frequency(summary: pd.DataFrame, lang: str = "en", max_shown: int = 10) -> plt.Figure | None:
    """Histogram of repeat purchases per customer (frequency), the tail above ``max_shown`` pooled; None
    without customers (a shop without orders), instead of empty axes."""
    if summary.empty:
        return None
    freq = summary["frequency"].clip(upper=max_shown).astype(int)
    counts = freq.value_counts().reindex(range(max_shown + 1), fill_value=0)
    labels = [str(i) for i in range(max_shown)] + [f"{max_shown}+"]
    fig, ax = plt.subplots(figsize=(8, 3.5))
    sns.barplot(x=labels, y=counts.to_numpy(), color=sns.color_palette()[0], ax=ax)
    ax.set_xlabel(t("frequency", lang))
    ax.set_ylabel(t("number_of_customers", lang))
    ax.set_title(t("repeat_purchases_dist", lang))
    fig.tight_layout()
    fig.alt_text = t("alt_frequency", lang).format(share=format_percent(counts.iloc[0] / len(summary), lang),
                                                   customers=format_number(len(summary), lang))
    return fig
