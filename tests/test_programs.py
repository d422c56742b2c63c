"""Small PyTorch programs (tests/programs/) run unchanged under `python -m retrograd run`.

Each program is ordinary PyTorch code in the style of widely read tutorials and examples
(custom Functions, CNN training with DataLoader and schedulers, LSTM taggers, a tiny GPT
with checkpointing and sampling, printed reprs). It must run cleanly under retrograd; where
PyTorch is installed, its stdout must be exactly what PyTorch prints.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROGRAMS = sorted((ROOT / "tests" / "programs").glob("*.py"))
HAVE_TORCH = importlib.util.find_spec("torch") is not None


def _run(args: list[str], extra_env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    # one thread each: BLAS threading would make float sums depend on the machine
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", **extra_env)
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_program_prints_what_pytorch_prints(program: Path, tmp_path: Path) -> None:
    ours = _run(["-m", "retrograd", "run", str(program)], {"PYTHONPATH": str(ROOT / "src")}, tmp_path)
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout.strip(), "the program printed nothing"
    if not HAVE_TORCH:
        pytest.skip("PyTorch is not installed: ran the program, did not compare")
    theirs = _run([str(program)], {}, tmp_path)
    assert theirs.returncode == 0, theirs.stderr
    assert ours.stdout.splitlines() == theirs.stdout.splitlines()
