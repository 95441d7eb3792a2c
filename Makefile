# The two commands of the README: `make demo` (the main job) and `make test` (the tests).
# Each creates .venv when it is missing and installs the package with its dev and bench extras.
SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin
PY    := $(BIN)/python
FMNIST := /usr/share/datasets/fashion-mnist

.PHONY: demo test compat data venv readme bench export clean-nbs docs serve-docs docs-check chromium

$(BIN)/activate:
	python3 -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate setup.py settings.ini
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev,bench]"
	touch $@

venv: $(VENV)/.installed

# Fashion-MNIST from Debian when missing and running as root; otherwise scikit-learn's digits are the fallback.
data:
	@if [ ! -f $(FMNIST)/train-images-idx3-ubyte.gz ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist >/dev/null) \
	  || echo "dataset-fashion-mnist could not be installed: scikit-learn's digits will be used"; fi

demo: venv data
	$(BIN)/fasterprune_demo

bench: venv data
	$(BIN)/fasterprune_bench

# Debian's Chromium for the docs' browser test, when missing and running as root (elsewhere: CHROMIUM or a Chrome on the PATH).
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ -z "$$CHROMIUM" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing Debian's chromium for the docs check"; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; fi

# The docs site, offline, into _docs/: nbdev's processed notebooks rendered by mkdocs-material + mkdocs-jupyter.
docs: venv
	$(PY) tools/docs.py

# The site on http://127.0.0.1:8000/fasterprune/ (the published path), with mkdocs' own server (rebuilds when _proc/docs or mkdocs.yml change).
serve-docs: docs
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs serve -f _proc/mkdocs.yml -a 127.0.0.1:8000

# Every page of _docs/ in a headless Chromium: loads, no console error, links, anchors, images, API entries, search.
docs-check: venv chromium
	$(PY) tools/check_docs.py

# What nbdev's own CI checks: notebooks clean, library in sync, then the notebooks' tests; before them the docs
# site is built and checked in a browser (a failure stops make, so the last line stays nbdev_test's count).
test: venv data chromium
	$(BIN)/nbdev_clean
	@if [ -n "$$(git status --porcelain -- nbs)" ]; then git status --porcelain -- nbs; echo "notebooks not clean: run nbdev_clean and commit"; exit 1; fi
	$(BIN)/nbdev_export
	@if [ -n "$$(git status --porcelain -- fasterprune)" ]; then git status --porcelain -- fasterprune; echo "library not in sync with nbs/: run nbdev_export and commit"; exit 1; fi
	$(PY) tools/docs.py
	$(PY) tools/check_docs.py
# OMP_NUM_THREADS=1: nbdev_test runs one notebook per core, and torch's default of one thread per core in each of them
# oversubscribes the cores (on 2 cores the tests took 14.6 minutes instead of 3).
	@set -o pipefail; OMP_NUM_THREADS=1 $(BIN)/nbdev_test --do_print --timing $(TEST_ARGS) 2>&1 | tee .test.log; rc=$$?; \
	  n=$$(grep -o 'Starting [^ ]*\.ipynb' .test.log | wc -l); \
	  f=$$(sed -n '/Failed On The Following Notebooks/,$$p' .test.log | grep -c '\.ipynb$$'); \
	  echo "$$((n-f)) passed, $$f failed" | tee -a .test.log; exit $$rc

# README.md is generated from nbs/index.ipynb without Quarto.
readme: venv
	$(PY) tools/nb2md.py nbs/index.ipynb README.md

# The built wheel in two fresh venvs, the newest releases pip resolves and the floors settings.ini declares,
# each running tools/compat_smoke.py (the README's blocks at a small size and each driver once); logs in .compat/
# (a passing run removes its two venvs, 5 GB each).
compat: venv data
	$(PY) tools/compat.py
