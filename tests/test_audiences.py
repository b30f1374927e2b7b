"""Audiences (issue 18, points 1 and 2): every audience's rows satisfy its filter and the partitions add up; no
e-mail address in any exported file; re-identification round-trips and writes only where the user chose."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import journeylab as jl
from journeylab.data.pii import find_pii, pseudonym, pseudonymise_id, pseudonymise_ids_sql
from journeylab.errors import ConfigError
from journeylab.journey.audiences import EXPORT_COLUMNS, audiences, load_audiences
from journeylab.report.audiences import write_audiences
from journeylab.simulate import simulate_shop

SECRET = "test-secret-for-audiences"

# The built-in targets' filters, written again in pandas: the rows DuckDB selects must be exactly these.
TARGETS = {
    "high_involvement_checkout_abandoned": lambda f: (f["involvement"] == "high") & (f["days_since_abandoned_checkout"] <= 14),
    "champions_without_review": lambda f: (f["segment"] == "champions") & (f["n_reviews"] == 0),
    "at_risk_high_clv": lambda f: (f["status"] == "at_risk") & (f["clv_percentile"] >= 0.75),
    "one_time_buyers_alive": lambda f: (f["n_orders"] == 1) & f["status"].isin(["active", "too_early"]),
    "lost_repeat_customers": lambda f: (f["status"] == "lost") & (f["n_orders"] >= 2),
}


def _email(cid: str) -> str:
    return f"Person.{cid}@Example.org"


@lru_cache(maxsize=1)
def _tables():
    """A simulated shop whose customer ids are e-mail addresses, plus one high-involvement visitor who abandoned
    checkout three days before the end."""
    sim = simulate_shop(600, seed=8)
    t = {k: v.copy() for k, v in sim.tables().items()}
    t["orders"]["customer_id"] = t["orders"]["customer_id"].map(_email)
    t["reviews"]["customer_id"] = t["reviews"]["customer_id"].map(_email)
    ev = t["events"]
    ev["customer_id"] = ev["customer_id"].map(lambda c: _email(c) if isinstance(c, str) else c)
    high = t["products"].loc[t["products"]["involvement"] == "high", "product_id"].iloc[0]
    at = sim.observation_end - pd.Timedelta(days=3)
    extra = pd.DataFrame({"user_id": "u_cart", "session_id": "s_cart", "ts": [at, at + pd.Timedelta(minutes=2)],
                          "event_type": ["product_view", "begin_checkout"], "channel": "direct", "product_id": high})
    t["events"] = pd.concat([ev, extra], ignore_index=True)
    return t, str(sim.observation_end.date())


@pytest.fixture(scope="module")
def aud():
    mp = pytest.MonkeyPatch()
    mp.setenv("JOURNEYLAB_SECRET", SECRET)
    tables, end = _tables()
    shop = jl.load_shop({"name": "aud", "observation_end": end, "tables": tables})
    yield audiences(shop, lang="nl")
    mp.undo()


def test_every_audience_holds_exactly_the_rows_of_its_filter_and_partitions_add_up(aud):
    f = aud.frame
    counts = aud.counts()
    for aid, a in aud.audiences.items():
        want = f.index[f[a.by] == a.value] if a.kind == "partition" else f.index[TARGETS[aid](f).fillna(False)]
        assert sorted(aud.members[aid]) == sorted(want), aid
        assert counts.loc[aid, "persons"] == len(want)
    for by in ("segment", "phase", "status", "involvement"):
        part = counts[counts["by"] == by]
        assert len(part) >= 2 and part["persons"].sum() == f[by].notna().sum(), by
    assert set(TARGETS) <= set(aud.audiences)
    assert len(aud.members["high_involvement_checkout_abandoned"]) >= 1  # the visitor added above
    assert "u_cart" in aud.members["high_involvement_checkout_abandoned"]
    table = aud.table("at_risk_high_clv")
    assert list(table.columns) == list(EXPORT_COLUMNS) and len(table) == counts.loc["at_risk_high_clv", "persons"]
    assert (table["status"] == "risico").all() and table["suggested_action"].str.len().gt(10).all()
    assert f["next_purchase_date"].notna().any() and f["p_alive"].notna().any()


def test_exports_hold_no_email_and_reidentification_round_trips(aud, tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNEYLAB_SECRET", SECRET)
    key = SECRET.encode()
    customers = sorted({c for c in aud.frame.index[aud.frame["is_customer"]]})
    assert all(c.startswith("pii-") for c in customers)  # the loader pseudonymised the e-mail ids
    # the shop's own customer file: its own ids are the e-mail addresses (so matched through their pseudonym)
    originals = {pseudonym(_email(f"c{i}"), key): _email(f"c{i}") for i in range(1, 601)}
    crm = tmp_path / "crm"
    crm.mkdir()
    pd.DataFrame({"customer_id": list(originals.values()), "email": list(originals.values())}).to_csv(
        crm / "customers.csv", index=False)
    out, private = tmp_path / "export", tmp_path / "private"
    with pytest.raises(ConfigError, match="outside"):
        write_audiences(aud, out, reidentify=crm / "customers.csv", reidentified_out=out / "emails")
    result = write_audiences(aud, out, layout="klaviyo", reidentify=crm / "customers.csv", reidentified_out=private)
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len(written) == len(aud.audiences) + 2
    for path in written:
        assert find_pii(path.read_text(encoding="utf-8-sig")) == [], path
    manifest = json.loads((out / "audiences.json").read_text("utf-8"))
    assert manifest["reidentified_out"] == str(private.resolve())
    assert {a["id"]: a["persons"] for a in manifest["audiences"]} == {k: len(v) for k, v in aud.members.items()}
    # the copy with e-mail addresses: only in the folder chosen, each address the one behind the pseudonym
    champions = pd.read_csv(private / "segment_champions.csv", encoding="utf-8-sig")
    assert list(champions.columns[:2]) == ["Email", "customer_id"]
    assert len(champions) == len(aud.members["segment_champions"]) and result.matched >= len(champions)
    assert all(originals[c] == e for c, e in zip(champions["customer_id"], champions["Email"]))
    assert set(result.reidentified_files) == set(aud.audiences)
    assert not any(p.is_relative_to(out) for p in result.reidentified_files.values())


def test_reidentification_by_a_plain_customer_number(tmp_path, monkeypatch):
    """A shop whose ids are customer numbers: the customer file's id is matched as the loader keeps it."""
    monkeypatch.setenv("JOURNEYLAB_SECRET", SECRET)
    from journeylab.report.audiences import read_customer_file

    path = tmp_path / "customers.csv"
    path.write_text("ID;E-mail\n17850;a@b.nl\n+31 6 1234 5678;c@d.nl\n", encoding="utf-8")
    mapping = read_customer_file(path, SECRET.encode())
    assert mapping["17850"] == "a@b.nl" and mapping[pseudonym("+31 6 1234 5678", SECRET.encode())] == "c@d.nl"
    assert mapping[pseudonym("a@b.nl", SECRET.encode())] == "a@b.nl"


