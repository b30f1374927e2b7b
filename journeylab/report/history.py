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

import pandas as pd

from journeylab.errors import ConfigError
from journeylab.journey.history import Changes, compare, snapshot
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


def write_run_snapshot(run_dir: str | Path, shop: Any, opts: dict[str, Any], value: Any = None,
                       audiences_source: Any = None, value_cache: str | Path | None = None) -> dict[str, Any]:
    """The snapshot step of a report run: the per-person frame (the run's value model ``value``, else the one
    its notebooks shared in ``value_cache``, else fitted here), its snapshot
    beside summary.json, the audiences' counts and the comparison with the last good run. Returns what it records
    in summary.json (``snapshot``, ``audiences``, ``since_last``)."""
    from journeylab.journey.audiences import audiences, person_frame

    if value is None and value_cache is not None:
        value = _cached_value(value_cache)
    frame = person_frame(shop, value=value, phase_model=opts.get("phase_model", "five"),
                         horizon_months=opts.get("clv_horizon_months", 12), discount_rate=opts.get("discount_rate", 0.10))
    path = write_snapshot(run_dir, frame)
    aud = audiences(shop, lang=opts.get("language", "en"), source=audiences_source, frame=frame)
    changes, prev = compare_with_previous(run_dir, snapshot(frame))
    since = changes.to_record()
    since["previous_run"] = prev.name if prev is not None else None
    return {"snapshot": {"file": path.name, "persons": int(len(frame)), "customers": int(frame["is_customer"].sum())},
            "audiences": aud.record(), "since_last": since}


def _cached_value(path: str | Path) -> Any:
    """The value model a run's notebooks shared (journeylab.report.sections.cached keeps it in
    ``.cache/value.pkl`` as (key, Outcome)), or None when they stored none (person_frame then fits it)."""
    import pickle

    path = Path(path)
    if not path.exists():
        return None
    try:
        _, outcome = pickle.loads(path.read_bytes())  # written by this run's own notebooks
    except Exception:
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
           "previous_run", "read_snapshot", "write_history", "write_run_snapshot", "write_snapshot"]
