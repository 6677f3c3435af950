# storeops — the two commands a new machine needs: `make report` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DATE ?= yesterday

.PHONY: venv report test lab lint bench clean-reports

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else "storeops needs Python 3.11+")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

report: $(STAMP)
	$(VENV)/bin/storeops demo --store demo --end $(DATE)
	$(VENV)/bin/storeops ingest --store demo
	$(VENV)/bin/storeops batch --date $(DATE) --stores demo

test: $(STAMP)
	@! git check-ignore -q lib/storeops/metrics.py || { echo ".gitignore must not ignore lib/"; exit 1; }
	$(VENV)/bin/ruff check --quiet lib tests notebooks benchmarks
	$(PY) -m pytest -q

# The "storeops" kernel is this .venv's python (the same environment papermill uses): notebooks
# keep kernelspec python3 for the batch, and lab opens them with storeops as its default kernel.
# LAB_ARGS passes more options, e.g. make lab LAB_ARGS="--no-browser --port=8899"
LAB_ARGS ?=
lab: $(STAMP)
	$(PY) -m ipykernel install --user --name storeops --display-name "storeops" >/dev/null
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks --MappingKernelManager.default_kernel_name=storeops \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check lib tests notebooks benchmarks

bench: $(STAMP)
	$(PY) benchmarks/run.py

clean-reports:
	rm -rf reports/*/ reports/index.html
