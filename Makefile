# Self-documenting: `make help` lists every target with its ## comment.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
KERNEL := sociaal-domein-monitor
REALDATA ?= ../shared/realdata
LOCK := requirements/lock.txt
# The lock covers every platform (uv --universal) for Python >= this version.
LOCK_PYTHON := 3.11.5

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml $(LOCK) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e ".[test]"
	$(BIN)/python -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (sociaal-domein-monitor)" >/dev/null
	touch $@

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: install
install: $(VENV)/.installed ## Create .venv: the locked packages (requirements/lock.txt), the package (editable), the kernel

.PHONY: lock
lock: | $(BIN)/python ## Refresh requirements/lock.txt from pyproject.toml (newest allowed versions; then make install)
	$(BIN)/python -m pip install --quiet "uv>=0.4"
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version $(LOCK_PYTHON) --upgrade \
		--custom-compile-command "make lock" --quiet -o $(LOCK)

.PHONY: test
test: $(VENV)/.installed ## Run the whole test suite (unit, data, notebooks)
	$(BIN)/python -m pytest

.PHONY: fuzz
fuzz: $(VENV)/.installed ## Long property-based (Hypothesis) runs of the parsers and validators
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -m fuzz -p no:cacheprovider

.PHONY: notebook-outputs
notebook-outputs: $(VENV)/.installed ## Record the key-figure outputs nbval checks (after a deliberate change)
	$(BIN)/python tests/notebook_outputs/update.py

.PHONY: browser-tools
browser-tools: ## Install axe-core (npm ci, package-lock.json) for the accessibility check of the browser test
	npm ci --no-audit --no-fund --ignore-scripts

.PHONY: lint
lint: $(VENV)/.installed ## Check code style with ruff: lint rules (package, tests, benchmarks, notebooks) and format
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/ruff format --check src tests benchmarks

.PHONY: format-check
format-check: $(VENV)/.installed ## Check that ruff format would leave the code as it is
	$(BIN)/ruff format --check src tests benchmarks

.PHONY: lab
lab: $(VENV)/.installed ## Open JupyterLab with the project's kernel
	cd notebooks && ../$(BIN)/jupyter lab

.PHONY: report
report: $(VENV)/.installed ## Run every notebook on the embedded data and print where the HTML index is
	$(BIN)/python -m analysis run --config runs/default.yml

.PHONY: import-realdata
import-realdata: $(VENV)/.installed ## Import the CBS files of ../shared/realdata into the cache
	$(BIN)/python -m analysis cbs import $(REALDATA) --vintage "CBS StatLine, opgehaald 2025-04-22"

.PHONY: cbs-extract
cbs-extract: $(VENV)/.installed ## Rebuild the embedded CBS extract data/cbs from ../shared/realdata (identical files)
	$(BIN)/python -m analysis cbs extract $(REALDATA) --vintage "CBS StatLine, opgehaald 2025-04-22"

.PHONY: synthetic
synthetic: $(VENV)/.installed ## Regenerate the synthetic register in data/synthetic (identical files)
	$(BIN)/python -m analysis.synthetic

.PHONY: bench
bench: $(VENV)/.installed ## Run the benchmarks (forecast accuracy, figure rendering, batch speed); prints figures
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python benchmarks/forecast_cbs.py
	$(BIN)/python benchmarks/render_figures.py
	$(BIN)/python benchmarks/run_batch.py

.PHONY: bench-import
bench-import: $(VENV)/.installed ## Peak memory and seconds per MB of `cbs import` on generated 40 and 200 MB files
	$(BIN)/python benchmarks/import_memory.py

.PHONY: clean
clean: ## Remove caches and reports (keeps .venv and data)
	rm -rf data/cache reports .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
