"""The rules of a client config (a shop config plus its ``report:`` section) as pydantic models.

One home for the config's rules: key names, types, defaults, allowed values and the descriptions the JSON
Schema carries (``journeylab config-schema`` writes it, docs/config.md shows how an editor uses it).
journeylab.data.config reads a YAML file or dict through :class:`ClientConfig`; :func:`validate` turns a
pydantic ValidationError into a ConfigError that names the file and the key path, e.g.
``client config configs/x.yaml: report.language: must be 'en' or 'nl', not 'fr'``.

Checks that need more than the values themselves stay where they are: that files exist (the loader, and
journeylab.report.run.read_report_options for the logo and notebooks) and paths relative to the config's
folder (journeylab.data.config). A key whose value is empty (``involvement:`` with nothing after it, or
``null``) counts as not given.
"""
from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Mapping, Optional, Union

import pandas as pd
from pydantic import (
    BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema, create_model, field_validator,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema, SkipJsonSchema
from pydantic_core import PydanticCustomError

from journeylab.data.contract import INVOLVEMENT_LEVELS, REQUIRED_TABLES, TABLES
from journeylab.errors import ConfigError
from journeylab.i18n import LANGUAGES

FORMATS = ("shopify", "woocommerce", "ga4", "uci_online_retail", "olist", "rees46", "uci_online_shoppers")
PHASE_MODELS = ("four", "five", "six")
DEFAULT_NOTEBOOKS = (
    "00_executive_summary.ipynb", "01_data_quality.ipynb", "02_customers_rfm.ipynb", "03_churn_clv.ipynb",
    "04_journey_funnels.ipynb", "05_involvement.ipynb", "06_appendix.ipynb",
)


def _error(kind: str, message: str) -> PydanticCustomError:
    # journeylab's own message for a rule pydantic cannot word itself (kept as written by validate()).
    return PydanticCustomError(f"journeylab_{kind}", message)


def _listed(names: Any) -> str:
    return ", ".join(str(n) for n in names)


class Section(BaseModel):
    """A mapping of known keys: an unknown key is an error naming the known ones (and the closest)."""

    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)
    what: ClassVar[str] = "key"  # how messages name this section's keys
    hidden: ClassVar[tuple[str, ...]] = ()  # keys a dict config may use that the JSON Schema does not show

    @classmethod
    def prepare(cls, data: Any) -> Any:
        """The value as written turned into a mapping (a section may accept a shorthand)."""
        return data

    @model_validator(mode="before")
    @classmethod
    def _known_keys(cls, data: Any) -> Any:
        data = cls.prepare(data)
        if not isinstance(data, Mapping):
            return data  # pydantic words it: must be a mapping
        data = {k: v for k, v in data.items() if v is not None}  # an empty YAML value: not given
        unknown = [str(k) for k in data if k not in cls.model_fields]
        if unknown:
            known = [k for k in cls.model_fields if k not in cls.hidden]
            close = difflib.get_close_matches(unknown[0], known, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _error("unknown_key", f"unknown {cls.what}(s) {_listed(map(repr, unknown))}{hint}; "
                                        f"known {cls.what}s: {_listed(known)}")
        return data


def _is_timezone(value: str) -> str:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(value)
    except Exception:
        raise _error("timezone", f"{value!r} is not a time zone name (e.g. Europe/Amsterdam, UTC)") from None
    return value


def _as_timestamp(value: Any) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise _error("date", f"{str(value)!r} is not a date (use YYYY-MM-DD)")
    return stamp


def _as_number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value  # 12 stays 12 (a notebook shows "12 months")


def _as_text(value: Any) -> Any:
    return str(value) if isinstance(value, Path) else value


def _as_text_list(value: Any) -> Any:
    if isinstance(value, (str, Path)):
        return [str(value)]
    if isinstance(value, (list, tuple)):
        return [_as_text(v) for v in value]
    raise _error("path_list", f"must be a path or a list of paths, not {_shown(value)}")


def _either(*types: type, wording: str) -> BeforeValidator:
    """A value of one of ``types`` (bool is not a number here), checked before pydantic's union, which would
    report one error per type."""
    def check(value: Any) -> Any:
        if isinstance(value, types) and not (isinstance(value, bool) and bool not in types):
            return value
        raise _error("type", f"must be {wording}, not {_shown(value)}")
    return BeforeValidator(check)


Timezone = Annotated[str, Field(description="an IANA time-zone name, e.g. Europe/Amsterdam or UTC",
                                examples=["Europe/Amsterdam", "UTC"])]
NonNegative = Annotated[float, Field(ge=0)]


class ReadOptions(Section):
    """How a file is read (locale, encoding, delimiter, sheet)."""

    sep: Optional[str] = Field(None, description="column delimiter of a CSV file; default: sniffed (',' ';' tab)")
    decimal: Optional[str] = Field(None, description="decimal mark of amounts, e.g. ',' for 12,50; default '.'")
    thousands: Optional[str] = Field(None, description="thousands separator of amounts, e.g. '.' for 1.234,50")
    encoding: Optional[str] = Field(None, description="text encoding, e.g. latin-1; default UTF-8 (a BOM is stripped)")
    date_format: Optional[str] = Field(None, description="strftime format of dates, e.g. '%d-%m-%Y'")
    dayfirst: Optional[bool] = Field(None, description="dates are day-first (31-01-2024, 31/01/2024 10:00, 31.01.2024)")
    sheet: Annotated[Optional[Union[str, int]], _either(str, int, wording="a sheet name or number")] = Field(None, description="Excel sheet name (or 0-based number); needed when a workbook has several sheets")
    header: Annotated[Optional[Union[bool, int]], _either(bool, int, wording="true, false or a number")] = Field(None, description="accepted and ignored: the first line of a file must name the columns")
    timezone: Optional[Timezone] = Field(None, description="zone of this file's naive times; default: the shop's timezone")

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return value if value is None else _is_timezone(value)


class Columns(Section):
    """Canonical column -> the shop's column name, for the columns whose names differ."""

    what: ClassVar[str] = "canonical column"


class TableSpec(Section):
    """Where a canonical table comes from: a file (or object-storage URI) and how its columns are named."""

    hidden: ClassVar[tuple[str, ...]] = ("frame",)
    path: Optional[str] = Field(None, description="the file (CSV, .csv.gz, .tsv, Parquet, Excel, JSON lines), relative "
                                                  "to this config's folder, or an object-storage URI such as s3a://bucket/shop/orders/")
    columns: Columns = Field(default_factory=Columns, description="canonical column: the shop's column, e.g. {revenue: Bedrag}")
    read: ReadOptions = Field(default_factory=ReadOptions, description="how the file is read")
    frame: SkipJsonSchema[Any] = None  # a pandas DataFrame instead of a file (dict configs only)

    @classmethod
    def prepare(cls, data: Any) -> Any:
        if isinstance(data, (str, Path, pd.DataFrame)):
            data = {"path": data}
        if not isinstance(data, Mapping):
            raise _error("table", "must be a path, a DataFrame or a mapping with 'path' (and 'columns', 'read')")
        data = dict(data)
        if isinstance(data.get("path"), pd.DataFrame):
            data["frame"] = data.pop("path")
        if isinstance(data.get("path"), Path):
            data["path"] = str(data["path"])
        return data

    @model_validator(mode="after")
    def _has_source(self) -> TableSpec:
        if self.path is None and self.frame is None:
            raise _error("no_path", "needs a 'path'")
        return self


def _table_model(table: str) -> type[TableSpec]:
    camel = "".join(part.title() for part in table.split("_"))
    columns = {
        col: (Optional[str], Field(None, description=f"the shop's column for {col} ({'required' if required else 'optional'}, "
                                                     f"{sqltype.lower()})"))
        for col, (sqltype, required) in TABLES[table].items()
    }
    cols = create_model(f"{camel}Columns", __base__=Columns, __doc__=f"Canonical column of {table} -> the shop's column name.",
                        **columns)
    return create_model(f"{camel}Table", __base__=TableSpec, __doc__=f"Where the {table} table comes from.",
                        columns=(cols, Field(default_factory=cols, description=TableSpec.model_fields["columns"].description)))


TABLE_MODELS = {table: _table_model(table) for table in TABLES}


def _table_field(table: str) -> Any:
    model = TABLE_MODELS[table]
    required = " (required unless a format gives it)" if table in REQUIRED_TABLES else ""
    return (Annotated[Optional[model], BeforeValidator(lambda v: v, json_schema_input_type=Union[str, model])],
            Field(None, description=f"the {table} table{required}: a file path, or a mapping with path, columns and read"))


class _TableSection(Section):
    what: ClassVar[str] = "table"


Tables = create_model(
    "Tables", __base__=_TableSection, __doc__="Canonical table -> its source.", **{t: _table_field(t) for t in TABLES},
)


class ReportOptions(Section):
    """The report of a client: language, title, logo, journey phase model, CLV settings, audiences, notebooks."""

    language: Literal[LANGUAGES] = Field("en", description="language of the report; default: the top-level language, else en")
    title: Optional[str] = Field(None, description="title of the report; default: from the client's name")
    logo: Optional[str] = Field(None, description="image file (PNG, JPEG, GIF, WebP or a plain SVG) shown in the report, "
                                                  "relative to this config's folder")
    phase_model: Literal[PHASE_MODELS] = Field("five", description="journey phase model: four, five or six phases")
    clv_horizon_months: NonNegative = Field(12, description="months ahead the customer lifetime value counts")
    discount_rate: NonNegative = Field(0.10, description="yearly discount rate of future revenue in the CLV, e.g. 0.10")
    audiences: Optional[str] = Field(None, description="YAML file of the client's own audiences (the layout of "
                                                       "journeylab/audiences.yaml, docs/audiences.md), relative to "
                                                       "this config's folder; default: journeylab's audiences")
    notebooks: list[str] = Field(list(DEFAULT_NOTEBOOKS), min_length=1,
                                 description="the report's notebooks, in order: journeylab's by name, or paths relative "
                                             "to this config's folder")

    @field_validator("clv_horizon_months", "discount_rate")
    @classmethod
    def _numbers(cls, value: float) -> int | float:
        return _as_number(value)


class ClientConfig(Section):
    """A journeylab client config: where a shop's data is and how it is read, plus the report's options."""

    model_config = ConfigDict(title="journeylab client config")
    name: Optional[str] = Field(None, description="the shop's (client's) name; default: the config file's name")
    observation_end: Annotated[
        Any, BeforeValidator(_as_timestamp),
        WithJsonSchema({"type": "string", "format": "date", "examples": ["2024-12-31"]}),
    ] = Field(None, description="last day of the data analysed (YYYY-MM-DD); default: the day of the last order")
    currency: str = Field("EUR", description="currency of the amounts (ISO 4217 code, e.g. EUR)")
    timezone: Timezone = Field("UTC", description="the shop's time zone: times with an offset or zone are converted to "
                                                  "it, naive times are taken to be in it")
    language: Optional[Literal[LANGUAGES]] = Field(None, description="default language of the report (report.language wins)")
    format: Optional[Literal[FORMATS]] = Field(None, description="shop-system export read by an adapter (docs/formats.md); "
                                                                 "without it, 'tables' names the canonical tables")
    path: Annotated[list[str], BeforeValidator(_as_text_list, json_schema_input_type=Union[str, list[str]])] = Field(
        [], description="with a format: the export file (or folder), or a list of files; relative to this config's folder")
    files: dict[str, Annotated[str, BeforeValidator(_as_text)]] = Field(
        {}, description="with a format: file role -> path, e.g. {orders: olist_orders_dataset.csv}")
    read: Optional[ReadOptions] = Field(None, description="with a format: how the export file(s) are read")
    tables: Optional[Tables] = Field(None, description="canonical table -> its file (without a format: at least orders; "
                                                       "with one: tables the export lacks)")
    involvement: dict[str, Literal[INVOLVEMENT_LEVELS]] = Field(
        {}, description="product category -> involvement level (low or high)")
    report: ReportOptions = Field(default_factory=ReportOptions, description="the report's options")

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str | None) -> str | None:
        return value if value is None else _is_timezone(value)

    @model_validator(mode="after")
    def _sources(self) -> ClientConfig:
        given = self.model_fields_set
        if self.format is None:
            for key in ("path", "files", "read"):
                if key in given:
                    where = "; without one use 'tables'" if key != "read" else "; put 'read' under each table"
                    raise _error("needs_format", f"'{key}' needs a 'format' (one of {_listed(FORMATS)}){where}")
            named = [] if self.tables is None else list(self.tables.model_fields_set)
            if not named:
                raise _error("no_tables", "'tables' must name at least the orders table (or give a 'format')")
            for table in REQUIRED_TABLES:
                if getattr(self.tables, table) is None:
                    raise _error("required_table", f"the '{table}' table is required")
        elif not self.path and not self.files:
            raise _error("format_source", f"format '{self.format}' needs 'path' (the export file or folder) or 'files'")
        return self


