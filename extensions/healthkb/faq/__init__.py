"""FAQ items: the {faq} directive, its nodes, JSON-LD and the FAQ hub."""
