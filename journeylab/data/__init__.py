"""Data layer: a shop's files read into the canonical tables (config, contract, engine, dialect, pii,
shop, io). Imports nothing from the layers above (models, journey, report, spark)."""
