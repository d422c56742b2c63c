"""`torch.sspaddmm`, `torch.smm` and `torch.hspmm`: sparse @ dense products whose result stays sparse.

Compared with PyTorch entry for entry (the result's entry order and its explicit zeros are
PyTorch's), with its errors, and with its refusal to differentiate them.
"""

from __future__ import annotations

import warnings

import pytest

import retrograd as rg

torch = pytest.importorskip("torch")


def _sparse(m, dtype="float32", **kw):
    i = m.tensor([[0, 1, 1, 2, 0], [2, 0, 2, 1, 2]])
    v = m.tensor([3.0, 4.0, 5.0, 6.0, 1.0], dtype=getattr(m, dtype))
    return m.sparse_coo_tensor(i, v, (4, 3), check_invariants=True, **kw)


def _dense(m):
    return m.arange(6.0).reshape(3, 2)


def _outcome(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            r = fn()
        except RuntimeError as e:
            return str(e)
    return r._indices().tolist(), r._values().tolist(), tuple(r.shape), r.is_coalesced(), str(r.dtype)[-7:]


CALLS = {
    "smm": lambda m: m.smm(_sparse(m), _dense(m)),
    "method": lambda m: _sparse(m).smm(_dense(m)),
    "sspaddmm": lambda m: m.sspaddmm(
        m.sparse_coo_tensor(m.tensor([[3], [1]]), m.tensor([7.0]), (4, 2), check_invariants=True),
        _sparse(m),
        _dense(m),
        beta=2,
        alpha=0.5,
    ),
    "hspmm": lambda m: m.hspmm(_sparse(m), _dense(m)),
    "empty": lambda m: m.smm(m.sparse_coo_tensor((4, 3), check_invariants=True), _dense(m)),
    "empty hspmm": lambda m: m.hspmm(m.sparse_coo_tensor((4, 3), check_invariants=True), _dense(m)),
    "float64": lambda m: m.smm(_sparse(m, "float64"), _dense(m).double()),
    "two dtypes": lambda m: m.smm(_sparse(m, "float64"), _dense(m)),
    "dense": lambda m: m.smm(_dense(m), _dense(m)),
    "hybrid": lambda m: m.smm(
        m.sparse_coo_tensor(m.tensor([[0, 1]]), m.ones(2, 3), (2, 3), check_invariants=True), _dense(m)
    ),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_sparse_result_products(name):
    assert _outcome(lambda: CALLS[name](rg)) == _outcome(lambda: CALLS[name](torch))


@pytest.mark.parametrize("name", ["smm", "hspmm"])
def test_not_differentiable(name):
    def run(m):
        s, d = _sparse(m, requires_grad=True), _dense(m).requires_grad_()
        r = getattr(m, name)(s, d)
        with pytest.raises(RuntimeError) as e:
            r.to_dense().sum().backward()
        return type(r.grad_fn).__name__ == "NotImplemented", r.requires_grad, str(e.value)

    assert run(rg) == run(torch)
