"""journeylab: customer-journey analytics for web shops.

Load a shop with :func:`load_shop`, summarise its customers with :func:`customer_summary`.
"""
from .errors import ConfigError, DataError, JourneylabError, ModelError
from .shop import Shop, load_shop
from .summary import customer_summary

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
]
