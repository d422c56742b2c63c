"""nll_loss / cross_entropy reductions add their terms in PyTorch's order (ops/kernels/cascade_sum.py),
so `loss.item()` has PyTorch's bits; the gradients follow PyTorch's order of operations too.

The reference below is PyTorch's CPU loop written out element by element (the rule in the
module's docstring), independent of the vectorised kernel it checks."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd
import retrograd.nn.functional as F
from retrograd.ops.kernels.cascade_sum import cascade_sum

try:
    import torch
except ImportError:  # pragma: no cover - the comparisons skip
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch")


def loop_sum(terms: np.ndarray, kept: np.ndarray) -> np.generic:
    """Σ terms over the kept positions, one element at a time, as PyTorch's kernel adds them."""
    kind = terms.dtype.type
    n = kept.shape[0]
    power = max(4, (max(n, 1) - 1).bit_length() // 8)
    mask = (1 << power) - 1
    partial = [kind(0)] * 8
    values = iter(terms)
    for b in range(n):
        if not kept[b]:
            continue
        partial[0] = kind(partial[0] + next(values))
        for level in range(7):
            if b & (mask << (level * power)):
                break
            partial[level + 1] = kind(partial[level + 1] + partial[level])
            partial[level] = kind(0)
    total = kind(0)
    for p in partial:
        total = kind(total + p)
    return total


SIZES = [1, 2, 15, 16, 17, 31, 32, 33, 255, 256, 257, 1000, 4097, 70_000]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("ignored", [0.0, 0.3])
def test_cascade_sum_adds_as_the_element_loop(n, dtype, ignored):
    rng = np.random.default_rng(n)
    values = (rng.standard_normal(n) * 3).astype(dtype)
    kept = rng.random(n) >= ignored
    terms = values[kept]
    positions = None if kept.all() else np.flatnonzero(kept)
    assert cascade_sum(terms, positions, n) == loop_sum(terms, kept)


def test_the_order_is_not_numpys_pairwise_sum():
    # a case where the two orders round differently: the loss must follow PyTorch's
    rng = np.random.default_rng(7)
    for _ in range(100):
        terms = rng.standard_normal(32).astype(np.float32)
        if np.add.reduce(terms) != loop_sum(terms, np.ones(32, bool)):
            break
    else:  # pragma: no cover
        pytest.fail("no differing case found")
    logp = retrograd.tensor(-terms.reshape(32, 1))
    target = retrograd.zeros(32, dtype=retrograd.int64)
    assert F.nll_loss(logp, target, reduction="sum").item() == float(loop_sum(terms, np.ones(32, bool)))


def test_mean_divides_the_cascade_by_the_count_of_kept_targets():
    rng = np.random.default_rng(3)
    logp = rng.standard_normal((40, 3)).astype(np.float32)
    target = rng.integers(0, 3, 40)
    target[::5] = -100
    kept = target != -100
    terms = -logp[np.arange(40), np.where(kept, target, 0)][kept]
    expected = loop_sum(terms, kept) / np.float32(kept.sum())
    assert F.nll_loss(retrograd.tensor(logp), retrograd.tensor(target)).item() == float(expected)


def test_ignored_targets_have_positive_zero_loss_and_gradient():
    logp = retrograd.tensor([[-float("inf"), 2.0], [-1.0, 3.0]], requires_grad=True)
    target = retrograd.tensor([-100, 0])
    loss = F.nll_loss(logp, target, weight=retrograd.tensor([1.0, 1.0]), reduction="none")
    assert loss.tolist() == [0.0, 1.0] and not np.signbit(loss.detach().numpy()[0])
    loss.sum().backward()
    assert logp.grad.tolist() == [[0.0, 0.0], [-1.0, 0.0]]
    assert not np.signbit(logp.grad.numpy()[0]).any()


def _loss_and_grad(m, logp, target, weight, **kw):
    x = m.tensor(logp, requires_grad=True)
    w = None if weight is None else m.tensor(weight)
    loss = m.nn.functional.nll_loss(x, m.tensor(target), weight=w, **kw)
    (loss.sum() * 0.37).backward()
    return loss.detach().numpy(), x.grad.numpy()


CASES = [(33,), (8, 4, 3), (4, 7), (3, 2, 2, 2), ()]


@needs_torch
@pytest.mark.parametrize("rest", CASES, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("ignore_index", [-100, 1])
def test_nll_loss_bits_vs_torch(rest, dtype, weighted, reduction, ignore_index):
    rng = np.random.default_rng(len(rest))
    shape = (5,) if rest == () else (rest[0], 5) + rest[1:]
    logp = rng.standard_normal(shape).astype(dtype)
    target = rng.integers(0, 5, shape[:1] + shape[2:] if rest else ())
    weight = None
    if weighted:
        weight = (rng.random(5) * 2).astype(dtype)
        weight[3] = 0  # a class weighted 0 is not an ignored target: PyTorch writes -0 there
    ours = _loss_and_grad(retrograd, logp, target, weight, reduction=reduction, ignore_index=ignore_index)
    theirs = _loss_and_grad(torch, logp, target, weight, reduction=reduction, ignore_index=ignore_index)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(np.signbit(a), np.signbit(b))


@needs_torch
@pytest.mark.parametrize("n", [7, 32, 256, 1000])
def test_cross_entropy_value_vs_torch(n):
    rng = np.random.default_rng(n)
    same = 0
    for _ in range(10):
        logits = (rng.standard_normal((n, 10)) * 3).astype(np.float32)
        target = rng.integers(0, 10, n)
        # cross_entropy's log_softmax may differ from PyTorch's by an ulp (NumPy's exp/log), so
        # the loss can differ where a picked log-probability does; the order itself must not
        logp = retrograd.log_softmax(retrograd.tensor(logits), 1).numpy()
        ours = F.cross_entropy(retrograd.tensor(logits), retrograd.tensor(target)).item()
        same += ours == torch.nn.functional.nll_loss(torch.tensor(logp), torch.tensor(target)).item()
    assert same == 10


@needs_torch
def test_bfloat16_nll_loss_vs_torch():
    rng = np.random.default_rng(5)
    for n in (5, 40, 300):
        logp = rng.standard_normal((n, 5)).astype(np.float32)
        target = rng.integers(0, 5, n)
        for reduction in ("mean", "sum"):
            ours = F.nll_loss(retrograd.tensor(logp).bfloat16(), retrograd.tensor(target), reduction=reduction)
            theirs = torch.nn.functional.nll_loss(torch.tensor(logp).bfloat16(), torch.tensor(target),
                                                  reduction=reduction)
            assert ours.item() == theirs.item()
