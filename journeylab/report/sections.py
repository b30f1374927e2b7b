"""What the report notebooks show, computed once and shared: the value-model bundle, the headline
figures of the executive summary, and the plain sentence a section shows when a model cannot be fitted.

Notebooks call these; they hold no analysis logic of their own. Every sentence made here is Markdown
built with ``journeylab.report.safe.fill`` (values from the shop's data escaped), ready for ``Page.text``.
"""
from __future__ import annotations

import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from journeylab.data.contract import INVOLVEMENT_LEVELS
from journeylab.models.churn import RECENCY_DAYS, STATUSES, ChurnThresholds, recency_classes
from journeylab.models.rfm import DEFAULT_F_BINS
from journeylab.errors import DataError, ModelError
from journeylab.i18n import (FIT_PROBLEMS, Phrase, format_money, format_number, format_p, format_percent, model_label, status_label,
                             t)
from journeylab.data.shop import Shop
from journeylab.models.summary import customer_summary
from journeylab.report.run import CACHE_DIR
from journeylab.report.safe import Trusted, fill
from journeylab.journey.value import ShopValue, shop_value


@dataclass
class Outcome:
    """A section's result, or why there is none (``message``: a plain sentence for the report)."""

    ok: bool
    value: Any = None
    message: Trusted = Trusted("")


def attempt(fn: Callable[[], Any], lang: str = "en") -> Outcome:
    """Run ``fn``; a ModelError or DataError becomes a plain sentence instead of a failed report."""
    try:
        return Outcome(True, fn())
    except (ModelError, DataError) as exc:
        why = exc.text(lang)  # the i18n sentence of the error's code, else its English message
        return Outcome(False, None, fill("{lead} {why}", lead=t("section_not_fitted", lang), why=why))


def cached(output_dir: str | Path | None, name: str, key: dict, fn: Callable[[], Any]) -> Any:
    """``fn()`` computed once per report run and shared by its notebooks through ``output_dir/.cache``
    (the run removes the folder when it succeeds). The fits are deterministic, so this only saves time:
    the value model was fitted five times per report. Without ``output_dir`` (a notebook run by hand)
    nothing is stored. ``key`` holds the arguments: a different key recomputes."""
    if not output_dir:
        return fn()
    path = Path(output_dir) / CACHE_DIR / f"{name}.pkl"
    if path.exists():
        stored_key, value = pickle.loads(path.read_bytes())  # written by this run's own notebooks
        if stored_key == key:
            return value
    value = fn()
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(pickle.dumps((key, value)))
    return value


def value_models(shop: Shop, *, horizon_months: float = 12, discount_rate: float = 0.10, lang: str = "en",
                 thresholds: ChurnThresholds = ChurnThresholds(), output_dir: str | Path | None = None) -> Outcome:
    """The shop's value model (journeylab.journey.value.shop_value; ``discount_rate`` per year, as the config's
    ``discount_rate:``), or the plain sentence why there is none.

    Every notebook of a report reads the same one (``cached`` in the run's ``output_dir``), so every
    section sees the same model, P(alive) and status per customer."""
    key = {"horizon_months": horizon_months, "discount_rate": discount_rate, "lang": lang,
           "thresholds": (thresholds.at_risk, thresholds.lost)}
    return cached(output_dir, "value", key, lambda: attempt(
        lambda: shop_value(shop, horizon_months=horizon_months, discount_rate=discount_rate, thresholds=thresholds),
        lang))


def involvement_comparison(shop: Shop, value: Outcome, *, horizon_months: float = 12, lang: str = "en",
                           output_dir: str | Path | None = None) -> Outcome:
    """The low vs high comparison (journeylab.journey.involvement.compare_involvement) on the report's value
    model, computed once per report run; or the plain sentence why there is none."""
    from journeylab.journey.involvement import compare_involvement

    key = {"horizon_months": horizon_months, "lang": lang}
    return cached(output_dir, "comparison", key, lambda: attempt(
        lambda: compare_involvement(shop, horizon_months=horizon_months, value=value.value), lang))


def persons(shop: Shop, value: Outcome, *, phase_model: str = "five", horizon_months: float = 12,
            discount_rate: float = 0.10, lang: str = "en", output_dir: str | Path | None = None) -> Outcome:
    """The per-person frame (journeylab.journey.audiences.person_frame) on the report's value model, built once per
    report run: the summary's "what changed", the appendix's audiences and the run's snapshot read the same one."""
    from journeylab.journey.audiences import person_frame
    from journeylab.report.history import person_frame_key

    key = person_frame_key(phase_model, horizon_months, discount_rate)
    return cached(output_dir, "persons", key, lambda: attempt(
        lambda: person_frame(shop, value=value.value if value.ok else None, **key), lang))


