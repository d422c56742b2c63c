"""Gradients with respect to complex inputs: PyTorch's convention, checked by finite differences.

For a real loss L of a complex input z = x + iy, PyTorch's gradient is dL/dx + i dL/dy (the
conjugate Wirtinger derivative, times two). Each case builds a real loss from an op's complex
output (a fixed complex weighting plus a non-holomorphic |.|² term) and compares the gradient
with central differences in float64, and with PyTorch on the same inputs where it is installed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

RNG = np.random.default_rng(0)


def c(*shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


A, B = c(3, 3) + 3 * np.eye(3), c(3, 3)
V, V3, W3 = c(3), c(2, 3), c(2, 3)

def _low_rank(u, s, vh, rank=2):
    """A product of the leading singular triplets: independent of the singular vectors' phases."""
    return (u[:, :rank] * s[:rank].to(u.dtype)) @ vh[:rank]


CASES = {
    "det": (lambda m, a: m.linalg.det(a), [A]),
    "inv": (lambda m, a: m.linalg.inv(a), [A]),
    "slogdet logabsdet": (lambda m, a: m.linalg.slogdet(a)[1], [A]),
    "slogdet sign": (lambda m, a: m.linalg.slogdet(a)[0], [A]),
    "logdet": (lambda m, a: m.logdet(a), [A]),
    "matrix_exp": (lambda m, a: m.linalg.matrix_exp(a * 0.3), [A]),
    "matrix_power -1": (lambda m, a: m.linalg.matrix_power(a, -1), [A]),
    "tensorinv": (lambda m, a: m.linalg.tensorinv(a, ind=1), [A]),
    "qr Q": (lambda m, a: m.linalg.qr(a)[0], [A]),
    "qr R": (lambda m, a: m.linalg.qr(a)[1], [A]),
    "qr wide": (lambda m, a: m.linalg.qr(a[:2])[0] @ m.linalg.qr(a[:2])[1], [A]),
    "cholesky": (lambda m, a: m.linalg.cholesky(a @ a.mH + m.eye(3)), [A]),
    "cholesky upper": (lambda m, a: m.linalg.cholesky(a @ a.mH + m.eye(3), upper=True), [A]),
    "svd low rank": (lambda m, a: _low_rank(*m.linalg.svd(a)), [A]),
    "svd tall": (lambda m, a: _low_rank(*m.linalg.svd(a[:, :2], full_matrices=False)), [A]),
    "svdvals": (lambda m, a: m.linalg.svdvals(a), [A]),
    "prod": (lambda m, a: a.prod(), [V]),
    "prod dim": (lambda m, a: a.prod(1), [V3]),
    "cumprod": (lambda m, a: a.cumprod(1), [V3]),
    "logsumexp": (lambda m, a: m.logsumexp(a, 1), [A]),
    "logcumsumexp": (lambda m, a: m.logcumsumexp(a, 1), [A]),
    "logcumsumexp dim 0": (lambda m, a: m.logcumsumexp(a, 0), [V3]),
    "einsum ij,jk": (lambda m, a, b: m.einsum("ij,jk->ik", a, b), [A, B]),
    "einsum ij,ij": (lambda m, a, b: m.einsum("ij,ij->", a, b), [A, B]),
    "einsum ii": (lambda m, a: m.einsum("ii->i", a), [A]),
    "mv": (lambda m, a, b: m.mv(a, b), [A, V]),
    "linalg.vecdot": (lambda m, a, b: m.linalg.vecdot(a, b), [V3, W3]),
    "cross": (lambda m, a, b: m.linalg.cross(a, b), [V3, W3]),
    "addmm": (lambda m, a, b: m.addmm(a, a, b, beta=0.5, alpha=2.0), [A, B]),
    "baddbmm": (lambda m, a, b: m.baddbmm(a[None], a[None], b[None]), [A, B]),
    "addmv": (lambda m, a, b: m.addmv(b[0], a, b[1]), [A, B]),
    "reciprocal": (lambda m, a: a.reciprocal(), [A]),
    "pow of tensors": (lambda m, a, b: a ** (b * 0.1), [A, B]),
    "number ** tensor": (lambda m, a: 2.0 ** a, [A]),
    "negative number ** tensor": (lambda m, a: (-2.0) ** a, [A]),
    "where": (lambda m, a, b: m.where(m.tensor([True, False, True]), a, b), [A, B]),
    "conv1d": (lambda m, a, b: m.nn.functional.conv1d(a[None], b[:, :, None]), [A, B]),
    "conv2d with bias": (lambda m, a, b: m.nn.functional.conv2d(a[None, None], b[None, None, :2], b[0, :1]), [A, B]),
    "conv_transpose1d": (lambda m, a, b: m.nn.functional.conv_transpose1d(a[None], b[:, :, None]), [A, B]),
    "matmul": (lambda m, a, b: a @ b, [A, B]),
    "eigh values": (lambda m, a: m.linalg.eigh(a @ a.mH)[0], [A]),
    "eigh vectors": (lambda m, a: (lambda e, q: q * q.conj())(*m.linalg.eigh(a @ a.mH)), [A]),
    "pinv": (lambda m, a: m.linalg.pinv(a), [A]),
    "pinv wide": (lambda m, a: m.linalg.pinv(a[:2]), [A]),
    "pinv hermitian": (lambda m, a: m.linalg.pinv(a @ a.mH, hermitian=True), [A]),
    "lstsq": (lambda m, a, b: m.linalg.lstsq(a, b).solution, [A, B]),
    "vector_norm": (lambda m, a: m.linalg.vector_norm(a), [A]),
    "vector_norm 1": (lambda m, a: m.linalg.vector_norm(a, 1), [A]),
    "vector_norm 3": (lambda m, a: m.linalg.vector_norm(a, 3, dim=1), [A]),
    "vector_norm inf": (lambda m, a: m.linalg.vector_norm(a, float("inf"), dim=0), [A]),
    "matrix_norm nuc": (lambda m, a: m.linalg.matrix_norm(a, "nuc"), [A]),
    "normalize": (lambda m, a: m.nn.functional.normalize(a, dim=1), [A]),
    "var": (lambda m, a: a.var(0), [A]),
    "std": (lambda m, a: a.std(), [A]),
    "var_mean": (lambda m, a: m.var_mean(a, 1)[0] + m.var_mean(a, 1)[1].abs(), [A]),
    "cov": (lambda m, a: m.cov(a), [A]),
    "solve": (lambda m, a, b: m.linalg.solve(a, b), [A, B]),
}


