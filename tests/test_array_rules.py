"""Array rules: a plain first-order backward runs an op's derivative on arrays, without op calls.

`engine.primitive` takes a primitive's `array_rules` when nothing records the backward (no
create_graph, no compile recording, no forward-mode tangents, no vmap batch) and the gradient
and inputs share one real dtype. They must give the very bits of the tensor rules they stand
for, and every other case must still go through those rules.
"""

from __future__ import annotations

import numpy as np
import pytest

import retrograd
from retrograd.engine import primitive
from retrograd.engine.primitive import OpNode, Primitive

F = retrograd.nn.functional


def _ops():
    rng = np.random.default_rng(0)

    def t(*shape, dtype=np.float32, positive=False):
        a = rng.standard_normal(shape)
        return (np.abs(a) + 0.5 if positive else a).astype(dtype)

    target = rng.integers(0, 7, 6)
    return {  # name: (inputs, function of retrograd tensors)
        "mm": ([t(6, 5), t(5, 7)], lambda a, b: a @ b),
        "bmm": ([t(3, 6, 5), t(3, 5, 4)], lambda a, b: retrograd.bmm(a, b)),
        "linear": ([t(6, 5), t(7, 5), t(7)], lambda x, w, b: F.linear(x, w, b)),
        "addmm scaled": ([t(6, 7), t(6, 5), t(5, 7)], lambda c, a, b: retrograd.addmm(c, a, b, beta=0.5, alpha=2.0)),
        "mul broadcast": ([t(6, 5), t(5)], lambda a, b: a * b),
        "mul 0-d": ([t(), t()], lambda a, b: a * b),
        "tanh": ([t(6, 5)], retrograd.tanh),
        "sigmoid": ([t(6, 5, dtype=np.float64)], retrograd.sigmoid),
        "relu": ([t(6, 5)], retrograd.relu),
        "exp": ([t(6, 5)], retrograd.exp),
        "log": ([t(6, 5, positive=True)], retrograd.log),
        "log_softmax": ([t(6, 7)], lambda a: F.log_softmax(a, 1)),
        "cross_entropy": ([t(6, 7)], lambda a: F.cross_entropy(a, retrograd.tensor(target))),
        "nll sum": ([t(6, 7)], lambda a: F.nll_loss(a, retrograd.tensor(target), reduction="sum")),
        "conv2d": ([t(2, 3, 8, 8), t(4, 3, 3, 3), t(4)], lambda x, w, b: F.conv2d(x, w, b, padding=1)),
        "conv2d strided, groups": ([t(2, 4, 9, 9), t(4, 2, 3, 3)], lambda x, w: F.conv2d(x, w, stride=2, groups=2)),
        "conv1d dilated": ([t(2, 3, 20, dtype=np.float64), t(5, 3, 4, dtype=np.float64)],
                           lambda x, w: F.conv1d(x, w, dilation=2, padding=3)),
    }


OPS = _ops()


def _grads(inputs, fn, seed=1):
    leaves = [retrograd.tensor(a, requires_grad=True) for a in inputs]
    out = fn(*leaves)
    g = np.random.default_rng(seed).standard_normal(tuple(out.shape)).astype(inputs[0].dtype)
    out.backward(retrograd.tensor(g))
    return [x.grad.numpy() for x in leaves]


@pytest.fixture
def no_array_rules(monkeypatch):
    """Every primitive's array rules switched off: the tensor rules alone."""
    def off():
        for prim, _ in primitive.defined():
            if prim.array_rules is not None:
                monkeypatch.setattr(prim, "array_rules", None)
    return off


@pytest.mark.parametrize("name", list(OPS))
def test_array_rules_give_the_bits_of_the_tensor_rules(name, no_array_rules):
    inputs, fn = OPS[name]
    fast = _grads(inputs, fn)
    no_array_rules()
    slow = _grads(inputs, fn)
    for f, s in zip(fast, slow):
        assert f.dtype == s.dtype and f.shape == s.shape
        # every bit, the sign of zeros too
        assert np.array_equal(np.atleast_1d(f).view(np.uint8), np.atleast_1d(s).view(np.uint8))


def _spy(monkeypatch) -> list:
    calls: list = []
    real = OpNode._apply_arrays

    def spy(self, g, wanted):
        calls.append(self.name())
        return real(self, g, wanted)

    monkeypatch.setattr(OpNode, "_apply_arrays", spy)
    return calls


def test_a_plain_backward_takes_them(monkeypatch):
    calls = _spy(monkeypatch)
    x = retrograd.randn(4, 3, requires_grad=True)
    w = retrograd.randn(3, 2, requires_grad=True)
    F.cross_entropy(retrograd.tanh(x @ w), retrograd.tensor([0, 1, 1, 0])).backward()
    assert calls == ["NllLossBackward0", "LogSoftmaxBackward0", "TanhBackward0", "MmBackward0"]


