"""Shared pytest fixtures: Sphinx test roots and paths of the project."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests explore the same examples on every run, so `make test` is repeatable;
# HYPOTHESIS_PROFILE=explore draws new examples each run (for hunting bugs locally).
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

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
