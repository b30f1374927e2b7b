"""Dutch and English labels for reports, tables and plots.

``LABELS`` is the one table of display labels: the figure modules (plots.py, plots_journey.py) look
their texts up here too. ``t(key, lang)`` returns the label; an unknown key raises KeyError so a missing translation is
found by the tests, not by a client.
"""
from __future__ import annotations

LANGUAGES = ("en", "nl")
# The models' names as the literature writes them, the same in every language.
MODEL_LABELS = {"bgnbd": "BG/NBD", "mbgnbd": "MBG/NBD", "paretonbd": "Pareto/NBD", "gammagamma": "Gamma-Gamma"}

LABELS: dict[str, dict[str, str]] = {
    "report_title": {"en": "Customer journey report", "nl": "Klantreisrapport"},
    "data_quality": {"en": "Data quality", "nl": "Datakwaliteit"},
    "data_quality_intro": {
        "en": "Every row read from the shop's files is accounted for: kept, fixed, or dropped with the reason.",
        "nl": "Elke ingelezen rij uit de bestanden van de winkel is verantwoord: behouden, gecorrigeerd of weggelaten met de reden.",
    },
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
    "score": {"en": "score (votes for high)", "nl": "score (stemmen voor hoog)"},
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
    "too early to tell": {"en": "too early to tell", "nl": "te vroeg om te zeggen"},
    "small_sample_note": {
        "en": "This shop has {n:,} customers of whom {rep:,} bought more than once: too few for churn and CLV figures "
              "(at least 200 customers and 50 repeat buyers are needed). The report shows RFM and descriptive figures only.",
        "nl": "Deze winkel heeft {n:,} klanten, van wie {rep:,} meer dan eens kochten: te weinig voor churn- en "
              "CLV-cijfers (minstens 200 klanten en 50 herhaalkopers zijn nodig). Het rapport toont alleen RFM en "
              "beschrijvende cijfers."},
    "no_findings": {"en": "No findings stand out with enough certainty.", "nl": "Geen bevindingen die met voldoende zekerheid opvallen."},
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
    "weeks": {"en": "weeks", "nl": "weken"},
    "months": {"en": "months", "nl": "maanden"},
    "funnel_title": {"en": "Funnel", "nl": "Trechter"},
    "phases_title": {"en": "Persons per phase", "nl": "Personen per fase"},
    "persons": {"en": "persons", "nl": "personen"},
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
    "involvement": {"en": "involvement", "nl": "betrokkenheid"},
    # attribution models (keys are attribution.MODELS); English keeps the identifiers the plot showed so far
    "first_touch": {"en": "first_touch", "nl": "eerste contact"},
    "last_touch": {"en": "last_touch", "nl": "laatste contact"},
    "last_non_direct": {"en": "last_non_direct", "nl": "laatste niet-directe contact"},
    "linear": {"en": "linear", "nl": "lineair"},
    "position_based": {"en": "position_based", "nl": "positiegebaseerd"},
    "time_decay": {"en": "time_decay", "nl": "tijdsverval"},
    "markov": {"en": "markov", "nl": "Markov-keten"},
}


def format_p(p: float) -> str:
    """A p-value as a reader sees it: "< 0.001" below 0.001 (never "p = 0"), else "= " and two
    significant digits; "–" when there is none."""
    import math

    if p is None or not math.isfinite(p):
        return "–"
    return "< 0.001" if p < 0.001 else f"= {p:.2g}"


