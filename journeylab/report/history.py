"""Reports over time: each run's per-customer snapshot, the comparison with the last good run, and the trend of
the headline figures over all runs of a client.

A good report run (journeylab.report.run.run_report) writes ``snapshot.parquet`` beside ``summary.json``
(:func:`write_run_snapshot`: journeylab.journey.history.snapshot of the run's per-person frame, ids as the
canonical tables hold them, pseudonymised where they were e-mail addresses or phone numbers) and records in
summary.json ``since_last`` (journeylab.journey.history.Changes.to_record against the last earlier good run of
the same client that has a snapshot; ``{"first_run": true}`` when there is none), ``audiences`` (the counts per
audience) and ``snapshot``.

``journeylab history CLIENT --out DIR`` (:func:`write_history`) reads the summary.json of every good run under
``<reports>/<client>/`` and writes ``history.csv`` (one row per run: the run, its observation end and the five
headline figures) and ``history.png`` (their trend). A good run is a run folder whose summary.json has
``generated_at`` (written last, only when the run succeeded).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from journeylab.errors import ConfigError
from journeylab.journey.history import Changes, compare, snapshot, user_aliases
from journeylab.report.export import write_table
from journeylab.report.paths import safe_slug

SNAPSHOT_FILE = "snapshot.parquet"
SUMMARY_FILE = "summary.json"
HISTORY_FIGURES = ("customers", "revenue", "repeat_rate", "share_at_risk_or_lost", "clv_total")
# i18n labels of the figures, as journeylab.report.sections.HEADLINE has them (not imported: sections imports run,
# which imports this module)
FIGURE_LABELS = {"customers": "customers", "revenue": "revenue_total", "repeat_rate": "repeat_rate",
                 "share_at_risk_or_lost": "share_at_risk_or_lost", "clv_total": "clv_total"}


def write_snapshot(run_dir: str | Path, frame: pd.DataFrame) -> Path:
    """Write the snapshot of per-person ``frame`` (journeylab.journey.audiences.person_frame) to
    ``run_dir/snapshot.parquet``; returns the path. The observation end and the phase order go along."""
    snap = snapshot(frame)
    path = Path(run_dir) / SNAPSHOT_FILE
    table = snap.reset_index()
    table.attrs = {}
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = pa.Table.from_pandas(table, preserve_index=False)
    meta = dict(arrow.schema.metadata or {})
    meta[b"journeylab"] = json.dumps({"at": None if snap.attrs.get("at") is None else pd.Timestamp(snap.attrs["at"]).isoformat(),
                                      "phases": snap.attrs.get("phases", [])}).encode("utf-8")
    pq.write_table(arrow.replace_schema_metadata(meta), path)
    return path


def read_snapshot(run_dir: str | Path) -> pd.DataFrame | None:
    """The snapshot a run stored (index person_id, attrs at and phases), or None when it has none."""
    import pyarrow.parquet as pq

    path = Path(run_dir) / SNAPSHOT_FILE
    if not path.exists():
        return None
    arrow = pq.read_table(path)
    meta = json.loads((arrow.schema.metadata or {}).get(b"journeylab", b"{}"))
    snap = arrow.to_pandas().set_index("person_id")
    snap.attrs["at"] = pd.Timestamp(meta["at"]) if meta.get("at") else None
    snap.attrs["phases"] = meta.get("phases", [])
    return snap


def _summary(run_dir: Path) -> dict[str, Any] | None:
    path = run_dir / SUMMARY_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def good_runs(client_dir: str | Path) -> list[Path]:
    """The good run folders of one client (``<reports>/<client>``), oldest first (folder names are time stamps);
    ``latest`` (a link) is not a run of its own."""
    base = Path(client_dir)
    if not base.is_dir():
        return []
    runs = []
    for run in sorted(p for p in base.iterdir() if p.is_dir() and not p.is_symlink()):
        data = _summary(run)
        if data and data.get("generated_at"):
            runs.append(run)
    return runs


def previous_run(run_dir: str | Path) -> Path | None:
    """The last good run of the same client before ``run_dir`` that stored a snapshot, or None (a first report)."""
    run_dir = Path(run_dir)
    earlier = [r for r in good_runs(run_dir.parent) if r.name < run_dir.name and (r / SNAPSHOT_FILE).exists()]
    return earlier[-1] if earlier else None


def compare_with_previous(run_dir: str | Path, current: pd.DataFrame | None = None) -> tuple[Changes, Path | None]:
    """What changed since the last good run (journeylab.journey.history.compare), and that run's folder (None
    for a first report). ``current``: this run's snapshot (default: read from ``run_dir``)."""
    current = read_snapshot(run_dir) if current is None else current
    if current is None:
        raise ConfigError(f"run {run_dir} has no snapshot to compare")
    prev = previous_run(run_dir)
    return compare(read_snapshot(prev) if prev is not None else None, current), prev


