"""Since the last report (issue 18, point 3 and 4): snapshots, migration between two observation ends checked against
the simulator's truth tables, a first report that says so, run folders and the history command."""
from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pandas as pd
import journeylab as jl
from journeylab.journey.history import GONE, NOT_SEEN, compare, history_text, migration, snapshot
from journeylab.simulate import simulate_shop

# A phase model whose facts the truth tables hold exactly: sessions, orders (first and repeat purchases), and
# reviews or referrals (journey_phases takes rules as data, so this is a client's own model).
RULES = pd.DataFrame({"phase": ["awareness", "purchase", "upsell", "ambassador"],
                      "needs": ["events", "orders", "orders", "orders"],
                      "rule": ["n_sessions >= 1", "n_orders = 1", "n_orders >= 2",
                               "n_orders >= 1 AND (n_reviews > 0 OR n_referrals > 0)"]})
ENDS = (pd.Timestamp("2024-03-01"), pd.Timestamp("2024-09-01"))


@lru_cache(maxsize=1)
def _shop():
    sim = simulate_shop(400, seed=4)
    shop = jl.load_shop({"name": "hist", "observation_end": str(sim.observation_end.date()), "tables": dict(sim.tables())})
    return shop, sim


def _snapshot_at(shop, at):
    ph = jl.journey_phases(shop, at=at, rules=RULES, status=False, involvement=False)
    frame = pd.DataFrame({"is_customer": ph["n_orders"] > 0, "segment": ph["segment"], "phase": ph["phase"].astype(str),
                          "status": None, "involvement": None, "p_alive": np.nan, "expected_purchases": np.nan,
                          "clv": np.nan}, index=ph.index)
    frame.attrs.update(at=at, rules=RULES)
    return snapshot(frame)


def _truth_phases(sim, at):
    """Each person's phase at ``at`` straight from the truth tables (sessions and who bought)."""
    tr = sim.truth
    s = tr.sessions.merge(tr.customers[["user_id", "customer_id", "is_buyer"]], on="user_id")
    s["pid"] = np.where(s["is_buyer"], s["customer_id"], s["user_id"])
    s = s[s["started_at"] < at]
    n_sessions = s.groupby("pid").size()
    n_orders = s[s["kind"].isin(["first_purchase", "repeat_purchase"])].groupby("pid").size().reindex(n_sessions.index, fill_value=0)
    spoke = s[s["kind"].isin(["review", "referral"])].groupby("pid").size().reindex(n_sessions.index, fill_value=0)
    phase = pd.Series("awareness", index=n_sessions.index)
    phase[n_orders == 1] = "purchase"
    phase[n_orders >= 2] = "upsell"
    phase[(n_orders >= 1) & (spoke > 0)] = "ambassador"
    return phase


def test_migration_between_two_observation_ends_equals_the_truth():
    shop, sim = _shop()
    spans = sim.events.groupby("session_id")["ts"].agg(["min", "max"])
    for end in ENDS:  # no session runs across an end, so a session's start decides on which side its events are
        assert not ((spans["min"] < end) & (spans["max"] >= end)).any()
    earlier, later = (_snapshot_at(shop, end) for end in ENDS)
    changes = compare(earlier, later)
    a, b = (_truth_phases(sim, end) for end in ENDS)
    everyone = a.index.union(b.index)
    truth = pd.crosstab(a.reindex(everyone).fillna(NOT_SEEN).rename("from"), b.reindex(everyone).rename("to"))
    got = changes.migration["phase"]
    assert GONE not in got.columns  # nobody leaves a growing shop
    pd.testing.assert_frame_equal(got.loc[truth.index, truth.columns], truth.astype(int), check_names=False)
    assert got.to_numpy().sum() == len(everyone)
    # new customers: first purchase between the two ends, by the truth
    c = sim.truth.customers
    new_truth = set(c.loc[(c["first_purchase_at"] >= ENDS[0]) & (c["first_purchase_at"] < ENDS[1]), "customer_id"])
    assert set(changes.new_customers) == new_truth and len(new_truth) > 10
    assert changes.customers["current"] - changes.customers["previous"] == len(new_truth)
    assert changes.moved["phase"] > 0
    record = changes.to_record()
    json.dumps(record)
    assert record["new_customers"] == len(new_truth) and record["first_run"] is False


def test_a_first_report_says_plainly_that_there_is_no_earlier_one():
    shop, _ = _shop()
    changes = compare(None, _snapshot_at(shop, ENDS[1]))
    assert changes.first_run and changes.to_record() == {"first_run": True}
    assert "first report" in history_text(changes, "en") and "no earlier report" in history_text(changes, "en")
    assert "eerste rapport" in history_text(changes, "nl")


