"""Build client reports: Papermill executes the notebooks, nbconvert turns them into one HTML without code.

Each run goes to a new folder ``<out_root>/<client>/<YYYYmmdd-HHMMSS>/`` holding the executed
notebooks, ``report.html`` and ``summary.json``; an earlier report is never overwritten. A failed
notebook keeps its partly executed copy and the result says which cell failed and why; a batch
goes on with the next client.
"""
from __future__ import annotations

import json
import math
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Sequence

from journeylab.data.config import ShopConfig, read_shop_config
from journeylab.data.config_schema import DEFAULT_NOTEBOOKS, ReportOptions, validate  # noqa: F401 (DEFAULT_NOTEBOOKS: used from here by tests)
from journeylab.data.shop import load_shop
from journeylab.errors import ConfigError, JourneylabError
from journeylab.report.paths import NotAnImage, ensure_inside, image_type, safe_slug

CACHE_DIR = ".cache"  # results the notebooks of one run share (journeylab.report.sections.cached); removed after a good run

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"  # a link to the top-level notebooks/ in a checkout
SUMMARY_FILE = "summary.json"
BATCH_FILE = "last_batch.json"
SHOP_DATABASE = "shop.duckdb"


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
    pdf: Path | None = None
    pdf_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready values (paths as strings)."""
        return {
            "client": self.client, "config": str(self.config), "ok": self.ok,
            "run_dir": str(self.run_dir) if self.run_dir else None, "html": str(self.html) if self.html else None,
            "pdf": str(self.pdf) if self.pdf else None, "pdf_note": self.pdf_note, "error": self.error,
            "failed_notebook": self.failed_notebook, "notebooks": [str(p) for p in self.notebooks],
        }

    def describe(self) -> str:
        """One line for the command line (a client's name or data in an error cannot break the terminal)."""
        from journeylab.report.safe import one_line

        client = one_line(self.client, 120)
        if self.ok:
            extra = f" and {self.pdf.name}" if self.pdf else (f" ({self.pdf_note})" if self.pdf_note else "")
            return f"[ok]     {client}: {self.html}{extra}"
        where = f" in {self.failed_notebook}" if self.failed_notebook else ""
        return f"[failed] {client} ({self.config}){where}: {one_line(self.error, 2000)}"


def read_report_options(config: str | Path | ShopConfig) -> dict[str, Any]:
    """The ``report:`` section of a client config, checked, with defaults filled in.

    ``config`` is the config file, or the ShopConfig journeylab.data.config.read_shop_config read from it
    (the file is then not read again); logo and notebook paths are relative to the file's folder."""
    cfg = read_shop_config(config)
    if cfg.source is None:
        raise ConfigError("report options come from a client config file, not a dict")
    config = cfg.source
    # Types, defaults and allowed values: journeylab.data.config_schema.ReportOptions (read_shop_config checked
    # them already for a file; checked again for a ShopConfig built by hand). Files are checked here.
    written = dict(cfg.report)
    opts = validate(ReportOptions, written, f"client config {config}", prefix=("report",)).model_dump()
    if "language" not in written:
        opts["language"] = "en" if cfg.language is None else cfg.language
    logo = opts.get("logo")
    if logo:
        path = config_relative_path(config, logo)
        if not path.exists():
            raise ConfigError(f"client config {config}: logo file {logo} does not exist")
        try:
            image_type(path)  # read only; a logo is an image by its content, not its name
        except NotAnImage as exc:
            raise ConfigError(f"client config {config}: logo {path} is not an image journeylab embeds: {exc}; "
                              "use a PNG, JPEG, GIF, WebP or a plain SVG") from None
    if opts.get("audiences") and not config_relative_path(config, opts["audiences"]).exists():
        raise ConfigError(f"client config {config}: audiences file {opts['audiences']} does not exist")
    for nb in opts["notebooks"]:
        if not _notebook_path(config, nb).exists():
            raise ConfigError(f"client config {config}: notebook {nb} is not in {NOTEBOOK_DIR} nor next to the config")
    return opts


def new_run_dir(out_root: Path, client: str, now: datetime | None = None) -> Path:
    """Create and return a fresh run folder; never reuses an existing one."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    # Whatever the client's name ('..', '/etc', 300 characters), its folder is one safe name inside out_root.
    base = Path(out_root) / safe_slug(client)
    Path(out_root).mkdir(parents=True, exist_ok=True)
    ensure_inside(out_root, base, "run folder")  # before creating anything (an existing link to elsewhere)
    base.mkdir(exist_ok=True)
    for i in range(1, 1000):
        run = base / (stamp if i == 1 else f"{stamp}-{i}")
        try:
            run.mkdir()
        except FileExistsError:
            continue
        return ensure_inside(out_root, run, "run folder")
    raise JourneylabError(f"could not create a new run folder under {base}")


def run_report(config: str | Path, *, out_root: str | Path = "reports", progress: bool = True, pdf: bool = True) -> ReportResult:
    """Execute the report notebooks for one client config; return what happened (never raises for a client's fault).

    ``pdf=False`` skips printing ``report.pdf`` (the HTML and summary are made as always)."""
    import papermill as pm
    from tqdm.auto import tqdm
    from journeylab.report.kernel import ENGINE, KERNEL, report_kernels

    config = Path(config).resolve()
    client = config.stem
    try:
        # Validated before any notebook runs: config keys and types, files, columns, dates, amounts.
        shop_cfg = read_shop_config(config)
        client = shop_cfg.name
        opts = read_report_options(shop_cfg)
        # Loaded once, into a database file every notebook reopens, instead of once per notebook.
        staging = Path(tempfile.mkdtemp(prefix="journeylab-report-"))
        try:
            shop = load_shop(shop_cfg, database=staging / SHOP_DATABASE)
            period = order_period(shop)
            shop.con.close()
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    except JourneylabError as exc:
        return ReportResult(client=client, config=config, run_dir=None, ok=False, error=str(exc))
    try:
        run_dir = new_run_dir(Path(out_root), client)
    except JourneylabError as exc:  # e.g. a folder that would land outside --out: this client fails, the batch goes on
        shutil.rmtree(staging, ignore_errors=True)
        return ReportResult(client=client, config=config, run_dir=None, ok=False, error=str(exc))
    database = run_dir / SHOP_DATABASE
    shutil.move(str(staging / SHOP_DATABASE), database)
    shutil.rmtree(staging, ignore_errors=True)
    params = {
        "shop_config": str(database.resolve()),
        "language": opts["language"],
        "output_dir": str(run_dir.resolve()),
        "clv_horizon_months": opts["clv_horizon_months"],
        "discount_rate": opts["discount_rate"],
        "phase_model": opts["phase_model"],
        "audiences": str(config_relative_path(config, opts["audiences"])) if opts.get("audiences") else None,
    }
    executed: list[Path] = []
    notebooks = [_notebook_path(config, nb) for nb in opts["notebooks"]]
    with report_kernels() as kernels:
        for src in tqdm(notebooks, desc=f"{client}: notebooks", unit="notebook", disable=not progress):
            nb = src.name
            out = run_dir / nb
            try:
                pm.execute_notebook(
                    str(src),
                    str(out),
                    parameters=_accepted_parameters(src, params),
                    cwd=str(src.parent),
                    progress_bar=False,
                    engine_name=ENGINE,
                    kernel_name=KERNEL,
                    km=kernels.kernel(src.parent),
                )
            except pm.PapermillExecutionError as exc:
                cell = _source_cell_number(out, exc.cell_index)
                code = _first_line(exc.source)
                err = (f"cell {cell} ({code!r}) failed with {exc.ename}: {_first_line(exc.evalue)} "
                       f"(partly executed notebook: {out})")
                return ReportResult(client, config, run_dir, False, error=err, failed_notebook=nb,
                                    notebooks=executed + [out])
            except Exception as exc:  # kernel death, missing kernel: report it, go on with the batch
                return ReportResult(client, config, run_dir, False,
                                    error=f"{type(exc).__name__}: {_first_line(str(exc))}", failed_notebook=nb,
                                    notebooks=executed)
            executed.append(out)
    # Beside summary.json: the per-customer snapshot, the audiences' counts and what changed since the last
    # good run (journeylab.report.history), from the value model the notebooks shared.
    _snapshot_step(run_dir, database, opts, config)
    # A failed run keeps the database (and the notebooks' shared results) so its partly executed notebook
    # can be rerun; a good run drops them.
    database.unlink()
    shutil.rmtree(run_dir / CACHE_DIR, ignore_errors=True)
    html = run_dir / "report.html"
    lang = opts["language"]
    title = report_title(opts, client)
    export_html(executed, html, title=title, logo=_logo_path(config, opts), lang=lang, client=client,
                period=period, made=date.today())
    pdf_path, pdf_note = render_pdf(html, run_dir / "report.pdf", title=title, lang=lang) if pdf \
        else (None, PDF_SKIPPED_NOTE)
    _finish_summary(run_dir, client, opts)
    _point_latest(run_dir)
    return ReportResult(client, config, run_dir, True, html=html, notebooks=executed, pdf=pdf_path, pdf_note=pdf_note)


def _snapshot_step(run_dir: Path, database: Path, opts: dict[str, Any], config: Path) -> None:
    """Write the run's snapshot and record it with the audiences' counts and ``since_last`` in summary.json
    (journeylab.report.history.write_run_snapshot); a shop whose snapshot cannot be made says why there
    (``snapshot_error``) instead of failing a report whose notebooks all ran; the next report then compares with
    the last run that has a snapshot."""
    from journeylab.report.history import write_run_snapshot

    try:
        shop = load_shop(database)
        try:
            source = config_relative_path(config, opts["audiences"]) if opts.get("audiences") else None
            values = write_run_snapshot(run_dir, shop, opts, audiences_source=source,
                                        value_cache=run_dir / CACHE_DIR / "value.pkl")
        finally:
            shop.con.close()
    except JourneylabError as exc:
        values = {"snapshot": None, "snapshot_error": _first_line(str(exc))}
    except Exception as exc:  # a bug here must not fail a report whose notebooks all ran: said in summary.json
        values = {"snapshot": None, "snapshot_error": f"{type(exc).__name__}: {_first_line(str(exc))}"}
    record(run_dir, values)


def report_title(opts: dict[str, Any], client: str) -> str:
    """The report's title: the config's ``report: title:``, else "Customer journey report: <client>" in the
    report's language. It heads the cover, names the page (``<title>``) and runs along the PDF's footer."""
    from journeylab.i18n import t

    title = opts.get("title")
    return str(title) if title not in (None, "") else f"{t('report_title', opts.get('language', 'en'))}: {client}"


def order_period(shop: Any) -> tuple[date, date] | None:
    """First and last order date of a loaded shop (the cover's period); None for a shop without orders."""
    first, last = shop.con.execute("SELECT min(ordered_at), max(ordered_at) FROM orders").fetchone()
    if first is None or last is None:
        return None
    return _as_date(first), _as_date(last)


def _as_date(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def run_batch(configs: Iterable[str | Path], *, out_root: str | Path = "reports", progress: bool = True,
              pdf: bool = True) -> list[ReportResult]:
    """Run the report of every config in turn, with a progress bar over clients; failures do not stop the batch.

    ``pdf=False`` skips the PDF of every report (``journeylab report --no-pdf``)."""
    from tqdm.auto import tqdm

    configs = [Path(c) for c in configs]
    results = []
    for cfg in tqdm(configs, desc="clients", unit="client", disable=not progress or len(configs) < 2):
        results.append(run_report(cfg, out_root=out_root, progress=progress, pdf=pdf))
    # One machine-readable line per client, for schedulers and dashboards that run batches.
    Path(out_root).mkdir(parents=True, exist_ok=True)
    (Path(out_root) / BATCH_FILE).write_text(
        json.dumps([r.to_dict() for r in results], indent=2, ensure_ascii=False), encoding="utf-8")
    return results


TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
TEMPLATE = "journeylab_report"  # nbconvert's lab template without scripts, with CONTENT_SECURITY_POLICY
# The page needs inline styles (nbconvert's and pandas' tables) and embedded images; nothing else may load
# or run, whatever reached the page.
CONTENT_SECURITY_POLICY = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
                           "script-src 'none'; object-src 'none'; frame-src 'none'; form-action 'none'; "
                           "base-uri 'none'")


def export_html(notebooks: Sequence[Path], html: Path, *, title: str, logo: Path | None = None,
                lang: str = "en", client: str | None = None, period: tuple[date, date] | None = None,
                made: date | None = None) -> Path:
    """Merge executed notebooks into one self-contained HTML without code cells, prompts or scripts.

    The page opens with a cover (journeylab.report.layout): ``logo`` (an image, checked by
    journeylab.report.paths.image_type, embedded), ``title``, ``client``, the ``period`` the data cover and
    the report's date ``made``; then a table of contents linking to every section heading (h1, h2), each
    given a generated anchor (``sec-1``, ...). Images are embedded, so the file stands alone; the template's
    CSS lays it out for a laptop, a phone and A4 paper. The page carries ``CONTENT_SECURITY_POLICY`` and no script;
    a page in which journeylab.report.safe.page_problems finds anything that could run or fetch is not
    written (JourneylabError): that would be a bug of journeylab, never a client's report.
    """
    import nbformat
    from nbconvert import HTMLExporter

    from journeylab.report.layout import Cover, front_matter
    from journeylab.report.safe import page_problems

    merged = nbformat.v4.new_notebook()
    for path in notebooks:
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            tags = cell.metadata.get("tags", [])
            if "parameters" in tags or "injected-parameters" in tags:
                continue
            if cell.cell_type == "code":
                # Python warnings and log lines are for the analyst (in the executed notebook), not the client.
                cell.outputs = [o for o in cell.get("outputs", []) if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            merged.cells.append(cell)
    merged.metadata["title"] = title
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            exclude_anchor_links=True, template_name=TEMPLATE, language_code=lang,
                            extra_template_basedirs=[str(TEMPLATE_DIR)])
    body, _ = exporter.from_notebook_node(merged, resources={"journeylab_csp": CONTENT_SECURITY_POLICY})
    body, _ = front_matter(body, Cover(title, client, period, made, logo), lang)
    problems = page_problems(body)
    if problems:
        raise JourneylabError(f"the report page for {html} holds {len(problems)} element(s) that could run or "
                              f"fetch something, e.g. {problems[:3]}; it was not written (a journeylab bug)")
    html.write_text(body, encoding="utf-8")
    return html


CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # A report needs no network (journeylab.report.pdf also turns scripts off): nothing on the page can call out.
    "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
)
CHROMIUM_TIMEOUT = 120  # seconds for the whole print; the demo report (no scripts) prints in about 6
PDF_MISSING_NOTE = "no PDF: Chromium is not installed (Debian: apt-get install chromium)"
PDF_SKIPPED_NOTE = "no PDF: skipped (--no-pdf)"


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome executable, or None (env JOURNEYLAB_CHROMIUM overrides)."""
    import os
    import shutil

    override = os.environ.get("JOURNEYLAB_CHROMIUM")
    if override:
        return override if Path(override).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def render_pdf(html: Path, pdf: Path, timeout: float = CHROMIUM_TIMEOUT, *, title: str = "",
               lang: str = "en") -> tuple[Path | None, str]:
    """Print ``html`` to ``pdf`` with headless Chromium, scripts disabled and within ``timeout`` seconds
    (journeylab.report.pdf): A4, each page's footer with ``title`` and "page X of Y" in ``lang``; returns
    (pdf or None, a note saying why not)."""
    from journeylab.report.layout import footer_template
    from journeylab.report.pdf import ChromiumError, print_pdf

    exe = find_chromium()
    if exe is None:
        return None, PDF_MISSING_NOTE
    try:
        print_pdf(exe, CHROMIUM_FLAGS, Path(html), Path(pdf), timeout,
                  {"displayHeaderFooter": True, "headerTemplate": "<span></span>",
                   "footerTemplate": footer_template(title, lang)})
    except (ChromiumError, OSError) as exc:
        return None, f"no PDF: {_first_line(str(exc))}"
    if not Path(pdf).exists():
        return None, "no PDF: Chromium wrote no file"
    return Path(pdf), ""


def page_screenshots(html: Path, shots: Sequence[tuple[str | None, Path]], *, width: int | None = None,
                     height: int | None = None, media: str = "print", mobile: bool = False,
                     timeout: float = CHROMIUM_TIMEOUT) -> dict[str, float]:
    """PNG screenshots of ``html`` (journeylab.report.pdf.capture: scripts off, as printed on A4 by default):
    each shot is (CSS selector or None for the top, PNG path). Returns the laid-out page's size in CSS
    pixels. FileNotFoundError without Chromium."""
    from journeylab.report.pdf import PAGE_HEIGHT_PX, PAGE_WIDTH_PX, capture

    exe = find_chromium()
    if exe is None:
        raise FileNotFoundError(PDF_MISSING_NOTE)
    return capture(exe, CHROMIUM_FLAGS, Path(html), shots, timeout, width=width or PAGE_WIDTH_PX,
                   height=height or PAGE_HEIGHT_PX, media=media, mobile=mobile)


def record(output_dir: str | Path | None, values: dict[str, Any]) -> None:
    """Merge headline figures into ``summary.json`` of a report run (no-op without an output folder).

    Notebooks call this; values must be JSON-serialisable (numbers, strings, lists, dicts). NaN and
    infinite numbers are written as null.
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
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # a figure that cannot be computed (no customers): null, never NaN in summary.json
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _finish_summary(run_dir: Path, client: str, opts: dict[str, Any]) -> None:
    record(run_dir, {"client": client, "language": opts["language"], "generated_at": datetime.now().isoformat(timespec="seconds")})


def _source_cell_number(executed: Path, cell_index: int) -> int:
    """1-based number of a cell in the source notebook (Papermill inserts an injected-parameters cell)."""
    import nbformat

    try:
        cells = nbformat.read(str(executed), as_version=4).cells
    except Exception:  # the partial notebook may be unreadable; the executed index is still useful
        return cell_index + 1
    injected = sum("injected-parameters" in c.metadata.get("tags", []) for c in cells[:cell_index])
    return cell_index - injected + 1


def _notebook_path(config: Path, name: str) -> Path:
    # A bare name is one of journeylab's notebooks; a path is relative to the client config.
    path = Path(name)
    if len(path.parts) == 1 and (NOTEBOOK_DIR / name).exists():
        return NOTEBOOK_DIR / name
    return path if path.is_absolute() else Path(config).parent / path


def _logo_path(config: Path, opts: dict[str, Any]) -> Path | None:
    # read_report_options checked the logo; it is checked again here, as it is read now and may have changed
    logo = opts.get("logo")
    if not logo or not isinstance(logo, str):
        return None
    path = config_relative_path(config, logo)
    try:
        image_type(path)
    except (NotAnImage, OSError):
        return None
    return path


def config_relative_path(config: Path, name: str) -> Path:
    """A file a client config names (read, never written): ``name`` as it is when absolute, else relative to
    the folder of ``config``."""
    return Path(name) if Path(name).is_absolute() else Path(config).parent / name


def _point_latest(run_dir: Path) -> None:
    # 'latest' names the newest good run; a failed run never moves it. It sits next to the run (inside the
    # out root, as new_run_dir made the run) and points to it by its plain folder name, never to '..'.
    if safe_slug(run_dir.name) != run_dir.name:
        raise JourneylabError(f"run folder {run_dir} has an unsafe name; 'latest' not moved")
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
