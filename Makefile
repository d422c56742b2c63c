# Two commands on a fresh machine: `make demo` and `make test`.
# Each sets up its own virtual environment in .venv first.

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test lint typecheck clean setup-test

$(PY):
	python3 -m venv $(VENV)

setup-test: $(PY)
	$(PIP) install -e ".[test]"

demo: $(PY)
	$(PIP) install -e ".[demo]"
	$(PY) -m retrograd demo

test: setup-test
	$(PY) -m pytest

lint: $(PY)
	$(PIP) install ruff
	$(VENV)/bin/ruff check src tests tools

typecheck: $(PY)
	$(PIP) install mypy
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Benchmarks against PyTorch (CPU build); the OPENBLAS_* tuning variables are unset for this command only.
.PHONY: bench
bench: setup-test
	$(PIP) install torch==2.13.0 threadpoolctl
	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OMP_WAIT_POLICY=PASSIVE $(PY) -m benchmarks.run
