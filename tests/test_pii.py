"""Personal data: keyed pseudonyms, nothing raw in any table, data-quality row or error message; find_pii."""
from __future__ import annotations

from pathlib import Path

import pytest

import journeylab as jl
from journeylab.data import pii

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).parent / "bad_input"
RAW = ["anna.jansen@example.nl", "piet@example.com", "kees@example.net", "Anna Jansen", "Piet de Vries",
       "Dorpsstraat", "Kerkweg", "+31 6 12345678", "0471 23 45 67", "Jansen", "3511 AB"]


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("JOURNEYLAB_SECRET", "test-secret")


def all_text(shop: jl.Shop) -> str:
    parts = [shop.table(t).to_csv() for t in shop.tables]
    parts.append(shop.data_quality.to_csv())
    return "\n".join(parts)


@pytest.mark.parametrize("cfg", [
    {"format": "shopify", "path": str(FIXTURES / "shopify_orders_export.csv")},
    {"format": "woocommerce", "path": str(FIXTURES / "woocommerce_orders_export.csv")},
    {"format": "ga4", "path": str(FIXTURES / "ga4_events_20240301.json")},
    {"tables": {"orders": str(CORPUS / "pii_customer_ids.csv")}},
])
def test_no_raw_personal_data_in_any_table(cfg):
    text = all_text(jl.load_shop(cfg))
    for value in RAW:
        assert value not in text
    assert pii.find_pii(text) == []


def test_pseudonyms_are_keyed_stable_and_match_python(monkeypatch):
    shop = jl.load_shop({"tables": {"orders": str(CORPUS / "pii_customer_ids.csv")}})
    ids = shop.table("orders")["customer_id"].tolist()
    assert ids[0] == ids[2] == pii.pseudonym("anna.jansen@example.nl", b"test-secret")
    assert ids[1] == pii.pseudonym("+31 6 12345678", b"test-secret")
    monkeypatch.setenv("JOURNEYLAB_SECRET", "another-project")
    other = jl.load_shop({"tables": {"orders": str(CORPUS / "pii_customer_ids.csv")}}).table("orders")["customer_id"]
    assert other[0] != ids[0]  # without the secret a pseudonym cannot be recomputed from an e-mail


def test_secret_file_created_once(tmp_path, monkeypatch):
    monkeypatch.delenv("JOURNEYLAB_SECRET")
    key = pii.project_secret(tmp_path)
    path = tmp_path / ".journeylab-secret"
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"
    assert pii.project_secret(tmp_path) == key and len(key) == 64


def test_plain_ids_are_left_alone():
    shop = jl.load_shop({"tables": {"orders": str(CORPUS / "one_customer.csv")}})
    assert shop.table("orders")["customer_id"].unique().tolist() == ["only"]


def test_errors_do_not_show_personal_data(tmp_path):
    p = tmp_path / "orders.csv"
    p.write_text("order_id,customer_id,ordered_at,revenue\n1,anna.jansen@example.nl,2024-01-01,10\n"
                 "1,piet@example.com,2024-01-02,12\n")
    with pytest.raises(jl.DataError) as err:
        jl.load_shop({"tables": {"orders": str(p)}})
    assert "order ids occur on more than one row" in str(err.value)
    assert pii.find_pii(str(err.value)) == []


def test_find_pii():
    text = "Mail anna@example.nl or call +31 6 12345678 / (020) 123 4567; order 536365 on 2024-01-31, total 1234.50"
    found = pii.find_pii(text)
    assert "anna@example.nl" in found and "+31 6 12345678" in found and "(020) 123 4567" in found
    assert pii.find_pii("customers 4,339, revenue 8,736,672.00, id 17850, 2011-12-09 12:50:00") == []


def test_a_key_that_cannot_be_written_is_a_clear_error(tmp_path, monkeypatch):
    """A data folder the user may not write to (root ignores permissions here: a missing folder stands in)."""
    from journeylab.errors import ConfigError

    monkeypatch.delenv("JOURNEYLAB_SECRET", raising=False)
    with pytest.raises(ConfigError, match=r"JOURNEYLAB_SECRET.*writable"):
        pii.project_secret(tmp_path / "no-such-folder")
