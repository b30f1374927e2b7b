"""Attribution models against a small example computed by hand (hand_shop in _journey_data)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from journeylab.journey.attribution import MODELS, attribution, attribution_shares, markov_removal

from _journey_data import hand_shop, simulated

# Paths: u1 organic_search -> direct -> email -> conversion (touches at day 0, 1, 2; conversion 6 min
# after the last touch started); u2 organic_search -> direct -> null; u3 direct -> conversion;
# u4 social -> null.
D = 1440.0


def _decay(age_days):
    return 2.0 ** (-np.asarray(age_days) / 7.0)


def test_heuristic_models_by_hand():
    a = attribution(hand_shop()).set_index("channel")
    exp = pd.DataFrame({
        "first_touch": {"organic_search": 1, "direct": 1, "email": 0, "social": 0},
        "last_touch": {"organic_search": 0, "direct": 1, "email": 1, "social": 0},
        # u1's last non-direct touch is email; u3 has only direct touches, so direct keeps it
        "last_non_direct": {"organic_search": 0, "direct": 1, "email": 1, "social": 0},
        "linear": {"organic_search": 1 / 3, "direct": 1 / 3 + 1, "email": 1 / 3, "social": 0},
        "position_based": {"organic_search": 0.4, "direct": 0.2 + 1, "email": 0.4, "social": 0},
    })
    for m in exp:
        assert a[m].reindex(exp.index).fillna(0).to_numpy() == pytest.approx(exp[m].to_numpy()), m
    w = _decay([2 + 6 / D, 1 + 6 / D, 6 / D])
    w = w / w.sum()
    assert a.loc["organic_search", "time_decay"] == pytest.approx(w[0])
    assert a.loc["direct", "time_decay"] == pytest.approx(w[1] + 1)
    assert a.loc["email", "time_decay"] == pytest.approx(w[2])
    for m in MODELS:
        assert a[m].sum() == pytest.approx(2)  # two conversions
    # the models' definitions: an i18n label in both languages, not text cut from the module's docstring
    from journeylab.i18n import t
    assert a.attrs["definition"] == "definition_attribution"
    assert all(t(m, lang) in t(a.attrs["definition"], lang) for m in MODELS for lang in ("en", "nl"))  # by their names


def test_markov_removal_by_hand():
    a = attribution(hand_shop())
    assert a.attrs["p_conversion"]["all"] == pytest.approx(0.5)
    re = a.set_index("channel")["removal_effect"]
    # P(conv) = 1/2; without organic_search 1/6 -> 2/3; without direct 0 -> 1; without email 1/4 -> 1/2
    assert re["organic_search"] == pytest.approx(2 / 3)
    assert re["direct"] == pytest.approx(1.0)
    assert re["email"] == pytest.approx(0.5)
    assert re["social"] == pytest.approx(0.0)
    mk = a.set_index("channel")["markov"]
    assert mk["organic_search"] == pytest.approx(2 * 4 / 13)
    assert mk["direct"] == pytest.approx(2 * 6 / 13)
    assert mk["email"] == pytest.approx(2 * 3 / 13)


def test_markov_from_transition_counts():
    tr = pd.DataFrame({"src": ["(start)", "(start)", "A", "B"], "dst": ["A", "B", "(conversion)", "(null)"],
                       "n": [1, 1, 1, 1]})
    mk = markov_removal(tr)
    assert mk.attrs["p_conversion"] == pytest.approx(0.5)
    assert mk.loc["A", "removal_effect"] == pytest.approx(1) and mk.loc["B", "removal_effect"] == pytest.approx(0)


def test_attribution_per_involvement_on_simulated_shop():
    shop, truth = simulated()
    a = attribution(shop, by_involvement=True)
    buyers = truth.customers[truth.customers["is_buyer"]]
    for level in ("low", "high"):
        part = a[a["involvement"] == level].set_index("channel")
        n = (buyers["involvement"] == level).sum()
        for m in MODELS:
            assert part[m].sum() == pytest.approx(n, rel=1e-9)
        # first touch = the simulator's first channel of each buyer
        true_first = buyers.loc[buyers["involvement"] == level, "first_channel"].value_counts()
        # (a few buyers' first order is of the other level than the simulator's journey)
        assert part["first_touch"].reindex(true_first.index).to_numpy() == pytest.approx(true_first.to_numpy(), rel=0.1)
    sh = attribution_shares(a)
    assert np.allclose(sh.groupby("involvement")[list(MODELS)].sum().loc[["low", "high"]], 1)


def test_by_involvement_on_a_shop_without_levels_credits_everyone_with_a_missing_level():
    """A shop without products (UCI online shoppers: sessions only) has no involvement levels: its people's
    level is missing, as a person's of no known level is, and the credits are those without the breakdown."""
    import journeylab as jl

    hand = hand_shop()
    tables = {name: hand.sql(f"SELECT * FROM {name}") for name in ("orders", "events")}
    shop = jl.load_shop({"name": "no-levels", "observation_end": str(hand.observation_end), "tables": tables})
    assert not shop.has("products")
    by, plain = attribution(shop, by_involvement=True), attribution(shop)
    assert by["involvement"].isna().all() and str(by["involvement"].dtype) == "category"
    pd.testing.assert_frame_equal(by.drop(columns="involvement").set_index("channel").sort_index(),
                                  plain.set_index("channel").sort_index(), check_like=True)