def person_frame_key(phase_model: str = "five", horizon_months: float = 12, discount_rate: float = 0.10) -> dict[str, Any]:
    """The arguments a run's per-person frame depends on: the key under which its notebooks share it
    (journeylab.report.sections.persons) and the snapshot step reads it back."""
    return {"phase_model": phase_model, "horizon_months": horizon_months, "discount_rate": discount_rate}


def write_run_snapshot(run_dir: str | Path, shop: Any, opts: dict[str, Any], value: Any = None,
                       audiences_source: Any = None, value_cache: str | Path | None = None) -> dict[str, Any]:
    """The snapshot step of a report run: the per-person frame (the one the run's notebooks shared beside
    ``value_cache``, as ``persons.pkl``; else built from the run's value model ``value``, else from the one its
    notebooks shared in ``value_cache``, else fitted here), its snapshot beside summary.json, the audiences'
    counts and the comparison with the last good run. Returns what it records in summary.json (``snapshot``,
    ``audiences``, ``since_last``)."""
    from journeylab.journey.audiences import audiences, person_frame

    key = person_frame_key(opts.get("phase_model", "five"), opts.get("clv_horizon_months", 12),
                           opts.get("discount_rate", 0.10))
    frame = _cached_value(Path(value_cache).with_name("persons.pkl"), key) if value_cache is not None else None
    if frame is None and value is None and value_cache is not None:
        value = _cached_value(value_cache)
    if frame is None:
        frame = person_frame(shop, value=value, **key)
    path = write_snapshot(run_dir, frame)
    aud = audiences(shop, lang=opts.get("language", "en"), source=audiences_source, frame=frame)
    changes, prev = compare_with_previous(run_dir, snapshot(frame, user_aliases(shop)))
    since = changes.to_record()
    since["previous_run"] = prev.name if prev is not None else None
    return {"snapshot": {"file": path.name, "persons": int(len(frame)), "customers": int(frame["is_customer"].sum())},
            "audiences": aud.record(), "since_last": since}


def _cached_value(path: str | Path, key: dict[str, Any] | None = None) -> Any:
    """What a run's notebooks shared (journeylab.report.sections.cached keeps it in ``.cache/<name>.pkl`` as
    (key, Outcome)): the Outcome's value, or None when they stored none, it failed, or its key is not ``key``."""
    import pickle

    path = Path(path)
    if not path.exists():
        return None
    try:
        stored_key, outcome = pickle.loads(path.read_bytes())  # written by this run's own notebooks
    except Exception:
        return None
    if key is not None and stored_key != key:
        return None
    return outcome.value if getattr(outcome, "ok", False) else None


# ---------------------------------------------------------------- the trend over all runs
def history_table(reports: str | Path, client: str) -> pd.DataFrame:
    """One row per good run of ``client`` under ``reports`` (oldest first): run, generated_at, observation_end and
    the headline figures (HISTORY_FIGURES; None where a run could not compute one)."""
    rows = []
    for run in good_runs(Path(reports) / safe_slug(client)):
        data = _summary(run) or {}
        head = data.get("headline") or {}
        rows.append({"run": run.name, "generated_at": data.get("generated_at"),
                     "observation_end": data.get("observation_end"),
                     **{k: head.get(k, data.get(k)) for k in HISTORY_FIGURES}})
    table = pd.DataFrame(rows, columns=["run", "generated_at", "observation_end", *HISTORY_FIGURES])
    for k in HISTORY_FIGURES:
        table[k] = pd.to_numeric(table[k], errors="coerce")
    return table


def history_plot(table: pd.DataFrame, lang: str = "en", currency: str = "EUR", horizon_months: float = 12):
    """The headline figures over the runs (one small panel each, x: the run's observation end, else its run
    folder's time stamp); a matplotlib Figure."""
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    from journeylab.i18n import format_money, format_number, t
    from journeylab.report.plots import percent_axis

    labels = {key: t(label, lang) for key, label in FIGURE_LABELS.items()}
    when = pd.to_datetime(table["observation_end"], errors="coerce")
    stamp = pd.to_datetime(table["run"].str.slice(0, 15), format="%Y%m%d-%H%M%S", errors="coerce")
    x = when.fillna(stamp)
    fig, axes = plt.subplots(1, len(HISTORY_FIGURES), figsize=(15, 3.4), constrained_layout=True)
    h = format_number(horizon_months, lang, 0 if float(horizon_months).is_integer() else 1)
    # the values as the report writes them: shares as percentages, money in the shop's currency, counts whole
    shares = ("repeat_rate", "share_at_risk_or_lost")
    write = {"revenue": lambda v: format_money(v, currency, lang, 0), "clv_total": lambda v: format_money(v, currency, lang, 0)}
    for ax, key in zip(axes, HISTORY_FIGURES):
        ax.plot(x, table[key], marker="o")
        ax.set_title(textwrap.fill(str(labels[key]).format(h=h), 26), fontsize=10)
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
        if key in shares:
            percent_axis(ax.yaxis, lang)
            ax.set_ylim(0, 1)
        else:
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _, f=write.get(key, lambda v: format_number(v, lang)): f(v)))
    return fig