class _EditorSchema(GenerateJsonSchema):
    """Pydantic's JSON Schema without what an editor would only show as noise: a title per key ("Clv Horizon
    Months" adds nothing to its name; the descriptions say what a key is) and null as a value or default
    (an empty value counts as not given)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False

    def nullable_schema(self, schema: Any) -> dict[str, Any]:
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: Any) -> dict[str, Any]:
        out = super().default_schema(schema)
        if out.get("default", "") is None:
            out.pop("default")
        return out


def config_json_schema() -> dict[str, Any]:
    """The JSON Schema of a client config (what ``journeylab config-schema`` writes)."""
    schema = ClientConfig.model_json_schema(schema_generator=_EditorSchema)
    return {"$schema": "http://json-schema.org/draft-07/schema#", **schema}


def config_json_schema_text() -> str:
    """The JSON Schema as the text written to a file (stable: sorted as pydantic builds it, 2-space indent)."""
    return json.dumps(config_json_schema(), indent=2, ensure_ascii=False) + "\n"


def validate(model: type[Section], data: Any, where: str, *, prefix: tuple[str, ...] = ()) -> Any:
    """``data`` checked by ``model``; a ValidationError becomes one ConfigError naming ``where`` (the file)
    and each problem's key path (``prefix`` first), e.g. ``shop config x.yaml: tables.orders.read.sep: ...``."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = _key_path(prefix + tuple(err["loc"]))
            problems.append(f"{loc}: {_message(err)}" if loc else _message(err))
        if prefix == () and problems and all(p.startswith("report") for p in problems):
            where = where.replace("shop config", "client config", 1)
        raise ConfigError(f"{where}: " + "; ".join(dict.fromkeys(problems))) from None


