"""RFM scores, tie and low-variation rules, segment map loading/overrides, segment table."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from journeylab.errors import ConfigError, DataError
from journeylab.i18n import LANGUAGES, SEGMENT_ACTIONS, SEGMENTS, segment_action, segment_label
from journeylab.models.rfm import load_segment_map, rfm_segments, segment_table


def shop_summary(n: int = 1000, seed: int = 0) -> pd.DataFrame:
    """A summary with the lead's extra columns; order counts vary enough for quintiles."""
    rng = np.random.default_rng(seed)
    n_orders = rng.integers(1, 30, n)
    T = rng.uniform(30, 700, n)
    recency = np.where(n_orders > 1, rng.uniform(0, 1, n) * T, 0.0)
    aov = rng.gamma(4, 15, n)
    return pd.DataFrame({"frequency": n_orders - 1.0, "recency": recency, "T": T,
                         "monetary_value": aov, "n_orders": n_orders, "total_revenue": aov * n_orders},
                        index=pd.Index([f"c{i}" for i in range(n)], name="customer_id"))


def test_default_map_is_versioned_complete_and_bilingual():
    smap = load_segment_map()
    assert smap.version.startswith("rfm-segments/")
    names = list(smap.table["id"])
    assert names == ["champions", "loyal_customers", "potential_loyalists", "new_customers", "promising",
                     "need_attention", "about_to_sleep", "cant_lose_them", "at_risk", "hibernating", "lost"]
    assert {"Topklanten", "Trouwe klanten"} <= {segment_label(i, "nl") for i in smap.table["id"]}
    assert pd.DataFrame([[segment_action(i, lang) for lang in LANGUAGES] for i in smap.table["id"]]).map(len).min().min() > 10
    assert set(smap.table["phase"]) == {"purchase", "upsell", "ambassador"}
    r, fm = np.meshgrid(np.arange(1, 6), np.arange(1, 6))
    assert (smap.lookup(r.ravel(), fm.ravel()) >= 0).all()


def _scored(values) -> pd.DataFrame:
    """RFM of customers whose mean order value and time since the last order are both ``values``."""
    v = np.asarray(values, dtype=float)
    return rfm_segments(pd.DataFrame({"frequency": 1.0, "recency": 0.0, "T": v, "monetary_value": v}))


def test_quintile_scores_give_ties_one_score_and_balanced_groups():
    s = np.arange(100, dtype=float)
    assert _scored(s)["M"].value_counts().to_dict() == {1: 20, 2: 20, 3: 20, 4: 20, 5: 20}
    assert _scored(s)["R"].iloc[0] == 5  # the shortest time since the last order scores highest
    sc = _scored([1.0] * 50 + list(range(2, 52)))["M"]
    assert sc.iloc[:50].nunique() == 1 and sc.iloc[-1] == 5
    assert sc.iloc[0] == 2  # ceil(5 * 25.5 / 100): a big tie lands in the middle of its block


def test_scores_and_segments_on_a_shop(tmp_path):
    df = shop_summary()
    rfm = rfm_segments(df)
    assert rfm.index.equals(df.index)
    np.testing.assert_allclose(rfm["recency"], df["T"] - df["recency"])
    assert rfm.attrs["f_rule"].startswith("quintiles")
    for c in "RFM":
        assert rfm[c].between(1, 5).all() and rfm[c].nunique() == 5
    # most recent buyers get R = 5, the highest spenders M = 5
    assert rfm.loc[rfm["recency"].idxmin(), "R"] == 5
    assert rfm.loc[(df["total_revenue"] / df["n_orders"]).idxmax(), "M"] == 5
    assert (rfm["rfm"] == rfm["R"].astype(str) + rfm["F"].astype(str) + rfm["M"].astype(str)).all()
    champs = rfm[rfm["segment"] == "champions"]
    assert (champs["R"] == 5).all() and (champs["FM"] >= 4).all()
    assert (rfm.loc[rfm["segment"] == "lost", "R"] == 1).all()
    assert rfm["segment"].notna().all()


def test_when_most_customers_order_once_f_uses_fixed_order_counts():
    df = shop_summary()
    df["n_orders"] = np.where(np.arange(len(df)) % 10 < 7, 1, df["n_orders"])  # 70% one-time buyers
    rfm = rfm_segments(df)
    assert rfm.attrs["f_rule"].startswith("fixed order counts")
    expect = pd.cut(df["n_orders"], [0, 1, 2, 3, 5, np.inf], labels=[1, 2, 3, 4, 5]).astype(int)
    assert (rfm["F"] == expect).all()


def test_lifetimes_summary_without_order_columns_is_accepted():
    from lifetimes.datasets import load_cdnow_summary_data_with_monetary_value

    df = load_cdnow_summary_data_with_monetary_value()
    rfm = rfm_segments(df)
    assert (rfm["frequency"] == df["frequency"] + 1).all()
    with pytest.raises(DataError, match="monetary_value"):
        rfm_segments(df.drop(columns="monetary_value"))


def test_override_map_from_yaml_file(tmp_path):
    custom = {"version": "acme/2", "segments": [
        {"id": "hot", "name": {"en": "Hot", "nl": "Heet"}, "r": [4, 5], "fm": [1, 5], "phase": "upsell",
         "action": {"en": "Sell more now.", "nl": "Verkoop nu meer."}},
        {"id": "cold", "name": {"en": "Cold", "nl": "Koud"}, "r": [1, 3], "fm": [1, 5], "phase": "purchase",
         "action": {"en": "Wake them up.", "nl": "Maak ze wakker."}},
    ]}
    path = tmp_path / "map.yaml"
    path.write_text(yaml.safe_dump(custom))
    rfm = rfm_segments(shop_summary(), segment_map=path)
    assert set(rfm["segment"]) == {"hot", "cold"}
    assert ((rfm["segment"] == "hot") == (rfm["R"] >= 4)).all()
    assert rfm.attrs["segment_map_version"] == "acme/2"
    custom["segments"] = custom["segments"][:1]
    with pytest.raises(ConfigError, match="without a segment: R1/FM1"):
        load_segment_map(custom)
    with pytest.raises(ConfigError, match="does not exist"):
        load_segment_map(tmp_path / "nope.yaml")