# ---------------------------------------------------------------- what changed, in the report
def _value_word(value: str, column: str, lang: str, rules: pd.DataFrame | None) -> str:
    """A migration table's row or column id (a phase, segment or status, or NOT_SEEN / GONE / NONE) in ``lang``."""
    from journeylab.i18n import segment_label, status_label
    from journeylab.journey.history import GONE, NONE, NOT_SEEN, history_label
    from journeylab.journey.phases import phase_name

    if value in (GONE, NONE, NOT_SEEN):
        return history_label(value, lang)
    if column == "phase":
        return phase_name(rules if rules is not None else pd.DataFrame(), value, lang)
    if column == "status":
        return status_label(value, lang)
    return segment_label(value, lang)


def migration_plot(table: pd.DataFrame, column: str = "phase", lang: str = "en", rules: pd.DataFrame | None = None,
                   labels: dict | None = None, ax: Any = None) -> Any:
    """Heatmap of a migration table (journeylab.journey.history.migration: rows where persons were in the previous
    report, columns where they are now): the persons in each cell, coloured by their share of the row.
    ``column``: "phase", "segment" or "status" (names the values; ``rules``: the phase model's rule table, whose
    own words name its phases). Draws into ``ax`` (else a new figure) and returns it; None for an empty table."""
    import seaborn as sns

    from journeylab.i18n import format_number
    from journeylab.journey.history import history_label, seen_in_both, stayed
    from journeylab.report.plots import axes_to_draw, percent_axis, set_alt_text, wrap_ticks
    from journeylab.report.safe import plot_text

    if table.empty or not table.to_numpy().sum():
        return None
    words = labels or {}
    rows = [plot_text(_value_word(v, column, lang, rules), 28) for v in table.index]
    cols = [plot_text(_value_word(v, column, lang, rules), 28) for v in table.columns]
    share = table.div(table.sum(axis=1).replace(0, np.nan), axis=0).fillna(0.0)
    # at most ~11 inches wide: a report page scales a wider figure down until its numbers cannot be read
    ax, own = axes_to_draw(ax, (min(11.0, 0.7 * len(cols) + 3.5), 0.42 * len(rows) + 2.4))
    counts = table.to_numpy()
    annot = np.vectorize(lambda n: format_number(int(n), lang) if n else "")(counts)
    sns.heatmap(pd.DataFrame(share.to_numpy(), index=rows, columns=cols), annot=annot, fmt="", cmap="Blues",
                vmin=0, vmax=1, cbar_kws={"label": words.get("colour", history_label("migration_colour", lang))},
                annot_kws={"fontsize": 9}, linewidths=0.5, linecolor="white", ax=ax)
    percent_axis(ax.collections[0].colorbar, lang)
    ax.set(xlabel=words.get("to", history_label("to", lang)), ylabel=words.get("from", history_label("from", lang)),
           title=words.get("title", history_label(f"migration_{column}_title", lang) if column != "status" else ""))
    wrap_ticks(ax, "x", 14)
    # slanted: one-word names as long as "consideration" ran into each other upright
    plt_ticks = ax.get_xticklabels()
    ax.set_xticks(ax.get_xticks(), [tl.get_text() for tl in plt_ticks], rotation=35, ha="right", rotation_mode="anchor")
    ax.tick_params(axis="y", labelrotation=0)
    if own:
        ax.figure.tight_layout()
    inner = seen_in_both(table)
    moves = inner.stack()
    moves = moves[[a != b for a, b in moves.index]]
    if len(moves) and moves.max() > 0:
        a, b = moves.idxmax()
        move = f"{_value_word(a, column, lang, rules)} → {_value_word(b, column, lang, rules)}"
        moved = format_number(int(moves.max()), lang)
    else:
        move, moved = "–", format_number(0, lang)
    set_alt_text(ax, history_label("alt_migration", lang).format(
        n=format_number(int(inner.to_numpy().sum()), lang), stayed=format_number(stayed(inner), lang), move=plot_text(move, 80),
        moved=moved))
    return ax


