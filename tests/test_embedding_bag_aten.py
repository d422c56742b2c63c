"""torch.embedding_bag, the ATen form: the bags and offset2bag, bag_size and max_indices as
PyTorch's CPU kernel gives them, its gradients (max with sparse=True included) and its errors;
and the dense backward's scale_grad_by_freq counts, as PyTorch's kernel takes them."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")

_INDICES = [1, 2, 4, 5, 9, 3, 2, 9]
_OFFSETS = [([0, 4], False), ([0, 0, 4, 8], False), ([0, 3, 3, 8], True), ([0, 2, 8, 8], False), ([0, 8], True)]


def _run(m, table, weights, dtype, requires_grad, mode, offsets, last, pad, with_weights):
    w = m.tensor(table, dtype=dtype, requires_grad=requires_grad)
    psw = m.tensor(weights, dtype=dtype, requires_grad=requires_grad) if with_weights else None
    args = (w, m.tensor(_INDICES), m.tensor(offsets), False, mode, False, psw, last)
    results = m.embedding_bag(*args) if pad is None else m.embedding_bag(*args, pad)
    grads = []
    if requires_grad:
        (results[0] * m.arange(results[0].numel(), dtype=dtype).reshape(results[0].shape)).sum().backward()
        grads = [w.grad.numpy()] + ([psw.grad.numpy()] if with_weights else [])
    return [r.detach().numpy() for r in results], [str(r.dtype) for r in results], grads


@needs_torch
@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_four_results_and_gradients_vs_torch(mode, dtype):
    rng = np.random.default_rng(0)
    table, weights = rng.standard_normal((10, 3)), rng.random(8)
    for requires_grad, (offsets, last), pad, with_weights in itertools.product(
        [False, True], _OFFSETS, [None, 9, -1, 2], [False, True] if mode == 0 else [False]
    ):
        case = (table, weights, requires_grad, mode, offsets, last, pad, with_weights)
        got = _run(rg, table, weights, getattr(rg, dtype), *case[2:])
        want = _run(torch, table, weights, getattr(torch, dtype), *case[2:])
        assert got[1] == [d.replace("torch", "retrograd") for d in want[1]], case[2:]
        for g, t in zip(got[0] + got[2], want[0] + want[2]):
            assert g.shape == t.shape and g.dtype == t.dtype, case[2:]
            np.testing.assert_allclose(g, t, rtol=1e-5, atol=1e-6, err_msg=str(case[2:]))


def test_results_without_torch():
    table = rg.arange(12.0).reshape(4, 3)
    out, offset2bag, bag_size, max_indices = rg.embedding_bag(
        table, rg.tensor([0, 3, 1, 3]), rg.tensor([0, 0, 2], dtype=rg.int32), False, 1, False, None, False, 3
    )
    assert out.tolist() == [[0.0, 0.0, 0.0], [0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert offset2bag.tolist() == [1, 1, 2, 2] and offset2bag.dtype == rg.int64
    assert bag_size.tolist() == [0, 1, 1] and max_indices.tolist() == [0, 1, 1]
    # sum on float32 rows without padding: no offset2bag, zero bag sizes (as many as offsets without a gradient)
    _, offset2bag, bag_size, _ = rg.embedding_bag(
        table, rg.tensor([0, 1], dtype=rg.int32), rg.tensor([0, 1], dtype=rg.int32), include_last_offset=True
    )
    assert tuple(offset2bag.shape) == (0,) and offset2bag.dtype == rg.int32 and bag_size.tolist() == [0, 0]


def test_max_with_sparse_gradient_passes_every_position_its_bags_gradient():
    w = rg.tensor([[1.0, 5.0], [3.0, 4.0], [2.0, 0.0]], requires_grad=True)
    out = rg.embedding_bag(w, rg.tensor([0, 1, 2, 2]), rg.tensor([0, 2]), False, 2, True)[0]
    assert out.tolist() == [[3.0, 5.0], [2.0, 0.0]]
    (out * rg.tensor([[1.0, 10.0], [100.0, 1000.0]])).sum().backward()
    assert w.grad.is_sparse and w.grad._indices().tolist() == [[0, 1, 2, 2]]
    assert w.grad._values().tolist() == [[1.0, 10.0], [1.0, 10.0], [100.0, 1000.0], [100.0, 1000.0]]


@pytest.mark.parametrize("mode", ["sum", "mean"])
def test_scale_grad_by_freq_divides_by_the_sorted_indices_counts(mode):
    # PyTorch's CPU kernel divides the g-th distinct index's gradient by the count of the g-th
    # sorted index: rows 0-3 of [3, 1, 1, 1, 0, 2] by 1, 3, 3, 3 (not 1, 3, 1, 1)
    w = rg.zeros(5, 1, dtype=rg.float64, requires_grad=True)
    rg.nn.functional.embedding_bag(rg.tensor([3, 1, 1, 1, 0, 2]), w, rg.tensor([0]), mode=mode,
                                   scale_grad_by_freq=True).sum().backward()  # fmt: skip
    expected = np.array([1.0, 1.0, 1 / 3, 1 / 3, 0.0]) / (6 if mode == "mean" else 1)
    np.testing.assert_allclose(w.grad.numpy().ravel(), expected)
    if torch is not None:
        t = torch.zeros(5, 1, dtype=torch.float64, requires_grad=True)
        torch.nn.functional.embedding_bag(torch.tensor([3, 1, 1, 1, 0, 2]), t, torch.tensor([0]), mode=mode,
                                          scale_grad_by_freq=True).sum().backward()  # fmt: skip
        np.testing.assert_allclose(w.grad.numpy(), t.grad.numpy())


def _errors(m):
    w = m.ones(10, 3)
    idx, off = m.tensor(_INDICES), m.tensor([0, 4])
    calls = [
        lambda: m.embedding_bag(w, idx, off, False, 3),
        lambda: m.embedding_bag(w[:, 0], idx, off),
        lambda: m.embedding_bag(w, idx.view(2, 2, 2), off),
        lambda: m.embedding_bag(w, idx, off.view(2, 1)),
        lambda: m.embedding_bag(w, idx, off.float()),
        lambda: m.embedding_bag(w.int(), idx, off),
        lambda: m.embedding_bag(w, idx, off, False, 1, False, m.ones(8)),
        lambda: m.embedding_bag(w, idx, off, False, 0, False, m.ones(7)),
        lambda: m.embedding_bag(w, idx, off, False, 0, False, m.ones(2, 4)),
        lambda: m.embedding_bag(w, idx, off, False, 0, False, m.ones(8, dtype=m.float64)),
        lambda: m.embedding_bag(w, idx, m.tensor([], dtype=m.int64), False, 0, False, None, True),
        lambda: m.embedding_bag(w, idx, m.tensor([1, 4])),
        lambda: m.embedding_bag(w, idx, m.tensor([0, 9])),
        lambda: m.embedding_bag(w, idx, off, False, 0, False, None, False, 10),
        lambda: m.embedding_bag(w, idx, None),
        # the offsets are checked before the indices' range
        lambda: m.embedding_bag(w, m.tensor([1, 12]), off, False, 1),
        lambda: m.nn.functional.embedding_bag(m.tensor([1, 12]), w, off),
    ]
    found = []
    for call in calls:
        with pytest.raises(Exception) as info:
            call()
        found.append((info.type.__name__, str(info.value)))
    return found


def test_errors():
    found = _errors(rg)
    assert found[0] == ("RuntimeError", "`mode` must be sum, mean, or max.")
    assert found[-1][1].startswith("offsets[-1] can not be greater than input's length 2")


@needs_torch
def test_errors_vs_torch():
    assert _errors(rg) == _errors(torch)
