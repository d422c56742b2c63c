"""Exception types: what a user sees is PyTorch's error, never NumPy's or Python's internals.

Broadcast mismatches (in any primitive, comparison or in-place op), sizes that are not
ints, scalar conversion of many elements, index_select out of range, hooks returning
the wrong thing. Expected outcomes are written down; with PyTorch they are compared too.
"""

from __future__ import annotations

import pytest

import retrograd

from .reliability_compare import assert_same, run, torch

# ruff: noqa: E501  (PyTorch's messages, verbatim)


def _bcast(a: int, b: int, dim: int) -> str:
    return (
        f"RuntimeError: The size of tensor a ({a}) must match the size of tensor b ({b}) "
        f"at non-singleton dimension {dim}"
    )


CASES = {
    "L.zeros(2, 3) + L.zeros(2, 4)": _bcast(3, 4, 1),
    "L.zeros(2, 3) * L.zeros(3, 3)": _bcast(2, 3, 0),
    "L.zeros(3) - L.zeros(4)": _bcast(3, 4, 0),
    "L.zeros(3) / L.zeros(4)": _bcast(3, 4, 0),
    "L.where(L.zeros(3) > 0, L.zeros(3), L.zeros(4))": _bcast(3, 4, 0),
    "L.maximum(L.zeros(3), L.zeros(4))": _bcast(3, 4, 0),
    "L.atan2(L.zeros(3), L.zeros(4))": _bcast(3, 4, 0),
    "L.lerp(L.zeros(3), L.zeros(4), 0.5)": _bcast(3, 4, 0),
    "L.addcmul(L.zeros(3), L.zeros(3), L.zeros(4))": _bcast(3, 4, 0),
    "L.zeros(3) == L.zeros(4)": _bcast(3, 4, 0),
    "L.zeros(3) < L.zeros(4)": _bcast(3, 4, 0),
    "L.logical_and(L.zeros(3), L.zeros(4))": _bcast(3, 4, 0),
    "L.zeros(3).add_(L.zeros(4))": _bcast(3, 4, 0),
    "L.zeros(3, requires_grad=True) * L.zeros(4)": _bcast(3, 4, 0),
    # sizes
    "L.ones('a')": "TypeError: ones(): argument 'size' (position 1) must be tuple of ints, not str",
    "L.ones(None)": "TypeError: ones(): argument 'size' (position 1) must be tuple of ints, not NoneType",
    "L.zeros(2.0)": "TypeError: zeros(): argument 'size' (position 1) must be tuple of ints, not float",
    "L.empty('a')": "TypeError: empty(): argument 'size' (position 1) must be tuple of ints, not str",
    "L.zeros(2, 'a')": "TypeError: zeros(): argument 'size' failed to unpack the object at pos 2 with error \"type must be tuple of ints,but got str\"",
    "L.full(2, 1.0)": "TypeError: full(): argument 'size' (position 1) must be tuple of ints, not int",
    "L.zeros(2).new_zeros('a')": "TypeError: new_zeros(): argument 'size' (position 1) must be tuple of ints, not str",
    "L.zeros(np.int64(2))": None,
    "L.zeros(L.tensor(2))": None,
    "L.zeros(6).view(-2)": "RuntimeError: invalid shape dimension -2 at index 0 of shape [-2]",
    # scalars out of many elements
    "float(L.zeros(2))": "ValueError: only one element tensors can be converted to Python scalars",
    "int(L.zeros(2))": "ValueError: only one element tensors can be converted to Python scalars",
    "float(L.zeros(0))": "ValueError: only one element tensors can be converted to Python scalars",
    "L.zeros(2).item()": "RuntimeError: a Tensor with 2 elements cannot be converted to Scalar",
    "bool(L.zeros(2))": "RuntimeError: Boolean value of Tensor with more than one value is ambiguous",
    # index_select: PyTorch's two kernels give two errors
    "L.index_select(L.zeros(3), 0, L.tensor([5]))": "IndexError: index out of range in self",
    "L.index_select(L.zeros(3), 0, L.tensor([-1]))": "IndexError: index out of range in self",
    "L.zeros(3, 4).index_select(1, L.tensor([4]))": "RuntimeError: INDICES element is out of DATA bounds, id=4 axis_dim=4",
    "L.index_select(L.zeros(3), 1, L.tensor([0]))": "IndexError: Dimension out of range (expected to be in range of [-1, 0], but got 1)",
}


