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
from IPython.display import Markdown, display

import journeylab as jl
jl.quiet_warnings()
from journeylab.i18n import t
from journeylab.display import show
from journeylab.quality import headline_figures, plot_frequency, plot_quality, quality_table
from journeylab.report import record

pd.set_option("display.max_colwidth", 80)
shop = jl.load_shop(shop_config)
summary = jl.customer_summary(shop, freq="D")
''', []),
    ("code", '''display(Markdown(f"## {t('data_quality', language)}\\n\\n{t('data_quality_intro', language)}"))
display(quality_table(shop, language).style.hide(axis="index").format(precision=2))
fig = plot_quality(shop, language)
show(fig)
if fig is None:
    display(Markdown(t("no_problems", language)))''', []),
    ("code", '''figures = headline_figures(shop, summary)
display(Markdown(f"## {t('customer_summary', language)}"))
shown = pd.DataFrame(
    {t("figure", language): [t(k, language) for k in figures], t("value", language): [
        "–" if pd.isna(v) else f"{v:.1%}" if k == "repeat_rate" else
        (f"{v:,.2f} {shop.currency}" if k == "mean_order_value" else f"{v:,}")
        for k, v in figures.items()]}
)
display(shown.style.hide(axis="index"))
show(plot_frequency(summary, language))
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
from IPython.display import Markdown, display

import journeylab as jl
jl.quiet_warnings()
from journeylab.display import format_table, show
from journeylab.i18n import t
from journeylab.report import record
from journeylab.sections import headline, value_message, value_models

shop = jl.load_shop(shop_config)
value = value_models(shop, horizon_months=clv_horizon_months, discount_rate=discount_rate, lang=language,
                     output_dir=output_dir)
figures = headline(shop, value)
display(Markdown(f"# {t('report_title', language)}: {shop.name}\\n\\n## {t('executive_summary', language)}"))''', []),
    ("code", '''pct = lambda v: "–" if v is None else f"{v:.1%}"
rows = [
    (t("customers", language), f"{figures['customers']:,}"),
    (t("revenue_total", language), f"{figures['revenue']:,.0f} {shop.currency}"),
    (t("repeat_rate", language), pct(figures["repeat_rate"])),
    (t("share_at_risk_or_lost", language), pct(figures["share_at_risk_or_lost"])),
    (t("clv_total", language).format(h=clv_horizon_months),
     "–" if figures["clv_total"] is None else f"{figures['clv_total']:,.0f} {shop.currency}"),
]
display(pd.DataFrame(rows, columns=[t("figure", language), t("value", language)]).style.hide(axis="index"))
message = value_message(value, language)
if message:
    display(Markdown(message))
elif figures["too_early_share"]:
    display(Markdown(t("too_early_note", language).format(n=int(round(figures["too_early_share"] * figures["customers"])))))
record(output_dir, {"headline": figures})''', []),
    ("code", '''from journeylab.sections import attempt, involvement_comparison

comparison = involvement_comparison(shop, value, horizon_months=clv_horizon_months, lang=language,
                                    output_dir=output_dir)
found = attempt(lambda: jl.findings(lang=language, comparison=comparison.value), language) if comparison.ok \
    else comparison
top = found.value.head(3) if found.ok else pd.DataFrame(columns=["id", "phase", "p_value"])
display(Markdown(f"### {t('findings', language)}"))
if not found.ok:
    display(Markdown(found.message))
elif top.empty:
    display(Markdown(t("no_findings", language)))
for row in top.itertuples():
    display(Markdown(f"**{row.rank}. {row.finding}**  \\n{row.action}  \\n<small>{row.evidence}; {row.certainty}</small>"))
record(output_dir, {"findings": top[["id", "phase", "p_value"]].to_dict("records")})''', []),
]

JOURNEY = [
    ("code", PARAMS_MODELS + '\nphase_model = "five"  # or "four", "six"', ["parameters"]),
    ("code", '''import pandas as pd
from IPython.display import Markdown, display

import journeylab as jl
jl.quiet_warnings()
from journeylab.display import format_table, show
from journeylab.funnel import consideration_summary
from journeylab.i18n import t, translate_metric
from journeylab.journey import phase_counts
from journeylab.plots_journey import (attribution_plot, cohort_plot, consideration_plot, funnel_plot,
                                      phase_flow_plot, phase_plot)
from journeylab.report import record
from journeylab.sections import attempt, value_models

shop = jl.load_shop(shop_config)
value = value_models(shop, horizon_months=clv_horizon_months, discount_rate=discount_rate, lang=language,
                     output_dir=output_dir)
phases = jl.journey_phases(shop, model=phase_model, value=value.value)
display(Markdown(f"## {t('journey_section', language)}"))
if phases.attrs.get("note"):
    display(Markdown(phases.attrs["note"]))''', []),
    ("code", '''counts = phase_counts(phases, by="status")
display(counts)
show(phase_plot(phases, by="involvement" if "involvement" in phases else None, lang=language))
display(Markdown(f"### {t('phase_rules', language)}"))
rules = phases.attrs["rules"]
cols = ["phase_nl", "needs", "rule", "description_nl"] if language == "nl" else ["phase", "needs", "rule", "description"]
display(rules[[c for c in cols if c in rules]].style.hide(axis="index"))
record(output_dir, {"phases": phases["phase"].value_counts().to_dict()})''', []),
    ("code", '''end = shop.observation_end
