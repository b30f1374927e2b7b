"""Tables as a client sees them: translated headers, percentages, currency and rounded numbers, every
text (cells, index, headers) escaped by journeylab.report.safe, since it may come from a shop's data."""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import pandas as pd

from journeylab.i18n import (STATUSES, consideration_label, event_label, format_date, format_money, format_number,
                             format_percent, format_spec, labeller, level_label, level_source_label, metric_label,
                             phase_label, source_label, status_label, t, unit_label)
from journeylab.data.contract import INVOLVEMENT_LEVELS
from journeylab.journey.funnel import CONSIDERATION_METRICS, CONSIDERATION_STATS
from journeylab.journey.phases import phase_description, phase_name
from journeylab.report.safe import cell, html


# Columns formatted by their id wherever they appear (issue 15, point 3: sensible precision): days with one
# decimal, prices in the shop's currency.
MONEY_COLUMNS = frozenset({"median_price"})
# Decimals of the funnel table (Page.table's ``decimals``): minutes to a step with one.
FUNNEL_DECIMALS = {"median_minutes": 1, "p75_minutes": 1}


def _is_days(column) -> bool:
    """A column of days (its id is "days", "..._days" or "days_..."): shown with one decimal."""
    return isinstance(column, str) and (column == "days" or column.endswith("_days") or column.startswith("days_"))


def format_table(
    frame: pd.DataFrame,
    lang: str = "en",
    *,
    percent: Iterable[str] = (),
    money: Iterable[str] = (),
    currency: str = "EUR",
    decimals: int | Mapping[str, int] = 2,
    hide_index: bool = False,
    worded_columns: bool = False,
):
    """A pandas Styler of ``frame`` with translated column names and formatted numbers.

    ``percent`` columns hold shares (0.25 is shown as 25.0%); ``money`` columns are shown with
    the currency (and so are MONEY_COLUMNS); columns of days (``..._days``) with one decimal, other floats
    with ``decimals`` decimals and integers with thousands separators. ``decimals`` may be a mapping
    column -> decimals (issue 15, point 3: days and orders per customer with one decimal, a total in whole
    currency units) for float and money columns; a column it does not name keeps the defaults above (2).
    ``worded_columns``: the column names are words of the report's language already (e.g. phases), not
    ids, so they are shown as they are (a word that is also a label key, "consideration", stays itself).
    """
    percent, money = set(percent), set(money)
    own = dict(decimals) if isinstance(decimals, Mapping) else {}
    default = 2 if isinstance(decimals, Mapping) else int(decimals)
    label = labeller(lang, fallback=True)
    # Styler leaves cells, index and headers as raw HTML unless told; every one of them is escaped here.
    frame = frame.rename_axis(index=[html(label(n)) if n is not None else None for n in frame.index.names],
                              columns=[html(label(n)) if n is not None else None for n in frame.columns.names])
    fmt = {}
    for col in frame.columns:  # numbers in the language's locale (Babel): 13.876,47 in Dutch
        if col in percent:
            fmt[col] = lambda v: format_percent(v, lang)
        elif col in money or (col in MONEY_COLUMNS and pd.api.types.is_numeric_dtype(frame[col])):
            fmt[col] = lambda v, d=own.get(col, default): html(format_money(v, currency, lang, d))
        elif pd.api.types.is_bool_dtype(frame[col]):
            fmt[col] = str
        elif pd.api.types.is_integer_dtype(frame[col]):
            fmt[col] = lambda v: format_number(v, lang)
        elif pd.api.types.is_float_dtype(frame[col]):
            fmt[col] = lambda v, d=own.get(col, 1 if _is_days(col) else default): format_number(v, lang, d)
        else:
            fmt[col] = cell
    styler = frame.style.format(fmt, na_rep="–")
    # words read from the left, numbers line up on the right (the notebook theme right-aligns every cell)
    text = [i for i, c in enumerate(frame.columns) if fmt[c] is cell and not _numbers_as_text(frame.iloc[:, i])]
    styler = styler.set_table_styles([{"selector": "th.row_heading, th.index_name", "props": "text-align: left"}]
                                     + [{"selector": f".col{i}", "props": "text-align: left"} for i in text],
                                     overwrite=False)
    styler = styler.relabel_index([cell(c if worded_columns else label(c)) for c in frame.columns], axis="columns")
    if hide_index:
        styler = styler.hide(axis="index")
    else:
        styler = styler.format_index(cell, axis="index")
    return styler


def _numbers_as_text(column: pd.Series) -> bool:
    """Whether a column of text holds numbers written out already ("€ 2.057.809", "63,4%", "–"): each value
    has a digit and at most three letters (a currency code), or is empty."""
    values = column.dropna().astype(str)
    return bool(len(values)) and values.map(
        lambda v: v.strip() in ("", "–", "-") or (any(ch.isdigit() for ch in v) and sum(ch.isalpha() for ch in v) <= 3)
    ).all()


