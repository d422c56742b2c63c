#!/usr/bin/env bash
# On a GPU machine: the real-CUDA device tests, G1-G3 of ../shared/bench/workloads.md
# (retrograd on CuPy, torch-cuda and a hand-written CuPy floor, each system in its own process,
# in alternating rounds), then the op table on the GPU (every case against the CPU).
# Usage: bash benchmarks/gpu/run.sh [rounds]   (needs CuPy; torch with CUDA for the torch figures)
# Logs go under $OUT when it is set (the device tool's output folder), else /tmp.
# SWEEP_LIMIT (seconds, default 300) bounds the op-table run: CuPy compiles each new kernel once.
set -u
cd "$(dirname "$0")/../.."
PY=${PYTHON:-python}
LOGS=${OUT:-/tmp}
ROUNDS=${1:-2}
export PYTHONPATH=src${PYTHONPATH:+:$PYTHONPATH}
"$PY" -c "import cupy; print('cupy', cupy.__version__, 'devices', cupy.cuda.runtime.getDeviceCount())" || exit 1
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
PYTEST=("$PY" -m pytest -q -p no:cacheprovider -o addopts="" -W ignore -rfE --tb=short)
"${PYTEST[@]}" tests/device/test_cuda_real.py -k "not test_op_on_gpu" 2>&1 | tee "$LOGS/cuda-tests.log" | tail -n 25
for round in $(seq "$ROUNDS"); do
    for system in retrograd torch cupy; do
        "$PY" benchmarks/gpu/workloads.py "$system" | tee -a "$LOGS/gpu-bench.jsonl"
    done
done
timeout "${SWEEP_LIMIT:-300}" "${PYTEST[@]}" tests/device/test_cuda_real.py -k "test_op_on_gpu" \
    >"$LOGS/gpu-op-table.log" 2>&1
grep -E "^(FAILED|ERROR)|passed|failed" "$LOGS/gpu-op-table.log" | tail -n 60
