"""Tables as a client sees them: translated headers, percentages, currency and rounded numbers, every
text (cells, index, headers) escaped by journeylab.report.safe, since it may come from a shop's data."""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from journeylab.i18n import LABELS, t, translate_metric
from journeylab.report.safe import cell, html


def label(key: str, lang: str) -> str:
    """The translated label of ``key`` when there is one, else the key with underscores as spaces."""
    return t(key, lang) if key in LABELS else str(key).replace("_", " ")


def format_table(
    frame: pd.DataFrame,
    lang: str = "en",
    *,
    percent: Iterable[str] = (),
    money: Iterable[str] = (),
    currency: str = "EUR",
    decimals: int = 2,
    hide_index: bool = False,
):
    """A pandas Styler of ``frame`` with translated column names and formatted numbers.

    ``percent`` columns hold shares (0.25 is shown as 25.0%); ``money`` columns are shown with
    the currency; other floats with ``decimals`` decimals and integers with thousands separators.
    """
    percent, money = set(percent), set(money)
    # Styler leaves cells, index and headers as raw HTML unless told; every one of them is escaped here.
    frame = frame.rename_axis(index=[html(label(n, lang)) if n is not None else None for n in frame.index.names],
                              columns=[html(label(n, lang)) if n is not None else None for n in frame.columns.names])
    fmt = {}
    for col in frame.columns:
        if col in percent:
            fmt[col] = "{:.1%}".format
        elif col in money:
            fmt[col] = ("{:,.%df} %s" % (decimals, html(currency))).format
        elif pd.api.types.is_bool_dtype(frame[col]):
            fmt[col] = str
        elif pd.api.types.is_integer_dtype(frame[col]):
            fmt[col] = "{:,}".format
        elif pd.api.types.is_float_dtype(frame[col]):
            fmt[col] = ("{:,.%df}" % decimals).format
        else:
            fmt[col] = cell
    styler = frame.style.format(fmt, na_rep="–")
    styler = styler.relabel_index([cell(label(c, lang)) for c in frame.columns], axis="columns")
    if hide_index:
        styler = styler.hide(axis="index")
    else:
        styler = styler.format_index(cell, axis="index")
    return styler


def _num(value: float, unit: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    if unit == "share":
        return f"{100 * value:.1f}%"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def comparison_table(comparison: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Low vs high side by side as text: estimate with its 95% interval, the difference, the test's p-value.

    ``comparison`` is ``compare_involvement``'s table; shares are shown as percentages.
    """
    def cell(row: pd.Series, col: str) -> str:
        lo, hi = (("diff_lower", "diff_upper") if col == "difference" else (f"{col}_lower", f"{col}_upper"))
        unit = row["unit"]
        if pd.isna(row[col]):
            return "–"  # no estimate: a single dash, not "– (– – –)"
        if pd.isna(row.get(lo)) or pd.isna(row.get(hi)):
            return _num(row[col], unit)  # an estimate without an interval is shown bare, not with empty bounds
        return f"{_num(row[col], unit)} ({_num(row[lo], unit)} – {_num(row[hi], unit)})"

    out = pd.DataFrame({
        label("phase", lang): comparison["phase"].map(lambda v: translate_metric(v, lang)),
        label("metric", lang): comparison["metric"].map(lambda v: translate_metric(v, lang)),
        label("unit", lang): comparison["unit"].map(lambda v: translate_metric(v, lang)),
        label("low_ci", lang): comparison.apply(cell, axis=1, col="low"),
        label("high_ci", lang): comparison.apply(cell, axis=1, col="high"),
        label("difference_ci", lang): comparison.apply(cell, axis=1, col="difference"),
        "p": comparison["p_value"].map(lambda p: "–" if pd.isna(p) else ("< 0.001" if p < 0.001 else f"{p:.3f}")),
    })
    return out


def show(fig) -> None:
    """Display a matplotlib figure now (in its place among the cell's outputs) and close it.

    Jupyter's inline backend otherwise shows figures only at the end of the cell, after every table.
    ``None`` (no figure, e.g. nothing to plot) is skipped.
    """
    if fig is None:
        return
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(fig)
    plt.close(fig)
