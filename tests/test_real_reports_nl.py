"""Every real data set under ../shared/data/real builds a full report in Dutch (issue 12, point 7).

One batch through the command line for all four data sets (tests/_real_reports.py has the configs and the
checks); test_real_reports.py does the same in English, on the other xdist worker.
"""
from __future__ import annotations

import pytest

from _real_reports import build_batch, check_report, clients

LANGUAGE = "nl"

pytestmark = [pytest.mark.slow, pytest.mark.notebook]


@pytest.fixture(scope="module")
def batch(real_data, tmp_path_factory):
    return build_batch(real_data, tmp_path_factory.mktemp(f"real_reports_{LANGUAGE}"), LANGUAGE)


@pytest.mark.parametrize("client", clients())
def test_real_data_set_builds_a_full_report(batch, client):
    check_report(batch[client], LANGUAGE)