flows = jl.phase_flows(shop, dates=[end - pd.DateOffset(months=6), end], model=phase_model)
display(Markdown(f"### {t('phase_flows', language)}"))
show(phase_flow_plot(flows, lang=language))
for matrix in flows["transitions"]:
    display(matrix)''', []),
    ("code", '''display(Markdown(f"### {t('cohorts', language)}"))
cohorts = attempt(lambda: jl.cohort_retention(shop, max_months=12), language)
if cohorts.ok:
    show(cohort_plot(cohorts.value, lang=language))
else:
    display(Markdown(t("no_orders", language)))''', []),
    ("code", '''if shop.has("events"):
    result = jl.funnel(shop, breakdown="involvement")
    display(Markdown(f"### {t('funnel', language)}"))
    display(format_table(result.table.set_index(["group", "step"]), language,
                         percent=["step_conversion", "overall_conversion"]))
    show(funnel_plot(result, lang=language))
    display(Markdown(f"#### {t('after_drop_off', language)}"))
    display(format_table(result.next_after_drop_off.set_index(["stopped_after", "next_event"]), language, percent=["share"]))
    cons = jl.consideration(shop)
    display(Markdown(f"### {t('consideration', language)}"))
    summary_table = consideration_summary(cons).T
    summary_table.index = [translate_metric(i, language) for i in summary_table.index]
    summary_table.columns = [translate_metric(c, language) if c not in ("low", "high") else t(c, language) for c in summary_table.columns]
    display(format_table(summary_table, language))
    show(consideration_plot(cons, lang=language))
    attr = jl.attribution(shop, by_involvement=True)
    display(Markdown(f"### {t('attribution', language)}"))
    show(attribution_plot(attr, lang=language))
    last = result.table[result.table["step_no"] == result.table["step_no"].max()]
    record(output_dir, {"funnel_overall_conversion": dict(zip(last["group"], last["overall_conversion"].astype(float)))})
else:
    display(Markdown(t("needs_events", language)))''', []),
]

INVOLVEMENT = [
    ("code", PARAMS_MODELS, ["parameters"]),
    ("code", '''import pandas as pd
from IPython.display import Markdown, display

import journeylab as jl
jl.quiet_warnings()
from journeylab.display import comparison_table, format_table, show
from journeylab.i18n import t, translate_metric
from journeylab.plots_journey import comparison_plot
from journeylab.report import record
from journeylab.involvement import involvement_data
from journeylab.sections import attempt, involvement_comparison, model_choice_line, value_models

shop = jl.load_shop(shop_config)
display(Markdown(f"## {t('involvement_section', language)}"))
levels = attempt(lambda: jl.classify_involvement(shop), language)
if levels.ok:
    evidence = ["level", "source", "median_price", "price_ratio", "repeat_rate", "interpurchase_days", "consideration_days", "score"]
    display(format_table(levels.value[[c for c in evidence if c in levels.value]], language, percent=["repeat_rate"]))
else:
    display(Markdown(levels.message))''', []),
    ("code", '''if levels.ok:
    value = value_models(shop, horizon_months=clv_horizon_months, discount_rate=discount_rate, lang=language,
                         output_dir=output_dir)
    outcome = involvement_comparison(shop, value, horizon_months=clv_horizon_months, lang=language,
                                     output_dir=output_dir)
    levels = outcome if not outcome.ok else levels
    if not outcome.ok:
        display(Markdown(outcome.message))
if levels.ok:
    comparison = outcome.value
    for level, m in comparison.attrs["models"].items():
        display(Markdown(model_choice_line(level, m, language)))
    display(comparison_table(comparison, language).style.hide(axis="index"))
    show(comparison_plot(comparison, lang=language))
    display(Markdown(f"### {t('phase_kpis', language)}"))
    kpis = jl.phase_kpis(shop, data=involvement_data(shop, clv_horizon_months, value=value.value))
    kpis.index = pd.MultiIndex.from_tuples([(translate_metric(p, language), translate_metric(k, language)) for p, k in kpis.index])
    display(format_table(kpis, language))''', []),
    ("code", '''if levels.ok:
    found = jl.findings(shop, lang=language, comparison=comparison)
    display(Markdown(f"### {t('findings', language)}"))
    if found.empty:
        display(Markdown(t("no_findings", language)))
    else:
        display(found[["rank", "phase", "finding", "action", "certainty"]].style.hide(axis="index"))
    record(output_dir, {"involvement_metrics": int(len(comparison))})''', []),
]

CUSTOMERS_RFM = [
    ("code", PARAMS, ["parameters"]),
    ("code", '''from IPython.display import Markdown, display

import journeylab as jl
jl.quiet_warnings()
from journeylab.display import format_table, show
from journeylab.i18n import t
from journeylab.plots import segment_plot
from journeylab.report import record
from journeylab.i18n import translate_metric
from journeylab.rfm import rfm_segments, segment_table
from journeylab.sections import rfm_rule_text

