"""`autograd.enforce_grad_layout_policy`: the layout of a leaf's new `.grad`, held to PyTorch's
contract or relaxed, compared with PyTorch 2.13 where it is installed."""

from __future__ import annotations

import threading

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # the expectations below still hold for retrograd
    torch = None

LIBS = [pytest.param(rg, id="retrograd")] + ([pytest.param(torch, id="pytorch")] if torch is not None else [])


def _first_grad_strides(lib, leaf_shape, to_leaf, arriving):
    leaf = to_leaf(lib.randn(*leaf_shape)).requires_grad_()
    lib.autograd.backward(leaf * 1, arriving(lib))
    return leaf.grad.stride()


@pytest.mark.parametrize("lib", LIBS)
def test_the_contract_holds_by_default(lib):
    # a row-major leaf gets a row-major .grad, a channels_last leaf a channels_last one
    assert _first_grad_strides(lib, (3, 4), lambda t: t, lambda m: (m.randn(4, 3) * 1).t()) == (4, 1)
    cl = lib.channels_last
    to_leaf = lambda t: t.contiguous(memory_format=cl)  # noqa: E731
    strides = _first_grad_strides(lib, (2, 3, 4, 5), to_leaf, lambda m: m.randn(2, 3, 4, 5))
    assert strides == (60, 1, 15, 3)


@pytest.mark.parametrize("lib", LIBS)
def test_relaxed_a_fresh_gradient_keeps_its_layout(lib):
    cl = lib.channels_last
    with lib.autograd.enforce_grad_layout_policy(False):
        assert _first_grad_strides(lib, (3, 4), lambda t: t, lambda m: (m.randn(4, 3) * 1).t()) == (1, 3)
        assert _first_grad_strides(
            lib, (2, 3, 4, 5), lambda t: t.contiguous(memory_format=cl), lambda m: m.randn(2, 3, 4, 5)
        ) == (60, 20, 5, 1)
    assert _first_grad_strides(lib, (3, 4), lambda t: t, lambda m: (m.randn(4, 3) * 1).t()) == (4, 1)


@pytest.mark.parametrize("lib", LIBS)
def test_it_switches_at_once_and_as_a_decorator(lib):
    policy = lib.autograd.enforce_grad_layout_policy
    assert policy is lib.autograd.grad_mode.enforce_grad_layout_policy
    switched = policy(False)  # takes effect without `with`
    assert _first_grad_strides(lib, (3, 4), lambda t: t, lambda m: (m.randn(4, 3) * 1).t()) == (1, 3)
    switched.__exit__(None, None, None)

    @policy(False)
    def relaxed():
        return _first_grad_strides(lib, (3, 4), lambda t: t, lambda m: (m.randn(4, 3) * 1).t())

    assert relaxed() == (1, 3)
    assert _first_grad_strides(lib, (3, 4), lambda t: t, lambda m: (m.randn(4, 3) * 1).t()) == (4, 1)
    with pytest.raises(TypeError, match=r"argument 'enabled' \(position 1\) must be bool, not int"):
        policy(1)


def test_the_setting_is_per_thread():
    seen = []
    with rg.autograd.enforce_grad_layout_policy(False):
        worker = threading.Thread(
            target=lambda: seen.append(
                _first_grad_strides(rg, (3, 4), lambda t: t, lambda m: (m.randn(4, 3) * 1).t())
            )
        )
        worker.start()
        worker.join()
    assert seen == [(4, 1)]


@pytest.mark.parametrize("lib", LIBS)
def test_a_gradient_something_else_holds_is_still_copied(lib):
    q = lib.zeros(3, 4, requires_grad=True)
    arriving = lib.ones(4, 3).t()
    with lib.autograd.enforce_grad_layout_policy(False):
        lib.autograd.backward(q, arriving)  # the gradient is the caller's own tensor
    assert q.grad is not arriving and q.grad.stride() == (4, 1)
