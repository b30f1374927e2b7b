"""journeylab: customer-journey analytics for web shops.

Load a shop with :func:`load_shop`, summarise its customers with :func:`customer_summary`; chart them with
``jl.plot`` (journeylab.plot, imported on first use so that ``import journeylab`` does not load matplotlib).
"""
from journeylab.errors import ConfigError, DataError, JourneylabError, ModelError
from journeylab.data.shop import Shop, load_shop
from journeylab.models.summary import customer_summary
from journeylab.journey.phases import cohort_retention, journey_phases, phase_flows, phase_rules  # noqa: E402
from journeylab.journey.funnel import consideration, funnel  # noqa: E402
from journeylab.journey.attribution import attribution  # noqa: E402
from journeylab.journey.involvement import classify_involvement, compare_involvement, phase_kpis  # noqa: E402
from journeylab.journey.findings import findings  # noqa: E402
from journeylab.models.rfm import rfm_segments, segment_table  # noqa: E402
from journeylab.models.clv import CustomerValueModel, compare_models  # noqa: E402
from journeylab.models.churn import churn_classes, evaluate_churn  # noqa: E402
from journeylab.journey.value import shop_value  # noqa: E402
from journeylab.journey.audiences import audiences  # noqa: E402
from journeylab import palette  # noqa: E402

__version__ = "0.1.0"


def quiet_warnings() -> None:
    """Hide numerical RuntimeWarnings and library deprecation warnings in report notebooks.

    Results are checked for finiteness where they are made; a client report should not show
    warnings meant for developers. Analysts who want them call ``warnings.resetwarnings()``.
    """
    import warnings

    warnings.filterwarnings("ignore", category=RuntimeWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", category=FutureWarning)

def __getattr__(name: str):
    """``jl.plot``, imported on first use: it loads matplotlib and seaborn (about a second), which
    ``import journeylab`` alone (a report run's CLI, a Spark job) does not need."""
    if name == "plot":
        import importlib

        return importlib.import_module("journeylab.plot")
    raise AttributeError(f"module 'journeylab' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), "plot"])


__all__ = [
    "ConfigError",
    "DataError",
    "JourneylabError",
    "ModelError",
    "Shop",
    "customer_summary",
    "load_shop",
    "__version__",
    "CustomerValueModel",
    "attribution",
    "audiences",
    "churn_classes",
    "compare_models",
    "evaluate_churn",
    "rfm_segments",
    "segment_table",
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
    "shop_value",
    "palette",
    "plot",
]
