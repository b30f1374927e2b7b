"""Reports: a batch of the demo (English and Dutch) and broken configs, HTML without code or e-mail addresses,
PDF and first screen, and every word of the Dutch report Dutch and of the English one English (issue 15, point 1).

The language checks: every text a reader sees (text nodes of report.html, figure alt texts, and every
text drawn in the figures: titles, axes, ticks, legends, Sankey labels) of the Dutch demo report is
checked against the English one: a text in both is an untranslated label, unless it is a number, a name
that reads the same in both languages (tests/_report_text.py SAME_IN_BOTH) or the shop's own data
(product categories, channels, customer ids). Neither report may show a snake_case identifier
(organic_search, first_touch, a column name) other than a value of the shop's data.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from types import SimpleNamespace

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml

from _report_text import english_words, report_texts, snake_case, untranslated
from journeylab.i18n import CHANNELS
from journeylab.report.run import find_chromium, run_batch

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "configs" / "demo.yaml"
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")



@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One batch: the demo (good, and again in Dutch), a config whose orders have a date that does not parse, and a config
    whose notebook fails in its second cell. Run twice, to check nothing is overwritten."""
    tmp = tmp_path_factory.mktemp("reports")
    bad_csv = tmp / "orders.csv"
    bad_csv.write_text("order_id,customer_id,ordered_at,revenue\n1,a,2024-01-01,10\n2,b,31/31/2024,5\n")
    (tmp / "broken.yaml").write_text(f"name: broken\ntables:\n  orders: {bad_csv}\n")
    good_csv = tmp / "good.csv"
    good_csv.write_text("order_id,customer_id,ordered_at,revenue\n1,a,2024-01-01,10\n2,a,2024-02-01,5\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("shop_config = None"), nbformat.v4.new_code_cell("x = 1"),
                nbformat.v4.new_code_cell("raise ValueError('the third cell fails on purpose')")]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp / "failing.ipynb"))
    (tmp / "failing.yaml").write_text(
        f"name: failing\ntables:\n  orders: {good_csv}\nreport:\n  notebooks: [failing.ipynb]\n")
    one_time = tmp / "one_time.csv"
    one_time.write_text("order_id,customer_id,ordered_at,revenue\n1,a,2024-01-01,10\n2,b,2024-02-01,5\n3,c,2024-03-01,7\n")
    (tmp / "one_time.yaml").write_text(f"name: onetime\ntables:\n  orders: {one_time}\nreport:\n  language: nl\n")
    shopify = ROOT / "tests" / "fixtures" / "shopify_orders_export.csv"
    (tmp / "pii.yaml").write_text(f"name: pii\nformat: shopify\npath: {shopify}\ncurrency: EUR\n")
    # the demo in Dutch, for the language checks below (its English report is the batch's first)
    demo = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    demo["tables"] = {k: str((DEMO.parent / v).resolve()) for k, v in demo["tables"].items()}
    demo.update(name="demo-nl", report={**demo.get("report", {}), "language": "nl"})
    (tmp / "demo-nl.yaml").write_text(yaml.safe_dump(demo, sort_keys=False), encoding="utf-8")
    out = tmp / "out"
    configs = [DEMO, tmp / "broken.yaml", tmp / "failing.yaml", tmp / "one_time.yaml", tmp / "pii.yaml",
               tmp / "demo-nl.yaml"]
    # the batch goes through the command line, as an agency runs it
    cli = subprocess.run([sys.executable, "-m", "journeylab", "report", *map(str, configs), "--out", str(out),
                          "--no-progress"], capture_output=True, text=True)
    assert cli.returncode == 1, cli.stderr  # some clients failed: non-zero at the end, after all of them ran
    assert "Traceback" not in cli.stderr and cli.stdout.count("[ok]") == 4 and cli.stdout.count("[failed]") == 2
    # only progress and results: no kernel or library warnings (without a progress bar, nothing at all)
    assert cli.stderr.strip() == "", cli.stderr[-2000:]
    first = [_result(r) for r in json.loads((out / "last_batch.json").read_text())]
    second = run_batch([tmp / "one_time.yaml"], out_root=out, progress=False)
    return out, first, second


def _result(record: dict) -> SimpleNamespace:
    paths = {k: Path(v) if v else None for k, v in record.items() if k in ("run_dir", "html", "pdf", "config")}
    return SimpleNamespace(**{**record, **paths, "notebooks": [Path(p) for p in record["notebooks"]]})


