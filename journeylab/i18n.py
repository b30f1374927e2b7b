"""Dutch and English labels for reports, tables and plots: the one translation mechanism.

Analyses return ids (metric, phase, unit, test and event-type ids, label keys); the words and sentences
for them in both languages are here, and nowhere else:

- ``LABELS``: display labels and sentence templates; ``t(key, lang)``, or ``labeller(lang, overrides)``
  for a table or figure (the figure modules plots.py and plots_journey.py look their texts up here too);
- ``METRICS`` (metric ids of the involvement comparison, the phase KPIs and the consideration summary),
  read with ``metric_label(id, lang, param, **values)``; ``PHASES``, ``STATUSES``, ``UNITS``, ``TESTS``,
  ``EVENTS`` with ``phase_label``, ``status_label``, ``unit_label``, ``stat_test_label``, ``event_label``;
  ``level_label`` for the involvement levels;
- ``SEGMENTS`` and ``SEGMENT_ACTIONS`` (RFM segment ids of journeylab/segments.yaml) with ``segment_label``
  and ``segment_action``; ``FINDINGS`` and ``FINDING_ACTIONS`` (findings rule ids of
  journeylab/findings_rules.yaml) with ``finding_text`` and ``finding_action``. A client's own segment or
  rule brings its words in both languages (validated where the map or rules file is read).

The language is checked in one place, ``check_language``. An unknown label key or metric id raises
KeyError, so a missing translation is found by the tests, not by a client.
"""
from __future__ import annotations

import string
from typing import Any, Callable, Mapping

LANGUAGES = ("en", "nl")
# The models' names as the literature writes them, the same in every language.
MODEL_LABELS = {"bgnbd": "BG/NBD", "mbgnbd": "MBG/NBD", "paretonbd": "Pareto/NBD", "gammagamma": "Gamma-Gamma"}

