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
clv_horizon_months = 12
discount_rate = 0.10  # per year

# %%
import pandas as pd

import journeylab as jl
jl.quiet_warnings()
from journeylab.i18n import format_date, t
from journeylab.report.page import Page
from journeylab.report.plots import (calibration_holdout_plot, clv_distribution_plot, frequency_recency_heatmap,
                                     status_plot)
from journeylab.report.run import record
from journeylab.report.safe import fill
from journeylab.report.sections import (CUSTOMER_DECIMALS, customer_table, group_label, independence_text, model_notes,
                                        section_intro, status_counts, status_table, value_message, value_models)

shop = jl.load_shop(shop_config)
page = Page(language, currency=shop.currency, output_dir=output_dir)
outcome = value_models(shop, horizon_months=clv_horizon_months, discount_rate=discount_rate, lang=language,
                       output_dir=output_dir)
value = outcome.value
page.heading(t("churn_clv", language))
page.text(section_intro("churn_clv", language))
if value is not None:
    page.figure(status_plot(status_counts(value), language))  # the key chart: customers by status and level
message = value_message(outcome, language)
if message:
    page.text(message)

# %%
if value is not None:
    page.heading(t("model_comparison", language), level=3)
    if value.calibration_end is not None:
        page.text(fill(t("holdout_note", language), cal=format_date(value.calibration_end, language)))
    for note in model_notes(value, language):
        page.text(note)
    for name, g in value.groups.items():
        if g.comparison is not None:
            page.heading(group_label(name, language), level=4)
            page.figure(calibration_holdout_plot(g.comparison, language))
    if any(g.comparison is not None for g in value.groups.values()):
        page.text(t("appendix_see_models", language))  # the models' scores and parameters: 06_appendix

# %%
if value is not None and value.ok:
    for name, g in value.groups.items():
        if g.model is None or (g.model.independence_ is None and g.tier != "full"):
            continue  # nothing to show under the heading (its parameters are in the appendix)
        page.heading(fill("{model_used}, {group}: {label}", model_used=t("chosen_model", language),
                          group=group_label(name, language), label=g.label), level=3)
        if g.model.independence_ is not None:
            page.heading(t("independence", language), level=4)
            page.text(independence_text(g.model.independence_, language))
        part = value.summary[value.summary["group"] == name]
        if g.tier == "full":
            page.figure(frequency_recency_heatmap(g.model, kind="p_alive", lang=language,
                                                  max_frequency=max(5, int(part["frequency"].quantile(0.99)))))
    p = value.predictions
    if p["clv"].notna().any():
        page.figure(clv_distribution_plot(p[p["clv"].notna()], currency=shop.currency, lang=language,
                                          horizon=clv_horizon_months, unit="months"))

# %%
if value is not None:
    p = value.predictions
    page.heading(t("churn_status_counts", language), level=3)
    page.table(status_table(value, language), name="churn_status")
    top = p[p["clv"].notna()].sort_values("clv", ascending=False).head(10)[
        ["p_alive", "expected_purchases", "expected_spend_per_order", "clv", "status"]]
    if len(top):
        page.heading(t("top_customers", language), level=3)
        page.table(customer_table(top, language), percent=["p_alive"], money=["expected_spend_per_order", "clv"],
                   decimals=CUSTOMER_DECIMALS)
    record(output_dir, {"clv_model": {k: g.label for k, g in value.groups.items()},
                        "clv_total": float(p["clv"].sum()) if p["clv"].notna().any() else None,
                        "churn_status": p["status"].astype(str).value_counts().to_dict()})

# %%
# Checked golden numbers (nbval, lax mode): P(alive) is a probability or withheld, CLV finite or withheld
if value is not None:
    p = value.predictions
    assert p["p_alive"].dropna().between(0, 1).all()
    assert p["clv"].dropna().abs().lt(1e12).all() and len(p) == len(value.summary)
