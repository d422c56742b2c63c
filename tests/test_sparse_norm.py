"""Tensor.norm / torch.norm of a sparse COO tensor: PyTorch's norm_sparse, the p-norm of the
coalesced values over all dims, its refusals, and its backward's error."""

from __future__ import annotations

import warnings

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None


def _cases(m):
    v = m.tensor([3.0, 4.0, 5.0, 6.0, 1.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyTorch's warning about unchecked sparse invariants
        s = m.sparse_coo_tensor(m.tensor([[0, 1, 1, 2, 0], [2, 0, 2, 1, 2]]), v, (3, 3))
    calls = [
        lambda: s.norm(), lambda: s.norm(1), lambda: s.norm(float("inf")), lambda: s.norm(p=3),
        lambda: m.norm(s), lambda: s.norm(0), lambda: s.norm(-1), lambda: s.norm(float("-inf")),
        lambda: s.norm(p=None), lambda: m.norm(s, dim=(0, 1)), lambda: s.norm(p="fro", dim=(1, 0)),
        lambda: s.double().norm(),
        lambda: s.norm(dim=1), lambda: s.norm(2, 1), lambda: s.norm(keepdim=True),
        lambda: s.norm(2, dtype=m.float64), lambda: s.norm(dtype=m.float64), lambda: s.norm(p="abc"),
        lambda: s.norm(p="nuc"), lambda: s.norm().backward(),
    ]  # fmt: skip
    found = []
    for call in calls:
        try:
            r = call()
            found.append((round(r.item(), 4), str(r.dtype).split(".")[1], type(r.grad_fn).__name__))
        except Exception as e:  # noqa: BLE001
            found.append((type(e).__name__, str(e)[:110]))
    return found


def test_norm_of_the_coalesced_values():
    found = _cases(rg)
    # entries (0, 2) are 3 + 1 = 4: the values 4, 4, 5, 6
    assert found[:9] == [
        (9.6437, "float32", "NormBackward1"), (19.0, "float32", "NormBackward1"), (6.0, "float32", "NormBackward1"),
        (7.7695, "float32", "NormBackward1"), (9.6437, "float32", "NormBackward1"), (4.0, "float32", "NormBackward1"),
        (1.1538, "float32", "NormBackward1"), (4.0, "float32", "NormBackward1"), (9.6437, "float32", "NormBackward1"),
    ]  # fmt: skip
    assert found[12][1].startswith("norm_sparse currently only supports full reductions")
    assert found[-1][0] == "NotImplementedError" and "aten::masked_fill_.Scalar" in found[-1][1]


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
def test_norm_vs_torch():
    assert _cases(rg) == _cases(torch)
