# Two commands on a fresh machine: `make demo` and `make test`.
# Each sets up its own virtual environment in .venv first.

VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test lint typecheck clean setup-test docs docs-serve setup-docs

$(PY):
	python3 -m venv $(VENV)

setup-test: $(PY)
	$(PIP) install -e ".[test]"

demo: $(PY)
	$(PIP) install -e ".[demo]"
	$(PY) -m retrograd demo

test: setup-test
	$(PY) -m pytest

# The documentation site (MkDocs + Material; the API reference is written from the runtime docstrings
# by tools/api_reference.py, and the tutorials' code runs during the
# build). Strict: a broken link, a missing page, a failing code cell or a docstring that does not
# render fails the build. `make docs-serve` previews it at http://127.0.0.1:8000.
setup-docs: $(PY)
	$(PIP) install -e ".[docs]"

docs: setup-docs
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

docs-serve: setup-docs
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs serve

lint: $(PY)
	$(PIP) install ruff
	$(VENV)/bin/ruff check src tests tools

typecheck: $(PY)
	$(PIP) install mypy
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) build site *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Benchmarks against PyTorch (CPU build) and the hand-written NumPy floor. Each system runs in its
# own processes under its own defaults, alternating; no wait policy is set (OMP_WAIT_POLICY=PASSIVE
# slows PyTorch's kernels 1.5-2x), and OMP_WAIT_POLICY / OPENBLAS_* are unset for this command only.
# BENCH_ARGS passes options through, e.g. make bench BENCH_ARGS="--systems retrograd,retrograd@../old/src,pytorch"
BENCH_ARGS ?=
.PHONY: bench
bench: setup-test
	$(PIP) install torch==2.13.0 threadpoolctl
	env -u OMP_WAIT_POLICY -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE $(PY) -m benchmarks.run $(BENCH_ARGS)
