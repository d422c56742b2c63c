"""index_select, select (`s[i]`), unbind (`list(s)`), cat, stack and unsqueeze of sparse COO tensors
along their sparse dims (ops/sparse/restructure.py): PyTorch's entries, order and flags, its backward for
stack and its backward errors for the others."""

from __future__ import annotations

import pytest

import retrograd as rg
from retrograd.autograd import gradcheck, gradgradcheck

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")

I, V = [[2, 0, 1, 2, 0], [1, 2, 0, 1, 0]], [1.0, 2.0, 3.0, 4.0, 5.0]  # (2, 1) twice


def _s(m, values=None):
    values = m.tensor(V) if values is None else values
    return m.sparse_coo_tensor(m.tensor(I), values, (3, 3), check_invariants=True)


def _entries(t):
    return t._indices().tolist(), t._values().tolist(), t.is_coalesced(), tuple(t.shape)


def test_index_select_orders_by_output_position_then_entry():
    s = _s(rg)
    assert _entries(s.index_select(0, rg.tensor([2, 0, 2]))) == (
        [[0, 0, 1, 1, 2, 2], [1, 1, 2, 0, 1, 1]], [1.0, 4.0, 2.0, 5.0, 1.0, 4.0], False, (3, 3))
    by_column = rg.index_select(s, 1, rg.tensor([1, 0]))
    assert _entries(by_column)[:2] == ([[2, 2, 1, 0], [0, 0, 1, 1]], [1.0, 4.0, 3.0, 5.0])


def test_select_cat_stack_unsqueeze():
    s = _s(rg)
    assert _entries(s[2]) == ([[1, 1]], [1.0, 4.0], False, (3,))
    assert _entries(s.select(1, 1))[:2] == ([[2, 2]], [1.0, 4.0])
    assert _entries(s.coalesce()[2]) == ([[1]], [5.0], True, (3,))
    cat = rg.cat([s, s], 1)
    assert cat.shape == (3, 6) and cat._indices()[1].tolist() == [1, 2, 0, 1, 0, 4, 5, 3, 4, 3]
    stack = rg.stack([s, s])
    assert stack.shape == (2, 3, 3) and stack._indices()[0].tolist() == [0] * 5 + [1] * 5
    assert _entries(s.unsqueeze(2))[0][2] == [0] * 5 and s.unsqueeze(0).shape == (1, 3, 3)
    with pytest.raises(RuntimeError, match="Concatenating sparse tensors, but a dense tensor was found at position 1"):
        rg.cat([s, rg.ones(3, 3)])


def test_permute_and_transpose_reorder_sparse_dims():
    s = _s(rg)
    for t in (s.T, s.permute(1, 0)):
        assert _entries(t)[:2] == ([I[1], I[0]], V) and type(t.grad_fn).__name__ == "NoneType"
    hybrid = rg.sparse_coo_tensor(rg.tensor(I), rg.ones(5, 2), (3, 3, 2))
    assert hybrid.permute(1, 0, 2).shape == (3, 3, 2)
    with pytest.raises(NotImplementedError, match="'aten::permute'"):
        hybrid.permute(2, 0, 1)
    x = rg.tensor(V, dtype=rg.float64, requires_grad=True)
    assert gradcheck(lambda x: _s(rg, x).permute(1, 0).to_dense(masked_grad=False) ** 2, (x,))


def test_only_stack_differentiates_as_in_pytorch():
    x = rg.tensor(V, dtype=rg.float64, requires_grad=True)
    weights = rg.arange(18.0, dtype=rg.float64).reshape(2, 3, 3)
    (rg.stack([_s(rg, x), _s(rg, x)]).to_dense() * weights).sum().backward()
    assert x.grad.tolist() == [23.0, 13.0, 15.0, 23.0, 9.0]  # the two (2, 1) entries: one element, 7 + 16
    for op, needed in ((lambda s: s[1], "select_backward"), (lambda s: rg.cat([s, s]), "as_strided"),
                       (lambda s: s.unsqueeze(0), "as_strided"), (lambda s: s.index_select(0, rg.tensor([1])),
                                                                  "index_add_")):
        out = op(_s(rg, x)).to_dense().sum()
        with pytest.raises(NotImplementedError, match=f"'aten::{needed}'"):
            out.backward()

    def stacked(x):
        return rg.stack([_s(rg, x), _s(rg, x * 2)], 1).to_dense(masked_grad=False) ** 2

    assert gradcheck(stacked, (x,)) and gradgradcheck(stacked, (x,))