def t(key: str, lang: str = "en") -> str:
    """The label ``key`` in ``lang`` ('en' or 'nl')."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {lang!r}")
    return LABELS[key][lang]


def translate_frame_columns(frame, lang: str = "en"):
    """A copy of ``frame`` with column names (and index name) that are label keys translated."""
    out = frame.rename(columns={c: t(c, lang) for c in frame.columns if c in LABELS})
    if out.index.name in LABELS:
        out.index.name = t(out.index.name, lang)
    return out


# Data-quality rules and their explanations in Dutch (English is the rule table itself).
RULES_NL: dict[str, str] = {
    "rows read": "rijen ingelezen", "rows kept": "rijen behouden", "rows in the source": "rijen in de bron",
    "rows analysed": "rijen geanalyseerd", "duplicate row": "dubbele rij",
    "missing customer id": "klantnummer ontbreekt", "missing order date": "besteldatum ontbreekt",
    "missing revenue": "bedrag ontbreekt", "cancelled": "geannuleerd",
    "return (negative revenue)": "retour (negatief bedrag)", "after observation end": "na einde observatieperiode",
    "missing order id": "ordernummer ontbreekt", "missing product id": "productnummer ontbreekt",
    "missing quantity or price": "aantal of prijs ontbreekt", "return (negative quantity)": "retour (negatief aantal)",
    "line of an order not kept": "regel van een niet behouden order", "duplicate product id": "dubbel productnummer",
    "missing category": "categorie ontbreekt", "missing user id": "gebruikersnummer ontbreekt",
    "missing session id": "sessienummer ontbreekt", "missing time": "tijdstip ontbreekt",
    "missing event type": "gebeurtenistype ontbreekt", "user id taken from customer id": "gebruikersnummer = klantnummer",
    "missing customer or product": "klant of product ontbreekt", "missing or impossible rating": "beoordeling ontbreekt of onmogelijk",
    "extreme amount (over 100x the median order)": "extreem bedrag (meer dan 100x de mediane bestelling)",
    "kept, but check it: such an amount is often a test order, a typo or a one-off wholesale deal":
        "behouden, maar controleer het: zo'n bedrag is vaak een testbestelling, een tikfout of een eenmalige groothandelsorder",
    "an exact copy of an earlier row; counted once": "een exacte kopie van een eerdere rij; eenmaal geteld",
    "an order nobody can be linked to": "een bestelling die aan niemand te koppelen is",
    "an order without a date cannot be placed in time": "een bestelling zonder datum is niet in de tijd te plaatsen",
    "an order without an amount": "een bestelling zonder bedrag", "the order did not happen": "de bestelling is niet doorgegaan",
    "a return or refund, not a purchase": "een retour of terugbetaling, geen aankoop",
    "outside the period analysed (or a future date)": "buiten de geanalyseerde periode (of een datum in de toekomst)",
    "an id was assigned from the file line": "een nummer is toegekend op basis van de bestandsregel",
    "its order was dropped above or is not in the orders table": "de bijbehorende bestelling is hierboven weggelaten of ontbreekt",
}


def translate_rule(text: str, lang: str = "en") -> str:
    """A data-quality rule or explanation in ``lang`` (unknown texts stay as they are)."""
    return RULES_NL.get(text, text) if lang == "nl" else text


# Metric names of the involvement comparison and the phase KPIs, in Dutch. Prefixes take a
# channel, phase or parameter name after them ("channel share, first session: email").
METRICS_NL: dict[str, str] = {
    "CLV over 12 months": "CLV over 12 maanden",
    "cart abandonment (cart sessions without purchase)": "verlaten winkelmandjes (sessies met mandje, zonder aankoop)",
    "checkout abandonment": "afgebroken afrekenen",
    "churn risk (1 - P(alive))": "verlooprisico (1 - P(actief))",
    "consideration days (first visit to first purchase)": "dagen overweging (eerste bezoek tot eerste aankoop)",
    "consideration sessions (first visit to first purchase)": "sessies overweging (eerste bezoek tot eerste aankoop)",
    "conversion of sessions with a product view": "conversie van sessies met een productweergave",
    "cross-category rate": "aandeel met een tweede categorie",
    "days to second order": "dagen tot tweede bestelling",
    "distinct channels before first purchase": "verschillende kanalen voor de eerste aankoop",
    "inter-purchase time": "tijd tussen aankopen",
    "order value": "orderwaarde",
    "repeat rate (2+ orders)": "herhaalaankoopratio (2+ bestellingen)",
    "research-page views before first purchase": "bezoeken aan informatiepagina's voor de eerste aankoop",
    "return-visit rate": "aandeel terugkerende bezoekers",
    "review rate (customers with a review)": "reviewratio (klanten met een review)",
    "share lost": "aandeel verloren",
    "share too early to tell": "aandeel te vroeg om te zeggen",
    "expected purchases over 12 months": "verwachte aankopen over 12 maanden",
    "purchases": "aankopen",
    "visitor conversion (ever bought)": "bezoekersconversie (ooit gekocht)",
    "new visitors": "nieuwe bezoekers",
    "product views per session": "productweergaven per sessie",
    "cart rate": "aandeel sessies met winkelmandje",
    "visitor conversion": "bezoekersconversie",
    "mean order value": "gemiddelde orderwaarde",
    "repeat rate": "herhaalaankoopratio",
    "median days to second order": "mediaan dagen tot tweede bestelling",
    "review rate": "reviewratio",
    "mean rating": "gemiddelde beoordeling",
    "share Champions + Loyal Customers": "aandeel Topklanten + Trouwe klanten",
    "mean CLV (12 months)": "gemiddelde CLV (12 maanden)",
    # tests behind an interval
    "bootstrap with refitting": "bootstrap met herschatting", "chi-square": "chi-kwadraat",
    # units
    "channels": "kanalen", "days": "dagen", "page views": "paginaweergaven", "parameter (days)": "parameter (dagen)",
    "probability": "kans", "sessions": "sessies", "share": "aandeel",
    # phases
    "awareness": "bewustwording", "consideration": "overweging", "purchase": "aankoop", "upsell": "upsell",
    "ambassador": "ambassadeur", "decision": "beslissing", "loyalty": "loyaliteit", "use": "gebruik", "aftercare": "nazorg",
}
METRIC_PREFIXES_NL: dict[str, str] = {
    "channel share, first session: ": "kanaalaandeel, eerste sessie: ",
    "channel share, purchase session: ": "kanaalaandeel, aankoopsessie: ",
    "first channel share: ": "aandeel eerste kanaal: ",
    "phase share: ": "aandeel fase: ",
}
_CONSIDERATION_NL = {
    "days_from_first_visit": "dagen vanaf eerste bezoek", "sessions_from_first_visit": "sessies vanaf eerste bezoek",
    "days_from_first_product_view": "dagen vanaf eerste productweergave",
    "sessions_from_first_product_view": "sessies vanaf eerste productweergave",
    "touchpoints": "contactmomenten", "channels": "kanalen", "research_views": "bezoeken aan informatiepagina's",
    "persons": "personen", "median": "mediaan", "mean": "gemiddelde", "p75": "P75",
}


def translate_metric(text: str, lang: str = "en") -> str:
    """A metric, unit or phase name in ``lang``; identifiers like ``days_from_first_visit_median`` become words."""
    if lang != "nl":
        return str(text).replace("_", " ") if "_" in str(text) and " " not in str(text) else str(text)
    if text in METRICS_NL:
        return METRICS_NL[text]
    for prefix, nl in METRIC_PREFIXES_NL.items():
        if str(text).startswith(prefix):
            rest = str(text)[len(prefix):]
            return nl + METRICS_NL.get(rest, rest)
    for stat in ("_median", "_mean", "_p75"):
        if str(text).endswith(stat) and str(text)[: -len(stat)] in _CONSIDERATION_NL:
            return f"{_CONSIDERATION_NL[str(text)[: -len(stat)]]} ({_CONSIDERATION_NL[stat[1:]]})"
    return _CONSIDERATION_NL.get(str(text), str(text))


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
    num = lambda v: f"{v:.3f}"  # noqa: E731
    pct = lambda v: f"{v:+.1f}%"  # noqa: E731
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
