# Targets that developers and .ci/run both call.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: install lint test check bench serve quickstart clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $@

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

test: install
	bash tests/system-deps.sh
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

check: lint test

bench: install
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/servers.py
	$(BIN)/python benchmarks/registry.py --server
	$(BIN)/python benchmarks/transfer.py --server-workers 2
	$(BIN)/python benchmarks/ui.py
	$(BIN)/python benchmarks/charts.py
	$(BIN)/python benchmarks/charts_view.py
	$(BIN)/python benchmarks/compare.py
	$(BIN)/python benchmarks/auth.py --repeat 3
	$(BIN)/python benchmarks/serving.py
	$(BIN)/python benchmarks/projects.py
	$(BIN)/python benchmarks/autolog.py
	$(BIN)/python benchmarks/evaluate.py
	$(BIN)/python benchmarks/flavors.py
	$(BIN)/python benchmarks/file_store.py
	$(BIN)/python benchmarks/import_mlflow.py --runs 500 --peer-runs 10

# Serving needs only Heron's own dependencies, not the dev toolchain (a dev install serves).
serve: $(VENV)/.serve-installed
	$(BIN)/heron server

$(VENV)/.serve-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test $(VENV)/.installed -nt pyproject.toml || \
		$(BIN)/pip install -q --disable-pip-version-check -e .
	touch $@

quickstart: install
	cd examples && ../$(BIN)/python quickstart.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
