"""Smoke test of the benchmark harness: every workload runs once at tiny size, and a `--quick` run works.

Only that things run, agree with the hand-written NumPy floor and produce finite values is
checked, never a time.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from benchmarks import procs
from benchmarks.alternate import worker
from benchmarks.run import main
from benchmarks.suite import WORKLOADS, WORKLOADS_BY_NAME
from benchmarks.systems import parse_system
from benchmarks.workloads import Unsupported, chain_grad

import retrograd

SRC = str(Path(retrograd.__file__).resolve().parent.parent)


@pytest.mark.parametrize("work", WORKLOADS, ids=[w.name for w in WORKLOADS])
def test_in_process_workload_runs(work) -> None:
    if work.name == "W9":
        pytest.importorskip("sklearn")
    steps = []
    if work.build is not None:
        try:
            steps.append(("retrograd", work.build(retrograd, True, None)))
        except Unsupported:
            pass
    if work.floor is not None:
        steps.append(("numpy-handwritten", work.floor(True)))
    if not steps:
        pytest.skip(f"retrograd has no API for {work.name}")
    values = {}
    for system, step in steps:
        first, last = step(), step()
        assert np.all(np.isfinite(first)) and np.all(np.isfinite(last))
        values[system] = [first, last]
    work.check(work.name, values, True)


@pytest.mark.parametrize("name", ["W1", "W2", "W3", "W4", "W6", "W12"])
def test_floor_agrees_with_retrograd(name) -> None:
    work = WORKLOADS_BY_NAME[name]
    library, floor = work.build(retrograd, True, None), work.floor(True)
    for _ in range(3):
        np.testing.assert_allclose(floor(), library(), rtol=1e-5, atol=1e-6)


def test_chain_gradient() -> None:
    assert math.isclose(chain_grad(retrograd, 500), 1.0001**500, rel_tol=1e-12)


def test_system_names() -> None:
    assert parse_system("pytorch").library == "torch"
    assert parse_system("retrograd-compiled").compiled
    assert parse_system(f"retrograd@{SRC}").source == SRC
    with pytest.raises(ValueError, match="unknown system"):
        parse_system("jax")
    with pytest.raises(ValueError, match="no retrograd"):
        parse_system("retrograd@/nonexistent/src")


def test_worker_process_reports_times_and_environment() -> None:
    out = worker(parse_system("retrograd"), WORKLOADS_BY_NAME["W2"], 2, 3, 6, True)
    assert out["status"] == "ok", out
    assert len(out["times"]) == 3 and out["calls"] == 6
    assert out["env"]["library"] == "retrograd" and out["env"]["file"].startswith(SRC)


def test_compiled_system_without_compile_is_unsupported() -> None:
    if hasattr(retrograd, "compile"):
        pytest.skip("retrograd.compile exists")
    out = worker(parse_system("retrograd-compiled"), WORKLOADS_BY_NAME["W1"], 1, 1, 0, True)
    assert out["status"] == "unsupported"


@pytest.mark.parametrize("run", [procs.run_w5, procs.run_w7, procs.run_w8], ids=["W5", "W7", "W8"])
def test_fresh_process_workload_runs(run) -> None:
    systems = [parse_system("retrograd"), parse_system("numpy-handwritten")]
    (row,) = run(systems, True)
    assert isinstance(row.value, float) and row.value > 0, row


def test_quick_run_writes_results(tmp_path, capsys) -> None:
    markdown = tmp_path / "RESULTS.md"
    other = f"retrograd@{SRC}"  # this very tree, standing in for an older commit's checkout
    argv = [
        "--quick",
        "--only",
        "W1,W2",
        "--systems",
        f"retrograd,{other},numpy-handwritten",
        "--write",
        "--results-dir",
        str(tmp_path),
        "--markdown",
        str(markdown),
    ]
    assert main(argv) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    label = parse_system(other).label()
    assert {(r["system"], r["workload"]) for r in lines} >= {
        ("retrograd", "W1"),
        (label, "W1"),
        ("numpy-handwritten", "W1"),
        ("numpy-handwritten", "W1-floor[call+mul]"),
        ("retrograd", "W2"),
        (label, "W2"),
        ("numpy-handwritten", "W2"),
    }
    assert all(set(r) == {"system", "workload", "value", "unit", "note"} for r in lines)
    assert all(isinstance(r["value"], float) and math.isfinite(r["value"]) for r in lines)
    (written,) = tmp_path.glob("*.json")
    payload = json.loads(written.read_text())
    assert payload["machine"]["vendor"] and payload["systems"]["retrograd"]["library"] == "retrograd"
    text = markdown.read_text()
    assert "| W2 |" in text and "retrograd / floor" in text and "own fresh process" in text


@pytest.mark.parametrize("name", ["W2[compiled step]", "W10[compiled step]", "W11[compiled step]"])
def test_compiled_step_variants_compile_and_agree_with_eager(name) -> None:
    work = WORKLOADS_BY_NAME[name]
    compiled = []

    def compile_fn(fn):
        compiled.append(retrograd.compile(fn))
        return compiled[-1]

    eager, step = work.build(retrograd, True, None), work.build(retrograd, True, compile_fn)
    assert [eager() for _ in range(3)] == [step() for _ in range(3)]
    assert compiled[0]._last.generated is not None  # the whole step, optimizer's step deferred