def since_last(shop: Shop, value: Outcome, *, phase_model: str = "five", horizon_months: float = 12,
               discount_rate: float = 0.10, lang: str = "en", output_dir: str | Path | None = None) -> Outcome:
    """What changed since the last good report of the same client (journeylab.journey.history.Changes, compared
    with the snapshot that run stored; ``output_dir`` is this run's folder), or the plain sentence why it cannot be
    said. A notebook run by hand (no ``output_dir``) has no earlier report: a first run."""
    from journeylab.journey.history import compare, snapshot, user_aliases
    from journeylab.report.history import compare_with_previous

    def changes() -> Outcome:
        frame = persons(shop, value, phase_model=phase_model, horizon_months=horizon_months,
                        discount_rate=discount_rate, lang=lang, output_dir=output_dir)
        if not frame.ok:
            return frame
        snap = snapshot(frame.value, user_aliases(shop))
        return Outcome(True, compare_with_previous(output_dir, snap)[0] if output_dir else compare(None, snap))

    # the summary and the appendix both show it: compared once per run (the earlier snapshot read once)
    key = {"phase_model": phase_model, "horizon_months": horizon_months, "discount_rate": discount_rate, "lang": lang}
    return cached(output_dir, "since_last", key, changes)


def summary_opening(changes: Outcome, lang: str = "en", currency: str = "EUR") -> Trusted:
    """What opens the executive summary: after an earlier report of the shop, what changed since
    (journeylab.report.history.what_changed), in the room of the page's introduction (a returning reader knows
    the page, and the Dutch page had no room for both); else the introduction. ``changes``: :func:`since_last`."""
    from journeylab.report.history import what_changed

    if changes.ok and not changes.value.first_run:
        return what_changed(changes.value, lang, currency)
    return section_intro("executive_summary", lang)


def group_label(group: str, lang: str = "en") -> str:
    """The reader's name of a value-model group: all customers, or an involvement level."""
    return t({"all": "all_customers", "low": "low_involvement", "high": "high_involvement"}.get(group, "unknown_level"),
             lang)


def model_notes(value: ShopValue, lang: str = "en") -> list[Trusted]:
    """Plain sentences, one per group: which model serves it and why, or what the data cannot tell."""
    out = []
    split = value.by is not None
    if split:
        out.append(fill("{0}", t("split_by_involvement", lang)))
    for name, g in value.groups.items():
        if g.comparison is not None:
            text = g.comparison.reason_text(lang)
        else:
            text = t("no_model", lang) + " " + "; ".join(
                dict.fromkeys(FIT_PROBLEMS.get(p, {}).get(lang, p) for p in g.problems)) + "."
        if g.spend_problem:
            text += " " + t("spend_fallback", lang)
        if g.model is not None and g.status_source == "recency":
            text += " " + t("status_recency_better", lang)
        out.append(fill("**{group}** ({n:,} {customers}, {rep:,} {repeat}): {text}", lang=lang, group=group_label(name, lang),
                        n=g.n_customers, customers=t("customers", lang), rep=g.n_repeat,
                        repeat=t("repeat_customers", lang), text=text))
    n_early = int((value.predictions["status"] == "too_early").sum())
    if n_early:
        out.append(fill(t("too_early_note", lang), n=n_early))
    return out


def model_choice_line(group: str, info: dict, lang: str = "en") -> Trusted:
    """One line on the model a group's figures come from (``compare_involvement(...).attrs["models"]``)."""
    if info.get("model") is None:
        why = "; ".join(dict.fromkeys(FIT_PROBLEMS.get(p, {}).get(lang, p) for p in info.get("problems", [])))
        return fill("**{group}**: {none} {why}.", group=group_label(group, lang), none=t("no_model", lang), why=why)
    return fill("**{group}**: {model} — {tier}", group=group_label(group, lang), model=info["model"],
                tier=t("tier_" + info["tier"], lang))


