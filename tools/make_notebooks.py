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


PARAMS = """# Parameters (Papermill replaces these; the defaults build the demo report)
shop_config = "../data/demo/shop.yaml"
language = "en"
output_dir = None"""

DATA_QUALITY = [
    ("code", PARAMS, ["parameters"]),
    ("code", '''import pandas as pd

import journeylab as jl
jl.quiet_warnings()
from journeylab.i18n import t
from journeylab.report.page import Page
from journeylab.report.quality import headline_figures, plot_frequency, plot_quality, quality_table
from journeylab.report.run import record

shop = jl.load_shop(shop_config)
page = Page(language, currency=shop.currency, output_dir=output_dir)
summary = jl.customer_summary(shop, freq="D")
''', []),
    ("code", '''page.heading(t("data_quality", language))
page.text(t("data_quality_intro", language))
page.table(quality_table(shop, language), name="data_quality", hide_index=True)
fig = plot_quality(shop, language)
page.figure(fig)
if fig is None:
    page.text(t("no_problems", language))''', []),
    ("code", '''figures = headline_figures(shop, summary)
page.heading(t("customer_summary", language))
shown = pd.DataFrame(
    {t("figure", language): [t(k, language) for k in figures], t("value", language): [
        "–" if pd.isna(v) else f"{v:.1%}" if k == "repeat_rate" else
        (f"{v:,.2f} {shop.currency}" if k == "mean_order_value" else f"{v:,}")
        for k, v in figures.items()]}
)
page.table(shown, hide_index=True)
page.figure(plot_frequency(summary, language))
record(output_dir, {"shop": shop.name, "observation_end": shop.observation_end, "currency": shop.currency, **figures,
                    "rows_read": int(shop.data_quality.query("action == 'read'")["rows"].sum()),
                    "rows_dropped": int(shop.data_quality.query("action == 'dropped'")["rows"].sum())})''', []),
    ("code", '''# Checked golden numbers (nbval, lax mode): the demo shop's summary must agree with its orders
assert figures["orders"] == shop.count("orders")
assert figures["customers"] == shop.sql("SELECT count(DISTINCT customer_id) AS n FROM orders")["n"].iloc[0]''', []),
]

PARAMS_MODELS = PARAMS + """
clv_horizon_months = 12
discount_rate = 0.10  # per year"""

EXECUTIVE = [
    ("code", PARAMS_MODELS, ["parameters"]),
    ("code", '''import pandas as pd

import journeylab as jl
jl.quiet_warnings()
from journeylab.i18n import t
from journeylab.report.page import Page
from journeylab.report.run import record
from journeylab.report.safe import fill
from journeylab.report.sections import headline, value_message, value_models

shop = jl.load_shop(shop_config)
page = Page(language, currency=shop.currency, output_dir=output_dir)
value = value_models(shop, horizon_months=clv_horizon_months, discount_rate=discount_rate, lang=language,
                     output_dir=output_dir)
figures = headline(shop, value)
page.heading(fill("{title}: {shop}", title=t("report_title", language), shop=shop.name), level=1)
page.heading(t("executive_summary", language))''', []),
    ("code", '''pct = lambda v: "–" if v is None else f"{v:.1%}"
rows = [
    (t("customers", language), f"{figures['customers']:,}"),
    (t("revenue_total", language), f"{figures['revenue']:,.0f} {shop.currency}"),
    (t("repeat_rate", language), pct(figures["repeat_rate"])),
    (t("share_at_risk_or_lost", language), pct(figures["share_at_risk_or_lost"])),
    (t("clv_total", language).format(h=clv_horizon_months),
     "–" if figures["clv_total"] is None else f"{figures['clv_total']:,.0f} {shop.currency}"),
]
page.table(pd.DataFrame(rows, columns=[t("figure", language), t("value", language)]), name="headline",
           hide_index=True)
message = value_message(value, language)
if message:
    page.text(message)
elif figures["too_early_share"]:
    page.text(fill(t("too_early_note", language), n=int(round(figures["too_early_share"] * figures["customers"]))))
record(output_dir, {"headline": figures})''', []),
    ("code", '''from journeylab.report.sections import attempt, involvement_comparison

comparison = involvement_comparison(shop, value, horizon_months=clv_horizon_months, lang=language,
                                    output_dir=output_dir)
found = attempt(lambda: jl.findings(lang=language, comparison=comparison.value), language) if comparison.ok \\
    else comparison
top = found.value.head(3) if found.ok else pd.DataFrame(columns=["id", "phase", "p_value"])
page.heading(t("findings", language), level=3)
if not found.ok:
    page.text(found.message)
elif top.empty:
    page.text(t("no_findings", language))
for row in top.itertuples():
    page.text(fill("**{rank}. {finding}**  \\n{action}  \\n<small>{evidence}; {certainty}</small>", rank=row.rank,
                   finding=row.finding, action=row.action, evidence=row.evidence, certainty=row.certainty))
record(output_dir, {"findings": top[["id", "phase", "p_value"]].to_dict("records")})''', []),
]

