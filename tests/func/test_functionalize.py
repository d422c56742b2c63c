"""`func.functionalize`: under eager execution the function means what it meant, mutations and all."""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the expectations below still hold for retrograd
    torch = None


def _bump_then_double(a):
    a.add_(1)
    return a * 2


def _run(lib):
    """What a user sees: results, input mutation, aliasing, composition with vmap and grad, the wrapper."""
    f = lib.func.functionalize(_bump_then_double)
    x = lib.zeros(3)
    out = f(x)
    view = lib.func.functionalize(lambda a: a.view(-1))(lib.zeros(2, 3))
    batched = lib.func.vmap(lib.func.functionalize(lambda a: a.clone().add_(1) * a))(lib.arange(6.0).reshape(2, 3))
    gradient = lib.func.grad(lib.func.functionalize(lambda a: a.clone().mul_(2).pow(2).sum()))(lib.ones(3))
    return {
        "out": out.tolist(),
        "input": x.tolist(),
        "view aliases": view._base is not None,
        "vmap": batched.tolist(),
        "grad": gradient.tolist(),
        "wraps": (f.__name__, f.__wrapped__ is _bump_then_double),
    }


def test_functionalize_keeps_the_function_s_meaning():
    assert _run(rg) == {
        "out": [2.0, 2.0, 2.0],
        "input": [1.0, 1.0, 1.0],  # the input's mutation is written back, as PyTorch's
        "view aliases": True,
        "vmap": [[0.0, 2.0, 6.0], [12.0, 20.0, 30.0]],
        "grad": [8.0, 8.0, 8.0],
        "wraps": ("_bump_then_double", True),
    }
    assert rg.func.functionalize(_bump_then_double, remove="mutations_and_views")(rg.ones(1)).tolist() == [4.0]


def test_functionalize_refuses_an_unknown_remove():
    with pytest.raises(RuntimeError, match=r"received invalid argument for remove=views\. Valid options are:\n"):
        rg.func.functionalize(_bump_then_double, remove="views")


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
def test_functionalize_vs_torch():
    assert _run(rg) == _run(torch)
    messages = []
    for lib in (rg, torch):
        with pytest.raises(RuntimeError) as info:
            lib.func.functionalize(_bump_then_double, remove="views")
        messages.append(str(info.value))
    assert messages[0] == messages[1]
