# The knowledge base's commands. `make html` and `make test` set everything up
# (a .venv from pyproject.toml) on a fresh machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The browser of the browser tests (tests/browser/conftest.py reads the same setting):
# Debian's Chromium by default, installed here when missing; any other path (Playwright's
# Chromium on GitHub's runners) is used as it is.
KB_CHROMIUM ?= /usr/bin/chromium
export KB_CHROMIUM
# The build's folders and options live in extensions/healthkb/cli/options.py: `make html`
# runs `kb build`, as Read the Docs and CI do. JOBS=1 sets the parallelism (default:
# cores + 1); SPHINXOPTS adds sphinx-build options, e.g. SPHINXOPTS=-E to read every page.
JOBS ?=
SPHINXOPTS ?=
SOURCE := docs
CONF := conf
OUT := build/html
SRC ?=
# Articles in the benchmark's synthetic corpus: make bench N=1000
N ?= 100
# More kb bench options, e.g. BENCHOPTS="--plain-timeout 900" or BENCHOPTS="--no-plain --layer-off"
BENCHOPTS ?=

.PHONY: html test lint typecheck pytest serve clean check import bench report help

help:
	@echo "make html    build the site into $(OUT) (sets up $(VENV) when needed)"
	@echo "make test    lint, type-check and run all tests, browser tests included"
	@echo "make serve   live preview on http://127.0.0.1:8000"
	@echo "make report  per page: review state, open findings, claims needing a source (build/report.json)"
	@echo "make import SRC=path/to/articles   import articles into docs/"
	@echo "make bench N=100   time import + build against plain Sphinx (build/bench/results.json)"
	@echo "make clean   remove build output and the virtual environment"

# The virtual environment is rebuilt whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# kb build compiles our extension's bytecode ahead, then runs the one build.
html: $(STAMP)
	$(BIN)/kb build$(if $(JOBS), -j $(JOBS))$(if $(SPHINXOPTS), $(SPHINXOPTS))

# Debian's Chromium drives the browser tests (no browser download). Another KB_CHROMIUM
# is not installed here: it must exist already.
$(KB_CHROMIUM):
	@if [ "$@" != /usr/bin/chromium ]; then \
	   echo "KB_CHROMIUM=$@ does not exist (python -m playwright install chromium gives one)"; \
	   exit 1; \
	 elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	 else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi

lint: $(STAMP)
	$(BIN)/ruff check extensions tests
	$(BIN)/ruff format --check extensions tests

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) $(KB_CHROMIUM) html
	$(BIN)/pytest -q -n auto

# Published links must keep working: see conf/permalinks.lock and `kb lock`.
check: $(STAMP) html
	$(BIN)/kb check

test: lint typecheck check pytest

# The editorial backlog: review states, open findings, claims that need a source.
report: $(STAMP)
	$(BIN)/kb report

serve: $(STAMP)
	$(BIN)/sphinx-autobuild -c $(CONF) --host 127.0.0.1 --port 8000 $(SOURCE) build/serve

import: $(STAMP)
	@test -n "$(SRC)" || { echo "usage: make import SRC=path/to/article-or-folder"; exit 2; }
	$(BIN)/kb import $(SRC) --into $(SOURCE)

bench: $(STAMP)
	$(BIN)/kb bench --n $(N) $(BENCHOPTS)

clean:
	rm -rf build $(VENV) .pytest_cache .mypy_cache .ruff_cache
