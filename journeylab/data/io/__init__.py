"""Reading shop files into the engine, mapping their columns, validating and cleaning them."""
from journeylab.data.io.readers import read_raw
from journeylab.data.io.validate import typed_table
from journeylab.data.io.clean import clean_tables

__all__ = ["read_raw", "typed_table", "clean_tables"]
