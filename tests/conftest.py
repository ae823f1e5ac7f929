"""Shared pytest fixtures: Sphinx test roots and paths of the project."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

# sphinx-sitemap starts a multiprocessing Manager in every build; forked from a
# pytest process that already runs Playwright's threads, that child can deadlock.
# A forkserver child starts clean. (Sphinx's own -j builds pick "fork" explicitly.)
multiprocessing.set_start_method("forkserver", force=True)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ARTICLES = FIXTURES / "articles"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where sphinx.testing.fixtures finds the test roots (tests/roots/test-<name>)."""
    return Path(__file__).resolve().parent / "roots"
