# The two commands of the README: `make demo` (the main job) and `make test` (the tests).
# Each creates .venv when it is missing and installs the package with its dev and bench extras.
SHELL := /bin/bash
VENV  := .venv
BIN   := $(VENV)/bin
PY    := $(BIN)/python
FMNIST := /usr/share/datasets/fashion-mnist

.PHONY: demo test data venv readme bench export clean-nbs docs-proc

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

# What nbdev's own CI checks: notebooks clean, library in sync, then the notebooks' tests.
test: venv data
	$(BIN)/nbdev_clean
	@if [ -n "$$(git status --porcelain -- nbs)" ]; then git status --porcelain -- nbs; echo "notebooks not clean: run nbdev_clean and commit"; exit 1; fi
	$(BIN)/nbdev_export
	@if [ -n "$$(git status --porcelain -- fasterprune)" ]; then git status --porcelain -- fasterprune; echo "library not in sync with nbs/: run nbdev_export and commit"; exit 1; fi
	@set -o pipefail; $(BIN)/nbdev_test --do_print --timing $(TEST_ARGS) 2>&1 | tee .test.log; rc=$$?; \
	  n=$$(grep -o 'Starting [^ ]*\.ipynb' .test.log | wc -l); \
	  f=$$(sed -n '/Failed On The Following Notebooks/,$$p' .test.log | grep -c '\.ipynb$$'); \
	  echo "$$((n-f)) passed, $$f failed"; exit $$rc

# README.md is generated from nbs/index.ipynb without Quarto.
readme: venv
	$(PY) tools/nb2md.py nbs/index.ipynb README.md