def parameter_table(params: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A fitted model's parameter table for the report (index model, parameter; estimate, se, lower_95,
    upper_95 as text): a parameter the data do not identify says so instead of an interval."""
    missing = t("not_identified", lang)
    num = lambda v: format_number(v, lang, 3) if pd.notna(v) else missing  # noqa: E731
    out = params.assign(model=params["model"].map(model_label)).set_index(["model", "parameter"])[
        ["estimate", "se", "lower_95", "upper_95"]]
    return pd.DataFrame({c: [num(v) for v in out[c]] for c in out.columns}, index=out.index)


def independence_text(check: dict, lang: str = "en") -> Trusted:
    """The Gamma-Gamma spend model's check (journeylab.models.gammagamma.independence_check's data) as a
    sentence of ``lang``: the correlation of purchase frequency and spend per order, and whether it is weak
    enough for the model."""
    if check.get("flat"):
        return fill(t("independence_flat", lang), n=check["n"])
    sample = fill(t("independence_sample", lang), n=check["n"], total=check["sample_of"]) \
        if check.get("sample_of") else Trusted("")
    key = "independence_ok" if check["ok"] else "independence_doubtful"
    return fill(t(key, lang), r=check["pearson_r"], p=format_p(check["p_value"], lang), n=check["n"], sample=sample)


def customer_table(predictions: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Customers' predictions for a report table: the status in ``lang``, the index named as a customer."""
    out = predictions.copy()
    if "status" in out:
        out["status"] = out["status"].map(lambda s: status_label(s, lang) if pd.notna(s) else s)
    out.index.name = "customer_id"
    return out


def group_order(groups) -> list:
    """Value-model groups in the report's order: all customers, then the involvement levels low before high
    (journeylab.data.contract.INVOLVEMENT_LEVELS), then any other (no level)."""
    known = ("all", *INVOLVEMENT_LEVELS)
    groups = list(dict.fromkeys(groups))
    return [g for g in known if g in groups] + sorted((g for g in groups if g not in known), key=str)


def status_counts(value: ShopValue) -> pd.DataFrame:
    """Customers per status (rows, ids in journeylab.models.churn.STATUSES order) and value-model group
    (columns, ids in :func:`group_order`)."""
    p = value.predictions
    tab = pd.crosstab(p["status"].astype(str), p["group"]).reindex(list(STATUSES), fill_value=0)
    tab = tab[group_order(tab.columns)]
    tab.index.name, tab.columns.name = "status", None
    return tab


def status_table(value: ShopValue, lang: str = "en") -> pd.DataFrame:
    """Customers per status (rows, journeylab.models.churn.STATUSES order) and group (columns, low before
    high), in ``lang``."""
    tab = status_counts(value)
    tab.index = [status_label(s, lang) for s in tab.index]
    tab.columns = [group_label(c, lang) for c in tab.columns]
    tab.index.name, tab.columns.name = t("status", lang), None
    return tab


# Decimals of the RFM segment table (journeylab.models.rfm.segment_table) as Page.table's ``decimals`` (issue 15,
# point 3): days since the last order and orders per customer with one, revenue in whole currency units, the
# mean order value in cents.
SEGMENT_DECIMALS = {"mean_recency": 1, "mean_frequency": 1, "revenue": 0, "mean_monetary": 2}
# Decimals of the top customers' table: expected purchases with one, money in cents.
CUSTOMER_DECIMALS = {"expected_purchases": 1}


