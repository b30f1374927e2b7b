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
# # 7 · Model checking: calibration and holdout, tracking, identification / Modellen controleren: kalibratie en holdout, tracking, identificeerbaarheid
# Choose the language of the lesson in the next cell (`"en"` English, `"nl"` Nederlands) and run all cells.
# / Kies in de volgende cel de taal van de les (`"en"` Engels, `"nl"` Nederlands) en voer alle cellen uit.

# %% tags=["parameters"]
language = "en"
n_customers = 1500  # the simulated shop: buyers (plus as many visitors who never buy)
seed = 7

# %%
import numpy as np

from journeylab import CustomerValueModel, compare_models, customer_summary, load_shop
from journeylab.journey.value import calibration_end
from journeylab.models.clv import expected_cumulative_purchases
from journeylab.models.fitcheck import judge
from journeylab.report.plots import calibration_holdout_plot, cumulative_tracking_plot
from journeylab.report.teaching import course_shop, lesson_texts
from journeylab.simulate import simulate_shop

texts, say = lesson_texts(language)
course = course_shop(n_customers, seed=seed)
summary = course.summary  # frequency, recency, T in weeks, and the simulator's truth
observation_end = course.shop.observation_end
cal_end = calibration_end(summary["first_order_at"].min(), observation_end)  # the last third held out
split = customer_summary(course.shop, freq="D", freq_multiplier=7, calibration_end=cal_end)
level = summary["involvement"].reindex(split.index)
low_split = split[level == "low"]
say("split", cal_end=cal_end.date(), end=observation_end.date(), n=len(split), n_all=len(summary),
    weeks=low_split["duration_holdout"].max())
low_split.head()

# %%
comparison = compare_models(low_split)
metrics = comparison.metrics[["log_likelihood", "rmse", "total_error_pct", "tier"]]
best_fit = metrics["log_likelihood"].idxmax()
best_holdout = metrics["rmse"].idxmin()
say("compare_same" if best_fit == best_holdout else "compare_differ", best_fit=best_fit, best_holdout=best_holdout,
    rmse=metrics.loc[best_holdout, "rmse"], baseline=comparison.baseline["rmse"],
    worst=metrics["rmse"].max())
metrics

# %%
ax = calibration_holdout_plot(comparison, lang=language)
by_frequency = comparison.by_frequency
say("by_frequency", n_zero=int(by_frequency["customers"].iloc[0]), actual_zero=by_frequency["actual"].iloc[0],
    bgnbd_zero=by_frequency["bgnbd"].iloc[0], actual_top=by_frequency["actual"].iloc[-1],
    bgnbd_top=by_frequency["bgnbd"].iloc[-1], top=by_frequency.index[-1])

# %%
orders = course.shop.table("orders")
days = orders.assign(day=orders["ordered_at"].dt.floor("D")).drop_duplicates(["customer_id", "day"])
days = days[days["customer_id"].isin(low_split.index)]
first_day = days["customer_id"].map(summary["first_order_at"].dt.floor("D"))
repeat_daily = days[days["day"] > first_day].groupby("day").size()  # repeat purchase days, as the summary counts
expected = expected_cumulative_purchases(comparison.models["bgnbd"], summary.loc[low_split.index, "first_order_at"],
                                         end=observation_end)
ax = cumulative_tracking_plot(repeat_daily, expected, calibration_end=cal_end, lang=language)
actual_cum = repeat_daily.reindex(expected.index, fill_value=0).cumsum()
say("tracking", actual_cal=actual_cum.loc[:cal_end].iloc[-1], expected_cal=expected.loc[:cal_end].iloc[-1],
    actual_end=actual_cum.iloc[-1], expected_end=expected.iloc[-1])

# %%
say("ex1")

# %% nbgrader={"grade": false, "grade_id": "checking_ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
holdout = comparison.predictions
answer_1 = float((holdout["paretonbd"] - holdout["actual"]).abs().mean())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checking_ex1_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert answer_1 >= 0, "answer_1 is a mean absolute error, a number of purchases of at least 0"
### BEGIN HIDDEN TESTS
_p = compare_models(low_split, models=["paretonbd"]).predictions
assert abs(answer_1 - np.mean(np.abs(_p["paretonbd"].to_numpy() - _p["actual"].to_numpy()))) < 1e-6
### END HIDDEN TESTS

# %%
say("ex2")

