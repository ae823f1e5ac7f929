"""The ``kb`` command."""
