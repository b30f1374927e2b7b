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
# # RFM: recency, frequency, monetary value
#
# RFM scores every customer 1–5 on how recently she bought (R), how often (F) and how much (M), and
# names segments from the scores: Champions, Loyal Customers, At Risk, Lost, … Each segment belongs to a
# phase of the customer journey (purchase, upsell, ambassador) and comes with a suggested action.
# `rfm_segments` gives each customer's segment as an id (`champions`, `at_risk`, `lost`, …);
# `segment_table` shows the segments' names and actions in the notebook's language.

# %%
from journeylab.report.plots import segment_plot
from journeylab.models.rfm import rfm_segments, segment_table
from journeylab.report.teaching import check, course_shop

course = course_shop(n_customers, seed=seed)
rfm = rfm_segments(course.summary)
table = segment_table(rfm, language)
print(rfm.attrs["f_rule"])
table

# %%
fig = segment_plot(table, language)

# %% [markdown]
# ## Exercises
# **1.** Which segment brings in the largest share of revenue?

# %% tags=["exercise"]
answer_1 = None  # your code: the name of the segment with the largest revenue_share
check(answer_1, table["revenue_share"].idxmax(), lang=language)

# %% tags=["solution"]
# Solution
answer_1 = table["revenue_share"].idxmax()
assert check(answer_1, table["revenue_share"].idxmax(), lang=language)

# %% [markdown]
# **2.** The simulator knows who really dropped out. What share of the customers in the
# segment "Lost" (id `lost` in `rfm["segment"]`) is truly no longer alive at the end? (Use
# `course.summary["alive_at_end"]`.)

# %% tags=["exercise"]
answer_2 = None  # your code
lost = rfm.index[rfm["segment"] == "lost"]
check(answer_2, 1 - course.summary.loc[lost, "alive_at_end"].mean(), tolerance=1e-9, lang=language)

# %% tags=["solution"]
# Solution
lost = rfm.index[rfm["segment"] == "lost"]
answer_2 = 1 - course.summary.loc[lost, "alive_at_end"].mean()
assert check(answer_2, 1 - course.summary.loc[lost, "alive_at_end"].mean(), tolerance=1e-9, lang=language)
assert 0 <= answer_2 <= 1

# %% [markdown]
# Surprised? Many "Lost" customers are still alive: they buy rarely (think of a mattress), so a long
# time since the last order does not mean they left. RFM recency cannot tell a slow buyer from a lost one;
# a purchase model's P(alive) weighs the time since the last order against the customer's own rhythm
# (see the next notebook).
