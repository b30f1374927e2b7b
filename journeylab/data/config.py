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

The rules of every key (type, default, allowed values, description) are the pydantic models of
journeylab.data.config_schema, which also give the JSON Schema (``journeylab config-schema``, docs/config.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
import yaml

from journeylab.data.config_schema import FORMATS, ClientConfig, ReadOptions, TableSpec, validate
from journeylab.errors import ConfigError

__all__ = ["FORMATS", "ShopConfig", "TableSource", "is_uri", "load_yaml_data", "own_words", "read_shop_config"]

# scheme://...: a URI, not a local path (a Windows drive such as C:/ has no "//" after its colon).
URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


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
    """Parse and check a shop config given as a YAML path, a dict, or an existing ShopConfig.

    The rules (keys, types, defaults, allowed values) are journeylab.data.config_schema.ClientConfig; a broken
    rule is a ConfigError naming the file and the key path. Relative paths are resolved here, against the
    config's folder (a dict's ``base_dir``, else the working directory)."""
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
    model: ClientConfig = validate(ClientConfig, raw, where)
    timezone = model.timezone
    tables: dict[str, TableSource] = {}
    for name in (raw.get("tables") or {}):  # in the order written
        spec = getattr(model.tables, str(name), None)
        if spec is not None:
            tables[name] = _table_source(name, spec, base)
            tables[name].read.setdefault("timezone", timezone)
    format_read = _read_options(model.read)
    format_read.setdefault("timezone", timezone)
    return ShopConfig(
        name=model.name or (source.stem if source else "shop"),
        tables=tables,
        observation_end=model.observation_end,
        currency=model.currency,
        involvement=dict(model.involvement),
        source=source,
        format=model.format,
        format_paths=[_resolve(p, base) for p in model.path],
        format_files={role: _resolve(p, base) for role, p in model.files.items()},
        format_read=format_read,
        timezone=timezone,
        report=model.report.model_dump(exclude_unset=True),
        language=model.language,
    )


def _read_options(read: ReadOptions | None) -> dict[str, Any]:
    # The read options written (an unset option is absent, as the readers test "sep" in read).
    return {} if read is None else read.model_dump(exclude_none=True)


def _resolve(path: Any, base: Path) -> Path:
    p = Path(str(path))
    return p if p.is_absolute() else base / p


def is_uri(path: Any) -> bool:
    """Whether a configured path is a URI with a scheme (``s3a://...``), not a local path."""
    return isinstance(path, str) and bool(URI_RE.match(path))


def _table_source(name: str, spec: TableSpec, base: Path) -> TableSource:
    columns = spec.columns.model_dump(exclude_none=True)
    read = _read_options(spec.read)
    if spec.frame is not None:
        return TableSource(table=name, frame=spec.frame, columns=columns, read=read)
    if is_uri(spec.path):
        return TableSource(table=name, uri=spec.path, columns=columns, read=read)
    return TableSource(table=name, path=_resolve(spec.path, base), columns=columns, read=read)
