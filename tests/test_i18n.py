"""Every label exists in Dutch and English, and the notebooks only ask for labels that exist."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from journeylab.i18n import LABELS, LANGUAGES, RULES_NL, t, translate_rule
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
    for rule in RULES:
        assert translate_rule(rule.rule, "nl") != rule.rule or rule.rule in RULES_NL, rule.rule
    assert translate_rule("cancelled", "nl") == "geannuleerd" and translate_rule("cancelled", "en") == "cancelled"


def test_every_comparison_and_kpi_metric_has_a_dutch_name():
    import journeylab as jl
    from journeylab.i18n import translate_metric

    shop = jl.load_shop(ROOT / "data" / "demo" / "shop.yaml")
    comparison = jl.compare_involvement(shop, n_boot=20)
    kpis = jl.phase_kpis(shop)
    names = set(comparison["metric"]) | set(comparison["unit"]) | set(comparison["phase"])
    names |= set(kpis.index.get_level_values(1)) | set(kpis.index.get_level_values(0))
    # model parameters (MBG/NBD r, Gamma-Gamma p) and currency codes read the same in Dutch
    same = {n for n in names if n.startswith(("MBG/NBD", "BG/NBD", "Pareto/NBD", "Gamma-Gamma")) or n.isupper()}
    untranslated = sorted(n for n in names - same if translate_metric(n, "nl") == n and n != "upsell")
    assert not untranslated, untranslated


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
    fig = attribution_plot(attribution(hand_shop()), lang="nl")
    assert [x.get_text() for x in fig.axes[0].get_legend().get_texts()] == dutch
    plt.close(fig)


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
