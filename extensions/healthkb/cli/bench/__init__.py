"""Benchmarks of the knowledge base: the site and the importer measured on a synthetic corpus
(:mod:`healthkb.importer.synthetic`)."""