JOURNEY = [
    ("code", PARAMS_MODELS + '\nphase_model = "five"  # or "four", "six"', ["parameters"]),
    ("code", '''import pandas as pd

import journeylab as jl
jl.quiet_warnings()
from journeylab.journey.funnel import consideration_summary
from journeylab.i18n import t, translate_metric
from journeylab.journey.phases import phase_counts
from journeylab.report.page import Page
from journeylab.report.plots_journey import (attribution_plot, cohort_plot, consideration_plot, funnel_plot,
                                      phase_flow_plot, phase_plot)
from journeylab.report.run import record
from journeylab.report.sections import attempt, value_models

shop = jl.load_shop(shop_config)
page = Page(language, currency=shop.currency, output_dir=output_dir)
value = value_models(shop, horizon_months=clv_horizon_months, discount_rate=discount_rate, lang=language,
                     output_dir=output_dir)
phases = jl.journey_phases(shop, model=phase_model, value=value.value)
page.heading(t("journey_section", language))
if phases.attrs.get("note"):
    page.text(phases.attrs["note"])''', []),
    ("code", '''counts = phase_counts(phases, by="status")
page.table(counts, name="phase_counts")
page.figure(phase_plot(phases, by="involvement" if "involvement" in phases else None, lang=language))
page.heading(t("phase_rules", language), level=3)
rules = phases.attrs["rules"]
cols = ["phase_nl", "needs", "rule", "description_nl"] if language == "nl" else ["phase", "needs", "rule", "description"]
page.table(rules[[c for c in cols if c in rules]], name="phase_rules", hide_index=True)
record(output_dir, {"phases": phases["phase"].value_counts().to_dict()})''', []),
    ("code", '''end = shop.observation_end
flows = jl.phase_flows(shop, dates=[end - pd.DateOffset(months=6), end], model=phase_model)
page.heading(t("phase_flows", language), level=3)
page.figure(phase_flow_plot(flows, lang=language))
for matrix in flows["transitions"]:
    page.table(matrix)''', []),
    ("code", '''page.heading(t("cohorts", language), level=3)
cohorts = attempt(lambda: jl.cohort_retention(shop, max_months=12), language)
if cohorts.ok:
    page.figure(cohort_plot(cohorts.value, lang=language))
else:
    page.text(t("no_orders", language))''', []),
    ("code", '''if shop.has("events"):
    result = jl.funnel(shop, breakdown="involvement")
    page.heading(t("funnel", language), level=3)
    page.table(result.table.set_index(["group", "step"]), name="funnel",
               percent=["step_conversion", "overall_conversion"])
    page.figure(funnel_plot(result, lang=language))
    page.heading(t("after_drop_off", language), level=4)
    page.table(result.next_after_drop_off.set_index(["stopped_after", "next_event"]), name="after_drop_off",
               percent=["share"])
    cons = jl.consideration(shop)
    page.heading(t("consideration", language), level=3)
    summary_table = consideration_summary(cons).T
    summary_table.index = [translate_metric(i, language) for i in summary_table.index]
    summary_table.columns = [translate_metric(c, language) if c not in ("low", "high") else t(c, language) for c in summary_table.columns]
    page.table(summary_table, name="consideration")
    page.figure(consideration_plot(cons, lang=language))
    attr = jl.attribution(shop, by_involvement=True)
    page.heading(t("attribution", language), level=3)
    page.figure(attribution_plot(attr, lang=language))
    page.export(attr, "attribution", hide_index=True)
    last = result.table[result.table["step_no"] == result.table["step_no"].max()]
    record(output_dir, {"funnel_overall_conversion": dict(zip(last["group"], last["overall_conversion"].astype(float)))})
else:
    page.text(t("needs_events", language))''', []),
]

