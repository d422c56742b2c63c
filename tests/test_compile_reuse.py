"""retrograd.compile's generated code writes an op's result into an input that dies there.

Only where nothing else can see that memory: a local the same function made, read for the last
time by that op, owning its memory, with no view of it, of the result's shape, dtype and layout.
Arguments (the caller's tensors, parameters, the values the backward is handed) are never
written. Results and gradients stay bit for bit those of the eager run.
"""

from __future__ import annotations

import os
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import retrograd as rg
from retrograd.engine.primitive import Primitive


def _mlp(activation, seed=0, sizes=(12, 16, 16, 5), batch=8):
    rng = np.random.default_rng(seed)
    params = []
    for a, b in zip(sizes, sizes[1:]):
        params.append(rg.tensor(rng.standard_normal((a, b)).astype(np.float32) / a, requires_grad=True))
        params.append(rg.tensor(rng.standard_normal(b).astype(np.float32), requires_grad=True))
    x = rg.tensor(rng.standard_normal((batch, sizes[0])).astype(np.float32))

    def forward():
        h = x
        for w, b in zip(params[:-2:2], params[1:-2:2]):
            h = activation(h @ w + b)
        return h @ params[-2] + params[-1]

    return params, forward


def _steps(params, forward, n=3):
    """Losses and gradients of `n` SGD steps."""
    record = []
    for _ in range(n):
        for p in params:
            p.grad = None
        loss = (forward() ** 2).mean()
        loss.backward()
        record.append((loss.item(), [p.grad.numpy().copy() for p in params]))
        with rg.no_grad():
            for p in params:
                p -= 0.1 * p.grad
    return record


@pytest.mark.parametrize("activation", [rg.relu, rg.tanh])
def test_an_mlp_step_writes_into_dying_locals_and_matches_eager_bit_for_bit(activation):
    eager = _steps(*_mlp(activation))
    params, forward = _mlp(activation)
    compiled = rg.compile(forward)
    result = _steps(params, compiled)
    forward_code = compiled.code.split("def backward")[0]
    name = activation.__name__
    # every bias add goes into its product's array, every activation into the add's
    assert forward_code.count("add_into(") == 3 and forward_code.count(f"{name}_into(") == 2
    assert "out=t0)" in forward_code
    for (loss_e, grads_e), (loss_c, grads_c) in zip(eager, result):
        assert loss_e == loss_c
        for a, b in zip(grads_e, grads_c):
            assert np.array_equal(a, b)


def test_arguments_and_parameters_are_never_written():
    x = rg.tensor(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4))
    w = rg.tensor(np.ones(4, np.float32), requires_grad=True)
    x_before, w_before = x.numpy().copy(), w.detach().numpy().copy()
    f = rg.compile(lambda a: rg.relu(a) + w)  # relu reads the argument: it gets an array of its own
    out = f(x)
    assert "relu(xp, x0)" in f.code and "relu_into" not in f.code
    assert "add_into" in f.code  # the add may take relu's fresh array
    assert np.array_equal(x.numpy(), x_before) and np.array_equal(w.detach().numpy(), w_before)
    assert np.array_equal(out.detach().numpy(), np.maximum(x_before, 0) + w_before)


def test_a_value_the_backward_reads_is_not_overwritten():
    w = rg.tensor(np.full((3, 3), 0.5, np.float32), requires_grad=True)
    x = rg.tensor(np.arange(9, dtype=np.float32).reshape(3, 3) / 9)

    def f():
        t = rg.tanh(x @ w)  # the backward reads tanh's output
        return t * 2.0 + 1.0

    compiled = rg.compile(f)
    for fn in (f, compiled):
        w.grad = None
        fn().sum().backward()
        if fn is f:
            expected = w.grad.numpy().copy()
    assert np.array_equal(w.grad.numpy(), expected)
    forward_code = compiled.code.split("def backward")[0]
    assert "mul_into" not in forward_code  # tanh's output is saved: the product gets a new array
    assert "add_into" in forward_code  # the product's own array takes the + 1.0


def test_a_viewed_local_is_not_taken_over():
    w = rg.tensor(np.eye(3, dtype=np.float32), requires_grad=True)
    x = rg.tensor(np.arange(9, dtype=np.float32).reshape(3, 3))

    def f():
        y = x @ w
        v = y.t()  # a view of y, read after y's last direct use
        z = rg.relu(y - 4.0)
        return z + v

    def without_view():
        return rg.relu(x @ w - 4.0) + 1.0

    eager = f().detach().numpy()
    compiled = rg.compile(f)
    assert np.array_equal(compiled().detach().numpy(), eager)
    assert np.array_equal(compiled().detach().numpy(), eager)
    assert "sub_into" not in compiled.code  # y's memory is seen through v
    plain = rg.compile(without_view)
    assert np.array_equal(plain().detach().numpy(), without_view().detach().numpy())
    assert "sub_into" in plain.code