@pytest.mark.parametrize("case", ["create_graph", "complex", "vmap", "compile", "forward AD"])
def test_other_backwards_take_the_tensor_rules(case, monkeypatch):
    x = retrograd.randn(4, 3, dtype=retrograd.float64, requires_grad=True)
    if case == "compile":
        f = retrograd.compile(lambda a: (a * a).tanh().sum())
        f(x).backward()  # the first call records
        calls = _spy(monkeypatch)
        f(x).backward()
        assert calls == []
        return
    calls = _spy(monkeypatch)
    if case == "create_graph":
        (g,) = retrograd.autograd.grad((x * x).sum(), x, create_graph=True)
        assert calls == []
        (gg,) = retrograd.autograd.grad(g.sum(), x)  # a plain backward again: array rules
        assert calls and set(calls) == {"MulBackward0"}
        np.testing.assert_array_equal(gg.numpy(), np.full((4, 3), 2.0))
        return
    if case == "complex":
        z = retrograd.tensor(np.arange(12.0).reshape(4, 3) * (1 + 2j), requires_grad=True)
        (z * z).sum().abs().backward()
    elif case == "vmap":
        retrograd.func.vmap(retrograd.func.grad(lambda r: (r * r).sum()))(x)
    else:
        import retrograd.autograd.forward_ad as fwAD
        with fwAD.dual_level():
            dual = fwAD.make_dual(x, retrograd.ones_like(x))
            (g,) = retrograd.autograd.grad((dual * dual).sum(), x)
    assert calls == []


def test_not_implemented_falls_back_to_the_rule(monkeypatch):
    calls = _spy(monkeypatch)
    c, a, b = (retrograd.randn(*s, requires_grad=True) for s in ((2, 4), (2, 3), (3, 4)))
    retrograd.addmm(c, a, b, beta=3, alpha=0.5).sum().backward()
    assert calls == ["AddmmBackward0"]
    np.testing.assert_allclose(c.grad.numpy(), np.full((2, 4), 3.0))
    np.testing.assert_allclose(a.grad.numpy(), 0.5 * np.ones((2, 4)) @ b.detach().numpy().T, rtol=1e-6)


def test_only_the_wanted_inputs_are_computed():
    a = retrograd.randn(3, 4, requires_grad=True)
    b = retrograd.randn(4, 2, requires_grad=True)
    (ga,) = retrograd.autograd.grad((a @ b).sum(), a)
    np.testing.assert_allclose(ga.numpy(), np.ones((3, 2)) @ b.detach().numpy().T, rtol=1e-6)
    assert b.grad is None


def test_saved_tensor_hooks_and_version_checks_still_apply():
    x = retrograd.randn(3, requires_grad=True)
    y = x.tanh()
    with retrograd.no_grad():
        y.mul_(2)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    seen = []
    with retrograd.autograd.graph.saved_tensors_hooks(lambda t: seen.append(1) or t, lambda t: t):
        z = retrograd.randn(3, requires_grad=True)
        w = z.exp()
    w.sum().backward()
    assert seen and np.allclose(z.grad.numpy(), np.exp(z.detach().numpy()))


def test_an_array_rule_must_read_what_its_rule_reads():
    with pytest.raises(ValueError, match="must read"):
        Primitive("bad", lambda xp, a: a, [lambda g, out: g], array_rules=[lambda xp, g, a: g])
    with pytest.raises(ValueError, match="one output"):
        Primitive("bad", lambda xp, a: (a, a), [lambda g: g], n_outputs=2, array_rules=[lambda xp, g: g])


def test_a_convolution_keeps_its_columns_only_for_a_weight_gradient():
    x = retrograd.randn(2, 3, 6, 6)
    w = retrograd.randn(4, 3, 3, 3, requires_grad=True)
    assert "cols" in F.conv2d(x, w).grad_fn.attrs  # kept for the weight's gradient
    assert F.conv2d(x.requires_grad_(), w.detach()).grad_fn.attrs.keys().isdisjoint({"cols"})
    with retrograd.no_grad():
        assert F.conv2d(x, w).grad_fn is None


def test_kept_columns_are_not_a_shared_buffer():
    rng = np.random.default_rng(4)
    x1, x2 = (retrograd.tensor(rng.standard_normal((2, 3, 6, 6)).astype(np.float32)) for _ in range(2))
    w = retrograd.tensor(rng.standard_normal((4, 3, 3, 3)).astype(np.float32), requires_grad=True)
    y1 = F.conv2d(x1, w)
    F.conv2d(x2, w)  # a second forward before the first backward
    y1.sum().backward()
    fresh = w.detach().requires_grad_()
    (expected,) = retrograd.autograd.grad(F.conv2d(x1, fresh).sum(), fresh)
    np.testing.assert_array_equal(w.grad.numpy(), expected.numpy())