INVOLVEMENT = [
    ("code", PARAMS_MODELS, ["parameters"]),
    ("code", '''import pandas as pd

import journeylab as jl
jl.quiet_warnings()
from journeylab.report.display import comparison_table
from journeylab.i18n import t, translate_metric
from journeylab.journey.involvement import involvement_data
from journeylab.report.page import Page
from journeylab.report.plots_journey import comparison_plot
from journeylab.report.run import record
from journeylab.report.sections import attempt, involvement_comparison, model_choice_line, value_models

shop = jl.load_shop(shop_config)
page = Page(language, currency=shop.currency, output_dir=output_dir)
page.heading(t("involvement_section", language))
levels = attempt(lambda: jl.classify_involvement(shop), language)
if levels.ok:
    evidence = ["level", "source", "median_price", "price_ratio", "repeat_rate", "interpurchase_days", "consideration_days", "score"]
    page.table(levels.value[[c for c in evidence if c in levels.value]], name="involvement_levels",
               percent=["repeat_rate"])
else:
    page.text(levels.message)''', []),
    ("code", '''if levels.ok:
    value = value_models(shop, horizon_months=clv_horizon_months, discount_rate=discount_rate, lang=language,
                         output_dir=output_dir)
    outcome = involvement_comparison(shop, value, horizon_months=clv_horizon_months, lang=language,
                                     output_dir=output_dir)
    levels = outcome if not outcome.ok else levels
    if not outcome.ok:
        page.text(outcome.message)
if levels.ok:
    comparison = outcome.value
    for level, m in comparison.attrs["models"].items():
        page.text(model_choice_line(level, m, language))
    page.table(comparison_table(comparison, language), name="low_vs_high", hide_index=True)
    page.figure(comparison_plot(comparison, lang=language))
    page.heading(t("phase_kpis", language), level=3)
    kpis = jl.phase_kpis(shop, data=involvement_data(shop, clv_horizon_months, value=value.value))
    kpis.index = pd.MultiIndex.from_tuples([(translate_metric(p, language), translate_metric(k, language)) for p, k in kpis.index])
    page.table(kpis, name="phase_kpis")''', []),
    ("code", '''if levels.ok:
    found = jl.findings(shop, lang=language, comparison=comparison)
    page.heading(t("findings", language), level=3)
    if found.empty:
        page.text(t("no_findings", language))
    else:
        page.table(found[["rank", "phase", "finding", "action", "certainty"]], name="findings", hide_index=True)
    record(output_dir, {"involvement_metrics": int(len(comparison))})''', []),
]

CUSTOMERS_RFM = [
    ("code", PARAMS, ["parameters"]),
    ("code", '''import journeylab as jl
jl.quiet_warnings()
from journeylab.i18n import t, translate_metric
from journeylab.report.page import Page
from journeylab.report.plots import segment_plot
from journeylab.report.run import record
from journeylab.models.rfm import rfm_segments, segment_table
from journeylab.report.sections import rfm_rule_text

shop = jl.load_shop(shop_config)
page = Page(language, currency=shop.currency, output_dir=output_dir)
summary = jl.customer_summary(shop, freq="D") if shop.count("orders") else None
page.heading(t("customers_rfm", language))
if summary is None:
    page.text(t("no_orders", language))
else:
    rfm = rfm_segments(summary)
    table = segment_table(rfm, language)''', []),
    ("code", '''if summary is not None:
    shown = table.drop(columns=["action", "phase"])
    page.table(shown, name="rfm_segments", percent=["share", "revenue_share"], money=["revenue", "mean_monetary"])
    page.figure(segment_plot(table, language))''', []),
    ("code", '''if summary is not None:
    page.heading(t("suggested_action", language), level=3)
    page.table(table[["phase", "action"]].assign(
        phase=table["phase"].map(lambda p: translate_metric(p, language))).rename(
        columns={"action": "suggested_action"}), name="rfm_actions")
    page.heading(t("rfm_rule", language), level=3)
    page.text(rfm_rule_text(rfm, language))
    record(output_dir, {"rfm_segments": table["customers"].to_dict()})''', []),
    ("code", '''# Checked golden numbers (nbval, lax mode): every customer is in exactly one segment
if summary is not None:
    n = shop.sql("SELECT count(DISTINCT customer_id) AS n FROM orders")["n"].iloc[0]
    assert table["customers"].sum() == len(summary) == n and abs(table["share"].sum() - 1) < 1e-9''', []),
]

