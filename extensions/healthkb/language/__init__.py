"""The language layer: how the checks read text. Pure Python (no Sphinx or docutils import).

- ``topic``: the topic words and score of a page and an FAQ item, and how alike two
  questions are (used by the FAQ checks today);
- ``text``: sentences, tokens and lookup lemmas; ``source``: reading the TOML sources with
  line numbers; ``vocabulary``: the shared vocabularies of ``conf/vocabulary.toml``;
  ``rules``: the safety rules written as concepts (``conf/safety-concepts.toml``);
- ``cues`` and ``scope``: the cue words, and the clauses, the scope of negation, caution and
  contrast, and the mode of a sentence;
- ``phrases``: the vocabulary's phrases compiled into a lemma-slot index, and matching it;
  ``screen``: the pre-check of which rules could fire on a sentence;
- ``finding``: hits, contexts and findings; ``objects``: what an action is done to;
  ``duration``: durations in any words, in seconds;
  ``contradiction``, ``permission``, ``redflag``: the three kinds of finding (with
  ``sustained``: an action for longer than a rule allows, a contradiction); ``learned``:
  the second reading learned from the labelled corpus (``conf/safety-model.json``), which
  adds the findings the rules' words miss; ``typos``: spelling slips of the vocabulary's
  words; ``matcher``: :class:`~healthkb.language.matcher.SafetyMatcher`, which ties them
  together;
- ``roller``: FAQ questions about the roller itself; ``glossary``: the medical words the glossary
  explains; ``readability``: reading-level grades.

The build's safety checks (:mod:`healthkb.checks.safety`), the FAQ topic check and the
importer's choice of a card's rule use the matcher; ``kb rules eval`` scores it on the
labelled corpus and ``kb rules train`` (:mod:`healthkb.cli.training`) fits the learned
reading to it.
"""
