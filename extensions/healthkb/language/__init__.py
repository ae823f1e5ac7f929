"""The language layer of the checks: sentences, lemmas, concept vocabularies, scope, findings.

Pure Python (no Sphinx or docutils import), shared by the safety checks, the FAQ topic check
and the importer.
"""