def _run(m):
    s = _s(m)
    out = {
        "isel": s.index_select(0, m.tensor([2, 0, 2])), "isel1": s.index_select(1, m.tensor([1, 0])),
        "iselc": s.coalesce().index_select(0, m.tensor([2, 0])), "sel": s[-1], "selc": s.coalesce()[2],
        "cat": m.cat([s, s.coalesce()], 0), "cat1": m.cat([s, s, s], -1), "stack": m.stack([s, s], 1),
        "unsq": s.unsqueeze(-1), "unsqc": s.coalesce().unsqueeze(1), "T": s.T, "perm": s.coalesce().permute(1, 0),
    }
    got = {k: _entries(v) for k, v in out.items()}
    x = m.tensor(V, requires_grad=True)
    (m.stack([_s(m, x), _s(m, x)]).to_dense() * m.arange(18.0).reshape(2, 3, 3)).sum().backward()
    return got, x.grad.tolist()


@needs_torch
@pytest.mark.pytorch
def test_restructuring_matches_pytorch():
    assert _run(rg) == _run(torch)


def test_unbind_iterates_rows_and_stack_joins_them_again():
    # sentence-transformers' SparseEncoder.encode: `rows.extend(batch)` over sparse rows, then stack
    s = _s(rg)
    rows = list(s)
    assert [_entries(r) for r in rows] == [([[2, 0]], [2.0, 5.0], False, (3,)), ([[0]], [3.0], True, (3,)),
                                           ([[1, 1]], [1.0, 4.0], False, (3,))]
    assert [_entries(c) for c in s.unbind(1)][2] == ([[0]], [2.0], True, (3,))
    assert rg.equal(rg.stack(rows).to_dense(), s.to_dense())
    for split in (lambda: s.split(1), lambda: s.chunk(3)):
        with pytest.raises(NotImplementedError, match="'aten::as_strided'"):
            split()


def test_select_of_the_only_sparse_dim_is_dense():
    vector = _s(rg)[2]  # (1,) stored twice: the element is their sum
    assert [(t.layout, t.item()) for t in (vector[1], vector[0])] == [(rg.strided, 5.0), (rg.strided, 0.0)]
    assert [v.tolist() for v in vector] == [0.0, 5.0, 0.0]
    hybrid = rg.sparse_coo_tensor(rg.tensor([[0, 2]]), rg.tensor([[1.0, 2.0], [3.0, 4.0]]), (3, 2))
    assert [hybrid[i].tolist() for i in range(3)] == [[1.0, 2.0], [0.0, 0.0], [3.0, 4.0]]
    assert hybrid[2].layout == rg.strided and hybrid[1].dtype == rg.float32
    x = rg.tensor(V, dtype=rg.float64, requires_grad=True)
    element = _s(rg, x)[2][1] * 3  # d/dentry = 3 at (2, 1): a dense gradient, as in PyTorch
    element.backward()
    assert x.grad.tolist() == [3.0, 0.0, 0.0, 3.0, 0.0]
    assert gradcheck(lambda x: _s(rg, x)[0][2] ** 2, (x,)) and gradgradcheck(lambda x: _s(rg, x)[2][1] ** 2, (x,))


def _vectors(m):
    s = _s(m)
    hybrid = m.sparse_coo_tensor(m.tensor([[0, 2]]), m.tensor([[1.0, 2.0], [3.0, 4.0]]), (3, 2))
    x = m.tensor(V, requires_grad=True)
    _s(m, x)[2][1].backward()
    return ([_entries(r) for r in s] + [_entries(c) for c in s.coalesce().unbind(1)],
            [(str(v.layout).split(".")[-1], v.tolist()) for v in list(s[2]) + list(hybrid)], x.grad.tolist())


@needs_torch
@pytest.mark.pytorch
def test_unbind_and_vector_select_match_pytorch():
    assert _vectors(rg) == _vectors(torch)
