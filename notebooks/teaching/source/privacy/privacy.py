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
# # 9 · Privacy: what may be analysed under the GDPR / Privacy: wat mag je analyseren onder de AVG
# Choose the language of the lesson in the next cell (`"en"` English, `"nl"` Nederlands) and run all cells.
# / Kies in de volgende cel de taal van de les (`"en"` Engels, `"nl"` Nederlands) en voer alle cellen uit.

# %% tags=["parameters"]
language = "en"
n_customers = 1500  # the simulated shop: buyers (plus as many visitors who never buy)
seed = 7

# %%
import hashlib
import secrets

import pandas as pd

from journeylab.data.pii import find_pii, pseudonymise_id
from journeylab.models.rfm import rfm_segments
from journeylab.report.teaching import course_shop, lesson_texts

texts, say = lesson_texts(language)
course = course_shop(n_customers, seed=seed)
shop = course.shop
say("intro")
say("definitions")

# %%
tables = {name: shop.sql(f"SELECT * FROM {name}") for name in ("orders", "order_lines", "products", "events", "reviews")}
columns = pd.DataFrame({"rows": {n: len(t) for n, t in tables.items()},
                        "columns": {n: ", ".join(t.columns) for n, t in tables.items()}})
say("tables", n_tables=len(tables), n_columns=sum(t.shape[1] for t in tables.values()),
    n_found=sum(len(find_pii(t.head(2000).to_csv(index=False))) for t in tables.values()))
columns

# %%
# Invented for this lesson: the simulated shop has no e-mail addresses, so each customer gets one.
crm = pd.DataFrame({"customer_id": tables["orders"]["customer_id"].unique()})
crm["email"] = crm["customer_id"] + "@example.org"
key = secrets.token_bytes(32)  # the project's secret (journeylab keeps it in .journeylab-secret)
crm["pseudonym"] = [pseudonymise_id(e, key) for e in crm["email"]]
say("pseudonymise")
crm.head(3)

# %%
# Someone who has the pseudonymised file and guesses the addresses (the pattern is easy here):
stored = set(crm["pseudonym"])
guesses = crm["email"]
other_key = secrets.token_bytes(32)
found_without = sum(pseudonymise_id(g, other_key) in stored for g in guesses)
found_with = sum(pseudonymise_id(g, key) in stored for g in guesses)
plain = {hashlib.sha256(e.encode()).hexdigest() for e in crm["email"]}  # an unkeyed hash, for comparison
found_plain = sum(hashlib.sha256(g.encode()).hexdigest() in plain for g in guesses)
say("linking", n=len(guesses), without=found_without, with_key=found_with, plain=found_plain,
    in_crm=len(find_pii(crm.head(100).to_csv(index=False))))

# %%
rfm = rfm_segments(course.summary)
products = tables["products"]
exports = {
    "audience_file": crm[["pseudonym"]].assign(segment=rfm["segment"].reindex(crm["customer_id"]).to_numpy()),
    "newsletter_list": crm[["email"]],
    "orders": tables["orders"][["order_id", "customer_id", "ordered_at", "revenue"]],
    "web_events": tables["events"][["user_id", "session_id", "ts", "channel", "device"]],
    "segment_counts": rfm["segment"].value_counts().rename("customers").reset_index(),
    "category_prices": products.groupby("category")["price"].median().reset_index(),
    "revenue_per_level": course.summary.groupby("involvement")["total_revenue"].agg(["count", "mean"]).reset_index(),
}
say("exports")
pd.DataFrame({"rows": {n: len(f) for n, f in exports.items()},
              "columns": {n: ", ".join(map(str, f.columns)) for n, f in exports.items()}})

# %%
say("ex1")

# %% nbgrader={"grade": false, "grade_id": "privacy_ex1", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
answer_1 = {"audience_file", "newsletter_list", "orders", "web_events"}
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "privacy_ex1_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert set(answer_1) <= set(exports), "answer_1 is a set of names of exports (keys of `exports`)"
### BEGIN HIDDEN TESTS
_per_person = {"audience_file", "newsletter_list", "orders", "web_events"}
assert set(answer_1) == _per_person
### END HIDDEN TESTS

