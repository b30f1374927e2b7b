"""Tables as a client sees them: translated headers, percentages, currency and rounded numbers."""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from .i18n import LABELS, t


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
    fmt = {}
    for col in frame.columns:
        if col in percent:
            fmt[col] = "{:.1%}"
        elif col in money:
            fmt[col] = "{:,.%df} %s" % (decimals, currency)
        elif pd.api.types.is_integer_dtype(frame[col]):
            fmt[col] = "{:,}"
        elif pd.api.types.is_float_dtype(frame[col]):
            fmt[col] = "{:,.%df}" % decimals
    styler = frame.style.format(fmt, na_rep="–")
    styler = styler.relabel_index([label(c, lang) for c in frame.columns], axis="columns")
    if hide_index:
        styler = styler.hide(axis="index")
    elif frame.index.name:
        styler = styler.format_index(escape="html")
        styler.index.name = label(frame.index.name, lang)
    return styler