LABELS: dict[str, dict[str, str]] = {
    "report_title": {"en": "Customer journey report", "nl": "Klantreisrapport"},
    "data_quality": {"en": "Data quality", "nl": "Datakwaliteit"},
    "customer_summary": {"en": "Customers", "nl": "Klanten"},
    "table": {"en": "table", "nl": "tabel"},
    "rule": {"en": "rule", "nl": "regel"},
    "action": {"en": "action", "nl": "actie"},
    "rows": {"en": "rows", "nl": "rijen"},
    "revenue": {"en": "revenue", "nl": "omzet"},
    "explanation": {"en": "explanation", "nl": "toelichting"},
    "read": {"en": "read", "nl": "ingelezen"},
    "kept": {"en": "kept", "nl": "behouden"},
    "dropped": {"en": "dropped", "nl": "weggelaten"},
    "fixed": {"en": "fixed", "nl": "gecorrigeerd"},
    "merged": {"en": "merged", "nl": "samengevoegd"},
    "flagged": {"en": "flagged (kept)", "nl": "gemarkeerd (behouden)"},
    "order_lines": {"en": "order lines", "nl": "orderregels"},
    "products": {"en": "products", "nl": "producten"},
    "events": {"en": "events", "nl": "gebeurtenissen"},
    "reviews": {"en": "reviews", "nl": "reviews"},
    "customers": {"en": "customers", "nl": "klanten"},
    "orders": {"en": "orders", "nl": "bestellingen"},
    "repeat_customers": {"en": "repeat customers", "nl": "herhaalklanten"},
    "repeat_rate": {"en": "repeat rate", "nl": "herhaalaankoopratio"},
    "mean_order_value": {"en": "mean order value", "nl": "gemiddelde orderwaarde"},
    "observation_end": {"en": "observation end", "nl": "einde observatieperiode"},
    "frequency": {"en": "repeat purchases (frequency)", "nl": "herhaalaankopen (frequentie)"},
    "recency_days": {"en": "days since last purchase", "nl": "dagen sinds laatste aankoop"},
    "tenure_days": {"en": "days since first purchase (T)", "nl": "dagen sinds eerste aankoop (T)"},
    "number_of_customers": {"en": "number of customers", "nl": "aantal klanten"},
    "rows_by_rule": {"en": "Rows dropped or fixed, by rule", "nl": "Weggelaten of gecorrigeerde rijen, per regel"},
    "no_problems": {"en": "No rows needed dropping or fixing.", "nl": "Geen rijen hoefden weggelaten of gecorrigeerd te worden."},
    "repeat_purchases_dist": {"en": "Repeat purchases per customer", "nl": "Herhaalaankopen per klant"},
    "headline": {"en": "Headline figures", "nl": "Kerncijfers"},
    "value": {"en": "value", "nl": "waarde"},
    "figure": {"en": "figure", "nl": "kengetal"},
    # report sections (lead)
    "section_not_fitted": {"en": "This part of the report is empty:", "nl": "Dit deel van het rapport is leeg:"},
    "executive_summary": {"en": "Executive summary", "nl": "Managementsamenvatting"},
    "customers_rfm": {"en": "Customers and RFM segments", "nl": "Klanten en RFM-segmenten"},
    "churn_clv": {"en": "Churn and customer lifetime value", "nl": "Klantverloop en klantwaarde (CLV)"},
    "model_comparison": {"en": "Which model predicts this shop best", "nl": "Welk model voorspelt deze winkel het best"},
    "rfm_rule": {"en": "How the scores are made", "nl": "Hoe de scores tot stand komen"},
    "revenue_total": {"en": "revenue", "nl": "omzet"},
    "share_at_risk_or_lost": {"en": "customers at risk or lost", "nl": "klanten met risico of verloren"},
    "clv_total": {"en": "expected customer value, next {h} months", "nl": "verwachte klantwaarde, komende {h} maanden"},
    "segment": {"en": "segment", "nl": "segment"},
    "share": {"en": "share of customers", "nl": "aandeel klanten"},
    "revenue_share": {"en": "share of revenue", "nl": "aandeel omzet"},
    "mean_recency": {"en": "days since last order (mean)", "nl": "dagen sinds laatste bestelling (gem.)"},
    "mean_frequency": {"en": "orders (mean)", "nl": "bestellingen (gem.)"},
    "mean_monetary": {"en": "order value (mean)", "nl": "orderwaarde (gem.)"},
    "phase": {"en": "journey phase", "nl": "fase klantreis"},
    "suggested_action": {"en": "suggested action", "nl": "voorgestelde actie"},
    "status": {"en": "status", "nl": "status"},
    "churn_status_counts": {"en": "Customers by churn status", "nl": "Klanten naar status"},
    "chosen_model": {"en": "Model used", "nl": "Gebruikt model"},
    "holdout_note": {
        "en": "The models were fitted on orders up to {cal} and judged on the orders after it.",
        "nl": "De modellen zijn geschat op bestellingen tot {cal} en beoordeeld op de bestellingen daarna.",
    },
    "churn_evaluation": {"en": "How well churn risk predicts 'no purchase in the holdout period'",
                          "nl": "Hoe goed het verlooprisico 'geen aankoop in de holdoutperiode' voorspelt"},
    "parameters": {"en": "Model parameters with 95% intervals", "nl": "Modelparameters met 95%-intervallen"},
    "independence": {"en": "Spend model check", "nl": "Controle bestedingsmodel"},
    "top_customers": {"en": "Customers with the highest expected value", "nl": "Klanten met de hoogste verwachte waarde"},
    "findings": {"en": "Findings", "nl": "Bevindingen"},
    "journey_section": {"en": "Customer journey: phases and funnels", "nl": "Klantreis: fasen en funnels"},
    "phase_rules": {"en": "How people are put in a phase (rules, overridable)", "nl": "Hoe mensen in een fase komen (regels, aanpasbaar)"},
    "phase_flows": {"en": "Movement between phases over the last six months", "nl": "Verschuivingen tussen fasen in de laatste zes maanden"},
    "cohorts": {"en": "Monthly cohorts: share still buying", "nl": "Maandcohorten: aandeel dat nog koopt"},
    "funnel": {"en": "Funnel: product view to purchase", "nl": "Funnel: productweergave tot aankoop"},
    "consideration": {"en": "Consideration: time and sessions to the first purchase", "nl": "Overweging: tijd en sessies tot de eerste aankoop"},
    "attribution": {"en": "Which channels bring the first purchase (attribution)", "nl": "Welke kanalen de eerste aankoop opleveren (attributie)"},
    "needs_events": {"en": "The shop has no web events, so funnels, consideration and attribution cannot be shown.",
                     "nl": "De winkel heeft geen webgebeurtenissen, dus funnels, overweging en attributie kunnen niet getoond worden."},
    "involvement_section": {"en": "Low vs high involvement", "nl": "Laag vs hoog betrokken producten"},
    "phase_kpis": {"en": "Key figures per journey phase", "nl": "Kengetallen per fase van de klantreis"},
    "after_drop_off": {"en": "What people do after they stop", "nl": "Wat mensen doen nadat ze afhaken"},
    "metric": {"en": "metric", "nl": "maatstaf"},
    "unit": {"en": "unit", "nl": "eenheid"},
    "low_ci": {"en": "low involvement (95% interval)", "nl": "laag betrokken (95%-interval)"},
    "high_ci": {"en": "high involvement (95% interval)", "nl": "hoog betrokken (95%-interval)"},
    "difference_ci": {"en": "high - low (95% interval)", "nl": "hoog - laag (95%-interval)"},
    # column headers of report tables
    "label": {"en": "model", "nl": "model"},
    "holdout_actual_total": {"en": "holdout purchases, actual", "nl": "aankopen holdout, werkelijk"},
    "holdout_predicted_total": {"en": "holdout purchases, predicted", "nl": "aankopen holdout, voorspeld"},
    "total_error_pct": {"en": "error in total (%)", "nl": "afwijking totaal (%)"},
    "mae": {"en": "mean absolute error per customer", "nl": "gem. absolute fout per klant"},
    "rmse": {"en": "RMSE per customer", "nl": "RMSE per klant"},
    "correlation": {"en": "correlation", "nl": "correlatie"},
    "estimate": {"en": "estimate", "nl": "schatting"},
    "se": {"en": "standard error", "nl": "standaardfout"},
    "lower_95": {"en": "lower 95%", "nl": "onder 95%"},
    "upper_95": {"en": "upper 95%", "nl": "boven 95%"},
    "model": {"en": "model", "nl": "model"},
    "parameter": {"en": "parameter", "nl": "parameter"},
    "p_alive": {"en": "P(active)", "nl": "P(actief)"},
    "expected_purchases": {"en": "expected purchases", "nl": "verwachte aankopen"},
    "expected_spend_per_order": {"en": "expected spend per order", "nl": "verwachte besteding per order"},
    "clv": {"en": "customer value (CLV)", "nl": "klantwaarde (CLV)"},
    "auc": {"en": "ROC AUC", "nl": "ROC AUC"},
    "brier": {"en": "Brier score", "nl": "Brier-score"},
    "group": {"en": "group", "nl": "groep"},
    "step": {"en": "step", "nl": "stap"},
    "step_no": {"en": "step no.", "nl": "stap nr."},
    "units": {"en": "sessions or persons", "nl": "sessies of personen"},
    "step_conversion": {"en": "conversion from previous step", "nl": "conversie vanaf vorige stap"},
    "overall_conversion": {"en": "conversion from first step", "nl": "conversie vanaf eerste stap"},
    "drop_off": {"en": "drop-off", "nl": "afhakers"},
    "median_minutes": {"en": "minutes to step (median)", "nl": "minuten tot stap (mediaan)"},
    "p75_minutes": {"en": "minutes to step (P75)", "nl": "minuten tot stap (P75)"},
    "stopped_after": {"en": "stopped after", "nl": "gestopt na"},
    "next_event": {"en": "next event", "nl": "volgende gebeurtenis"},
    "low": {"en": "low involvement", "nl": "laag betrokken"},
    "high": {"en": "high involvement", "nl": "hoog betrokken"},
    "all": {"en": "all", "nl": "alle"},
    "level": {"en": "level", "nl": "niveau"},
    "source": {"en": "source of the level", "nl": "bron van het niveau"},
    "median_price": {"en": "median price", "nl": "mediane prijs"},
    "price_ratio": {"en": "price / shop median", "nl": "prijs / mediaan winkel"},
    "interpurchase_days": {"en": "days between purchases", "nl": "dagen tussen aankopen"},
    "consideration_days": {"en": "days of consideration", "nl": "dagen overweging"},
    "status_from_recency": {
        "en": ("Status follows the time since the last order (active up to {at_risk:.0f} days, at risk up to {lost:.0f}, "
               "lost after that): on the holdout, recency ranked who would not buy again better (AUC {auc_recency:.2f}) "
               "than the model's churn risk (AUC {auc_model:.2f})."),
        "nl": ("De status volgt de tijd sinds de laatste bestelling (actief tot {at_risk:.0f} dagen, risico tot {lost:.0f}, "
               "daarna verloren): in de holdoutperiode voorspelde recency beter wie niet meer kocht (AUC {auc_recency:.2f}) "
               "dan het verlooprisico van het model (AUC {auc_model:.2f})."),
    },
    "tier_full": {"en": "P(alive), churn status and CLV come from this model.",
                  "nl": "P(actief), churnstatus en CLV komen uit dit model."},
    "tier_forecast": {"en": "expected purchases and CLV come from this model; the data cannot tell how many of these "
                            "customers have stopped buying, so their silence is 'too early to tell'.",
                      "nl": "verwachte aankopen en CLV komen uit dit model; de data kunnen niet zeggen hoeveel van deze "
                            "klanten gestopt zijn, dus hun stilte is 'te vroeg om te zeggen'."},
    "no_orders": {"en": "This shop's data has no orders (only web sessions), so this part has no customers.",
                  "nl": "De gegevens van deze winkel bevatten geen bestellingen (alleen websessies), dus dit deel heeft "
                        "geen klanten."},
    "not_identified": {"en": "not identified", "nl": "niet bepaald"},
    "all_customers": {"en": "All customers", "nl": "Alle klanten"},
    "low_involvement": {"en": "Low involvement", "nl": "Laag betrokken"},
    "high_involvement": {"en": "High involvement", "nl": "Hoog betrokken"},
    "unknown_level": {"en": "Level unknown", "nl": "Niveau onbekend"},
    "split_by_involvement": {
        "en": "Low- and high-involvement customers each get their own model, chosen the same way on their own "
              "holdout: they buy at such different rates that one model for both would read a high-involvement "
              "customer's normal silence as having stopped.",
        "nl": "Laag en hoog betrokken klanten krijgen elk een eigen model, op dezelfde manier gekozen op hun eigen "
              "holdoutperiode: ze kopen in zo'n verschillend tempo dat één model voor beide de gewone stilte van een "
              "hoog betrokken klant zou lezen als afhaken."},
    "no_model": {"en": "no purchase model is used, so there are no churn or CLV figures from a model:",
                 "nl": "er wordt geen aankoopmodel gebruikt, dus er zijn geen churn- of CLV-cijfers uit een model:"},
    "spend_fallback": {
        "en": "The Gamma-Gamma spend model could not be fitted (spend per order is too skewed), so CLV uses the group's "
              "mean repeat-order value.",
        "nl": "Het Gamma-Gamma-bestedingsmodel kon niet worden geschat (de besteding per bestelling is te scheef), dus "
              "de CLV gebruikt de gemiddelde waarde van herhaalbestellingen van de groep."},
    "status_recency_better": {
        "en": "On the holdout, the time since the last order ranked who would not buy again better than the model's "
              "churn risk, so status follows recency (active up to 90 days, at risk up to 365 days, lost after that).",
        "nl": "In de holdoutperiode voorspelde de tijd sinds de laatste bestelling beter wie niet meer kocht dan het "
              "verlooprisico van het model, dus de status volgt recency (actief tot 90 dagen, risico tot 365 dagen, "
              "daarna verloren)."},
    "too_early_note": {
        "en": "{n:,} customers are 'too early to tell': they have been silent for less than the usual time between "
              "purchases of customers like them, so silence does not yet mean they have stopped.",
        "nl": "{n:,} klanten staan op 'te vroeg om te zeggen': ze zijn korter stil dan de gebruikelijke tijd tussen "
              "aankopen van vergelijkbare klanten, dus stilte betekent nog niet dat ze gestopt zijn."},
    "small_sample_note": {
        "en": "This shop has {n:,} customers of whom {rep:,} bought more than once: too few for churn and CLV figures "
              "(at least 200 customers and 50 repeat buyers are needed). The report shows RFM and descriptive figures only.",
        "nl": "Deze winkel heeft {n:,} klanten, van wie {rep:,} meer dan eens kochten: te weinig voor churn- en "
              "CLV-cijfers (minstens 200 klanten en 50 herhaalkopers zijn nodig). Het rapport toont alleen RFM en "
              "beschrijvende cijfers."},
    "no_findings": {"en": "No findings stand out with enough certainty.", "nl": "Geen bevindingen die met voldoende zekerheid opvallen."},
    # notes an analysis leaves in its attrs for the analyst (journeylab.models.churn, journeylab.journey.phases)
    "note_recency_no_brier": {"en": "the recency baseline is a ranking, not a probability, so it has no Brier score",
                              "nl": "de recency-basislijn is een rangorde, geen kans, en heeft dus geen Brier-score"},
    "note_one_time_buyers_alive": {
        "en": "BG/NBD gives every one-time buyer P(alive) = 1, so its churn risk ranks them as safest: prefer "
              "MBG/NBD or Pareto/NBD for churn",
        "nl": "BG/NBD geeft elke eenmalige koper P(alive) = 1, dus zijn churnrisico rekent hen tot de veiligste "
              "klanten: gebruik voor churn liever MBG/NBD of Pareto/NBD"},
    "note_orders_only_phases": {
        "en": "this shop has orders only: the phases {phases} need events (web analytics), so everyone shown is a "
              "customer, from the purchase phase on",
        "nl": "deze winkel heeft alleen bestellingen: de fasen {phases} hebben gebeurtenissen (webanalyse) nodig, "
              "dus iedereen die hier staat is klant, vanaf de aankoopfase"},
    "note_funnel_steps_missing": {"en": "left out of the funnel, as this shop logs no such events: {steps}",
                                  "nl": "niet in de trechter, omdat deze winkel zulke gebeurtenissen niet vastlegt: {steps}"},
    "note_funnel_no_levels": {"en": "no breakdown by involvement: the shop has no products with categories",
                              "nl": "geen uitsplitsing naar betrokkenheid: de winkel heeft geen producten met categorieën"},
    "status_rule_visitors": {
        "en": "visitors without an order: recency, active up to {active:g} days since last seen, at risk up to "
              "{at_risk:g} days, else lost",
        "nl": "bezoekers zonder bestelling: recency, actief tot {active:g} dagen na het laatste bezoek, risico tot "
              "{at_risk:g} dagen, daarna verloren"},
    "status_rule_no_model": {"en": "{rule} (no value model: {reason})", "nl": "{rule} (geen waardemodel: {reason})"},
    "status_rule_customers": {
        "en": "customers: the shop's value model (journeylab.journey.value, status by "
              "journeylab.models.churn.customer_status); {rule}",
        "nl": "klanten: het waardemodel van de winkel (journeylab.journey.value, status volgens "
              "journeylab.models.churn.customer_status); {rule}"},
    # feedback on a course exercise (journeylab.report.teaching.check)
    "answer_todo": {"en": "Not answered yet: replace None with your answer.",
                    "nl": "Nog niet beantwoord: vervang None door je antwoord."},
    "answer_ok": {"en": "Correct", "nl": "Goed"},
    "answer_no": {"en": "Not quite", "nl": "Nog niet goed"},
    "answer_expected": {"en": "(expected about {expected})", "nl": "(verwacht: ongeveer {expected})"},
    # findings from orders alone (journeylab.journey.order_findings)
    "of_repeat_rhythm": {
        "en": "Half of the customers who come back place their second order within {days:,.0f} days of the first.",
        "nl": "De helft van de klanten die terugkomen, plaatst de tweede bestelling binnen {days:,.0f} dagen na de eerste."},
    "of_repeat_rhythm_action": {
        "en": "Send the first reminder or refill offer around day {days:,.0f} after a first order, before the "
              "usual moment of return rather than after it.",
        "nl": "Stuur de eerste herinnering of navulaanbieding rond dag {days:,.0f} na een eerste bestelling: vóór het "
              "gebruikelijke moment van terugkeer, niet erna."},
    "of_repeat_rhythm_evidence": {
        "en": "median {days:,.0f} days (95% interval {lower:,.0f} to {upper:,.0f}) over {n:,} customers with a second order",
        "nl": "mediaan {days:,.0f} dagen (95%-interval {lower:,.0f} tot {upper:,.0f}) over {n:,} klanten met een "
              "tweede bestelling"},
    "of_interval_certainty": {
        "en": "a measurement with its interval (no assumption about the shape of the gaps)",
        "nl": "een meting met haar interval (zonder aanname over de vorm van de tussentijden)"},
    "of_cohorts_less": {
        "en": "Newer customers come back less often: fewer of last year's new customers ordered again within "
              "{window} days than of the year before.",
        "nl": "Nieuwere klanten komen minder vaak terug: van de nieuwe klanten van het afgelopen jaar bestelde een "
              "kleiner deel binnen {window} dagen opnieuw dan van het jaar ervoor."},
    "of_cohorts_less_action": {
        "en": "Look at what changed for first-time buyers (offer, delivery, follow-up e-mails) and bring back what "
              "worked for last year's customers.",
        "nl": "Kijk wat er voor nieuwe kopers veranderde (aanbod, levering, opvolgmails) en breng terug wat bij de "
              "klanten van vorig jaar werkte."},
    "of_cohorts_more": {
        "en": "Newer customers come back more often: more of last year's new customers ordered again within "
              "{window} days than of the year before.",
        "nl": "Nieuwere klanten komen vaker terug: van de nieuwe klanten van het afgelopen jaar bestelde een groter "
              "deel binnen {window} dagen opnieuw dan van het jaar ervoor."},
    "of_cohorts_more_action": {
        "en": "Find out what made the difference for these customers and keep it; it is worth more budget.",
        "nl": "Zoek uit wat voor deze klanten het verschil maakte en houd dat vast; het verdient meer budget."},
    "of_cohorts_evidence": {
        "en": "ordered again within {window} days: {recent:.1%} of {n_recent:,} customers of the last year against "
              "{earlier:.1%} of {n_earlier:,} the year before; difference {lower:.1%} to {upper:.1%} (95%)",
        "nl": "opnieuw besteld binnen {window} dagen: {recent:.1%} van {n_recent:,} klanten van het afgelopen jaar "
              "tegen {earlier:.1%} van {n_earlier:,} het jaar ervoor; verschil {lower:.1%} tot {upper:.1%} (95%)"},
    "of_rfm_slipped": {
        "en": "{share:.0%} of the customers who were champions or loyal customers six months ago have slipped to "
              "at risk or worse; of those of the six months before, {earlier:.0%} did.",
        "nl": "{share:.0%} van de klanten die zes maanden geleden topklant of trouwe klant waren, is afgegleden naar "
              "risicoklant of slechter; van die van het halfjaar daarvoor was dat {earlier:.0%}."},
    "of_rfm_slipped_action": {
        "en": "Win back the former best customers who slipped, before they are lost for good: a personal message "
              "with a reason to return (something new, a loyalty reward), and ask a few of them what changed.",
        "nl": "Win de vroegere beste klanten die afgleden terug voordat ze voorgoed weg zijn: een persoonlijk "
              "bericht met een reden om terug te komen (iets nieuws, een beloning voor trouw), en vraag een paar "
              "van hen wat er veranderde."},
    "of_rfm_slipped_evidence": {
        "en": "of the {n:,} customers in {valuable} on {date}, {k:,} are now in {slipped}: {share:.1%} (95% "
              "interval {lower:.1%} to {upper:.1%}), against {k_earlier:,} of {n_earlier:,} ({earlier:.1%}) from "
              "{date_earlier} to {date}; difference {diff_lower:.1%} to {diff_upper:.1%} (95%)",
        "nl": "van de {n:,} klanten in {valuable} op {date} zijn er nu {k:,} in {slipped}: {share:.1%} "
              "(95%-interval {lower:.1%} tot {upper:.1%}), tegen {k_earlier:,} van {n_earlier:,} ({earlier:.1%}) "
              "van {date_earlier} tot {date}; verschil {diff_lower:.1%} tot {diff_upper:.1%} (95%)"},
    "of_churn": {
        "en": "{n:,} repeat customers ({share:.0%} of all repeat customers), who brought {revenue_share:.0%} of the "
              "revenue, are at risk or lost.",
        "nl": "{n:,} herhaalklanten ({share:.0%} van alle herhaalklanten), samen goed voor {revenue_share:.0%} van "
              "de omzet, lopen risico of zijn verloren."},
    "of_churn_action": {
        "en": "Start a win-back for these customers, those who spent most first: a personal message with a reason "
              "to order again, sent before their usual moment of return has long passed.",
        "nl": "Begin een terugwinactie voor deze klanten, wie het meest besteedde eerst: een persoonlijk bericht "
              "met een reden om opnieuw te bestellen, verstuurd voordat hun gebruikelijke moment van terugkeer "
              "lang voorbij is."},
    "of_churn_evidence": {
        "en": "{n:,} of {n_repeat:,} repeat customers at risk or lost: {share:.1%} (95% interval {lower:.1%} to "
              "{upper:.1%}); their orders {revenue_share:.1%} of all revenue",
        "nl": "{n:,} van {n_repeat:,} herhaalklanten met risico of verloren: {share:.1%} (95%-interval {lower:.1%} "
              "tot {upper:.1%}); hun bestellingen {revenue_share:.1%} van alle omzet"},
    "of_status_certainty": {
        "en": "a count of the value model's statuses; the interval covers the chance in which customers the shop "
              "has, not the model's own uncertainty",
        "nl": "een telling van de statussen uit het waardemodel; het interval dekt het toeval in welke klanten de "
              "winkel heeft, niet de onzekerheid van het model zelf"},
    # a finding's evidence and certainty (journeylab.journey.findings); values are numbers, ``test`` a test's name
    "finding_evidence": {
        "en": "low {low:.3g} (95% interval {low_lower:.3g} to {low_upper:.3g}), high {high:.3g} ({high_lower:.3g} to "
              "{high_upper:.3g}); difference {difference:.3g} ({diff_lower:.3g} to {diff_upper:.3g})",
        "nl": "laag {low:.3g} (95%-interval {low_lower:.3g} tot {low_upper:.3g}), hoog {high:.3g} ({high_lower:.3g} tot "
              "{high_upper:.3g}); verschil {difference:.3g} ({diff_lower:.3g} tot {diff_upper:.3g})"},
    "finding_certainty": {"en": "{test}: p {p}; {certainty}", "nl": "{test}: p {p}; {certainty}"},
    "very_sure": {"en": "very sure", "nl": "zeker"},
    "likely": {"en": "likely", "nl": "waarschijnlijk"},
    # how the RFM scores were made (journeylab.report.sections.rfm_rule_text, from the attrs f_fixed,
    # f_bins and f_top_share of journeylab.models.rfm.rfm_segments)
    "rfm_rule_text": {
        "en": "R, F and M are scores from 1 to 5: R by the time since the last order, M by the mean order value "
              "(quintiles; equal values get the same score); {f}. Segment map {version}.",
        "nl": "R, F en M zijn scores van 1 tot 5: R naar de tijd sinds de laatste bestelling, M naar de gemiddelde "
              "orderwaarde (kwintielen; gelijke waarden krijgen dezelfde score); {f}. Segmentenkaart {version}."},
    "rfm_f_fixed": {"en": "F counts orders in fixed classes ({classes}, {last} or more), because {share} of the "
                          "customers ordered equally often",
                    "nl": "F telt bestellingen in vaste klassen ({classes}, {last} of meer), omdat {share} van de "
                          "klanten even vaak bestelde"},
    "rfm_f_quintiles": {"en": "F is the quintile of the number of orders",
                        "nl": "F is het kwintiel van het aantal bestellingen"},
    # the method of an analysis, named by its result's attrs (``attrs["method"]``, ``attrs["definition"]``)
    "method_compare_involvement": {
        "en": "One row per metric with low and high involvement side by side, each with a percentile-bootstrap "
              "interval (95% unless asked otherwise; resampling persons, sessions or orders, whichever the metric is "
              "measured on; for very large samples the bootstrap of a mean is replaced by its normal approximation, "
              "which is then indistinguishable) and a test of the difference: Mann-Whitney U for continuous metrics, "
              "chi-square (2x2) for shares. Figures from the purchase and spend models (churn risk, share lost, share "
              "'too early to tell', expected purchases, CLV) come from the shop's value model (each level's model "
              "chosen on its own holdout and judged). Their intervals and p-values come from resampling customers "
              "and refitting the level's model each time, so they include the model's uncertainty; a test on the "
              "model's outputs as if they were data would not. A level whose model does not identify dropout has no "
              "churn risk (the data cannot tell), and its silent customers are 'too early to tell' rather than lost.",
        "nl": "Eén rij per maatstaf met laag en hoog betrokken naast elkaar, elk met een interval uit een "
              "percentiel-bootstrap (95%, tenzij anders gevraagd; met hertrekking van personen, sessies of "
              "bestellingen, naargelang waarop de maatstaf gemeten is; bij zeer grote steekproeven vervangt de "
              "normale benadering de bootstrap van een gemiddelde, en is er dan niet van te onderscheiden) en een "
              "toets van het verschil: Mann-Whitney U voor continue maatstaven, chi-kwadraat (2x2) voor aandelen. "
              "Cijfers uit de aankoop- en bestedingsmodellen (verlooprisico, aandeel verloren, aandeel 'te vroeg om "
              "te zeggen', verwachte aankopen, CLV) komen uit het waardemodel van de winkel (per niveau een eigen "
              "model, gekozen en beoordeeld op de eigen holdoutperiode). Hun intervallen en p-waarden komen uit het "
              "hertrekken van klanten en het telkens opnieuw schatten van het model van het niveau, zodat ze de "
              "onzekerheid van het model meenemen; een toets op de uitkomsten van het model alsof het data waren, "
              "zou dat niet doen. Een niveau waarvan het model de uitval niet kan bepalen, heeft geen verlooprisico "
              "(de data kunnen het niet zeggen), en de stille klanten ervan staan op 'te vroeg om te zeggen' in "
              "plaats van verloren."},
    "definition_attribution": {
        "en": "Models, per converting path of n touchpoints (credits sum to 1 per conversion): first touch: all to "
              "touch 1; last touch: all to touch n; last non-direct touch: all to the last touch whose channel is not "
              "'direct' (touch n if all are direct); linear: 1/n each; position-based: 40% first, 40% last, 20% "
              "shared by the middle touches (n = 1: 100%; n = 2: 50/50); time decay: weight 2^(-age / half-life) "
              "with age = time from the touch (session start) to the conversion, normalised per path (half-life "
              "7 days unless set otherwise); Markov chain: first-order Markov chain over (start) -> channels -> (conversion) "
              "| (null), estimated from all paths; the removal effect of a channel is 1 - P(conversion without it) "
              "/ P(conversion), where removing a channel sends every transition into it to (null); conversions are "
              "shared in proportion to the removal effects.",
        "nl": "Modellen, per converterend pad van n contactmomenten (de toekenningen tellen per conversie op tot 1): "
              "eerste contact: alles naar contact 1; laatste contact: alles naar contact n; laatste niet-directe "
              "contact: alles naar het laatste contact waarvan het kanaal niet 'direct' is (contact n als alle "
              "contacten direct zijn); lineair: elk 1/n; positiegebaseerd: 40% het eerste, 40% het laatste, 20% "
              "verdeeld over de contacten ertussen (n = 1: 100%; n = 2: 50/50); tijdsverval: gewicht "
              "2^(-ouderdom / halveringstijd), met ouderdom = de tijd van het contact (begin van de sessie) tot de "
              "conversie, per pad genormaliseerd (halveringstijd standaard 7 dagen); Markov-keten: "
              "Markovketen van de eerste orde over (start) -> kanalen -> (conversie) | (null), geschat op alle "
              "paden; het verwijderingseffect van een kanaal is 1 - P(conversie zonder het kanaal) / P(conversie), "
              "waarbij het weglaten van een kanaal elke overgang naar dat kanaal naar (null) stuurt; de conversies "
              "worden verdeeld naar verhouding van de verwijderingseffecten."},
    # figures (plots.py, plots_journey.py); "frequency", "customers", "share", "revenue_share", "model",
    # "step", "units", "low", "high" and "all" above are shared with the tables.
    "recency_axis": {"en": "time of last purchase (recency, {unit})", "nl": "moment laatste aankoop (recency, {unit})"},
    "expected_purchases_title": {"en": "Expected purchases in the next {horizon} {unit}",
                                 "nl": "Verwachte aankopen in de komende {horizon} {unit}"},
    "p_alive_title": {"en": "Probability the customer is still active", "nl": "Kans dat de klant nog actief is"},
    "calibration_title": {"en": "Calibration vs holdout: mean purchases by calibration frequency",
                          "nl": "Kalibratie vs holdout: gemiddeld aantal aankopen per kalibratiefrequentie"},
    "calibration_x": {"en": "repeat purchases in calibration period", "nl": "herhaalaankopen in kalibratieperiode"},
    "calibration_y": {"en": "mean purchases in holdout period", "nl": "gemiddeld aantal aankopen in holdoutperiode"},
    "actual": {"en": "actual", "nl": "werkelijk"},
    "tracking_title": {"en": "Cumulative repeat purchases: actual vs model",
                       "nl": "Cumulatieve herhaalaankopen: werkelijk vs model"},
    "tracking_y": {"en": "cumulative repeat purchases", "nl": "cumulatieve herhaalaankopen"},
    "date": {"en": "date", "nl": "datum"},
    "calibration_end": {"en": "end of calibration", "nl": "einde kalibratie"},
    "clv_title": {"en": "Customer lifetime value over {horizon} {unit}", "nl": "Klantwaarde (CLV) over {horizon} {unit}"},
    "clv_x": {"en": "CLV ({currency})", "nl": "CLV ({currency})"},
    "segments_title": {"en": "RFM segments", "nl": "RFM-segmenten"},
    # time units: keys are the models' unit names ("days", "weeks", "months")
    "days": {"en": "days", "nl": "dagen"},
    "hours": {"en": "hours", "nl": "uur"},
    "weeks": {"en": "weeks", "nl": "weken"},
    "months": {"en": "months", "nl": "maanden"},
    "funnel_title": {"en": "Funnel", "nl": "Trechter"},
    "phases_title": {"en": "Persons per phase", "nl": "Personen per fase"},
    "persons": {"en": "persons", "nl": "personen"},
    "audience": {"en": "audience", "nl": "doelgroep"},
    "audiences_heading": {"en": "Audiences: whom to reach", "nl": "Doelgroepen: wie u kunt benaderen"},
    "audiences_intro": {"en": "How many customers and visitors are in each audience today. The command journeylab "
                              "audiences writes their lists, with pseudonymised ids, for e-mail and advertising tools.",
                        "nl": "Hoeveel klanten en bezoekers vandaag in elke doelgroep zitten. De opdracht journeylab "
                              "audiences schrijft hun lijsten, met gepseudonimiseerde id's, voor e-mail- en "
                              "advertentietools."},
    "flow_title": {"en": "Phase flows", "nl": "Stromen tussen fasen"},
    "cohort_title": {"en": "Cohort retention (share ordering in month k)",
                     "nl": "Cohortretentie (aandeel dat bestelt in maand k)"},
    "cohort_x": {"en": "months since first order", "nl": "maanden sinds eerste bestelling"},
    "cohort_y": {"en": "cohort (first order)", "nl": "cohort (eerste bestelling)"},
    "attribution_title": {"en": "Conversions credited per channel", "nl": "Toegekende conversies per kanaal"},
    "channel": {"en": "channel", "nl": "kanaal"},
    "conversions": {"en": "conversions", "nl": "conversies"},
    "compare_title": {"en": "Low vs high involvement (95% intervals)", "nl": "Laag vs hoog betrokken (95%-intervallen)"},
    "consideration_title": {"en": "Days from first visit to first purchase",
                            "nl": "Dagen van eerste bezoek tot eerste aankoop"},
    # --- issue 15, point 3: charts before tables (the key-metrics chart, and every figure's alt text) ---
    "key_metrics_title": {"en": "High vs low involvement: key metrics per phase (95% intervals)",
                          "nl": "Hoog vs laag betrokken: kerncijfers per fase (95%-intervallen)"},
    "diff_pp_axis": {"en": "high − low involvement (percentage points)",
                     "nl": "hoog − laag betrokken (procentpunten)"},
    "ratio_axis": {"en": "high ÷ low involvement (times, log scale)",
                   "nl": "hoog ÷ laag betrokken (keer, logaritmische schaal)"},
    "low_to_high": {"en": "{low} → {high}", "nl": "{low} → {high}"},
    "pp": {"en": "{value} pp", "nl": "{value} procentpunt"},
    "times": {"en": "×{value}", "nl": "×{value}"},
    "alt_quality": {"en": "Bar chart of the rows dropped or fixed per table and rule; the most: {rule} ({rows} rows).",
                    "nl": "Staafdiagram van de weggelaten of gecorrigeerde rijen per tabel en regel; de meeste: "
                          "{rule} ({rows} rijen)."},
    "alt_frequency": {"en": "Bar chart of customers by number of repeat purchases: {share} of {customers} customers "
                            "bought only once.",
                      "nl": "Staafdiagram van klanten naar aantal herhaalaankopen: {share} van {customers} klanten "
                            "kocht maar één keer."},
    "alt_segments": {"en": "Bar chart of the share of customers and of revenue per RFM segment; the largest segment "
                           "is {segment} ({share} of customers, {revenue} of revenue).",
                     "nl": "Staafdiagram van het aandeel klanten en omzet per RFM-segment; het grootste segment is "
                           "{segment} ({share} van de klanten, {revenue} van de omzet)."},
    "alt_calibration": {"en": "Line chart of the mean purchases in the holdout period by repeat purchases in the "
                              "calibration period, actual and per model; in the holdout period these customers made "
                              "{actual} purchases, predicted: {models}.",
                        "nl": "Lijndiagram van het gemiddeld aantal aankopen in de holdoutperiode naar herhaalaankopen "
                              "in de kalibratieperiode, werkelijk en per model; in de holdoutperiode deden deze klanten "
                              "{actual} aankopen, voorspeld: {models}."},
    "alt_p_alive": {"en": "Heatmap of the probability that a customer is still active, by number of repeat purchases "
                          "and time of the last purchase.",
                    "nl": "Heatmap van de kans dat een klant nog actief is, naar aantal herhaalaankopen en moment "
                          "van de laatste aankoop."},
    "alt_clv": {"en": "Histogram of the customer lifetime value per customer; median {median}, mean {mean}.",
                "nl": "Histogram van de klantwaarde (CLV) per klant; mediaan {median}, gemiddelde {mean}."},
    "alt_phases": {"en": "Bar chart of persons per journey phase; the largest phase is {phase} ({persons} persons).",
                   "nl": "Staafdiagram van personen per klantreisfase; de grootste fase is {phase} ({persons} "
                         "personen)."},
    "alt_flow": {"en": "Flow chart of persons between the journey phases from {start} to {end}: {stayed} of {seen} "
                       "persons seen on {start} were in the same phase on {end}.",
                 "nl": "Stroomdiagram van personen tussen de klantreisfasen van {start} tot {end}: {stayed} van de "
                       "{seen} personen die op {start} gezien waren, zaten op {end} in dezelfde fase."},
    "alt_cohorts": {"en": "Heatmap of the share of each monthly cohort of new customers that ordered again, by months "
                          "since the first order ({cohorts} cohorts).",
                    "nl": "Heatmap van het aandeel van elk maandcohort nieuwe klanten dat opnieuw bestelde, naar "
                          "maanden sinds de eerste bestelling ({cohorts} cohorten)."},
    "alt_funnel": {"en": "Bar chart of the units reaching each funnel step; overall conversion: {conversion}.",
                   "nl": "Staafdiagram van de eenheden die elke stap van de trechter bereiken; totale conversie: "
                         "{conversion}."},
    "alt_consideration": {"en": "Histogram of the days from first visit to first purchase per involvement level; "
                                "median: {medians}.",
                          "nl": "Histogram van de dagen van eerste bezoek tot eerste aankoop per betrokkenheid; "
                                "mediaan: {medians}."},
    "alt_attribution": {"en": "Bar chart of the conversions credited to each channel by each attribution model; the "
                              "most credited channel is {channel}.",
                        "nl": "Staafdiagram van de conversies die elk attributiemodel aan elk kanaal toekent; het "
                              "kanaal met de meeste conversies is {channel}."},
    "alt_key_metrics": {"en": "Chart of high vs low involvement in {n} key metrics with 95% intervals: {items}.",
                        "nl": "Grafiek van hoog vs laag betrokken in {n} kerncijfers met 95%-intervallen: {items}."},
    # --- end of issue 15, point 3 ---
    # --- issue 15, points 2-3 in the customers, churn and journey sections: key charts, precision ---
    "minutes": {"en": "minutes", "nl": "minuten"},
    "segment_actions": {"en": "What to do per segment", "nl": "Wat te doen per segment"},
    "status_chart_title": {"en": "Customers by status and involvement", "nl": "Klanten naar status en betrokkenheid"},
    "alt_status": {"en": "Bar chart of the customers per status: {items}.",
                   "nl": "Staafdiagram van de klanten per status: {items}."},
    # --- end of issue 15, points 2-3 (customers, churn, journey) ---
    "involvement": {"en": "involvement", "nl": "betrokkenheid"},
    # attribution models (keys are attribution.MODELS)
    "first_touch": {"en": "first touch", "nl": "eerste contact"},
    "last_touch": {"en": "last touch", "nl": "laatste contact"},
    "last_non_direct": {"en": "last non-direct touch", "nl": "laatste niet-directe contact"},
    "linear": {"en": "linear", "nl": "lineair"},
    "position_based": {"en": "position-based", "nl": "positiegebaseerd"},
    "time_decay": {"en": "time decay", "nl": "tijdsverval"},
    "markov": {"en": "Markov chain", "nl": "Markov-keten"},
    # words of the report that were shown as ids (issue 15, point 1)
    "customer_id": {"en": "customer", "nl": "klant"},
    "rank": {"en": "no.", "nl": "nr."},
    "finding": {"en": "finding", "nl": "bevinding"},
    "certainty": {"en": "certainty", "nl": "zekerheid"},
    "category": {"en": "product category", "nl": "productcategorie"},
    "involvement_score": {"en": "score (votes for high)", "nl": "score (stemmen voor hoog)"},
    "sessions": {"en": "sessions", "nl": "sessies"},
    "needs": {"en": "seen in", "nl": "zichtbaar in"},
    "rule_meaning": {"en": "who is in it", "nl": "wie erin zit"},
    "phase_rule_own": {"en": "a rule of this report's own (see tables/phase_rules.csv)",
                       "nl": "een eigen regel van dit rapport (zie tables/phase_rules.csv)"},
    # a phase rule set by hand (journeylab.journey.phases.resolve_rules, read by phase_description)
    "phase_rule_overridden": {"en": "overridden: {rule}", "nl": "aangepast: {rule}"},
    "phase_on": {"en": "phase on {date}", "nl": "fase op {date}"},
    "unknown_involvement": {"en": "involvement unknown", "nl": "betrokkenheid onbekend"},
    "orders_only_note": {
        "en": "This shop has orders only: the phases {phases} need web events, so everyone shown is a customer, "
              "from the purchase phase on.",
        "nl": "Deze winkel heeft alleen bestellingen: de fasen {phases} vragen om webgebeurtenissen, dus iedereen "
              "die hier staat is een klant, vanaf de aankoopfase."},
    "independence_ok": {
        "en": "The correlation between purchase frequency and spend per order is {r:.2f} (p {p}, n = {n:,}{sample}): "
              "weak enough for the Gamma-Gamma model.",
        "nl": "De correlatie tussen aankoopfrequentie en besteding per bestelling is {r:.2f} (p {p}, n = {n:,}{sample}): "
              "zwak genoeg voor het Gamma-Gamma-model."},
    "independence_doubtful": {
        "en": "The correlation between purchase frequency and spend per order is {r:.2f} (p {p}, n = {n:,}{sample}): "
              "too strong; the Gamma-Gamma model's assumption that spend does not depend on frequency is doubtful, "
              "so treat CLV with care.",
        "nl": "De correlatie tussen aankoopfrequentie en besteding per bestelling is {r:.2f} (p {p}, n = {n:,}{sample}): "
              "te sterk; de aanname van het Gamma-Gamma-model dat de besteding niet van de frequentie afhangt is "
              "twijfelachtig, dus wees voorzichtig met de CLV."},
    "independence_flat": {"en": "Too little variation among the {n:,} repeat buyers to test this.",
                          "nl": "Te weinig variatie onder de {n:,} herhaalkopers om dit te toetsen."},
    "independence_sample": {"en": "; a sample of {n:,} of {total:,} repeat buyers",
                            "nl": "; een steekproef van {n:,} van {total:,} herhaalkopers"},
    "density": {"en": "share of buyers (density)", "nl": "aandeel kopers (dichtheid)"},
    "removal_effect": {"en": "removal effect (Markov)", "nl": "verwijderingseffect (Markov)"},
    # --- report cover, contents and page footer (issue 15, point 4: print quality; journeylab.report.layout) ---
    "contents": {"en": "Contents", "nl": "Inhoud"},
    "client": {"en": "Client", "nl": "Klant"},
    "period": {"en": "Period", "nl": "Periode"},
    "report_date": {"en": "Report date", "nl": "Rapportdatum"},
    "page_of": {"en": "page {page} of {pages}", "nl": "pagina {page} van {pages}"},
    # --- end of issue 15, point 4 ---
    # --- a shop owner can read it (issue 15, point 2): section intros, what the data could not tell, the
    # glossary (GLOSSARY_TERMS, GLOSSARY below) and the appendix of technical tables ---
    # two plain sentences under every section heading: "section_intro_" + the heading's label key
    "section_intro_executive_summary": {
        "en": "The five figures to read first, the three strongest findings with an action each, and what the data "
              "could not tell. The sections after this page show where each comes from.",
        "nl": "De vijf cijfers om eerst te lezen, de drie sterkste bevindingen met elk een actie, en wat de data niet "
              "konden vertellen. De hoofdstukken hierna tonen waar elk vandaan komt."},
    "section_intro_data_quality": {
        "en": "Before any analysis, the shop's files are checked: every row read is accounted for, kept, fixed or "
              "dropped with the reason. Many dropped or fixed rows mean that the figures further on rest on less data.",
        "nl": "Vóór elke analyse worden de bestanden van de winkel gecontroleerd: elke ingelezen rij is verantwoord, "
              "behouden, gecorrigeerd of weggelaten met de reden. Veel weggelaten of gecorrigeerde rijen betekenen dat "
              "de cijfers verderop op minder data rusten."},
    "section_intro_customer_summary": {
        "en": "These are the shop's basic counts: customers, orders, revenue and how many customers came back. "
              "The chart shows how many customers bought again once, twice or more often.",
        "nl": "Dit zijn de basisaantallen van de winkel: klanten, bestellingen, omzet en hoeveel klanten terugkwamen. "
              "De grafiek toont hoeveel klanten één, twee of meer keer opnieuw kochten."},
    "section_intro_customers_rfm": {
        "en": "RFM sorts customers by how recently they bought (R), how often (F) and how much they spend per order "
              "(M), and groups them into segments such as champions and customers at risk. Each segment has a "
              "suggested action: whom to reward, whom to win back and whom to let go.",
        "nl": "RFM deelt klanten in naar hoe recent ze kochten (R), hoe vaak (F) en hoeveel ze per bestelling "
              "besteden (M), en groepeert ze in segmenten zoals topklanten en risicoklanten. Elk segment heeft een "
              "voorgestelde actie: wie u beloont, wie u terugwint en wie u laat gaan."},
    "section_intro_churn_clv": {
        "en": "This section estimates for every customer the chance of still buying from the shop and what they are "
              "expected to spend in the coming months (CLV). The estimates come from a purchase model that was first "
              "tested on the shop's most recent orders; where no model passes that test, the report says so instead "
              "of guessing.",
        "nl": "Dit hoofdstuk schat voor elke klant de kans dat hij nog bij de winkel koopt en wat hij de komende "
              "maanden naar verwachting besteedt (CLV). De schattingen komen uit een aankoopmodel dat eerst is getest "
              "op de meest recente bestellingen van de winkel; waar geen model die test doorstaat, zegt het rapport "
              "dat in plaats van te gissen."},
    "section_intro_journey_section": {
        "en": "Every visitor and customer is placed in a phase of the customer journey, from a first visit to buying "
              "again, and the funnel shows where people stop on the way to an order. Use it to see which step loses "
              "the most people.",
        "nl": "Elke bezoeker en klant krijgt een fase van de klantreis, van een eerste bezoek tot opnieuw kopen, en "
              "de funnel toont waar mensen afhaken op weg naar een bestelling. Zo ziet u welke stap de meeste mensen "
              "verliest."},
    "section_intro_involvement_section": {
        "en": "Products people think about for a long time before buying (high involvement, such as furniture) are "
              "compared with everyday products (low involvement): how customers find them, buy them and come back. "
              "Differences that are certain enough become findings with an action.",
        "nl": "Producten waar mensen lang over nadenken voor ze kopen (hoog betrokken, zoals meubels) worden "
              "vergeleken met dagelijkse producten (laag betrokken): hoe klanten ze vinden, kopen en terugkomen. "
              "Verschillen die zeker genoeg zijn, worden bevindingen met een actie."},
    "section_intro_glossary": {
        "en": "The report uses a few terms of customer analytics. Each is explained here once, in plain words.",
        "nl": "Het rapport gebruikt een paar begrippen uit de klantanalyse. Elk begrip wordt hier één keer in "
              "gewone woorden uitgelegd."},
    "section_intro_appendix": {
        "en": "This appendix holds the technical tables behind the report: the models' parameters and scores, the "
              "full comparison of low and high involvement and the rules that put people in a phase. You do not "
              "need them to act on the report; they are here for checking and for a technical reader.",
        "nl": "Deze bijlage bevat de technische tabellen achter het rapport: de parameters en scores van de "
              "modellen, de volledige vergelijking van laag en hoog betrokken en de regels die mensen in een fase "
              "plaatsen. U hebt ze niet nodig om met het rapport aan de slag te gaan; ze staan hier ter controle en "
              "voor een technische lezer."},
    "glossary": {"en": "Glossary", "nl": "Begrippenlijst"},
    "appendix": {"en": "Appendix: technical tables", "nl": "Bijlage: technische tabellen"},
    "model_scores": {"en": "How well each model predicted the holdout period",
                     "nl": "Hoe goed elk model de holdoutperiode voorspelde"},
    "comparison_full": {"en": "Low vs high involvement: the full table", "nl": "Laag vs hoog betrokken: de volledige tabel"},
    # one line in the main body where a technical table moved to the appendix
    "appendix_see_models": {"en": "The models' scores on the holdout period and their parameters are in the appendix.",
                            "nl": "De scores van de modellen in de holdoutperiode en hun parameters staan in de bijlage."},
    "appendix_see_comparison": {"en": "The full table, with intervals and tests for every figure, and the key figures "
                                      "of each phase are in the appendix.",
                                "nl": "De volledige tabel, met intervallen en toetsen voor elk cijfer, en de kengetallen "
                                      "per fase staan in de bijlage."},
    "appendix_see_consideration": {"en": "The averages and 75th percentiles of each figure are in the appendix.",
                                   "nl": "De gemiddelden en 75e percentielen van elk cijfer staan in de bijlage."},
    "consideration_full": {"en": "Consideration: every figure", "nl": "Overweging: alle cijfers"},
    "appendix_see_rules": {"en": "The rules that put people in a phase are in the appendix.",
                           "nl": "De regels die mensen in een fase plaatsen, staan in de bijlage."},
    "appendix_no_models": {"en": "No purchase model was used for this shop, so there are no model scores or parameters "
                                 "to show.",
                           "nl": "Voor deze winkel is geen aankoopmodel gebruikt, dus er zijn geen scores of parameters "
                                 "van modellen om te tonen."},
    # what the data could not tell (journeylab.report.sections.data_limits: "limit_" + the limit's id)
    "data_limits": {"en": "What the data could not tell", "nl": "Wat de data niet konden vertellen"},
    # the one-line meaning of each of the executive summary's five numbers (sections.HEADLINE)
    "meaning": {"en": "what it means", "nl": "wat het zegt"},
    "meaning_customers": {"en": "people who ordered at least once in the period",
                          "nl": "mensen die in de periode minstens één keer bestelden"},
    "meaning_revenue": {"en": "total value of their orders in the period; cancelled orders are not counted",
                        "nl": "totale waarde van hun bestellingen in de periode; geannuleerde tellen niet mee"},
    "meaning_repeat_rate": {"en": "share of customers who came back and ordered on another day",
                            "nl": "aandeel klanten dat terugkwam en op een andere dag opnieuw bestelde"},
    "meaning_share_at_risk_or_lost": {"en": "share of customers who have probably stopped or are slipping away",
                                      "nl": "aandeel klanten dat waarschijnlijk gestopt is of aan het afhaken is"},
    "meaning_clv_total": {"en": "what all customers are expected to spend in the next {h} months, in today's money",
                          "nl": "wat alle klanten de komende {h} maanden naar verwachting besteden, in geld van nu"},
    "limit_none": {"en": "Nothing essential is missing: the data have orders, products, web visits and reviews over a "
                         "year or more.",
                   "nl": "Er ontbreekt niets wezenlijks: de data bevatten bestellingen, producten, webbezoeken en "
                         "reviews over een jaar of langer."},
    "limit_no_orders": {"en": "The data have no orders, so nothing can be said about customers, what they are worth or "
                              "who is about to stop buying.",
                        "nl": "De data bevatten geen bestellingen, dus er valt niets te zeggen over klanten, wat ze "
                              "waard zijn of wie dreigt te stoppen met kopen."},
    "limit_few_customers": {
        "en": "With {n:,} customers, of whom {rep:,} bought more than once, there are too few to tell who is about to "
              "stop buying or what customers will be worth (that needs at least 200 customers and 50 repeat buyers).",
        "nl": "Met {n:,} klanten, van wie {rep:,} meer dan eens kochten, zijn er te weinig om te zeggen wie dreigt te "
              "stoppen met kopen of wat klanten waard zullen zijn (daarvoor zijn minstens 200 klanten en 50 "
              "herhaalkopers nodig)."},
    "limit_no_value_model": {
        "en": "No purchase model could be trusted on these data, so the report cannot tell who is about to stop "
              "buying or what customers will be worth; the section on churn and CLV says why.",
        "nl": "Geen enkel aankoopmodel is op deze data betrouwbaar, dus het rapport kan niet zeggen wie dreigt te "
              "stoppen met kopen of wat klanten waard zullen zijn; het hoofdstuk over klantverloop en CLV zegt waarom."},
    "limit_group_no_model": {
        "en": "For {groups} customers no purchase model could be trusted, so they have no churn or CLV figures.",
        "nl": "Voor {groups} klanten is geen enkel aankoopmodel betrouwbaar, dus voor hen zijn er geen churn- of "
              "CLV-cijfers."},
    "limit_dropout_not_identified": {
        "en": "For {groups} customers the data cannot tell how many have stopped buying, because too few of them "
              "bought again: their expected purchases and value are estimated, their churn risk is not.",
        "nl": "Voor {groups} klanten kunnen de data niet zeggen hoeveel er gestopt zijn, omdat te weinig van hen "
              "opnieuw kochten: hun verwachte aankopen en waarde zijn geschat, hun verlooprisico niet."},
    "limit_status_by_recency": {
        "en": "For {groups} customers the time since the last order told better than the model who would stop "
              "buying, so their status rests on that time alone.",
        "nl": "Voor {groups} klanten voorspelde de tijd sinds de laatste bestelling beter dan het model wie zou "
              "stoppen met kopen, dus hun status rust alleen op die tijd."},
    "limit_spend_fallback": {
        "en": "For {groups} customers the spend per order varies too much for the spend model, so their CLV uses the "
              "group's average repeat order instead of each customer's own spending.",
        "nl": "Voor {groups} klanten varieert de besteding per bestelling te sterk voor het bestedingsmodel, dus hun "
              "CLV gebruikt de gemiddelde herhaalbestelling van de groep in plaats van de eigen bestedingen."},
    "limit_no_events": {
        "en": "There are no web visits (events), so the report cannot show the funnel, how long people consider "
              "before buying, which channels bring customers, or the journey before the first order.",
        "nl": "Er zijn geen webbezoeken (gebeurtenissen), dus het rapport kan de funnel niet tonen, niet hoe lang "
              "mensen overwegen voor ze kopen, niet welke kanalen klanten opleveren en niet de klantreis vóór de "
              "eerste bestelling."},
    "limit_no_products": {
        "en": "There are no products with categories, so products people think long about cannot be compared with "
              "everyday products (involvement).",
        "nl": "Er zijn geen producten met categorieën, dus producten waar mensen lang over nadenken kunnen niet "
              "worden vergeleken met dagelijkse producten (betrokkenheid)."},
    "limit_no_involvement": {
        "en": "Low- and high-involvement products could not be compared on these data; the section on involvement "
              "says why.",
        "nl": "Laag en hoog betrokken producten konden op deze data niet worden vergeleken; het hoofdstuk over "
              "betrokkenheid zegt waarom."},
    "limit_no_reviews": {
        "en": "There are no reviews, so the report cannot tell which customers recommend the shop.",
        "nl": "Er zijn geen reviews, dus het rapport kan niet zeggen welke klanten de winkel aanbevelen."},
    "limit_too_early": {
        "en": "{n:,} customers are 'too early to tell': they have been silent for less than the usual time between "
              "purchases of customers like them, so silence does not yet mean they have stopped.",
        "nl": "{n:,} klanten staan op 'te vroeg om te zeggen': ze zijn korter stil dan de gebruikelijke tijd tussen "
              "aankopen van vergelijkbare klanten, dus stilte betekent nog niet dat ze gestopt zijn."},
    "limit_short_period": {
        "en": "The orders cover only {days:,} days: too short to see seasons or customers who buy once a year, so "
              "the figures on coming back are a first estimate.",
        "nl": "De bestellingen beslaan maar {days:,} dagen: te kort om seizoenen te zien of klanten die één keer per "
              "jaar kopen, dus de cijfers over terugkomen zijn een eerste schatting."},
    # --- end of issue 15, point 2 ---
}


