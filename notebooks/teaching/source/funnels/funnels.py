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
# # 2 · Funnels and checkout drop-off / Funnels en afhakers in de checkout
# Choose the language of the lesson in the next cell (`"en"` English, `"nl"` Nederlands) and run all cells.
# / Kies in de volgende cel de taal van de les (`"en"` Engels, `"nl"` Nederlands) en voer alle cellen uit.

# %% tags=["parameters"]
language = "en"
n_customers = 1500  # the simulated shop: buyers (plus as many visitors who never buy)
seed = 7

# %%
import pandas as pd

import journeylab as jl
from journeylab.i18n import channel_label, event_label
from journeylab.report.plots_journey import consideration_plot, funnel_plot
from journeylab.report.teaching import course_shop, lesson_texts

jl.quiet_warnings()
texts, say = lesson_texts(language)
course = course_shop(n_customers, seed=seed)
shop = course.shop
events = shop.table("events")  # one row per event: user, session, time, event type, channel, ...
n_events = events["event_type"].value_counts()
say("intro", sessions=events["session_id"].nunique(), people=events["user_id"].nunique(),
    views=n_events["product_view"], carts=n_events["add_to_cart"], checkouts=n_events["begin_checkout"],
    purchases=n_events["purchase"])

# %%
result = jl.funnel(shop, breakdown="involvement")  # closed, per session, 30-day window
table = result.table
steps = table[table["step_no"] > 1].assign(lost=lambda d: 1 - d["step_conversion"])
worst = steps.loc[steps.groupby("group")["lost"].idxmax()].set_index("group")
say("session_funnel", high_step=event_label(worst.loc["high", "step"], language), high_lost=worst.loc["high", "lost"],
    low_step=event_label(worst.loc["low", "step"], language), low_lost=worst.loc["low", "lost"],
    high=result.conversion("high"), low=result.conversion("low"))
fig = funnel_plot(result, lang=language)
table[["group", "step", "units", "step_conversion", "overall_conversion", "drop_off", "median_minutes"]]

# %%
say("ex1")

# %% nbgrader={"grade": false, "grade_id": "funnels_ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
paid = table[(table["group"] == "high") & (table["step"] == "purchase")]
answer_1 = float(1 - paid["step_conversion"].iloc[0])
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "funnels_ex1_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert 0 <= answer_1 <= 1, "answer_1 is a share between 0 and 1"
### BEGIN HIDDEN TESTS
_t = jl.funnel(shop, breakdown="involvement").table.set_index(["group", "step"])
assert abs(answer_1 - (1 - _t.loc[("high", "purchase"), "step_conversion"])) < 1e-9
### END HIDDEN TESTS

# %%
# Sessions that began checkout and did not buy: did the same person buy in a later session?
per_session = events.groupby("session_id").agg(user_id=("user_id", "first"), start=("ts", "min"))
kinds = pd.crosstab(events["session_id"], events["event_type"])
left = per_session[(kinds["begin_checkout"] > 0) & (kinds["purchase"] == 0)]
last_purchase = events[events["event_type"] == "purchase"].groupby("user_id")["ts"].max()
later = left["start"] < left["user_id"].map(last_purchase)
level = course.truth.customers.set_index("user_id")["involvement"]
later_by_level = later.groupby(left["user_id"].map(level), observed=True).mean()
say("checkout_after", low_lost=1 - table.set_index(["group", "step"]).loc[("low", "purchase"), "step_conversion"],
    n_left=len(left), later_high=later_by_level["high"], later_low=later_by_level["low"])

# %%
people = jl.funnel(shop, breakdown="involvement", by="person")
first_step = people.table[people.table["step_no"] == 1].set_index("group")["units"]
say("people", session_high=result.conversion("high"), person_high=people.conversion("high"),
    session_low=result.conversion("low"), person_low=people.conversion("low"),
    sessions_high=table[table["step_no"] == 1].set_index("group").loc["high", "units"] / first_step["high"])
fig = funnel_plot(people, lang=language)

# %%
consideration = jl.consideration(shop)  # one row per buyer: the path from the first visit to the first purchase
say("time")
fig = consideration_plot(consideration, lang=language)

# %%
say("ex2")

# %% nbgrader={"grade": false, "grade_id": "funnels_ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
high_buyers = consideration[consideration["involvement"] == "high"]
answer_2 = float(high_buyers["days_from_first_visit"].median())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "funnels_ex2_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert answer_2 >= 0, "answer_2 is a number of days, 0 or more"
### BEGIN HIDDEN TESTS
_c = jl.consideration(shop)
assert abs(answer_2 - _c.loc[_c["involvement"] == "high", "days_from_first_visit"].median()) < 1e-6
### END HIDDEN TESTS

# %%
measured = consideration.groupby("involvement", observed=True)["days_from_first_visit"].median()
true_days = course.truth.customers.query("is_buyer").groupby("involvement")["days_to_purchase"].median()
same_day = (consideration["days_from_first_visit"] < 1).groupby(consideration["involvement"], observed=True).mean()
say("time_truth", low_minutes=measured["low"] * 24 * 60, same_low=same_day["low"], same_high=same_day["high"],
    gap_minutes=(measured - true_days.reindex(measured.index)).abs().max() * 24 * 60)

# %%
channels = jl.funnel(shop, breakdown="channel", by="person")  # the channel of the visit with the first product view
say("channels")
channels.table[["group", "step", "units", "overall_conversion"]].query("step == 'purchase'")

# %%
say("ex3")

# %% nbgrader={"grade": false, "grade_id": "funnels_ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
bought = channels.table[channels.table["step"] == "purchase"].set_index("group")
answer_3 = str(bought["overall_conversion"].idxmax())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "funnels_ex3_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert answer_3 in set(channels.table["group"]), "answer_3 is one of the channels in the table's group column"
### BEGIN HIDDEN TESTS
_b = jl.funnel(shop, breakdown="channel", by="person").table.query("step == 'purchase'")
assert answer_3 == _b.set_index("group")["overall_conversion"].idxmax()
### END HIDDEN TESTS

# %%
_b = channels.table[channels.table["step"] == "purchase"].set_index("group")
mix = course.truth.params["params"]  # the simulator's channel mixes of first and return visits
say("channels_after", most=channel_label(_b["units"].idxmax(), language), n_most=_b["units"].max(),
    rate_most=_b.loc[_b["units"].idxmax(), "overall_conversion"], lowest=channel_label(_b["overall_conversion"].idxmin(), language),
    rate_lowest=_b["overall_conversion"].min(), social_low=mix["low"]["first_channel_mix"]["social"],
    social_high=mix["high"]["first_channel_mix"]["social"], direct_return=mix["return_channel_mix"]["direct"],
    direct_low=mix["low"]["first_channel_mix"]["direct"], direct_high=mix["high"]["first_channel_mix"]["direct"])
say("reading")
