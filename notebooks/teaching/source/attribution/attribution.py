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
# # 3 · Touchpoints and attribution: heuristics vs Markov / Touchpoints en attributie: vuistregels tegenover Markov
# Choose the language of the lesson in the next cell (`"en"` English, `"nl"` Nederlands) and run all cells.
# / Kies in de volgende cel de taal van de les (`"en"` Engels, `"nl"` Nederlands) en voer alle cellen uit.

# %% tags=["parameters"]
language = "en"
n_customers = 1500  # the simulated shop: buyers (plus as many visitors who never buy)
seed = 7

# %%
import journeylab as jl
from journeylab.i18n import channel_label
from journeylab.journey.attribution import MODELS
from journeylab.report.plots_journey import attribution_plot
from journeylab.report.teaching import course_shop, lesson_texts

jl.quiet_warnings()
texts, say = lesson_texts(language)
course = course_shop(n_customers, seed=seed)
shop = course.shop
credit = jl.attribution(shop)  # one row per channel, one column per model: the conversions it credits
conversions = credit.attrs["conversions"]["all"]
say("intro", paths=credit.attrs["paths"]["all"], conversions=conversions)

# %%
paths = jl.consideration(shop)  # one row per buyer: touchpoints (sessions up to the first purchase), channels, ...
paths[["involvement", "touchpoints", "channels", "first_channel", "purchase_channel"]].sort_index().head()

# %%
say("ex1")

# %% nbgrader={"grade": false, "grade_id": "attribution_ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
answer_1 = float((paths["touchpoints"] > 1).mean())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "attribution_ex1_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert 0 <= answer_1 <= 1, "answer_1 is a share between 0 and 1"
### BEGIN HIDDEN TESTS
_p = jl.consideration(shop)
assert abs(answer_1 - (_p["touchpoints"] > 1).mean()) < 1e-9
### END HIDDEN TESTS

# %%
# The simulator knows every buyer's first channel and number of sessions up to the first purchase.
buyers = course.truth.customers.query("is_buyer").set_index("customer_id")
both = paths.join(buyers[["first_channel", "sessions_to_purchase"]], on="customer_id", rsuffix="_true")
single = (paths["touchpoints"] == 1).groupby(paths["involvement"], observed=True).mean()
say("paths_after", low_single=single["low"], high_multi=1 - single["high"],
    true_multi=(buyers["sessions_to_purchase"] > 1).mean(),
    same_first=(both["first_channel"] == both["first_channel_true"]).mean())

# %%
say("models", half_life=credit.attrs["half_life_days"])
fig = attribution_plot(credit, lang=language)
credit.round(1)

# %%
by_level = jl.attribution(shop, by_involvement=True)
high = by_level[by_level["involvement"] == "high"]
say("by_level")
high.round(1)

# %%
say("ex2")

# %% nbgrader={"grade": false, "grade_id": "attribution_ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
answer_2 = str(high.set_index("channel")["last_touch"].idxmax())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "attribution_ex2_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert answer_2 in set(credit["channel"]), "answer_2 is one of the channels in the table's channel column"
### BEGIN HIDDEN TESTS
_h = jl.attribution(shop, by_involvement=True).query("involvement == 'high'").set_index("channel")
assert answer_2 == _h["last_touch"].idxmax()
### END HIDDEN TESTS

# %%
# How far the models lie apart: per level, the largest gap between two models' credits of one channel.
models = by_level.set_index("channel").groupby("involvement", observed=True)[list(MODELS)]
gap = models.apply(lambda m: (m.max(axis=1) - m.min(axis=1)).max()) / by_level.groupby(
    "involvement", observed=True)[["first_touch"]].sum()["first_touch"]
_high = high.set_index("channel")
mix = course.truth.params["params"]  # the simulator's channel mixes of first and return visits
say("favours", first=channel_label(_high["first_touch"].idxmax(), language),
    first_direct=_high.loc["direct", "first_touch"] / _high["first_touch"].sum(),
    last_direct=_high.loc["direct", "last_touch"] / _high["last_touch"].sum(),
    direct_first=mix["high"]["first_channel_mix"]["direct"], direct_return=mix["return_channel_mix"]["direct"],
    gap_low=gap["low"], gap_high=gap["high"])

# %%
say("markov", p_conversion=credit.attrs["p_conversion"]["all"], total=credit["removal_effect"].sum())
credit[["channel", "last_touch", "markov", "removal_effect"]].round(3)

# %%
say("ex3")

# %% nbgrader={"grade": false, "grade_id": "attribution_ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
answer_3 = float(credit.set_index("channel").loc["direct", "removal_effect"])
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "attribution_ex3_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert 0 <= answer_3 <= 1, "answer_3 is a removal effect: a share of the conversions, between 0 and 1"
### BEGIN HIDDEN TESTS
_r = jl.attribution(shop).set_index("channel")["removal_effect"]
assert abs(answer_3 - _r["direct"]) < 1e-9
### END HIDDEN TESTS

# %%
effects = credit.set_index("channel")["removal_effect"].drop("direct")
say("truth", channel=channel_label(effects.idxmax(), language), effect=effects.max(), conversions=conversions)
say("reading")