def test_pseudonymise_id_is_the_loaders_rule():
    import duckdb

    key = b"k"
    values = ["a.b@example.com", " 06-12345678 ", "17850", "c123", "+31 6 1234 5678", "x mail@y.org"]
    con = duckdb.connect()
    con.register("v", pd.DataFrame({"x": values}))
    sql = con.execute(f"SELECT {pseudonymise_ids_sql('x', key)} FROM v").fetchnumpy()
    got = list(next(iter(sql.values())))
    assert got == [pseudonymise_id(v, key) for v in values]


def test_audience_files_are_checked():
    with pytest.raises(ConfigError, match="both|every language|nl"):
        load_audiences({"version": "x", "audiences": [{"id": "mine", "filter": "n_orders > 0", "name": {"en": "Mine"},
                                                       "action": {"en": "a", "nl": "b"}}]})
    with pytest.raises(ConfigError, match="snake_case"):
        load_audiences({"version": "x", "audiences": [{"id": "Mine!", "filter": "1=1", "name": {"en": "a", "nl": "b"},
                                                       "action": {"en": "a", "nl": "b"}}]})
    with pytest.raises(ConfigError, match="partition"):
        load_audiences({"version": "x", "partitions": [{"by": "channel", "name": {"en": "{value}", "nl": "{value}"}}]})
    defs = load_audiences()
    assert defs.version and {a.id for a in defs.targets} == set(TARGETS)


def test_a_client_file_and_a_bad_filter(aud):
    own = {"version": "own/1", "audiences": [{"id": "big_spenders", "filter": "clv > 100",
                                              "name": {"en": "Big spenders", "nl": "Grote kopers"},
                                              "action": {"en": "Thank them.", "nl": "Bedank ze."}}]}
    mine = audiences(None, lang="en", source=own, frame=aud.frame)
    assert list(mine.audiences) == ["big_spenders"]
    assert sorted(mine.members["big_spenders"]) == sorted(aud.frame.index[aud.frame["clv"] > 100])
    own["audiences"][0]["filter"] = "no_such_column > 1"
    with pytest.raises(ConfigError, match="big_spenders"):
        audiences(None, source=own, frame=aud.frame)


def test_cli_audiences_with_a_mailchimp_layout(tmp_path, monkeypatch):
    """`journeylab audiences CONFIG --out DIR --reidentify ...`: customer numbers as ids, e-mails from the CRM."""
    from journeylab.cli import main
    from journeylab.simulate import write_shop

    monkeypatch.setenv("JOURNEYLAB_SECRET", SECRET)
    config = write_shop(tmp_path / "shop", 150, seed=2, name="cli")
    crm = tmp_path / "crm.csv"
    pd.DataFrame({"customer_id": [f"c{i}" for i in range(1, 151)],
                  "email": [f"k{i}@shop.example" for i in range(1, 151)]}).to_csv(crm, index=False)
    out, private = tmp_path / "out", tmp_path / "private"
    code = main(["audiences", str(config), "--out", str(out), "--layout", "mailchimp", "--reidentify", str(crm),
                 "--reidentified-out", str(private)])
    assert code == 0
    for path in out.rglob("*"):
        if path.is_file():
            assert find_pii(path.read_text(encoding="utf-8-sig")) == []
    status = pd.read_csv(private / "status_lost.csv", encoding="utf-8-sig")
    assert status.columns[0] == "Email Address" and len(status) > 0
    assert all(e == f"k{c[1:]}@shop.example" for c, e in zip(status["customer_id"], status["Email Address"]))
    assert main(["audiences", str(config), "--out", str(out), "--reidentify", str(crm)]) == 2  # no folder for e-mails


def test_formulas_are_neutralised(aud, tmp_path):
    own = {"version": "own/1", "audiences": [{"id": "all_customers", "filter": "is_customer",
                                              "name": {"en": "=HYPERLINK(\"x\")", "nl": "=HYPERLINK(\"x\")"},
                                              "action": {"en": "=1+1", "nl": "@SUM(A1)"}}]}
    mine = audiences(None, lang="en", source=own, frame=aud.frame)
    write_audiences(mine, tmp_path)
    text = (tmp_path / "all_customers.csv").read_text(encoding="utf-8-sig")
    assert "\"'=1+1\"" in text and not np.any(["\"=1+1" in line for line in text.splitlines()])
    assert "'=HYPERLINK" in Path(tmp_path / "audience_counts.csv").read_text(encoding="utf-8-sig")
