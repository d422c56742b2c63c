"""cross_entropy's everyday call (`ops.fused.loss.cross_entropy_indices`) against the general path.

The shortcut must give the same loss, gradient and graph bit for bit, and hand every other
call (out-of-range or ignored targets, weights, other shapes and dtypes, a recording) back to
the general path, which checks and reports it.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg
from retrograd.nn import functional as F
from retrograd.ops.fused import loss as _loss


def _general(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_loss, "cross_entropy_indices", lambda *args: None)


def _spy(monkeypatch: pytest.MonkeyPatch) -> list:
    taken: list = []
    real = _loss.cross_entropy_indices

    def spy(*args):
        out = real(*args)
        taken.append(out is not None)
        return out

    monkeypatch.setattr(_loss, "cross_entropy_indices", spy)
    return taken


def _run(x: np.ndarray, t: np.ndarray, **kw) -> tuple:
    logits = rg.tensor(x, requires_grad=True)
    loss = F.cross_entropy(logits, rg.tensor(t), **kw)
    loss.sum().backward()
    names = (loss.grad_fn.name(), loss.grad_fn.next_functions[0][0].name())
    return loss.detach().numpy(), logits.grad.numpy(), names


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(32, 10), (3, 1000), (1, 2)])
def test_same_bits_and_graph_as_the_general_path(monkeypatch, dtype, reduction, shape):
    rng = np.random.default_rng(sum(shape))
    x = (rng.standard_normal(shape) * 4).astype(dtype)
    t = rng.integers(0, shape[1], shape[0])
    taken = _spy(monkeypatch)
    fast = _run(x, t, reduction=reduction)
    assert taken == [True]
    _general(monkeypatch)
    general = _run(x, t, reduction=reduction)
    assert fast[2] == general[2] == ("NllLossBackward0", "LogSoftmaxBackward0")
    for a, b in zip(fast[:2], general[:2]):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "case",
    ["ignored target", "target out of range", "negative target", "class weights", "label smoothing",
     "3-d logits", "int32 target", "empty batch"],
)
def test_other_calls_take_the_general_path(monkeypatch, case):
    x = rg.randn(4, 3, requires_grad=True)
    t = rg.tensor([0, 2, 1, 2])
    kw: dict = {}
    if case == "ignored target":
        kw["ignore_index"] = 1
    elif case == "target out of range":
        t = rg.tensor([0, 3, 1, 2])
    elif case == "negative target":
        t = rg.tensor([0, -1, 1, 2])
    elif case == "class weights":
        kw["weight"] = rg.tensor([1.0, 2.0, 3.0])
    elif case == "label smoothing":
        kw["label_smoothing"] = 0.1
    elif case == "3-d logits":
        x, t = rg.randn(4, 3, 2, requires_grad=True), rg.zeros(4, 2, dtype=rg.int64)
    elif case == "int32 target":
        t = t.int()
    elif case == "empty batch":
        x, t = rg.randn(0, 3, requires_grad=True), rg.zeros(0, dtype=rg.int64)
    taken = _spy(monkeypatch)
    try:
        F.cross_entropy(x, t, **kw)
    except (IndexError, RuntimeError):  # the general path's errors, as PyTorch's
        pass
    assert not any(taken)


def test_out_of_range_target_still_raises():
    with pytest.raises(IndexError, match="Target 3 is out of bounds"):
        F.cross_entropy(rg.randn(2, 3), rg.tensor([0, 3]))


def test_a_later_write_into_the_target_does_not_change_the_gradient():
    x = rg.randn(4, 3, requires_grad=True, dtype=rg.float64)
    t = rg.tensor([0, 2, 1, 2])
    loss = F.cross_entropy(x, t)
    expected = rg.autograd.grad(F.cross_entropy(x, t.clone()), x)[0]
    t.fill_(0)
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), expected.numpy())


def test_a_recording_sees_the_targets_as_an_op():
    lin = rg.nn.Linear(5, 3)
    t = rg.tensor([0, 2, 1, 2])

    def loss_of(x, t):
        return F.cross_entropy(lin(x), t)

    compiled = rg.compile(loss_of)
    x = rg.randn(4, 5)
    assert "class_weights" in _recorded_ops(compiled, x, t)
    eager = loss_of(x, t)
    np.testing.assert_array_equal(compiled(x, t).detach().numpy(), eager.detach().numpy())
    t2 = rg.tensor([1, 1, 0, 0])  # a new target reaches the compiled code
    np.testing.assert_array_equal(compiled(x, t2).detach().numpy(), loss_of(x, t2).detach().numpy())


def _recorded_ops(compiled, *args) -> str:
    compiled(*args)
    return compiled.code