@pytest.mark.slow
@pytest.mark.notebook
def test_good_report_has_html_summary_and_notebooks(batch):
    out, first, _ = batch
    demo = first[0]
    assert demo.ok, demo.error
    assert demo.html.exists() and demo.html.parent.parent == out / "demo"
    summary = json.loads((demo.run_dir / "summary.json").read_text())
    assert summary["customers"] == 5000 and summary["headline"]["customers"] == 5000
    assert 0 < summary["repeat_rate"] < 1 and summary["clv_total"] > 0
    executed = sorted(p.name for p in demo.run_dir.glob("*.ipynb"))
    assert executed == sorted(p.name for p in demo.notebooks)


@pytest.mark.slow
@pytest.mark.notebook
def test_html_has_no_code_and_no_email(batch):
    html = batch[1][0].html.read_text(encoding="utf-8")
    assert "import journeylab" not in html and "jl.load_shop" not in html
    assert 'class="jp-InputArea' not in html
    assert "Customer journey report: demo" in html
    assert "Warning" not in html and "Traceback" not in html
    assert "<img" in html and "data:image/png;base64" in html  # plots embedded: the file stands alone
    assert not EMAIL.findall(html)


@pytest.mark.slow
@pytest.mark.notebook
def test_broken_config_fails_clearly_before_any_notebook(batch):
    _, first, _ = batch
    broken = first[1]
    assert not broken.ok and broken.run_dir is None
    assert "orders.csv" in broken.error and "ordered_at" in broken.error and "not a date" in broken.error


@pytest.mark.slow
@pytest.mark.notebook
def test_failed_notebook_keeps_partial_copy_and_names_the_cell(batch):
    _, first, _ = batch
    failing = first[2]
    assert not failing.ok and failing.failed_notebook == "failing.ipynb"
    assert "cell 3" in failing.error and "ValueError" in failing.error and "on purpose" in failing.error
    partial = failing.run_dir / "failing.ipynb"
    assert partial.exists()
    nb = nbformat.read(str(partial), as_version=4)
    assert any(o.get("ename") == "ValueError" for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert not (failing.run_dir.parent / "latest").exists()  # a failed run is never 'latest'


@pytest.mark.slow
@pytest.mark.notebook
def test_runs_never_overwrite(batch):
    out, first, second = batch
    assert first[3].run_dir != second[0].run_dir
    assert first[3].html.exists() and second[0].html.exists()
    assert (out / "onetime" / "latest").resolve() == second[0].run_dir.resolve()


@pytest.mark.slow
@pytest.mark.notebook
def test_shop_without_repeat_buyers_gets_the_rest_of_its_report_in_dutch(batch):
    one_time = batch[1][3]
    assert one_time.ok, one_time.error
    html = one_time.html.read_text(encoding="utf-8")
    assert "Dit deel van het rapport is leeg:" in html and "herhaal" in html.lower()
    assert "Datakwaliteit" in html and "RFM-segmenten" in html  # the other sections are there
    summary = json.loads((one_time.run_dir / "summary.json").read_text())
    assert summary["customers"] == 3 and summary["headline"]["clv_total"] is None


SCHEMA = ROOT / "journeylab" / "report" / "summary.schema.json"


@pytest.mark.slow
@pytest.mark.notebook
def test_summary_json_follows_its_documented_schema(batch):
    """summary.json of the demo (English, findings) and of a tiny Dutch shop (no model, no findings) are valid
    against the JSON Schema shipped with journeylab; findings carry their text, tables their own counts."""
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    demo, one_time = batch[1][0], batch[1][3]
    for run in (demo, one_time):
        summary = json.loads((run.run_dir / "summary.json").read_text(encoding="utf-8"))
        jsonschema.validate(summary, schema)
    demo_summary = json.loads((demo.run_dir / "summary.json").read_text(encoding="utf-8"))
    assert demo_summary["language"] == "en" and len(demo_summary["findings"]) == 3
    assert all(f["finding"] and f["action"] and f["evidence"] for f in demo_summary["findings"])
    tables = demo_summary["tables"]
    assert tables["orders"]["read"] == tables["orders"]["kept"] + tables["orders"]["dropped"]
    assert set(tables) >= {"orders", "order_lines", "products", "events"} and "rows_read" not in demo_summary
    small = json.loads((one_time.run_dir / "summary.json").read_text(encoding="utf-8"))
    assert small["language"] == "nl" and small["findings"] == [] and small["tables"]["orders"]["kept"] == 3
    # segments by id, as statuses and phases, whatever the report's language
    from journeylab.i18n import SEGMENTS
    assert set(demo_summary["rfm_segments"]) == set(small["rfm_segments"]) == set(SEGMENTS)
    assert sum(demo_summary["rfm_segments"].values()) == demo_summary["customers"]
    # the schema says what is wrong: a finding without its text is refused
    broken = dict(demo_summary, findings=[{k: v for k, v in demo_summary["findings"][0].items() if k != "finding"}])
    with pytest.raises(jsonschema.ValidationError, match="'finding' is a required property"):
        jsonschema.validate(broken, schema)


def test_cli_batch_exit_code(tmp_path):
    (tmp_path / "bad.yaml").write_text("name: bad\ntables:\n  orders: nowhere.csv\n")
    res = subprocess.run([sys.executable, "-m", "journeylab", "report", str(tmp_path / "bad.yaml"), "--out",
                          str(tmp_path / "out"), "--no-progress"], capture_output=True, text=True)
    assert res.returncode == 1
    assert "[failed] bad" in res.stdout and "does not exist" in res.stdout and "Traceback" not in res.stderr


@pytest.mark.slow
@pytest.mark.notebook
def test_no_personal_data_in_any_output_of_a_report(batch):
    from journeylab.data.pii import find_pii

    run = batch[1][4]
    assert run.ok, run.error
    raw = (ROOT / "tests" / "fixtures" / "shopify_orders_export.csv").read_text(encoding="utf-8")
    assert find_pii(raw)  # the export really holds e-mail addresses and phone numbers
    names = ["Anna Jansen", "Dorpsstraat", "anna.jansen"]
    assert all(n in raw for n in names)
    # The PDF is Chromium's print of the HTML checked here; its compressed streams are not text.
    files = [p for p in run.run_dir.rglob("*") if p.is_file() and p.suffix != ".pdf"]
    assert {p.suffix for p in files} >= {".html", ".ipynb", ".json"}
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="ignore")
        assert not find_pii(text), (path.name, find_pii(text)[:3])
        assert not [n for n in names if n in text], path.name


