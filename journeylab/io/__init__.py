"""Reading shop files into the engine, mapping their columns, validating and cleaning them."""
from .readers import read_raw
from .validate import typed_table
from .clean import clean_tables

__all__ = ["read_raw", "typed_table", "clean_tables"]
