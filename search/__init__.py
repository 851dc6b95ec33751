"""Querying the index: parse a query, rank passages, present them; and the CLI."""
