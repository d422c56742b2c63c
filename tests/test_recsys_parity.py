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


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(16, 5), (40, 5), (64, 32), (3, 5), (16, 5, 3), (2, 3, 40), (4, 3, 5, 5)])
def test_batch_norm_forward_and_running_stats_bit_for_bit(shape, dtype):
    # PyTorch's CPU kernel: x·α + β with α = rstd·w and β = b - mean·α (fused multiply-adds), its
    # statistics summed in double (per thread for (N, C) inputs) and the running averages in the dtype
    threads = rg.get_num_threads()
    rg.set_num_threads(torch.get_num_threads())
    try:
        results = []
        for m in (rg, torch):
            m.manual_seed(0)
            x = (m.randn(*shape) * 3 + 1).to(getattr(m, dtype))
            bn = (m.nn.BatchNorm1d if len(shape) < 4 else m.nn.BatchNorm2d)(shape[1]).to(getattr(m, dtype))
            with m.no_grad():
                bn.weight.uniform_(0.5, 1.5)
                bn.bias.uniform_(-1.0, 1.0)
            train = bn(x).detach()
            bn(x * 1.5)
            bn.eval()
            results.append([t.numpy().copy() for t in (train, bn.running_mean, bn.running_var, bn(x).detach())])
    finally:
        rg.set_num_threads(threads)
    for ours, theirs in zip(*results):
        if dtype == "float32":
            np.testing.assert_array_equal(ours, theirs)
        else:  # float64's statistics still differ from PyTorch's in the last bit now and then
            np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("shape", [(16, 5), (40, 13), (64, 32), (3, 9)])
def test_batch_norm_1d_gradients_bit_for_bit(shape, train):
    # a tabular MLP's BatchNorm1d on (N, C): PyTorch's per-thread sums and its fused multiply-add
    # over whole vectors of channels (the last few channels rounded twice)
    threads = rg.get_num_threads()
    rg.set_num_threads(torch.get_num_threads())
    try:
        results = []
        for m in (rg, torch):
            m.manual_seed(1)
            x = (m.randn(*shape) * 2 + 0.5).requires_grad_(True)
            bn = m.nn.BatchNorm1d(shape[1])
            with m.no_grad():
                bn.weight.uniform_(0.5, 1.5)
            bn.train(train)
            (bn(x) * m.randn(*shape)).sum().backward()
            results.append([t.numpy().copy() for t in (x.grad, bn.weight.grad, bn.bias.grad)])
    finally:
        rg.set_num_threads(threads)
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)
