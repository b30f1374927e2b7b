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
# # 6 · Gamma-Gamma, customer lifetime value and discounting / Gamma-Gamma, klantwaarde en verdisconteren
# Choose the language of the lesson in the next cell (`"en"` English, `"nl"` Nederlands) and run all cells.
# / Kies in de volgende cel de taal van de les (`"en"` Engels, `"nl"` Nederlands) en voer alle cellen uit.

# %% tags=["parameters"]
language = "en"
n_customers = 1500  # the simulated shop: buyers (plus as many visitors who never buy)
seed = 7

# %%
import pandas as pd

from journeylab.errors import ModelError
from journeylab.models.clv import CustomerValueModel, annual_to_monthly
from journeylab.report.plots import clv_distribution_plot
from journeylab.report.teaching import course_shop, lesson_texts
from journeylab.simulate.truth import WEEKS_PER_MONTH, true_customer_figures

texts, say = lesson_texts(language)
course = course_shop(n_customers, seed=seed)
summary = course.summary  # frequency, recency, T (weeks), monetary_value (mean repeat order, EUR) and the truth
say("story")

# %%
low = summary[summary["involvement"] == "low"]
model = CustomerValueModel("bgnbd", spend="gammagamma", time_unit="weeks").fit(low)
spend_params = model.params_.set_index("parameter").loc[["p", "q", "v"], ["estimate", "lower_95", "upper_95"]]
p, q, v = spend_params["estimate"]
sim = course.truth.params["params"]  # the simulator's order values: Gamma(p, nu), nu ~ Gamma(q, gamma) per level
level_mean = {lv: sim[lv]["gamma_gamma"]["p"] * sim[lv]["gamma_gamma"]["gamma"] / (sim[lv]["gamma_gamma"]["q"] - 1)
              for lv in ("low", "high")}
truth = true_customer_figures(course.truth).reindex(low.index)  # per buyer: true expected spend per order
say("fit", n=len(low), n_repeat=int((low["frequency"] > 0).sum()), pop_mean=v * p / (q - 1),
    low_mean=level_mean["low"], high_mean=level_mean["high"], cross=sim["low"]["crossover_prob"],
    true_mean=truth["expected_spend_per_order"].mean())
spend_params

# %%
high = summary[summary["involvement"] == "high"]
try:
    CustomerValueModel("bgnbd", spend="gammagamma", time_unit="weeks").fit(high)
    say("high_fits", cross=sim["high"]["crossover_prob"])
except ModelError as error:
    say("high_refused", reason=error.text(language).rstrip("."), cross=sim["high"]["crossover_prob"])

# %%
independence = model.independence_
repeat = low[low["frequency"] > 0]
by_frequency = repeat.groupby(repeat["frequency"].clip(upper=7))["monetary_value"].agg(["size", "mean", "median"])
say("independence_ok" if independence["ok"] else "independence_not", r=independence["pearson_r"],
    rho=independence["spearman_rho"], n=independence["n"])
say("ranks_rise" if by_frequency["median"].iloc[-1] > by_frequency["median"].iloc[0] else "ranks_flat",
    median_1=by_frequency["median"].iloc[0], median_7=by_frequency["median"].iloc[-1],
    mean_1=by_frequency["mean"].iloc[0], mean_7=by_frequency["mean"].iloc[-1])
by_frequency

# %%
pred = model.predict(12, unit="months", discount_rate=0.0)  # spend per order: the same at any horizon and rate
weight_1 = p / (p + q - 1)  # the weight of her own mean for a customer with one repeat purchase
spend = pd.DataFrame({"own_mean": low["monetary_value"], "gamma_gamma": pred["expected_spend_per_order"],
                      "truth": truth["expected_spend_per_order"]})