def _loss(m, out, weight):
    return (out * m.tensor(weight)).real.sum() + 0.1 * (out.abs() ** 2).sum()


def _weight(shape, complex_out):
    w = np.random.default_rng(1).standard_normal(shape)
    return w * (1 - 0.5j) if complex_out else w


def _gradients(m, name):
    fn, inputs = CASES[name]
    xs = [m.tensor(x, dtype=m.complex128, requires_grad=True) for x in inputs]
    out = fn(m, *xs)
    loss = _loss(m, out, _weight(tuple(out.shape), out.is_complex()))
    return [g.detach().resolve_conj().numpy() for g in m.autograd.grad(loss, xs)]  # PyTorch may return lazy conjugates


def _finite_differences(name, eps=1e-6):
    fn, inputs = CASES[name]
    arrays = [np.array(x, dtype=np.complex128) for x in inputs]
    with rg.no_grad():
        out = fn(rg, *[rg.tensor(x) for x in arrays])
    weight = _weight(tuple(out.shape), out.is_complex())

    def loss(xs):
        with rg.no_grad():
            return _loss(rg, fn(rg, *[rg.tensor(x) for x in xs]), weight).item()

    grads = []
    for k, x in enumerate(arrays):
        g = np.zeros_like(x)
        for i in np.ndindex(x.shape):
            for step, unit in ((eps, 1.0), (1j * eps, 1j)):
                up = [y.copy() for y in arrays]
                down = [y.copy() for y in arrays]
                up[k][i] += step
                down[k][i] -= step
                g[i] += unit * (loss(up) - loss(down)) / (2 * eps)
        grads.append(g)
    return grads


@pytest.mark.parametrize("name", list(CASES))
def test_complex_gradient_matches_finite_differences(name):
    for ours, numeric in zip(_gradients(rg, name), _finite_differences(name)):
        np.testing.assert_allclose(ours, numeric, rtol=1e-5, atol=1e-6)


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
@pytest.mark.parametrize("name", list(CASES))
def test_complex_gradient_matches_pytorch(name):
    for ours, theirs in zip(_gradients(rg, name), _gradients(torch, name)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-8, atol=1e-10)


def test_gradcheck_catches_a_missing_conjugate():
    class Square(rg.autograd.Function):
        @staticmethod
        def forward(ctx, z):
            ctx.save_for_backward(z)
            return z * z

        @staticmethod
        def backward(ctx, g):
            (z,) = ctx.saved_tensors
            return g * 2 * z  # should be g * conj(2z)

    z = rg.tensor(c(3), dtype=rg.complex128, requires_grad=True)
    with pytest.raises(rg.autograd.GradcheckError):
        rg.autograd.gradcheck(Square.apply, (z,))
    assert rg.autograd.gradcheck(lambda t: t * t, (z,))
    assert rg.autograd.gradgradcheck(lambda t: (t * t.conj() * t).sum(), (z,))


def test_complex_leaves_and_uniform_draws():
    rg.manual_seed(0)
    z = rg.randn(2, dtype=rg.complex64, requires_grad=True)
    assert z.requires_grad and rg.randn_like(z, requires_grad=True).requires_grad
    rg.manual_seed(0)
    u = rg.rand(2, dtype=rg.complex64)  # the real view is drawn: real and imaginary parts side by side
    rg.manual_seed(0)
    assert u.tolist() == [complex(*p) for p in rg.rand(2, 2).tolist()]
    rg.manual_seed(0)
    assert rg.empty(2, dtype=rg.complex64).uniform_().tolist() == u.tolist()
    if torch is not None:
        torch.manual_seed(0)
        theirs = torch.rand(3, dtype=torch.complex128).tolist()
        rg.manual_seed(0)
        assert rg.rand(3, dtype=rg.complex128).tolist() == theirs


