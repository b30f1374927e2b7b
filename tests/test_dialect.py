"""journeylab.data.dialect: the one home of identifier quoting, string and time stamp literals in both engines."""
from __future__ import annotations

import pandas as pd
import pytest

from journeylab.data.dialect import DUCKDB, SPARK, Dialect, as_dialect
from journeylab.data.engine import connect

AWKWARD = ['plain', "it's", 'say "hi"', "back\\slash", "back\\'quote", "Ünïcode €", "a`b", ""]


@pytest.mark.parametrize("text", AWKWARD)
def test_duckdb_string_and_identifier_read_back_unchanged(text):
    con = connect()
    assert con.execute(f"SELECT {DUCKDB.string(text)}").fetchone()[0] == text
    if text:
        cols = con.execute(f"SELECT 1 AS {DUCKDB.ident(text)}").description
        assert cols[0][0] == text


def test_spellings_per_engine():
    assert DUCKDB.string("it's") == "'it''s'"
    assert SPARK.string("a\\b'c") == "'a\\\\b\\'c'"
    assert DUCKDB.ident('x"y') == '"x""y"'
    assert SPARK.ident("x`y") == "`x``y`"


def test_as_dialect():
    assert as_dialect("spark") is SPARK and as_dialect("duckdb") is DUCKDB and as_dialect(SPARK) is SPARK
    assert as_dialect(Dialect("duckdb")) == DUCKDB


def test_timestamp_literal_keeps_microseconds():
    con = connect()
    ts = pd.Timestamp("2024-03-05 06:07:08.123456")
    assert pd.Timestamp(con.execute(f"SELECT {DUCKDB.timestamp(ts)}").fetchone()[0]) == ts
    assert DUCKDB.timestamp("2024-03-05") == "TIMESTAMP '2024-03-05 00:00:00'" == SPARK.timestamp("2024-03-05")
