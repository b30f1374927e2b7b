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
import journeylab as jl
jl.quiet_warnings()
from journeylab.report.display import levels_table
from journeylab.i18n import phase_label, t
from journeylab.report.page import Page
from journeylab.report.plots_journey import key_metrics_plot
from journeylab.report.run import record
from journeylab.report.sections import attempt, involvement_comparison, model_choice_line, section_intro, value_models

shop = jl.load_shop(shop_config)
page = Page(language, currency=shop.currency, output_dir=output_dir)
page.heading(t("involvement_section", language))
page.text(section_intro("involvement_section", language))
levels = attempt(lambda: jl.classify_involvement(shop), language)

# %%
# the key chart first (the low/high differences per phase), then the models behind it and which categories
# are low or high; the full table and the KPIs per phase are in the appendix (06_appendix)
if levels.ok:
    value = value_models(shop, horizon_months=clv_horizon_months, discount_rate=discount_rate, lang=language,
                         output_dir=output_dir)
    outcome = involvement_comparison(shop, value, horizon_months=clv_horizon_months, lang=language,
                                     output_dir=output_dir)
if levels.ok and outcome.ok:
    comparison = outcome.value
    page.figure(key_metrics_plot(comparison, lang=language))
    page.text(t("appendix_see_comparison", language))
    for level, m in comparison.attrs["models"].items():
        page.text(model_choice_line(level, m, language))
if levels.ok:
    evidence = ["level", "source", "median_price", "price_ratio", "repeat_rate", "interpurchase_days", "consideration_days", "score"]
    page.table(levels_table(levels.value[[c for c in evidence if c in levels.value]], language),
               name="involvement_levels", percent=["repeat_rate"])
    if not outcome.ok:
        page.text(outcome.message)
        levels = outcome
else:
    page.text(levels.message)

# %%
if levels.ok:
    found = jl.findings(shop, lang=language, comparison=comparison)
    page.heading(t("findings", language), level=3)
    if found.empty:
        page.text(t("no_findings", language))
    else:
        shown = found.assign(phase=found["phase"].map(lambda p: phase_label(p, language)))
        page.table(shown[["rank", "phase", "finding", "action", "certainty"]], name="findings", hide_index=True)
    record(output_dir, {"involvement_metrics": int(len(comparison))})