# %%
say("ex1_explained")

# %%
orders = tables["orders"].sort_values("ordered_at")
first = orders.groupby("customer_id").first()  # each customer's first order: its time and amount
first["date"] = first["ordered_at"].dt.date


def singled_out(frame: pd.DataFrame, keys: list[str]) -> tuple[float, int]:
    """The share of rows that are alone on ``keys``, and the smallest group (k of k-anonymity)."""
    size = frame.groupby(keys)[keys[0]].transform("size")
    return float((size == 1).mean()), int(size.min())


coarse = first.assign(week=first["ordered_at"].dt.to_period("W"), month=first["ordered_at"].dt.to_period("M"),
                      band_10=first["revenue"] // 10, band_100=first["revenue"] // 100)
ways = [["date", "revenue"], ["date"], ["week", "band_10"], ["month", "band_100"]]  # from exact to coarse
unique = pd.DataFrame([singled_out(coarse, keys) for keys in ways], index=[" + ".join(keys) for keys in ways],
                      columns=["share_unique", "smallest_group"])
say("singling_out", n=len(first), exact=unique["share_unique"].iloc[0], date_only=unique["share_unique"].iloc[1],
    week=unique["share_unique"].iloc[2], month=unique["share_unique"].iloc[3], k_month=unique["smallest_group"].iloc[3])
unique

# %%
say("ex2")

# %% nbgrader={"grade": false, "grade_id": "privacy_ex2", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
euros = first.assign(euro=first["revenue"].round(0))
answer_2 = singled_out(euros, ["date", "euro"])[0]
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "privacy_ex2_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert 0 <= answer_2 <= 1, "answer_2 is a share between 0 and 1"
### BEGIN HIDDEN TESTS
_first = tables["orders"].sort_values("ordered_at").groupby("customer_id").first()
_key = pd.DataFrame({"d": _first["ordered_at"].dt.date, "e": _first["revenue"].round(0)})
assert abs(answer_2 - (_key.groupby(["d", "e"])["e"].transform("size") == 1).mean()) < 1e-9
### END HIDDEN TESTS

# %%
needed = ["customer_id", "ordered_at", "revenue"]  # all that RFM and the purchase models read from the orders
say("lawful", needed=len(needed), total=tables["orders"].shape[1])

# %%
k = 10  # the smallest group the shop will show or hand over
first_device = tables["events"].dropna(subset=["customer_id"]).sort_values("ts").groupby("customer_id")["device"].first()
people = rfm[["segment"]].join(course.summary["involvement"]).join(first_device)
segments = people.groupby(["segment", "involvement", "device"], observed=True).size().rename("customers")
say("small_groups", n_segments=len(segments), smallest=int(segments.min()), k=k)
segments.sort_values().head(8).to_frame()

# %%
say("ex3")

# %% nbgrader={"grade": false, "grade_id": "privacy_ex3", "locked": false, "schema_version": 3, "solution": true, "task": false}
### BEGIN SOLUTION
answer_3 = int((segments < k).sum())
### END SOLUTION

# %% nbgrader={"grade": true, "grade_id": "privacy_ex3_test", "locked": true, "points": 2, "schema_version": 3, "solution": false, "task": false}
assert isinstance(answer_3, int) and 0 <= answer_3 <= len(segments), "answer_3 is a number of segments"
### BEGIN HIDDEN TESTS
_cells = people.value_counts(["segment", "involvement", "device"])
_cells = _cells[_cells > 0]  # value_counts also lists the empty combinations of categories
assert answer_3 == int(_cells.lt(10).sum())
### END HIDDEN TESTS

# %%
small = segments[segments < k]
say("small_after", customers=int(small.sum()), share=small.sum() / segments.sum(),
    merged=int((people.groupby(["segment", "involvement"], observed=True).size() < k).sum()))

# %%
say("profiling")
say("journeylab")
say("reading")