CHURN_CLV = [
    ("code", PARAMS_MODELS, ["parameters"]),
    ("code", '''import pandas as pd

import journeylab as jl
jl.quiet_warnings()
from journeylab.i18n import t
from journeylab.report.page import Page
from journeylab.report.plots import calibration_holdout_plot, clv_distribution_plot, frequency_recency_heatmap
from journeylab.report.run import record
from journeylab.report.safe import fill
from journeylab.report.sections import (group_label, model_notes, parameter_table, status_table, value_message,
                                 value_models)

shop = jl.load_shop(shop_config)
page = Page(language, currency=shop.currency, output_dir=output_dir)
outcome = value_models(shop, horizon_months=clv_horizon_months, discount_rate=discount_rate, lang=language,
                       output_dir=output_dir)
value = outcome.value
page.heading(t("churn_clv", language))
message = value_message(outcome, language)
if message:
    page.text(message)''', []),
    ("code", '''if value is not None:
    page.heading(t("model_comparison", language), level=3)
    if value.calibration_end is not None:
        page.text(fill(t("holdout_note", language), cal=f"{value.calibration_end:%Y-%m-%d}"))
    for note in model_notes(value, language):
        page.text(note)
    cols = ["label", "holdout_actual_total", "holdout_predicted_total", "total_error_pct", "mae", "rmse", "correlation"]
    for name, g in value.groups.items():
        if g.comparison is not None:
            page.heading(group_label(name, language), level=4)
            page.table(g.comparison.metrics[cols], name=f"model_comparison_{name}")
            page.figure(calibration_holdout_plot(g.comparison, language))''', []),
    ("code", '''if value is not None and value.ok:
    for name, g in value.groups.items():
        if g.model is None:
            continue
        page.heading(fill("{model_used}, {group}: {label}", model_used=t("chosen_model", language),
                          group=group_label(name, language), label=g.label), level=3)
        page.heading(t("parameters", language), level=4)
        page.table(parameter_table(g.model.params_, language))
        if g.model.independence_ is not None:
            page.heading(t("independence", language), level=4)
            page.text(g.model.independence_["message"])
        part = value.summary[value.summary["group"] == name]
        if g.tier == "full":
            page.figure(frequency_recency_heatmap(g.model, kind="p_alive", lang=language,
                                                  max_frequency=max(5, int(part["frequency"].quantile(0.99)))))
    p = value.predictions
    if p["clv"].notna().any():
        page.figure(clv_distribution_plot(p[p["clv"].notna()], currency=shop.currency, lang=language,
                                          horizon=clv_horizon_months, unit="months"))''', []),
    ("code", '''if value is not None:
    p = value.predictions
    page.heading(t("churn_status_counts", language), level=3)
    page.table(status_table(value, language), name="churn_status")
    top = p[p["clv"].notna()].sort_values("clv", ascending=False).head(10)[
        ["p_alive", "expected_purchases", "expected_spend_per_order", "clv", "status"]]
    if len(top):
        page.heading(t("top_customers", language), level=3)
        page.table(top, percent=["p_alive"], money=["expected_spend_per_order", "clv"])
    record(output_dir, {"clv_model": {k: g.label for k, g in value.groups.items()},
                        "clv_total": float(p["clv"].sum()) if p["clv"].notna().any() else None,
                        "churn_status": p["status"].astype(str).value_counts().to_dict()})''', []),
    ("code", '''# Checked golden numbers (nbval, lax mode): P(alive) is a probability or withheld, CLV finite or withheld
if value is not None:
    p = value.predictions
    assert p["p_alive"].dropna().between(0, 1).all()
    assert p["clv"].dropna().abs().lt(1e12).all() and len(p) == len(value.summary)''', []),
]

NOTEBOOKS = {
    "00_executive_summary.ipynb": EXECUTIVE,
    "01_data_quality.ipynb": DATA_QUALITY,
    "02_customers_rfm.ipynb": CUSTOMERS_RFM,
    "03_churn_clv.ipynb": CHURN_CLV,
    "04_journey_funnels.ipynb": JOURNEY,
    "05_involvement.ipynb": INVOLVEMENT,
}


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        nbformat.write(notebook(cells), str(ROOT / "notebooks" / name))
        print("wrote", ROOT / "notebooks" / name)


if __name__ == "__main__":
    main()


