# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
# Parameters (Papermill replaces these; the defaults build the demo report)
shop_config = "../data/demo/shop.yaml"
language = "en"
output_dir = None

# %%
import pandas as pd

import journeylab as jl
jl.quiet_warnings()
from journeylab.i18n import format_money, format_number, format_percent, t
from journeylab.report.page import Page
from journeylab.report.quality import headline_figures, plot_frequency, plot_quality, quality_table, table_counts
from journeylab.report.run import record
from journeylab.report.sections import section_intro

shop = jl.load_shop(shop_config)
page = Page(language, currency=shop.currency, output_dir=output_dir)
summary = jl.customer_summary(shop, freq="D")

# %%
page.heading(t("data_quality", language))
page.text(section_intro("data_quality", language))
fig = plot_quality(shop, language)
page.figure(fig)
if fig is None:
    page.text(t("no_problems", language))
page.table(quality_table(shop, language), name="data_quality", hide_index=True, money=[t("revenue", language)])

# %%
figures = headline_figures(shop, summary)
page.heading(t("customer_summary", language))
page.text(section_intro("customer_summary", language))
shown = pd.DataFrame(
    {t("figure", language): [t(k, language) for k in figures], t("value", language): [
        format_percent(v, language) if k == "repeat_rate" else
        format_money(v, shop.currency, language, 2) if k == "mean_order_value" else format_number(v, language)
        for k, v in figures.items()]}
)
page.figure(plot_frequency(summary, language))
page.table(shown, hide_index=True)
record(output_dir, {"shop": shop.name, "observation_end": shop.observation_end, "currency": shop.currency, **figures,
                    "tables": table_counts(shop)})

# %%
# Checked golden numbers (nbval, lax mode): the demo shop's summary must agree with its orders
assert figures["orders"] == shop.count("orders")
assert figures["customers"] == shop.sql("SELECT count(DISTINCT customer_id) AS n FROM orders")["n"].iloc[0]