def test_a_second_backward_with_retain_graph_reads_intact_saved_values():
    w = rg.tensor(np.linspace(-1, 1, 16, dtype=np.float32).reshape(4, 4), requires_grad=True)
    x = rg.tensor(np.ones((2, 4), np.float32))
    f = rg.compile(lambda: rg.relu(x @ w + 0.25) * 3.0)
    loss = f().sum()
    loss.backward(retain_graph=True)
    first = w.grad.numpy().copy()
    loss.backward()
    assert np.array_equal(w.grad.numpy(), 2 * first)


def test_into_must_take_the_forwards_parameters_then_out():
    with pytest.raises(ValueError, match="`into` takes the forward's parameters and then `out`"):
        Primitive("scaled", lambda xp, a, c: a * c, [None], into=lambda xp, a, out: xp.multiply(a, 2, out=out))


def test_every_op_with_an_into_gives_the_eager_bits():
    rng = np.random.default_rng(3)
    x = rg.tensor(rng.standard_normal((5, 4)).astype(np.float32))
    w = rg.tensor(rng.standard_normal((4, 4)).astype(np.float32), requires_grad=True)
    v = rg.tensor(rng.standard_normal(4).astype(np.float32))

    def f():
        y = -(((x @ w) * 2.0 - 1.0) / 3.0)  # mul, sub, div by numbers; neg
        y = (y * v - v) / (v * v + 1.0)  # the same with tensors
        return rg.exp(rg.tanh(y) * 0.5 + 0.5).sum()  # (tanh's output is saved: the product is new)

    compiled = rg.compile(f)
    for fn in (f, compiled, compiled):
        w.grad = None
        loss = fn()
        loss.backward()
        if fn is f:
            expected = (loss.item(), w.grad.numpy().copy())
        else:
            assert loss.item() == expected[0] and np.array_equal(w.grad.numpy(), expected[1])
    forward_code = compiled.code.split("def backward")[0]
    for op in ("mul", "sub", "div", "neg", "add", "tanh", "exp"):
        assert re.search(rf"\b{op}(_\d+)?_into\(", forward_code), op


# --- random programs: compiled equals eager, and no argument is written -----------------------

_UNARY = [
    lambda y: -y, lambda y: rg.exp(y * 0.1), rg.tanh, rg.relu, lambda y: y * 1.5, lambda y: y - 0.25,
    lambda y: y / 3.0, lambda y: y.t(), lambda y: y.reshape(2, 8).reshape(4, 4), lambda y: y - y.sum(0, keepdim=True),
]
_BINARY = [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / (b * b + 1.0)]


@settings(max_examples=int(os.environ.get("REUSE_EXAMPLES", "60")), deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 3), st.integers(0, 20), st.booleans()),
                min_size=1, max_size=10))
def test_random_programs_match_eager_and_leave_arguments_alone(program):
    rng = np.random.default_rng(0)
    x = rg.tensor(rng.standard_normal((4, 4)).astype(np.float32))
    w = rg.tensor(rng.standard_normal((4, 4)).astype(np.float32), requires_grad=True)
    before = (x.numpy().copy(), w.detach().numpy().copy())

    def f(x):
        values = [x, w, x @ w]
        for unary, binary, pick, combine in program:
            y = _UNARY[unary](values[pick % len(values)])
            if combine:  # with an earlier value (which may be a view, a saved output or an argument)
                y = _BINARY[binary](y, values[(pick * 7 + 3) % len(values)])
            values.append(y)
        return values[-1].sum() + values[-2].sum() + values[2].sum()  # (x @ w: the loss needs w)

    results = []
    compiled = rg.compile(f)
    for fn in (f, compiled, compiled):
        w.grad = None
        loss = fn(x)
        loss.backward()
        results.append((loss.detach().numpy(), w.grad.numpy().copy()))
    for loss, grad in results[1:]:
        assert np.array_equal(loss, results[0][0], equal_nan=True)
        assert np.array_equal(grad, results[0][1], equal_nan=True)
    assert np.array_equal(x.numpy(), before[0]) and np.array_equal(w.detach().numpy(), before[1])
