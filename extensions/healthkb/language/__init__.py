"""The language layer: how the checks read text. Pure Python (no Sphinx or docutils import).

- ``topic``: the topic words and score of a page and an FAQ item, and how alike two
  questions are (used by the FAQ checks today);
- ``text``, ``vocabulary``, ``rules``, ``scope``, ``matcher``: sentences, lemmas, the shared
  vocabularies of ``conf/vocabulary.toml``, the safety rules written as concepts
  (``conf/safety-concepts.toml``), the scope of negation, caution and contrast, and the
  findings; ``roller``: FAQ questions about the roller itself; ``evaluate``: the labelled
  corpus (``kb rules eval``). The build's safety checks do not use these yet: they switch
  once the held-out targets of ``tests/test_safety_corpus.py`` are met (see README.md).
"""
