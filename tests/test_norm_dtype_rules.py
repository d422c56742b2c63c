"""The CPU norms' dtype rule, as PyTorch states it: the first given parameter decides whether a call
is "mixed"; mixed calls need float32 parameters and float16/bfloat16 input, other calls one dtype."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # pragma: no cover - CI runs once without torch
    torch = None

SHARE = "mixed dtype (CPU): all inputs must share same datatype."
FLOAT = "mixed dtype (CPU): expect parameter to have scalar type of Float"


def _x(m, *shape, dtype="float64"):
    return m.tensor(np.arange(np.prod(shape), dtype=np.float64).reshape(shape) % 5, dtype=getattr(m, dtype))


CALLS = {
    # a float32 model fed float64 data
    "layer_norm": lambda m: m.nn.LayerNorm(4)(_x(m, 3, 4)),
    "layer_norm checks dtypes before shapes": lambda m: m.nn.functional.layer_norm(
        _x(m, 3, 4), (5,), m.ones(5), m.zeros(5)),
    "layer_norm of ints with a weight": lambda m: m.nn.functional.layer_norm(
        _x(m, 3, 4, dtype="int32"), (4,), m.ones(4)),
    "layer_norm with a bias only": lambda m: m.nn.functional.layer_norm(_x(m, 3, 4), (4,), None, m.zeros(4)),
    "layer_norm float32 of a float64 weight": lambda m: m.nn.functional.layer_norm(
        _x(m, 3, 4, dtype="float32"), (4,), m.ones(4, dtype=m.float64)),
    "layer_norm bfloat16 of a bfloat16 bias": lambda m: m.nn.functional.layer_norm(
        _x(m, 3, 4, dtype="bfloat16"), (4,), m.ones(4), m.zeros(4, dtype=m.bfloat16)),
    "layer_norm bfloat16 weight, float32 bias": lambda m: m.nn.functional.layer_norm(
        _x(m, 3, 4, dtype="bfloat16"), (4,), m.ones(4, dtype=m.bfloat16), m.zeros(4)),
    "group_norm": lambda m: m.nn.GroupNorm(2, 4)(_x(m, 3, 4)),
    "group_norm of ints": lambda m: m.nn.functional.group_norm(_x(m, 3, 4, dtype="int32"), 2, m.ones(4)),
    "batch_norm running stats only": lambda m: m.nn.BatchNorm1d(4, affine=False)(_x(m, 3, 4)),
    "batch_norm in eval": lambda m: m.nn.BatchNorm1d(4).eval()(_x(m, 3, 4)),
    "batch_norm float32 of float64 stats": lambda m: m.nn.functional.batch_norm(
        _x(m, 3, 4, dtype="float32"), m.zeros(4, dtype=m.float64), m.ones(4, dtype=m.float64)),
    "batch_norm bfloat16 weight, float32 stats": lambda m: m.nn.functional.batch_norm(
        _x(m, 3, 4, dtype="bfloat16"), m.zeros(4), m.ones(4), m.ones(4, dtype=m.bfloat16)),
    "instance_norm": lambda m: m.nn.InstanceNorm1d(4, affine=True)(_x(m, 2, 4, 3)),
}
EXPECTED = {
    "layer_norm": SHARE,
    "layer_norm checks dtypes before shapes": SHARE,
    "layer_norm of ints with a weight": SHARE,
    "layer_norm with a bias only": SHARE,
    "layer_norm float32 of a float64 weight": FLOAT,
    "layer_norm bfloat16 of a bfloat16 bias": FLOAT,
    "layer_norm bfloat16 weight, float32 bias": "expected scalar type BFloat16 but found Float",
    "group_norm": SHARE,
    "group_norm of ints": SHARE,
    "batch_norm running stats only": SHARE,
    "batch_norm in eval": SHARE,
    "batch_norm float32 of float64 stats": FLOAT,
    "batch_norm bfloat16 weight, float32 stats": "expected scalar type BFloat16 but found Float",
    "instance_norm": SHARE,
}


@pytest.mark.parametrize("name", list(CALLS))
def test_norm_dtype_refusals(name):
    with pytest.raises(RuntimeError) as got:
        CALLS[name](rg)
    assert str(got.value) == EXPECTED[name]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", list(CALLS))
def test_norm_dtype_refusals_vs_torch(name):
    with pytest.raises(RuntimeError) as expected:
        CALLS[name](torch)
    assert str(expected.value) == EXPECTED[name]


def test_mixed_reduced_input_and_empty_batches_still_run():
    x = _x(rg, 3, 4, dtype="bfloat16")
    assert rg.nn.LayerNorm(4)(x).dtype == rg.bfloat16
    assert rg.nn.BatchNorm1d(4)(x).dtype == rg.bfloat16
    # an empty batch is returned before the dtype rule, as in PyTorch
    assert rg.nn.BatchNorm1d(4).eval()(rg.zeros(0, 4, dtype=rg.float64)).shape == (0, 4)


def test_instance_norm_takes_running_stats_of_another_dtype():
    running = rg.zeros(4)
    out = rg.nn.functional.instance_norm(_x(rg, 2, 4, 3), running, rg.ones(4))
    assert out.dtype == rg.float64 and running.dtype == rg.float32
    assert running.abs().sum().item() > 0
