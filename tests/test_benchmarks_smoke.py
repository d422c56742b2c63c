"""Smoke test of the benchmark suite: every workload runs once at tiny size on retrograd.

Only that it runs and that losses/gradients are finite is checked, never a time.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from benchmarks import procs
from benchmarks.run import main
from benchmarks.suite import WORKLOADS
from benchmarks.workloads import Unsupported, chain_grad

import retrograd


@pytest.mark.parametrize("work", WORKLOADS, ids=[w.name for w in WORKLOADS])
def test_in_process_workload_runs(work) -> None:
    if work.name == "W9":
        pytest.importorskip("sklearn")
    try:
        step = work.build(retrograd, True)
    except Unsupported:
        pytest.skip(f"retrograd has no API for {work.name}")
    value = step()
    assert np.all(np.isfinite(value))
    assert work.check(work.name, {"retrograd": [value, step()]}, True)


def test_chain_gradient() -> None:
    assert math.isclose(chain_grad(retrograd, 500), 1.0001 ** 500, rel_tol=1e-12)


@pytest.mark.parametrize("run", [procs.run_w5, procs.run_w7, procs.run_w8], ids=["W5", "W7", "W8"])
def test_fresh_process_workload_runs(run) -> None:
    (row,) = run(["retrograd"], quick=True)
    assert isinstance(row.value, float) and row.value > 0, row


def test_runner_writes_results(tmp_path, capsys) -> None:
    markdown = tmp_path / "RESULTS.md"
    argv = ["--quick", "--only", "W1,W2", "--systems", "retrograd", "--write",
            "--results-dir", str(tmp_path), "--markdown", str(markdown)]
    assert main(argv) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert {(r["system"], r["workload"]) for r in lines} == {("retrograd", "W1"), ("retrograd", "W2")}
    assert all(set(r) == {"system", "workload", "value", "unit", "note"} for r in lines)
    assert all(isinstance(r["value"], float) and math.isfinite(r["value"]) for r in lines)
    (written,) = tmp_path.glob("*.json")
    assert json.loads(written.read_text())["machine"]["numpy"] == np.__version__
    assert "| W1 |" in markdown.read_text()
