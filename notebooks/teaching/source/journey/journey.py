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

# %% [markdown]
# # 1 · The customer journey and its phases / De klantreis en haar fasen
# Choose the language of the lesson in the next cell (`"en"` English, `"nl"` Nederlands) and run all cells.
# / Kies in de volgende cel de taal van de les (`"en"` Engels, `"nl"` Nederlands) en voer alle cellen uit.

# %% tags=["parameters"]
language = "en"
n_customers = 1500  # the simulated shop: buyers (plus as many visitors who never buy)
seed = 7

# %%
import pandas as pd

import journeylab as jl
from journeylab.i18n import event_label, phase_label
from journeylab.journey.phases import phase_description
from journeylab.report.plots_journey import funnel_plot, phase_plot
from journeylab.report.teaching import course_shop, lesson_texts

jl.quiet_warnings()
texts, say = lesson_texts(language)
course = course_shop(n_customers, seed=seed)
shop = course.shop
say("intro")

# %%
phases = jl.journey_phases(shop)
rules = phases.attrs["rules"]
say("rules")
rules.assign(who=rules["phase"].map(lambda p: phase_description(rules, p, language)))[["phase", "needs", "who"]]

# %%
counts = phases["phase"].value_counts()
buyers = int(phases["n_orders"].gt(0).sum())
say("counts", people=len(phases), buyers=buyers, visitors=len(phases) - buyers,
    largest=phase_label(counts.idxmax(), language), n_largest=int(counts.max()))
fig = phase_plot(phases, by="involvement", lang=language)

# %%
# The simulator knows the phase every person truly reached ("repeat" is the upsell phase's name there).
people = course.truth.customers.assign(person_id=lambda d: d["customer_id"].fillna(d["user_id"]))
truth = people.set_index("person_id")["phase"].replace({"repeat": "upsell"})
both = truth.to_frame("true").join(phases["phase"].rename("found"), how="inner")
crosstab = pd.crosstab(both["true"], both["found"])
say("truth")
crosstab

# %%
say("ex1")

# %% nbgrader={"grade": false, "grade_id": "journey_ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
answer_1 = float((both["true"] == both["found"]).mean())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "journey_ex1_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert 0 <= answer_1 <= 1, "answer_1 is a share between 0 and 1"
### BEGIN HIDDEN TESTS
assert abs(answer_1 - (both["true"] == both["found"]).mean()) < 1e-9
### END HIDDEN TESTS

# %%
off = both[both["true"] != both["found"]].value_counts()
(true_phase, found_phase), n_off = off.index[0], int(off.iloc[0])
say("confusion", true=phase_label(true_phase, language), found=phase_label(found_phase, language), n=n_off,
    share=n_off / int(off.sum()))

# %%
result = jl.funnel(shop, breakdown="involvement")
table = result.table
steps = table[table["step_no"] > 1].assign(lost=lambda d: 1 - d["step_conversion"])
worst = steps.loc[steps.groupby("group")["lost"].idxmax()].set_index("group")
say("funnel", high_step=event_label(worst.loc["high", "step"], language), high_lost=worst.loc["high", "lost"],
    low_step=event_label(worst.loc["low", "step"], language), low_lost=worst.loc["low", "lost"])
fig = funnel_plot(result, lang=language)
table

# %%
say("ex2")

# %% nbgrader={"grade": false, "grade_id": "journey_ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
last = table[(table["group"] == "high") & (table["step"] == "purchase")]
answer_2 = float(last["overall_conversion"].iloc[0])
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "journey_ex2_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert 0 <= answer_2 <= 1, "answer_2 is a share between 0 and 1"
### BEGIN HIDDEN TESTS
_t = result.table
assert abs(answer_2 - _t[(_t["group"] == "high") & (_t["step"] == "purchase")]["overall_conversion"].iloc[0]) < 1e-9
### END HIDDEN TESTS

# %%
say("ex3")

# %% nbgrader={"grade": false, "grade_id": "journey_ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
consideration = jl.consideration(shop)
answer_3 = float(consideration.loc[consideration["involvement"] == "high", "sessions_from_first_visit"].mean())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "journey_ex3_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert answer_3 >= 1, "answer_3 is a number of sessions (the purchase session counts)"
### BEGIN HIDDEN TESTS
_c = jl.consideration(shop)
assert abs(answer_3 - _c.loc[_c["involvement"] == "high", "sessions_from_first_visit"].mean()) < 1e-6
### END HIDDEN TESTS

# %%
_c = jl.consideration(shop).groupby("involvement")["days_from_first_visit"].median()
_true = course.truth.customers.query("is_buyer").groupby("involvement")["days_to_purchase"].median()
say("consideration_truth", high=_c["high"], low=_c["low"], true_high=_true["high"], true_low=_true["low"])
say("reading")
