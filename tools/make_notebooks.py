"""Write the report notebooks (without outputs) from the cell sources below.

Run after changing a notebook's cells here: ``.venv/bin/python tools/make_notebooks.py``.
Notebooks may also be edited in JupyterLab; then clear outputs before committing.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def notebook(cells: list[tuple[str, str, list[str]]]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for kind, source, tags in cells:
        cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


DATA_QUALITY = [
    ("code", '''# Parameters (Papermill replaces these; the defaults build the demo report)
shop_config = "../data/demo/shop.yaml"
language = "en"
output_dir = None''', ["parameters"]),
    ("code", '''import pandas as pd
from IPython.display import Markdown, display

import journeylab as jl
from journeylab.i18n import t
from journeylab.quality import headline_figures, plot_frequency, plot_quality, quality_table
from journeylab.report import record

pd.set_option("display.max_colwidth", 80)
shop = jl.load_shop(shop_config)
summary = jl.customer_summary(shop, freq="D")
display(Markdown(f"# {t('report_title', language)}: {shop.name}"))''', []),
    ("code", '''display(Markdown(f"## {t('data_quality', language)}\\n\\n{t('data_quality_intro', language)}"))
display(quality_table(shop, language))
fig = plot_quality(shop, language)
if fig is None:
    display(Markdown(t("no_problems", language)))''', []),
    ("code", '''figures = headline_figures(shop, summary)
display(Markdown(f"## {t('customer_summary', language)}"))
shown = pd.DataFrame(
    {t("figure", language): [t(k, language) for k in figures], t("value", language): [
        f"{v:.1%}" if k == "repeat_rate" else (f"{v:,.2f} {shop.currency}" if k == "mean_order_value" else f"{v:,}")
        for k, v in figures.items()]}
)
display(shown.style.hide(axis="index"))
fig = plot_frequency(summary, language)
record(output_dir, {"shop": shop.name, "observation_end": shop.observation_end, "currency": shop.currency, **figures,
                    "rows_read": int(shop.data_quality.query("action == 'read'")["rows"].sum()),
                    "rows_dropped": int(shop.data_quality.query("action == 'dropped'")["rows"].sum())})''', []),
    ("code", '''# Checked golden numbers (nbval, lax mode): the demo shop's summary must agree with its orders
assert figures["orders"] == shop.count("orders")
assert figures["customers"] == shop.sql("SELECT count(DISTINCT customer_id) AS n FROM orders")["n"].iloc[0]''', []),
]

NOTEBOOKS = {"01_data_quality.ipynb": DATA_QUALITY}


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nbformat.write(notebook(cells), str(ROOT / "notebooks" / name))
        print("wrote", ROOT / "notebooks" / name)


if __name__ == "__main__":
    main()
