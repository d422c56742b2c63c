"""ctc_loss's argument checks in PyTorch's order, its corner values, and the ATen face `torch.ctc_loss`."""

from __future__ import annotations

import re

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # pragma: no cover - CI runs once without torch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
_WHERE = " (while checking arguments for ctc_loss_allocate_outputs)"


def _lp(m, *shape):
    return m.zeros(*shape).log_softmax(-1) if shape[-1] else m.zeros(*shape)


# (log_probs shape, targets, input lengths, target lengths, blank, message): each a check PyTorch makes
# before reading the values, in its order (an empty log_probs before its rank, the rank before the blank)
CTC_SHAPE_REFUSALS = [
    ((0, 2, 4), [[1], [1]], [1, 1], [1, 1], 9, "log_probs tensor must not be empty"),
    ((3, 2, 0), [[1], [1]], [3, 3], [0, 0], 0, "log_probs tensor must not be empty"),
    ((0, 4), [1], [0], [0], 0, "log_probs tensor must not be empty"),
    (
        (4,),
        [1],
        [4],
        [1],
        9,
        "Expected 3-dimensional tensor, but got 2-dimensional tensor for argument #1 'log_probs'" + _WHERE,
    ),
    (
        (3, 2, 4, 1),
        [[1], [1]],
        [3],
        [1, 1],
        9,
        "Expected 3-dimensional tensor, but got 5-dimensional tensor for argument #1 'log_probs'" + _WHERE,
    ),
    (
        (3, 2, 4),
        [[[1], [1]]],
        [3, 3],
        [1, 1],
        9,
        "Expected 1 to 2 dimensions, but got 3-dimensional tensor for argument #2 'targets'" + _WHERE,
    ),
    (
        (3, 2, 4),
        1,
        [3, 3],
        [1, 1],
        0,
        "Expected 1 to 2 dimensions, but got 0-dimensional tensor for argument #2 'targets'" + _WHERE,
    ),
    (
        (3, 2, 4),
        [[1, 1]],
        [3, 3],
        [2, 1],
        0,
        "Expected tensor to have size 2 at dimension 0, but got size 1 for argument #2 'targets'" + _WHERE,
    ),
]


def _refusal(m, shape, targets, input_lengths, target_lengths, blank):
    with pytest.raises(RuntimeError) as got:
        m.nn.functional.ctc_loss(
            _lp(m, *shape), m.tensor(targets), m.tensor(input_lengths), m.tensor(target_lengths), blank=blank
        )
    return str(got.value)


@pytest.mark.parametrize("case", CTC_SHAPE_REFUSALS)
def test_ctc_loss_refuses_shapes_in_pytorchs_order(case):
    """An empty or wrongly ranked log_probs and 0-d/3-d targets raised IndexError/ValueError (or gave NaN);
    a padded targets with too few rows was read as if it had enough."""
    *arguments, message = case
    assert _refusal(rg, *arguments) == message


@needs_torch
@pytest.mark.parametrize("case", CTC_SHAPE_REFUSALS)
def test_ctc_loss_refuses_shapes_vs_torch(case):
    *arguments, _ = case
    assert _refusal(rg, *arguments) == _refusal(torch, *arguments)


@pytest.mark.parametrize("m", [rg, pytest.param(torch, marks=needs_torch)], ids=["retrograd", "torch"])
def test_ctc_loss_refuses_boolean_lengths(m):
    with pytest.raises(RuntimeError, match="^input_lengths must be integral$"):
        m.nn.functional.ctc_loss(
            _lp(m, 3, 2, 4), m.ones(2, 1, dtype=m.int64), m.ones(2, dtype=m.bool), m.tensor([1, 1])
        )


@pytest.mark.parametrize("m", [rg, pytest.param(torch, marks=needs_torch)], ids=["retrograd", "torch"])
def test_ctc_loss_of_an_empty_input_and_target_is_negative_zero(m):
    """PyTorch's kernel returns -log 1 = -0.0 (printed `-0.`); retrograd gave +0.0."""
    loss = m.nn.functional.ctc_loss(
        _lp(m, 3, 2, 4), m.ones(2, 1, dtype=m.int64), m.tensor([0, 3]), m.tensor([0, 1]), reduction="none"
    )
    assert np.signbit(loss[0].item()) and loss[0].item() == 0.0
    assert str(loss.detach()).startswith("tensor([-0.0000,")


