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

# %%

# %% tags=["parameters"]
# Parameters (Papermill replaces these; the defaults build the demo report)
shop_config = "../data/demo/shop.yaml"
language = "en"
output_dir = None
clv_horizon_months = 12
discount_rate = 0.10  # per year
phase_model = "five"  # or "four", "six"
audiences = None  # a client's own audiences file (report: audiences:), else journeylab/audiences.yaml

# %%
# The glossary, then the appendix: the technical tables of the sections before it, from the run's shared
# results (journeylab.report.sections.cached), so nothing is fitted twice.
import journeylab as jl
jl.quiet_warnings()
from journeylab.i18n import t
from journeylab.journey.phases import phase_rules
from journeylab.journey.involvement import involvement_data
from journeylab.report.display import comparison_table, kpi_table, phase_rule_table
from journeylab.report.page import Page
from journeylab.report.safe import fill
from journeylab.report.sections import (bullets, glossary, group_label, involvement_comparison, parameter_table,
                                        section_intro, value_models)

shop = jl.load_shop(shop_config)
page = Page(language, currency=shop.currency, output_dir=output_dir)
page.heading(t("glossary", language))
page.text(section_intro("glossary", language))
page.text(bullets(glossary(language, clv_horizon_months)))

# %%
value = value_models(shop, horizon_months=clv_horizon_months, discount_rate=discount_rate, lang=language,
                     output_dir=output_dir)
page.heading(t("appendix", language))
page.text(section_intro("appendix", language))
groups = value.value.groups if value.ok else {}
scored = {name: g for name, g in groups.items() if g.comparison is not None}
fitted = {name: g for name, g in groups.items() if g.model is not None}
page.heading(t("model_scores", language), level=3)
cols = ["label", "holdout_actual_total", "holdout_predicted_total", "total_error_pct", "mae", "rmse", "correlation"]
for name, g in scored.items():
    page.heading(group_label(name, language), level=4)
    page.table(g.comparison.metrics[cols].set_index("label"), name=f"model_comparison_{name}")
if not scored:
    page.text(t("appendix_no_models", language))
if fitted:
    page.heading(t("parameters", language), level=3)
for name, g in fitted.items():
    page.heading(fill("{model_used}, {group}: {label}", model_used=t("chosen_model", language),
                      group=group_label(name, language), label=g.label), level=4)
    page.table(parameter_table(g.model.params_, language))

# %%
page.heading(t("comparison_full", language), level=3)
comparison = involvement_comparison(shop, value, horizon_months=clv_horizon_months, lang=language,
                                    output_dir=output_dir)
if comparison.ok:
    page.table(comparison_table(comparison.value, language), name="low_vs_high", hide_index=True)
    page.text(t(comparison.value.attrs["method"], language))
    page.heading(t("phase_kpis", language), level=3)
    kpis = jl.phase_kpis(shop, data=involvement_data(shop, clv_horizon_months, value=value.value))
    page.table(kpi_table(kpis, language), name="phase_kpis")
else:
    page.text(comparison.message)

# %%
# the consideration table with every statistic (section 04 shows the medians)
if shop.has("events"):
    from journeylab.journey.funnel import consideration_summary
    from journeylab.report.display import consideration_table
    from journeylab.report.sections import attempt

    cons = attempt(lambda: consideration_summary(jl.consideration(shop)), language)
    if cons.ok and not cons.value.empty:
        page.heading(t("consideration_full", language), level=3)
        page.table(consideration_table(cons.value, language))

# %%
# The report phases people with the phase model's rules as they are (journeylab.journey.phases.journey_phases
# without rules of its own), so the rule table is the model's.
rules = phase_rules(phase_model)
page.heading(t("phase_rules", language), level=3)
page.table(phase_rule_table(rules, language, phase_model), hide_index=True)
_ = page.export(rules[["phase", "needs", "rule"]], "phase_rules", hide_index=True)  # the SQL, for a technical reader

# %%
# How many people each audience holds today (`journeylab audiences` writes their lists), from the report's value model
from journeylab.report.sections import attempt

from journeylab.report.sections import persons

people = persons(shop, value, phase_model=phase_model, horizon_months=clv_horizon_months, discount_rate=discount_rate,
                 lang=language, output_dir=output_dir)  # the run's per-person frame, shared with its snapshot
found = attempt(lambda: jl.audiences(shop, lang=language, source=audiences, value=value.value if value.ok else None,
                                     phase_model=phase_model, horizon_months=clv_horizon_months,
                                     discount_rate=discount_rate, frame=people.value if people.ok else None),
                language)
page.heading(t("audiences_heading", language), level=3)
if found.ok:
    page.text(t("audiences_intro", language))
    counts = found.value.counts()
    page.table(counts[["name", "persons"]].rename(columns={"name": "audience"}), name="audiences", hide_index=True)
else:
    page.text(found.message)

# %%
# Since the last report of this shop: where people moved (phase and RFM segment) and the figures per phase, each
# change judged against noise (journeylab.journey.history); a first report says there is nothing to compare with
from journeylab.journey.history import history_label
from journeylab.report.history import kpi_change_table, migration_plot, what_changed
from journeylab.report.sections import since_last

changes = since_last(shop, value, phase_model=phase_model, horizon_months=clv_horizon_months,
                     discount_rate=discount_rate, lang=language, output_dir=output_dir)
page.heading(history_label("since_last_heading", language), level=3)
if not changes.ok:
    page.text(changes.message)
else:
    page.text(what_changed(changes.value, language, shop.currency))
    if not changes.value.first_run:
        page.text(history_label("migration_intro", language))
        for column in ("phase", "segment"):
            page.figure(migration_plot(changes.value.migration[column], column, language, rules=rules))
        page.heading(history_label("kpi_changes_heading", language), level=4)
        page.table(kpi_change_table(changes.value.kpis, language, shop.currency, rules), name="phase_kpi_changes",
                   hide_index=True)
        page.text(history_label("kpi_changes_note", language))
