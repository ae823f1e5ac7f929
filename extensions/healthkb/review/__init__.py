"""Review metadata: who reviewed a page, when, and when its next review is due."""
