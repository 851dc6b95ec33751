"""Ingestion: load an article, clean it, split it into passages, index them."""
