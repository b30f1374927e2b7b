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
# # 8 · Low and high involvement, end to end / Laag en hoog betrokken, van begin tot eind
# Choose the language of the lesson in the next cell (`"en"` English, `"nl"` Nederlands) and run all cells.
# / Kies in de volgende cel de taal van de les (`"en"` Engels, `"nl"` Nederlands) en voer alle cellen uit.

# %% tags=["parameters"]
language = "en"
n_customers = 5000  # buyers (plus as many visitors who never buy): enough high-involvement repeat buyers for a model
seed = 7

# %%
import matplotlib.pyplot as plt

import journeylab as jl
from journeylab.i18n import channel_label, level_label, model_label
from journeylab.journey.involvement import involvement_data
from journeylab.report.teaching import course_shop, lesson_texts

jl.quiet_warnings()
texts, say = lesson_texts(language)
course = course_shop(n_customers, seed=seed)
shop = course.shop
summary = course.summary  # one row per customer, with the simulator's true involvement
say("intro")

# %%
levels = jl.classify_involvement(shop)
agree = levels["inferred_level"] == levels["level"]
say("levels", n=len(levels), n_catalogue=int((levels["source"] == "products_table").sum()), agree=int(agree.sum()))
say("levels_all_agree" if agree.all() else "levels_some_differ",
    differ=", ".join(levels.index[~agree]))
levels[["median_price", "price_ratio", "repeat_rate", "interpurchase_days", "consideration_days", "score",
        "inferred_level", "level", "source"]]

# %%
value = jl.shop_value(shop, by="involvement")  # a purchase and spend model per level, each judged on a holdout
data = involvement_data(shop, value=value)  # per customer: level, repeat, reviews, P(alive), CLV ...
customers = data["customers"].join(summary["involvement"].rename("true_level"))
match = customers["level"].astype(str) == customers["true_level"]
say("customer_level", n=len(customers), share=match.mean())

# %%
cons = jl.consideration(shop)  # per buyer: days and sessions from the first visit to the first purchase
typical = cons.groupby("involvement", observed=True)[["days_from_first_visit", "touchpoints", "channels",
                                                       "research_views"]].median()
say("consideration", low_minutes=typical.loc["low", "days_from_first_visit"] * 24 * 60,
    high_days=typical.loc["high", "days_from_first_visit"],
    low_sessions=typical.loc["low", "touchpoints"], high_sessions=typical.loc["high", "touchpoints"],
    low_channels=typical.loc["low", "channels"], high_channels=typical.loc["high", "channels"])
fig, ax = plt.subplots(figsize=(7, 3.5))
jl.plot.consideration(cons, ax=ax, lang=language);

# %%
comparison = jl.compare_involvement(shop, n_boot=200, n_boot_model=0, value=value, data=data)
row = comparison.set_index(["metric", "param"])
say("chart", mean_ratio=row.loc[("consideration_days", ""), "ratio"])
grid = jl.plot.low_vs_high(comparison, lang=language)

# %%
say("ex1")

# %% nbgrader={"grade": false, "grade_id": "lowhigh_ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
median_days = cons.groupby("involvement", observed=True)["days_from_first_visit"].median()
answer_1 = float(median_days["high"] / median_days["low"])
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "lowhigh_ex1_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert answer_1 > 0, "answer_1 is a ratio of two durations, a positive number"
### BEGIN HIDDEN TESTS
_days = jl.consideration(shop).groupby("involvement", observed=True)["days_from_first_visit"].median()
assert abs(answer_1 - _days["high"] / _days["low"]) < 1e-6 * max(1.0, answer_1)
### END HIDDEN TESTS

