"""Safety cards: the {safety} directive, the rules file, the safety hub."""
