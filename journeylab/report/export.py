"""Tables for spreadsheets: the one place where journeylab writes CSV and Excel files, and the rule it keeps.

The rule (OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection): a spreadsheet
runs a cell as a formula when its text starts with ``=``, ``+``, ``-`` or ``@``, and some also when it
starts with a tab (``\\t``) or a carriage return (``\\r``). Such a formula can fetch a URL with the sheet's
data (``=HYPERLINK(...)``, ``=WEBSERVICE(...)``) or start a program (DDE) on the reader's machine. Much of
what journeylab exports comes from strangers: channel and campaign names come from UTM parameters anyone can
put in a link, product names and review texts from shop staff and customers. So :func:`neutralise` puts a
single quote ``'`` before every text cell that starts with one of those six characters and is not a plain
number; a spreadsheet shows the quote-prefixed text as text and runs nothing.

- "A plain number" is a decimal in ASCII digits with an optional sign, point and exponent: ``-5``,
  ``+3.2``, ``-1e3`` and ``-.5`` stay as they are; ``=1+1``, ``-2+3``, ``+31 6 1234``, ``@SUM(A1)``,
  ``-inf`` and ``-`` get the quote.
- Text cells in the columns, the index values and the column and index names are all checked (a header is a
  cell too). Numbers, dates, missing values and other non-text cells are never changed.
- The quote is added once: a neutralised cell starts with ``'``, so :func:`neutralise` is idempotent.

:func:`write_table` writes a neutralised copy as ``.csv`` (UTF-8 with a byte-order mark, so Excel reads
accents right; CRLF line ends as RFC 4180 has them; every text cell in double quotes, so neither a carriage
return nor a ``;`` or tab inside a cell can start a row or a cell of its own, whatever separator the
spreadsheet splits on) or ``.xlsx``
(openpyxl; every text cell is stored as text, never as a formula, even where openpyxl would take a
string starting with ``=`` for one; characters XML cannot hold become U+FFFD). Data that a report or a
spreadsheet user gets as a file goes through here; nothing else in journeylab writes CSV or Excel.
"""
from __future__ import annotations

import csv
from functools import partial
from pathlib import Path
from typing import Callable

import pandas as pd

DANGEROUS_START = r"[=+\-@\t\r]"  # the characters OWASP lists: a cell starting with one may run as a formula
PLAIN_NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"  # stays: a spreadsheet reads a number
QUOTE = "'"
SUFFIXES = (".csv", ".xlsx")


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` in which no text cell, index value or column name runs as a spreadsheet formula.

    Text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return that is not a plain number gets a
    leading ``'`` (see the module docstring for the rule and why). Everything else is unchanged.
    """
    return _map_text(frame, _neutralise_values)


def write_table(frame: pd.DataFrame, path: str | Path, *, index: bool | None = None) -> Path:
    """Write ``frame``, neutralised, to ``path`` (``.csv`` or ``.xlsx``, by its suffix); returns the path.

    ``index=None`` writes the index when it means something (it has a name, or it is not the default
    0, 1, 2, ...); parent folders are created. Any other suffix is a ValueError naming the path.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        kind = repr(suffix) if suffix else "a name without suffix"
        raise ValueError(f"cannot write table {path}: journeylab writes tables as .csv or .xlsx, not {kind}")
    if index is None:
        index = _meaningful_index(frame.index)
    safe = neutralise(frame)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        # Every text cell quoted: a spreadsheet that splits on ';' (Dutch Excel) or tabs could otherwise
        # split "x;=HYPERLINK(...)" into a cell that starts with '='. The BOM makes Excel read UTF-8 (é, ë).
        # Floats rounded (426344.16, not the binary noise 426344.16000000003) but kept numbers: a float_format
        # would turn them into text, which QUOTE_NONNUMERIC then quotes.
        floats = safe.select_dtypes("floating").columns
        safe[floats] = safe[floats].round(10)
        safe.to_csv(path, index=index, encoding="utf-8-sig", lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    else:
        _write_xlsx(safe, path, index=index)
    return path


def _neutralise_values(values: pd.Series) -> pd.Series:
    """``values`` with every dangerous text cell quote-prefixed (vectorised; non-text cells untouched)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        before = values.cat.categories
        categories = _map_index(before, _neutralise_values)
        if categories is before:
            return values
        if categories.is_unique:
            return values.cat.rename_categories(categories)
        values = values.astype(object)  # two categories would meet ("=a" and "'=a"): plain text instead
    if not (values.dtype == object or isinstance(values.dtype, pd.StringDtype)):
        return values
    try:
        danger = values.str.match(DANGEROUS_START, na=False) & ~values.str.fullmatch(PLAIN_NUMBER, na=False)
    except AttributeError:  # an object column without any text (dates, decimals, mixed numbers)
        return values
    danger = danger.astype(bool)
    if not danger.any():
        return values
    return values.mask(danger, QUOTE + values.where(danger, ""))


def _map_text(frame: pd.DataFrame, fn: Callable[[pd.Series], pd.Series]) -> pd.DataFrame:
    """A copy of ``frame`` with ``fn`` applied to each column, to the index and column labels and to their names.

    ``fn`` takes a Series and returns it (the same object when nothing changes) or a changed copy; the loop
    is over columns and index levels, each handled as a whole."""
    out = frame.copy()
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        changed = fn(column)
        if changed is not column:
            out.isetitem(i, changed)  # same index as the column it came from
    out.index = _map_index(out.index, fn)
    out.columns = _map_index(out.columns, fn)
    return out


def _map_index(index: pd.Index, fn: Callable[[pd.Series], pd.Series]) -> pd.Index:
    names = [fn(pd.Series([n], dtype=object)).iloc[0] if isinstance(n, str) else n for n in index.names]
    levels = [index.get_level_values(i) for i in range(index.nlevels)]
    mapped = []
    for level in levels:
        series = level.to_series(index=range(len(level)))
        changed = fn(series)
        mapped.append(level if changed is series else pd.Index(changed, dtype=changed.dtype))
    if all(m is lv for m, lv in zip(mapped, levels)) and names == list(index.names):
        return index
    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_arrays(mapped, names=names)
    return mapped[0].rename(names[0])


def _meaningful_index(index: pd.Index) -> bool:
    if any(n is not None for n in index.names):
        return True
    return not (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1)


def _write_xlsx(frame: pd.DataFrame, path: Path, *, index: bool) -> None:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # openpyxl refuses control characters XML cannot hold; they become U+FFFD instead of failing the export
    # (replaced, not dropped: dropping one could bring a '=' behind it to the front of the cell)
    frame = _map_text(frame, partial(_replace_illegal, pattern=ILLEGAL_CHARACTERS_RE.pattern))
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, index=index, sheet_name="data")
        sheet = writer.sheets["data"]
        # openpyxl makes any string starting with '=' a formula cell; after neutralise none should, and
        # this makes sure: a text cell is stored as text.
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"


def _replace_illegal(values: pd.Series, pattern: str) -> pd.Series:
    if not (values.dtype == object or isinstance(values.dtype, pd.StringDtype)):
        return values
    try:
        bad = values.str.contains(pattern, regex=True, na=False).astype(bool)
    except AttributeError:
        return values
    if not bad.any():
        return values
    return values.mask(bad, values.where(bad, "").str.replace(pattern, "\ufffd", regex=True))


__all__ = ["neutralise", "write_table"]
