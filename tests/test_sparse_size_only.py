"""`sparse_coo_tensor(size)`: PyTorch's third overload, a sparse tensor of that size with no entries.

Mesh and graph code starts sparse accumulators this way (`torch.sparse_coo_tensor((n, n))`); the
overload takes no `pin_memory`/`is_coalesced`, and a call with neither a size nor entries fails with
PyTorch's TypeErrors.
"""

from __future__ import annotations

import warnings

import pytest

import retrograd as rg

torch = pytest.importorskip("torch")


def _outcome(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            r = fn()
        except (TypeError, RuntimeError) as e:
            return type(e).__name__, str(e)
    return (
        str(r).replace("retrograd.", "torch."),
        r.is_coalesced(),
        r.sparse_dim(),
        r.dense_dim(),
        r.requires_grad,
        r.is_leaf,
    )


CALLS = {
    "tuple": lambda m: m.sparse_coo_tensor((2, 3)),
    "list and dtype": lambda m: m.sparse_coo_tensor([2, 3], dtype=m.float64, requires_grad=True),
    "keyword": lambda m: m.sparse_coo_tensor(size=[2, 3], dtype=m.int64),
    "Size": lambda m: m.sparse_coo_tensor(m.Size([4])),
    "int": lambda m: m.sparse_coo_tensor(2),
    "0-d": lambda m: m.sparse_coo_tensor(()),
    "checked": lambda m: m.sparse_coo_tensor((2, 3), check_invariants=True),
    "nothing": lambda m: m.sparse_coo_tensor(),
    "no size": lambda m: m.sparse_coo_tensor(dtype=m.float32),
    "a tensor": lambda m: m.sparse_coo_tensor(m.zeros(2, 0, dtype=m.long)),
    "pinned": lambda m: m.sparse_coo_tensor((2, 3), pin_memory=True),
    "coalesced": lambda m: m.sparse_coo_tensor(size=(2, 3), is_coalesced=True),
    "both": lambda m: m.sparse_coo_tensor((2, 3), pin_memory=True, is_coalesced=True),
    "negative": lambda m: m.sparse_coo_tensor((2, -1)),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_size_only_overload(name):
    assert _outcome(lambda: CALLS[name](rg)) == _outcome(lambda: CALLS[name](torch))


def test_an_empty_sparse_leaf_takes_gradients():
    def run(m):
        s = m.sparse_coo_tensor((3, 3), requires_grad=True)
        y = m.sparse.mm(s, m.ones(3, 2))
        y.sum().backward()
        return y.tolist(), s.grad.to_dense().tolist(), s.grad.layout == m.sparse_coo

    assert run(rg) == run(torch)
