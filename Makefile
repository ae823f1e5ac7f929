# The knowledge base's commands. `make html` and `make test` set everything up
# (a .venv from pyproject.toml) on a fresh machine.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium
# One Sphinx process per core, plus one: Sphinx writes with -j minus one workers
# (see default_jobs in extensions/healthkb/cli/main.py for the measurement).
JOBS ?= $(shell $(PYTHON) -c "import os; print((os.cpu_count() or 1) + 1)")
SPHINXOPTS ?= -W --keep-going -n -j $(JOBS)
# sphinx-build, with the Python process tuned for large sites (extensions/healthkb/perf/build.py).
SPHINXBUILD = $(BIN)/python -m healthkb.perf.build
SOURCE := docs
CONF := conf
OUT := build/html
# Sphinx's environment and the extension's caches: outside the published site.
DOCTREES := build/doctrees
SRC ?=
# Articles in the benchmark's synthetic corpus: make bench N=1000
N ?= 100
# More kb bench options, e.g. BENCHOPTS="--plain-timeout 900"
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

# Our extension's bytecode, compiled ahead (an editable install leaves it uncompiled, and a
# machine with PYTHONDONTWRITEBYTECODE set compiles it again on every build: ~0.2 s).
html: $(STAMP)
	$(BIN)/python -m compileall -q extensions conf
	$(SPHINXBUILD) -b html -c $(CONF) -d $(DOCTREES) $(SPHINXOPTS) $(SOURCE) $(OUT)

# Debian's Chromium drives the browser tests (no browser download).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	 else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi

lint: $(STAMP)
	$(BIN)/ruff check extensions tests
	$(BIN)/ruff format --check extensions tests

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) $(CHROMIUM) html
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
