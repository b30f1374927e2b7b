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
# Parameters (Papermill replaces these; the defaults build the demo report)
shop_config = "../data/demo/shop.yaml"
language = "en"
output_dir = None
clv_horizon_months = 12
discount_rate = 0.10  # per year
phase_model = "five"  # or "four", "six"

# %%
import pandas as pd

import journeylab as jl
jl.quiet_warnings()
from journeylab.i18n import t
from journeylab.report.page import Page
from journeylab.report.run import record
from journeylab.report.safe import fill
from journeylab.report.sections import headline, headline_table, since_last, summary_opening, value_models

shop = jl.load_shop(shop_config)
page = Page(language, currency=shop.currency, output_dir=output_dir)
value = value_models(shop, horizon_months=clv_horizon_months, discount_rate=discount_rate, lang=language,
                     output_dir=output_dir)
figures = headline(shop, value, language)
# what changed since the last report of this shop opens the page (a first report says that it is one in the
# appendix, whose section on what changed has nothing else to show then)
changes = since_last(shop, value, phase_model=phase_model, horizon_months=clv_horizon_months,
                     discount_rate=discount_rate, lang=language, output_dir=output_dir)
page.heading(t("executive_summary", language))
page.text(summary_opening(changes, language, shop.currency))

# %%
page.table(headline_table(figures, language, shop.currency, clv_horizon_months), name="headline", hide_index=True)
record(output_dir, {"headline": figures})

# %%
from journeylab.journey.findings import FINDING_COLUMNS
from journeylab.journey.order_findings import order_findings
from journeylab.report.sections import attempt, involvement_comparison

comparison = involvement_comparison(shop, value, horizon_months=clv_horizon_months, lang=language,
                                    output_dir=output_dir)
found = attempt(lambda: jl.findings(lang=language, comparison=comparison.value), language) if comparison.ok \
    else comparison
# findings from the orders alone (every shop) fill the list after the low/high ones; the churn finding
# counts the statuses of the report's value model (none without a trusted model)
statuses = value.value.predictions["status"] if value.ok and value.value.ok else None
from_orders = attempt(lambda: order_findings(shop, language, statuses=statuses), language)
top = pd.concat([f.value for f in (found, from_orders) if f.ok and not f.value.empty] or
                [pd.DataFrame(columns=FINDING_COLUMNS)], ignore_index=True).head(3)
top["rank"] = range(1, len(top) + 1)
page.heading(t("findings", language), level=3)
for row in top.itertuples():
    page.text(fill("**{rank}. {finding}**  \n{action}  \n<small>{evidence}; {certainty}</small>", rank=row.rank,
                   finding=row.finding, action=row.action, evidence=row.evidence, certainty=row.certainty))
if not found.ok:
    page.text(found.message)  # why there are no low/high findings
elif top.empty:
    page.text(t("no_findings", language))
record(output_dir, {"findings": top.reindex(columns=FINDING_COLUMNS).to_dict("records")})

# %%
from journeylab.report.sections import bullets, data_limits, limit_sentences

limits = data_limits(shop, value, comparison)
page.heading(t("data_limits", language), level=3)
page.text(bullets(limit_sentences(limits, language)))
record(output_dir, {"data_limits": list(limits)})
