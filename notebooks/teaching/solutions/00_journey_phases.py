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
# Parameters
seed = 7
n_customers = 4000
language = "en"

# %% [markdown]
# # The customer journey and its phases
#
# A web shop sees its customers go through phases: **awareness** (first visits, no product interest yet),
# **consideration** (product views, comparisons, carts, return visits), **purchase** (a first order),
# **upsell / repeat** (two or more orders, or a second category) and **ambassador** (a loyal top customer
# who writes reviews or refers others). In the data each phase is a *rule*; journeylab keeps those rules
# in a table you can read and change. Over the phases lies a status: active, at risk or lost.

# %%
import journeylab as jl
jl.quiet_warnings()
from journeylab.journey.phases import phase_description
from journeylab.report.plots_journey import funnel_plot, phase_plot
from journeylab.report.teaching import check, course_shop

course = course_shop(n_customers, seed=seed)
shop = course.shop
phases = jl.journey_phases(shop)
rules = phases.attrs["rules"]  # phase ids and their rules; who is in a phase, in words of your language:
rules.assign(who=rules["phase"].map(lambda p: phase_description(rules, p, language)))

# %%
fig = phase_plot(phases, by="involvement", lang=language)
phases["phase"].value_counts()

# %% [markdown]
# The simulator knows which phase every person really reached. How well do the rules find it?

# %%
truth = course.truth.customers.set_index("user_id")["phase"].replace({"repeat": "upsell"})
found = phases.set_index("user_id")["phase"] if "user_id" in phases else phases["phase"]
both = truth.to_frame("true").join(found.rename("found"), how="inner")
pd_cross = both.value_counts().unstack(fill_value=0)
pd_cross

# %% [markdown]
# ## The funnel
# From a product view to a purchase, per session, split by low and high involvement.

# %%
result = jl.funnel(shop, breakdown="involvement")
fig = funnel_plot(result, lang=language)
result.table

# %% [markdown]
# ## Exercises
# **1.** What share of the sessions with a product view of a *high*-involvement product ends in a purchase
# (the overall conversion of the last step)?

# %% tags=["exercise"]
answer_1 = None  # your code: from result.table
t = result.table
check(answer_1, float(t[(t["group"] == "high") & (t["step"] == "purchase")]["overall_conversion"].iloc[0]), tolerance=1e-9, lang=language)

# %% tags=["solution"]
# Solution
t = result.table
answer_1 = float(t[(t["group"] == "high") & (t["step"] == "purchase")]["overall_conversion"].iloc[0])
assert check(answer_1, float(t[(t["group"] == "high") & (t["step"] == "purchase")]["overall_conversion"].iloc[0]), tolerance=1e-9, lang=language)

# %% [markdown]
# **2.** Low- vs high-involvement: how many days, as a median, do high-involvement buyers take from
# their first visit to their first purchase? Use `jl.consideration(shop)` and compare with the truth
# (`course.truth.customers`, column `days_to_purchase`).

# %% tags=["exercise"]
answer_2 = None  # your code: median days_from_first_visit of the high-involvement buyers
truth_days = course.truth.customers.query("involvement == 'high' and is_buyer")["days_to_purchase"].median()
check(answer_2, truth_days, tolerance=2.0, lang=language)

# %% tags=["solution"]
# Solution
cons = jl.consideration(shop)
answer_2 = cons.loc[cons["involvement"] == "high", "days_from_first_visit"].median()
truth_days = course.truth.customers.query("involvement == 'high' and is_buyer")["days_to_purchase"].median()
assert check(answer_2, truth_days, tolerance=2.0, lang=language)