# %%
first = comparison[comparison["metric"] == "channel_share_first_session"].set_index("param")
last = comparison[comparison["metric"] == "channel_share_purchase_session"].set_index("param")
say("channels", low_first=channel_label(first["low"].idxmax(), language), low_share=first["low"].max(),
    high_first=channel_label(first["high"].idxmax(), language), high_share=first["high"].max(),
    high_last=channel_label(last["high"].idxmax(), language), high_last_share=last["high"].max(),
    switched=(cons["first_channel"] != cons["purchase_channel"])[cons["involvement"] == "high"].mean(),
    switched_low=(cons["first_channel"] != cons["purchase_channel"])[cons["involvement"] == "low"].mean())

# %%
reviews = row.loc[("review_rate", "")]
say("reviews", low_research=row.loc[("research_views", ""), "low"], high_research=row.loc[("research_views", ""), "high"])
say("reviews_differ" if reviews["p_value"] < 0.05 else "reviews_alike",
    low=reviews["low"], high=reviews["high"], p=reviews["p_value"])

# %%
gaps = customers.groupby("level", observed=True)["interpurchase_days"].median()
say("repeat", low_gap=gaps["low"], high_gap=gaps["high"], window=(summary["T"].max() * 7))

# %%
say("ex2")

# %% nbgrader={"grade": false, "grade_id": "lowhigh_ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
repeat_share = (summary["n_orders"] >= 2).groupby(summary["involvement"]).mean()
answer_2 = {"low": float(repeat_share["low"]), "high": float(repeat_share["high"])}
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "lowhigh_ex2_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert set(answer_2) == {"low", "high"}, 'answer_2 is a dict with the keys "low" and "high"'
assert all(0 <= v <= 1 for v in answer_2.values()), "each value of answer_2 is a share between 0 and 1"
### BEGIN HIDDEN TESTS
_true = course.truth.customers.dropna(subset=["customer_id"]).set_index("customer_id")
_again = summary["n_orders"].gt(1).groupby(_true["involvement"].reindex(summary.index)).mean()
assert all(abs(answer_2[_lv] - _again[_lv]) < 1e-9 for _lv in ("low", "high"))
### END HIDDEN TESTS

# %%
predictions = customers.groupby("level", observed=True)[["p_alive", "clv", "monetary_value"]].mean()
truly_alive = summary.groupby("involvement")["alive_at_end"].mean()
for lv in ("low", "high"):
    group = value.groups[lv]
    if group.tier == "full":
        say("model_full", level=level_label(lv, language).capitalize(), model=model_label(group.model.purchase),
            p_alive=predictions.loc[lv, "p_alive"], truth=truly_alive[lv])
    elif group.tier == "forecast":
        say("model_forecast", level=level_label(lv, language).capitalize(), model=model_label(group.model.purchase))
    else:
        say("model_none", level=level_label(lv, language).capitalize())

# %%
say("ex3")

# %% nbgrader={"grade": false, "grade_id": "lowhigh_ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
mean_clv = value.predictions["clv"].groupby(customers["level"].astype(str)).mean()
answer_3 = mean_clv.idxmax()
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "lowhigh_ex3_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert answer_3 in ("low", "high"), 'answer_3 is "low" or "high"'
### BEGIN HIDDEN TESTS
_clv = data["customers"].groupby("level", observed=True)["clv"].mean()
assert answer_3 == _clv.astype(float).idxmax()
### END HIDDEN TESTS

# %%
order_value = row.loc[("order_value", "")]
if predictions["clv"].notna().all():
    say("value", low_clv=predictions.loc["low", "clv"], high_clv=predictions.loc["high", "clv"],
        low_order=order_value["low"], high_order=order_value["high"], months=value.horizon_months)
    repeat_wins = predictions.loc["low", "clv"] > predictions.loc["high", "clv"] and order_value["high"] > order_value["low"]
    say("value_repeat_wins" if repeat_wins else "value_other")
else:
    say("value_missing")

# %%
say("actions", low_gap=gaps["low"], high_days=typical.loc["high", "days_from_first_visit"])
found = jl.findings(shop, comparison=comparison, lang=language)
found[["rank", "phase", "finding", "action", "certainty"]].head(5)

# %%
say("reading")