# ---------------------------------------------------------------- teaching path
# ("exercise", exercise source, solution source): the course notebook gets the first, the copy in
# teaching/solutions/ the second. Both are executed by the tests.
TEACH_PARAMS = '''# Parameters
seed = 7
n_customers = 4000
language = "en"'''

BTYD = [
    ("code", TEACH_PARAMS, ["parameters"]),
    ("markdown", """# Buy till you die: purchase models against the known truth

A customer of a web shop never tells us that she has left. The BG/NBD model (Fader, Hardie & Lee, 2005)
explains the purchases we *do* see with two hidden processes:

* while active, a customer buys at her own rate λ (a Poisson process; λ varies over customers as a Gamma(r, α));
* after every purchase she may drop out for good with probability p (p varies as a Beta(a, b)).

From each customer's **frequency** (repeat purchases), **recency** (time of the last purchase since the first)
and **T** (time since the first purchase) the model estimates r, α, a and b, and from those P(alive) and the
purchases to expect. Here we use a *simulated* shop, so we know the true values and can check the model.""", []),
    ("code", '''import pandas as pd
from journeylab.models.clv import CustomerValueModel
from journeylab.report.plots import frequency_recency_heatmap
from journeylab.report.teaching import check, course_shop, true_bgnbd

course = course_shop(n_customers, seed=seed)
summary = course.summary
summary[["frequency", "recency", "T", "monetary_value", "involvement"]].describe(include="all").T''', []),
    ("markdown", """## Low-involvement buyers (household, drugstore)
We fit BG/NBD on the customers whose first order was a low-involvement product, with time in weeks,
and put the estimates next to the truth the simulator used.""", []),
    ("code", '''low = summary[summary["involvement"] == "low"]
model_low = CustomerValueModel("bgnbd", spend=None, time_unit="weeks").fit(low)
table = model_low.params_.set_index("parameter")[["estimate", "lower_95", "upper_95"]]
table["truth"] = true_bgnbd(course.truth, "low")
table["truth inside 95% interval"] = table["truth"].between(table["lower_95"], table["upper_95"])
table''', []),
    ("code", '''fig = frequency_recency_heatmap(model_low, kind="p_alive", lang=language)''', []),
    ("markdown", """## Exercises
**1.** Fit the same model on the *high*-involvement buyers. What is the estimate of r?""", []),
    ("exercise", '''answer_1 = None  # your code: fit on the high-involvement buyers, take the estimate of r
model_high = CustomerValueModel("bgnbd", spend=None, time_unit="weeks").fit(summary[summary["involvement"] == "high"])
check(answer_1, model_high.params_.set_index("parameter").loc["r", "estimate"], tolerance=1e-6, lang=language)''',
     '''model_high = CustomerValueModel("bgnbd", spend=None, time_unit="weeks").fit(summary[summary["involvement"] == "high"])
answer_1 = model_high.params_.set_index("parameter").loc["r", "estimate"]
assert check(answer_1, model_high.params_.set_index("parameter").loc["r", "estimate"], tolerance=1e-6, lang=language)'''),
    ("markdown", """**2.** What share of the low-involvement buyers does the model think is still active
(the mean P(alive))? Compare it with the true share that is alive at the end (`low["alive_at_end"].mean()`).""", []),
    ("exercise", '''answer_2 = None  # your code: the mean P(alive) of the low-involvement buyers
check(answer_2, low["alive_at_end"].mean(), tolerance=0.05, lang=language)''',
     '''answer_2 = model_low.predict(1, unit="weeks")["p_alive"].mean()
assert check(answer_2, low["alive_at_end"].mean(), tolerance=0.05, lang=language)'''),
    ("markdown", """**3.** Why are the intervals of the high-involvement fit so much wider? (Think of how many
repeat purchases the model has to learn from.) Count the high-involvement buyers with at least one repeat purchase.""", []),
    ("exercise", '''answer_3 = None  # your code: number of high-involvement buyers with frequency > 0
check(answer_3, int((summary.loc[summary["involvement"] == "high", "frequency"] > 0).sum()), lang=language)''',
     '''answer_3 = int((summary.loc[summary["involvement"] == "high", "frequency"] > 0).sum())
assert check(answer_3, int((summary.loc[summary["involvement"] == "high", "frequency"] > 0).sum()), lang=language)'''),
]