error_own = (spend["own_mean"] - spend["truth"])[low["frequency"] > 0].abs().mean()
error_gg = (spend["gamma_gamma"] - spend["truth"])[low["frequency"] > 0].abs().mean()
say("shrinkage", weight_1=weight_1, pop_mean=v * p / (q - 1),
    one_time=pred.loc[low["frequency"] == 0, "expected_spend_per_order"].iloc[0])
say("shrinkage_helps" if error_gg < error_own else "shrinkage_no_help", error_own=error_own, error_gg=error_gg)

# %%
say("ex1")

# %% nbgrader={"grade": false, "grade_id": "clv_ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
once_again = low["frequency"] == 1
answer_1 = float(pred.loc[once_again, "expected_spend_per_order"].mean())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "clv_ex1_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert answer_1 > 0, "answer_1 is an amount of money per order, a positive number"
### BEGIN HIDDEN TESTS
_x1 = low["frequency"] == 1
_gg = model.spend_.conditional_expected_average_profit(low.loc[_x1, "frequency"], low.loc[_x1, "monetary_value"])
assert abs(answer_1 - _gg.mean()) < 1e-6 * _gg.mean()
### END HIDDEN TESTS

# %%
say("discounting", monthly=annual_to_monthly(0.10))

# %%
say("ex2")

# %% nbgrader={"grade": false, "grade_id": "clv_ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
answer_2 = float(model.predict(12, unit="months", discount_rate=0.10)["clv"].sum())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "clv_ex2_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert answer_2 > 0, "answer_2 is a total amount of money, a positive number"
### BEGIN HIDDEN TESTS
_steps = model.predict_arrays(12, unit="months", discount_rate=0.1)
assert abs(answer_2 - _steps["clv"].sum()) < 1e-6 * _steps["clv"].sum()
### END HIDDEN TESTS

# %%
_clv = model.predict(12, unit="months", discount_rate=0.10)
_true = true_customer_figures(course.truth, horizon_weeks=12 * WEEKS_PER_MONTH,
                              discount_rate_per_month=annual_to_monthly(0.10)).reindex(low.index)
say("clv_truth", clv=_clv["clv"].sum(), clv_true=_true["clv"].sum(),
    purchases=_clv["expected_purchases"].sum(), purchases_true=_true["expected_purchases"].sum(),
    spend=_clv["expected_spend_per_order"].mean(), spend_true=_true["expected_spend_per_order"].mean())
ax = clv_distribution_plot(_clv, currency="EUR", lang=language)

# %%
say("ex3")

# %% nbgrader={"grade": false, "grade_id": "clv_ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
clv_discounted = model.predict(36, unit="months", discount_rate=0.10)["clv"].sum()
clv_undiscounted = model.predict(36, unit="months", discount_rate=0.0)["clv"].sum()
answer_3 = float(1 - clv_discounted / clv_undiscounted)
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "clv_ex3_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert 0 <= answer_3 <= 1, "answer_3 is a share, between 0 and 1"
### BEGIN HIDDEN TESTS
_d = model.predict_arrays(36, unit="months", discount_rate=0.1)["clv"].sum()
_u = model.predict_arrays(36, unit="months", discount_rate=0)["clv"].sum()
assert abs(answer_3 - (_u - _d) / _u) < 1e-6
### END HIDDEN TESTS

# %%
_rates = (0.0, 0.10, 0.25)
_grid = pd.DataFrame({f"{rate:.0%}": [model.predict(months, unit="months", discount_rate=rate)["clv"].sum()
                                      for months in (12, 36, 60)] for rate in _rates},
                     index=pd.Index([12, 36, 60], name="months")).round(0)
say("grid", lost_12=1 - _grid.iloc[0, 1] / _grid.iloc[0, 0], lost_60=1 - _grid.iloc[2, 1] / _grid.iloc[2, 0],
    lost_60_25=1 - _grid.iloc[2, 2] / _grid.iloc[2, 0], growth=_grid.iloc[2, 1] / _grid.iloc[0, 1])
_grid

# %%
say("reading")
