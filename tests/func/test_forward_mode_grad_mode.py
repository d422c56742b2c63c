"""Forward-mode transforms and grad mode: PyTorch's forward AD ignores `no_grad`.

Inside `func.jvp`, `jacfwd` and `linearize`, a function that turns grad mode off (`no_grad`,
`set_grad_enabled(False)`) still gets its tangents; `inference_mode` turns forward AD off (zero
tangents), and a reverse-mode transform inside (`hessian`'s `jacrev`, `jvp(grad(f))`) honours
`no_grad` again, so its derivative through the block is zero. Each case runs on retrograd and,
where it is installed, on PyTorch 2.13, against the same expected values.
"""

from __future__ import annotations

import math

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

LIBS = [rg] + ([torch] if torch is not None else [])
lib_param = pytest.mark.parametrize("lib", LIBS, ids=lambda m: m.__name__)

X = [1.0, 2.0]
T = [1.0, 0.5]


def _exp_no_grad(lib, x):
    with lib.no_grad():
        return x.exp()


def _double_in_no_grad(lib, x):
    with lib.no_grad():
        y = x * 2
    return y.sin() + x


def _cos_grad_disabled(lib, x):
    lib.set_grad_enabled(False)
    try:
        return x.cos()
    finally:
        lib.set_grad_enabled(True)


def _exp_inference(lib, x):
    with lib.inference_mode():
        return x.exp()


# each function with its derivative at x (elementwise): what every forward transform must give
CASES = {
    "no_grad": (_exp_no_grad, lambda x: math.exp(x)),
    "no_grad_then_graph": (_double_in_no_grad, lambda x: 2 * math.cos(2 * x) + 1),
    "set_grad_enabled": (_cos_grad_disabled, lambda x: -math.sin(x)),
    "inference_mode": (_exp_inference, lambda x: 0.0),
}
case_param = pytest.mark.parametrize("case", CASES)


def _close(got, want):
    flat = [v for row in got for v in row] if got and isinstance(got[0], list) else got
    wanted = [v for row in want for v in row] if want and isinstance(want[0], list) else want
    assert flat == pytest.approx(wanted, rel=1e-6, abs=1e-7)


@lib_param
@case_param
def test_jvp(lib, case):
    f, df = CASES[case]
    x, t = lib.tensor(X), lib.tensor(T)
    value, tangent = lib.func.jvp(lambda z: f(lib, z), (x,), (t,))
    _close(tangent.tolist(), [df(a) * b for a, b in zip(X, T)])
    assert lib.is_grad_enabled()  # the caller's grad mode is back


@lib_param
@case_param
def test_jacfwd(lib, case):
    f, df = CASES[case]
    jac = lib.func.jacfwd(lambda z: f(lib, z))(lib.tensor(X))
    _close(jac.tolist(), [[df(X[0]), 0.0], [0.0, df(X[1])]])


@lib_param
@case_param
def test_vmap_of_jvp(lib, case):
    f, df = CASES[case]
    x = lib.tensor(X)
    cols = lib.func.vmap(lambda t: lib.func.jvp(lambda z: f(lib, z), (x,), (t,))[1])(lib.eye(2))
    _close(cols.tolist(), [[df(X[0]), 0.0], [0.0, df(X[1])]])


@pytest.mark.parametrize("case", ["no_grad", "no_grad_then_graph", "set_grad_enabled"])
def test_linearize(case):
    f, df = CASES[case]  # (PyTorch's linearize fails an internal assert on the inference-mode case)
    _, jvp_fn = rg.func.linearize(lambda z: f(rg, z), rg.tensor(X))
    _close(jvp_fn(rg.tensor(T)).tolist(), [df(a) * b for a, b in zip(X, T)])


@lib_param
def test_jvp_under_an_outer_no_grad(lib):
    x, t = lib.tensor(X), lib.tensor(T)
    with lib.no_grad():
        _, tangent = lib.func.jvp(lambda z: _exp_no_grad(lib, z), (x,), (t,))
    _close(tangent.tolist(), [math.exp(a) * b for a, b in zip(X, T)])


@lib_param
def test_reverse_transform_inside_honours_no_grad(lib):
    """hessian is jacfwd(jacrev(f)): the inner jacrev sees no path through the no_grad block."""
    x = lib.tensor(X)
    h = lib.func.hessian(lambda z: _exp_no_grad(lib, z).sum())(x)
    assert h.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    g = lib.func.grad(lambda z: _double_in_no_grad(lib, z).sum())
    _, tangent = lib.func.jvp(g, (x,), (lib.tensor(T),))
    assert tangent.tolist() == [0.0, 0.0]


@lib_param
def test_grad_mode_inside_reads_off(lib):
    seen = []

    def f(z):
        with lib.no_grad():
            seen.append(lib.is_grad_enabled())
            return z * 3

    lib.func.jvp(f, (lib.tensor(X),), (lib.tensor(T),))
    assert seen == [False]
    w = lib.ones(2, requires_grad=True)
    with lib.no_grad():  # after the transform, no_grad stops recording again
        assert not (w * 2).requires_grad


@lib_param
def test_dual_tensor_in_inference_mode_has_no_tangent(lib):
    fwAD = lib.autograd.forward_ad
    with fwAD.dual_level():
        d = fwAD.make_dual(lib.tensor(X), lib.tensor(T))
        with lib.inference_mode():
            y = d.sin() * 3
        assert fwAD.unpack_dual(y).tangent is None
        _close(y.tolist(), [3 * math.sin(a) for a in X])
        with lib.no_grad():  # grad mode alone does not stop forward AD
            z = d.sin()
        _close(fwAD.unpack_dual(z).tangent.tolist(), [math.cos(a) * b for a, b in zip(X, T)])