def format_p(p: float, lang: str = "en") -> str:
    """A p-value as a reader sees it, in the language's locale: "< 0.001" ("< 0,001") below 0.001 (never
    "p = 0"), else "= " and two significant digits; "–" when there is none."""
    import math

    if p is None or not math.isfinite(p):
        return "–"
    return "< " + format_number(0.001, lang, 3) if p < 0.001 else "= " + format_spec(float(p), ".2g", lang)


# the involvement inference rules (journeylab.journey.levels.INFERENCE_RULES) in words
INFERENCE_SIGNALS: dict[str, dict[str, str]] = {
    "price_ratio": {"en": "category median price is at least 3x the shop's median order-line price",
                    "nl": "mediane prijs van de categorie is minstens 3x de mediane orderregelprijs van de winkel"},
    "repeat_rate": {"en": "fewer than 25% of the category's buyers bought it again",
                    "nl": "minder dan 25% van de kopers van de categorie kocht die opnieuw"},
    "interpurchase_days": {"en": "median time between purchases in the category is 90 days or more",
                           "nl": "mediane tijd tussen aankopen in de categorie is 90 dagen of meer"},
    "consideration_days": {"en": "median time from first view to first purchase is a day or more",
                           "nl": "mediane tijd van eerste bekeken product tot eerste aankoop is een dag of meer"},
}


