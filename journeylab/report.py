"""Build client reports: Papermill executes the notebooks, nbconvert turns them into one HTML without code.

Each run goes to a new folder ``<out_root>/<client>/<YYYYmmdd-HHMMSS>/`` holding the executed
notebooks, ``report.html`` and ``summary.json``; an earlier report is never overwritten. A failed
notebook keeps its partly executed copy and the result says which cell failed and why; a batch
goes on with the next client.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

from .config import read_shop_config
from .errors import ConfigError, JourneylabError

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
DEFAULT_NOTEBOOKS = ("00_executive_summary.ipynb", "01_data_quality.ipynb", "02_customers_rfm.ipynb", "03_churn_clv.ipynb")
REPORT_KEYS = {"language", "clv_horizon_months", "discount_rate", "phase_model", "logo", "notebooks", "title"}
SUMMARY_FILE = "summary.json"


@dataclass
class ReportResult:
    """Outcome of one client's report run."""

    client: str
    config: Path
    run_dir: Path | None
    ok: bool
    html: Path | None = None
    error: str | None = None
    failed_notebook: str | None = None
    notebooks: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        """One line (or a few) for the command line."""
        if self.ok:
            return f"[ok]     {self.client}: {self.html}"
        where = f" in {self.failed_notebook}" if self.failed_notebook else ""
        return f"[failed] {self.client} ({self.config}){where}: {self.error}"


def read_report_options(config: Path) -> dict[str, Any]:
    """The ``report:`` section of a client config, checked, with defaults filled in."""
    raw = yaml.safe_load(Path(config).read_text(encoding="utf-8")) or {}
    opts = dict(raw.get("report") or {})
    unknown = set(opts) - REPORT_KEYS
    if unknown:
        raise ConfigError(f"client config {config}: unknown report key(s) {sorted(unknown)}; known: {sorted(REPORT_KEYS)}")
    lang = opts.setdefault("language", raw.get("language", "en"))
    if lang not in ("en", "nl"):
        raise ConfigError(f"client config {config}: report language must be 'en' or 'nl', not {lang!r}")
    opts.setdefault("clv_horizon_months", 12)
    opts.setdefault("discount_rate", 0.10)
    for key in ("clv_horizon_months", "discount_rate"):
        if not isinstance(opts[key], (int, float)) or opts[key] < 0:
            raise ConfigError(f"client config {config}: report {key} must be a non-negative number, not {opts[key]!r}")
    notebooks = opts.setdefault("notebooks", list(DEFAULT_NOTEBOOKS))
    for nb in notebooks:
        if not (NOTEBOOK_DIR / nb).exists():
            raise ConfigError(f"client config {config}: notebook {nb} is not in {NOTEBOOK_DIR}")
    return opts