@pytest.mark.parametrize("m", [rg, pytest.param(torch, marks=needs_torch)], ids=["retrograd", "torch"])
def test_ctc_loss_gradient_of_a_target_ending_in_the_blank_is_pytorchs(m):
    """PyTorch's CPU kernel sets, not adds, the last frame's two terms of Σ αβ: with the label 0 (the
    blank) as the target over two frames of p = 1/2, the last frame's blank keeps 2 of the 3 paths'
    mass, so its gradient is p - 2/3 (retrograd summed all three: p - 1)."""
    lp = m.full((2, 1, 2), 0.5).log().requires_grad_()
    loss = m.nn.functional.ctc_loss(lp, m.tensor([[0]]), [2], [1], reduction="sum")
    loss.backward()
    assert abs(loss.item() - np.log(4 / 3)) < 1e-6
    np.testing.assert_allclose(lp.grad.numpy()[:, 0], [[-0.5, 0.5], [0.5 - 2 / 3, 0.5]], atol=1e-6)


@needs_torch
def test_ctc_loss_targets_holding_the_blank_vs_torch():
    rng = np.random.default_rng(14)
    x = rng.standard_normal((8, 3, 4))
    targets, lengths = [[1, 2], [3, 0], [1, 3]], ([8, 5, 6], [2, 1, 2])
    grads = []
    for m in (rg, torch):
        lp = m.tensor(x, requires_grad=True)
        loss = m.nn.functional.ctc_loss(
            lp.log_softmax(-1), m.tensor(targets), *map(m.tensor, lengths), blank=3, reduction="none"
        )
        loss.sum().backward()
        grads.append(lp.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-10, atol=1e-12)


# --- torch.ctc_loss: the ATen op, reduction as a number -------------------------------------------------------


def _aten_losses(m):
    log_probs = m.tensor(np.log(np.random.default_rng(3).dirichlet(np.ones(4), (5, 2))))
    targets, lengths = m.tensor([[1, 2], [3, 0]]), m.tensor([5, 4])
    return [
        m.ctc_loss(log_probs, targets, lengths, m.tensor([2, 1])),  # PyTorch's binding: no reduction given is 0
        m.ctc_loss(log_probs, targets, [5, 4], (2, 1), 0, 1),
        m.ctc_loss(log_probs, targets, [5, 4], [2, 1], reduction=2, zero_infinity=True),
        m.ctc_loss(log_probs[:, 0], targets[0], [5], [2], 0, 5),  # any other number: none
    ]


def test_ctc_loss_aten_face_takes_reduction_numbers():
    none, mean, total, single = _aten_losses(rg)
    assert none.shape == (2,) and single.shape == ()
    np.testing.assert_allclose(mean.item(), (none / rg.tensor([2.0, 1.0])).mean().item(), rtol=1e-12)
    np.testing.assert_allclose(total.item(), none.sum().item(), rtol=1e-12)
    np.testing.assert_allclose(single.item(), none[0].item(), rtol=1e-12)


@needs_torch
def test_ctc_loss_aten_face_vs_torch():
    for r, t in zip(_aten_losses(rg), _aten_losses(torch)):
        assert tuple(r.shape) == tuple(t.shape)
        np.testing.assert_allclose(r.numpy(), t.numpy(), rtol=1e-12)


ATEN_BAD_TYPES = {
    "lengths, lengths, 0, 'sum'": "Tensor, Tensor, Tensor, Tensor, int, str",
    "lengths, lengths, 0.0": "Tensor, Tensor, Tensor, Tensor, float",
    "lengths, lengths, 0, True": "Tensor, Tensor, Tensor, Tensor, int, bool",
    "lengths, lengths, 0, 0, 1": "Tensor, Tensor, Tensor, Tensor, int, int, int",
    "(5, 4), lengths[1]": "Tensor, Tensor, tuple, Tensor",
}


def _aten_refusal(m, arguments):
    scope = {
        "m": m,
        "lp": m.zeros(5, 2, 4).log_softmax(-1),
        "tg": m.ones(2, 1, dtype=m.int64),
        "lengths": m.tensor([5, 4]),
    }
    with pytest.raises(TypeError) as got:
        eval(f"m.ctc_loss(lp, tg, {arguments})", scope)
    return str(got.value)


@pytest.mark.parametrize("arguments", ATEN_BAD_TYPES)
def test_ctc_loss_aten_face_refuses_types_with_pytorchs_message(arguments):
    assert _aten_refusal(rg, arguments).startswith(
        f"ctc_loss() received an invalid combination of arguments - got ({ATEN_BAD_TYPES[arguments]}), but expected "
        "one of:\n * (Tensor log_probs, Tensor targets, tuple of ints input_lengths, tuple of ints target_lengths, "
    )


@needs_torch
@pytest.mark.parametrize("arguments", ATEN_BAD_TYPES)
def test_ctc_loss_aten_face_refusals_vs_torch(arguments):
    # (retrograd leaves out the lines where PyTorch says, for a call of full length, which types failed)
    why = r"\n      didn't match because some of the arguments have invalid types: [^\n]*"
    assert _aten_refusal(rg, arguments) == re.sub(why, "", _aten_refusal(torch, arguments))
