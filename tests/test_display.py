"""Tables as a client sees them (journeylab.report.display)."""
from __future__ import annotations

import pandas as pd

from journeylab.report.display import format_table


def test_index_level_names_are_translated_for_a_multiindex_too():
    """The funnel table (index group, step) and the drop-off table (stopped_after, next_event) showed their
    level names as identifiers in Dutch reports."""
    df = pd.DataFrame({"group": ["all", "all"], "step": ["a", "b"], "units": [1, 2]}).set_index(["group", "step"])
    html = format_table(df, "nl").to_html()
    assert ">groep</th>" in html and ">stap</th>" in html and ">sessies of personen</th>" in html
    assert ">group</th>" not in html and ">step</th>" not in html
    html = format_table(df.rename_axis(index=["stopped_after", "next_event"]), "en").to_html()
    assert ">stopped after</th>" in html and ">next event</th>" in html
    single = format_table(df.reset_index("step"), "nl").to_html()
    assert ">groep</th>" in single


def _comparison() -> pd.DataFrame:
    import numpy as np

    nan = np.nan
    out = pd.DataFrame([
        dict(phase="upsell", metric="repeat_rate", param="", unit="share", low=0.008, low_lower=0.006,
             low_upper=0.011, high=0.006, high_lower=0.003, high_upper=0.009, difference=-0.002, diff_lower=-0.006,
             diff_upper=0.002, p_value=0.415),
        dict(phase="upsell", metric="share_lost", param="", unit="share", low=0.332, low_lower=nan, low_upper=nan, high=0.279,
             high_lower=nan, high_upper=nan, difference=-0.053, diff_lower=nan, diff_upper=nan, p_value=nan),
        dict(phase="ambassador", metric="clv", param="", unit="BRL", low=nan, low_lower=nan, low_upper=nan,
             high=nan, high_lower=nan, high_upper=nan, difference=nan, diff_lower=nan, diff_upper=nan, p_value=nan),
        dict(phase="purchase", metric="order_value", param="", unit="BRL", low=164.9, low_lower=158.0, low_upper=170.8,
             high=174.8, high_lower=165.9, high_upper=184.1, difference=9.9, diff_lower=-0.7, diff_upper=22.3,
             p_value=3.8e-6),
    ])
    out.attrs["horizon_months"] = 12
    return out


def test_comparison_without_estimate_or_interval_has_no_empty_brackets():
    """Olist's comparison showed '– (– – –)' where a model was withheld and '33.2% (– – –)' without an interval."""
    from journeylab.report.display import comparison_table

    out = comparison_table(_comparison(), "en")
    cells = out.iloc[:, 3:6].to_numpy().tolist()
    assert cells[0] == ["0.8% (0.6% – 1.1%)", "0.6% (0.3% – 0.9%)", "-0.2% (-0.6% – 0.2%)"]
    assert cells[1] == ["33.2%", "27.9%", "-5.3%"]
    assert cells[2] == ["–", "–", "–"]
    assert "(– – –)" not in out.to_string()
    assert list(out.iloc[:, 1]) == ["repeat rate (2+ orders)", "share lost", "CLV over 12 months", "order value"]
    nl = comparison_table(_comparison(), "nl")
    assert list(nl.iloc[:, 0]) == ["upsell / herhaalaankoop", "upsell / herhaalaankoop", "ambassadeur", "aankoop"]
    assert list(nl.iloc[:, 1]) == ["herhaalaankoopratio (2+ bestellingen)", "aandeel verloren", "CLV over 12 maanden",
                                   "orderwaarde"]
    assert list(nl.iloc[:, 2]) == ["aandeel", "aandeel", "BRL", "BRL"]


def test_metric_and_channel_labels_come_from_ids():
    """A row's label is made from its metric id and param: the channel as the data have it, a phase in the
    report's language; the CLV horizon from the comparison's attrs."""
    from journeylab.report.display import comparison_table, kpi_table

    rows = _comparison().iloc[[0, 0, 0]].assign(metric=["channel_share_first_session", "phase_share", "clv"],
                                                param=["paid_search", "purchase", ""])
    rows.attrs["horizon_months"] = 6
    assert list(comparison_table(rows, "en").iloc[:, 1]) == [
        "channel share, first session: paid search", "phase share: purchase", "CLV over 6 months"]
    assert list(comparison_table(rows, "nl").iloc[:, 1]) == [
        "kanaalaandeel, eerste sessie: betaald zoeken", "aandeel fase: aankoop", "CLV over 6 maanden"]
    kpis = pd.DataFrame({"low": [1.0, 0.5], "high": [2.0, 0.5], "all": [3.0, 0.5]},
                        index=pd.MultiIndex.from_tuples([("purchase", "order_value", ""),
                                                         ("awareness", "channel_share_first_session", "email")],
                                                        names=["phase", "kpi", "param"]))
    assert list(kpi_table(kpis, "nl").index) == [("aankoop", "orderwaarde"),
                                                  ("bewustwording", "kanaalaandeel, eerste sessie: e-mail")]


