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
import journeylab as jl
jl.quiet_warnings()
from journeylab.i18n import t
from journeylab.report.page import Page
from journeylab.report.plots import segment_plot
from journeylab.report.run import record
from journeylab.models.rfm import rfm_segments, segment_table
from journeylab.report.sections import SEGMENT_DECIMALS, rfm_rule_text, section_intro, segment_actions

shop = jl.load_shop(shop_config)
page = Page(language, currency=shop.currency, output_dir=output_dir)
summary = jl.customer_summary(shop, freq="D") if shop.count("orders") else None
page.heading(t("customers_rfm", language))
page.text(section_intro("customers_rfm", language))
if summary is None:
    page.text(t("no_orders", language))
else:
    rfm = rfm_segments(summary)
    table = segment_table(rfm, language)

# %%
if summary is not None:
    page.figure(segment_plot(table, language))  # the key chart first, its table after
    shown = table.drop(columns=["action", "phase"])
    page.table(shown, name="rfm_segments", percent=["share", "revenue_share"], money=["revenue", "mean_monetary"],
               decimals=SEGMENT_DECIMALS)

# %%
if summary is not None:
    page.heading(t("segment_actions", language), level=3)
    page.table(segment_actions(table, language), name="rfm_actions")
    page.heading(t("rfm_rule", language), level=3)
    page.text(rfm_rule_text(rfm, language))
    record(output_dir, {"rfm_segments": rfm["segment"].value_counts(sort=False).to_dict()})  # by segment id

# %%
# Checked golden numbers (nbval, lax mode): every customer is in exactly one segment
if summary is not None:
    n = shop.sql("SELECT count(DISTINCT customer_id) AS n FROM orders")["n"].iloc[0]
    assert table["customers"].sum() == len(summary) == n and abs(table["share"].sum() - 1) < 1e-9
