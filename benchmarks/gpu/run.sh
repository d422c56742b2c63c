#!/usr/bin/env bash
# On a GPU machine: the CUDA tests (real half and stand-in half), then G1-G3 against torch-cuda.
# Usage: bash benchmarks/gpu/run.sh   (needs `pip install -e ".[cuda]"` and torch with CUDA for the torch figures)
set -u
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python}
export PYTHONPATH=src${PYTHONPATH:+:$PYTHONPATH}
"$PY" -c "import cupy; print('cupy', cupy.__version__, 'devices', cupy.cuda.runtime.getDeviceCount())" || exit 1
"$PY" -m pytest -q -p no:cacheprovider -m device tests/device -rs
"$PY" benchmarks/gpu/workloads.py retrograd torch