def new_run_dir(out_root: Path, client: str, now: datetime | None = None) -> Path:
    """Create and return a fresh run folder; never reuses an existing one."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", client) or "client"
    base = Path(out_root) / safe
    base.mkdir(parents=True, exist_ok=True)
    for i in range(1, 1000):
        run = base / (stamp if i == 1 else f"{stamp}-{i}")
        try:
            run.mkdir()
            return run
        except FileExistsError:
            continue
    raise JourneylabError(f"could not create a new run folder under {base}")


def run_report(config: str | Path, *, out_root: str | Path = "reports", progress: bool = True) -> ReportResult:
    """Execute the report notebooks for one client config; return what happened (never raises for a client's fault)."""
    import papermill as pm

    config = Path(config).resolve()
    client = config.stem
    try:
        shop_cfg = read_shop_config(config)  # validated before any notebook runs
        client = shop_cfg.name
        opts = read_report_options(config)
    except JourneylabError as exc:
        return ReportResult(client=client, config=config, run_dir=None, ok=False, error=str(exc))
    run_dir = new_run_dir(Path(out_root), client)
    params = {
        "shop_config": str(config),
        "language": opts["language"],
        "output_dir": str(run_dir.resolve()),
        "clv_horizon_months": opts["clv_horizon_months"],
        "discount_rate": opts["discount_rate"],
    }
    executed: list[Path] = []
    for nb in opts["notebooks"]:
        out = run_dir / nb
        try:
            pm.execute_notebook(
                str(NOTEBOOK_DIR / nb),
                str(out),
                parameters=_accepted_parameters(NOTEBOOK_DIR / nb, params),
                cwd=str(NOTEBOOK_DIR),
                progress_bar=progress,
                kernel_name="python3",
            )
        except pm.PapermillExecutionError as exc:
            err = f"cell {exc.exec_count} failed with {exc.ename}: {_first_line(exc.evalue)} (partly executed notebook: {out})"
            return ReportResult(client, config, run_dir, False, error=err, failed_notebook=nb, notebooks=executed + [out])
        except Exception as exc:  # kernel death, missing kernel: report it, go on with the batch
            return ReportResult(client, config, run_dir, False, error=f"{type(exc).__name__}: {_first_line(str(exc))}",
                                failed_notebook=nb, notebooks=executed)
        executed.append(out)
    html = run_dir / "report.html"
    export_html(executed, html, title=opts.get("title") or client)
    _finish_summary(run_dir, client, opts)
    _point_latest(run_dir)
    return ReportResult(client, config, run_dir, True, html=html, notebooks=executed)


def run_batch(configs: Iterable[str | Path], *, out_root: str | Path = "reports", progress: bool = True) -> list[ReportResult]:
    """Run the report of every config in turn, with a progress bar over clients; failures do not stop the batch."""
    from tqdm.auto import tqdm

    configs = [Path(c) for c in configs]
    results = []
    for cfg in tqdm(configs, desc="clients", unit="client", disable=not progress or len(configs) < 2):
        results.append(run_report(cfg, out_root=out_root, progress=progress))
    return results


def export_html(notebooks: Sequence[Path], html: Path, *, title: str) -> Path:
    """Merge executed notebooks into one self-contained HTML without code cells or prompts."""
    import nbformat
    from nbconvert import HTMLExporter

    merged = nbformat.v4.new_notebook()
    for path in notebooks:
        nb = nbformat.read(str(path), as_version=4)
        merged.cells.extend(c for c in nb.cells if "parameters" not in c.metadata.get("tags", [])
                            and "injected-parameters" not in c.metadata.get("tags", []))
    merged.metadata["title"] = title
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(merged)
    html.write_text(body, encoding="utf-8")
    return html


def record(output_dir: str | Path | None, values: dict[str, Any]) -> None:
    """Merge headline figures into ``summary.json`` of a report run (no-op without an output folder).

    Notebooks call this; values must be JSON-serialisable (numbers, strings, lists, dicts).
    """
    if not output_dir:
        return
    path = Path(output_dir) / SUMMARY_FILE
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    data.update(_jsonable(values))
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _finish_summary(run_dir: Path, client: str, opts: dict[str, Any]) -> None:
    record(run_dir, {"client": client, "language": opts["language"], "generated_at": datetime.now().isoformat(timespec="seconds")})


def _point_latest(run_dir: Path) -> None:
    # 'latest' names the newest good run; a failed run never moves it.
    latest = run_dir.parent / "latest"
    try:
        if latest.is_symlink() or latest.exists():
            latest.unlink()
        latest.symlink_to(run_dir.name, target_is_directory=True)
    except OSError:
        pass


def _accepted_parameters(notebook: Path, params: dict[str, Any]) -> dict[str, Any]:
    import papermill as pm

    accepted = {p for p in pm.inspect_notebook(str(notebook))}
    return {k: v for k, v in params.items() if k in accepted}


def _first_line(text: str) -> str:
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""


__all__ = ["ReportResult", "run_report", "run_batch", "export_html", "record", "new_run_dir"]