def _num(value: float, unit: str, lang: str) -> str:
    if value is None or pd.isna(value):
        return "–"
    if unit == "share":
        return format_percent(value, lang)
    magnitude = abs(value)
    if magnitude >= 1000:
        return format_number(value, lang)
    if magnitude >= 10:
        return format_number(value, lang, 1)
    return format_spec(float(value), ".3g", lang)


def metric_labels(table: pd.DataFrame, lang: str = "en") -> pd.Series:
    """The label of each row's metric (columns ``metric`` and, where there is one, ``param``) in ``lang``;
    the CLV horizon of expected purchases and CLV from ``table.attrs["horizon_months"]``."""
    params = table["param"] if "param" in table else pd.Series("", index=table.index)
    horizon = {"horizon": table.attrs["horizon_months"]} if table.attrs.get("horizon_months") is not None else {}
    return pd.Series([metric_label(m, lang, p, **horizon) for m, p in zip(table["metric"], params)], index=table.index,
                     dtype=object)


def comparison_table(comparison: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Low vs high side by side as text: estimate with its 95% interval, the difference, the test's p-value.

    ``comparison`` is ``compare_involvement``'s table (ids: journeylab.i18n gives the words); shares are
    shown as percentages.
    """
    label = labeller(lang)

    def cell(row: pd.Series, col: str) -> str:
        lo, hi = (("diff_lower", "diff_upper") if col == "difference" else (f"{col}_lower", f"{col}_upper"))
        unit = row["unit"]
        if pd.isna(row[col]):
            return "–"  # no estimate: a single dash, not "– (– – –)"
        if pd.isna(row.get(lo)) or pd.isna(row.get(hi)):
            return _num(row[col], unit, lang)  # an estimate without an interval is shown bare, not with empty bounds
        return f"{_num(row[col], unit, lang)} ({_num(row[lo], unit, lang)} – {_num(row[hi], unit, lang)})"

    out = pd.DataFrame({
        label("phase"): comparison["phase"].map(lambda v: phase_label(v, lang)),
        label("metric"): metric_labels(comparison, lang),
        label("unit"): comparison["unit"].map(lambda v: unit_label(v, lang)),
        label("low_ci"): comparison.apply(cell, axis=1, col="low"),
        label("high_ci"): comparison.apply(cell, axis=1, col="high"),
        label("difference_ci"): comparison.apply(cell, axis=1, col="difference"),
        "p": comparison["p_value"].map(lambda p: p_text(p, lang)),
    })
    return out


def p_text(p: float, lang: str = "en") -> str:
    """A p-value in a table or figure, in the language's locale: "< 0.001", else three decimals; "–" for none."""
    if p is None or pd.isna(p):
        return "–"
    return "< " + format_number(0.001, lang, 3) if p < 0.001 else format_number(p, lang, 3)


def group_word(value, lang: str = "en") -> str:
    """A column or row of a status or involvement split: a customer status or an involvement level as words."""
    return status_label(value, lang) if value in STATUSES else level_label(value, lang)


def phase_counts_table(counts: pd.DataFrame, lang: str = "en", rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """``phase_counts``'s table with its phases (rows) and statuses or levels (columns) as words of ``lang``.
    ``rules``: the phase model's rule table (``journey_phases(...).attrs["rules"]``), whose own words (a
    client's phase model) name its phases (journeylab.journey.phases.phase_name); without, i18n's."""
    rules = pd.DataFrame() if rules is None else rules
    out = counts.copy()
    out.index = pd.Index([phase_name(rules, p, lang) for p in counts.index], name="phase")
    out.columns = [group_word(c, lang) for c in counts.columns]
    return out


def phase_rule_table(rules: pd.DataFrame, lang: str = "en", model: str | None = None) -> pd.DataFrame:
    """A phase model's rule table (``journey_phases(...).attrs["rules"]``) for a reader: the phase, what it
    needs to be seen and who is in it, in words of ``lang`` (journeylab.journey.phases.phase_name and
    phase_description: journeylab.i18n's PHASES, DATA_SOURCES and PHASE_RULES, or a client model's own words);
    no SQL. A rule nothing describes (changed from the built-in model's) says it is the report's own (its SQL
    is in the exported table). ``model``: the phase model, where ``rules.attrs`` does not name it."""
    if model and not rules.attrs.get("model"):
        rules = rules.copy()
        rules.attrs["model"] = model
    return pd.DataFrame({
        "phase": rules["phase"].map(lambda p: phase_name(rules, p, lang)),
        "needs": rules["needs"].map(lambda n: source_label(n, lang)),
        "rule_meaning": rules["phase"].map(lambda p: phase_description(rules, p, lang, rule_text=False)
                                           or t("phase_rule_own", lang))})


def transition_table(matrix: pd.DataFrame, start, end, lang: str = "en",
                     rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """A phase-flow matrix (rows: phase at ``start``, columns: phase at ``end``) with phases as words and the
    dates in the axis names, in ``lang``. ``rules``: the phase model's rule table (``phase_flows(...)["rules"]``),
    whose own words name its phases (phase_name); without, i18n's."""
    rules = pd.DataFrame() if rules is None else rules
    out = matrix.copy()
    out.index = pd.Index([phase_name(rules, p, lang) for p in matrix.index],
                         name=t("phase_on", lang).format(date=format_date(start, lang)))
    out.columns = pd.Index([phase_name(rules, p, lang) for p in matrix.columns],
                           name=t("phase_on", lang).format(date=format_date(end, lang)))
    return out


def levels_table(levels: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``classify_involvement``'s evidence per category with its level, the level's source and the vote
    score as words of ``lang`` (categories are the shop's own names)."""
    out = levels.copy()
    if "level" in out:
        out["level"] = out["level"].map(lambda v: level_label(v, lang))
    if "source" in out:
        out["source"] = out["source"].map(lambda v: level_source_label(v, lang))
    out = out.rename(columns={"score": "involvement_score"})
    out.index.name = "category"
    return out


def kpi_table(kpis: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``phase_kpis``'s table with its index (phase, kpi, param) as words of ``lang``: phase, metric label."""
    rows = kpis.index.to_frame(index=False).rename(columns={"kpi": "metric"})
    rows.attrs = dict(kpis.attrs)
    index = pd.MultiIndex.from_arrays([rows["phase"].map(lambda v: phase_label(v, lang)).to_numpy(),
                                       metric_labels(rows, lang).to_numpy()])
    return kpis.set_axis(index, axis="index")


def level_rank(level) -> int:
    """Where an involvement level (or group) goes in a table or chart: all, then low before high
    (journeylab.data.contract.INVOLVEMENT_LEVELS), then anything else (no level)."""
    order = ("all", *INVOLVEMENT_LEVELS)
    return order.index(level) if level in order else len(order)


def funnel_table(table: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """A funnel's table (``FunnelResult.table`` or ``next_after_drop_off``) with its event types (columns
    step, stopped_after, next_event) and groups (involvement levels, low before high) as words of ``lang``."""
    if "group" in table:
        table = table.iloc[table["group"].map(level_rank).argsort(kind="stable")]
    words = {c: table[c].map(lambda v: event_label(v, lang)) for c in ("step", "stopped_after", "next_event")
             if c in table}
    if "group" in table:
        words["group"] = table["group"].map(lambda v: level_label(v, lang))
    return table.assign(**words)


def _consideration_cell(value, metric: str, stat: str | None, lang: str) -> str:
    """A number of the consideration table as a reader wants it: persons as an integer, days with one
    decimal, a median or P75 of a count as an integer where it is whole, other means with one decimal."""
    if value is None or pd.isna(value):
        return "–"
    if stat is None:
        return format_number(round(float(value)), lang)
    if metric.startswith("days") or stat == "mean" or float(value) != round(float(value)):
        return format_number(value, lang, 1)
    return format_number(value, lang)


def consideration_table(summary: pd.DataFrame, lang: str = "en", *, formatted: bool = True,
                        stats: Sequence[str] = CONSIDERATION_STATS) -> pd.DataFrame:
    """``consideration_summary``'s table turned: one row per metric and statistic (those of ``stats``: the
    report's section shows the medians, its appendix all), one column per group (an involvement level as a
    word of ``lang``). ``formatted``: its numbers as text in ``lang``'s locale (rows of different units share
    a column, so a column format cannot do it): persons as integers, days with one decimal; without, the
    numbers as they are (for the exported CSV)."""
    cols = [("persons", None)] + [(m, s) for m in CONSIDERATION_METRICS for s in CONSIDERATION_STATS if s in stats]
    cols = [(m, s) for m, s in cols if (f"{m}_{s}" if s else m) in summary]
    summary = summary.iloc[pd.Series(summary.index).map(level_rank).argsort(kind="stable")]  # low before high
    out = summary[[f"{m}_{s}" if s else m for m, s in cols]].T
    if formatted:
        out = pd.DataFrame([[_consideration_cell(v, m, s, lang) for v in row]
                            for (m, s), row in zip(cols, out.to_numpy())], columns=out.columns, dtype=object)
    out.index = [labeller(lang)(m) if s is None else consideration_label(m, s, lang) for m, s in cols]
    out.columns = [level_label(c, lang) for c in out.columns]
    out.columns.name = None
    return out


def show(fig) -> None:
    """Display a matplotlib figure now (in its place among the cell's outputs) and close it.

    Jupyter's inline backend otherwise shows figures only at the end of the cell, after every table.
    ``None`` (no figure, e.g. nothing to plot) is skipped.
    """
    if fig is None:
        return
    import matplotlib.pyplot as plt
    from IPython.display import display

    display(fig)
    plt.close(fig)
