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
phase_model = "five"  # or "four", "six"

# %%
import pandas as pd

import journeylab as jl
jl.quiet_warnings()
from journeylab.journey.funnel import consideration_summary
from journeylab.i18n import t
from journeylab.report.display import (FUNNEL_DECIMALS, consideration_table, funnel_table, phase_counts_table,
                                       transition_table)
from journeylab.journey.phases import phase_counts, phase_name
from journeylab.report.page import Page
from journeylab.report.plots_journey import (attribution_plot, cohort_plot, consideration_plot, funnel_plot,
                                      phase_flow_plot, phase_plot)
from journeylab.report.run import record
from journeylab.report.safe import fill
from journeylab.report.sections import attempt, section_intro, value_models

shop = jl.load_shop(shop_config)
page = Page(language, currency=shop.currency, output_dir=output_dir)
value = value_models(shop, horizon_months=clv_horizon_months, discount_rate=discount_rate, lang=language,
                     output_dir=output_dir)
phases = jl.journey_phases(shop, model=phase_model, value=value.value)
rules = phases.attrs["rules"]  # the phase model in use: its phases' words (phase_name), a client's own included
page.heading(t("journey_section", language))
page.text(section_intro("journey_section", language))
if phases.attrs.get("needs_events"):
    page.text(fill(t("orders_only_note", language),
                   phases=", ".join(phase_name(rules, p, language) for p in phases.attrs["needs_events"])))

# %%
page.figure(phase_plot(phases, by="involvement" if "involvement" in phases else None, lang=language))  # key chart
counts = phase_counts(phases, by="status")
page.table(phase_counts_table(counts, language, rules), name="phase_counts", worded_columns=True)
page.text(t("appendix_see_rules", language))  # the rule table (and tables/phase_rules.csv): 06_appendix
record(output_dir, {"phases": phases["phase"].value_counts().to_dict()})

# %%
end = shop.observation_end
flows = jl.phase_flows(shop, dates=[end - pd.DateOffset(months=6), end], model=phase_model)
page.heading(t("phase_flows", language), level=3)
page.figure(phase_flow_plot(flows, lang=language))
for (start, stop), matrix in zip(zip(flows["dates"], flows["dates"][1:]), flows["transitions"]):
    page.table(transition_table(matrix, start, stop, language, flows["rules"]), worded_columns=True)

# %%
page.heading(t("cohorts", language), level=3)
cohorts = attempt(lambda: jl.cohort_retention(shop, max_months=12), language)
if cohorts.ok:
    page.figure(cohort_plot(cohorts.value, lang=language))
else:
    page.text(t("no_orders", language))

# %%
if shop.has("events"):
    result = jl.funnel(shop, breakdown="involvement")
    page.heading(t("funnel", language), level=3)
    page.figure(funnel_plot(result, lang=language))
    page.table(funnel_table(result.table, language).set_index(["group", "step"]), name="funnel",
               percent=["step_conversion", "overall_conversion"], decimals=FUNNEL_DECIMALS)
    page.heading(t("after_drop_off", language), level=4)
    page.table(funnel_table(result.next_after_drop_off, language).set_index(["stopped_after", "next_event"]),
               name="after_drop_off",
               percent=["share"])
    cons = jl.consideration(shop)
    page.heading(t("consideration", language), level=3)
    page.figure(consideration_plot(cons, lang=language))
    considered = consideration_summary(cons)
    # the medians here, every statistic in the appendix; numbers as text: persons whole, days one decimal
    page.table(consideration_table(considered, language, stats=("median",)))
    page.text(t("appendix_see_consideration", language))
    page.export(consideration_table(considered, language, formatted=False), "consideration")
    attr = jl.attribution(shop, by_involvement=True)
    page.heading(t("attribution", language), level=3)
    page.figure(attribution_plot(attr, lang=language))
    page.export(attr, "attribution", hide_index=True)
    last = result.table[result.table["step_no"] == result.table["step_no"].max()]
    record(output_dir, {"funnel_overall_conversion": dict(zip(last["group"], last["overall_conversion"].astype(float)))})
else:
    page.text(t("needs_events", language))