def segment_actions(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """The RFM segment table's (``segment_table``) journey phase (words of ``lang``) and suggested action per
    segment, as a table of its own with the segment's name as its index."""
    from journeylab.i18n import phase_label

    return pd.DataFrame({"phase": table["phase"].map(lambda p: phase_label(p, lang) if isinstance(p, str) and p else "–"),
                         "suggested_action": table["action"]}, index=table.index)


def value_message(outcome: Outcome, lang: str = "en") -> Trusted:
    """Why a report states no churn or CLV figures from a model (empty when it does)."""
    if not outcome.ok:
        return outcome.message
    v = outcome.value
    if v.ok:
        return Trusted("")
    if all("small_sample" in g.problems for g in v.groups.values()):
        rep = int((v.summary["frequency"] > 0).sum())
        return fill(t("small_sample_note", lang), n=len(v.summary), rep=rep)
    return Trusted(" ".join(model_notes(v, lang)))


def recency_status(days_since_last_order, recency_days: tuple[float, float] = RECENCY_DAYS) -> pd.Categorical:
    """Active / at risk / lost from days since the last order (journeylab.models.churn.recency_classes)."""
    return recency_classes(days_since_last_order, recency_days)


def rfm_rule_text(rfm: pd.DataFrame, lang: str = "en") -> Trusted:
    """How the RFM scores were made for this shop, in the report's language (sentences of journeylab.i18n)."""
    if rfm.attrs.get("f_fixed"):
        lo = list(rfm.attrs.get("f_bins") or DEFAULT_F_BINS)
        classes = [str(a) if b - a == 1 else f"{a}-{b - 1}" for a, b in zip(lo, lo[1:])] + [str(lo[-1])]
        f = fill(t("rfm_f_fixed", lang), classes=", ".join(classes[:-1]),
                 last=classes[-1], share=format_percent(float(rfm.attrs.get("f_top_share", 0.0)), lang))
    else:
        f = fill(t("rfm_f_quintiles", lang))
    return fill(t("rfm_rule_text", lang), f=f, version=rfm.attrs.get("segment_map_version", ""))


# The executive summary's five numbers in the order it shows them: key of headline()'s figures (its one-line
# meaning is i18n "meaning_" + key), i18n label, and how the number is written.
HEADLINE = (("customers", "customers", "number"), ("revenue", "revenue_total", "money"),
            ("repeat_rate", "repeat_rate", "percent"), ("share_at_risk_or_lost", "share_at_risk_or_lost", "percent"),
            ("clv_total", "clv_total", "money"))


def headline_table(figures: dict[str, Any], lang: str = "en", currency: str = "EUR",
                   horizon_months: float = 12) -> pd.DataFrame:
    """The executive summary's five numbers (:func:`headline`'s ``figures``) as rows of label, value (written in
    ``lang``'s locale, money in ``currency``; a figure that cannot be computed is "–") and its one-line meaning."""
    write = {"number": lambda v: format_number(v, lang), "percent": lambda v: format_percent(v, lang),
             "money": lambda v: format_money(v, currency, lang)}
    h = format_number(horizon_months, lang, 0 if float(horizon_months).is_integer() else 1)
    rows = [(t(label, lang).format(h=h), "–" if figures.get(key) is None else write[kind](figures[key]),
             t("meaning_" + key, lang).format(h=h))
            for key, label, kind in HEADLINE]
    return pd.DataFrame(rows, columns=[t("figure", lang), t("value", lang), t("meaning", lang)])


def headline(shop: Shop, value: "Outcome | ShopValue", lang: str = "en") -> dict[str, float | str | None]:
    """The five numbers a shop owner reads first: customers, revenue (shop currency), repeat rate,
    share of customers at risk or lost, and expected CLV of all customers over the horizon (discounted).
    Churn and CLV figures are None where no model can be trusted; ``too_early_share`` is the share of
    customers whose status cannot be told yet, ``clv_coverage`` the share of customers with a CLV, ``model``
    the model of each group in ``lang``'s words."""
    v = value.value if isinstance(value, Outcome) else value
    summary = v.summary if v is not None else customer_summary(shop, freq="D")
    n = len(summary)
    out: dict[str, float | str | None] = {
        "customers": int(n),
        "revenue": float(summary["total_revenue"].sum()),
        "repeat_rate": float((summary["frequency"] > 0).mean()) if n else None,
        "share_at_risk_or_lost": None,
        "too_early_share": None,
        "clv_total": None,
        "clv_coverage": None,
        "model": None,
    }
    if v is not None and v.ok:
        p = v.predictions
        status = p["status"].astype(str)
        out["share_at_risk_or_lost"] = float(status.isin(["at_risk", "lost"]).mean())
        out["too_early_share"] = float((status == "too_early").mean())
        has = p["clv"].notna()
        out["clv_total"] = float(p.loc[has, "clv"].sum()) if has.any() else None
        out["clv_coverage"] = float(has.mean())
        out["model"] = ", ".join(f"{group_label(k, lang)}: {g.label}" if v.by else str(g.label)
                                 for k, g in v.groups.items() if g.label)
    return out


# ---------------------------------------------------------------- a shop owner can read it (issue 15, point 2)
# What the data could not tell, by id, in the order the executive summary lists them; each id's sentence is
# i18n's "limit_" + id. LIMIT_GROUPS: the ids about some of the value model's groups ({groups} in the sentence).
DATA_LIMITS = ("no_orders", "few_customers", "no_value_model", "group_no_model", "dropout_not_identified",
               "status_by_recency", "spend_fallback", "too_early", "no_events", "no_products", "no_involvement", "no_reviews",
               "short_period")
LIMIT_GROUPS = ("group_no_model", "dropout_not_identified", "status_by_recency", "spend_fallback")
SHORT_PERIOD_DAYS = 365  # less than a year of orders: no seasons, no yearly buyers


def data_limits(shop: Shop, value: Outcome, comparison: Outcome | None = None) -> dict[str, dict[str, Any]]:
    """What this run's data could not tell, as ids of DATA_LIMITS (in that order) with the values of their
    sentences: the value model's verdict (no model, too few customers, groups without a model, dropout not
    identified, status by recency, spend fallback, customers too early to tell), the tables the shop lacks (events, products, reviews), a
    low/high comparison that failed (``comparison``: involvement_comparison's outcome) and a period shorter
    than a year. Group values are group ids (all, low, high, unknown); :func:`limit_sentences` words them."""
    found: dict[str, dict[str, Any]] = {}
    n_orders = shop.count("orders")
    if not n_orders:
        found["no_orders"] = {}
    elif not value.ok:
        found["no_value_model"] = {}
    elif not value.value.ok:
        v = value.value
        if all("small_sample" in g.problems for g in v.groups.values()):
            found["few_customers"] = {"n": len(v.summary), "rep": int((v.summary["frequency"] > 0).sum())}
        else:
            found["no_value_model"] = {}
    else:
        groups = value.value.groups
        per_id = {"group_no_model": [k for k, g in groups.items() if g.tier == "none"],
                  "dropout_not_identified": [k for k, g in groups.items() if g.tier == "forecast"],
                  "status_by_recency": [k for k, g in groups.items() if g.model is not None
                                        and g.status_source == "recency"],
                  "spend_fallback": [k for k, g in groups.items() if g.model is not None and g.spend_problem]}
        found.update({key: {"groups": names} for key, names in per_id.items() if names})
        n_early = int((value.value.predictions["status"] == "too_early").sum())
        if n_early:
            found["too_early"] = {"n": n_early}
    if not shop.has("events"):
        found["no_events"] = {}
    if not shop.has("products"):
        found["no_products"] = {}
    elif comparison is not None and not comparison.ok and n_orders:
        found["no_involvement"] = {}
    if not shop.has("reviews"):
        found["no_reviews"] = {}
    if n_orders:
        first = pd.Timestamp(shop.scalar("SELECT min(ordered_at) FROM orders"))
        days = int((pd.Timestamp(shop.observation_end) - first).days)
        if days < SHORT_PERIOD_DAYS:
            found["short_period"] = {"days": max(days, 0)}
    return {key: found[key] for key in DATA_LIMITS if key in found}


def limit_sentences(limits: dict[str, dict[str, Any]], lang: str = "en") -> list[Trusted]:
    """The sentences of :func:`data_limits`' ids in ``lang`` (i18n "limit_" + id); "nothing essential is
    missing" when there are none."""
    if not limits:
        return [fill(t("limit_none", lang))]
    out = []
    for key, values in limits.items():
        values = dict(values)
        if key in LIMIT_GROUPS:
            values["groups"] = ", ".join(t(g, lang) if g in ("all", "low", "high") else group_label(g, lang)
                                         for g in values["groups"])
        out.append(fill(t("limit_" + key, lang), **values))
    return out


def bullets(lines: list[Trusted]) -> Trusted:
    """Sentences as one Markdown bullet list (each already Trusted Markdown, one line)."""
    return Trusted("\n".join(f"- {line}" for line in lines))


def section_intro(key: str, lang: str = "en") -> Trusted:
    """The two plain sentences under a section's heading (``key``: the heading's label; i18n
    "section_intro_" + key)."""
    return fill(t("section_intro_" + key, lang))


def glossary(lang: str = "en", horizon_months: float = 12) -> list[Trusted]:
    """The report's terms, each with its plain definition (i18n GLOSSARY_TERMS, GLOSSARY), in the order of
    the glossary: one Markdown line each, "**term**: definition"."""
    from journeylab.i18n import GLOSSARY, GLOSSARY_TERMS

    horizon = format_number(horizon_months, lang, 0 if float(horizon_months).is_integer() else 1)
    return [fill("**{term}**: {definition}", term=GLOSSARY_TERMS[key][lang],
                 definition=fill(Phrase(GLOSSARY[key][lang], lang), h=Trusted(horizon)))
            for key in GLOSSARY_TERMS]
