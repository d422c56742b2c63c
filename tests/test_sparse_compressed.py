"""Sparse compressed tensors (layouts sparse_csr and sparse_csc): construction and PyTorch's checks,
conversions, accessors, printing, products (torch.mm, @, mv, torch.sparse.mm, addmm), scaling,
transposes, the errors PyTorch gives for what it refuses, and gradients to the values and to the
dense operand, first and second order against finite differences."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import retrograd as rg
from retrograd.autograd import gradcheck, gradgradcheck

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")

CROW, COL, VALS = [0, 2, 3, 5], [0, 2, 1, 0, 2], [1.0, -2.0, 3.0, 4.0, 0.5]
DENSE = [[1.0, 0.0, -2.0], [0.0, 3.0, 0.0], [4.0, 0.0, 0.5]]


def _csr(m, values=VALS, dtype=None, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return m.sparse_csr_tensor(m.tensor(CROW), m.tensor(COL), m.tensor(values, dtype=dtype), (3, 3), **kw)


def test_csr_parts_and_accessors():
    s = rg.tensor(DENSE).to_sparse_csr()
    assert s.layout is rg.sparse_csr and s.is_sparse_csr and not s.is_sparse
    assert s.crow_indices().tolist() == CROW and s.col_indices().tolist() == COL
    assert s.crow_indices().dtype is rg.int64 and s._nnz() == 5 and s.values().tolist() == VALS
    assert s.shape == (3, 3) and s.sparse_dim() == 2 and s.dense_dim() == 0
    c = s.to_sparse_csc()
    assert c.layout is rg.sparse_csc and not c.is_sparse_csr
    assert c.ccol_indices().tolist() == [0, 2, 3, 5] and c.row_indices().tolist() == [0, 2, 1, 0, 2]
    assert c.values().tolist() == [1.0, 4.0, 3.0, -2.0, 0.5]
    assert c.to_dense().tolist() == DENSE and s.to_sparse_coo().to_dense().tolist() == DENSE
    assert rg.tensor(DENSE).to_sparse(layout=rg.sparse_csc).layout is rg.sparse_csc
    assert s.t().layout is rg.sparse_csc and s.t().to_dense().tolist() == rg.tensor(DENSE).t().tolist()
    with pytest.raises(
        RuntimeError, match="^ccol_indices expected sparse column compressed tensor layout but got SparseCsr$"
    ):
        s.ccol_indices()
    with pytest.raises(
        RuntimeError, match="^crow_indices expected sparse row compressed tensor layout but got Strided$"
    ):
        rg.ones(2, 2).crow_indices()


def test_constructor_checks():
    t = rg.tensor
    with pytest.raises(RuntimeError, match=r"^`crow_indices\[\.\.\., -1\] == nnz` is not satisfied\.$"):
        rg.sparse_csr_tensor(t([0, 1, 2]), t(COL[:3]), t(VALS[:3]), (2, 3), check_invariants=True)
    with pytest.raises(RuntimeError, match="^`0 <= col_indices < ncols` is not satisfied.$"):
        rg.sparse_csr_tensor(t([0, 1, 3]), t([1, 0, 5]), t(VALS[:3]), (2, 3), check_invariants=True)
    with pytest.raises(RuntimeError, match="sorted and distinct along the last dimension values` is not satisfied"):
        rg.sparse_csr_tensor(t([0, 1, 3]), t([1, 2, 2]), t(VALS[:3]), (2, 3), check_invariants=True)
    with pytest.raises(
        RuntimeError, match=r"^crow_indices.shape\[-1\] must be equal to the number of rows \+ 1 \(=3\), but got 4$"
    ):
        rg.sparse_csr_tensor(t([0, 1, 3, 3]), t([1, 0, 2]), t(VALS[:3]), (2, 3), check_invariants=True)
    with pytest.raises(RuntimeError, match="^`0 <= row_indices < nrows` is not satisfied.$"):
        rg.sparse_csc_tensor(t([0, 1, 3]), t([1, 0, 5]), t(VALS[:3]), (3, 2), check_invariants=True)
    with pytest.raises(
        RuntimeError, match="^sparse_compressed_tensor expected sparse compressed tensor layout but got none$"
    ):
        rg.sparse_compressed_tensor(t([0, 1]), t([0]), t([1.0]), (1, 1))
    s = rg.sparse_csr_tensor([0, 1, 3], [1, 0, 2], [1.0, 2.0, 3.0], check_invariants=True)  # size inferred
    assert s.shape == (2, 3) and s.to_dense().tolist() == [[0.0, 1.0, 0.0], [2.0, 0.0, 3.0]]


def test_printing():
    s = rg.tensor(DENSE).to_sparse_csr()
    assert repr(s) == (
        "tensor(crow_indices=tensor([0, 2, 3, 5]),\n"
        "       col_indices=tensor([0, 2, 1, 0, 2]),\n"
        "       values=tensor([ 1.0000, -2.0000,  3.0000,  4.0000,  0.5000]),\n"
        "       size=(3, 3), nnz=5, layout=retrograd.sparse_csr)"
    )
    z = rg.zeros(2, 3, dtype=rg.int32).to_sparse_csc()
    assert repr(z) == (
        "tensor(ccol_indices=tensor([0, 0, 0, 0]),\n"
        "       row_indices=tensor([], size=(0,)),\n"
        "       values=tensor([], size=(0,)), size=(2, 3), nnz=0, dtype=retrograd.int32,\n"
        "       layout=retrograd.sparse_csc)"
    )


def test_products_match_dense():
    s, d = rg.tensor(DENSE).to_sparse_csr(), rg.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]])
    want = (rg.tensor(DENSE) @ d).tolist()
    for out in (s @ d, rg.mm(s, d), rg.sparse.mm(s, d), s.to_sparse_csc() @ d):
        assert out.layout is rg.strided and out.tolist() == want
    assert (s @ rg.tensor([1.0, 1.0, 1.0])).tolist() == [-1.0, 3.0, 4.5]
    assert (d.t() @ s).tolist() == (d.t() @ rg.tensor(DENSE)).tolist()
    assert rg.addmm(rg.ones(3, 2), s, d, beta=0.5, alpha=2).tolist() == (0.5 + 2 * (rg.tensor(DENSE) @ d)).tolist()
    assert (s * 2).values().tolist() == [2.0, -4.0, 6.0, 8.0, 1.0] and (-s).layout is rg.sparse_csr
    assert s.abs().values().tolist() == [1.0, 2.0, 3.0, 4.0, 0.5] and s.sum().item() == 6.5
    with pytest.raises(RuntimeError, match=r"^mat1 and mat2 shapes cannot be multiplied \(3x3 and 2x2\)$"):
        s @ rg.ones(2, 2)
    with pytest.raises(RuntimeError, match="^expected scalar type Float but found Double$"):
        s @ rg.ones(3, 2, dtype=rg.float64)


def test_refusals():
    s = rg.tensor(DENSE).to_sparse_csr()
    for f in (lambda: s.exp(), lambda: s - s, lambda: s / 2, lambda: s.sigmoid()):
        with pytest.raises(RuntimeError, match="^unsupported tensor layout: SparseCsr$"):
            f()
    with pytest.raises(
        RuntimeError, match=r"^add: expected 'self' and 'other' to have same size, but self has size \[\] while"
    ):
        s + 1
    with pytest.raises(NotImplementedError, match="^Could not run 'aten::view' with arguments from the 'SparseCsrCPU'"):
        s.view(9)
    with pytest.raises(TypeError, match="^can't convert SparseCsr layout tensor to numpy"):
        s.numpy()
    with pytest.raises(RuntimeError, match="^Sparse CSR tensors do not have strides$"):
        s.stride()
    with pytest.raises(RuntimeError, match="^coalesce expected sparse coordinate tensor layout but got SparseCsr$"):
        s.coalesce()


def test_gradients_to_values_and_dense_operand():
    vals = rg.tensor(VALS, dtype=rg.float64, requires_grad=True)
    b = rg.tensor([[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]], dtype=rg.float64, requires_grad=True)

    def product(v, b):
        return (rg.sparse_csr_tensor(rg.tensor(CROW), rg.tensor(COL), v, (3, 3)) @ b).pow(2)

    def chain(v, b):  # mv, addmm, sparse.mm, transpose, scaling, to_dense
        s = rg.sparse_csc_tensor(rg.tensor(CROW), rg.tensor(COL), v, (3, 3)) * 3
        return rg.addmm(b, s.t(), b).sin() + rg.sparse.mm(s, b) + (s @ b[:, 0]).unsqueeze(1) + s.to_dense()[:, :2]

    for f in (product, chain):
        assert gradcheck(f, (vals, b)) and gradgradcheck(f, (vals, b))


def test_leaf_gradients():
    w = rg.tensor(DENSE, requires_grad=True)
    s = w.to_sparse_csr()
    assert s.grad_fn.name() == "ToSparseCsrBackward0"
    (s @ rg.ones(3, 2)).sum().backward()
    assert w.grad.tolist() == [[2.0] * 3] * 3  # all of G Bᵀ, as PyTorch's MmBackward0
    leaf = rg.tensor(DENSE).to_sparse_csr().requires_grad_()
    rg.sparse.mm(leaf, rg.ones(3, 2)).sum().backward()
    assert leaf.grad.layout is rg.sparse_csr and leaf.grad.values().tolist() == [2.0] * 5


def test_sums():
    s, d = rg.tensor(DENSE).to_sparse_csr(), rg.ones(3, 3)
    assert (s + d).layout is rg.strided and (d + s).tolist() == (rg.tensor(DENSE) + 1).tolist()
    assert d.add(s, alpha=2).tolist() == (2 * rg.tensor(DENSE) + 1).tolist()
    both = s + rg.eye(3).to_sparse_csr()
    assert both.layout is rg.sparse_csr and both.to_dense().tolist() == (rg.tensor(DENSE) + rg.eye(3)).tolist()
    assert both._nnz() == 5  # the diagonal is among s's entries
    v = rg.tensor(VALS, dtype=rg.float64, requires_grad=True)
    e = rg.tensor([2.0, 1.0, -1.0], dtype=rg.float64, requires_grad=True)

    def f(v, e):
        a = rg.sparse_csr_tensor(rg.tensor(CROW), rg.tensor(COL), v, (3, 3))
        b = rg.sparse_csr_tensor(rg.tensor([0, 1, 2, 3]), rg.tensor([0, 1, 2]), e, (3, 3))
        return (a.add(b, alpha=2) @ rg.ones(3, 1, dtype=rg.float64)).pow(2) + (rg.ones(3, 3, dtype=rg.float64) + a)

    assert gradcheck(f, (v, e)) and gradgradcheck(f, (v, e))


def test_inplace_scale_and_likes():
    s = rg.tensor(DENSE).to_sparse_csr()
    s.mul_(2)
    assert s.values().tolist() == [2.0, -4.0, 6.0, 8.0, 1.0]
    assert rg.zeros_like(s)._nnz() == 0 and rg.ones_like(s).values().tolist() == [1.0] * 5


def test_beta_warning_once_per_process_names_the_caller(monkeypatch):
    from retrograd.ops.sparse import invariants

    monkeypatch.setattr(invariants, "_beta_warned", False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rg.eye(2).to_sparse_csr()
        rg.eye(2).to_sparse_csc()
    beta = [w for w in caught if "Sparse CSR tensor support is in beta state" in str(w.message)]
    assert len(beta) == 1 and beta[0].filename == __file__


# --- against PyTorch ---------------------------------------------------------------------------


def _both(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(rg), fn(torch)


@needs_torch
def test_printing_and_parts_vs_torch():
    def build(m):
        return m.tensor(
            np.array([[0.0, 1.5, 0.0, 0.0, -2.25, 0.0], [0.0] * 6, [3.0, 0.0, 0.0, 0.0, 0.0, 7.125]])
        ).to_sparse_csr()

    ours, theirs = _both(build)
    assert repr(ours).replace("retrograd.", "torch.") == repr(theirs)
    ours, theirs = _both(lambda m: build(m).to_sparse_csc())
    assert repr(ours).replace("retrograd.", "torch.") == repr(theirs)
    ours, theirs = _both(lambda m: m.zeros(2, 3, dtype=m.int32).to_sparse_csr())
    assert repr(ours).replace("retrograd.", "torch.") == repr(theirs)


@needs_torch
def test_products_and_gradients_vs_torch():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((4, 5)) * (rng.random((4, 5)) < 0.5)
    b = rng.standard_normal((5, 3))

    def run(m):
        wt = m.tensor(w, requires_grad=True)
        bt = m.tensor(b, requires_grad=True)
        s = wt.to_sparse_csr()
        out = (s @ bt).tanh().sum() + m.sparse.mm(s, bt).sum() + m.addmm(m.ones(4, 3, dtype=m.float64), s, bt).sum()
        out.backward()
        leaf = m.tensor(w).to_sparse_csr().requires_grad_()
        m.sparse.mm(leaf, bt.detach()).pow(2).sum().backward()
        return out.item(), wt.grad.numpy(), bt.grad.numpy(), leaf.grad.to_dense().numpy(), leaf.grad.layout

    ours, theirs = _both(run)
    for a, e in zip(ours[:4], theirs[:4]):
        np.testing.assert_allclose(a, e, rtol=1e-12, atol=1e-12)
    assert str(ours[4]).replace("retrograd", "torch") == str(theirs[4])


@needs_torch
def test_errors_vs_torch():
    cases = [
        lambda m: m.sparse_csr_tensor(
            m.tensor([1, 1, 3]), m.tensor([1, 0, 2]), m.tensor([1.0, 2.0, 3.0]), (2, 3), check_invariants=True
        ),
        lambda m: m.sparse_csr_tensor(
            m.tensor([0, 1, 3]), m.tensor([1, 0, 2]), m.tensor([1.0, 2.0]), (2, 3), check_invariants=True
        ),
        lambda m: m.sparse_csr_tensor(
            m.tensor([0.0, 1, 3]), m.tensor([1, 0, 2]), m.tensor([1.0, 2.0, 3.0]), (2, 3), check_invariants=True
        ),
        lambda m: m.ones(2, 3).to_sparse_csr().exp(),
        lambda m: m.ones(2, 3).to_sparse_csc().col_indices(),
        lambda m: m.ones(2, 3).to_sparse_csr().to_dense(m.float64),
        lambda m: m.ones(2, 3).to_sparse_csc().is_contiguous(),
        lambda m: m.ones(2, 3).to_sparse_csr().type(),
        lambda m: m.ones(2, 3).to_sparse_csr().sum(0),
    ]
    for case in cases:
        got = []
        for m in (rg, torch):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with pytest.raises(Exception) as info:
                    case(m)
            got.append((type(info.value).__name__, str(info.value)))
        assert got[0] == got[1]


def test_save_load_and_int32_indices(tmp_path):
    s = rg.sparse_csc_tensor(
        rg.tensor([0, 1, 3], dtype=rg.int32), rg.tensor([1, 0, 2], dtype=rg.int32), [1.0, 2.0, 3.0], (3, 2)
    )
    assert s.ccol_indices().dtype is rg.int32 and s.row_indices().dtype is rg.int32  # kept, as PyTorch's
    rg.save({"adj": s}, tmp_path / "a.pt")
    back = rg.load(tmp_path / "a.pt")["adj"]
    assert back.layout is rg.sparse_csc and back.to_dense().tolist() == s.to_dense().tolist()


@needs_torch
def test_checkpoint_round_trip_vs_torch(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = torch.tensor(DENSE).to_sparse_csr()
        torch.save(theirs, tmp_path / "t.pt")
        ours = rg.load(tmp_path / "t.pt")
        assert ours.layout is rg.sparse_csr and ours.to_dense().tolist() == DENSE
        rg.save(rg.tensor(DENSE).to_sparse_csc(), tmp_path / "r.pt")
        back = torch.load(tmp_path / "r.pt")
        assert back.layout == torch.sparse_csc and back.to_dense().tolist() == DENSE


def test_compressed_times_compressed():
    a, b = (
        rg.tensor([[1.0, 0.0, 2.0], [0.0, 3.0, 0.0]]).to_sparse_csr(),
        rg.tensor([[1.0, 0.0], [0.0, 0.0], [4.0, 5.0]]),
    )
    for out in (a @ b.to_sparse_csr(), a.to_sparse_csc() @ b.to_sparse_csc(), rg.sparse.mm(a, b.to_sparse_csr())):
        assert out.layout is rg.sparse_csr and out._nnz() == 2 and out.to_dense().tolist() == [[9.0, 10.0], [0.0, 0.0]]
    with pytest.raises(RuntimeError, match="^addmm: computation on CPU is not implemented for SparseCsr"):
        a @ b.to_sparse()
    v = rg.tensor(VALS, dtype=rg.float64, requires_grad=True)

    def f(v):
        s = rg.sparse_csr_tensor(rg.tensor(CROW), rg.tensor(COL), v, (3, 3))
        return (s @ s.t()).to_dense().pow(2)

    assert gradcheck(f, (v,)) and gradgradcheck(f, (v,))


def test_linear_and_sparse_addmm_with_a_csr_weight():
    w, x, b = rg.tensor(DENSE), rg.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]]), rg.tensor([0.25, -0.5, 1.0])
    s = w.to_sparse_csr()
    assert rg.nn.functional.linear(x, s, b).tolist() == rg.nn.functional.linear(x, w, b).tolist()
    assert rg.sparse.addmm(rg.ones(3, 2), s, x.t(), beta=0.5).tolist() == (0.5 + w @ x.t()).tolist()
    v = rg.tensor(VALS, dtype=rg.float64, requires_grad=True)
    xd = x.double().requires_grad_()

    def f(v, xd):
        s = rg.sparse_csr_tensor(rg.tensor(CROW), rg.tensor(COL), v, (3, 3))
        return rg.nn.functional.linear(xd, s, b.double()).sin() + rg.sparse.addmm(xd.t(), s, xd.t(), alpha=2).t()

    assert gradcheck(f, (v, xd)) and gradgradcheck(f, (v, xd))


@needs_torch
def test_addmm_rounding_vs_torch():
    """The product first, then beta·input added, as PyTorch's kernel (whose sums use fused
    multiply-adds: the last bit may differ)."""
    rng = np.random.default_rng(7)
    w = (rng.standard_normal((5, 4)) * (rng.random((5, 4)) < 0.6)).astype(np.float64)
    x, c = rng.standard_normal((4, 3)), rng.standard_normal((5, 3))
    ours, theirs = _both(lambda m: m.addmm(m.tensor(c), m.tensor(w).to_sparse_csr(), m.tensor(x), beta=0.5, alpha=2))
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-14, atol=1e-15)
    ours, theirs = _both(
        lambda m: m.nn.functional.linear(m.tensor(x.T), m.tensor(w).to_sparse_csr(), m.tensor(c[:, 0]))
    )
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-14, atol=1e-15)


def test_select_gives_a_coo_vector_and_missing_kernels_name_the_backend():
    s = rg.tensor(DENSE).to_sparse_csr()
    row = s[2]
    assert row.layout is rg.sparse_coo and row.to_dense().tolist() == DENSE[2]
    assert s.select(1, 0).to_dense().tolist() == [1.0, 0.0, 4.0]
    with pytest.raises(
        NotImplementedError, match="^Could not run 'aten::_sparse_softmax' with arguments from the 'SparseCsrCPU'"
    ):
        rg.sparse.softmax(s, 1)
    with pytest.raises(
        NotImplementedError, match="^Could not run 'aten::index_select' with arguments from the 'SparseCsrCPU'"
    ):
        s.index_select(0, rg.tensor([0]))
