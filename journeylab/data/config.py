"""Shop configuration: which files hold which canonical table, and how their columns are named.

A shop config is a YAML file or a dict::

    name: demo
    observation_end: 2024-12-31     # optional; default: the last order
    currency: EUR
    tables:
      orders:
        path: orders.csv            # CSV (.csv, .csv.gz, .tsv), Parquet or Excel; relative to the YAML
        columns: {order_id: InvoiceNo, customer_id: CustomerID}   # canonical: shop column
        read: {sep: ";", decimal: ",", encoding: latin-1, date_format: "%d-%m-%Y", sheet: Orders}
      products: {path: products.parquet}

Instead of ``path`` a table may be given as a pandas DataFrame (``tables: {orders: df}``). A ``path``
with a scheme (``s3a://bucket/shop/orders/``, ``gs://...``, ``file:///data/orders/``) is an object-storage
URI: it is kept as text (``TableSource.uri``), never resolved against the config's folder, and read by
the Spark engine (``load_shop(config, engine="spark")``).

A shop-system export is read by an adapter chosen with ``format`` (see docs/formats.md and
journeylab.data.io.adapters)::

    name: my-shop
    format: shopify                 # shopify, woocommerce, ga4, uci_online_retail, olist, rees46, uci_online_shoppers
    path: orders_export_1.csv       # the export file (or folder, for olist); a list of files is allowed
    read: {encoding: latin-1}       # optional read options for the export file(s)
    timezone: Europe/Amsterdam      # the shop's zone: time-zone-aware values are converted to it
    tables:                         # optional: canonical tables the export does not have
      products: products.csv

``timezone`` (default UTC) is the zone all timestamps are expressed in: values carrying an
offset or zone ("2024-03-01T10:00:00+01:00", "... UTC") are converted to it and stored without
zone; values without one are taken to be in it already.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
import yaml

from journeylab.data.contract import INVOLVEMENT_LEVELS, OPTIONAL_TABLES, REQUIRED_TABLES, TABLES
from journeylab.errors import ConfigError

SHOP_KEYS = {
    "name", "observation_end", "currency", "tables", "involvement", "language", "format", "report",
    "path", "files", "read", "timezone",
}
TABLE_KEYS = {"path", "columns", "read"}
READ_KEYS = {"sep", "decimal", "thousands", "encoding", "date_format", "dayfirst", "sheet", "header", "timezone"}
# scheme://...: a URI, not a local path (a Windows drive such as C:/ has no "//" after its colon).
URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
FORMATS = ("shopify", "woocommerce", "ga4", "uci_online_retail", "olist", "rees46", "uci_online_shoppers")


@dataclass
class TableSource:
    """Where one canonical table comes from: a local ``path``, an object-storage ``uri`` or a ``frame``."""

    table: str
    path: Path | None = None
    frame: pd.DataFrame | None = None
    columns: dict[str, str] = field(default_factory=dict)
    read: dict[str, Any] = field(default_factory=dict)
    uri: str | None = None  # e.g. "s3a://bucket/shop/orders/", kept as written (a Path would collapse "//")

    @property
    def label(self) -> str:
        """How messages name the source: the URI, the file path, or 'DataFrame for <table>'."""
        if self.uri is not None:
            return self.uri
        return str(self.path) if self.path is not None else f"<DataFrame for {self.table}>"


@dataclass
class ShopConfig:
    """A validated shop configuration."""

    name: str
    tables: dict[str, TableSource]
    observation_end: pd.Timestamp | None = None
    currency: str = "EUR"
    involvement: dict[str, str] = field(default_factory=dict)
    source: Path | None = None
    format: str | None = None
    format_paths: list[Path] = field(default_factory=list)
    format_files: dict[str, Path] = field(default_factory=dict)
    format_read: dict[str, Any] = field(default_factory=dict)
    timezone: str = "UTC"
    # The client's ``report:`` section and top-level ``language:`` as written (read here with the rest of the
    # file; journeylab.report.run.read_report_options checks them and fills in defaults).
    report: dict[str, Any] = field(default_factory=dict)
    language: Any = None

    @property
    def folder(self) -> Path:
        """The project folder: where the config lives (or the working directory for a dict)."""
        return self.source.parent if self.source is not None else Path.cwd()


def load_yaml_data(source: str | Path | Mapping | None, default: str, what: str) -> dict[str, Any]:
    """Rules kept as data: the packaged ``journeylab/<default>`` YAML, a YAML path, or an equivalent dict.

    ``what`` names the data in errors ("segment map", "phase models", ...).
    """
    from importlib import resources

    if source is None:
        return yaml.safe_load(resources.files("journeylab").joinpath(default).read_text("utf-8"))
    if isinstance(source, Mapping):
        return dict(source)
    path = Path(source)
    if not path.exists():
        raise ConfigError(f"{what} {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{what} {path} is not valid YAML: {exc}") from None
    if not isinstance(data, Mapping):
        raise ConfigError(f"{what} {path} must be a mapping of keys to values")
    return dict(data)


def own_words(item: Mapping[str, Any], fields: tuple[str, ...], known: Mapping[str, Any],
              what: str) -> dict[str, dict[str, str] | None]:
    """The words a rule of a client's rules file (segment map, findings rules) gives itself: each of
    ``fields`` as ``{en: ..., nl: ...}``, None where the rule gives none. ``known``: journeylab.i18n's table of
    the rules' ids (words are then optional). ConfigError naming ``what`` and the rule's id when a rule whose
    id i18n does not know gives no words, when words are not text in every language of
    journeylab.i18n.LANGUAGES, or for the old layout (``<field>_nl`` next to an English ``<field>``)."""
    from journeylab.i18n import LANGUAGES

    layout = "{" + ", ".join(f"{lang}: ..." for lang in LANGUAGES) + "}"
    rid = item.get("id")
    if not isinstance(rid, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", rid):
        raise ConfigError(f"{what} {rid!r}: an id is snake_case text (e.g. 'big_spenders'), the key of its words")
    old = [f"{f}_nl" for f in fields if f"{f}_nl" in item]
    if old:
        raise ConfigError(f"{what} {rid}: {', '.join(old)} is no longer read; give the words in both languages "
                          f"as {fields[0]}: {layout}")
    out: dict[str, dict[str, str] | None] = {}
    for f in fields:
        words = item.get(f)
        if words is None and rid in known:
            out[f] = None
            continue
        if words is None:
            raise ConfigError(f"{what} {rid}: journeylab.i18n has no words for this id, so it needs its own "
                              f"{f} in {' and '.join(LANGUAGES)}: {f}: {layout}")
        missing = [lang for lang in LANGUAGES
                   if not isinstance(words, Mapping) or not isinstance(words.get(lang), str) or not words[lang].strip()]
        if missing:
            raise ConfigError(f"{what} {rid}: its {f} needs a text in every language ({', '.join(LANGUAGES)}), "
                              f"as {f}: {layout}; missing: {', '.join(missing)}")
        out[f] = {lang: words[lang] for lang in LANGUAGES}
    return out


def read_shop_config(config: str | Path | Mapping[str, Any] | ShopConfig) -> ShopConfig:
    """Parse and check a shop config given as a YAML path, a dict, or an existing ShopConfig."""
    if isinstance(config, ShopConfig):
        return config
    base = Path.cwd()
    source = None
    if isinstance(config, (str, Path)):
        source = Path(config)
        if not source.exists():
            raise ConfigError(f"shop config {source} does not exist")
        try:
            raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ConfigError(f"shop config {source} is not valid YAML: {exc}") from None
        base = source.parent
    elif isinstance(config, Mapping):
        raw = dict(config)
        if "base_dir" in raw:
            base = Path(raw.pop("base_dir"))
    else:
        raise ConfigError(f"a shop config must be a YAML path or a dict, not {type(config).__name__}")
    if not isinstance(raw, Mapping):
        raise ConfigError(f"shop config {source or ''} must be a mapping of keys to values")
    where = f"shop config {source}" if source else "shop config"
    unknown = set(raw) - SHOP_KEYS
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {sorted(unknown)}; known keys: {sorted(SHOP_KEYS)}")
    fmt = raw.get("format")
    timezone = str(raw.get("timezone") or "UTC")
    _check_timezone(timezone, where)
    tables_raw = raw.get("tables")
    if fmt is None:
        for key in ("path", "files"):
            if key in raw:
                raise ConfigError(f"{where}: '{key}' needs a 'format' (one of {list(FORMATS)}); without one use 'tables'")
        if not isinstance(tables_raw, Mapping) or not tables_raw:
            raise ConfigError(f"{where}: 'tables' must name at least the orders table")
    elif fmt not in FORMATS:
        raise ConfigError(f"{where}: unknown format {fmt!r}; formats are {list(FORMATS)}")
    tables: dict[str, TableSource] = {}
    for name, spec in (tables_raw or {}).items():
        if name not in TABLES:
            raise ConfigError(
                f"{where}: unknown table '{name}'; tables are {list(REQUIRED_TABLES + OPTIONAL_TABLES)}"
            )
        tables[name] = _table_source(name, spec, base, where)
        tables[name].read.setdefault("timezone", timezone)
    if fmt is None:
        for name in REQUIRED_TABLES:
            if name not in tables:
                raise ConfigError(f"{where}: the '{name}' table is required")
    format_paths, format_files, format_read = _format_sources(raw, fmt, base, where)
    format_read.setdefault("timezone", timezone)
    obs = raw.get("observation_end")
    if obs is not None:
        try:
            obs = pd.Timestamp(obs)
        except (ValueError, TypeError):
            raise ConfigError(f"{where}: observation_end {obs!r} is not a date (use YYYY-MM-DD)") from None
    involvement = raw.get("involvement") or {}
    if not isinstance(involvement, Mapping) or any(v not in INVOLVEMENT_LEVELS for v in involvement.values()):
        raise ConfigError(f"{where}: 'involvement' must map categories to 'low' or 'high'")
    report = raw.get("report") or {}
    if not isinstance(report, Mapping):
        raise ConfigError(f"{where}: 'report' must be a mapping of report options (language, logo, notebooks, ...)")
    return ShopConfig(
        name=str(raw.get("name") or (source.stem if source else "shop")),
        tables=tables,
        observation_end=obs,
        currency=str(raw.get("currency", "EUR")),
        involvement=dict(involvement),
        source=source,
        format=fmt,
        format_paths=format_paths,
        format_files=format_files,
        format_read=format_read,
        timezone=timezone,
        report=dict(report),
        language=raw.get("language"),
    )


def _format_sources(raw: Mapping[str, Any], fmt: str | None, base: Path, where: str) -> tuple[list[Path], dict[str, Path], dict[str, Any]]:
    if fmt is None:
        if "read" in raw:
            raise ConfigError(f"{where}: a top-level 'read' needs a 'format'; put 'read' under each table")
        return [], {}, {}
    paths_raw = raw.get("path")
    files_raw = raw.get("files") or {}
    if paths_raw is None and not files_raw:
        raise ConfigError(f"{where}: format '{fmt}' needs 'path' (the export file or folder) or 'files'")
    if not isinstance(files_raw, Mapping):
        raise ConfigError(f"{where}: 'files' must map a file role to a path, e.g. {{orders: olist_orders_dataset.csv}}")
    items = paths_raw if isinstance(paths_raw, (list, tuple)) else ([] if paths_raw is None else [paths_raw])
    paths = [_resolve(p, base) for p in items]
    files = {str(k): _resolve(v, base) for k, v in files_raw.items()}
    read = dict(raw.get("read") or {})
    unknown = set(read) - READ_KEYS
    if unknown:
        raise ConfigError(f"{where}: read option(s) {sorted(unknown)} unknown; known: {sorted(READ_KEYS)}")
    return paths, files, read


def _resolve(path: Any, base: Path) -> Path:
    p = Path(str(path))
    return p if p.is_absolute() else base / p


def is_uri(path: Any) -> bool:
    """Whether a configured path is a URI with a scheme (``s3a://...``), not a local path."""
    return isinstance(path, str) and bool(URI_RE.match(path))


def _check_timezone(tz: str, where: str) -> None:
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(tz)
    except Exception:
        raise ConfigError(f"{where}: timezone {tz!r} is not a time zone name (e.g. Europe/Amsterdam, UTC)") from None


def _table_source(name: str, spec: Any, base: Path, where: str) -> TableSource:
    if isinstance(spec, pd.DataFrame):
        return TableSource(table=name, frame=spec)
    if isinstance(spec, (str, Path)):
        spec = {"path": spec}
    if not isinstance(spec, Mapping):
        raise ConfigError(f"{where}: table '{name}' must be a path, a DataFrame or a mapping with 'path'")
    unknown = set(spec) - TABLE_KEYS - {"frame"}
    if unknown:
        raise ConfigError(f"{where}: table '{name}' has unknown key(s) {sorted(unknown)}; known: {sorted(TABLE_KEYS)}")
    columns = dict(spec.get("columns") or {})
    bad = [c for c in columns if c not in TABLES[name]]
    if bad:
        raise ConfigError(
            f"{where}: table '{name}' maps unknown canonical column(s) {bad}; canonical columns: {list(TABLES[name])}"
        )
    read = dict(spec.get("read") or {})
    unknown = set(read) - READ_KEYS
    if unknown:
        raise ConfigError(f"{where}: table '{name}' read option(s) {sorted(unknown)} unknown; known: {sorted(READ_KEYS)}")
    if "timezone" in read:
        _check_timezone(str(read["timezone"]), where)
    frame = spec.get("frame")
    if isinstance(spec.get("path"), pd.DataFrame):
        frame = spec["path"]
    if frame is not None:
        return TableSource(table=name, frame=frame, columns=columns, read=read)
    if "path" not in spec:
        raise ConfigError(f"{where}: table '{name}' needs a 'path'")
    if is_uri(spec["path"]):
        return TableSource(table=name, uri=str(spec["path"]), columns=columns, read=read)
    path = Path(spec["path"])
    if not path.is_absolute():
        path = base / path
    return TableSource(table=name, path=path, columns=columns, read=read)
