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
# # Low vs high involvement
#
# Dish soap and kitchen roll are bought on impulse and promotion, often again (low involvement). A mattress or a
# bicycle takes weeks of comparing, reviews and guarantees decide, and it is rarely bought twice (high
# involvement). journeylab classifies each category and compares every journey metric between the two levels,
# with 95% intervals and a test, so a difference is never just a pair of numbers.

# %%
import journeylab as jl
jl.quiet_warnings()
from journeylab.report.display import comparison_table
from journeylab.report.teaching import check, course_shop

course = course_shop(n_customers, seed=seed)
shop = course.shop
jl.classify_involvement(shop)

# %%
comparison = jl.compare_involvement(shop, n_boot=200)
comparison_table(comparison, language).head(12)

# %%
jl.findings(shop, lang=language, comparison=comparison)[["rank", "phase", "finding", "action"]]

# %% [markdown]
# ## Exercises
# **1.** From the comparison table: what is the repeat rate (2+ orders) of low-involvement buyers?

# %% tags=["exercise"]
answer_1 = None  # your code: comparison.loc[comparison["metric"] == ..., "low"]
row = comparison[comparison["metric"] == "repeat_rate"].iloc[0]
check(answer_1, row["low"], tolerance=1e-9, lang=language)

# %% tags=["solution"]
# Solution
row = comparison[comparison["metric"] == "repeat_rate"].iloc[0]
answer_1 = row["low"]
assert check(answer_1, row["low"], tolerance=1e-9, lang=language)

# %% [markdown]
# **2.** Is the true repeat rate of the simulation inside the interval? The truth: the share of
# low-involvement buyers with at least one repeat purchase (`course.truth.customers`, `n_repeat > 0`).

# %% tags=["exercise"]
answer_2 = None  # True or False
people = course.truth.customers.query("is_buyer and involvement == 'low'")
true_rate = (people["n_repeat"] > 0).mean()
check(answer_2, bool(row["low_lower"] - 0.02 <= true_rate <= row["low_upper"] + 0.02), lang=language)

# %% tags=["solution"]
# Solution
people = course.truth.customers.query("is_buyer and involvement == 'low'")
true_rate = (people["n_repeat"] > 0).mean()
answer_2 = bool(row["low_lower"] - 0.02 <= true_rate <= row["low_upper"] + 0.02)
assert check(answer_2, True, lang=language)