def test_migration_counts_new_gone_and_missing_values():
    a = pd.DataFrame({"segment": ["champions", "lost", None, "lost"]}, index=["x", "y", "v", "z"])
    b = pd.DataFrame({"segment": ["lost", "lost", "champions", "new_customers"]}, index=["x", "y", "v", "n"])
    table = migration(a, b, "segment", ["champions", "lost", "new_customers"])
    assert table.loc["champions", "lost"] == 1 and table.loc["lost", "lost"] == 1
    assert table.loc["none", "champions"] == 1 and table.loc[NOT_SEEN, "new_customers"] == 1
    assert table.loc["lost", GONE] == 1 and table.to_numpy().sum() == 5


def test_report_runs_snapshot_history_and_trend(tmp_path):
    """The snapshot step of a run writes the snapshot, the audiences' counts and since_last into summary.json; the
    second run compares with the first; `journeylab history` draws the trend of both."""
    from journeylab.cli import main
    from journeylab.report.history import previous_run, read_snapshot, write_run_snapshot
    from journeylab.report.run import new_run_dir, record

    shop, _ = _shop()
    opts = {"language": "en", "phase_model": "five", "clv_horizon_months": 12, "discount_rate": 0.10}
    runs = []
    for i, (stamp, customers) in enumerate([("2025-01-01 09:00", 380), ("2025-02-01 09:00", 400)]):
        run = new_run_dir(tmp_path / "reports", "hist", pd.Timestamp(stamp).to_pydatetime())
        record(run, {"headline": {"customers": customers, "revenue": 1000.0 + i, "repeat_rate": 0.5,
                                  "share_at_risk_or_lost": 0.3, "clv_total": 2000.0 - i},
                     "observation_end": f"2024-1{i + 1}-30", "language": "en", "currency": "EUR"})
        values = write_run_snapshot(run, shop, opts)
        record(run, {**values, "generated_at": f"2025-0{i + 1}-01T09:00:00"})
        runs.append((run, values))
    (first, v1), (second, v2) = runs
    assert v1["since_last"] == {"first_run": True, "previous_run": None}
    assert v2["since_last"]["first_run"] is False and v2["since_last"]["previous_run"] == first.name
    assert previous_run(second) == first and previous_run(first) is None
    assert sum(v2["audiences"]["counts"][k] for k in v2["audiences"]["counts"] if k.startswith("status_")) \
        == v2["snapshot"]["persons"]
    snap = read_snapshot(second)
    assert snap.attrs["at"] == shop.observation_end and snap.attrs["phases"][0] == "awareness"
    assert set(snap.columns) >= {"segment", "phase", "status", "p_alive", "clv"}
    out = tmp_path / "trend"
    assert main(["history", "hist", "--reports", str(tmp_path / "reports"), "--out", str(out)]) == 0
    table = pd.read_csv(out / "history.csv", encoding="utf-8-sig")
    assert list(table["customers"]) == [380, 400] and (out / "history.png").stat().st_size > 1000
    assert main(["history", "nobody", "--reports", str(tmp_path / "reports"), "--out", str(out)]) == 2


def test_history_sentence_in_both_languages():
    shop, _ = _shop()
    changes = compare(*(_snapshot_at(shop, end) for end in ENDS))
    texts = {lang: history_text(changes, lang) for lang in ("en", "nl")}
    assert texts["en"] != texts["nl"]
    assert all("{" not in text and str(len(changes.new_customers)) in text for text in texts.values())


# ---------------------------------------------------------------- figures per phase against noise (issue 18, point 3)
def _people(rng, n, upsell_share=0.3, at_risk=0.4):
    """A snapshot of ``n`` persons in three phases, customers in purchase and upsell, statuses drawn at random."""
    phase = rng.choice(["awareness", "purchase", "upsell"], size=n, p=[0.4, 0.6 - upsell_share, upsell_share])
    customer = phase != "awareness"
    status = np.where(customer, np.where(rng.random(n) < at_risk, "at_risk", "active"), None)
    frame = pd.DataFrame({"is_customer": customer, "segment": None, "phase": phase, "status": status,
                          "involvement": None, "p_alive": np.where(customer, rng.random(n), np.nan),
                          "expected_purchases": np.nan, "clv": np.where(customer, 100 * rng.random(n), np.nan)},
                         index=[f"p{i}" for i in range(n)])
    frame.attrs.update(at=pd.Timestamp("2024-01-01"), rules=pd.DataFrame({"phase": ["awareness", "purchase", "upsell"]}))
    return snapshot(frame)


