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

# %%
import pandas as pd

import journeylab as jl
jl.quiet_warnings()
from journeylab.i18n import t
from journeylab.report.page import Page
from journeylab.report.run import record
from journeylab.report.safe import fill
from journeylab.report.sections import headline, value_message, value_models

shop = jl.load_shop(shop_config)
page = Page(language, currency=shop.currency, output_dir=output_dir)
value = value_models(shop, horizon_months=clv_horizon_months, discount_rate=discount_rate, lang=language,
                     output_dir=output_dir)
figures = headline(shop, value)
page.heading(t("executive_summary", language))

# %%
pct = lambda v: "–" if v is None else f"{v:.1%}"
rows = [
    (t("customers", language), f"{figures['customers']:,}"),
    (t("revenue_total", language), f"{figures['revenue']:,.0f} {shop.currency}"),
    (t("repeat_rate", language), pct(figures["repeat_rate"])),
    (t("share_at_risk_or_lost", language), pct(figures["share_at_risk_or_lost"])),
    (t("clv_total", language).format(h=clv_horizon_months),
     "–" if figures["clv_total"] is None else f"{figures['clv_total']:,.0f} {shop.currency}"),
]
page.table(pd.DataFrame(rows, columns=[t("figure", language), t("value", language)]), name="headline",
           hide_index=True)
message = value_message(value, language)
if message:
    page.text(message)
elif figures["too_early_share"]:
    page.text(fill(t("too_early_note", language), n=int(round(figures["too_early_share"] * figures["customers"]))))
record(output_dir, {"headline": figures})

# %%
from journeylab.report.sections import attempt, involvement_comparison

comparison = involvement_comparison(shop, value, horizon_months=clv_horizon_months, lang=language,
                                    output_dir=output_dir)
found = attempt(lambda: jl.findings(lang=language, comparison=comparison.value), language) if comparison.ok \
    else comparison
top = found.value.head(3) if found.ok else pd.DataFrame(columns=["id", "phase", "p_value"])
page.heading(t("findings", language), level=3)
if not found.ok:
    page.text(found.message)
elif top.empty:
    page.text(t("no_findings", language))
for row in top.itertuples():
    page.text(fill("**{rank}. {finding}**  \n{action}  \n<small>{evidence}; {certainty}</small>", rank=row.rank,
                   finding=row.finding, action=row.action, evidence=row.evidence, certainty=row.certainty))
record(output_dir, {"findings": top[["id", "phase", "p_value"]].to_dict("records")})
