"""Every word of a Dutch report is Dutch and of an English report English (issue 15, point 1).

The demo report is built once in each language (the command line, --no-pdf, as an agency runs it). Every
text a reader sees (text nodes of report.html, figure alt texts, and every text drawn in the figures:
titles, axes, ticks, legends, Sankey labels) of the Dutch report is checked against the English one: a
text in both is an untranslated label, unless it is a number, a name that reads the same in both
languages (tests/_report_text.py SAME_IN_BOTH) or the shop's own data (product categories, channels,
customer ids). Neither report may show a snake_case identifier (organic_search, first_touch, a column
name) other than a value of the shop's data.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from _report_text import english_words, report_texts, snake_case, untranslated
from journeylab.i18n import CHANNELS

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "configs" / "demo.yaml"

pytestmark = [pytest.mark.slow, pytest.mark.notebook]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, list[str]]:
    """The visible texts of the demo report in English and in Dutch, built in one batch."""
    tmp = tmp_path_factory.mktemp("language")
    base = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    base["tables"] = {k: str((DEMO.parent / v).resolve()) for k, v in base["tables"].items()}
    configs = []
    for lang, name in (("en", "demo"), ("nl", "demo-nl")):
        cfg = {**base, "name": name, "report": {**base.get("report", {}), "language": lang}}
        path = tmp / f"{name}.yaml"
        path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
        configs.append(path)
    out = tmp / "out"
    cli = subprocess.run([sys.executable, "-m", "journeylab", "report", *map(str, configs), "--out", str(out),
                          "--no-pdf", "--no-progress"], capture_output=True, text=True)
    assert cli.returncode == 0, cli.stdout[-2000:] + cli.stderr[-3000:]
    records = {r["client"]: r for r in json.loads((out / "last_batch.json").read_text(encoding="utf-8"))}
    return {"en": report_texts(records["demo"]["run_dir"]), "nl": report_texts(records["demo-nl"]["run_dir"]),
            "names": ["demo", "demo-nl"]}


@pytest.fixture(scope="module")
def shop_data() -> set[str]:
    """The demo shop's own values a report may show as they are: categories, channels (other than the usual
    channel ids), customer ids, its currency code."""
    base = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    tables = {k: DEMO.parent / v for k, v in base["tables"].items()}
    values = set(pd.read_parquet(tables["products"], columns=["category"])["category"].dropna().astype(str))
    # channels as the data have them, except the usual channel ids, which a report shows as words
    values |= set(pd.read_parquet(tables["events"], columns=["channel"])["channel"].dropna().astype(str)) - set(CHANNELS)
    values |= set(pd.read_parquet(tables["orders"], columns=["customer_id"])["customer_id"].dropna().astype(str))
    return values | {base["currency"]}


def test_the_dutch_report_shows_no_english_label(reports, shop_data):
    assert len(reports["nl"]) > 200 and len(reports["en"]) > 200
    same = untranslated(reports["nl"], reports["en"], shop_data | set(reports["names"]))
    assert not same, f"{len(same)} texts of the Dutch report are in the English one too:\n" + "\n".join(
        repr(t) for t in same)


def test_the_dutch_report_shows_no_english_text_of_i18n(reports):
    english = english_words(reports["nl"])
    assert not english, "English texts of journeylab.i18n in the Dutch report:\n" + "\n".join(map(repr, english))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_no_identifier_is_shown(reports, shop_data, lang):
    shown = snake_case(reports[lang], shop_data)
    assert not shown, f"snake_case identifiers in the {lang} report:\n" + "\n".join(repr(t) for t in shown)
