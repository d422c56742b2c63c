"""Every op of the table under CPU autocast, on float32 inputs.

An op off autocast's lists must give exactly what it gives outside the region (our composites
must not lower their own inner products), an op on the lower-precision list gives bfloat16, and,
with PyTorch installed, every op's result dtypes under autocast match PyTorch's.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd

from .harness import make_tensors, outputs, torch
from .test_op_table import CASES, _rng

# ops that may give bfloat16: PyTorch's lower-precision list (retrograd.ops.autocast_policy) and its
# composites built on matrix products; which variants do is checked against PyTorch below
LOWERED = {
    "mm", "dsmm", "bmm", "matmul", "addmm", "baddbmm", "addbmm", "einsum", "tensordot", "inner", "chain_matmul",
    "linalg.multi_dot", "linalg.vecdot", "linalg.matmul", "F.linear", "F.conv1d", "F.conv2d", "F.conv3d",
    "F.conv_transpose1d", "F.conv_transpose2d", "F.conv_transpose3d", "prelu", "F.prelu",
    "F.scaled_dot_product_attention", "F.affine_grid", "nn.LSTM", "nn.RNN", "nn.RNNCell",
    "matrix_power", "linalg.matrix_power", "cov", "corrcoef", "_foreach_mm",
}
# cases whose own lambda multiplies matrices after the op
LOWERED_CASES = {"linalg.svd[reconstruct]", "linalg.svd[full_matrices]", "linalg.eigh[expm_upper]",
                 # the reference path's linear runs in bfloat16 (then cross_entropy in float32), as PyTorch's
                 "F.linear_cross_entropy[reference]", "F.linear_cross_entropy[reference, bias, weights, ignored, sum]"}


def _float32_inputs(case):
    arrays = case.inputs(_rng(case))
    return [a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype == np.float64 else a for a in arrays]


def _run(module, case, arrays, autocast):
    tensors = make_tensors(module, arrays, False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not autocast:
            return outputs(case.fn(module, *tensors))
        with module.autocast("cpu"):
            return outputs(case.fn(module, *tensors))


def _float32_cases():
    chosen = []
    for c in CASES:
        arrays = _float32_inputs(c)
        if any(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in arrays):
            chosen.append(c)
    return chosen


_CASES = _float32_cases()


def _baseline(case, arrays):
    try:
        return _run(retrograd, case, arrays, False)
    except Exception:  # an op that refuses float32 here has nothing to compare under autocast
        pytest.skip("the op refuses these float32 inputs")


@pytest.mark.parametrize("case", _CASES, ids=[c.id for c in _CASES])
def test_op_under_autocast_is_unchanged_or_lowered(case):
    arrays = _float32_inputs(case)
    plain = _baseline(case, arrays)
    got = _run(retrograd, case, arrays, True)
    assert len(got) == len(plain)
    for g, p in zip(got, plain):
        if not isinstance(p, retrograd.Tensor):
            assert g == p
            continue
        if case.name in LOWERED or case.id in LOWERED_CASES:
            # bfloat16 where lowered; gradients of lowered ops keep their dtype but not their values
            assert g.dtype is (retrograd.bfloat16 if g.dtype is retrograd.bfloat16 else p.dtype), case.id
            continue
        assert g.dtype is p.dtype, f"{case.id}: {g.dtype} under autocast, {p.dtype} outside"
        same = np.array_equal(g.detach().numpy(), p.detach().numpy(), equal_nan=True)
        assert same, f"{case.id}: values changed under autocast"


# cases that call one of our private kernels (PyTorch's side calls its module): the module is tested
# under autocast in tests/test_autocast_cpu.py
PRIVATE_KERNELS = {"nn.LSTM"}
# PyTorch's pinv is a composite ending in a matrix product (bfloat16 under autocast); ours is one op
KNOWN_DIFFERENCES = {"linalg.pinv", "linalg.pinv[hermitian]"}
_VS_TORCH = [c for c in _CASES if c.vs_torch and c.name not in PRIVATE_KERNELS]


@pytest.mark.pytorch
@pytest.mark.skipif(torch is None, reason="needs PyTorch")
@pytest.mark.parametrize("case", _VS_TORCH, ids=[c.id for c in _VS_TORCH])
def test_op_under_autocast_gives_pytorchs_dtypes(case):
    if case.id in KNOWN_DIFFERENCES:
        pytest.xfail("float32 where PyTorch's composite gives bfloat16")
    arrays = _float32_inputs(case)
    _baseline(case, arrays)
    try:
        expected = _run(torch, case, arrays, True)
    except Exception:
        pytest.skip("PyTorch refuses these inputs")
    got = _run(retrograd, case, arrays, True)
    for g, e in zip(got, expected):
        if isinstance(e, torch.Tensor):
            assert str(g.dtype).split(".")[-1] == str(e.dtype).split(".")[-1], case.id
