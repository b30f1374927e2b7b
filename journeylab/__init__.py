"""journeylab: customer-journey analytics for web shops.

Load a shop with :func:`load_shop`, summarise its customers with :func:`customer_summary`.
"""
from .errors import ConfigError, DataError, JourneylabError, ModelError
from .shop import Shop, load_shop
from .summary import customer_summary
from .journey import cohort_retention, journey_phases, phase_flows, phase_rules  # noqa: E402
from .funnel import consideration, funnel  # noqa: E402
from .attribution import attribution  # noqa: E402
from .involvement import classify_involvement, compare_involvement, phase_kpis  # noqa: E402
from .findings import findings  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "DataError",
    "JourneylabError",
    "ModelError",
    "Shop",
    "customer_summary",
    "load_shop",
    "__version__",
    "attribution",
    "classify_involvement",
    "cohort_retention",
    "compare_involvement",
    "consideration",
    "findings",
    "funnel",
    "journey_phases",
    "phase_flows",
    "phase_kpis",
    "phase_rules",
]
