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
# # 5 · Buy till you die: BG/NBD, MBG/NBD, Pareto/NBD / Kopen tot je afhaakt
# Choose the language of the lesson in the next cell (`"en"` English, `"nl"` Nederlands) and run all cells.
# / Kies in de volgende cel de taal van de les (`"en"` Engels, `"nl"` Nederlands) en voer alle cellen uit.

# %% tags=["parameters"]
language = "en"
n_customers = 1500  # the simulated shop: buyers (plus as many visitors who never buy)
seed = 7

# %%
from journeylab.models.clv import CustomerValueModel
from journeylab.report.plots import frequency_recency_heatmap
from journeylab.report.teaching import course_shop, lesson_texts, true_bgnbd

texts, say = lesson_texts(language)
course = course_shop(n_customers, seed=seed)
summary = course.summary  # frequency (repeat purchases), recency and T in weeks, and the simulator's truth
say("story")
say("likelihood")

# %%
low = summary[summary["involvement"] == "low"]
model_low = CustomerValueModel("bgnbd", spend=None, time_unit="weeks").fit(low)
params = model_low.params_.set_index("parameter")[["estimate", "lower_95", "upper_95"]]
params["truth"] = true_bgnbd(course.truth, "low")
params["inside"] = params["truth"].between(params["lower_95"], params["upper_95"])
say("fit", n=len(low), inside=int(params["inside"].sum()), k=len(params))
params

# %%
p_alive = model_low.predict(1, unit="weeks")["p_alive"]
one_time = low["frequency"] == 0
say("one_time", n_one=int(one_time.sum()), n=len(low), lo=p_alive[one_time].min(), hi=p_alive[one_time].max(),
    true_alive=low.loc[one_time, "alive_at_end"].mean())
fig = frequency_recency_heatmap(model_low, kind="p_alive", lang=language)

# %%
say("ex1")

# %% nbgrader={"grade": false, "grade_id": "btyd_ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
high = summary[summary["involvement"] == "high"]
model_high = CustomerValueModel("bgnbd", spend=None, time_unit="weeks").fit(high)
answer_1 = float(model_high.params_.set_index("parameter").loc["r", "estimate"])
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "btyd_ex1_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert answer_1 > 0, "answer_1 is the estimate of r, a positive number"
### BEGIN HIDDEN TESTS
_m = CustomerValueModel("bgnbd", spend=None, time_unit="weeks").fit(summary[summary["involvement"] == "high"])
assert abs(answer_1 - _m.params_.set_index("parameter").loc["r", "estimate"]) < 1e-4 * max(1.0, answer_1)
### END HIDDEN TESTS

# %%
_high = summary[summary["involvement"] == "high"]
_m = CustomerValueModel("bgnbd", spend=None, time_unit="weeks").fit(_high)
_p = _m.params_.set_index("parameter")
say("high_intervals", repeaters=int((_high["frequency"] > 0).sum()), n=len(_high),
    width_high=(_p["upper_95"] / _p["lower_95"]).loc["b"], width_low=(params["upper_95"] / params["lower_95"]).loc["b"])

# %%
say("ex2")

# %% nbgrader={"grade": false, "grade_id": "btyd_ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
answer_2 = float(model_low.predict(1, unit="weeks")["p_alive"].mean())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "btyd_ex2_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert 0 <= answer_2 <= 1, "answer_2 is a mean probability, between 0 and 1"
### BEGIN HIDDEN TESTS
assert abs(answer_2 - model_low.predict(1, unit="weeks")["p_alive"].mean()) < 1e-6
### END HIDDEN TESTS

# %%
_repeat = low["frequency"] > 0
say("p_alive_truth", model=p_alive[_repeat].mean(), truth=low.loc[_repeat, "alive_at_end"].mean())

# %%
say("ex3")

# %% nbgrader={"grade": false, "grade_id": "btyd_ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
model_mbg = CustomerValueModel("mbgnbd", spend=None, time_unit="weeks").fit(low)
mbg_alive = model_mbg.predict(1, unit="weeks")["p_alive"]
answer_3 = float(mbg_alive[low["frequency"] == 0].mean())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "btyd_ex3_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert 0 <= answer_3 <= 1, "answer_3 is a mean probability, between 0 and 1"
### BEGIN HIDDEN TESTS
_mbg = CustomerValueModel("mbgnbd", spend=None, time_unit="weeks").fit(low).predict(1, unit="weeks")["p_alive"]
assert abs(answer_3 - _mbg[low["frequency"] == 0].mean()) < 1e-6
### END HIDDEN TESTS

# %%
say("reading")