RFM_COURSE = [
    ("code", TEACH_PARAMS, ["parameters"]),
    ("markdown", """# RFM: recency, frequency, monetary value

RFM scores every customer 1–5 on how recently she bought (R), how often (F) and how much (M), and
names segments from the scores: Champions, Loyal Customers, At Risk, Lost, … Each segment belongs to a
phase of the customer journey (purchase, upsell, ambassador) and comes with a suggested action.""", []),
    ("code", '''from journeylab.report.plots import segment_plot
from journeylab.models.rfm import rfm_segments, segment_table
from journeylab.report.teaching import check, course_shop

course = course_shop(n_customers, seed=seed)
rfm = rfm_segments(course.summary)
table = segment_table(rfm, language)
print(rfm.attrs["f_rule"])
table''', []),
    ("code", '''fig = segment_plot(table, language)''', []),
    ("markdown", """## Exercises
**1.** Which segment brings in the largest share of revenue?""", []),
    ("exercise", '''answer_1 = None  # your code: the name of the segment with the largest revenue_share
check(answer_1, table["revenue_share"].idxmax(), lang=language)''',
     '''answer_1 = table["revenue_share"].idxmax()
assert check(answer_1, table["revenue_share"].idxmax(), lang=language)'''),
    ("markdown", """**2.** The simulator knows who really dropped out. What share of the customers in the
segment "Lost" is truly no longer alive at the end? (Use `course.summary["alive_at_end"]`.)""", []),
    ("exercise", '''answer_2 = None  # your code
lost = rfm.index[rfm["segment"] == "Lost"]
check(answer_2, 1 - course.summary.loc[lost, "alive_at_end"].mean(), tolerance=1e-9, lang=language)''',
     '''lost = rfm.index[rfm["segment"] == "Lost"]
answer_2 = 1 - course.summary.loc[lost, "alive_at_end"].mean()
assert check(answer_2, 1 - course.summary.loc[lost, "alive_at_end"].mean(), tolerance=1e-9, lang=language)
assert 0 <= answer_2 <= 1'''),
    ("markdown", """Surprised? Many "Lost" customers are still alive: they buy rarely (think of a mattress), so a long
time since the last order does not mean they left. RFM recency cannot tell a slow buyer from a lost one;
a purchase model's P(alive) weighs the time since the last order against the customer's own rhythm
(see the next notebook).""", []),
]

JOURNEY_COURSE = [
    ("code", TEACH_PARAMS, ["parameters"]),
    ("markdown", """# The customer journey and its phases

A web shop sees its customers go through phases: **awareness** (first visits, no product interest yet),
**consideration** (product views, comparisons, carts, return visits), **purchase** (a first order),
**upsell / repeat** (two or more orders, or a second category) and **ambassador** (a loyal top customer
who writes reviews or refers others). In the data each phase is a *rule*; journeylab keeps those rules
in a table you can read and change. Over the phases lies a status: active, at risk or lost.""", []),
    ("code", '''import journeylab as jl
jl.quiet_warnings()
from journeylab.report.plots_journey import funnel_plot, phase_plot
from journeylab.report.teaching import check, course_shop

course = course_shop(n_customers, seed=seed)
shop = course.shop
phases = jl.journey_phases(shop)
phases.attrs["rules"]''', []),
    ("code", '''fig = phase_plot(phases, by="involvement", lang=language)
phases["phase"].value_counts()''', []),
    ("markdown", """The simulator knows which phase every person really reached. How well do the rules find it?""", []),
    ("code", '''truth = course.truth.customers.set_index("user_id")["phase"].replace({"repeat": "upsell"})
found = phases.set_index("user_id")["phase"] if "user_id" in phases else phases["phase"]
both = truth.to_frame("true").join(found.rename("found"), how="inner")
pd_cross = both.value_counts().unstack(fill_value=0)
pd_cross''', []),
    ("markdown", """## The funnel
From a product view to a purchase, per session, split by low and high involvement.""", []),
    ("code", '''result = jl.funnel(shop, breakdown="involvement")
fig = funnel_plot(result, lang=language)
result.table''', []),
    ("markdown", """## Exercises
**1.** What share of the sessions with a product view of a *high*-involvement product ends in a purchase
(the overall conversion of the last step)?""", []),
    ("exercise", '''answer_1 = None  # your code: from result.table
t = result.table
check(answer_1, float(t[(t["group"] == "high") & (t["step"] == "purchase")]["overall_conversion"].iloc[0]), tolerance=1e-9, lang=language)''',
     '''t = result.table
answer_1 = float(t[(t["group"] == "high") & (t["step"] == "purchase")]["overall_conversion"].iloc[0])
assert check(answer_1, float(t[(t["group"] == "high") & (t["step"] == "purchase")]["overall_conversion"].iloc[0]), tolerance=1e-9, lang=language)'''),
    ("markdown", """**2.** Low- vs high-involvement: how many days, as a median, do high-involvement buyers take from
their first visit to their first purchase? Use `jl.consideration(shop)` and compare with the truth
(`course.truth.customers`, column `days_to_purchase`).""", []),
    ("exercise", '''answer_2 = None  # your code: median days_from_first_visit of the high-involvement buyers
truth_days = course.truth.customers.query("involvement == 'high' and is_buyer")["days_to_purchase"].median()
check(answer_2, truth_days, tolerance=2.0, lang=language)''',
     '''cons = jl.consideration(shop)
answer_2 = cons.loc[cons["involvement"] == "high", "days_from_first_visit"].median()
truth_days = course.truth.customers.query("involvement == 'high' and is_buyer")["days_to_purchase"].median()
assert check(answer_2, truth_days, tolerance=2.0, lang=language)'''),
]

