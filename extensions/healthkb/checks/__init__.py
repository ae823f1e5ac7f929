"""Content checks of the knowledge base, one module per family."""
