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
# # 4 · RFM: segments and an action per phase / RFM: segmenten en een actie per fase
# Choose the language of the lesson in the next cell (`"en"` English, `"nl"` Nederlands) and run all cells.
# / Kies in de volgende cel de taal van de les (`"en"` Engels, `"nl"` Nederlands) en voer alle cellen uit.

# %% tags=["parameters"]
language = "en"
n_customers = 1500  # the simulated shop: buyers (plus as many visitors who never buy)
seed = 7

# %%
import pandas as pd

from journeylab.i18n import segment_label
from journeylab.models.rfm import rfm_segments, segment_table
from journeylab.report.plots import segment_plot
from journeylab.report.sections import rfm_rule_text
from journeylab.report.teaching import course_shop, lesson_texts

texts, say = lesson_texts(language)
course = course_shop(n_customers, seed=seed)
summary = course.summary  # one row per customer: frequency, recency, T (weeks), monetary value, and the truth
rfm = rfm_segments(summary)
table = segment_table(rfm, language)
say("intro", customers=len(rfm), rule=rfm_rule_text(rfm, language))  # how this shop was scored, in its language
table

# %%
fig = segment_plot(table, language)

# %%
say("ex1")

# %% nbgrader={"grade": false, "grade_id": "rfm_ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
answer_1 = table["revenue_share"].idxmax()
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "rfm_ex1_test", "locked": true, "points": 1, "schema_version": 3, "solution": false, "task": false}
assert isinstance(answer_1, str), "answer_1 is a segment's name (or its id)"
### BEGIN HIDDEN TESTS
_best = rfm.groupby("segment")["revenue"].sum().idxmax()
assert answer_1 in {_best, segment_label(_best, "en"), segment_label(_best, "nl")}
### END HIDDEN TESTS

# %%
say("ex2")

# %% nbgrader={"grade": false, "grade_id": "rfm_ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
lost = rfm.index[rfm["segment"] == "lost"]
answer_2 = float(1 - summary.loc[lost, "alive_at_end"].mean())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "rfm_ex2_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert 0 <= answer_2 <= 1, "answer_2 is a share between 0 and 1"
### BEGIN HIDDEN TESTS
assert abs(answer_2 - (1 - summary.loc[rfm.index[rfm["segment"] == "lost"], "alive_at_end"].mean())) < 1e-9
### END HIDDEN TESTS

# %%
# Who are the "Lost"? Computed from the data, so the text stays true when the shop changes.
_lost = summary.loc[rfm["segment"] == "lost"]
_low = summary[summary["involvement"] == "low"]
say("lost_who", n=len(_lost), n_low=int((_lost["involvement"] == "low").sum()),
    n_high=int((_lost["involvement"] == "high").sum()),
    lam_lost=_lost["lambda_per_week"].median() * 52, lam_low=_low["lambda_per_week"].median() * 52)
say("lost_alive_most" if _lost["alive_at_end"].mean() > 0.5 else "lost_alive_few")

# %%
say("ex3")

# %% nbgrader={"grade": false, "grade_id": "rfm_ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
at_risk = summary.loc[rfm["segment"] == "at_risk"]
answer_3 = float((at_risk["involvement"] == "high").mean())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "rfm_ex3_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert 0 <= answer_3 <= 1, "answer_3 is a share between 0 and 1"
### BEGIN HIDDEN TESTS
assert abs(answer_3 - (summary.loc[rfm["segment"] == "at_risk", "involvement"] == "high").mean()) < 1e-9
### END HIDDEN TESTS

# %%
_high = summary[summary["involvement"] == "high"]
_risk_high = _high[rfm.loc[_high.index, "segment"] == "at_risk"]
say("silence", n_high=len(_high), one_time=(_high["frequency"] == 0).mean(),
    gap_weeks=1 / _high["lambda_per_week"].median(), window_weeks=summary["T"].max(),
    alive=_risk_high["alive_at_end"].mean())
# the true share still alive at the end, per segment and involvement (empty: no such customers)
pd.crosstab(rfm["segment"].map(lambda s: segment_label(s, language)), summary["involvement"],
            values=summary["alive_at_end"], aggfunc="mean").round(2)

# %%
say("reading")