def test_segment_table_sums_and_dutch_labels():
    df = shop_summary()
    rfm = rfm_segments(df)
    tab = segment_table(rfm)
    assert list(tab.index) == [segment_label(i, "en") for i in load_segment_map().table["id"]]
    assert tab["customers"].sum() == len(df)
    assert tab["share"].sum() == pytest.approx(1.0)
    assert tab["revenue"].sum() == pytest.approx(df["total_revenue"].sum())
    assert tab["revenue_share"].sum() == pytest.approx(1.0)
    champ = rfm[rfm["segment"] == "champions"]
    assert tab.loc["Champions", "mean_monetary"] == pytest.approx(champ["monetary"].mean())
    nl = segment_table(rfm, lang="nl")
    assert "Topklanten" in nl.index and nl["customers"].sum() == len(df)
    assert nl.loc["Topklanten", "action"].startswith("Beloon")


def test_public_api_names():
    import journeylab as jl

    assert jl.rfm_segments is rfm_segments and jl.segment_table is segment_table
    from journeylab.models.clv import CustomerValueModel

    assert jl.CustomerValueModel is CustomerValueModel


def test_segment_table_languages_are_i18n_languages():
    from journeylab.i18n import LANGUAGES

    assert LANGUAGES == ("en", "nl")
    with pytest.raises(ValueError, match="lang must be 'en' or 'nl'"):
        segment_table(pd.DataFrame(), lang="fr")


def test_every_built_in_segment_has_words_in_both_languages():
    """The map holds rules and ids only; the words of every built-in segment are i18n's, in en and nl."""
    smap = load_segment_map()
    ids = list(smap.table["id"])
    assert set(ids) == set(SEGMENTS) == set(SEGMENT_ACTIONS)
    assert smap.version == "rfm-segments/2"
    assert smap.table[["name", "action"]].isna().all().all()  # no words of its own
    for sid in ids:
        for lang in LANGUAGES:
            assert segment_label(sid, lang).strip() and segment_action(sid, lang).strip(), (sid, lang)
        assert segment_label(sid, "en") != segment_label(sid, "nl"), sid
    with pytest.raises(KeyError, match="no_such_segment"):
        segment_label("no_such_segment", "en")


def _two_segments(**hot) -> dict:
    return {"version": "acme/3", "segments": [
        {"id": "hot", "r": [4, 5], "fm": [1, 5], "phase": "upsell", **hot},
        {"id": "lost", "r": [1, 3], "fm": [1, 5], "phase": "purchase"},  # an id i18n knows: its words
    ]}


def test_a_custom_map_with_its_own_words_is_shown_in_both_languages():
    words = {"name": {"en": "Hot", "nl": "Heet"}, "action": {"en": "Sell more now.", "nl": "Verkoop nu meer."}}
    rfm = rfm_segments(shop_summary(), segment_map=_two_segments(**words))
    assert list(rfm["segment"].cat.categories) == ["hot", "lost"]
    en, nl = segment_table(rfm), segment_table(rfm, lang="nl")
    assert list(en.index) == ["Hot", "Lost"] and list(nl.index) == ["Heet", "Verloren"]
    assert list(nl["action"]) == ["Verkoop nu meer.", SEGMENT_ACTIONS["lost"]["nl"]]
    assert en["customers"].sum() == nl["customers"].sum() == len(rfm)
    # a segment i18n knows may give its own words, which replace i18n's
    renamed = _two_segments(**words)
    renamed["segments"][1]["name"] = {"en": "Gone", "nl": "Weg"}
    renamed["segments"][1]["action"] = {"en": "Let go.", "nl": "Laat los."}
    assert list(segment_table(rfm_segments(shop_summary(), segment_map=renamed), lang="nl").index) == ["Heet", "Weg"]


@pytest.mark.parametrize("hot", [
    {},                                                                   # no words at all
    {"name": {"en": "Hot", "nl": "Heet"}},                                # no action
    {"name": {"en": "Hot"}, "action": {"en": "Sell.", "nl": "Verkoop."}},  # a name in English only
    {"name": "Hot", "action": {"en": "Sell.", "nl": "Verkoop."}},          # not per language
    {"name": {"en": "Hot", "nl": " "}, "action": {"en": "Sell.", "nl": "Verkoop."}},
])
def test_a_custom_segment_without_words_in_both_languages_is_a_config_error(hot):
    with pytest.raises(ConfigError, match="segment hot"):
        load_segment_map(_two_segments(**hot))


def test_the_old_layout_and_bad_ids_are_config_errors():
    old = _two_segments(name="Hot", name_nl="Heet", action="Sell.", action_nl="Verkoop.")
    with pytest.raises(ConfigError, match="segment hot: name_nl, action_nl is no longer read"):
        load_segment_map(old)
    for bad in ("Hot", "hot spot", None):
        m = _two_segments(name={"en": "Hot", "nl": "Heet"}, action={"en": "Sell.", "nl": "Verkoop."})
        m["segments"][0]["id"] = bad
        with pytest.raises(ConfigError, match="snake_case"):
            load_segment_map(m)
    twice = _two_segments(id="lost")
    with pytest.raises(ConfigError, match="lost is there twice"):
        load_segment_map(twice)
