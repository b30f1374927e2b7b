"""Charts before tables (issue 15, point 3): one colour per involvement level and per phase in every chart, the
compact low vs high chart, alt text on every figure, and tables with sensible precision."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

from journeylab.i18n import PHASES, level_label, phase_label
from journeylab.report import plots_journey as pj
from journeylab.palette import LEVEL_COLOURS, PHASE_COLOURS
from journeylab.report.page import root_figure

from _journey_data import simulated


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _legend_colours(chart) -> dict[str, str]:
    """Legend entry -> its colour (a bar's or patch's face, a line's or marker's colour) of every legend of the
    figure of ``chart`` (an Axes or a Figure)."""
    out = {}
    for ax in root_figure(chart).axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        for handle, text in zip(legend.legend_handles, legend.get_texts()):
            if hasattr(handle, "get_markerfacecolor") and handle.get_marker() not in (None, "None", ""):
                colour = handle.get_markerfacecolor()
            elif hasattr(handle, "get_facecolor"):
                colour = handle.get_facecolor()
            else:
                colour = handle.get_color()
            out[text.get_text()] = to_hex(colour, keep_alpha=False)
    return out


# ---------------------------------------------------------------- one colour per level and per phase
def test_every_phase_has_a_colour_and_the_phases_of_a_model_differ():
    from journeylab.journey.phases import phase_rules

    assert set(PHASES) <= set(PHASE_COLOURS)
    for model in ("five", "four", "six"):
        shown = [*phase_rules(model)["phase"], "not_yet_seen"]
        colours = [PHASE_COLOURS[p] for p in shown]
        assert len(set(colours)) == len(colours), (model, dict(zip(shown, colours)))
    assert LEVEL_COLOURS["low"] != LEVEL_COLOURS["high"]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_charts_colour_each_level_alike(lang):
    from journeylab.journey.funnel import consideration, funnel
    from journeylab.journey.phases import journey_phases

    shop, _ = simulated()
    figs = [pj.funnel_plot(funnel(shop, breakdown="involvement", next_event=False), lang=lang),
            pj.phase_plot(journey_phases(shop, status=False), lang=lang),
            pj.consideration_plot(consideration(shop), lang=lang)]
    for level in ("low", "high"):
        word = level_label(level, lang)
        seen = [_legend_colours(f)[word] for f in figs]
        assert seen == [LEVEL_COLOURS[level].lower()] * len(figs), (level, seen)


def test_flow_and_key_metrics_colour_each_phase_alike():
    from journeylab.journey.phases import phase_flows

    shop, _ = simulated()
    flows = phase_flows(shop, ["2024-06-01", "2024-12-31"])
    ax = pj.phase_flow_plot(flows, lang="nl")
    blocks = [p for p in ax.patches if isinstance(p, plt.Rectangle)]
    n = len(flows["counts"])
    flow = {ph: to_hex(b.get_facecolor(), keep_alpha=False) for ph, b in zip(flows["counts"].index, blocks[:n])}
    key = {}
    legend = _legend_colours(pj.key_metrics_plot(_comparison(), lang="nl").figure)
    for ph in ("consideration", "purchase", "upsell", "ambassador"):
        key[ph] = legend[phase_label(ph, "nl")]
        assert key[ph] == flow[ph] == PHASE_COLOURS[ph].lower(), ph


# ---------------------------------------------------------------- the compact low vs high chart
def _comparison() -> pd.DataFrame:
    """A comparison as compare_involvement writes it: the key metrics, and rows the chart leaves out (a
    channel share, a metric without an estimate)."""
    rows = [("consideration", "consideration_days", "", "days", 0.12, 13.8, 100.9, 130.7),
            ("consideration", "return_visit_rate", "", "share", 0.93, 1.0, np.nan, np.nan),
            ("purchase", "visitor_conversion", "", "share", 0.81, 0.50, np.nan, np.nan),
            ("purchase", "order_value", "", "EUR", 24.1, 602.9, 24.3, 25.9),
            ("upsell", "repeat_rate", "", "share", 0.81, 0.19, np.nan, np.nan),
            ("upsell", "interpurchase_days", "", "days", 62.4, 171.0, 2.5, 3.0),
            ("upsell", "churn_risk", "", "probability", 0.36, np.nan, np.nan, np.nan),
            ("ambassador", "review_rate", "", "share", 0.146, 0.144, np.nan, np.nan),
            ("ambassador", "clv", "", "EUR", 155.1, 63.6, 0.31, 0.50),
            ("awareness", "channel_share_first_session", "email", "share", 0.02, 0.0, np.nan, np.nan),
            ("purchase", "cart_abandonment", "", "share", 0.05, 0.44, 8.7, 10.0)]
    out = pd.DataFrame(rows, columns=["phase", "metric", "param", "unit", "low", "high", "ratio_lower", "ratio_upper"])
    out["difference"] = out["high"] - out["low"]
    out["diff_lower"], out["diff_upper"] = out["difference"] - 0.02, out["difference"] + 0.02
    out["ratio"] = (out["high"] / out["low"]).where(out["low"] > 0)
    for side in ("low", "high"):
        out[f"{side}_lower"], out[f"{side}_upper"] = out[side] * 0.9, out[side] * 1.1
    out["p_value"] = 0.01
    out.attrs["horizon_months"] = 12
    return out


def _rows(fig) -> list[str]:
    """The metric labels of the key-metrics chart, panel by panel (the left axes of each panel)."""
    left = [ax for ax in fig.axes if ax.get_xlabel()]
    return [t.get_text() for ax in left for t in ax.get_yticklabels()]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_key_metrics_chart_is_compact_with_intervals_and_reference_lines(lang):
    fig = pj.key_metrics_plot(_comparison(), lang=lang).figure
    rows = _rows(fig)
    # the key metrics only (no channel shares, no churn risk without a high estimate, no cart abandonment)
    assert len(rows) == len(pj.KEY_METRICS) <= 8
    assert fig.get_size_inches()[1] * 2.54 <= 9  # fits an A4 page without taking it
    panels = [ax for ax in fig.axes if ax.get_xlabel()]
    assert [ax.get_xscale() for ax in panels] == ["linear", "log"]  # shares in points, amounts as a ratio
    for ax, ref in zip(panels, (0, 1)):
        assert any(np.allclose(line.get_xdata(), ref) for line in ax.lines)  # zero line / x1 line
        # every row drawn with its interval (errorbar's bars are a LineCollection each)
        bars = [c for c in ax.collections if len(c.get_segments())]
        assert len(bars) == len(ax.get_yticks())
    words = " ".join(rows)
    assert ("repeat rate" in words and "CLV over 12 months" in words) if lang == "en" else (
        "herhaalaankoopratio" in words and "orderwaarde" in words)
    assert "_" not in words
    right = [t.get_text() for ax in fig.axes if not ax.get_xlabel() for t in ax.get_yticklabels()]
    assert ("€24 → €603" if lang == "en" else "€\xa024 → €\xa0603") in right
    c = _comparison()
    fewer = pj.key_metrics_plot(c.assign(high=c["high"].where(c["metric"] != "order_value")), lang=lang).figure
    assert len(_rows(fewer)) == len(rows) - 1  # a key metric without both levels is left out, not drawn empty


def test_key_metrics_chart_ratio_interval_is_the_comparison_s():
    fig = pj.key_metrics_plot(_comparison(), lang="en").figure
    ratio = [ax for ax in fig.axes if ax.get_xscale() == "log"][0]
    names = [t.get_text() for t in ratio.get_yticklabels()]
    y = ratio.get_yticks()[names.index("order value")]
    for c in ratio.collections:
        (x0, y0), (x1, _) = c.get_segments()[0]
        if np.isclose(y0, y):
            assert np.allclose([x0, x1], [24.3, 25.9])
            break
    else:
        raise AssertionError("no interval drawn for order value")


def test_key_metrics_chart_without_key_metrics_is_left_out():
    c = _comparison()
    assert pj.key_metrics_plot(c[c["param"] != ""], lang="en") is None


# ---------------------------------------------------------------- alt text
def test_figures_say_what_they_show_beyond_their_title():
    from journeylab.journey.attribution import attribution
    from journeylab.journey.funnel import consideration, funnel
    from journeylab.journey.phases import cohort_retention, journey_phases, phase_flows
    from journeylab.report.page import figure_title

    shop, _ = simulated()
    cons = consideration(shop)
    figs = [pj.funnel_plot(funnel(shop, breakdown="involvement", next_event=False), lang="nl"),
            pj.phase_plot(journey_phases(shop, status=False), lang="nl"),
            pj.phase_flow_plot(phase_flows(shop, ["2024-06-01", "2024-12-31"]), lang="nl"),
            pj.cohort_plot(cohort_retention(shop), lang="nl"),
            pj.attribution_plot(attribution(shop), lang="nl"),
            pj.consideration_plot(cons, lang="nl"),
            pj.key_metrics_plot(_comparison(), lang="nl").figure]
    alts = [root_figure(chart).alt_text for chart in figs]
    for chart, alt in zip(figs, alts):
        assert alt and alt != figure_title(root_figure(chart)) and alt.endswith(".") and "_" not in alt, alt
        assert any(ch.isdigit() for ch in alt) or "diagram" in alt, alt
    median = cons.groupby("involvement")["days_from_first_visit"].median()
    assert f"hoog betrokken {median['high']:.1f}".replace(".", ",") in alts[5]
    # a median under a day (low involvement: minutes) reads in hours, under an hour in minutes: not as
    # "0,0 dagen" nor "0,1 uur"
    low = (f"laag betrokken {24 * median['low']:.1f} uur" if 24 * median["low"] >= 1
           else f"laag betrokken {round(24 * 60 * median['low'])} minuten").replace(".", ",")
    assert median["low"] < 1 and low in alts[5], alts[5]
    assert "0,0 uur" not in alts[5] and "0,1 uur" not in alts[5]


def test_page_shows_the_figure_s_alt_text(monkeypatch):
    import IPython.display

    from journeylab.report.page import Page

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    fig, ax = plt.subplots()
    ax.set_title("A title")
    fig.alt_text = "A bar chart of 3 things."
    Page("en").figure(fig)
    fig, ax = plt.subplots()
    ax.set_title("Only a title")
    Page("en").figure(fig, alt="Given.")
    assert [kw["metadata"]["image/png"]["alt"] for _, kw in shown] == ["A bar chart of 3 things.", "Given."]


# ---------------------------------------------------------------- precision
def test_consideration_table_writes_persons_whole_and_days_with_one_decimal():
    from journeylab.journey.funnel import consideration_summary
    from journeylab.report.display import consideration_table

    cons = pd.DataFrame({"involvement": ["low", "low", "high", "high", "high"],
                         "days_from_first_visit": [0.123456, 2.5, 1234.56789, 13.77, 20.0],
                         "sessions_from_first_visit": [1, 2, 4, 5, 7],
                         "days_from_first_product_view": [0.1, 2.0, 10.0, 11.0, 12.25],
                         "sessions_from_first_product_view": [1, 1, 3, 4, 5],
                         "touchpoints": [1, 3, 5, 6, 8], "channels": [1, 1, 2, 3, 3],
                         "research_views": [0, 1, 3, 7, 9]})
    summary = consideration_summary(cons)
    en, nl = consideration_table(summary, "en"), consideration_table(summary, "nl")
    assert list(en.columns) == ["low involvement", "high involvement"]  # low before high, as everywhere
    assert en.loc["persons"].tolist() == ["2", "3"] and nl.loc["personen"].tolist() == ["2", "3"]
    assert en.loc["days from first visit (mean)", "high involvement"] == "422.8"
    assert nl.loc["dagen vanaf eerste bezoek (gemiddelde)", "hoog betrokken"] == "422,8"
    assert en.loc["days from first visit (median)", "low involvement"] == "1.3"
    assert en.loc["sessions from first visit (median)", "high involvement"] == "5"  # a whole count: no decimals
    assert en.loc["sessions from first visit (mean)", "high involvement"] == "5.3"
    assert en.loc["sessions from first visit (median)", "low involvement"] == "1.5"
    # the export keeps the numbers
    raw = consideration_table(summary, "en", formatted=False)
    assert raw.loc["days from first visit (mean)", "high involvement"] == pytest.approx(422.79263, rel=1e-4)
    # the section shows the medians only (every statistic is in the appendix)
    medians = consideration_table(summary, "en", stats=("median",))
    assert list(medians.index) == ["persons"] + [r for r in en.index if r.endswith("(median)")] and len(medians) == 8


def test_days_and_prices_are_formatted_by_their_column_id():
    from journeylab.report.display import format_table

    df = pd.DataFrame({"median_price": [1234.5], "interpurchase_days": [62.3456], "price_ratio": [1.23456]})
    html = format_table(df, "nl", currency="EUR").to_html()
    assert "€\xa01.234,50" in html and ">62,3<" in html and ">1,23<" in html


def test_spans_read_in_days_hours_or_minutes():
    from journeylab.i18n import format_span

    assert format_span(12.345, "nl") == "12,3 dagen" and format_span(1, "en") == "1.0 days"
    assert format_span(0.25, "en") == "6.0 hours" and format_span(0.25, "nl") == "6,0 uur"
    assert format_span(0.1 / 24, "nl") == "6 minuten" and format_span(0.5 / 24, "en") == "30 minutes"
    assert format_span(float("nan"), "en") == "–"


def test_per_column_decimals_days_and_orders_one_money_whole():
    """Page.table's ``decimals`` per column (issue 15, point 3): the RFM segment table writes days since the last
    order and orders per customer with one decimal, revenue in whole euros, the mean order value in cents."""
    from journeylab.report.display import format_table
    from journeylab.report.sections import SEGMENT_DECIMALS

    df = pd.DataFrame({"customers": [460], "revenue": [426344.16], "mean_recency": [14.6634],
                       "mean_frequency": [3.5123], "mean_monetary": [86.724]}, index=pd.Index(["Top"], name="segment"))
    html = format_table(df, "nl", money=["revenue", "mean_monetary"], decimals=SEGMENT_DECIMALS).to_html()
    assert ">460<" in html and "€\xa0426.344<" in html and ">14,7<" in html and ">3,5<" in html
    assert "€\xa086,72<" in html and "14,66" not in html and "3,51" not in html
    # a column the mapping does not name keeps the default (two decimals; days one)
    other = format_table(df.assign(x=[1.23456], wait_days=[2.345]), "en", decimals={"revenue": 0}).to_html()
    assert ">1.23<" in other and ">2.3<" in other


# ---------------------------------------------------------------- shares as percentages (issue 15)
def _tick_texts(axis) -> list[str]:
    axis.figure.canvas.draw()
    return [t.get_text() for t in axis.get_ticklabels() if t.get_text()]


def test_segment_chart_and_cohort_colour_bar_show_shares_as_percentages():
    from journeylab.journey.phases import cohort_retention
    from journeylab.models.rfm import rfm_segments, segment_table
    from journeylab.report.plots import segment_plot

    shop, _ = simulated()
    tab = segment_table(rfm_segments(jl_summary(shop)), "nl")
    ticks = _tick_texts(segment_plot(tab, "nl").xaxis)
    assert ticks and all(t.endswith("%") for t in ticks), ticks
    assert "0%" in ticks and not any("." in t or "," in t for t in ticks), ticks
    ax = pj.cohort_plot(cohort_retention(shop), lang="nl")
    bar = ax.collections[0].colorbar
    ticks = _tick_texts(bar.ax.yaxis)
    assert ticks and all(t.endswith("%") for t in ticks), ticks


def jl_summary(shop):
    import journeylab as jl

    return jl.customer_summary(shop, freq="D")


# ---------------------------------------------------------------- tick labels that do not overlap (issue 15)
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_phase_chart_tick_labels_do_not_overlap(lang):
    from journeylab.journey.phases import journey_phases

    shop, _ = simulated()
    ax = pj.phase_plot(journey_phases(shop, status=False), lang=lang)
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
    assert len(boxes) == 5
    for a, b in zip(boxes, boxes[1:]):
        assert a.x1 < b.x0, [t.get_text() for t in ax.get_xticklabels()]
    if lang == "nl":
        assert "\n" in ax.get_xticklabels()[3].get_text()  # "upsell / herhaalaankoop" on two lines


def test_phase_tables_and_chart_use_a_client_phase_model_s_words():
    """A phase model's own words (``label: {en, nl}``) name its phases in the phase table, the transition table,
    and the chart's alt text, not i18n's."""
    from journeylab.journey.phases import journey_phases, phase_counts, phase_flows
    from journeylab.report.display import phase_counts_table, transition_table

    shop, _ = simulated()
    phases = journey_phases(shop, status=False)
    rules = phases.attrs["rules"]
    rules.attrs["words"] = {**(rules.attrs.get("words") or {}),
                            "upsell": {"label": {"en": "came back", "nl": "kwam terug"}}}
    counts = phase_counts(phases)
    assert "kwam terug" in list(phase_counts_table(counts, "nl", rules).index)
    assert "upsell / herhaalaankoop" in list(phase_counts_table(counts, "nl").index)  # without: i18n's
    flows = phase_flows(shop, ["2024-06-01", "2024-12-31"])
    matrix = flows["transitions"][0]
    shown = transition_table(matrix, *flows["dates"], "en", rules)
    assert "came back" in list(shown.index) and "came back" in list(shown.columns)
    ax = pj.phase_plot(phases, lang="nl")
    texts = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
    assert "kwam terug" in texts