def _key_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _message(err: Mapping[str, Any]) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    if kind.startswith("journeylab_"):
        return err["msg"]
    if kind == "literal_error":
        return f"must be {ctx['expected']}, not {_shown(value)}"
    if kind == "missing":
        return "is required"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        section = _sections().get(ctx.get("class_name"))
        keys = f" ({_listed(k for k in section.model_fields if k not in section.hidden)})" if section else " to values"
        return f"must be a mapping of keys{keys}, not {_shown(value)}"
    if kind == "list_type":
        return f"must be a list, not {_shown(value)}"
    if kind == "too_short":
        return f"must not be empty, not {_shown(value)}"
    if kind == "string_type":
        return f"must be text, not {_shown(value)}"
    if kind == "bool_type" or kind == "bool_parsing":
        return f"must be true or false, not {_shown(value)}"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing"):
        return f"must be a number, not {_shown(value)}"
    if kind == "greater_than_equal":
        return f"must be {ctx['ge']:g} or more, not {_shown(value)}"
    msg = str(err["msg"])
    if msg.startswith("Input should be "):
        return f"must be {msg[len('Input should be '):]}, not {_shown(value)}"
    return msg


def _sections(base: type[Section] = Section) -> dict[str, type[Section]]:
    out = {}
    for sub in base.__subclasses__():
        out[sub.__name__] = sub
        out.update(_sections(sub))
    return out


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
