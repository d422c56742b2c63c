"""Forward-mode AD with views and in-place ops: tangents share memory as PyTorch's do.

The tangent of a view is the same view of its source's tangent, and an in-place op writes its
result's tangent into the tangent the tensor already has, so views, bases and the user's own
tangent tensor all see the change. Every expected value below is what PyTorch 2.13 prints; the
tests also run on PyTorch itself where it is installed.
"""

from __future__ import annotations

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

LIBS = [rg] + ([torch] if torch is not None else [])
lib_param = pytest.mark.parametrize("lib", LIBS, ids=lambda m: m.__name__)


def tangent(lib, t):
    return lib.autograd.forward_ad.unpack_dual(t).tangent


def dual(lib, primal, tan):
    return lib.autograd.forward_ad.make_dual(lib.tensor(primal), lib.tensor(tan))


@lib_param
def test_in_place_through_a_view_reaches_the_duals_tangent(lib):
    with lib.autograd.forward_ad.dual_level():
        base = dual(lib, [1.0, 2.0, 3.0], [1.0, 1.0, 1.0])
        v = base[1:]
        v.mul_(dual(lib, [2.0, 2.0], [10.0, 10.0]))
        assert tangent(lib, base).tolist() == [1.0, 22.0, 32.0]
        assert tangent(lib, v).tolist() == [22.0, 32.0]
        v.mul_(2)
        assert tangent(lib, base).tolist() == [1.0, 44.0, 64.0]


@lib_param
def test_in_place_on_the_base_reaches_its_views(lib):
    with lib.autograd.forward_ad.dual_level():
        x = dual(lib, [1.0, 2.0, 3.0], [1.0, 1.0, 1.0])
        v = x.view(3)
        x.mul_(3)
        assert tangent(lib, v).tolist() == [3.0, 3.0, 3.0]
        y = x * 1
        head = y[:2]
        y.mul_(dual(lib, [2.0, 2.0, 2.0], [1.0, 1.0, 1.0]))
        assert tangent(lib, head).tolist() == [9.0, 12.0]


@lib_param
def test_the_users_tangent_is_the_duals_tangent(lib):
    with lib.autograd.forward_ad.dual_level():
        t = lib.tensor([1.0, 1.0, 1.0])
        x = lib.autograd.forward_ad.make_dual(lib.tensor([1.0, 2.0, 3.0]), t)
        x.mul_(2)
        assert t.tolist() == [2.0, 2.0, 2.0]
        x.copy_(lib.ones(3))  # a value without a tangent: the tangent becomes zero, in place
        assert t.tolist() == [0.0, 0.0, 0.0] and tangent(lib, x).tolist() == [0.0, 0.0, 0.0]


@lib_param
def test_a_tangent_laid_out_unlike_its_primal_is_copied(lib):
    with lib.autograd.forward_ad.dual_level():
        t = lib.arange(6.0).reshape(3, 2).t()
        x = lib.autograd.forward_ad.make_dual(lib.ones(2, 3), t)
        assert tangent(lib, x).stride() == (3, 1)
        assert tangent(lib, x.view(-1)).tolist() == [0.0, 2.0, 4.0, 1.0, 3.0, 5.0]


@lib_param
def test_plain_tensors_get_tangents_through_their_views(lib):
    with lib.autograd.forward_ad.dual_level():
        b = lib.zeros(2, 3)
        r = b[0]
        r.copy_(dual(lib, [1.0, 1.0, 1.0], [0.0, 1.0, 2.0]))
        assert tangent(lib, b).tolist() == [[0.0, 1.0, 2.0], [0.0, 0.0, 0.0]]
        assert tangent(lib, r).tolist() == [0.0, 1.0, 2.0]
        assert tangent(lib, b[1]).tolist() == [0.0, 0.0, 0.0]
        z = lib.zeros(3)
        w = z[1:]  # made before its base had a tangent
        z.copy_(dual(lib, [1.0, 2.0, 3.0], [1.0, 1.0, 1.0]))
        assert tangent(lib, w).tolist() == [1.0, 1.0]
        x = dual(lib, [1.0, 2.0, 3.0], [1.0, 1.0, 1.0])
        x[1:].copy_(lib.ones(2))
        assert tangent(lib, x).tolist() == [1.0, 0.0, 0.0]


@lib_param
def test_in_place_view_ops_move_the_tangent_too(lib):
    with lib.autograd.forward_ad.dual_level():
        q = lib.autograd.forward_ad.make_dual(lib.ones(4), lib.arange(4.0))
        q2 = q.view(2, 2)
        q2.t_()
        assert tangent(lib, q2).tolist() == [[0.0, 2.0], [1.0, 3.0]]
        q2.mul_(lib.autograd.forward_ad.make_dual(lib.ones(2, 2), lib.eye(2)))
        assert tangent(lib, q2).tolist() == [[1.0, 2.0], [1.0, 4.0]]
        assert tangent(lib, q).tolist() == [1.0, 1.0, 2.0, 4.0]


@lib_param
def test_tangents_do_not_outlive_their_level(lib):
    fwad = lib.autograd.forward_ad
    with fwad.dual_level():
        x = dual(lib, [1.0, 2.0], [1.0, 0.0])
        y = x.sin()
    with fwad.dual_level():
        assert tangent(lib, x) is None and tangent(lib, y) is None and tangent(lib, x * 2) is None


@lib_param
def test_reverse_over_forward_through_make_dual(lib):
    fwad = lib.autograd.forward_ad
    x = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
    with fwad.dual_level():
        y = (fwad.make_dual(x, lib.tensor([1.0, 0.0], dtype=lib.float64)) ** 3).sum()
        t = tangent(lib, y)
        assert t.requires_grad
        assert lib.autograd.grad(t, x)[0].tolist() == [6.0, 0.0]  # d/dx of 3 x0^2
        d = fwad.make_dual(x, lib.tensor([1.0, 0.0], dtype=lib.float64))
        t = tangent(lib, (d[0:1].exp() * 2).sum())
        assert lib.autograd.grad(t, x)[0].tolist() == pytest.approx([5.43656365691809, 0.0])
