# The few verbs people type. Each sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 55001

.PHONY: run test lint bench contract clean

$(BIN)/python:
	PYTHON=$(PYTHON) scripts/system-packages venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

## run: set up, then serve the mock with the demo fixtures on 127.0.0.1:$(PORT)
run: $(VENV)/.installed
	$(BIN)/orchestration-mock --port $(PORT) --fixtures fixtures/demo.yaml

## test: set up (curl, Chromium, chromedriver, node and npm too, when missing), lint, then run the whole suite
test: $(VENV)/.installed-test
	PYTHON=$(PYTHON) scripts/system-packages test-tools
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## contract: run the contract suite against a running server (BASE_URL=...)
contract: $(VENV)/.installed
	$(BIN)/orchestration-contract --base-url $${BASE_URL:-http://127.0.0.1:$(PORT)/api/orchestration}

## bench: side-by-side figures against Prism (installs wrk and Prism)
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