# Babel's CLDR locale of each report language: how numbers, percentages, money and dates are written
LOCALES = {"en": "en_GB", "nl": "nl_NL"}


def _missing(value: Any) -> bool:
    import math

    try:
        return value is None or not math.isfinite(float(value))
    except (TypeError, ValueError):
        return True


def format_percent(share: float, lang: str = "en", decimals: int = 1) -> str:
    """A share (0.85) as a percentage in the language's locale (Babel, CLDR): "85.0%" / "85,0%"; "–" for
    a missing value."""
    from babel.numbers import format_percent as babel_percent

    if _missing(share):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return babel_percent(share, format=pattern, locale=LOCALES[check_language(lang)])


def format_number(value: float, lang: str = "en", decimals: int = 0, grouping: bool = True) -> str:
    """A number in the language's locale (Babel): 13876.47 -> "13,876" (en) / "13.876" (nl) with
    ``decimals`` = 0, "13.876,47" with 2; "–" for a missing value."""
    from babel.numbers import format_decimal

    if _missing(value):
        return "–"
    pattern = ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=LOCALES[check_language(lang)])


def format_money(amount: float, currency: str, lang: str = "en", decimals: int = 0) -> str:
    """An amount in the shop's currency in the language's locale: "€ 1.234" (nl), "€1,234" (en) for an
    ISO code Babel knows; any other currency name is written after the number ("1.234 punten")."""
    from babel import Locale
    from babel.numbers import format_currency, list_currencies

    if _missing(amount):
        return "–"
    locale = LOCALES[check_language(lang)]
    code = str(currency).strip()
    if code.upper() not in list_currencies():
        return f"{format_number(amount, lang, decimals)} {code}".strip()
    pattern = Locale.parse(locale).currency_formats["standard"].pattern.split(";")[0]
    pattern = pattern.replace(".00", "." + "0" * decimals if decimals else "")
    return format_currency(amount, code.upper(), format=pattern, locale=locale, currency_digits=False)


def format_span(days: float, lang: str = "en", decimals: int = 1) -> str:
    """A span of time given in days as a reader says it, in the language's locale: a day or more in days
    ("12.3 days"), under a day in hours ("5.2 hours", "5,2 uur"), under an hour in minutes ("6 minutes",
    never "0.1 hours"); "–" for a missing value."""
    if _missing(days):
        return "–"
    days = float(days)
    if abs(days) >= 1:
        return f"{format_number(days, lang, decimals)} {t('days', lang)}"
    if abs(days) * 24 >= 1:
        return f"{format_number(24 * days, lang, decimals)} {t('hours', lang)}"
    return f"{format_number(24 * 60 * days, lang, 0)} {t('minutes', lang)}"


def format_date(value: Any, lang: str = "en", format: str = "long") -> str:
    """A date in the language's locale: "31 December 2024" / "31 december 2024" (``format`` as Babel's:
    short, medium, long); "–" for a missing date."""
    import pandas as pd
    from babel.dates import format_date as babel_date

    if value is None or pd.isna(value):
        return "–"
    return babel_date(pd.Timestamp(value).date(), format=format, locale=LOCALES[check_language(lang)])


def format_spec(value: Any, spec: str, lang: str) -> str:
    """``format(value, spec)`` for a number, written in the language's locale: Python's specs "," ",.2f"
    ".1f" ".1%" "d" and "g" keep their meaning (grouping, decimals, percent), the separators become the
    locale's. Anything else (text, an empty spec on a non-number) is formatted as Python does."""
    import numbers
    import re

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return format(value, spec)
    m = re.fullmatch(r"(,)?(?:\.(\d+))?([fd%g])?", spec)
    if m is None:
        return format(value, spec)
    grouping, digits, kind = m.group(1) is not None, m.group(2), m.group(3)
    if kind == "%":
        return format_percent(value, lang, int(digits or 0))
    if kind == "g" or (not spec and isinstance(value, float)):
        from babel.numbers import get_decimal_symbol, get_group_symbol

        text = format(value, spec or "")
        locale = LOCALES[check_language(lang)]
        return text.replace(",", "\0").replace(".", get_decimal_symbol(locale)).replace(
            "\0", get_group_symbol(locale))
    if not spec:
        return format(value, spec)  # a bare integer: no grouping, as Python writes it
    decimals = int(digits) if digits is not None else (0 if kind in (None, "d") or isinstance(value, numbers.Integral)
                                                      else 6)
    return format_number(value, lang, decimals, grouping)


def check_language(lang: str) -> str:
    """``lang`` itself when it is one of LANGUAGES, else ValueError: the one check of a language, made
    before anything is computed, drawn or written."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, not {lang!r}")
    return lang


class Phrase(str):
    """A text in one language that remembers it (``lang``), so numbers filled into it
    (journeylab.report.safe.fill) are written in that language's locale."""

    lang: str

    def __new__(cls, text: str, lang: str) -> "Phrase":
        obj = super().__new__(cls, text)
        obj.lang = lang
        return obj

    def __reduce__(self):  # pickles (report caches) as the text with its language
        return (Phrase, (str(self), self.lang))

    def format(self, *args: Any, **values: Any) -> str:
        """str.format with numbers written in the phrase's locale ("{n:,}": 13.876 in Dutch)."""
        return LocaleFormatter(self.lang).vformat(str(self), args, values)