INVOLVEMENT_COURSE = [
    ("code", TEACH_PARAMS, ["parameters"]),
    ("markdown", """# Low vs high involvement

Dish soap and kitchen roll are bought on impulse and promotion, often again (low involvement). A mattress or a
bicycle takes weeks of comparing, reviews and guarantees decide, and it is rarely bought twice (high
involvement). journeylab classifies each category and compares every journey metric between the two levels,
with 95% intervals and a test, so a difference is never just a pair of numbers.""", []),
    ("code", '''import journeylab as jl
jl.quiet_warnings()
from journeylab.report.display import comparison_table
from journeylab.report.teaching import check, course_shop

course = course_shop(n_customers, seed=seed)
shop = course.shop
jl.classify_involvement(shop)''', []),
    ("code", '''comparison = jl.compare_involvement(shop, n_boot=200)
comparison_table(comparison, language).head(12)''', []),
    ("code", '''jl.findings(shop, lang=language, comparison=comparison)[["rank", "phase", "finding", "action"]]''', []),
    ("markdown", """## Exercises
**1.** From the comparison table: what is the repeat rate (2+ orders) of low-involvement buyers?""", []),
    ("exercise", '''answer_1 = None  # your code: comparison.loc[comparison["metric"] == ..., "low"]
row = comparison[comparison["metric"].str.startswith("repeat rate")].iloc[0]
check(answer_1, row["low"], tolerance=1e-9, lang=language)''',
     '''row = comparison[comparison["metric"].str.startswith("repeat rate")].iloc[0]
answer_1 = row["low"]
assert check(answer_1, row["low"], tolerance=1e-9, lang=language)'''),
    ("markdown", """**2.** Is the true repeat rate of the simulation inside the interval? The truth: the share of
low-involvement buyers with at least one repeat purchase (`course.truth.customers`, `n_repeat > 0`).""", []),
    ("exercise", '''answer_2 = None  # True or False
people = course.truth.customers.query("is_buyer and involvement == 'low'")
true_rate = (people["n_repeat"] > 0).mean()
check(answer_2, bool(row["low_lower"] - 0.02 <= true_rate <= row["low_upper"] + 0.02), lang=language)''',
     '''people = course.truth.customers.query("is_buyer and involvement == 'low'")
true_rate = (people["n_repeat"] > 0).mean()
answer_2 = bool(row["low_lower"] - 0.02 <= true_rate <= row["low_upper"] + 0.02)
assert check(answer_2, True, lang=language)'''),
]

TEACHING = {
    "00_journey_phases.ipynb": JOURNEY_COURSE,
    "01_rfm.ipynb": RFM_COURSE,
    "02_buy_till_you_die.ipynb": BTYD,
    "03_low_vs_high_involvement.ipynb": INVOLVEMENT_COURSE,
}


def teaching_notebooks() -> None:
    for name, cells in TEACHING.items():
        for folder, pick in (("teaching", 1), ("teaching/solutions", 2)):
            plain = [(k if k != "exercise" else "code", c[pick] if k == "exercise" else c[1], c[2] if k != "exercise" else [])
                     for c in cells for k in [c[0]]]
            path = ROOT / "notebooks" / folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(notebook(plain), str(path))
            print("wrote", path)


if __name__ == "__main__":
    teaching_notebooks()
