# kg_metrics: `make help` lists the targets. Two commands do all setup on a fresh machine:
#   make briefings   (environment + every briefing into outputs/)
#   make test        (environment + every test, notebooks and end-to-end builds included)
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages WeasyPrint needs at run time (Pango) and a font with full Vietnamese coverage; and chromium, the
# browser the index page's tests drive through Playwright (tests/build/test_index_browser.py: phone and desktop
# layouts, filters, no network), since `playwright install` downloads a browser of its own and is not used here.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fontconfig chromium

.PHONY: help setup system-deps test test-fast briefings check targets bench lock clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "} {printf "  make %-12s %s\n", $$1, $$2}'

system-deps: ## Install the Debian packages PDF rendering and the browser tests need (only those missing)
	@if ! command -v dpkg >/dev/null 2>&1; then \
	  echo "system-deps: not a Debian-based system; make sure Pango, a Vietnamese-capable font and chromium are installed"; exit 0; fi; \
	missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "system-deps: installing $$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
	  else echo "system-deps: need root to apt-get install $$missing" >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

setup: system-deps $(STAMP) ## Create .venv and install the package with pinned dependencies
	@# Byte-compile the library once: where PYTHONDONTWRITEBYTECODE is set (CI machines, this one) every
	@# process of a build (kernels, workers) would otherwise compile it again, ~65 ms each.
	@$(BIN)/python -m compileall -q lib >/dev/null

test: setup ## Run every test: the layers contract, unit, doctests, notebooks and end-to-end builds
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -m "" -q

test-fast: setup ## Run the layers contract, the fast unit tests and doctests only
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

briefings: setup ## Build every briefing (HTML + PDF) and outputs/index.html
	$(BIN)/kg-metrics build

check: setup ## Validate the data and print the required H2 growth and anomalies
	$(BIN)/kg-metrics check

targets: setup ## Print the target registry
	$(BIN)/kg-metrics targets

bench: setup ## Run the benchmarks in bench/
	$(BIN)/python bench/run.py

lock: ## Re-pin constraints.txt from the current environment (after changing dependencies)
	$(BIN)/python -m pip freeze --exclude-editable | grep -vi '^kg[-_]metrics' > constraints.txt

clean: ## Remove the environment, caches and generated outputs (keeps outputs/.gitkeep)
	rm -rf $(VENV) .pytest_cache .hypothesis
	find outputs -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
