"""Synthetic shops with known truth (placeholder docstring, filled below)."""
from journeylab.simulate.params import SimulationParams
from journeylab.simulate.shop import SimulatedShop, SimulationTruth, simulate_shop, write_shop

__all__ = ["SimulationParams", "SimulatedShop", "SimulationTruth", "simulate_shop", "write_shop"]