@pytest.mark.slow
@pytest.mark.notebook
def test_the_appendix_counts_each_audience_as_the_run_records_it(batch):
    """Issue 18, point 1: the audiences' counts are in the report (its appendix and tables/audiences.csv), the
    same as summary.json's, in the report's language."""
    for run in batch[1]:
        if run.client not in ("demo", "demo-nl"):
            continue
        recorded = json.loads((run.run_dir / "summary.json").read_text())["audiences"]["counts"]
        shown = pd.read_csv(run.run_dir / "tables" / "audiences.csv")
        assert len(shown) == len(recorded) > 20
        assert sorted(shown.iloc[:, 1]) == sorted(recorded.values())  # summary.json keeps them by id, sorted
        champions = "RFM-segment: Topklanten" if run.client == "demo-nl" else "RFM segment: Champions"
        assert shown.set_index(shown.columns[0]).iloc[:, 0][champions] == recorded["segment_champions"] > 0
        heading = "Doelgroepen: wie u kunt benaderen" if run.client == "demo-nl" else "Audiences: whom to reach"
        assert heading in run.html.read_text(encoding="utf-8")


def _pdf_pages(pdf: Path) -> list[list[str]]:
    """The non-empty lines of each page of ``pdf`` (pdftotext), the footer included."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in text.split("\f")]


@pytest.mark.skipif(find_chromium() is None or shutil.which("pdftotext") is None,
                    reason="needs Chromium and pdftotext: apt-get install chromium poppler-utils (.ci/run does)")
@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_the_executive_summary_is_one_page_of_the_pdf_after_the_cover(batch, lang, tmp_path):
    from journeylab.i18n import t
    from journeylab.report.run import page_screenshots
    from journeylab.report.sections import HEADLINE

    run = {r.client: r for r in batch[1]}["demo" if lang == "en" else "demo-nl"]
    assert run.pdf is not None and run.pdf.read_bytes()[:4] == b"%PDF"
    pages = _pdf_pages(run.pdf)
    summary = [n for n, lines in enumerate(pages) if lines and lines[0] == t("executive_summary", lang)]
    assert summary == [2], [p[:1] for p in pages]  # after the cover and the contents
    page = "\n".join(pages[2])
    # its five numbers with their meaning, the findings and what the data could not tell: all on this page
    for key, label, _ in HEADLINE:
        assert t("meaning_" + key, lang).format(h=12)[:25] in " ".join(page.split()), key
    assert t("findings", lang) in page and t("data_limits", lang) in page
    assert "3." in page  # the third finding
    assert pages[3][0] == t("data_quality", lang)  # the next section starts the next page
    # the first screen on a laptop shows the configured title (the cover), drawn, not only in the page's source
    page_screenshots(run.html, [(None, tmp_path / "first.png")], width=1280, height=900, media="screen")
    from PIL import Image

    top = Image.open(tmp_path / "first.png").convert("L").crop((0, 0, 1280, 200))
    assert (np.asarray(top) < 90).sum() > 200  # dark title text in the top band
    assert f"{t('report_title', lang)}: {run.client}" in run.html.read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.notebook
def test_no_pdf_skips_chromium(tmp_path, monkeypatch):
    """--no-pdf: HTML and summary as always, Chromium never started (a fake one would leave a trace), the note says why."""
    trace = tmp_path / "chromium_was_called"
    fake = tmp_path / "fake-chromium"
    fake.write_text(f"#!/bin/sh\ntouch {trace}\n")
    fake.chmod(0o755)
    monkeypatch.setenv("JOURNEYLAB_CHROMIUM", str(fake))
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,customer_id,ordered_at,revenue\n1,a,2024-01-01,10\n2,a,2024-02-01,5\n")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("shop_config = None"), nbformat.v4.new_code_cell("print('one cell')")]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp_path / "one.ipynb"))
    (tmp_path / "c.yaml").write_text(f"name: nopdf\ntables:\n  orders: {orders}\nreport:\n  notebooks: [one.ipynb]\n")
    res = subprocess.run([sys.executable, "-m", "journeylab", "report", str(tmp_path / "c.yaml"), "--out",
                          str(tmp_path / "out"), "--no-progress", "--no-pdf"], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "[ok]     nopdf" in res.stdout and "no PDF: skipped (--no-pdf)" in res.stdout
    assert "without encryption" not in res.stderr  # the kernel talks over IPC files, not TCP ports
    run = (tmp_path / "out" / "nopdf" / "latest").resolve()
    assert (run / "report.html").exists() and (run / "summary.json").exists()
    assert not (run / "report.pdf").exists() and not trace.exists()
    record = json.loads((tmp_path / "out" / "last_batch.json").read_text())[0]
    assert record["pdf"] is None and record["pdf_note"] == "no PDF: skipped (--no-pdf)"
    # without --no-pdf the (fake) Chromium is started
    res = subprocess.run([sys.executable, "-m", "journeylab", "report", str(tmp_path / "c.yaml"), "--out",
                          str(tmp_path / "out"), "--no-progress"], capture_output=True, text=True)
    assert res.returncode == 0 and trace.exists()


def test_record_writes_figures_that_cannot_be_computed_as_null(tmp_path):
    import json as _json

    import numpy as _np

    from journeylab.report.run import record
    record(tmp_path, {"repeat_rate": float("nan"), "clv": _np.float64("inf"), "n": _np.int64(3), "ok": 0.5})
    data = _json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert data == {"repeat_rate": None, "clv": None, "n": 3, "ok": 0.5}


def test_report_kernels_run_side_by_side_in_one_folder_over_private_sockets(tmp_path, capfd):
    """Kernels of a batch or of parallel tests start in the same folder (the notebooks'); Jupyter's default
    IPC path there ("kernel-ipc") would be shared and their messages mixed ("Invalid Signature")."""
    from concurrent.futures import ThreadPoolExecutor

    import papermill as pm

    from journeylab.report.kernel import ReportKernelManager

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 0"), nbformat.v4.new_code_cell("import time\ntime.sleep(1)\nprint(x * 10)")]
    nb.cells[0].metadata["tags"] = ["parameters"]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(tmp_path / "in.ipynb"))

    def run(i):
        out = tmp_path / f"out{i}.ipynb"
        pm.execute_notebook(str(tmp_path / "in.ipynb"), str(out), parameters={"x": i}, progress_bar=False,
                            kernel_name="python3", kernel_manager_class=ReportKernelManager, cwd=str(tmp_path))
        return nbformat.read(str(out), as_version=4).cells[-1].outputs[0]["text"]

    with ThreadPoolExecutor(3) as pool:
        assert list(pool.map(run, [1, 2, 3])) == ["10\n", "20\n", "30\n"]
    assert not list(tmp_path.glob("kernel-ipc*"))  # no sockets in the working folder
    err = capfd.readouterr().err
    assert "without encryption" not in err and "KeyboardInterrupt" not in err and "Invalid Signature" not in err


def test_the_kernel_s_own_log_goes_to_a_private_file_not_to_the_terminal(tmp_path, capfd, caplog):
    """A kernel shut down while it publishes its status logs a zmq traceback to its stderr on a loaded machine
    (it broke a batch's promise of a clean terminal): the kernel's stderr is a file in its private folder,
    passed on to the journeylab.report.kernel logger (DEBUG) when the kernel is gone."""
    import logging
    import os

    from jupyter_core.utils import run_sync

    from journeylab.report.kernel import ReportKernelManager

    km = ReportKernelManager(kernel_name="python3")
    run_sync(km.start_kernel)(cwd=str(tmp_path))
    folder = Path(km._socket_dir)
    try:
        stderr_target = os.readlink(f"/proc/{km.provisioner.pid}/fd/2")
        assert stderr_target == str(folder / "kernel.log")
        # what the kernel process writes to its stderr (not a cell's output: that is a message) lands there
        from jupyter_client import BlockingKernelClient

        client = BlockingKernelClient()
        client.load_connection_info(km.get_connection_info())
        client.start_channels()
        client.wait_for_ready(timeout=60)
        client.execute("from ipykernel.kernelapp import IPKernelApp\n"
                       "IPKernelApp.instance().log.error('KERNEL-LOG-LINE')")  # as the shutdown race logs
        client.get_shell_msg(timeout=60)
        client.stop_channels()
    finally:
        with caplog.at_level(logging.DEBUG, logger="journeylab.report.kernel"):
            run_sync(km.shutdown_kernel)(now=False)
    assert "KERNEL-LOG-LINE" not in capfd.readouterr().err
    assert any("KERNEL-LOG-LINE" in r.getMessage() for r in caplog.records)
    assert not folder.exists()


def test_a_report_runs_its_notebooks_in_one_kernel_cleared_between_them(tmp_path):
    """report.kernel: the second notebook runs in the first one's kernel (same process, modules already
    imported) but sees none of its names or figures, and the kernel is gone when the run ends."""
    import os as _os

    import papermill as pm

    from journeylab.report.kernel import ENGINE, KERNEL, report_kernels

    def notebook(name: str, *sources: str) -> Path:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, str(tmp_path / name))
        return tmp_path / name

    first = notebook("a.ipynb", "import os, sys, matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
                                "leak = 1\nplt.figure()\nsys.modules['json'].journeylab_mark = 1\nprint(os.getpid())")
    second = notebook("b.ipynb", "import os, sys, matplotlib.pyplot as plt\n"
                                 "print(os.getpid(), 'leak' in globals(), len(plt.get_fignums()), "
                                 "hasattr(sys.modules['json'], 'journeylab_mark'))")
    with report_kernels() as kernels:
        outs = []
        for src in (first, second):
            out = tmp_path / f"out_{src.name}"
            pm.execute_notebook(str(src), str(out), progress_bar=False, engine_name=ENGINE, kernel_name=KERNEL,
                                km=kernels.kernel(tmp_path), cwd=str(tmp_path))
            outs.append(nbformat.read(str(out), as_version=4).cells[-1].outputs[-1]["text"].split())
        km = kernels.kernel(tmp_path)
        pid = km.provisioner.process.pid
    assert outs[1][0] == outs[0][0] == str(pid)  # one kernel
    assert outs[1][1:] == ["False", "0", "True"]  # names and figures cleared, imported modules kept
    with pytest.raises(ProcessLookupError):
        _os.kill(pid, 0)


@pytest.fixture(scope="module")
def texts(batch) -> dict[str, list[str]]:
    """The visible texts of the batch's demo report in English and in Dutch."""
    runs = {r.client: r for r in batch[1]}
    assert runs["demo"].ok and runs["demo-nl"].ok, (runs["demo"].error, runs["demo-nl"].error)
    return {"en": report_texts(runs["demo"].run_dir), "nl": report_texts(runs["demo-nl"].run_dir),
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


@pytest.mark.slow
@pytest.mark.notebook
def test_the_dutch_report_shows_no_english_label(texts, shop_data):
    assert len(texts["nl"]) > 200 and len(texts["en"]) > 200
    same = untranslated(texts["nl"], texts["en"], shop_data | set(texts["names"]))
    assert not same, f"{len(same)} texts of the Dutch report are in the English one too:\n" + "\n".join(
        repr(t) for t in same)


@pytest.mark.slow
@pytest.mark.notebook
def test_the_dutch_report_shows_no_english_text_of_i18n(texts):
    english = english_words(texts["nl"])
    assert not english, "English texts of journeylab.i18n in the Dutch report:\n" + "\n".join(map(repr, english))


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_no_identifier_is_shown(texts, shop_data, lang):
    shown = snake_case(texts[lang], shop_data)
    assert not shown, f"snake_case identifiers in the {lang} report:\n" + "\n".join(repr(t) for t in shown)


def figure_alts(notebook: Path) -> list[tuple[str, list[str]]]:
    """(alt text, texts drawn) of every figure an executed report notebook shows (Page.figure's output)."""
    nb = nbformat.read(str(notebook), as_version=4)
    return [(o["metadata"]["image/png"]["alt"], o["metadata"].get("journeylab", {}).get("texts", []))
            for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if "image/png" in o.get("data", {})]

# The report's sections (label keys of their headings) in order: each has its intro (i18n "section_intro_" + key)
READER_SECTIONS = ("executive_summary", "data_quality", "customer_summary", "customers_rfm", "churn_clv",
                   "journey_section", "involvement_section", "glossary", "appendix")


def reader_check(html: str, lang: str) -> None:
    """Issue 15, point 2 on a built demo report: every section heading is followed by its two-sentence intro;
    the first page lists what the data could not tell; the glossary and then the appendix end the report;
    the technical tables (model scores and parameters, the full low/high table, the phase rules) are in the
    appendix, and the main body points to them."""
    from _report_text import html_texts
    from journeylab.i18n import t

    texts = html_texts(html)
    start = texts.index(t("contents", lang)) + 1
    names = [t(k, lang) for k in READER_SECTIONS]
    assert texts[start:start + len(names)] == names  # the contents: exactly these sections, in this order
    at = start + len(names) - 1
    for key in READER_SECTIONS:
        at = texts.index(t(key, lang), at + 1)
        assert texts[at + 1] == t("section_intro_" + key, lang), (key, texts[at + 1])
        if key == "glossary":
            glossary_at = at
    body, back = texts[start + len(names):glossary_at], texts[at:]
    assert t("data_limits", lang) in body
    for key in ("appendix_see_models", "appendix_see_comparison", "appendix_see_rules"):
        assert t(key, lang) in body, key
    for key in ("model_scores", "parameters", "comparison_full", "phase_rules", "holdout_actual_total", "lower_95",
                "difference_ci", "rule_meaning"):
        assert t(key, lang) not in body and t(key, lang) in back, key


@pytest.mark.slow
@pytest.mark.notebook
def test_every_figure_says_what_it_shows(batch):
    """Issue 15, point 3: every image has alt text saying what it shows: a sentence, not only its title."""
    runs = {r.client: r for r in batch[1]}
    for client in ("demo", "demo-nl"):
        alts = [a for nb in sorted(runs[client].run_dir.glob("0*.ipynb")) for a in figure_alts(nb)]
        assert len(alts) >= 10, client
        bare = [alt for alt, texts in alts if not alt.endswith(".") or alt in texts]
        assert not bare, f"figures of the {client} report whose alt text is only a title: {bare}"


@pytest.mark.slow
@pytest.mark.notebook
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_a_shop_owner_can_read_the_demo_report(batch, lang):
    run = {r.client: r for r in batch[1]}["demo" if lang == "en" else "demo-nl"]
    reader_check(run.html.read_text(encoding="utf-8"), lang)
