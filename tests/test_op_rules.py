"""`python -m retrograd.ops.rules NAME`: every registered primitive can be found and its rules printed."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys

import pytest

from retrograd.engine.primitive import defined
from retrograd.ops import rules

rules.load_all()
ALL = defined()


def _ids(entry: tuple) -> str:
    prim, sites = entry
    return f"{prim.node_name}@{os.path.basename(sites[0][0])}:{sites[0][1]}"


def test_every_module_registers_primitives() -> None:
    assert len(ALL) > 200
    files = {os.path.basename(sites[-1][0]) for _, sites in ALL}
    assert {"pointwise.py", "extrema.py", "normalization.py", "conv.py", "views.py"} <= files


@pytest.mark.parametrize("entry", ALL, ids=[_ids(e) for e in ALL])
def test_rules_found_with_source(entry: tuple) -> None:
    prim, sites = entry
    for name in (prim.node_name, prim.name):
        assert any(p is prim for p, _ in rules.find(name)), name
    text = rules.describe(prim, sites)
    made = sites[-1] if sites[-1][2] == "<module>" else sites[0]
    assert f":{made[1]}" in text
    for fn in (prim.forward, *(r for r in prim.derivatives if r is not None)):
        fn = inspect.unwrap(fn)
        first = inspect.getsourcelines(fn)[1]
        assert f"{os.path.basename(inspect.getsourcefile(fn))}:{first}" in text
        line = inspect.getsourcelines(fn)[0][0].strip()
        assert line in text


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("exp", "ExpBackward0"),
        ("MaxBackward0", "extrema.py"),
        ("layer_norm", "NativeLayerNormBackward0"),
        ("cross_entropy", "LogSoftmaxBackward0"),  # log_softmax, then nll_loss as PyTorch records it
        ("nll_loss", "NllLossBackward0"),
        ("mse_loss", "MseLossBackward0"),
        ("matrix_norm", "LinalgVectorNormBackward0"),
    ],
)
def test_names_of_each_kind(name: str, expected: str) -> None:
    text = "\n".join(rules.describe(*hit) for hit in rules.find(name))
    assert expected in text


def test_unknown_name() -> None:
    assert rules.find("no_such_op_anywhere") == []
    assert rules.main(["no_such_op_anywhere"]) == 1


def test_command_line() -> None:
    env = dict(os.environ)
    src = os.path.dirname(os.path.dirname(os.path.abspath(rules.__file__)))
    env["PYTHONPATH"] = os.path.dirname(src) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, "-m", "retrograd.ops.rules", "exp"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "exp (ExpBackward0)" in done.stdout
    assert "lambda g, out: g * out" in done.stdout
    assert "pointwise.py:" in done.stdout
