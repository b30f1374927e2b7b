"""The client config's rules (journeylab.data.config_schema): messages that name the file and the key path,
and the JSON Schema editors use, shipped as docs/config.schema.json and kept equal to what the command writes."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

import journeylab as jl
from journeylab.cli import main
from journeylab.data.config import read_shop_config
from journeylab.report.run import read_report_options

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "docs" / "config.schema.json"
DEMO_CONFIGS = [ROOT / "configs" / "demo.yaml", ROOT / "data" / "demo" / "shop.yaml"]


def _as_json(path: Path):
    # As an editor sees the YAML: an unquoted date (2024-12-31) is text in JSON.
    return json.loads(json.dumps(yaml.safe_load(path.read_text("utf-8")), default=str))


def test_shipped_schema_is_what_the_command_writes(tmp_path, capsys):
    assert main(["config-schema"]) == 0
    written = capsys.readouterr().out
    assert written == SHIPPED.read_text("utf-8"), "regenerate: journeylab config-schema --out docs/config.schema.json"
    assert main(["config-schema", "--out", str(tmp_path / "schema.json")]) == 0
    assert (tmp_path / "schema.json").read_text("utf-8") == written
    schema = json.loads(written)
    assert schema["additionalProperties"] is False and "report" in schema["properties"]
    report = schema["$defs"]["ReportOptions"]["properties"]
    assert report["language"]["enum"] == ["en", "nl"] and report["phase_model"]["enum"] == ["four", "five", "six"]


@pytest.mark.parametrize("config", DEMO_CONFIGS, ids=lambda p: p.name)
def test_demo_configs_are_valid(config):
    cfg = read_shop_config(config)  # pydantic
    assert "orders" in cfg.tables
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - jsonschema comes with the notebooks extra
        return
    schema = json.loads(SHIPPED.read_text("utf-8"))
    for validator in (jsonschema.Draft7Validator, jsonschema.Draft202012Validator):
        validator.check_schema(schema)
        validator(schema).validate(_as_json(config))


def test_schema_refuses_what_the_models_refuse():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SHIPPED.read_text("utf-8"))
    good = _as_json(DEMO_CONFIGS[0])
    for bad in ({**good, "curency": "EUR"}, {**good, "report": {"language": "fr"}},
                {**good, "tables": {"orders": {"path": "o.csv", "columns": {"client": "x"}}}},
                {**good, "report": {"discount_rate": -1}}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.Draft7Validator(schema).validate(bad)
        with pytest.raises(jl.ConfigError):
            read_shop_config(bad)


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "client.yaml"
    path.write_text("name: shop\ntables:\n  orders: orders.csv\n" + text)
    return path


def test_messages_name_the_file_and_the_key_path(tmp_path):
    config = _config(tmp_path, "report:\n  language: fr\n")
    with pytest.raises(jl.ConfigError) as err:
        read_report_options(config)
    assert str(err.value) == f"client config {config}: report.language: must be 'en' or 'nl', not 'fr'"

    config = _config(tmp_path, "curency: EUR\n")
    with pytest.raises(jl.ConfigError) as err:
        jl.load_shop(config)
    message = str(err.value)
    assert message.startswith(f"shop config {config}: unknown key(s) 'curency' (did you mean 'currency'?); known keys: ")
    assert "observation_end" in message and "report" in message and "frame" not in message

    config = tmp_path / "typo.yaml"
    config.write_text("tables:\n  orders:\n    path: o.csv\n    read: {sepp: ';'}\n    columns: {revenue: Bedrag}\n")
    with pytest.raises(jl.ConfigError, match=r"typo.yaml: tables.orders.read: unknown key\(s\) 'sepp' \(did you mean 'sep'\?\)"):
        read_shop_config(config)

    config = _config(tmp_path, "report:\n  notebooks: []\n  clv_horizon_months: -3\n")
    with pytest.raises(jl.ConfigError) as err:
        read_shop_config(config)
    assert str(err.value) == (f"client config {config}: report.clv_horizon_months: must be 0 or more, not -3; "
                              "report.notebooks: must not be empty, not []")

    config = _config(tmp_path, "involvement: {soap: medium}\nobservation_end: someday\n")
    with pytest.raises(jl.ConfigError) as err:
        read_shop_config(config)
    assert "observation_end: 'someday' is not a date (use YYYY-MM-DD)" in str(err.value)
    assert "involvement.soap: must be 'low' or 'high', not 'medium'" in str(err.value)
    assert "pydantic" not in str(err.value) and "Input should" not in str(err.value)


def test_values_keep_their_meaning(tmp_path):
    """Defaults and types as the readers and notebooks expect them: an empty value is not given, 12 stays 12,
    only the read options written are passed on, paths are relative to the config's folder."""
    config = _config(tmp_path, "language: nl\ninvolvement:\nreport:\n  clv_horizon_months: 6\n"
                               "observation_end: 2024-12-31\n")
    cfg = read_shop_config(config)
    assert cfg.involvement == {} and cfg.observation_end == pd.Timestamp("2024-12-31")
    assert cfg.tables["orders"].path == tmp_path / "orders.csv" and cfg.tables["orders"].read == {"timezone": "UTC"}
    opts = read_report_options(cfg)
    assert opts["language"] == "nl" and opts["clv_horizon_months"] == 6 and isinstance(opts["clv_horizon_months"], int)
    assert opts["discount_rate"] == 0.10 and opts["phase_model"] == "five" and opts["notebooks"]



def test_report_phase_models_are_the_packaged_ones():
    """report.phase_model's allowed values are the models of journeylab/phase_models.yaml."""
    from journeylab.data.config import load_yaml_data
    from journeylab.data.config_schema import PHASE_MODELS

    assert set(PHASE_MODELS) == set(load_yaml_data(None, "phase_models.yaml", "phase models")["models"])
