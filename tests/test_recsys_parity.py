"""Recommender-system programs (matrix factorisation, DLRM, mixture-of-experts routing) against
PyTorch: the pieces where a probe of such programs found retrograd differing."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg

from .torch_machine import assert_pytorch_bits

torch = pytest.importorskip("torch")


def _sparse_step(m, optimizer, rows, **kw):
    """One step of `optimizer` on a sparse embedding gradient with long runs of repeated rows."""
    m.manual_seed(0)
    w = m.nn.Parameter(m.randn(20, 4) * 0.1)
    opt = getattr(m.optim, optimizer)([w], **kw)
    for _ in range(1):
        opt.zero_grad()
        e = m.nn.functional.embedding(m.tensor(rows), w, sparse=True)
        (e * m.linspace(-1.0, 1.3, len(rows) * 4).reshape(len(rows), 4)).pow(2).sum().backward()
        opt.step()
    return w.detach().numpy().copy(), {k: v.numpy().copy() for k, v in opt.state[w].items() if k != "step"}


@pytest.mark.parametrize(("optimizer", "kw"), [("SparseAdam", {"lr": 0.05}), ("Adagrad", {"lr": 0.1})])
def test_sparse_optimizers_sum_repeated_rows_as_pytorch_coalesce(optimizer, kw):
    # 40 lookups of a few rows: runs longer than std::sort's 16-entry insertion sort, whose
    # order (and so the float32 sum of each row's gradient) the step must follow
    rows = [3, 1, 3, 7, 3, 1, 0, 3, 7, 1] * 5
    ours, our_state = _sparse_step(rg, optimizer, rows, **kw)
    theirs, their_state = _sparse_step(torch, optimizer, rows, **kw)
    for key, value in their_state.items():  # the moments and sums: no sqrt, bit for bit
        np.testing.assert_array_equal(our_state[key], value)
    assert_pytorch_bits(ours, theirs)  # the step divides by a sqrt, which MKL rounds its own way on AMD
