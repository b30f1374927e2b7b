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
# # Buy till you die: purchase models against the known truth
#
# A customer of a web shop never tells us that she has left. The BG/NBD model (Fader, Hardie & Lee, 2005)
# explains the purchases we *do* see with two hidden processes:
#
# * while active, a customer buys at her own rate λ (a Poisson process; λ varies over customers as a Gamma(r, α));
# * after every purchase she may drop out for good with probability p (p varies as a Beta(a, b)).
#
# From each customer's **frequency** (repeat purchases), **recency** (time of the last purchase since the first)
# and **T** (time since the first purchase) the model estimates r, α, a and b, and from those P(alive) and the
# purchases to expect. Here we use a *simulated* shop, so we know the true values and can check the model.

# %%
import pandas as pd
from journeylab.models.clv import CustomerValueModel
from journeylab.report.plots import frequency_recency_heatmap
from journeylab.report.teaching import check, course_shop, true_bgnbd

course = course_shop(n_customers, seed=seed)
summary = course.summary
summary[["frequency", "recency", "T", "monetary_value", "involvement"]].describe(include="all").T

# %% [markdown]
# ## Low-involvement buyers (household, drugstore)
# We fit BG/NBD on the customers whose first order was a low-involvement product, with time in weeks,
# and put the estimates next to the truth the simulator used.

# %%
low = summary[summary["involvement"] == "low"]
model_low = CustomerValueModel("bgnbd", spend=None, time_unit="weeks").fit(low)
table = model_low.params_.set_index("parameter")[["estimate", "lower_95", "upper_95"]]
table["truth"] = true_bgnbd(course.truth, "low")
table["truth inside 95% interval"] = table["truth"].between(table["lower_95"], table["upper_95"])
table

# %%
fig = frequency_recency_heatmap(model_low, kind="p_alive", lang=language)

# %% [markdown]
# ## Exercises
# **1.** Fit the same model on the *high*-involvement buyers. What is the estimate of r?

# %% tags=["exercise"]
answer_1 = None  # your code: fit on the high-involvement buyers, take the estimate of r
model_high = CustomerValueModel("bgnbd", spend=None, time_unit="weeks").fit(summary[summary["involvement"] == "high"])
check(answer_1, model_high.params_.set_index("parameter").loc["r", "estimate"], tolerance=1e-6, lang=language)

# %% tags=["solution"]
# Solution
model_high = CustomerValueModel("bgnbd", spend=None, time_unit="weeks").fit(summary[summary["involvement"] == "high"])
answer_1 = model_high.params_.set_index("parameter").loc["r", "estimate"]
assert check(answer_1, model_high.params_.set_index("parameter").loc["r", "estimate"], tolerance=1e-6, lang=language)

# %% [markdown]
# **2.** What share of the low-involvement buyers does the model think is still active
# (the mean P(alive))? Compare it with the true share that is alive at the end (`low["alive_at_end"].mean()`).

# %% tags=["exercise"]
answer_2 = None  # your code: the mean P(alive) of the low-involvement buyers
check(answer_2, low["alive_at_end"].mean(), tolerance=0.05, lang=language)

# %% tags=["solution"]
# Solution
answer_2 = model_low.predict(1, unit="weeks")["p_alive"].mean()
assert check(answer_2, low["alive_at_end"].mean(), tolerance=0.05, lang=language)

# %% [markdown]
# **3.** Why are the intervals of the high-involvement fit so much wider? (Think of how many
# repeat purchases the model has to learn from.) Count the high-involvement buyers with at least one repeat purchase.

# %% tags=["exercise"]
answer_3 = None  # your code: number of high-involvement buyers with frequency > 0
check(answer_3, int((summary.loc[summary["involvement"] == "high", "frequency"] > 0).sum()), lang=language)

# %% tags=["solution"]
# Solution
answer_3 = int((summary.loc[summary["involvement"] == "high", "frequency"] > 0).sum())
assert check(answer_3, int((summary.loc[summary["involvement"] == "high", "frequency"] > 0).sum()), lang=language)
