"""journeylab: customer-journey analytics for web shops."""
__version__ = "0.1.0"
