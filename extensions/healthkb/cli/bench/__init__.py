"""Benchmarks of the knowledge base: synthetic corpora and the measurements made on them."""