def test_sampling_noise_is_rarely_called_a_change_and_a_real_shift_is():
    from journeylab.journey.history import phase_kpi_changes

    rng = np.random.default_rng(0)
    false_alarms = sum(phase_kpi_changes(_people(rng, 3000), _people(rng, 3000))["beyond_noise"].any() for _ in range(60))
    assert false_alarms <= 6  # Benjamini-Hochberg at 5%: under pure noise, any flag in at most ~5% of the tables
    kpis = phase_kpi_changes(_people(rng, 3000), _people(rng, 3000, upsell_share=0.36, at_risk=0.5))
    assert kpis.loc[("upsell", "share_of_persons"), "beyond_noise"] and kpis.loc[("upsell", "share_of_persons"), "change"] > 0
    assert kpis.loc[("upsell", "share_at_risk_or_lost"), "beyond_noise"]
    assert not kpis.loc[("awareness", "share_of_persons"), "beyond_noise"]  # 40% in both
    # the model's estimates are shown, never judged: each report fits its model again
    assert kpis.xs("clv", level="kpi")["p_value"].isna().all() and not kpis.xs("p_alive", level="kpi")["beyond_noise"].any()
    assert kpis.loc[("upsell", "share_of_persons"), "n_current"] == 3000


def test_on_the_simulator_shops_of_the_same_making_differ_by_noise_and_more_dropout_is_seen():
    """Two simulated shops from the same parameters (other seeds) show no change beyond noise; a shop whose
    low-involvement customers drop out far more often shows more upsell customers at risk or lost."""
    from journeylab.journey.audiences import person_frame
    from journeylab.journey.history import phase_kpi_changes

    def snap(seed, params=None):
        sim = simulate_shop(800, seed=seed, params=params)
        shop = jl.load_shop({"name": "noise", "observation_end": str(sim.observation_end.date()),
                             "tables": dict(sim.tables())})
        return snapshot(person_frame(shop))

    base = snap(11)
    same = phase_kpi_changes(base, snap(12))
    assert not same["beyond_noise"].any(), same[same["beyond_noise"]]
    churny = phase_kpi_changes(base, snap(12, {"low": {"bgnbd": {"a": 4.0, "b": 2.0}}}))
    row = churny.loc[("upsell", "share_at_risk_or_lost")]
    assert row["beyond_noise"] and row["change"] > 0, churny


def test_what_changed_reads_in_both_languages_with_arrows_and_a_migration_chart():
    from journeylab.report.history import kpi_change_table, migration_plot, what_changed

    rng = np.random.default_rng(1)
    earlier = _people(rng, 2000)
    later = _people(rng, 2000, upsell_share=0.4)
    changes = compare(earlier, later)
    for lang, arrow_word in (("en", "share of all persons"), ("nl", "aandeel van alle personen")):
        text = str(what_changed(changes, lang))
        assert text.startswith("**") and ("beyond noise" in text or "meer dan ruis" in text)
        table = kpi_change_table(changes.kpis, lang)
        assert arrow_word in set(table.iloc[:, 1])
        upsell = table[(table.iloc[:, 0] == table.iloc[-1, 0]) & (table.iloc[:, 1] == arrow_word)].iloc[0, -1]
        assert upsell.startswith("▲")
        assert any(c.startswith("≈ ") for c in table.iloc[:, -1])  # within noise
        assert "–" not in set(table.iloc[:, 2]) | set(table.iloc[:, 3])  # no figure the reports lack
        ax = migration_plot(changes.migration["phase"], "phase", lang)
        assert ax.figure.alt_text and "{" not in ax.figure.alt_text
        import matplotlib.pyplot as plt

        plt.close(ax.figure)
    first = str(what_changed(compare(None, later), "nl"))
    assert "eerste rapport" in first and "ruis" not in first
    # the summary opens with what changed after an earlier report, else with its introduction
    from journeylab.report.sections import Outcome, section_intro, summary_opening

    assert str(summary_opening(Outcome(True, changes), "en")).startswith("**What changed.**")
    assert summary_opening(Outcome(True, compare(None, later)), "nl") == section_intro("executive_summary", "nl")


def test_a_visitor_who_bought_since_the_last_report_moves_instead_of_leaving_and_arriving():
    """Two extracts of one shop, the earlier cut at the first end: at that same end both hold the same persons in the
    same phases, but a visitor who bought later is a user id in the earlier extract and a customer id in the full
    one. Following the later extract's user ids, nobody moved, left or arrived."""
    from journeylab.journey.history import user_aliases

    _, sim = _shop()
    cut = jl.load_shop({"name": "hist", "observation_end": str(ENDS[0].date()), "tables": dict(sim.tables())})
    full, _ = _shop()
    earlier = _snapshot_at(cut, ENDS[0])
    later = _snapshot_at(full, ENDS[0])
    aliases = user_aliases(full)
    renamed = earlier.index.isin(aliases.index) & ~earlier.index.isin(later.index)
    assert renamed.sum() >= 2  # visitors then who have bought since (few: most buyers buy in their first session)
    blind = compare(earlier, later).migration["phase"]
    assert blind[GONE].sum() == renamed.sum()
    later.attrs["aliases"] = aliases
    changes = compare(earlier, later)
    table = changes.migration["phase"]
    assert GONE not in table.columns and NOT_SEEN not in table.index
    assert changes.moved["phase"] == 0 and len(changes.new_customers) == 0
    assert table.to_numpy().sum() == len(later)