def kpi_change_table(kpis: pd.DataFrame, lang: str = "en", currency: str = "EUR",
                     rules: pd.DataFrame | None = None) -> pd.DataFrame:
    """journeylab.journey.history.phase_kpi_changes as a reader's table in ``lang``: phase, figure, previous,
    now, change. Shares as percentages (their change in percentage points), P(alive) with two decimals, CLV in
    ``currency``; the change starts with ▲ or ▼ where it is beyond noise, "≈" where it is not, and says where it
    is not judged (a model's estimate). Figures no report has (customers' figures of a phase of visitors) and
    phases nobody was in are left out."""
    from journeylab.i18n import format_money, format_number, format_percent
    from journeylab.journey.history import PHASE_KPIS, history_label

    def value(v: float, kpi: str) -> str:
        if pd.isna(v):
            return "–"
        if PHASE_KPIS[kpi] == "share":
            return format_percent(v, lang, 1)
        return format_money(v, currency, lang, 0) if kpi == "clv" else format_number(v, lang, 2)

    def change(row: pd.Series, kpi: str) -> str:
        d = row["change"]
        if pd.isna(d):
            return "–"
        sign = "+" if d > 0 else ("−" if d < 0 else "")
        if PHASE_KPIS[kpi] == "share":
            amount = sign + format_number(abs(d) * 100, lang, 1) + (" pp" if lang == "en" else " %-punt")
        else:
            amount = sign + value(abs(d), kpi)
        if pd.isna(row["p_value"]):
            return f"{amount} ({history_label('not_judged', lang)})"
        return ("▲ " if d > 0 else "▼ ") + amount if row["beyond_noise"] else "≈ " + amount

    out = []
    for (phase, kpi), row in kpis.iterrows():
        if pd.isna(row["previous"]) and pd.isna(row["current"]):
            continue  # a figure of customers in a phase of visitors: nothing to show
        if row["n_previous"] and row["n_current"] and row["previous"] == 0 and row["current"] == 0 \
                and kpi == "share_of_persons":
            continue  # a phase nobody was in, then or now (the web phases of a shop without events)
        out.append({history_label("phase", lang): _value_word(phase, "phase", lang, rules),
                    history_label("kpi", lang): history_label(f"kpi_{kpi}", lang),
                    history_label("from", lang): value(row["previous"], kpi),
                    history_label("to", lang): value(row["current"], kpi),
                    history_label("change", lang): change(row, kpi)})
    return pd.DataFrame(out)


def what_changed(changes: Changes, lang: str = "en", currency: str = "EUR") -> Any:
    """The summary's opening lines on what changed since the last report (Markdown, Trusted): the plain sentence
    of journeylab.journey.history.history_text and, after a comparison, how many figures per phase changed beyond
    noise; a first report says that there is nothing to compare with."""
    from journeylab.i18n import format_number
    from journeylab.journey.history import history_label, history_text
    from journeylab.report.safe import fill

    text = fill("**{lead}.** {sentence}", lead=history_label("what_changed", lang),
                sentence=history_text(changes, lang, currency))
    if changes.first_run or changes.kpis.empty:
        return text
    judged = changes.kpis["p_value"].notna()
    k, n = int(changes.kpis["beyond_noise"].sum()), int(judged.sum())
    key = "kpis_beyond_noise" if k else "no_kpi_beyond_noise"
    return fill("{text} {more}", text=text, more=history_label(key, lang).format(k=format_number(k, lang),
                                                                                  n=format_number(n, lang)))


def write_history(reports: str | Path, client: str, out: str | Path, *, lang: str | None = None) -> dict[str, Path]:
    """``journeylab history CLIENT``: ``history.csv`` and ``history.png`` of the client's good runs in ``out``.
    ConfigError when the client has no good run under ``reports``."""
    table = history_table(reports, client)
    if table.empty:
        raise ConfigError(f"no good report run of {client!r} under {reports} (looked in {Path(reports) / safe_slug(client)})")
    last = _summary(Path(reports) / safe_slug(client) / table["run"].iloc[-1]) or {}
    lang = lang or last.get("language", "en")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    csv = write_table(table, out / "history.csv", index=False)
    fig = history_plot(table, lang, currency=last.get("currency", "EUR"))
    png = out / "history.png"
    fig.savefig(png, dpi=110)
    import matplotlib.pyplot as plt

    plt.close(fig)
    return {"csv": csv, "png": png}


__all__ = ["HISTORY_FIGURES", "SNAPSHOT_FILE", "compare_with_previous", "good_runs", "history_plot", "history_table",
           "kpi_change_table", "migration_plot", "person_frame_key", "previous_run", "read_snapshot", "what_changed", "write_history",
           "write_run_snapshot", "write_snapshot"]
