"""Shared pytest fixtures: Sphinx test roots and paths of the project."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLES = FIXTURES / "articles"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing.fixtures finds the test roots (tests/roots/test-<name>)."""
    return Path(__file__).resolve().parent / "roots"
