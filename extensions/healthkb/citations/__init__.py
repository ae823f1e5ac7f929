"""Citations: the source registry, the {cite} and {needs-source} roles, the evidence hub."""
