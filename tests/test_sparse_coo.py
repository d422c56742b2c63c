"""Sparse COO tensors: construction, printing, conversions, products, sums and their gradients.

Spelled-out expectations run without PyTorch; the `pytorch` tests compare with it, including a
small pygcn-style training loop (a GCN over a sparse normalised adjacency, Adam, nll_loss).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import retrograd
from retrograd.autograd import gradcheck, gradgradcheck

I = [[0, 1, 1, 2], [2, 0, 2, 1]]
V = [3.0, 4.0, 5.0, 6.0]


def sparse(lib, dtype=None, **kw):
    return lib.sparse_coo_tensor(lib.tensor(I), lib.tensor(V, dtype=dtype), (3, 3), **kw)


def test_repr_and_metadata():
    s = sparse(retrograd)
    assert repr(s) == (
        "tensor(indices=tensor([[0, 1, 1, 2],\n"
        "                       [2, 0, 2, 1]]),\n"
        "       values=tensor([3., 4., 5., 6.]),\n"
        "       size=(3, 3), nnz=4, layout=retrograd.sparse_coo)"
    )
    assert s.is_sparse and s.layout is retrograd.sparse_coo and not s.is_coalesced()
    assert (s._nnz(), s.sparse_dim(), s.dense_dim(), s.shape, s.dtype) == (4, 2, 0, (3, 3), retrograd.float32)
    assert not retrograd.ones(2).is_sparse and retrograd.ones(2).layout is retrograd.strided
    leaf = sparse(retrograd, retrograd.float64, requires_grad=True)
    assert repr(leaf).endswith(
        "nnz=4, dtype=retrograd.float64, layout=retrograd.sparse_coo,\n       requires_grad=True)"
    )
    empty = retrograd.sparse_coo_tensor(retrograd.zeros(2, 0, dtype=retrograd.int64), retrograd.zeros(0), (2, 3))
    assert repr(empty) == (
        "tensor(indices=tensor([], size=(2, 0)),\n       values=tensor([], size=(0,)),\n"
        "       size=(2, 3), nnz=0, layout=retrograd.sparse_coo)"
    )


def test_conversions_and_coalesce():
    s = retrograd.sparse_coo_tensor([[1, 0, 1], [0, 1, 0]], [1.0, 2.0, 10.0], (2, 2))
    assert s.to_dense().tolist() == [[0.0, 2.0], [11.0, 0.0]]
    c = s.coalesce()
    assert c.is_coalesced() and c.indices().tolist() == [[0, 1], [1, 0]] and c.values().tolist() == [2.0, 11.0]
    with pytest.raises(RuntimeError, match="Cannot get indices on an uncoalesced tensor"):
        s.indices()
    d = retrograd.tensor([[0.0, 1.0], [2.0, 0.0]]).to_sparse()
    assert d.is_coalesced() and d._indices().tolist() == [[0, 1], [1, 0]] and d._values().tolist() == [1.0, 2.0]
    assert s.t().to_dense().tolist() == [[0.0, 11.0], [2.0, 0.0]]
    assert (-s * 2).to_dense().tolist() == [[0.0, -4.0], [-22.0, 0.0]]
    assert (retrograd.ones(2, 2) + s).tolist() == [[1.0, 3.0], [12.0, 1.0]]
    assert (c + c).to_dense().tolist() == [[0.0, 4.0], [22.0, 0.0]]
    with pytest.raises(RuntimeError, match="add\\(sparse, dense\\) is not supported"):
        s + retrograd.ones(2, 2)
    with pytest.raises(TypeError, match="can't convert Sparse layout tensor to numpy"):
        s.numpy()


def test_unsupported_ops_raise_not_implemented():
    s = sparse(retrograd)
    with pytest.raises(NotImplementedError, match="Could not run 'aten::exp' with arguments from the 'SparseCPU'"):
        s.exp()
    with pytest.raises(NotImplementedError, match="'aten::view'"):
        s.view(9)


def test_products_and_gradients():
    s = sparse(retrograd, requires_grad=True)
    x = retrograd.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
    y = retrograd.sparse.mm(s, x)
    assert y.tolist() == [[15.0, 18.0], [29.0, 38.0], [18.0, 24.0]] and y.grad_fn.name() == "SparseAddmmBackward0"
    y.sum().backward()
    assert x.grad.tolist() == [[4.0, 4.0], [6.0, 6.0], [8.0, 8.0]]
    assert s.grad.is_sparse and s.grad._values().tolist() == [11.0, 3.0, 11.0, 7.0]  # row sums of x at each column
    assert retrograd.mm(sparse(retrograd), x).grad_fn.name() == "MmBackward0"
    assert (sparse(retrograd) @ x).tolist() == y.tolist()
    assert retrograd.spmm(sparse(retrograd), x).tolist() == y.tolist()
    assert retrograd.sparse.sum(s).item() == 18.0
    assert retrograd.sparse.sum(s, 1).to_dense().tolist() == [3.0, 9.0, 6.0]


def test_gradcheck_sparse_products_in_float64():
    s = sparse(retrograd, retrograd.float64)
    x = retrograd.randn(3, 2, dtype=retrograd.float64, requires_grad=True)
    for product in (retrograd.sparse.mm, retrograd.mm):
        assert gradcheck(lambda x, product=product: product(s, x), (x,))
        assert gradgradcheck(lambda x, product=product: product(s, x) ** 2, (x,))
    values = retrograd.tensor(V, dtype=retrograd.float64, requires_grad=True)
    build = lambda v: retrograd.sparse_coo_tensor(retrograd.tensor(I), v, (3, 3))  # noqa: E731
    assert gradcheck(lambda v: retrograd.sparse.mm(build(v), x.detach()), (values,))
    assert gradcheck(lambda v: build(v).to_dense(), (values,))
    assert gradcheck(lambda v: retrograd.sparse.sum(build(v), 0).to_dense(), (values,))


# --- compared with PyTorch --------------------------------------------------------------------


def _gradients(lib):
    s = sparse(lib, requires_grad=True)
    lib.manual_seed(0)
    x = lib.randn(3, 2, requires_grad=True)
    lib.sparse.mm(s, x).pow(2).sum().backward()
    s2 = sparse(lib, requires_grad=True)
    lib.mm(s2, x).sum().backward()
    s3 = sparse(lib, requires_grad=True)
    s3.to_dense().pow(2).sum().backward()
    v = lib.tensor(V, requires_grad=True)
    lib.sparse.mm(lib.sparse_coo_tensor(lib.tensor(I), v, (3, 3)), x.detach()).sum().backward()
    # x.grad's float32 sums may differ in the last digit (summation order): compared apart
    return [repr(t) for t in (s.grad, s2.grad, s3.grad, v.grad)], x.grad.detach().numpy()


@pytest.mark.pytorch
def test_gradients_match_pytorch():
    torch = pytest.importorskip("torch")
    ours, ours_x = _gradients(retrograd)
    theirs, theirs_x = _gradients(torch)
    assert [r.replace("retrograd.", "torch.") for r in ours] == theirs
    np.testing.assert_allclose(ours_x, theirs_x, rtol=1e-5)


def _pygcn_losses(lib):
    lib.manual_seed(0)
    rng = np.random.default_rng(0)
    n = 20
    adj = (rng.random((n, n)) < 0.15).astype(np.float32)
    adj = np.maximum(adj, adj.T) + np.eye(n, dtype=np.float32)
    adj /= adj.sum(1, keepdims=True)
    rows, cols = np.nonzero(adj)
    a = lib.sparse_coo_tensor(lib.tensor(np.vstack([rows, cols])), lib.tensor(adj[rows, cols]), (n, n)).coalesce()
    feats, labels = lib.randn(n, 8), lib.randint(0, 3, (n,))
    w1 = lib.nn.Parameter(lib.empty(8, 16).uniform_(-0.25, 0.25))
    w2 = lib.nn.Parameter(lib.empty(16, 3).uniform_(-0.25, 0.25))
    opt = lib.optim.Adam([w1, w2], lr=0.01, weight_decay=5e-4)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        h = lib.relu(lib.spmm(a, feats @ w1))
        out = lib.nn.functional.log_softmax(lib.sparse.mm(a, h @ w2), dim=1)
        loss = lib.nn.functional.nll_loss(out, labels)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def test_pygcn_training_decreases_the_loss():
    losses = _pygcn_losses(retrograd)
    assert all(math.isfinite(v) for v in losses) and losses[-1] < losses[0]


@pytest.mark.pytorch
def test_pygcn_losses_match_pytorch():
    torch = pytest.importorskip("torch")
    np.testing.assert_allclose(_pygcn_losses(retrograd), _pygcn_losses(torch), rtol=1e-5)


def test_save_load_round_trip(tmp_path):
    s = retrograd.sparse_coo_tensor([[1, 0, 1], [0, 1, 0]], [1.0, 2.0, 3.0], (2, 3))
    retrograd.save({"adj": s, "c": s.coalesce()}, tmp_path / "s.pt")
    for weights_only in (True, False):
        got = retrograd.load(tmp_path / "s.pt", weights_only=weights_only)
        assert got["adj"]._indices().tolist() == [[1, 0, 1], [0, 1, 0]] and not got["adj"].is_coalesced()
        assert got["c"].is_coalesced() and got["c"].to_dense().tolist() == [[0.0, 2.0, 0.0], [4.0, 0.0, 0.0]]


@pytest.mark.pytorch
def test_checkpoints_load_across_libraries(tmp_path):
    torch = pytest.importorskip("torch")
    ours = retrograd.sparse_coo_tensor([[1, 0], [0, 2]], [1.0, 2.0], (2, 3))
    retrograd.save(ours, tmp_path / "r.pt")
    theirs = torch.load(tmp_path / "r.pt")
    assert repr(theirs) == repr(ours).replace("retrograd.", "torch.")
    torch.save(theirs.coalesce(), tmp_path / "t.pt")
    back = retrograd.load(tmp_path / "t.pt")
    assert back.is_coalesced() and repr(back) == repr(theirs.coalesce()).replace("torch.", "retrograd.")


def test_softmax_sub_div():
    s = retrograd.sparse_coo_tensor([[0, 0, 1], [0, 2, 1]], [1.0, 1.0, 3.0], (2, 3))
    assert retrograd.sparse.softmax(s, 1).to_dense().tolist() == [[0.5, 0.0, 0.5], [0.0, 1.0, 0.0]]
    assert retrograd.sparse.log_softmax(s, 0).coalesce().values().tolist() == [0.0, 0.0, 0.0]
    assert (s - s * 2).to_dense().tolist() == [[-1.0, 0.0, -1.0], [0.0, -3.0, 0.0]]
    assert (s / 2).grad_fn is None and (s / 2)._values().tolist() == [0.5, 0.5, 1.5]
    values = retrograd.tensor([0.3, -1.2, 0.7], dtype=retrograd.float64, requires_grad=True)
    weights = retrograd.randn(2, 3, dtype=retrograd.float64)

    def through(fn):
        return lambda v: fn(retrograd.sparse_coo_tensor(s._indices(), v, (2, 3)), 1).to_dense() * weights

    assert gradcheck(through(retrograd.sparse.softmax), (values,))
    assert gradcheck(through(retrograd.sparse.log_softmax), (values,))
    assert gradcheck(lambda v: (retrograd.sparse_coo_tensor(s._indices(), v, (2, 3)) / 3).to_dense(), (values,))


@pytest.mark.pytorch
def test_softmax_matches_pytorch():
    torch = pytest.importorskip("torch")

    def run(lib):
        lib.manual_seed(0)
        s = lib.sparse_coo_tensor(
            lib.tensor([[0, 0, 1, 2, 2], [0, 2, 1, 0, 2]]), lib.randn(5), (3, 3), requires_grad=True
        )
        out = lib.sparse.softmax(s, 1)
        (out.to_dense() * lib.randn(3, 3)).sum().backward()
        return repr(out), repr(s.grad), repr(lib.sparse.log_softmax(s.detach(), 0))

    assert [r.replace("retrograd.", "torch.") for r in run(retrograd)] == list(run(torch))


def test_construction_arguments_checked_as_pytorch():
    # float indices are truncated to int64, as PyTorch converts them
    s = retrograd.sparse_coo_tensor(retrograd.tensor([[0.0, 1.7]]), retrograd.tensor([1.0, 2.0]))
    assert s._indices().tolist() == [[0, 1]] and s.shape == (2,)
    with pytest.raises(RuntimeError, match="found negative index -1 for dim 0"):
        retrograd.sparse_coo_tensor([[-1, 0]], [1.0, 2.0])
    with pytest.raises(RuntimeError, match="size is inconsistent with indices: for dim 0, size is 2 but found index 2"):
        retrograd.sparse_coo_tensor([[2, 0]], [1.0, 2.0], (2,))
    with pytest.raises(TypeError, match="received an invalid combination of arguments - got \\(list, list, Tensor\\)"):
        retrograd.sparse_coo_tensor([[0]], [1.0], retrograd.ones(1))


def test_element_size_and_contiguity():
    s = sparse(retrograd, retrograd.float64)
    assert s.element_size() == 8 and not s.is_contiguous() and s.type() == "torch.sparse.DoubleTensor"


def test_second_backward_through_the_constructor_raises_as_pytorch():
    # PyTorch's SparseCooTensorWithDimsAndTensorsBackward0 saves the indices, freed by the first backward
    values = retrograd.tensor([1.0, 2.0], requires_grad=True)
    w = retrograd.sparse_coo_tensor([[0, 1], [1, 0]], values, (2, 2))
    retrograd.sparse.mm(w, retrograd.ones(2, 1)).sum().backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        (w @ retrograd.ones(2, 1)).sum().backward()
    kept = retrograd.sparse_coo_tensor([[0, 1], [1, 0]], values, (2, 2))
    (kept @ retrograd.ones(2, 1)).sum().backward(retain_graph=True)
    (kept @ retrograd.ones(2, 1)).sum().backward()
    assert values.grad.tolist() == [3.0, 3.0]


@pytest.mark.pytorch
def test_second_backward_through_the_constructor_matches_pytorch():
    torch = pytest.importorskip("torch")
    values = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.sparse_coo_tensor(torch.tensor([[0, 1], [1, 0]]), values, (2, 2))
    torch.sparse.mm(w, torch.ones(2, 1)).sum().backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        (w @ torch.ones(2, 1)).sum().backward()


LEGACY_SPARSE = """
import warnings
import torch
warnings.simplefilter("always")
i, v = torch.tensor([[5], [0]]), torch.tensor([1.0])
with warnings.catch_warnings(record=True) as caught:
    a = torch.sparse.FloatTensor(i, v, torch.Size([2, 2]))  # out of bounds: not checked by default
    b = torch.sparse.FloatTensor(i, v, torch.Size([2, 2]))