def test_quality_plot_legend_title_in_the_report_language():
    import matplotlib.pyplot as plt

    import journeylab as jl
    from journeylab.report.quality import plot_quality

    orders = pd.DataFrame({"order_id": ["1", "1", "2", "3"], "customer_id": ["a", "a", None, "b"],
                           "ordered_at": pd.to_datetime(["2024-01-01"] * 3 + ["2024-02-01"]),
                           "revenue": [10.0, 10.0, 5.0, 7.0]})
    shop = jl.load_shop({"name": "q", "tables": {"orders": orders}})
    ax = plot_quality(shop, "nl")
    assert ax.get_legend().get_title().get_text() == "actie"
    plt.close(ax.figure)


def test_comparison_plot_in_the_report_language_without_empty_panels():
    """Olist's Dutch report had English metric names, 'p = nan', 'p = 3.8e-06' and empty panels for withheld metrics."""
    import matplotlib.pyplot as plt

    from journeylab.report.plots_journey import comparison_plot

    fig = comparison_plot(_comparison(), lang="nl").figure
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["herhaalaankoopratio (2+ bestellingen) (p = 0,415)", "aandeel verloren", "orderwaarde (p < 0,001)"]
    plt.close(fig)


def test_frequency_plot_of_a_shop_without_customers_is_left_out():
    from journeylab.report.quality import plot_frequency

    empty = pd.DataFrame(columns=["frequency", "recency", "T", "monetary_value"])
    assert plot_frequency(empty, "nl") is None


def test_phase_tables_show_words_and_no_sql():
    """Phase counts, transitions and rules read as words of the report's language: statuses, phases, dates
    and who is in a phase, never the rule's SQL or an id; a phase word that is also a label key
    ("consideration") is not looked up again."""
    from journeylab.journey.phases import NOT_SEEN, phase_rules
    from journeylab.report.display import phase_counts_table, phase_rule_table, transition_table

    phases = [NOT_SEEN, "awareness", "consideration"]
    counts = pd.DataFrame({"active": [1, 2, 3], "at_risk": [0, 1, 0], "(unknown)": [1, 1, 1]}, index=phases)
    nl = phase_counts_table(counts, "nl")
    assert list(nl.index) == ["nog niet gezien", "bewustwording", "overweging"]
    assert list(nl.columns) == ["actief", "risico", "betrokkenheid onbekend"]
    flows = transition_table(pd.DataFrame(1, index=phases, columns=phases), pd.Timestamp("2024-06-30"),
                             pd.Timestamp("2024-12-31"), "nl")
    assert flows.index.name == "fase op 30 juni 2024" and flows.columns.name == "fase op 31 december 2024"
    en = format_table(transition_table(pd.DataFrame(1, index=phases, columns=phases), pd.Timestamp("2024-06-30"),
                                       pd.Timestamp("2024-12-31"), "en"), "en", worded_columns=True).to_html()
    assert ">consideration</th>" in en and "Consideration: time" not in en
    rules = phase_rules("five")
    shown = phase_rule_table(rules, "nl", "five")
    assert list(shown.columns) == ["phase", "needs", "rule_meaning"]
    assert "Topklanten" in shown.iloc[-1, 2] and not shown.apply(lambda c: c.str.contains(">=|n_orders")).any().any()
    assert list(shown["needs"][:2]) == ["webgebeurtenissen"] * 2
    own = phase_rule_table(rules.assign(rule=rules["rule"].where(rules["phase"] != "purchase", "n_orders >= 1")),
                           "en", "five")
    assert own.set_index("phase").loc["purchase", "rule_meaning"].startswith("a rule of this report's own")


def test_words_are_aligned_left_and_numbers_right():
    """The notebook theme right-aligns every cell; a table of the report reads its words from the left."""
    import re

    frame = pd.DataFrame({"figure": ["customers", "revenue"], "value": ["5.000", "€ 2.057.809"],
                          "meaning": ["people who ordered", "what they paid"], "orders": [3, 4]},
                         index=pd.Index(["a", "b"], name="segment"))
    page = format_table(frame, "nl").to_html()
    left = set(re.findall(r"\.(col\d+) \{\s*text-align: left", page))
    assert left == {"col0", "col2"}  # the words, not the numbers written as text ("€ 2.057.809") nor the counts
    assert re.search(r"th\.row_heading[^{]*\{\s*text-align: left", page)  # the index (segment names) too
