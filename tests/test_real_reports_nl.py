"""Every real data set under ../shared/data/real builds a full report in Dutch (issue 12, point 7), in Dutch
words only (issue 15, point 1).

One batch through the command line for all four data sets (tests/_real_reports.py has the configs and the
checks); test_real_reports.py does the same in English, on the other xdist worker.
"""
from __future__ import annotations

import pytest

from _real_reports import build_batch, check_report, clients
from _report_text import data_values, english_words, report_texts, snake_case

LANGUAGE = "nl"

pytestmark = [pytest.mark.slow, pytest.mark.notebook]


@pytest.fixture(scope="module")
def batch(real_data, tmp_path_factory):
    return build_batch(real_data, tmp_path_factory.mktemp(f"real_reports_{LANGUAGE}"), LANGUAGE)


@pytest.mark.parametrize("client", clients())
def test_real_data_set_builds_a_full_report(batch, client):
    check_report(batch[client], LANGUAGE)


@pytest.mark.parametrize("client", clients())
def test_real_data_set_report_is_dutch(batch, client):
    """No English text of journeylab.i18n (a label, rule, explanation, status ... left untranslated) and no
    snake_case identifier other than the shop's own values (categories, channels) in the Dutch report
    (issue 15, point 1; tests/test_report.py checks the demo against its English report)."""
    record = batch[client]
    assert record.ok, f"{record.client}: {record.error}"
    texts = report_texts(record.run_dir)
    english = english_words(texts)
    assert not english, f"{client}: English texts of journeylab.i18n in the Dutch report: {english}"
    shown = snake_case(texts, data_values(record.run_dir, LANGUAGE) | {record.client})  # client: the config's name
    assert not shown, f"{client}: snake_case identifiers in the Dutch report: {shown}"