print(a._indices().tolist(), [str(w.message).split(" (Triggered")[0][:47] for w in caught])
torch.sparse.check_sparse_tensor_invariants.enable()
try:
    torch.sparse.FloatTensor(i, v, torch.Size([2, 2]))
except RuntimeError as e:
    print(e)
dense = torch.arange(6.0).reshape(3, 2)
print(torch.dsmm(torch.sparse_coo_tensor([[0, 1, 1], [2, 0, 2]], [3.0, 4.0, 5.0], (2, 3)), dense).tolist())
"""
LEGACY_SPARSE_OUTPUT = [
    "[[5], [0]] ['torch.sparse.SparseTensor(indices, values, shap']",
    "size is inconsistent with indices: for dim 0, size is 2 but found index 5",
    "[[12.0, 15.0], [20.0, 29.0]]",
]


def _run_legacy_sparse(tmp_path, *prefix):
    import subprocess
    import sys

    script = tmp_path / "legacy_sparse.py"
    script.write_text(LEGACY_SPARSE)
    done = subprocess.run([sys.executable, *prefix, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_legacy_sparse_constructor_warns_once_and_checks_only_when_asked(tmp_path):
    # GPyTorch's grid interpolation builds its matrices so: PyTorch warns once (TORCH_WARN_ONCE)
    # and gives no "implicitly disabled" warning for them
    assert _run_legacy_sparse(tmp_path, "-m", "retrograd", "run") == LEGACY_SPARSE_OUTPUT


def test_legacy_sparse_constructor_vs_torch(tmp_path):
    pytest.importorskip("torch")
    assert _run_legacy_sparse(tmp_path) == LEGACY_SPARSE_OUTPUT
