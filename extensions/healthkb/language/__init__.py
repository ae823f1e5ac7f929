"""Language: how the checks and search read text (topics, words, concepts). Pure Python."""
