"""In-place ops on sparse COO tensors (`zero_`, `mul_`, `div_`, `add_`) and `add`/`sub` with
`alpha` between sparse and dense operands: what an SGD step with momentum on a sparse gradient
and `zero_grad(set_to_none=False)` run."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.autograd import gradcheck, gradgradcheck

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")

I = [[0, 1, 1], [1, 0, 1]]


def _sparse(m, values=(1.0, 2.0, 3.0), indices=I, **kw):
    return m.sparse_coo_tensor(m.tensor(indices), m.tensor(list(values), **kw), (2, 2), check_invariants=True)


def test_zero_keeps_size_and_dims_and_drops_entries():
    s = rg.sparse_coo_tensor([[0, 2]], [[1.0, 2.0], [3.0, 4.0]], (3, 2))
    version = s._version
    assert s.zero_() is s
    assert s._nnz() == 0 and s.is_coalesced() and s.shape == (3, 2) and s.sparse_dim() == 1
    assert tuple(s._values().shape) == (0, 2) and s._version == version + 1
    assert s.to_dense().tolist() == [[0.0, 0.0]] * 3


def test_scaling_in_place():
    s = _sparse(rg)
    s.mul_(2).div_(4)
    assert s._values().tolist() == [0.5, 1.0, 1.5] and s._indices().tolist() == I and not s.is_coalesced()


def test_add_with_alpha_merges_entries():
    a = _sparse(rg).coalesce()
    b = _sparse(rg, values=(10.0, 20.0), indices=[[0, 1], [0, 1]]).coalesce()
    out = rg.add(a, b, alpha=0.5)
    assert out.is_coalesced() and out._indices().tolist() == [[0, 0, 1, 1], [0, 1, 0, 1]]
    assert out._values().tolist() == [5.0, 1.0, 2.0, 13.0]
    assert rg.sub(a, b, alpha=2).to_dense().tolist() == [[-20.0, 1.0], [2.0, -37.0]]
    a.add_(b, alpha=-1)
    assert a.to_dense().tolist() == [[-10.0, 1.0], [2.0, -17.0]]


def test_adding_into_an_empty_sparse_tensor_keeps_the_other_entries():
    empty = rg.sparse_coo_tensor(rg.zeros(2, 0, dtype=rg.int64), rg.zeros(0), (2, 2))
    s = _sparse(rg)
    for total in (empty + s, s + empty):
        assert total._indices().tolist() == I and total._values().tolist() == [1.0, 2.0, 3.0]


def test_dense_plus_alpha_sparse():
    d = rg.ones(2, 2)
    assert rg.add(d, _sparse(rg), alpha=-1).tolist() == [[1.0, 0.0], [-1.0, -2.0]]
    assert d.sub_(_sparse(rg), alpha=2).tolist() == [[1.0, -1.0], [-3.0, -5.0]]
    with pytest.raises(RuntimeError, match=r"add\(sparse, dense\) is not supported"):
        rg.add(_sparse(rg), d, alpha=2)


def test_gradients_with_alpha_in_float64():
    a = rg.tensor([1.0, 2.0, 3.0], dtype=rg.float64, requires_grad=True)
    b = rg.tensor([0.5, -1.0], dtype=rg.float64, requires_grad=True)

    def sparse_sum(x, y):
        sa = rg.sparse_coo_tensor(rg.tensor(I), x, (2, 2))
        sb = rg.sparse_coo_tensor(rg.tensor([[0, 1], [0, 1]]), y, (2, 2))
        return rg.add(sa, sb, alpha=-0.5).to_dense(masked_grad=False) ** 2  # (the masked one has no 2nd order)

    def dense_plus_sparse(d, y):
        return rg.add(d, rg.sparse_coo_tensor(rg.tensor([[0, 1], [0, 1]]), y, (2, 2)), alpha=3.0) ** 2

    assert gradcheck(sparse_sum, (a, b)) and gradgradcheck(sparse_sum, (a, b))
    d = rg.ones(2, 2, dtype=rg.float64, requires_grad=True)
    assert gradcheck(dense_plus_sparse, (d, b)) and gradgradcheck(dense_plus_sparse, (d, b))


def _ops(m):
    m.manual_seed(0)
    idx = m.randint(0, 6, (1, 40))
    vals = (m.randn(40, 3) * 64).round() / 64  # duplicates sum exactly in any order (coalesce's is not PyTorch's)
    s = m.sparse_coo_tensor(idx, vals, (6, 3), check_invariants=True)
    t = m.sparse_coo_tensor(idx[:, :15], vals[:15] * 3, (6, 3), check_invariants=True)
    d = m.randn(6, 3)
    one = m.sparse_coo_tensor(idx, (m.randn(40) * 64).round() / 64, (6,), check_invariants=True)
    out = {
        "s+a*t": m.add(s.coalesce(), t.coalesce(), alpha=0.3),
        "s+a*t uncoalesced": m.add(s, t, alpha=0.3),
        "d+a*s": m.add(d, s, alpha=-0.1),
        "d+a*s coalesced": m.add(d, s.coalesce(), alpha=-0.1),
        "d+a*1d": m.add(d[:, 0].contiguous(), one, alpha=0.7),
        "d+a*1d coalesced": m.add(d[:, 0].contiguous(), one.coalesce(), alpha=0.7),
        "mul_ add_": s.clone().mul_(0.9).add_(t, alpha=0.1),
        "zero_ add_": s.clone().zero_().add_(t),
    }
    return {k: (v.to_dense().numpy(), v.is_sparse and v._indices().tolist()) for k, v in out.items()}


@needs_torch
@pytest.mark.pytorch
def test_sparse_in_place_and_alpha_match_pytorch_bit_for_bit():
    ours, theirs = _ops(rg), _ops(torch)
    for key in ours:
        np.testing.assert_array_equal(ours[key][0], theirs[key][0], err_msg=key)
        assert ours[key][1] == theirs[key][1], key
