"""Every label exists in Dutch and English, and the notebooks only ask for labels that exist."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from journeylab.i18n import LABELS, LANGUAGES, t
from journeylab.data.io.clean import RULES

ROOT = Path(__file__).resolve().parent.parent


def test_every_label_has_both_languages_and_differs_where_words_differ():
    for key, texts in LABELS.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts[lang].strip() for lang in LANGUAGES), key


def test_unknown_language_and_key_are_refused():
    with pytest.raises(ValueError):
        t("customers", "de")
    with pytest.raises(KeyError):
        t("no such label", "en")


def test_notebooks_use_existing_labels():
    used = set()
    for nb in (ROOT / "notebooks").rglob("*.ipynb"):
        used |= set(re.findall(r"\bt\(\\?['\"]([a-z_0-9]+)\\?['\"]", nb.read_text(encoding="utf-8")))
    assert used, "no labels found: the pattern is wrong"
    assert not used - set(LABELS), sorted(used - set(LABELS))


def test_every_cleaning_rule_has_a_dutch_name_and_explanation():
    """Rules and explanations are ids (of the generic cleaning and of every adapter); i18n has their words."""
    import importlib
    import pkgutil

    from journeylab.data.io import adapters
    from journeylab.data.io.adapters.base import AdapterRule
    from journeylab.i18n import DQ_EXPLANATIONS, DQ_RULES, explanation_label, rule_label

    rules = list(RULES)
    for info in pkgutil.iter_modules(adapters.__path__):
        module = importlib.import_module(f"{adapters.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, tuple):
                rules += [r for r in value if isinstance(r, AdapterRule)]
    assert len(rules) > len(RULES)
    for rule in rules:
        assert rule.rule in DQ_RULES and rule.explanation in DQ_EXPLANATIONS, rule
        assert re.fullmatch(r"[a-z0-9_]+", rule.rule) and re.fullmatch(r"[a-z0-9_]+", rule.explanation), rule
    assert rule_label("cancelled", "nl") == "geannuleerd" and rule_label("cancelled", "en") == "cancelled"
    assert explanation_label("order_cancelled", "nl") == "de bestelling is niet doorgegaan"
    with pytest.raises(KeyError):
        rule_label("no such rule", "nl")


# Ids whose words are the same in Dutch and English (a name, an abbreviation or a loan word)
SAME_IN_BOTH = {"mann_whitney_u", "review", "p75"}


def test_every_term_table_has_both_languages_and_differs_where_words_differ():
    from journeylab.i18n import (CHANNELS, CHURN_SCORES, DATA_SOURCES, DQ_EXPLANATIONS, DQ_RULES, EVENTS,
                                 FINDING_ACTIONS, FINDINGS, GLOSSARY, GLOSSARY_TERMS, LEVEL_SOURCES, METRICS,
                                 PHASE_RULES, PHASES, SEGMENT_ACTIONS, SEGMENTS, STATISTICS, STATUSES, TESTS, UNITS)
    from journeylab.models.churn import STATUSES as MODEL_STATUSES

    assert set(STATUSES) == set(MODEL_STATUSES)
    tables = {"METRICS": METRICS, "PHASES": PHASES, "UNITS": UNITS, "TESTS": TESTS, "EVENTS": EVENTS,
              "STATISTICS": STATISTICS, "STATUSES": STATUSES, "CHANNELS": CHANNELS, "DATA_SOURCES": DATA_SOURCES,
              "LEVEL_SOURCES": LEVEL_SOURCES, "CHURN_SCORES": CHURN_SCORES, "DQ_RULES": DQ_RULES,
              "DQ_EXPLANATIONS": DQ_EXPLANATIONS, "SEGMENTS": SEGMENTS, "SEGMENT_ACTIONS": SEGMENT_ACTIONS,
              "FINDINGS": FINDINGS, "FINDING_ACTIONS": FINDING_ACTIONS, "GLOSSARY_TERMS": GLOSSARY_TERMS,
              "GLOSSARY": GLOSSARY,
              **{f"PHASE_RULES[{m}]": v for m, v in PHASE_RULES.items()}}
    for name, table in tables.items():
        for key, texts in table.items():
            assert set(texts) == set(LANGUAGES) and all(texts[lang].strip() for lang in LANGUAGES), (name, key)
            assert (texts["nl"] != texts["en"]) != (key in SAME_IN_BOTH), (name, key, texts)


def test_metric_labels_and_their_placeholders():
    import string

    from journeylab.i18n import METRICS, metric_label

    for metric, texts in METRICS.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in LANGUAGES]
        assert fields[0] == fields[1] and fields[0] <= {"channel", "phase", "horizon"}, metric
    assert metric_label("share_lost", "nl") == "aandeel verloren"
    assert metric_label("clv", "en", horizon=6) == "CLV over 6 months"
    assert metric_label("phase_share", "nl", "purchase") == "aandeel fase: aankoop"
    assert metric_label("phase_share", "nl", "my_own_phase") == "aandeel fase: my_own_phase"
    assert metric_label("channel_share_first_session", "nl", "paid_search") == "kanaalaandeel, eerste sessie: betaald zoeken"
    assert metric_label("channel_share_first_session", "nl", "my_utm") == "kanaalaandeel, eerste sessie: my_utm"
    assert metric_label("share_lost", "en", "") == metric_label("share_lost", "en", float("nan")) == "share lost"


def test_unknown_metric_id_and_missing_values_are_refused_by_name():
    from journeylab.i18n import metric_label, stat_test_label, unit_label

    with pytest.raises(KeyError, match="share lost"):
        metric_label("share lost", "en")  # an English label is not an id
    with pytest.raises(KeyError, match="'clv' needs horizon"):
        metric_label("clv", "nl")
    with pytest.raises(ValueError, match="share_lost"):
        metric_label("share_lost", "en", "email")
    with pytest.raises(ValueError, match="lang"):
        metric_label("share_lost", "de")
    assert unit_label("EUR", "nl") == "EUR" and unit_label("page_views", "nl") == "paginaweergaven"
    with pytest.raises(ValueError, match="lang"):
        unit_label("EUR", "de")
    with pytest.raises(KeyError, match="t-test"):
        stat_test_label("t-test", "nl")


def test_every_comparison_and_kpi_metric_has_labels_in_both_languages():
    """Every id the analyses emit on the demo shop (metrics, params, phases, units, tests) is known to
    i18n and reads in Dutch with other words than in English (except SAME_IN_BOTH)."""
    import journeylab as jl
    from journeylab.i18n import METRICS, PHASES, TESTS, UNITS, metric_label, phase_label, stat_test_label, unit_label
    from journeylab.report.display import metric_labels

    shop = jl.load_shop(ROOT / "data" / "demo" / "shop.yaml")
    comparison = jl.compare_involvement(shop, n_boot=20, n_boot_model=0)  # ids only: no model refits needed
    kpis = jl.phase_kpis(shop)
    assert set(comparison["metric"]) <= set(METRICS) and set(kpis.index.get_level_values("kpi")) <= set(METRICS)
    phases = set(comparison["phase"]) | set(kpis.index.get_level_values("phase"))
    phases |= set(comparison.loc[comparison["metric"] == "phase_share", "param"])
    assert phases <= set(PHASES)
    assert set(comparison["test"]) <= set(TESTS) and set(comparison["unit"]) - {shop.currency} <= set(UNITS)
    labels = {lang: metric_labels(comparison, lang) for lang in LANGUAGES}
    for i, row in comparison.iterrows():
        if row["metric"] not in SAME_IN_BOTH:
            assert labels["nl"][i] != labels["en"][i], row["metric"]
    kpi_rows = kpis.index.to_frame(index=False).rename(columns={"kpi": "metric"})
    kpi_rows.attrs = kpis.attrs
    assert (metric_labels(kpi_rows, "nl") != metric_labels(kpi_rows, "en")).all()
    for phase in phases - SAME_IN_BOTH:
        assert phase_label(phase, "nl") != phase_label(phase, "en"), phase
    for unit in set(comparison["unit"]) - {shop.currency}:
        assert unit_label(unit, "nl") != unit_label(unit, "en"), unit
    for test in set(comparison["test"]) - SAME_IN_BOTH:
        assert stat_test_label(test, "nl") != stat_test_label(test, "en"), test
    # no English word of a metric's label left in its Dutch label (channel names are the data's own)
    english = {w for i in comparison.index for w in re.findall(r"[a-z]{4,}", labels["en"][i])}
    dutch = {w for i in comparison.index for w in re.findall(r"[a-z]{4,}", labels["nl"][i])}
    channel_rows = comparison["metric"].str.startswith("channel_share")
    channels = {w for ch in comparison.loc[channel_rows, "param"] for w in re.findall(r"[a-z]{4,}", ch)}
    shared = {"upsell", "review", "over", "media"}  # words in both languages
    assert not (english & dutch) - channels - shared, sorted((english & dutch) - channels - shared)
    assert metric_label("expected_purchases", "nl", horizon=comparison.attrs["horizon_months"]) in set(labels["nl"])


def test_methods_and_definitions_are_label_keys():
    """The description of an analysis' method is an i18n label in both languages, named by the result
    (no module reads its own docstring for data)."""
    import ast

    from _journey_data import hand_shop
    from journeylab.journey.attribution import attribution

    assert t(attribution(hand_shop()).attrs["definition"], "nl").startswith("Modellen")
    assert t("method_compare_involvement", "nl").startswith("Eén rij per maatstaf")
    for path in (ROOT / "journeylab").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            assert not (isinstance(node, ast.Attribute) and node.attr == "__doc__"), path


def test_one_label_helper_and_no_metric_translation_by_english_text():
    import journeylab.i18n as i18n
    import journeylab.report.display as display
    import journeylab.report.plots as plots
    import journeylab.report.plots_journey as plots_journey

    for gone in ("translate_metric", "METRICS_NL", "METRIC_PREFIXES_NL", "translate_frame_columns"):
        assert not hasattr(i18n, gone), gone
    assert not hasattr(plots, "_labels") and not hasattr(plots_journey, "_l") and not hasattr(plots_journey, "_levels")
    assert not hasattr(display, "label")
    lab = i18n.labeller("nl", {"customers": "kopers"})
    assert lab("customers") == "kopers" and lab("orders") == "bestellingen"
    with pytest.raises(KeyError):
        lab("no_such_label")
    assert i18n.labeller("nl", fallback=True)("no_such_label") == "no such label"
    with pytest.raises(ValueError, match="lang"):
        i18n.labeller("fr")


def _label_keys_in(module_path: Path) -> set[str]:
    """String keys passed to a label lookup (``t``, or the figures' ``lab``/``L``) in a module's source."""
    import ast

    keys = set()
    for node in ast.walk(ast.parse(module_path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("t", "lab", "L")
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            keys.add(node.args[0].value)
    return keys


def test_every_figure_label_is_in_the_table_in_both_languages():
    import journeylab.report.plots as plots
    import journeylab.report.plots_journey as plots_journey
    from journeylab.journey.attribution import MODELS

    used = _label_keys_in(ROOT / "journeylab" / "report" / "plots.py") | _label_keys_in(ROOT / "journeylab" / "report" / "plots_journey.py")
    assert len(used) > 30, "few label keys found: the pattern is wrong"
    # keys chosen at run time: the models' time units, the legend title of phase_plot, the attribution models
    used |= {"days", "weeks", "months", "involvement", "status", *MODELS}
    missing = sorted(k for k in used if k not in LABELS or set(LABELS[k]) != set(LANGUAGES))
    assert not missing, missing
    # i18n is the one table: the figure modules keep no label table of their own
    assert getattr(plots, "LABELS", LABELS) is LABELS and not hasattr(plots_journey, "_L")


def test_attribution_models_have_dutch_names_in_the_plot():
    import matplotlib.pyplot as plt
    from _journey_data import hand_shop

    from journeylab.journey.attribution import MODELS, attribution
    from journeylab.report.plots_journey import attribution_plot

    dutch = [t(m, "nl") for m in MODELS]
    assert all(name != model for name, model in zip(dutch, MODELS)), dutch
    ax = attribution_plot(attribution(hand_shop()), lang="nl")
    assert [x.get_text() for x in ax.get_legend().get_texts()] == dutch
    plt.close(ax.figure)


def test_model_errors_have_both_languages_and_their_placeholders():
    """Every ModelError reason reads in English and Dutch with the same placeholders; the report shows the
    Dutch sentence (no English left in a Dutch report's 'not fitted' note)."""
    import string

    from journeylab.errors import ModelError
    from journeylab.i18n import MODEL_ERRORS
    from journeylab.report.sections import attempt

    for code, texts in MODEL_ERRORS.items():
        fields = [{f for _, f, _, _ in string.Formatter().parse(texts[lang]) if f} for lang in ("en", "nl")]
        assert fields[0] == fields[1], code
    exc = ModelError("not_finite", model="BG/NBD", what=["p_alive", "clv"])
    assert str(exc).startswith("the fitted BG/NBD model gives no finite p_alive, clv")
    assert exc.code == "not_finite" and "BG/NBD" in exc.text("nl") and "geen eindige" in exc.text("nl")
    assert ModelError("a plain sentence").text("nl") == "a plain sentence"  # free text stays as given

    def too_few():
        raise ModelError("few_repeat_buyers", n_repeat=3, n_all=40)

    out = attempt(too_few, lang="nl")
    assert not out.ok and "slechts 3 van de 40 klanten" in out.message and "bought" not in out.message
    assert "only 3 of 40 customers bought more than once" in attempt(too_few, lang="en").message


def test_rfm_rule_sentence_in_both_languages():
    """The sentence on how the RFM scores were made is made of i18n templates: the Dutch one holds no
    English of the scoring's own F rule."""
    import html

    import pandas as pd

    from journeylab.report.sections import rfm_rule_text

    for fixed, english, dutch in ((True, "fixed classes (1, 2, 3, 4-5, 6 or more), because 61.0% of",
                                   "vaste klassen (1, 2, 3, 4-5, 6 of meer), omdat 61,0% van"),
                                  (False, "quintile of the number of orders", "kwintiel van het aantal")):
        rfm = pd.DataFrame()
        rfm.attrs.update(f_fixed=fixed, f_top_share=0.61, f_bins=[1, 2, 3, 4, 6], segment_map_version="acme/2")
        # as the reader sees it: the page shows the character references as characters
        en, nl = (html.unescape(str(rfm_rule_text(rfm, lang))) for lang in ("en", "nl"))
        assert en.startswith("R, F and M are scores") and english in en and "acme/2" in en
        assert dutch in nl and "Segmentenkaart acme/2" in nl and "orders" not in nl


def test_numbers_money_percentages_and_dates_in_the_report_locale():
    """Babel's CLDR data write them: Dutch groups with points and decimals with a comma."""
    from journeylab.i18n import format_date, format_money, format_number, format_percent

    assert format_number(13876.47, "nl") == "13.876" and format_number(13876.47, "en") == "13,876"
    assert format_number(13876.47, "nl", 2) == "13.876,47"
    # Dutch puts a non-breaking space after the euro sign
    assert format_money(1234.5, "EUR", "nl", 2) == "€\xa01.234,50" and format_money(1234.5, "EUR", "en", 2) == "€1,234.50"
    assert format_money(760178.4, "EUR", "nl") == "€\xa0760.178"
    assert format_money(5, "punten", "nl") == "5 punten"  # not a currency Babel knows: the name after the number
    assert format_percent(0.85, "nl") == "85,0%" and format_percent(0.85, "en") == "85.0%"
    assert format_date("2024-12-31", "nl") == "31 december 2024" and format_date("2024-12-31", "en") == "31 December 2024"
    assert format_number(float("nan"), "nl") == format_money(None, "EUR", "en") == format_percent(None, "nl") == "–"


def test_sentences_write_their_numbers_in_their_own_language():
    import html

    from journeylab.i18n import t
    from journeylab.report.safe import fill

    nl = html.unescape(str(fill(t("too_early_note", "nl"), n=12345)))
    en = html.unescape(str(fill(t("too_early_note", "en"), n=12345)))
    assert nl.startswith("12.345 klanten") and en.startswith("12,345 customers")
    mixed = html.unescape(str(fill("{a:,.2f} | {b:.1%} | {c:.3g} | {d}", lang="nl", a=13876.47, b=0.85, c=0.00123, d="x.y")))
    assert mixed == "13.876,47 | 85,0% | 0,00123 | x.y"  # text is left as it is


def test_tables_write_numbers_in_the_report_locale():
    import pandas as pd

    from journeylab.report.display import format_table

    frame = pd.DataFrame({"n": [13876], "share": [0.85], "revenue": [1234.5], "x": [2.346]})
    html_nl = format_table(frame, "nl", percent=["share"], money=["revenue"], currency="EUR").to_html()
    assert "13.876" in html_nl and "85,0%" in html_nl and "€\xa01.234,50" in html_nl and "2,35" in html_nl
    html_en = format_table(frame, "en", percent=["share"], money=["revenue"], currency="EUR").to_html()
    assert "13,876" in html_en and "85.0%" in html_en and "€1,234.50" in html_en