# %% nbgrader={"grade": false, "grade_id": "checking_ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
high_comparison = compare_models(split[level == "high"])
answer_2 = str(high_comparison.metrics["mae"].idxmin())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checking_ex2_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert answer_2 in ("bgnbd", "mbgnbd", "paretonbd"), "answer_2 is a model's name: bgnbd, mbgnbd or paretonbd"
### BEGIN HIDDEN TESTS
_high = compare_models(split[level == "high"]).metrics
assert answer_2 == _high["mae"].idxmin()
### END HIDDEN TESTS

# %%
_high_cmp = compare_models(split[level == "high"])
_mae = _high_cmp.metrics["mae"]
_r = _high_cmp.models["bgnbd"].params_.set_index("parameter")
_r_low = comparison.models["bgnbd"].params_.set_index("parameter")
say("high", repeaters=int((split.loc[level == "high", "frequency_cal"] > 0).sum()), n=int((level == "high").sum()),
    spread=_mae.max() / _mae.min() - 1, best_ll=_high_cmp.metrics["log_likelihood"].idxmax(),
    tiers=", ".join(sorted(set(_high_cmp.metrics["tier"]))),
    width_high=(_r["upper_95"] / _r["lower_95"]).loc["r"], width_low=(_r_low["upper_95"] / _r_low["lower_95"]).loc["r"])

# %%
low = summary[summary["involvement"] == "low"]
daily = customer_summary(course.shop, freq="D")  # the same history, time in days
daily_low = daily[summary["involvement"].reindex(daily.index) == "low"]
in_weeks = CustomerValueModel("bgnbd", spend=None).fit(low)
in_days = CustomerValueModel("bgnbd", spend=None).fit(daily_low)
units = in_weeks.params_.set_index("parameter")[["estimate"]].rename(columns={"estimate": "weeks"})
units["days"] = in_days.params_.set_index("parameter")["estimate"]
units["days / weeks"] = units["days"] / units["weeks"]
same = np.abs(units.loc[["r", "a", "b"], "days / weeks"] - 1).max()
p_alive_gap = np.abs(in_days.predict(1)["p_alive"].to_numpy() - in_weeks.predict(1)["p_alive"].to_numpy()).max()
say("units", alpha_ratio=units.loc["alpha", "days / weeks"], same_exp=int(np.floor(np.log10(max(same, 1e-16)))) + 1,
    p_alive_exp=int(np.floor(np.log10(max(p_alive_gap, 1e-16)))) + 1,
    ll_gap=in_weeks.log_likelihood_ - in_days.log_likelihood_, ll_log7=low["frequency"].sum() * np.log(7),
    year_days=in_days.predict(12)["expected_purchases"].sum(), year_weeks=in_weeks.predict(12)["expected_purchases"].sum())
units

# %%
flat_dropout = {"a": 3e7, "b": 7e7}  # Beta(a, b) with mean 0.3 and almost no spread: every customer p = 0.3
sim = simulate_shop(n_customers, seed=seed, params={"low": {"bgnbd": flat_dropout}, "high": {"bgnbd": flat_dropout}})
flat_shop = load_shop({"name": "flat", "observation_end": str(sim.observation_end), "tables": sim.tables()})
flat_summary = customer_summary(flat_shop, freq="D", freq_multiplier=7)
flat_model = CustomerValueModel("bgnbd", spend=None).fit(flat_summary)
flat_params = flat_model.params_.set_index("parameter")[["estimate", "lower_95", "upper_95", "identified"]]
say("ridge_on" if flat_model.purchase_.on_ridge_ else "ridge_off", tier=judge("bgnbd", flat_model.params_).tier,
    a=flat_params.loc["a", "estimate"], b=flat_params.loc["b", "estimate"])
flat_params

# %%
say("ex3")

# %% nbgrader={"grade": false, "grade_id": "checking_ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
a, b = flat_params.loc["a", "estimate"], flat_params.loc["b", "estimate"]
answer_3 = float(a / (a + b))
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "checking_ex3_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert 0 <= answer_3 <= 1, "answer_3 is a probability, between 0 and 1"
### BEGIN HIDDEN TESTS
_ab = flat_model.purchase_.params_
assert abs(answer_3 - _ab["a"] / (_ab["a"] + _ab["b"])) < 1e-9
### END HIDDEN TESTS

# %%
_fit = flat_model.purchase_.params_
say("ridge_truth", estimate=_fit["a"] / (_fit["a"] + _fit["b"]),
    truth=flat_dropout["a"] / (flat_dropout["a"] + flat_dropout["b"]))

# %%
say("reading")
