"""The one way report notebooks put something on the page: headings, sentences, tables and figures.

Every value reaches the page escaped (journeylab.report.safe): a sentence is :class:`~journeylab.report.safe.Trusted`
Markdown made with ``safe.fill`` or is escaped whole; a table's cells, index and headers are escaped; a
figure is an embedded PNG whose alt text (its title) is escaped by the report template. The report
notebooks call nothing else to show output (tests/test_page.py reads their sources to hold that).

A table given a ``name`` is also written, with the same headers and unformatted numbers, to
``<output_dir>/tables/<name>.csv`` through journeylab.report.export (which neutralises spreadsheet formulas),
so a client can open every table of the report in a spreadsheet.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

import pandas as pd

from journeylab.i18n import labeller
from journeylab.report.display import format_table
from journeylab.report.safe import Trusted, fill, markdown, shorten

TABLES_DIR = "tables"


class Page:
    """One report notebook's page in ``lang`` ("en" or "nl"); money in ``currency``; tables with a name
    are also written as CSV under ``output_dir`` (a report run's folder; none for a notebook run by hand)."""

    def __init__(self, lang: str = "en", *, currency: str = "EUR", output_dir: str | Path | None = None) -> None:
        self.lang = lang
        self.currency = currency
        self.output_dir = Path(output_dir) if output_dir else None

    def heading(self, text: Any, level: int = 2) -> None:
        """A heading of ``level`` (1-4); ``text`` is escaped unless it is Trusted."""
        self.text(fill("{hashes} {text}", hashes=Trusted("#" * max(1, min(int(level), 4))), text=text))

    def text(self, text: Any) -> None:
        """A paragraph of Markdown: ``text`` as it is when Trusted (``safe.fill``), else escaped whole."""
        from IPython.display import display

        md = str(text) if isinstance(text, Trusted) else markdown(text)
        display({"text/markdown": md, "text/plain": shorten(text, 10_000)}, raw=True)

    def table(self, frame: pd.DataFrame, *, name: str | None = None, percent: Iterable[str] = (),
              money: Iterable[str] = (), decimals: int | Mapping[str, int] = 2, hide_index: bool = False,
              worded_columns: bool = False) -> None:
        """``frame`` as a formatted, escaped table (journeylab.report.display.format_table); with ``name`` also
        written to ``tables/<name>.csv`` of the report run. ``decimals``: of every float and money column, or
        per column (a mapping column -> decimals; days and orders per customer one, totals of money none).
        ``worded_columns``: the column names are words already (phases, statuses), shown as they are."""
        from IPython.display import display

        percent, money = list(percent), list(money)
        display(format_table(frame, self.lang, percent=percent, money=money, currency=self.currency,
                             decimals=decimals, hide_index=hide_index, worded_columns=worded_columns))
        if name:
            self.export(frame, name, hide_index=hide_index, worded_columns=worded_columns)

    def export(self, frame: pd.DataFrame, name: str, *, hide_index: bool = False,
               worded_columns: bool = False) -> Path | None:
        """Write ``frame`` with the report's headers to ``<output_dir>/tables/<name>.csv`` and return the
        path; nothing (None) on a page without an output folder (a notebook run by hand)."""
        from journeylab.report.export import write_table

        if self.output_dir is None:
            return None
        label = labeller(self.lang, fallback=True)
        out = frame if worded_columns else frame.rename(columns=label)
        if hide_index:
            out = out.reset_index(drop=True)
        else:
            out = out.rename_axis(index=[label(n) if n else n for n in out.index.names])
        safe_name = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)[:80] or "table"
        return write_table(out, self.output_dir / TABLES_DIR / f"{safe_name}.csv")

    def figure(self, fig: Any, *, alt: str | None = None) -> None:
        """Show a chart here (not at the end of the cell) as an embedded PNG and close its figure.

        ``fig``: what a plot function returned: an Axes (the whole figure it is on is shown), a matplotlib
        Figure, or a seaborn grid (FacetGrid and the like: anything with a ``figure``); ``None`` (nothing to
        plot) shows nothing. ``alt`` (default: the sentence the plot function left in the figure's
        ``alt_text``, saying what the figure shows, else the figure's title) is the image's text for screen
        readers and search. Every text drawn in the figure (titles, axis labels, tick labels, legend
        entries, annotations) goes with it in the output's metadata (``journeylab.texts``), so a test can
        read a figure's words in the executed notebook."""
        if fig is None:
            return
        import base64

        import matplotlib.pyplot as plt
        from IPython.core.pylabtools import print_figure
        from IPython.display import display

        fig = root_figure(fig)
        alt = shorten(alt if alt is not None else getattr(fig, "alt_text", None) or figure_title(fig), 400)
        png = base64.b64encode(print_figure(fig, fmt="png", bbox_inches="tight")).decode("ascii")
        display({"image/png": png, "text/plain": alt}, raw=True,
                metadata={"image/png": {"alt": alt}, "journeylab": {"texts": figure_texts(fig)}})
        plt.close(fig)


def root_figure(chart: Any) -> Any:
    """The matplotlib Figure a chart is drawn on: ``chart`` itself when it is one, else that of its ``figure``
    (an Axes, a SubFigure, a seaborn FacetGrid or JointGrid). TypeError for anything else."""
    from matplotlib.figure import Figure

    seen = 0
    while not isinstance(chart, Figure):
        up = getattr(chart, "figure", None)
        if up is None or up is chart or seen > 5:
            raise TypeError(f"not a chart (a matplotlib Axes or Figure, or a seaborn grid): {type(chart).__name__}")
        chart, seen = up, seen + 1
    return chart


def figure_texts(fig: Any) -> list[str]:
    """Every visible, non-empty text of a drawn figure (titles, axis and tick labels, legend entries and
    titles, annotations), each once, in drawing order."""
    from matplotlib.text import Text

    texts = (t.get_text().strip() for t in fig.findobj(Text) if t.get_visible() and t.get_text())
    return [t for t in dict.fromkeys(texts) if t]


def figure_title(fig: Any) -> str:
    """The suptitle of a figure, else the titles of its axes joined by "; " (empty when there are none)."""
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text():
        return sup.get_text()
    titles = [t for ax in fig.get_axes() for t in (ax.get_title(), ax.get_title("left")) if t]
    return "; ".join(dict.fromkeys(titles))


__all__ = ["Page", "figure_title", "figure_texts", "root_figure", "TABLES_DIR"]
