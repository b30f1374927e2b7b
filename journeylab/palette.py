"""The report's fixed colours, one home for the report's charts and an analyst's own (issue 15 point 3,
issue 16 point 2): one colour per involvement level and per journey phase, the same in every chart.

Colour-blind safe: the Okabe-Ito colours (also in seaborn's "colorblind" palette), grey for what is not
a level or phase. Phases that share a phase model (journeylab/phase_models.yaml) have colours far apart;
the levels are the blue/orange pair. Use them with seaborn as a ``palette``::

    import seaborn as sns
    from journeylab.palette import LEVEL_COLOURS
    sns.barplot(data=d, x="phase", y="persons", hue="involvement", palette=LEVEL_COLOURS)

``jl.plot.palette`` is this module. It imports nothing, so any layer of journeylab may use it.
"""
from __future__ import annotations

from typing import Any

LEVEL_COLOURS = {"low": "#0072B2", "high": "#E69F00", "all": "#555555", "(unknown)": "#BBBBBB"}
PHASE_COLOURS = {
    "awareness": "#56B4E9", "consideration": "#009E73", "purchase": "#D55E00", "upsell": "#CC79A7",
    "ambassador": "#8C6D31", "decision": "#E69F00", "loyalty": "#0072B2", "use": "#F0E442",
    "aftercare": "#0072B2", "not_yet_seen": "#999999",
}
OTHER_COLOUR = "#999999"


def level_colour(level: Any) -> str:
    """The colour of an involvement level id ("low", "high"; "all" and "(unknown)" grey)."""
    return LEVEL_COLOURS.get(level, OTHER_COLOUR)


def phase_colour(phase: Any) -> str:
    """The colour of a journey phase id (a client's own phase: grey)."""
    return PHASE_COLOURS.get(phase, OTHER_COLOUR)


__all__ = ["LEVEL_COLOURS", "OTHER_COLOUR", "PHASE_COLOURS", "level_colour", "phase_colour"]
