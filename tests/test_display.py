"""Tables as a client sees them (journeylab.display)."""
from __future__ import annotations

import pandas as pd

from journeylab.display import format_table


def test_index_level_names_are_translated_for_a_multiindex_too():
    """The funnel table (index group, step) and the drop-off table (stopped_after, next_event) showed their
    level names as identifiers in Dutch reports."""
    df = pd.DataFrame({"group": ["all", "all"], "step": ["a", "b"], "units": [1, 2]}).set_index(["group", "step"])
    html = format_table(df, "nl").to_html()
    assert ">groep</th>" in html and ">stap</th>" in html and ">sessies of personen</th>" in html
    assert ">group</th>" not in html and ">step</th>" not in html
    html = format_table(df.rename_axis(index=["stopped_after", "next_event"]), "en").to_html()
    assert ">stopped after</th>" in html and ">next event</th>" in html
    single = format_table(df.reset_index("step"), "nl").to_html()
    assert ">groep</th>" in single