def _hooked(kind: str, hook: str) -> str:
    """An expression: backward through y = x * 2 with `hook` registered as `kind`."""
    register = {
        "tensor": "y.register_hook",
        "leaf": "x.register_hook",
        "pre": "y.grad_fn.register_prehook",
        "post": "y.grad_fn.register_hook",
    }[kind]
    body = f"(lambda y: ({register}({hook}), y.sum().backward(), x.grad)[2])(x * 2)"
    return f"(lambda x: {body})(L.zeros(3, requires_grad=True))"


HOOKS = {
    ("tensor", "lambda g: 'nope'"): "TypeError: expected Variable, but hook returned 'str'",
    ("leaf", "lambda g: 5"): "TypeError: expected Variable, but hook returned 'int'",
    ("tensor", "lambda g: L.zeros(4)"): "RuntimeError: hook '<lambda>' has changed the size of value",
    ("tensor", "lambda g: L.zeros(3, dtype=L.float64)"): (
        "RuntimeError: hook '<lambda>' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)"
    ),
    ("pre", "lambda go: ('a',)"): "TypeError: expected Variable, but hook returned 'str'",
    ("pre", "lambda go: (go[0], go[0])"): (
        "RuntimeError: hook '<lambda>' has returned an incorrect number of values (got 2, but expected 1)"
    ),
    ("tensor", "lambda g: g * 2"): None,
    ("leaf", "lambda g: None"): None,
}


def _text(expr: str) -> str | None:
    out = run(expr, retrograd)
    return None if out.error is None else f"{out.error}: {out.message}"


@pytest.mark.parametrize("expr", list(CASES))
def test_outcome(expr):
    assert _text(expr) == CASES[expr]


@pytest.mark.parametrize("expr", list(CASES))
def test_vs_torch(expr):
    if torch is None:
        pytest.skip("PyTorch not installed")
    assert_same(expr)


@pytest.mark.parametrize(("kind", "hook"), list(HOOKS))
def test_hook_results(kind, hook):
    expr = _hooked(kind, hook)
    assert _text(expr) == HOOKS[(kind, hook)]
    if torch is not None:
        assert_same(expr)


# A node post-hook's replacements, on y = x * w (two inputs in both libraries: PyTorch counts
# `x * 2` as two, retrograd as one, so its post-hooks are not held to the count)
POST_HOOKS = {
    "lambda gi, go: (L.zeros(4), gi[1])": "RuntimeError: hook '<lambda>' has changed the size of value",
    "lambda gi, go: (gi[0].double(), gi[1])": (
        "RuntimeError: hook '<lambda>' has changed the type of value (was torch.FloatTensor got torch.DoubleTensor)"
    ),
    "lambda gi, go: (gi[0] * 2, None)": None,
}


@pytest.mark.parametrize("hook", list(POST_HOOKS))
def test_post_hook_results(hook):
    body = f"(lambda y: (y.grad_fn.register_hook({hook}), y.sum().backward(), x.grad)[2])(x * L.ones(3))"
    expr = f"(lambda x: {body})(L.zeros(3, requires_grad=True))"
    assert _text(expr) == POST_HOOKS[hook]
    if torch is not None:
        assert_same(expr)


def test_tensor_of_ragged_list():
    with pytest.raises(ValueError, match=r"expected sequence of length 2 at dim 1 \(got 1\)"):
        retrograd.tensor([[1, 2], [3]])