class LocaleFormatter(string.Formatter):
    """str.format whose number fields are written in ``lang``'s locale (format_spec)."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = check_language(lang)

    def format_field(self, value: Any, spec: str) -> str:
        return format_spec(value, spec, self.lang)


def t(key: str, lang: str = "en") -> Phrase:
    """The label ``key`` in ``lang`` ('en' or 'nl'), a Phrase that knows its language."""
    return Phrase(LABELS[key][check_language(lang)], lang)


def labeller(lang: str, overrides: Mapping[str, str] | None = None, *,
             fallback: bool = False) -> Callable[[str], str]:
    """The label lookup of one table or figure in ``lang`` (checked here, once): ``overrides`` (key ->
    text) first, then ``LABELS``. An unknown key raises KeyError, or with ``fallback`` (a table's column
    names, which may come from anyone's data) reads as the key with underscores as spaces."""
    check_language(lang)
    own = dict(overrides or {})

    def label(key: str) -> str:
        if key in own:
            return own[key]
        if key in LABELS:
            return LABELS[key][lang]
        if fallback:
            return str(key).replace("_", " ")
        raise KeyError(f"no label {key!r} in journeylab.i18n.LABELS")

    return label


def level_label(value: Any, lang: str = "en") -> Any:
    """An involvement level ("low", "high"), the "all" group or "(unknown)" (no level) as words of ``lang``;
    any other value (e.g. a channel) unchanged."""
    if value == "(unknown)":
        return LABELS["unknown_involvement"][check_language(lang)]
    return LABELS[value][check_language(lang)] if value in ("low", "high", "all") else value


# Metrics of the involvement comparison (journeylab.journey.involvement.compare_involvement), the KPIs
# per phase (phase_kpis) and the consideration summary (journeylab.journey.funnel.consideration_summary),
# by id. A ``{channel}`` or ``{phase}`` placeholder takes the row's ``param`` (a phase as a word of the
# language, a channel as the data have it); ``{horizon}`` is the CLV horizon in months. Read with
# ``metric_label``.
METRICS: dict[str, dict[str, str]] = {
    # consideration
    "consideration_days": {"en": "consideration days (first visit to first purchase)",
                           "nl": "dagen overweging (eerste bezoek tot eerste aankoop)"},
    "consideration_sessions": {"en": "consideration sessions (first visit to first purchase)",
                               "nl": "sessies overweging (eerste bezoek tot eerste aankoop)"},
    "channels_before_purchase": {"en": "distinct channels before first purchase",
                                 "nl": "verschillende kanalen voor de eerste aankoop"},
    "research_views": {"en": "research-page views before first purchase",
                       "nl": "bezoeken aan informatiepagina's voor de eerste aankoop"},
    "return_visit_rate": {"en": "return-visit rate", "nl": "aandeel terugkerende bezoekers"},
    "product_views_per_session": {"en": "product views per session", "nl": "productweergaven per sessie"},
    "cart_rate": {"en": "cart rate", "nl": "aandeel sessies met winkelmandje"},
    # awareness and purchase
    "new_visitors": {"en": "new visitors", "nl": "nieuwe bezoekers"},
    "channel_share_first_session": {"en": "channel share, first session: {channel}",
                                    "nl": "kanaalaandeel, eerste sessie: {channel}"},
    "channel_share_purchase_session": {"en": "channel share, purchase session: {channel}",
                                       "nl": "kanaalaandeel, aankoopsessie: {channel}"},
    "product_view_conversion": {"en": "conversion of sessions with a product view",
                                "nl": "conversie van sessies met een productweergave"},
    "cart_abandonment": {"en": "cart abandonment (cart sessions without purchase)",
                         "nl": "verlaten winkelmandjes (sessies met mandje, zonder aankoop)"},
    "checkout_abandonment": {"en": "checkout abandonment", "nl": "afgebroken afrekenen"},
    "payment_drop_off": {"en": "payment drop-off", "nl": "afhakers bij het betalen"},
    "delivery_drop_off": {"en": "delivery drop-off", "nl": "afhakers bij de levering"},
    "visitor_conversion": {"en": "visitor conversion (ever bought)", "nl": "bezoekersconversie (ooit gekocht)"},
    "order_value": {"en": "order value", "nl": "orderwaarde"},
    # upsell
    "repeat_rate": {"en": "repeat rate (2+ orders)", "nl": "herhaalaankoopratio (2+ bestellingen)"},
    "interpurchase_days": {"en": "inter-purchase time", "nl": "tijd tussen aankopen"},
    "days_to_second_order": {"en": "days to second order", "nl": "dagen tot tweede bestelling"},
    "median_days_to_second_order": {"en": "median days to second order", "nl": "mediaan dagen tot tweede bestelling"},
    "cross_category_rate": {"en": "cross-category rate", "nl": "aandeel met een tweede categorie"},
    # figures of the value model
    "churn_risk": {"en": "churn risk (1 - P(alive))", "nl": "verlooprisico (1 - P(actief))"},
    "share_lost": {"en": "share lost", "nl": "aandeel verloren"},
    "share_too_early": {"en": "share too early to tell", "nl": "aandeel te vroeg om te zeggen"},
    "expected_purchases": {"en": "expected purchases over {horizon:g} months",
                           "nl": "verwachte aankopen over {horizon:g} maanden"},
    "clv": {"en": "CLV over {horizon:g} months", "nl": "CLV over {horizon:g} maanden"},
    # ambassador
    "review_rate": {"en": "review rate (customers with a review)", "nl": "reviewratio (klanten met een review)"},
    "mean_rating": {"en": "mean rating", "nl": "gemiddelde beoordeling"},
    "share_top_segments": {"en": "share Champions + Loyal Customers", "nl": "aandeel Topklanten + Trouwe klanten"},
    # the distribution of journey phases
    "phase_share": {"en": "phase share: {phase}", "nl": "aandeel fase: {phase}"},
    # the consideration summary (its metrics; the statistics are in STATISTICS)
    "days_from_first_visit": {"en": "days from first visit", "nl": "dagen vanaf eerste bezoek"},
    "sessions_from_first_visit": {"en": "sessions from first visit", "nl": "sessies vanaf eerste bezoek"},
    "days_from_first_product_view": {"en": "days from first product view", "nl": "dagen vanaf eerste productweergave"},
    "sessions_from_first_product_view": {"en": "sessions from first product view",
                                         "nl": "sessies vanaf eerste productweergave"},
    "touchpoints": {"en": "touchpoints", "nl": "contactmomenten"},
    "channels": {"en": "channels", "nl": "kanalen"},
}
# the statistics of the consideration summary (journeylab.journey.funnel.CONSIDERATION_STATS)
STATISTICS: dict[str, dict[str, str]] = {
    "median": {"en": "median", "nl": "mediaan"}, "mean": {"en": "mean", "nl": "gemiddelde"},
    "p75": {"en": "P75", "nl": "P75"},
}
# Journey phases of the built-in phase models (journeylab/phase_models.yaml). A client's own phase model
# may name other phases: those read as they are named.
PHASES: dict[str, dict[str, str]] = {
    "awareness": {"en": "awareness", "nl": "bewustwording"},
    "consideration": {"en": "consideration", "nl": "overweging"},
    "purchase": {"en": "purchase", "nl": "aankoop"},
    "upsell": {"en": "upsell", "nl": "upsell / herhaalaankoop"},
    "ambassador": {"en": "ambassador", "nl": "ambassadeur"},
    "decision": {"en": "decision", "nl": "beslissing"},
    "loyalty": {"en": "loyalty", "nl": "loyaliteit"},
    "use": {"en": "use", "nl": "gebruik"},
    "aftercare": {"en": "aftercare", "nl": "nazorg"},
    "not_yet_seen": {"en": "not yet seen", "nl": "nog niet gezien"},  # phase flows: a person not seen yet
}
# A customer's status: the ids of journeylab.models.churn.STATUSES, in that order
STATUSES: dict[str, dict[str, str]] = {
    "active": {"en": "active", "nl": "actief"}, "at_risk": {"en": "at risk", "nl": "risico"},
    "lost": {"en": "lost", "nl": "verloren"}, "too_early": {"en": "too early to tell", "nl": "te vroeg om te zeggen"},
}
# Units of a metric; the shop's currency (e.g. "EUR") is a unit too and reads the same in every language.
UNITS: dict[str, dict[str, str]] = {
    "days": {"en": "days", "nl": "dagen"}, "sessions": {"en": "sessions", "nl": "sessies"},
    "channels": {"en": "channels", "nl": "kanalen"}, "page_views": {"en": "page views", "nl": "paginaweergaven"},
    "share": {"en": "share", "nl": "aandeel"}, "probability": {"en": "probability", "nl": "kans"},
    "purchases": {"en": "purchases", "nl": "aankopen"},
}
# Tests of a difference between low and high involvement
TESTS: dict[str, dict[str, str]] = {
    "chi_square": {"en": "chi-square", "nl": "chi-kwadraat"},
    "mann_whitney_u": {"en": "Mann-Whitney U", "nl": "Mann-Whitney U"},
    "bootstrap_refit": {"en": "bootstrap with refitting", "nl": "bootstrap met herschatting"},
    "two_proportion_z": {"en": "two-proportion z-test", "nl": "z-toets voor twee proporties"},
}
# Event types (journeylab.data.contract.EVENT_TYPES and the adapters' extra ones) as funnel steps; other
# event types, and funnel steps named by the caller, read as they are named (underscores as spaces).
EVENTS: dict[str, dict[str, str]] = {
    "page_view": {"en": "page view", "nl": "paginaweergave"},
    "product_view": {"en": "product view", "nl": "productweergave"},
    "compare": {"en": "compare", "nl": "vergelijken"},
    "add_to_cart": {"en": "add to cart", "nl": "in winkelmandje"},
    "remove_from_cart": {"en": "remove from cart", "nl": "uit winkelmandje"},
    "begin_checkout": {"en": "begin checkout", "nl": "afrekenen gestart"},
    "purchase": {"en": "purchase", "nl": "aankoop"},
    "review": {"en": "review", "nl": "review"},
    "referral": {"en": "referral", "nl": "aanbeveling"},
    "email_open": {"en": "e-mail opened", "nl": "e-mail geopend"},
    "email_click": {"en": "e-mail clicked", "nl": "e-mail aangeklikt"},
    "(left)": {"en": "(left)", "nl": "(vertrokken)"},
}
# How a metric's ``param`` is shown in its label, by the name of the label's placeholder
_PARAM_FIELDS = {"channel": lambda v, lang: channel_label(v, lang), "phase": lambda v, lang: phase_label(v, lang)}


def metric_label(metric: str, lang: str = "en", param: Any = None, **values: Any) -> str:
    """The label of metric id ``metric`` (a key of METRICS) in ``lang``. ``param`` (a channel, a phase)
    fills the label's ``{channel}`` / ``{phase}``; ``values`` fill the rest (``horizon``: months).
    An unknown id, a missing value or a param the metric does not take raise an error naming the metric."""
    import string

    if metric not in METRICS:
        raise KeyError(f"unknown metric id {metric!r}: not in journeylab.i18n.METRICS")
    template = METRICS[metric][check_language(lang)]
    fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
    own = fields & set(_PARAM_FIELDS)
    fill = dict(values)
    if param is not None and param == param and param != "":  # NaN and "" mean no param
        if not own:
            raise ValueError(f"metric {metric!r} takes no param, but got {param!r}")
        field = own.pop()
        fill[field] = _PARAM_FIELDS[field](param, lang)
    missing = sorted(fields - set(fill))
    if missing:
        raise KeyError(f"metric {metric!r} needs {', '.join(missing)} for its label")
    return template.format(**fill)


def consideration_label(metric: str, stat: str | None, lang: str = "en") -> str:
    """A row of the consideration summary: metric id and statistic ("median", "mean", "p75"; None for none)."""
    name = metric_label(metric, lang)
    return f"{name} ({STATISTICS[stat][lang]})" if stat else name


def phase_label(phase: Any, lang: str = "en") -> str:
    """A journey phase as a word of ``lang`` (PHASES); a phase a client's own model names reads as named."""
    check_language(lang)
    return PHASES[phase][lang] if phase in PHASES else str(phase)


def status_label(status: str, lang: str = "en") -> str:
    """A customer's status (journeylab.models.churn.STATUSES) in ``lang``; an unknown one raises KeyError."""
    return STATUSES[status][check_language(lang)]


def unit_label(unit: str, lang: str = "en") -> str:
    """A unit id (UNITS) in ``lang``; any other unit is a shop's currency (its config's text, e.g. "EUR"),
    shown as given."""
    check_language(lang)
    return UNITS[unit][lang] if unit in UNITS else str(unit)


def stat_test_label(test: str, lang: str = "en") -> str:
    """A test id (TESTS) in ``lang``; no test ("") reads as "–"."""
    check_language(lang)
    if not test:
        return "–"
    if test not in TESTS:
        raise KeyError(f"unknown test id {test!r}: not in journeylab.i18n.TESTS")
    return TESTS[test][lang]


def event_label(event_type: Any, lang: str = "en") -> str:
    """An event type (a funnel step) in ``lang`` (EVENTS); another one, or a step the caller named,
    with underscores as spaces."""
    check_language(lang)
    return EVENTS[event_type][lang] if event_type in EVENTS else str(event_type).replace("_", " ")


# Why a model could not be fitted (journeylab.errors.ModelError codes), in both languages. Placeholders
# are the error's params; ``model`` is a model label, translated through MODEL_NAMES_NL where needed.
MODEL_ERRORS: dict[str, dict[str, str]] = {
    "few_repeat_buyers": {
        "en": "only {n_repeat} of {n_all} customers bought more than once; a purchase model needs repeat buyers "
              "(at least 10)",
        "nl": "slechts {n_repeat} van de {n_all} klanten kochten meer dan eens; een aankoopmodel heeft "
              "herhaalkopers nodig (minstens 10).",
    },
    "fit_failed": {
        "en": "the {model} model could not be fitted on this shop, even with a penalizer ({detail}); the purchase "
              "histories may be too few or too regular for this model",
        "nl": "het {model}-model kon niet op deze winkel worden geschat, ook niet met een penalty ({detail}); er zijn "
              "mogelijk te weinig of te regelmatige aankoopgeschiedenissen voor dit model.",
    },
    "not_fitted": {
        "en": "the model is not fitted yet; call .fit(summary) first",
        "nl": "het model is nog niet geschat; roep eerst .fit(summary) aan.",
    },
    "not_finite": {
        "en": "the fitted {model} model gives no finite {what} for some customers (parameters at an extreme); try a "
              "penalizer or another purchase model",
        "nl": "het geschatte {model}-model geeft voor sommige klanten geen eindige {what} (parameters in een "
              "uiterste); probeer een penalty of een ander aankoopmodel.",
    },
    "bootstrap_failed": {
        "en": "only {ok} of {n_boot} bootstrap refits converged; intervals unreliable",
        "nl": "slechts {ok} van de {n_boot} bootstrap-herschattingen convergeerden; de intervallen zijn onbetrouwbaar.",
    },
    "few_spend_buyers": {
        "en": "only {n_rep} customers have repeat purchases with a positive value; the spend model needs repeat "
              "buyers (at least 10)",
        "nl": "slechts {n_rep} klanten hebben herhaalaankopen met een positieve waarde; het bestedingsmodel heeft "
              "herhaalkopers nodig (minstens 10).",
    },
    "spend_heavy_tail": {
        "en": "the Gamma-Gamma spend model has q = {q:.2f} <= 1, so mean spend per order has no finite population "
              "average; spend per order is too heavy-tailed (check outliers and returns)",
        "nl": "het Gamma-Gamma-bestedingsmodel heeft q = {q:.2f} <= 1, dus de gemiddelde besteding per bestelling "
              "heeft geen eindig populatiegemiddelde; de besteding per bestelling is te scheef verdeeld (controleer "
              "uitschieters en retouren).",
    },
    "no_customers": {
        "en": "the shop's data has no orders, so there are no customers to value (no churn or CLV figures)",
        "nl": "de gegevens van de winkel bevatten geen bestellingen, dus er zijn geen klanten om te waarderen (geen "
              "churn- of CLV-cijfers).",
    },
    "no_involvement_levels": {
        "en": "the shop has no products with categories, so there is no involvement level to split by",
        "nl": "de winkel heeft geen producten met categorieën, dus er is geen betrokkenheidsniveau om op te splitsen.",
    },
}


# Why a fit is not used (journeylab.models.fitcheck problem codes)
FIT_PROBLEMS: dict[str, dict[str, str]] = {
    "rate_not_identified": {"en": "its purchase rate is not identified by the data",
                            "nl": "de data bepalen het aankoopritme niet"},
    "dropout_not_identified": {"en": "the data cannot tell how many customers have stopped buying (the dropout "
                                     "parameters are not identified: too few customers bought again)",
                               "nl": "de data kunnen niet zeggen hoeveel klanten gestopt zijn (de uitvalparameters "
                                     "zijn niet bepaald: te weinig klanten kochten opnieuw)"},
    "worse_than_baseline": {"en": "it predicts the holdout worse than simply extrapolating each customer's past rate",
                            "nl": "het voorspelt de holdoutperiode slechter dan het eigen tempo van elke klant doortrekken"},
    "holdout_total_off": {"en": "it misses the holdout total by more than 50%",
                          "nl": "het mist het totaal van de holdoutperiode met meer dan 50%"},
    "small_sample": {"en": "the shop has too few customers or repeat buyers (at least 200 customers and 50 repeat "
                           "buyers are needed for churn and CLV figures)",
                     "nl": "de winkel heeft te weinig klanten of herhaalkopers (voor churn- en CLV-cijfers zijn minstens "
                           "200 klanten en 50 herhaalkopers nodig)"},
    "few_repeat_buyers": {"en": "too few customers bought more than once", "nl": "te weinig klanten kochten meer dan eens"},
    "fit_failed": {"en": "it could not be fitted", "nl": "het kon niet worden geschat"},
}

_CHOICE = {
    "best": {"en": "{model} predicts the holdout purchases per customer best (RMSE {rmse}{others}) and misses the "
                   "holdout total by {err}.",
             "nl": "{model} voorspelt de aankopen per klant in de holdoutperiode het best (RMSE {rmse}{others}) en "
                   "wijkt {err} af van het werkelijke totaal."},
    "tie": {"en": "{models} predict the holdout purchases per customer about equally well (RMSE within 1%: {all}); "
                  "{model} misses the holdout total least ({err}) and is used.",
            "nl": "{models} voorspellen de aankopen per klant in de holdoutperiode ongeveer even goed (RMSE binnen 1%: "
                  "{all}); {model} wijkt het minst af van het totaal ({err}) en wordt gebruikt."},
    "forecast_only": {"en": "{model} forecasts purchases and CLV, but the data cannot tell how many customers have "
                            "stopped buying: status follows the time since the last order (active up to 90 days, at "
                            "risk up to 365 days, lost after that) instead of the model.",
                      "nl": "{model} voorspelt aankopen en CLV, maar de data kunnen niet zeggen hoeveel klanten gestopt "
                            "zijn: de status volgt de tijd sinds de laatste bestelling (actief tot 90 dagen, risico tot "
                            "365 dagen, daarna verloren) in plaats van het model."},
    "excluded": {"en": "{model} is not used: {why}.", "nl": "{model} wordt niet gebruikt: {why}."},
    "none": {"en": "No purchase model can be trusted on these data, so the report states no churn or CLV figures "
                   "from a model.",
             "nl": "Geen enkel aankoopmodel is op deze data betrouwbaar, dus het rapport geeft geen churn- of "
                   "CLV-cijfers uit een model."},
}


def choice_text(comparison, lang: str = "en") -> str:
    """Plain sentences on a journeylab.models.clv.ModelComparison: which purchase model is used and why, which
    were set aside and why (or that none can be trusted)."""
    m = comparison.metrics
    num = lambda v: format_number(v, lang, 3)  # noqa: E731
    pct = lambda v: ("+" if v >= 0 else "-") + format_percent(abs(v) / 100, lang)  # noqa: E731
    parts = []
    rec = comparison.recommended
    if rec is not None:
        same = m[m["tier"] == m.loc[rec, "tier"]]
        close = same.index[same["rmse"] <= same["rmse"].min() * 1.01]
        if len(close) > 1:
            parts.append(_CHOICE["tie"][lang].format(
                models=", ".join(MODEL_LABELS[k] for k in close), model=MODEL_LABELS[rec],
                all="; ".join(f"{MODEL_LABELS[k]} {num(m.loc[k, 'rmse'])}" for k in close),
                err=pct(m.loc[rec, "total_error_pct"])))
        else:
            others = "".join(f"; {MODEL_LABELS[k]} {num(v)}" for k, v in same["rmse"].items() if k != rec)
            parts.append(_CHOICE["best"][lang].format(model=MODEL_LABELS[rec], rmse=num(m.loc[rec, "rmse"]),
                                                      others=others, err=pct(m.loc[rec, "total_error_pct"])))
        if m.loc[rec, "tier"] == "forecast":
            parts.append(_CHOICE["forecast_only"][lang].format(model=MODEL_LABELS[rec]))
    else:
        parts.append(_CHOICE["none"][lang])
    for name, chk in comparison.checks.items():
        if name == "sample" or name == rec or not chk.problems:
            continue
        if rec is not None and chk.tier == m.loc[rec, "tier"]:
            continue  # as good a tier as the chosen one: set aside by the holdout error, said above
        why = "; ".join(FIT_PROBLEMS.get(p, {}).get(lang, p) for p in dict.fromkeys(chk.problems))
        parts.append(_CHOICE["excluded"][lang].format(model=MODEL_LABELS[name], why=why))
    return " ".join(parts)


def translate_params(params: dict, lang: str) -> dict:
    """A ModelError's params for its sentence in ``lang``: label keys (e.g. prediction column names in
    ``what``) in that language; numbers and model names as they are."""
    out = dict(params)
    if isinstance(out.get("what"), (list, tuple)):
        out["what"] = ", ".join(t(w, lang) if lang != "en" and w in LABELS else w for w in out["what"])
    return out


# ---------------------------------------------------------------- ids shown as words (issue 15, point 1)
# Channels: the usual channel ids of web analytics (GA's default channel groups as a shop's UTM data or
# the simulator write them). Any other channel is the shop's own text and reads as it is.
CHANNELS: dict[str, dict[str, str]] = {
    "direct": {"en": "direct", "nl": "direct bezoek"},
    "organic_search": {"en": "organic search", "nl": "organisch zoeken"},
    "paid_search": {"en": "paid search", "nl": "betaald zoeken"},
    "email": {"en": "email", "nl": "e-mail"},
    "social": {"en": "social media", "nl": "sociale media"},
    "paid_social": {"en": "paid social media", "nl": "betaalde sociale media"},
    "organic_social": {"en": "organic social media", "nl": "organische sociale media"},
    "referral": {"en": "referral", "nl": "verwijzing"},
    "display": {"en": "display ads", "nl": "display-advertenties"},
    "affiliate": {"en": "affiliate", "nl": "affiliatepartner"},
    "affiliates": {"en": "affiliates", "nl": "affiliatepartners"},
    "(none)": {"en": "(none)", "nl": "(geen)"},
    "(unknown)": {"en": "(unknown)", "nl": "(onbekend)"},
}
# What a phase of a phase model needs to be seen (journeylab/phase_models.yaml ``needs``)
DATA_SOURCES: dict[str, dict[str, str]] = {
    "events": {"en": "web events", "nl": "webgebeurtenissen"},
    "orders": {"en": "orders", "nl": "bestellingen"},
}
# Who is in a phase of a built-in phase model (journeylab/phase_models.yaml), by model and phase id; the
# report shows these instead of the rule's SQL.
PHASE_RULES: dict[str, dict[str, dict[str, str]]] = {
    "five": {
        "awareness": {"en": "visited the shop at least once", "nl": "heeft de winkel minstens één keer bezocht"},
        "consideration": {"en": "viewed or compared a product, used the cart, or came back; no order yet",
                          "nl": "bekeek of vergeleek een product, gebruikte het winkelmandje of kwam terug; nog geen "
                                "bestelling"},
        "purchase": {"en": "exactly one order so far, in one category",
                     "nl": "precies één bestelling tot nu toe, in één categorie"},
        "upsell": {"en": "two or more orders, or orders in a second category",
                   "nl": "twee of meer bestellingen, of bestellingen in een tweede categorie"},
        "ambassador": {"en": "a customer who wrote a review or referred others, or is in the RFM segment Champions",
                       "nl": "een klant die een review schreef of anderen aanbracht, of in het RFM-segment Topklanten "
                             "zit"},
    },
    "four": {
        "awareness": {"en": "visited the shop at least once", "nl": "heeft de winkel minstens één keer bezocht"},
        "consideration": {"en": "viewed or compared a product, or came back",
                          "nl": "bekeek of vergeleek een product, of kwam terug"},
        "decision": {"en": "put a product in the cart or ordered once",
                     "nl": "legde een product in het winkelmandje of bestelde één keer"},
        "loyalty": {"en": "ordered again, reviewed or referred",
                    "nl": "bestelde opnieuw, schreef een review of bracht anderen aan"},
    },
    "six": {
        "awareness": {"en": "visited the shop at least once", "nl": "heeft de winkel minstens één keer bezocht"},
        "consideration": {"en": "viewed or compared a product, or came back",
                          "nl": "bekeek of vergeleek een product, of kwam terug"},
        "decision": {"en": "put a product in the cart or began checkout, no order yet",
                     "nl": "legde een product in het winkelmandje of begon af te rekenen, nog geen bestelling"},
        "purchase": {"en": "ordered within the last 14 days", "nl": "bestelde in de laatste 14 dagen"},
        "use": {"en": "ordered, and the last order is 14 days or more ago (the product is in use)",
                "nl": "bestelde, en de laatste bestelling is 14 dagen of langer geleden (het product is in gebruik)"},
        "aftercare": {"en": "after the order: ordered again, reviewed, referred or clicked an e-mail",
                      "nl": "na de bestelling: bestelde opnieuw, schreef een review, bracht anderen aan of klikte "
                            "een e-mail"},
    },
}
# Where a category's involvement level comes from (journeylab.journey.levels.classify_involvement ``source``)
LEVEL_SOURCES: dict[str, dict[str, str]] = {
    "inferred": {"en": "inferred from the data", "nl": "afgeleid uit de data"},
    "products_table": {"en": "products table", "nl": "productentabel"},
    "config": {"en": "shop configuration", "nl": "winkelconfiguratie"},
    "override": {"en": "set by hand", "nl": "met de hand gezet"},
}
# Scores of the churn evaluation (journeylab.models.churn.evaluate_churn's rows)
CHURN_SCORES: dict[str, dict[str, str]] = {
    "churn_risk": {"en": "churn risk (1 - P(alive))", "nl": "verlooprisico (1 - P(actief))"},
    "p_no_purchase": {"en": "P(no purchase in holdout)", "nl": "P(geen aankoop in holdoutperiode)"},
    "recency": {"en": "RFM recency (time since last order)", "nl": "RFM-recency (tijd sinds laatste bestelling)"},
}
# Data-quality rules (journeylab.data.io.clean.RULES and the adapters' rules) by id: the ``rule`` column of
# ``Shop.data_quality``. The texts name OUTLIER_FACTOR (100) and OUTLIER_MIN_ORDERS (20) of clean.py.
DQ_RULES: dict[str, dict[str, str]] = {
    "rows_read": {"en": "rows read", "nl": "rijen ingelezen"},
    "rows_kept": {"en": "rows kept", "nl": "rijen behouden"},
    "duplicate_row": {"en": "duplicate row", "nl": "dubbele rij"},
    "missing_customer_id": {"en": "missing customer id", "nl": "klantnummer ontbreekt"},
    "missing_order_date": {"en": "missing order date", "nl": "besteldatum ontbreekt"},
    "missing_revenue": {"en": "missing revenue", "nl": "bedrag ontbreekt"},
    "cancelled": {"en": "cancelled", "nl": "geannuleerd"},
    "negative_revenue": {"en": "return (negative revenue)", "nl": "retour (negatief bedrag)"},
    "after_observation_end": {"en": "after observation end", "nl": "na einde observatieperiode"},
    "missing_order_id": {"en": "missing order id", "nl": "ordernummer ontbreekt"},
    "extreme_amount": {"en": "extreme amount (over 100x the median order of its category)",
                       "nl": "extreem bedrag (meer dan 100x de mediane bestelling van de categorie)"},
    "missing_product_id": {"en": "missing product id", "nl": "productnummer ontbreekt"},
    "missing_quantity_or_price": {"en": "missing quantity or price", "nl": "aantal of prijs ontbreekt"},
    "negative_quantity": {"en": "return (negative quantity)", "nl": "retour (negatief aantal)"},
    "order_not_kept": {"en": "line of an order not kept", "nl": "regel van een niet behouden order"},
    "duplicate_product_id": {"en": "duplicate product id", "nl": "dubbel productnummer"},
    "missing_category": {"en": "missing category", "nl": "categorie ontbreekt"},
    "missing_user_id": {"en": "missing user id", "nl": "gebruikersnummer ontbreekt"},
    "missing_session_id": {"en": "missing session id", "nl": "sessienummer ontbreekt"},
    "missing_time": {"en": "missing time", "nl": "tijdstip ontbreekt"},
    "missing_event_type": {"en": "missing event type", "nl": "gebeurtenistype ontbreekt"},
    "user_id_from_customer_id": {"en": "user id taken from customer id", "nl": "gebruikersnummer = klantnummer"},
    "missing_customer_or_product": {"en": "missing customer or product", "nl": "klant of product ontbreekt"},
    "bad_rating": {"en": "missing or impossible rating", "nl": "beoordeling ontbreekt of onmogelijk"},
    # the adapters of shop-system exports (journeylab.data.io.adapters)
    "ga4_no_transaction_id": {"en": "purchase without transaction id", "nl": "aankoop zonder transactienummer"},
    "ga4_repeated_purchase": {"en": "repeated purchase event", "nl": "herhaalde aankoopgebeurtenis"},
    "customer_not_in_file": {"en": "customer not in the customers file", "nl": "klant niet in het klantenbestand"},
    "revenue_from_items": {"en": "revenue from items (no payment)", "nl": "bedrag uit de artikelen (geen betaling)"},
    "review_unknown_order": {"en": "review of an unknown order", "nl": "review van een onbekende bestelling"},
    "review_order_without_items": {"en": "review of an order without items",
                                   "nl": "review van een bestelling zonder artikelen"},
    "same_product_again": {"en": "same product again in the order", "nl": "hetzelfde product nogmaals in de bestelling"},
    "duplicate_export_row": {"en": "duplicate row in the export", "nl": "dubbele rij in de export"},
    "test_order": {"en": "test order", "nl": "testbestelling"},
    "other_currency": {"en": "other currency than the shop's", "nl": "andere valuta dan die van de winkel"},
    "partial_refund": {"en": "partial refund subtracted", "nl": "gedeeltelijke terugbetaling afgetrokken"},
    "line_of_test_order": {"en": "line of a test order", "nl": "regel van een testbestelling"},
    "line_other_currency": {"en": "line of an order in another currency", "nl": "regel van een bestelling in een "
                                                                              "andere valuta"},
    "product_id_from_name": {"en": "product id from the line item name", "nl": "productnummer uit de artikelnaam"},
    "cancellation_invoice": {"en": "cancellation invoice (C)", "nl": "annuleringsfactuur (C)"},
    "bad_debt_adjustment": {"en": "bad-debt adjustment (A)", "nl": "afboeking oninbare vordering (A)"},
    "non_product_code": {"en": "non-product stock code", "nl": "artikelcode die geen product is"},
    "cancelled_later": {"en": "purchase cancelled by a later C invoice",
                        "nl": "aankoop geannuleerd door een latere C-factuur"},
    "stock_adjustment": {"en": "negative quantity (stock adjustment)", "nl": "negatief aantal (voorraadcorrectie)"},
    "price_not_positive": {"en": "price zero or below", "nl": "prijs nul of lager"},
    "invoice_without_line": {"en": "invoice without a kept line", "nl": "factuur zonder behouden regel"},
    "month_not_recognised": {"en": "month not recognised", "nl": "maand niet herkend"},
    "session_without_pages": {"en": "session without any page", "nl": "sessie zonder enige pagina"},
    "identical_session": {"en": "identical to another session", "nl": "gelijk aan een andere sessie"},
    "returning_visitor": {"en": "returning visitor (earlier sessions not in the file)",
                          "nl": "terugkerende bezoeker (eerdere sessies niet in het bestand)"},
    "date_from_month": {"en": "date from the month only", "nl": "datum alleen uit de maand"},
    "page_order_assumed": {"en": "order of pages within the session assumed",
                           "nl": "volgorde van pagina's binnen de sessie aangenomen"},
    "one_user_per_session": {"en": "one user per session", "nl": "één gebruiker per sessie"},
    "not_paid": {"en": "not paid (pending)", "nl": "niet betaald (in afwachting)"},
    "refund_subtracted": {"en": "refund subtracted", "nl": "terugbetaling afgetrokken"},
    "line_of_dropped_order": {"en": "line of an order dropped above", "nl": "regel van een hierboven weggelaten bestelling"},
    "product_id_from_woocommerce": {"en": "product id from WooCommerce product_id",
                                    "nl": "productnummer uit product_id van WooCommerce"},
}
# Why a data-quality rule drops, fixes or flags a row, by id: the ``explanation`` column of Shop.data_quality
DQ_EXPLANATIONS: dict[str, dict[str, str]] = {
    "rows_in_source": {"en": "rows in the source", "nl": "rijen in de bron"},
    "rows_analysed": {"en": "rows analysed", "nl": "rijen geanalyseerd"},
    "rows_in_export": {"en": "rows in the export", "nl": "rijen in de export"},
    "copy_counted_once": {"en": "an exact copy of an earlier row; counted once",
                          "nl": "een exacte kopie van een eerdere rij; eenmaal geteld"},
    "copy_row": {"en": "an exact copy of an earlier row", "nl": "een exacte kopie van een eerdere rij"},
    "copy_event": {"en": "an exact copy of an earlier event", "nl": "een exacte kopie van een eerdere gebeurtenis"},
    "copy_review": {"en": "an exact copy of an earlier review", "nl": "een exacte kopie van een eerdere review"},
    "order_unlinked": {"en": "an order nobody can be linked to", "nl": "een bestelling die aan niemand te koppelen is"},
    "order_undated": {"en": "an order without a date cannot be placed in time",
                      "nl": "een bestelling zonder datum is niet in de tijd te plaatsen"},
    "order_no_amount": {"en": "an order without an amount", "nl": "een bestelling zonder bedrag"},
    "order_cancelled": {"en": "the order did not happen", "nl": "de bestelling is niet doorgegaan"},
    "order_return": {"en": "a return or refund, not a purchase", "nl": "een retour of terugbetaling, geen aankoop"},
    "outside_period_or_future": {"en": "outside the period analysed (or a future date)",
                                 "nl": "buiten de geanalyseerde periode (of een datum in de toekomst)"},
    "outside_period": {"en": "outside the period analysed", "nl": "buiten de geanalyseerde periode"},
    "id_from_line": {"en": "an id was assigned from the file line",
                     "nl": "een nummer is toegekend op basis van de bestandsregel"},
    "extreme_amount": {
        "en": "kept, but check it: such an amount is often a test order, a typo or a one-off wholesale deal; "
              "compared with orders of the same main category (the one with most of the order's value), or with "
              "all orders when that category is unknown or has fewer than 20 orders",
        "nl": "behouden, maar controleer het: zo'n bedrag is vaak een testbestelling, een tikfout of een eenmalige "
              "groothandelsorder; vergeleken met bestellingen uit dezelfde hoofdcategorie (die met het grootste deel "
              "van het orderbedrag), of met alle bestellingen als die categorie onbekend is of minder dan 20 "
              "bestellingen heeft"},
    "line_no_product": {"en": "a line without a product", "nl": "een regel zonder product"},
    "line_no_amount": {"en": "a line without an amount", "nl": "een regel zonder bedrag"},
    "line_returned": {"en": "a returned line, not a purchase", "nl": "een geretourneerde regel, geen aankoop"},
    "line_order_not_kept": {"en": "its order was dropped above or is not in the orders table",
                            "nl": "de bijbehorende bestelling is hierboven weggelaten of ontbreekt"},
    "first_product_row_kept": {"en": "the first row of each product id is kept",
                               "nl": "de eerste rij van elk productnummer blijft behouden"},
    "product_no_id": {"en": "a product without an id", "nl": "een product zonder nummer"},
    "category_unknown": {"en": "category set to 'unknown'", "nl": "categorie op 'unknown' gezet"},
    "event_unlinked": {"en": "an event nobody can be linked to", "nl": "een gebeurtenis die aan niemand te koppelen is"},
    "event_no_session": {"en": "an event outside any session", "nl": "een gebeurtenis buiten elke sessie"},
    "event_no_time": {"en": "an event without a time", "nl": "een gebeurtenis zonder tijdstip"},
    "event_no_type": {"en": "an event without a type", "nl": "een gebeurtenis zonder type"},
    "customer_for_user": {"en": "the customer id stands in for the user id",
                          "nl": "het klantnummer dient als gebruikersnummer"},
    "review_unlinked": {"en": "a review nobody or nothing can be linked to",
                        "nl": "een review die aan niemand of niets te koppelen is"},
    "rating_range": {"en": "ratings run from 1 to 5", "nl": "beoordelingen lopen van 1 tot 5"},
    "review_no_date": {"en": "a review without a date", "nl": "een review zonder datum"},
    # the adapters of shop-system exports
    "ga4_no_transaction_id": {"en": "GA4 recorded no transaction id: cannot be told apart from other purchases",
                              "nl": "GA4 legde geen transactienummer vast: niet te onderscheiden van andere aankopen"},
    "ga4_reloaded": {"en": "the same transaction id recorded again (a reloaded thank-you page)",
                     "nl": "hetzelfde transactienummer nogmaals vastgelegd (een opnieuw geladen bedankpagina)"},
    "order_no_person": {"en": "the order cannot be linked to a person",
                        "nl": "de bestelling is aan niemand te koppelen"},
    "revenue_items_freight": {"en": "revenue = item prices + freight, as the order has no payment rows",
                              "nl": "bedrag = artikelprijzen + verzendkosten, want de bestelling heeft geen "
                                    "betalingsrijen"},
    "review_order_not_in_file": {"en": "its order is not in the orders file",
                                 "nl": "de bijbehorende bestelling staat niet in het bestellingenbestand"},
    "review_no_product": {"en": "no product to attach the review to", "nl": "geen product om de review aan te koppelen"},
    "item_rows": {"en": "item rows in the export", "nl": "artikelrijen in de export"},
    "merged_into_quantity": {"en": "counted in the quantity of the order's line for that product and price",
                             "nl": "meegeteld in het aantal van de orderregel voor dat product en die prijs"},
    "copy_event_all_columns": {"en": "an exact copy of an earlier event (all columns equal)",
                               "nl": "een exacte kopie van een eerdere gebeurtenis (alle kolommen gelijk)"},
    "purchase_events": {"en": "purchase events", "nl": "aankoopgebeurtenissen"},
    "shopify_test": {"en": "placed with Shopify's test (Bogus) gateway or tagged 'test'",
                     "nl": "geplaatst via de testbetaling (Bogus) van Shopify of gelabeld 'test'"},
    "other_currency": {"en": "amounts in another currency cannot be added up with the shop's",
                       "nl": "bedragen in een andere valuta zijn niet op te tellen bij die van de winkel"},
    "shopify_refund": {"en": "revenue = Total - Refunded Amount", "nl": "bedrag = Total - Refunded Amount"},
    "order_was_test": {"en": "its order was a test", "nl": "de bijbehorende bestelling was een test"},
    "order_other_currency": {"en": "its order was dropped for its currency",
                             "nl": "de bijbehorende bestelling is weggelaten vanwege de valuta"},
    "shopify_name_for_sku": {"en": "no Lineitem sku: the product name stands in for it",
                             "nl": "geen Lineitem sku: de productnaam dient als nummer"},
    "copy_line_all_columns": {"en": "an exact copy of an earlier line (all columns equal)",
                              "nl": "een exacte kopie van een eerdere regel (alle kolommen gelijk)"},
    "cancelled_invoice": {"en": "a cancelled invoice: the purchase did not stand",
                          "nl": "een geannuleerde factuur: de aankoop ging niet door"},
    "accounting_entry": {"en": "an accounting entry, not a purchase", "nl": "een boeking, geen aankoop"},
    "non_product": {"en": "postage, fees, discounts, samples, vouchers (POST, DOT, M, C2, D, S, BANK CHARGES, "
                          "AMAZONFEE, ...)",
                    "nl": "verzendkosten, kosten, kortingen, monsters, waardebonnen (POST, DOT, M, C2, D, S, BANK "
                          "CHARGES, AMAZONFEE, ...)"},
    "taken_back": {"en": "a later cancellation line of the same customer, product and quantity took it back",
                   "nl": "een latere annuleringsregel van dezelfde klant, hetzelfde product en aantal draaide hem terug"},
    "line_unlinked": {"en": "a line nobody can be linked to", "nl": "een regel die aan niemand te koppelen is"},
    "stock_correction": {"en": "a stock correction, not a purchase", "nl": "een voorraadcorrectie, geen aankoop"},
    "free_line": {"en": "a free line or correction, no revenue", "nl": "een gratis regel of correctie, geen omzet"},
    "invoices_in_file": {"en": "invoices in the file", "nl": "facturen in het bestand"},
    "invoice_lines_dropped": {"en": "every line of the invoice was dropped above (cancellation, postage, no customer ...)",
                              "nl": "elke regel van de factuur is hierboven weggelaten (annulering, verzendkosten, "
                                    "geen klant ...)"},
    "session_no_month": {"en": "the session cannot be placed in time", "nl": "de sessie is niet in de tijd te plaatsen"},
    "session_empty": {"en": "no page and no purchase: nothing to turn into an event",
                      "nl": "geen pagina en geen aankoop: niets om een gebeurtenis van te maken"},
    "session_identical": {"en": "kept as a separate session: without ids, equal rows can be different visitors",
                          "nl": "behouden als aparte sessie: zonder nummers kunnen gelijke rijen verschillende "
                                "bezoekers zijn"},
    "session_returning": {"en": "kept; the file has one session per user, so their earlier visits cannot be seen",
                          "nl": "behouden; het bestand heeft één sessie per gebruiker, dus eerdere bezoeken zijn niet "
                                "te zien"},
    "sessions_to_events": {"en": "sessions turned into events", "nl": "sessies omgezet in gebeurtenissen"},
    "events_from_sessions": {"en": "events built from the sessions: one per page counted in Administrative, "
                                   "Informational and ProductRelated, one purchase per session with Revenue TRUE",
                             "nl": "gebeurtenissen gemaakt uit de sessies: één per pagina geteld in Administrative, "
                                   "Informational en ProductRelated, één aankoop per sessie met Revenue TRUE"},
    "month_only": {"en": "the file gives only the month: each session starts on the 1st of its month, 00:00, in a "
                         "nominal year (the year is not published); days and times are not known",
                   "nl": "het bestand geeft alleen de maand: elke sessie begint op de 1e van de maand, 00:00, in een "
                         "aangenomen jaar (het jaar is niet gepubliceerd); dagen en tijden zijn onbekend"},
    "page_order": {"en": "the file counts pages per type, not their order: administrative, then informational, then "
                         "product pages, then the purchase",
                   "nl": "het bestand telt pagina's per type, niet hun volgorde: eerst administratieve, dan "
                         "informatieve, dan productpagina's, dan de aankoop"},
    "user_is_session": {"en": "the file has no user id: user = session, as the data set says each session is a "
                              "different user",
                        "nl": "het bestand heeft geen gebruikersnummer: gebruiker = sessie, want volgens de dataset is "
                              "elke sessie een andere gebruiker"},
    "no_orders_in_file": {"en": "the file has no orders: a session only says whether it ended in a purchase (those "
                                "are purchase events, without amount, products or customer)",
                          "nl": "het bestand heeft geen bestellingen: een sessie zegt alleen of ze eindigde in een "
                                "aankoop (dat zijn aankoopgebeurtenissen, zonder bedrag, producten of klant)"},
    "woo_not_paid": {"en": "the customer never paid: an abandoned checkout",
                     "nl": "de klant heeft nooit betaald: een afgebroken afrekening"},
    "woo_refund": {"en": "revenue = order_total - refund amounts", "nl": "bedrag = order_total - terugbetalingen"},
    "order_not_paid_or_currency": {"en": "its order was not paid or in another currency",
                                   "nl": "de bijbehorende bestelling is niet betaald of in een andere valuta"},
    "woo_product_id": {"en": "no sku: the WooCommerce product_id stands in",
                       "nl": "geen sku: product_id van WooCommerce dient als nummer"},
    "events_in_file": {"en": "events in the file", "nl": "gebeurtenissen in het bestand"},
    "invoice_lines_in_file": {"en": "invoice lines in the file", "nl": "factuurregels in het bestand"},
    "orders_in_file": {"en": "orders in the orders file", "nl": "bestellingen in het bestellingenbestand"},
    "reviews_in_file": {"en": "reviews in the reviews file", "nl": "reviews in het reviewbestand"},
    "orders_in_export": {"en": "orders in the export", "nl": "bestellingen in de export"},
    "line_items_in_export": {"en": "line-item rows in the export", "nl": "artikelregels in de export"},
    "woo_line_items": {"en": "line items in the export", "nl": "artikelregels in de export"},
    "purchase_events_in_export": {"en": "purchase events in the export", "nl": "aankoopgebeurtenissen in de export"},
    "sessions_in_file": {"en": "sessions in the file (one row each)", "nl": "sessies in het bestand (één rij per sessie)"},
}
# Data a report section cannot do without (journeylab.errors.DataError codes), in both languages
DATA_ERRORS: dict[str, dict[str, str]] = {
    "needs_products": {
        "en": "involvement needs a products table with a category per product (or the shop config's 'involvement' "
              "mapping)",
        "nl": "betrokkenheid vraagt om een productentabel met een categorie per product (of de indeling 'involvement' "
              "in de winkelconfiguratie)"},
    "no_cohort_orders": {"en": "there are no orders for a cohort table",
                         "nl": "er zijn geen bestellingen voor een cohorttabel"},
}
# ---------------------------------------------------------------- RFM segments and findings rules by id
# The segments of the built-in RFM segment map (journeylab/segments.yaml) by id: their names and suggested
# actions, read with ``segment_label`` and ``segment_action``. A client's segment map may name a segment
# of its own and give its words in the map (``name`` and ``action``, each as {en: ..., nl: ...}).
SEGMENTS: dict[str, dict[str, str]] = {
    "champions": {"en": "Champions", "nl": "Topklanten"},
    "loyal_customers": {"en": "Loyal Customers", "nl": "Trouwe klanten"},
    "potential_loyalists": {"en": "Potential Loyalists", "nl": "Potentiële trouwe klanten"},
    "new_customers": {"en": "New Customers", "nl": "Nieuwe klanten"},
    "promising": {"en": "Promising", "nl": "Veelbelovend"},
    "need_attention": {"en": "Need Attention", "nl": "Aandacht nodig"},
    "about_to_sleep": {"en": "About to Sleep", "nl": "Bijna slapend"},
    "cant_lose_them": {"en": "Can't Lose Them", "nl": "Niet kwijtraken"},
    "at_risk": {"en": "At Risk", "nl": "Risicoklanten"},
    "hibernating": {"en": "Hibernating", "nl": "Winterslaap"},
    "lost": {"en": "Lost", "nl": "Verloren"},
}
SEGMENT_ACTIONS: dict[str, dict[str, str]] = {
    "champions": {"en": "Reward them; ask for reviews and referrals; early access to new products.",
                  "nl": "Beloon ze; vraag om reviews en doorverwijzingen; geef vroege toegang tot nieuwe producten."},
    "loyal_customers": {"en": "Upsell higher-value products; invite them to a loyalty programme.",
                        "nl": "Verkoop duurdere producten bij; nodig ze uit voor een loyaliteitsprogramma."},
    "potential_loyalists": {
        "en": "Offer membership or a second-category recommendation to build the habit.",
        "nl": "Bied een lidmaatschap of een aanbeveling uit een tweede categorie aan om een gewoonte te vormen."},
    "new_customers": {
        "en": "Onboard them well: delivery follow-up, how-to content, a reason to come back.",
        "nl": "Zorg voor een goede start: opvolging van de levering, uitleg, een reden om terug te komen."},
    "promising": {"en": "Build brand awareness; a small time-limited offer for the second order.",
                  "nl": "Bouw merkbekendheid op; een kleine tijdelijke aanbieding voor de tweede bestelling."},
    "need_attention": {"en": "Reactivate with personalised, limited-time offers based on past purchases.",
                       "nl": "Heractiveer met persoonlijke, tijdelijke aanbiedingen op basis van eerdere aankopen."},
    "about_to_sleep": {"en": "Share popular products and reviews; a discount to reconnect.",
                       "nl": "Toon populaire producten en reviews; een korting om het contact te herstellen."},
    "cant_lose_them": {
        "en": "Win them back personally (call, survey, new version); do not lose them to a competitor.",
        "nl": "Win ze persoonlijk terug (bellen, enquête, nieuwe versie); verlies ze niet aan een concurrent."},
    "at_risk": {"en": "Personal win-back e-mails with relevant products and a good offer.",
                "nl": "Persoonlijke win-back-mails met relevante producten en een goed aanbod."},
    "hibernating": {"en": "Offer other relevant products and special discounts; re-create value.",
                    "nl": "Bied andere relevante producten en speciale kortingen aan; maak opnieuw waarde."},
    "lost": {"en": "Try one re-awareness campaign, otherwise stop spending on them.",
             "nl": "Probeer één campagne om weer op te vallen, stop anders met investeren in hen."},
}
# The findings rules of journeylab/findings_rules.yaml by id: the finding, a sentence template of the two
# levels' values ``{low}`` and ``{high}`` (journeylab.journey.findings), and its action; read with
# ``finding_text`` and ``finding_action``. A client's own rule gives its words in the rules file, as segments do.
FINDINGS: dict[str, dict[str, str]] = {
    "checkout_abandonment_high": {
        "en": "Checkout abandonment is {high:.0%} for high-involvement products vs {low:.0%} for low.",
        "nl": "Bij hoog betrokken producten breekt {high:.0%} het afrekenen af, tegen {low:.0%} bij laag betrokken "
              "producten."},
    "cart_abandonment_high": {
        "en": "{high:.0%} of high-involvement cart sessions end without an order (low: {low:.0%}).",
        "nl": "{high:.0%} van de sessies met een hoog betrokken product in het mandje eindigt zonder bestelling "
              "(laag betrokken: {low:.0%})."},
    "long_consideration_research": {
        "en": "High-involvement buyers view {high:.1f} research pages (reviews, delivery, returns, compare) before "
              "buying, low {low:.1f}.",
        "nl": "Kopers van hoog betrokken producten bekijken {high:.1f} informatiepagina's (reviews, levering, "
              "retour, vergelijken) voor de aankoop, kopers van laag betrokken producten {low:.1f}."},
    "long_consideration_days": {
        "en": "High-involvement buyers take {high:.1f} days from the first visit to the first order (low: "
              "{low:.1f} days).",
        "nl": "Kopers van hoog betrokken producten doen {high:.1f} dagen over de eerste bestelling na het eerste "
              "bezoek (laag betrokken: {low:.1f} dagen)."},
    "low_repeat_high": {
        "en": "Only {high:.0%} of high-involvement customers ordered again (low: {low:.0%}).",
        "nl": "Slechts {high:.0%} van de hoog betrokken klanten bestelde opnieuw (laag betrokken: {low:.0%})."},
    "churn_risk_high": {
        "en": "{high:.0%} of high-involvement customers are probably lost (low: {low:.0%}).",
        "nl": "{high:.0%} van de hoog betrokken klanten is waarschijnlijk verloren (laag betrokken: {low:.0%})."},
    "low_churn_risk": {
        "en": "{low:.0%} of low-involvement customers are probably lost (high: {high:.0%}).",
        "nl": "{low:.0%} van de laag betrokken klanten is waarschijnlijk verloren (hoog betrokken: {high:.0%})."},
    "review_rate_gap": {
        "en": "High-involvement customers review less often ({high:.0%}) than low ({low:.0%}).",
        "nl": "Hoog betrokken klanten schrijven minder vaak een review ({high:.0%}) dan laag betrokken klanten "
              "({low:.0%})."},
}
FINDING_ACTIONS: dict[str, dict[str, str]] = {
    "checkout_abandonment_high": {
        "en": "Test the checkout and payment options for expensive products (instalments, invoice, delivery date).",
        "nl": "Test het afrekenproces en de betaalopties voor dure producten (gespreid betalen, achteraf betalen, "
              "leverdatum)."},
    "cart_abandonment_high": {
        "en": "Remind cart abandoners (e-mail, retargeting) and show delivery and return terms in the cart.",
        "nl": "Herinner afhakers aan hun mandje (e-mail, retargeting) en toon levering en retourvoorwaarden in het "
              "mandje."},
    "long_consideration_research": {
        "en": "Put reviews, guarantees and delivery/return terms on the product pages of high-involvement products.",
        "nl": "Zet reviews, garanties en lever- en retourvoorwaarden op de productpagina's van hoog betrokken "
              "producten."},
    "long_consideration_days": {
        "en": "Keep considering visitors close: retargeting, saved baskets, comparison tools and e-mail follow-up "
              "over weeks.",
        "nl": "Houd twijfelaars vast: retargeting, bewaarde mandjes, vergelijkingshulp en e-mailopvolging gedurende "
              "weken."},
    "low_repeat_high": {
        "en": "Sell accessories, service and care products after a high-involvement purchase; ask for reviews and "
              "referrals.",
        "nl": "Verkoop accessoires, service en onderhoudsproducten na de aankoop van een hoog betrokken product; "
              "vraag om reviews en aanbevelingen."},
    "churn_risk_high": {
        "en": "Win back lapsing customers with an offer tied to their first purchase; for low involvement, use "
              "subscriptions or reminders.",
        "nl": "Win afhakende klanten terug met een aanbod bij hun eerste aankoop; gebruik bij laag betrokken "
              "producten abonnementen of herinneringen."},
    "low_churn_risk": {"en": "Offer replenishment reminders or a subscription for everyday products.",
                       "nl": "Bied herinneringen of een abonnement aan voor dagelijkse producten."},
    "review_rate_gap": {"en": "Ask for a review a few weeks after delivery, when the product is in use.",
                        "nl": "Vraag om een review een paar weken na levering, als het product in gebruik is."},
}
# ---------------------------------------------------------------- the glossary (issue 15, point 2)
# The report's terms, each defined once: the term as the report writes it (GLOSSARY_TERMS) and its plain
# definition (GLOSSARY), in report order (journeylab.report.sections.glossary).
GLOSSARY_TERMS: dict[str, dict[str, str]] = {
    "p_alive": {"en": "P(alive), P(active)", "nl": "P(actief)"},
    "churn_risk": {"en": "Churn risk", "nl": "Verlooprisico (churnrisico)"},
    "clv": {"en": "CLV (customer lifetime value)", "nl": "CLV (klantwaarde)"},
    "rfm": {"en": "RFM (recency, frequency, monetary value)", "nl": "RFM (recency, frequentie, monetaire waarde)"},
    "involvement": {"en": "Involvement (low, high)", "nl": "Betrokkenheid (laag, hoog)"},
    "bgnbd_model": {"en": "BG/NBD-type model", "nl": "Model van het BG/NBD-type"},
    "holdout": {"en": "Holdout period", "nl": "Holdoutperiode"},
    "bootstrap_interval": {"en": "Bootstrap interval (95%)", "nl": "Bootstrapinterval (95%)"},
}
GLOSSARY: dict[str, dict[str, str]] = {
    "p_alive": {
        "en": "the chance that a customer still buys from the shop, estimated from when and how often they "
              "bought. 100% means surely still a customer; a low value means probably gone.",
        "nl": "de kans dat een klant nog bij de winkel koopt, geschat uit wanneer en hoe vaak hij kocht. 100% "
              "betekent zeker nog klant; een lage waarde betekent waarschijnlijk vertrokken."},
    "churn_risk": {
        "en": "the chance that a customer has stopped buying: 100% minus P(alive). The status active, at risk or "
              "lost follows from it, or from the time since the last order where that predicts better.",
        "nl": "de kans dat een klant gestopt is met kopen: 100% min P(actief). De status actief, risico of "
              "verloren volgt daaruit, of uit de tijd sinds de laatste bestelling waar die beter voorspelt."},
    "clv": {
        "en": "what a customer is expected to spend over the next {h} months (the report's horizon): "
              "expected purchases times expected spend per order, added up month by month and discounted, so "
              "money later counts a little less than money now.",
        "nl": "wat een klant naar verwachting besteedt in de komende {h} maanden (de horizon van het rapport): "
              "verwachte aankopen maal verwachte besteding per bestelling, per maand opgeteld en verdisconteerd, "
              "zodat geld later iets minder telt dan geld nu."},
    "rfm": {
        "en": "a score of every customer on recency (how recently they bought), frequency (how often) and "
              "monetary value (how much per order), each from 1 to 5; the scores put customers in segments.",
        "nl": "een score van elke klant op recency (hoe recent hij kocht), frequentie (hoe vaak) en monetaire "
              "waarde (hoeveel per bestelling), elk van 1 tot 5; de scores delen klanten in segmenten in."},
    "involvement": {
        "en": "how much thought a purchase takes. High-involvement products (expensive, bought rarely, considered "
              "long) are compared with low-involvement ones (everyday, bought often); a customer's level is that "
              "of the first order.",
        "nl": "hoeveel nadenken een aankoop vraagt. Hoog betrokken producten (duur, zelden gekocht, lang "
              "overwogen) worden vergeleken met laag betrokken producten (dagelijks, vaak gekocht); het niveau van "
              "een klant is dat van zijn eerste bestelling."},
    "bgnbd_model": {
        "en": "a purchase model (BG/NBD, MBG/NBD or Pareto/NBD) that learns from the shop's order history how "
              "often each customer buys and how likely they are to stop. It gives P(alive) and expected purchases; "
              "the report uses the one that predicts the holdout period best.",
        "nl": "een aankoopmodel (BG/NBD, MBG/NBD of Pareto/NBD) dat uit de bestelgeschiedenis van de winkel leert "
              "hoe vaak elke klant koopt en hoe waarschijnlijk het is dat hij stopt. Het geeft P(actief) en "
              "verwachte aankopen; het rapport gebruikt het model dat de holdoutperiode het best voorspelt."},
    "holdout": {
        "en": "the most recent part of the data (up to a year), kept aside: the models are fitted on the orders "
              "before it and judged on how well they predict the orders in it.",
        "nl": "het meest recente deel van de data (tot een jaar), apart gehouden: de modellen worden geschat op "
              "de bestellingen ervoor en beoordeeld op hoe goed ze de bestellingen erin voorspellen."},
    "bootstrap_interval": {
        "en": "the range in which a figure lies with 95% certainty, found by recomputing it many times on "
              "customers drawn at random from the shop's own customers. A difference whose interval does not "
              "include zero is a real difference.",
        "nl": "het bereik waarin een cijfer met 95% zekerheid ligt, gevonden door het vele keren opnieuw te "
              "berekenen op klanten die willekeurig uit de eigen klanten van de winkel getrokken zijn. Een verschil "
              "waarvan het interval nul niet bevat, is een echt verschil."},
}
# Every table of words by id above (for the tests: both languages everywhere)
TRANSLATION_TABLES: tuple[dict[str, dict[str, str]], ...] = (
    LABELS, METRICS, STATISTICS, PHASES, STATUSES, UNITS, TESTS, EVENTS, CHANNELS, DATA_SOURCES, LEVEL_SOURCES,
    CHURN_SCORES, DQ_RULES, DQ_EXPLANATIONS, DATA_ERRORS, SEGMENTS, SEGMENT_ACTIONS, FINDINGS, FINDING_ACTIONS,
    GLOSSARY_TERMS, GLOSSARY,
    *[m for m in PHASE_RULES.values()],
)


def _term(table: dict[str, dict[str, str]], name: str, key: Any, lang: str, fallback: bool) -> str:
    check_language(lang)
    if key in table:
        return table[key][lang]
    if fallback:
        return str(key)
    raise KeyError(f"unknown id {key!r}: not in journeylab.i18n.{name}")


def model_label(model: Any) -> str:
    """A model id (bgnbd, gammagamma ...) as the literature writes it; another model reads as named."""
    return MODEL_LABELS.get(model, str(model))


def channel_label(channel: Any, lang: str = "en") -> str:
    """A channel in ``lang``: the usual channel ids (CHANNELS) as words, any other channel (the shop's own
    UTM text) as it is."""
    return _term(CHANNELS, "CHANNELS", channel, lang, fallback=True)


def source_label(source: Any, lang: str = "en") -> str:
    """What a phase needs to be seen (DATA_SOURCES: events, orders) in ``lang``."""
    return _term(DATA_SOURCES, "DATA_SOURCES", source, lang, fallback=True)


def phase_rule_label(model: str, phase: str, lang: str = "en") -> str | None:
    """Who is in ``phase`` of the built-in phase model ``model``, in ``lang``; None for a phase i18n does
    not describe (a client's own model)."""
    check_language(lang)
    entry = PHASE_RULES.get(model, {}).get(phase)
    return entry[lang] if entry else None


def level_source_label(source: Any, lang: str = "en") -> str:
    """Where an involvement level comes from (LEVEL_SOURCES) in ``lang``."""
    return _term(LEVEL_SOURCES, "LEVEL_SOURCES", source, lang, fallback=False)


def churn_score_label(score: str, lang: str = "en") -> str:
    """A score of the churn evaluation (CHURN_SCORES) in ``lang``."""
    return _term(CHURN_SCORES, "CHURN_SCORES", score, lang, fallback=False)


def rule_label(rule: str, lang: str = "en") -> str:
    """A data-quality rule id (DQ_RULES) in ``lang``; an unknown id raises KeyError."""
    return _term(DQ_RULES, "DQ_RULES", rule, lang, fallback=False)


def explanation_label(explanation: str, lang: str = "en") -> str:
    """A data-quality explanation id (DQ_EXPLANATIONS) in ``lang``; an unknown id raises KeyError."""
    return _term(DQ_EXPLANATIONS, "DQ_EXPLANATIONS", explanation, lang, fallback=False)


def _own_or_term(table: dict[str, dict[str, str]], name: str, key: Any, lang: str,
                 own: Mapping[str, str] | None) -> str:
    """``own`` words ({"en": ..., "nl": ...}, a client's map or rules file gives them) in ``lang`` when given,
    else the words of ``table``; KeyError for an id with neither."""
    check_language(lang)
    if own:
        return own[lang]
    return _term(table, name, key, lang, fallback=False)


def segment_label(segment: Any, lang: str = "en", own: Mapping[str, str] | None = None) -> str:
    """The name of RFM segment id ``segment`` (SEGMENTS) in ``lang``; ``own``: the words a client's segment
    map gives the segment ({"en": ..., "nl": ...}), which come first. An unknown id without them raises
    KeyError."""
    return _own_or_term(SEGMENTS, "SEGMENTS", segment, lang, own)


def segment_action(segment: Any, lang: str = "en", own: Mapping[str, str] | None = None) -> str:
    """The suggested action for RFM segment id ``segment`` (SEGMENT_ACTIONS) in ``lang``; ``own`` as in
    ``segment_label``."""
    return _own_or_term(SEGMENT_ACTIONS, "SEGMENT_ACTIONS", segment, lang, own)


def finding_text(rule: str, lang: str = "en", own: Mapping[str, str] | None = None) -> Phrase:
    """The sentence template of findings rule id ``rule`` (FINDINGS) in ``lang``, a Phrase whose ``format``
    writes ``low`` and ``high`` in the language's locale; ``own``: the words of a client's own rule
    ({"en": ..., "nl": ...}), which come first. An unknown id without them raises KeyError."""
    return Phrase(_own_or_term(FINDINGS, "FINDINGS", rule, lang, own), lang)


def finding_action(rule: str, lang: str = "en", own: Mapping[str, str] | None = None) -> str:
    """The action of findings rule id ``rule`` (FINDING_ACTIONS) in ``lang``; ``own`` as in ``finding_text``."""
    return _own_or_term(FINDING_ACTIONS, "FINDING_ACTIONS", rule, lang, own)