def _angle_gradients(m):
    """angle's gradients where the input is zero: +0 (PyTorch picks zeros, whatever the sign of g)."""
    x = m.tensor([-2.0, 0.0, 3.0, -0.0], dtype=m.float64, requires_grad=True)
    (m.angle(x) * -1).sum().backward()
    z = m.tensor([0j, -0j, complex(0, -0.0), 1 + 1j], dtype=m.complex128, requires_grad=True)
    (z.angle() * m.tensor([1.0, -1.0, 2.0, -3.0], dtype=m.float64)).sum().backward()
    return x.grad.numpy(), z.grad.numpy()


def test_angle_gradient_is_positive_zero_at_zero():
    real_grad, complex_grad = _angle_gradients(rg)
    assert real_grad.tolist() == [0.0, 0.0, 0.0, 0.0] and not np.signbit(real_grad).any()
    assert complex_grad[:3].tolist() == [0j, 0j, 0j]
    assert not np.signbit(complex_grad[:3].real).any() and not np.signbit(complex_grad[:3].imag).any()
    assert complex_grad[3] == pytest.approx(1.5 - 1.5j)


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
def test_angle_gradient_signs_match_pytorch():
    for ours, theirs in zip(_angle_gradients(rg), _angle_gradients(torch)):
        np.testing.assert_array_equal(ours, theirs)
        assert np.signbit(ours.real).tolist() == np.signbit(theirs.real).tolist()
        assert np.signbit(ours.imag).tolist() == np.signbit(theirs.imag).tolist()


def _polar_gradients(m):
    """polar's gradients read e^{iθ} as sgn(out), as PyTorch: a negative |z| flips ∂/∂r, 0 gets 0."""
    r = m.tensor([-1.0, 0.0, 2.0], dtype=m.float64, requires_grad=True)
    theta = m.tensor([0.0, 0.4, math.pi / 2], dtype=m.float64, requires_grad=True)
    (m.polar(r, theta) * m.tensor([1 + 2j, 3 - 1j, 2j])).real.sum().backward()
    return r.grad.tolist(), theta.grad.tolist()


def test_polar_gradient_follows_the_sign_of_the_result():
    r_grad, theta_grad = _polar_gradients(rg)
    # L = Re(w·r·e^{iθ}): ∂/∂r = sign(r)·Re(w e^{iθ}), ∂/∂θ = Re(i·w·r·e^{iθ})
    assert r_grad == [-1.0, 0.0, pytest.approx(-2.0)]
    assert theta_grad == [2.0, 0.0, pytest.approx(0.0, abs=1e-15)]
    assert not math.copysign(1.0, theta_grad[1]) < 0  # +0 where r = 0


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
def test_polar_gradient_matches_pytorch():
    assert _polar_gradients(rg) == _polar_gradients(torch)


def test_polar_second_derivatives():
    r = rg.tensor([0.7, 1.3], dtype=rg.float64, requires_grad=True)  # r > 0: the true derivative
    theta = rg.tensor([0.2, -2.0], dtype=rg.float64, requires_grad=True)
    assert rg.autograd.gradcheck(rg.polar, (r, theta))
    assert rg.autograd.gradgradcheck(rg.polar, (r, theta))


def _einsum_gradients(m):
    """einsum's gradients conjugate the partner operand (PyTorch's bmm/mul backward), so the zero
    imaginary parts of real-valued complex entries (an FNO's DC mode) come out +0, not -0."""
    x = m.tensor([[1.0 + 0j, -2.0 + 0j]], dtype=m.complex64)
    w = m.tensor([[1.0 + 0j], [3.0 + 0j]], dtype=m.complex64, requires_grad=True)
    m.einsum("bi,io->bo", x, w).backward(m.tensor([[1.0 + 0j]], dtype=m.complex64))
    v = m.tensor([2.0 + 0j, -1.0 + 0j], dtype=m.complex64, requires_grad=True)
    m.einsum("i,i->i", v, m.tensor([-3.0 + 0j, 4.0 + 0j], dtype=m.complex64)).real.sum().backward()
    return w.grad.numpy(), v.grad.numpy()


def test_einsum_gradient_has_positive_zero_imaginary_parts():
    w_grad, v_grad = _einsum_gradients(rg)
    assert w_grad.tolist() == [[1 + 0j], [-2 + 0j]] and v_grad.tolist() == [-3 + 0j, 4 + 0j]
    assert not np.signbit(w_grad.imag).any()
    # g·conj(b) with g = 1 + 0i: imaginary parts 1·(-0) + 0·(-3) = -0 and 1·(-0) + 0·4 = +0, as PyTorch's
    assert np.signbit(v_grad.imag).tolist() == [True, False]


@pytest.mark.skipif(torch is None, reason="needs PyTorch")
def test_einsum_gradient_signs_match_pytorch():
    for ours, theirs in zip(_einsum_gradients(rg), _einsum_gradients(torch)):
        np.testing.assert_array_equal(ours, theirs)
        assert np.signbit(ours.imag).tolist() == np.signbit(theirs.imag).tolist()
