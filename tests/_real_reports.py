"""Full reports of the real data sets (../shared/data/real), shared by test_real_reports.py (English) and
test_real_reports_nl.py (Dutch): one batch per language, as an agency runs it (the CLI, --no-pdf), and the
checks every report must pass (issue 12, point 7: no model takes a report down; predictions finite and
bounded, or withheld with a reason).

The two languages are two test files so that ``pytest -n 2 --dist loadfile`` runs them on both workers.
"""
from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import nbformat
import pytest
import yaml

from journeylab.report.run import DEFAULT_NOTEBOOKS

# client name -> shop config (paths relative to the real data folder). Currency: as the data set's README
# says; REES46 does not state its prices' currency and the online-shoppers sessions have no money at all,
# so those two get ISO 4217 "XXX" (no currency) instead of an invented one.
DATASETS: dict[str, dict[str, Any]] = {
    "uci_online_retail": {"format": "uci_online_retail", "path": "uci_online_retail/online_retail.csv.gz",
                          "currency": "GBP"},
    "olist": {"format": "olist", "path": "olist", "currency": "BRL"},
    "rees46": {"format": "rees46", "path": "rees46_multicategory/2019-Oct_head.csv.gz", "currency": "XXX"},
    "uci_online_shoppers": {"format": "uci_online_shoppers",
                            "path": "uci_online_shoppers/online_shoppers_intention.csv.gz", "currency": "XXX"},
}

# Reports that cannot be built yet, for a cause in code this test does not own (strict: when they pass,
# the mark must go). None left.
KNOWN_FAILURES: dict[str, str] = {}


def clients() -> list:
    """The data sets as test parameters, the known failures marked strict xfail."""
    return [pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[name]))
            if name in KNOWN_FAILURES else name for name in DATASETS]


# Markers of a failure that must never reach a client's report.
FAILURE_TEXT = ("Traceback (most recent call last)", "An Exception was encountered", "PapermillExecutionError")
# A heading of the data-quality section in the report's language (the section every shop has).
QUALITY_HEADING = {"en": "Data quality", "nl": "Datakwaliteit"}


def build_batch(real_data: Path, out: Path, language: str) -> dict[str, SimpleNamespace]:
    """Write one client config per real data set into ``out`` and build all their reports in one batch
    through the command line; return the batch records (last_batch.json) by client name."""
    out.mkdir(parents=True, exist_ok=True)
    configs = []
    for name, cfg in DATASETS.items():
        path = out / f"{name}.yaml"
        shop = {**cfg, "name": name, "path": str(real_data / cfg["path"]), "report": {"language": language}}
        path.write_text(yaml.safe_dump(shop, sort_keys=False), encoding="utf-8")
        configs.append(path)
    reports = out / "reports"
    cli = subprocess.run([sys.executable, "-m", "journeylab", "report", *map(str, configs), "--out", str(reports),
                          "--no-progress", "--no-pdf"], capture_output=True, text=True)
    assert "Traceback" not in cli.stderr, cli.stderr[-3000:]
    records = json.loads((reports / "last_batch.json").read_text(encoding="utf-8"))
    assert len(records) == len(DATASETS), cli.stdout
    return {r["client"]: SimpleNamespace(**r) for r in records}


def numbers(value: Any, where: str = "") -> list[tuple[str, float]]:
    """Every number in a JSON value, with its path (booleans are not numbers here)."""
    if isinstance(value, dict):
        return [n for k, v in value.items() for n in numbers(v, f"{where}.{k}")]
    if isinstance(value, list):
        return [n for i, v in enumerate(value) for n in numbers(v, f"{where}[{i}]")]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [(where, float(value))]
    return []


def check_report(record: SimpleNamespace, language: str) -> None:
    """The checks of one real data set's report (see the module docstring)."""
    assert record.ok, f"{record.client}: {record.error}"
    run = Path(record.run_dir)
    # every notebook ran to its end: executed copies of all six, no error output in any cell
    assert sorted(Path(p).name for p in record.notebooks) == sorted(DEFAULT_NOTEBOOKS)
    for nb_path in record.notebooks:
        nb = nbformat.read(nb_path, as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "error"]
        assert not errors, f"{Path(nb_path).name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
        assert all(c.get("execution_count") for c in nb.cells if c.cell_type == "code" and c.source.strip()), nb_path
    html = Path(record.html).read_text(encoding="utf-8")
    assert run / "report.html" == Path(record.html) and len(html) > 10_000
    for marker in FAILURE_TEXT:
        assert marker not in html, f"{record.client}: {marker!r} in report.html"
    assert re.search(r"\bnan\b|\binf\b", _visible_text(html), flags=re.I) is None, f"{record.client}: NaN or inf shown"
    assert QUALITY_HEADING[language] in html
    assert record.pdf is None and "skipped" in record.pdf_note
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))  # json reads NaN and Infinity too
    bad = [(k, v) for k, v in numbers(summary) if not math.isfinite(v)]
    assert not bad, f"{record.client}: numbers in summary.json that are not finite: {bad}"
    assert summary["language"] == language and summary["client"] == record.client
    executive = next(Path(p) for p in record.notebooks if Path(p).name == DEFAULT_NOTEBOOKS[0])
    _check_bounds(record.client, summary, nbformat.read(executive, as_version=4))


def _check_bounds(client: str, summary: dict, executive: nbformat.NotebookNode) -> None:
    """Predictions bounded, or withheld (None) with a reason in the executive summary."""
    head = summary.get("headline", {})
    for key in ("repeat_rate", "share_at_risk_or_lost"):
        v = head.get(key)
        assert v is None or 0 <= v <= 1, (client, key, v)
    clv, revenue = head.get("clv_total"), head.get("revenue") or 0
    if clv is None:
        # withheld: the executive summary says why, in a sentence of its own (not only a dash in the table)
        texts = [o["data"]["text/markdown"] for c in executive.cells if c.cell_type == "code"
                 for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]
        assert any(len(t) > 40 and not t.lstrip().startswith("#") for t in texts), (client, texts)
    else:
        # the next 12 months cannot be worth more than ten times everything the shop ever sold (every
        # data set here covers between three hours and two years)
        assert 0 <= clv <= 10 * revenue, (client, clv, revenue)


def _visible_text(html: str) -> str:
    """The report's text without style, script and embedded images (whose base64 may spell 'nan')."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"data:[a-z/+]+;base64,[A-Za-z0-9+/=]+", " ", html)
    return re.sub(r"<[^>]+>", " ", html)