shop = jl.load_shop(shop_config)
summary = jl.customer_summary(shop, freq="D") if shop.count("orders") else None
display(Markdown(f"## {t('customers_rfm', language)}"))
if summary is None:
    display(Markdown(t("no_orders", language)))
else:
    rfm = rfm_segments(summary)
    table = segment_table(rfm, language)''', []),
    ("code", '''if summary is not None:
    shown = table.drop(columns=["action", "phase"])
    display(format_table(shown, language, percent=["share", "revenue_share"], money=["revenue", "mean_monetary"],
                         currency=shop.currency))
    show(segment_plot(table, language))''', []),
    ("code", '''if summary is not None:
    display(Markdown(f"### {t('suggested_action', language)}"))
    display(format_table(table[["phase", "action"]].assign(
        phase=table["phase"].map(lambda p: translate_metric(p, language))).rename(
        columns={"action": "suggested_action"}), language))
    display(Markdown(f"### {t('rfm_rule', language)}\\n\\n{rfm_rule_text(rfm, language)}"))
    record(output_dir, {"rfm_segments": table["customers"].to_dict()})''', []),
    ("code", '''# Checked golden numbers (nbval, lax mode): every customer is in exactly one segment
if summary is not None:
    n = shop.sql("SELECT count(DISTINCT customer_id) AS n FROM orders")["n"].iloc[0]
    assert table["customers"].sum() == len(summary) == n and abs(table["share"].sum() - 1) < 1e-9''', []),
]

CHURN_CLV = [
    ("code", PARAMS_MODELS, ["parameters"]),
    ("code", '''import pandas as pd
from IPython.display import Markdown, display

import journeylab as jl
jl.quiet_warnings()
from journeylab.display import format_table, show
from journeylab.i18n import t
from journeylab.plots import calibration_holdout_plot, clv_distribution_plot, frequency_recency_heatmap
from journeylab.report import record
from journeylab.sections import (group_label, model_notes, parameter_table, status_table, value_message,
                                 value_models)

shop = jl.load_shop(shop_config)
outcome = value_models(shop, horizon_months=clv_horizon_months, discount_rate=discount_rate, lang=language,
                       output_dir=output_dir)
value = outcome.value
display(Markdown(f"## {t('churn_clv', language)}"))
message = value_message(outcome, language)
if message:
    display(Markdown(message))''', []),
    ("code", '''if value is not None:
    display(Markdown(f"### {t('model_comparison', language)}"))
    if value.calibration_end is not None:
        display(Markdown(t("holdout_note", language).format(cal=f"{value.calibration_end:%Y-%m-%d}")))
    for note in model_notes(value, language):
        display(Markdown(note))
    cols = ["label", "holdout_actual_total", "holdout_predicted_total", "total_error_pct", "mae", "rmse", "correlation"]
    for name, g in value.groups.items():
        if g.comparison is not None:
            display(Markdown(f"#### {group_label(name, language)}"))
            display(format_table(g.comparison.metrics[cols], language))
            show(calibration_holdout_plot(g.comparison, language))''', []),
    ("code", '''if value is not None and value.ok:
    for name, g in value.groups.items():
        if g.model is None:
            continue
        display(Markdown(f"### {t('chosen_model', language)}, {group_label(name, language)}: {g.label}"))
        display(Markdown(f"#### {t('parameters', language)}"))
        display(format_table(parameter_table(g.model.params_, language), language))
        if g.model.independence_ is not None:
            display(Markdown(f"#### {t('independence', language)}\\n\\n{g.model.independence_['message']}"))
        part = value.summary[value.summary["group"] == name]
        if g.tier == "full":
            show(frequency_recency_heatmap(g.model, kind="p_alive", lang=language,
                                            max_frequency=max(5, int(part["frequency"].quantile(0.99)))))
    p = value.predictions
    if p["clv"].notna().any():
        show(clv_distribution_plot(p[p["clv"].notna()], currency=shop.currency, lang=language,
                                   horizon=clv_horizon_months, unit="months"))''', []),
    ("code", '''if value is not None:
    p = value.predictions
    display(Markdown(f"### {t('churn_status_counts', language)}"))
    display(status_table(value, language))
    top = p[p["clv"].notna()].sort_values("clv", ascending=False).head(10)[
        ["p_alive", "expected_purchases", "expected_spend_per_order", "clv", "status"]]
    if len(top):
        display(Markdown(f"### {t('top_customers', language)}"))
        display(format_table(top, language, percent=["p_alive"], money=["expected_spend_per_order", "clv"],
                             currency=shop.currency))
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
from journeylab.clv import CustomerValueModel
from journeylab.plots import frequency_recency_heatmap
from journeylab.teaching import check, course_shop, true_bgnbd

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
    ("code", '''from journeylab.plots import segment_plot
from journeylab.rfm import rfm_segments, segment_table
from journeylab.teaching import check, course_shop

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
from journeylab.plots_journey import funnel_plot, phase_plot
from journeylab.teaching import check, course_shop

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
from journeylab.display import comparison_table
from journeylab.teaching import check, course_shop

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
