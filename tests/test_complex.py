"""Complex tensors: dtypes and promotion, printing, predicates, errors, and the gradient convention."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg


def test_dtypes_and_promotion():
    assert rg.cfloat is rg.complex64 and rg.cdouble is rg.complex128
    assert rg.complex64.is_complex and not rg.complex64.is_floating_point
    assert rg.complex64.to_real() is rg.float32 and rg.float64.to_complex() is rg.complex128
    assert rg.promote_types(rg.float64, rg.complex64) is rg.complex128
    assert rg.promote_types(rg.int64, rg.complex64) is rg.complex64
    assert (rg.ones(2) * 1j).dtype is rg.complex64
    assert (rg.ones(2, dtype=rg.float64) * rg.tensor(1j)).dtype is rg.complex128
    assert (rg.ones(2, dtype=rg.int32) * 1j).dtype is rg.complex64
    assert rg.tensor([1 + 2j]).dtype is rg.complex64
    assert (rg.arange(3) / rg.tensor(1j)).dtype is rg.complex64


def test_printing():
    assert repr(rg.tensor([1 + 2j, 3 - 1j])) == "tensor([1.+2.j, 3.-1.j])"
    assert repr(rg.tensor([1.5 + 2j, 3 - 1j])) == "tensor([1.5000+2.j, 3.0000-1.j])"
    assert repr(rg.tensor([1 + 2j], dtype=rg.complex128)) == "tensor([1.+2.j], dtype=retrograd.complex128)"
    assert repr(rg.tensor(1 + 2j)) == "tensor(1.+2.j)"


def test_predicates_and_views():
    z = rg.tensor([1 + 2j, 3 - 4j])
    assert rg.is_complex(z) and z.is_complex() and not rg.is_complex(rg.ones(1))
    assert not rg.is_conj(z.conj()) and not z.is_neg()
    assert z.real.tolist() == [1.0, 3.0] and z.imag.tolist() == [2.0, -4.0]
    r = rg.view_as_real(z)
    r[0, 0] = 10.0  # a view: writes show in z
    assert z.tolist()[0] == 10 + 2j
    assert rg.view_as_complex(r).tolist() == z.tolist()
    x = rg.ones(3)
    assert rg.real(x) is x and rg.conj(x) is x


def test_errors():
    with pytest.raises(RuntimeError, match="imag is not implemented for tensors with non-complex dtypes"):
        rg.ones(2).imag
    with pytest.raises(RuntimeError, match="view_as_real is only supported for complex tensors"):
        rg.view_as_real(rg.ones(2))
    with pytest.raises(RuntimeError, match="Tensor must have a last dimension of size 2"):
        rg.view_as_complex(rg.ones(3))
    with pytest.raises(RuntimeError, match="Expected both inputs to be Half, Float or Double tensors"):
        rg.complex(rg.ones(2, dtype=rg.int64), rg.ones(2, dtype=rg.int64))
    with pytest.raises(RuntimeError, match="Expected object of scalar type Float but got scalar type Double"):
        rg.complex(rg.ones(2), rg.ones(2, dtype=rg.float64))


def test_gradient_convention_matches_pytorch():
    # PyTorch: for real L, z.grad = ∂L/∂x + i ∂L/∂y, so |z|² gives 2z
    z = rg.tensor([1 + 2j, 3 - 1j], requires_grad=True)
    (z.abs() ** 2).sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), [2 + 4j, 6 - 2j])
    w = rg.tensor([0.5 - 1j, 2 + 0.25j], requires_grad=True)
    (z * w).real.sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), np.conj(z.detach().numpy()))


def test_complex_pointwise_and_grad_vs_pytorch():
    torch = pytest.importorskip("torch")
    values = np.array([0.5 + 1j, -1.5 + 0.25j, 2 - 0.5j])
    for name in ["exp", "sin", "tanh", "log", "sqrt", "sgn", "angle", "abs"]:
        z = rg.tensor(values, requires_grad=True)
        t = torch.tensor(values, requires_grad=True)
        rz, tz = getattr(rg, name)(z), getattr(torch, name)(t)
        np.testing.assert_allclose(rz.detach().numpy(), tz.detach().numpy(), rtol=1e-12, err_msg=name)
        rl = rg.view_as_real(rz).sum() if rz.is_complex() else rz.sum()
        tl = torch.view_as_real(tz).sum() if tz.is_complex() else tz.sum()
        rl.backward()
        tl.backward()
        np.testing.assert_allclose(z.grad.numpy(), t.grad.numpy(), rtol=1e-12, err_msg=name)


def _complex_to_bool(m):
    import warnings

    z = m.tensor([0j, 1j, 2 + 0j, complex(float("nan"), 0), -0.0j], dtype=m.complex128)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        casts = [z.bool().tolist(), z.to(m.complex64).to(m.bool).tolist(),
                 m.zeros(2, dtype=m.bool).copy_(m.tensor([0j, 1j])).tolist()]
    return casts, len(seen)


def test_complex_to_bool_reads_both_parts_without_a_warning():
    # PyTorch's cast to bool is `z != 0`; only casts to other real dtypes drop the imaginary part
    flags = [False, True, True, True, False]
    assert _complex_to_bool(rg) == ([flags, flags, [False, True]], 0)


def test_complex_to_bool_as_pytorch():
    torch = pytest.importorskip("torch")
    assert _complex_to_bool(rg) == _complex_to_bool(torch)


def _assigned_parts(m):
    """`z.real = v` / `z.imag = v` write through the part's view; gradients reach both sources."""
    z = m.tensor([1 + 2j, 3 - 1j])
    z.real = 5
    z.imag = m.tensor([7, 8])  # an integer tensor is cast, as copy_ does
    z.imag += 1
    written = z.tolist()
    w = m.tensor([1 - 1j, 2 + 1j, -1j], dtype=m.complex128, requires_grad=True)
    a = m.tensor([0.5, -2.0, 3.0], dtype=m.float64, requires_grad=True)
    y = w * (1 + 1j)
    y.real = a * 3
    (y * y.conj()).real.sum().backward()
    errors = []
    for target, value in [(z, "a"), (m.ones(2), 1.0)]:
        try:
            target.real, target.imag = value, value
        except (TypeError, RuntimeError) as e:
            errors.append(f"{type(e).__name__}: {e}")
    return written, w.grad.tolist(), a.grad.tolist(), y.grad_fn.name(), errors


def test_real_and_imag_assignment():
    written, w_grad, a_grad, node, errors = _assigned_parts(rg)
    assert written == [5 + 8j, 5 + 9j]
    # |y|² = (3a)² + (Im y)², Im y = Re w + Im w: w gets 2·Im(y)·(1+i) from the part left
    assert w_grad == [0j, 6 + 6j, -2 - 2j] and a_grad == [9.0, -36.0, 54.0]
    assert node == "torch::autograd::CopySlices"
    assert errors == [
        "TypeError: can't assign a str to a torch.FloatTensor",
        "RuntimeError: imag is not implemented for tensors with non-complex dtypes.",
    ]


def test_real_and_imag_assignment_as_pytorch():
    torch = pytest.importorskip("torch")
    assert _assigned_parts(rg) == _assigned_parts(torch)


def _complex_logcumsumexp(m):
    """Heinsen's log-space scan: logs of negative numbers are complex (imaginary part pi)."""
    inf, nan = float("inf"), float("nan")
    z = m.tensor([1 + 1j, 1 - 1j, -1 + 3j])
    special = m.tensor([complex(-inf, 2.0), complex(-inf, 1.0), 1 + 1j, complex(inf, 1.0), complex(inf, 2.0), 0j])
    with_nan = m.tensor([complex(1.0, nan), 1 + 1j])
    coeffs, values = m.tensor([0.5, 0.25, 0.8]), m.tensor([1.0, -3.0, 2.0])
    log_c = m.complex(coeffs.log(), m.zeros(3))
    log_v = m.complex(values.abs().log(), (values < 0).float() * m.pi)
    a_star = log_c.cumsum(0)
    scan = (a_star + (log_v - a_star).logcumsumexp(0)).exp().real  # h_t = c_t h_(t-1) + v_t
    return [
        [round(v.real, 4) + 1j * round(v.imag, 4) for v in m.logcumsumexp(z, 0).tolist()],
        m.logcumsumexp(z.to(m.complex128), 0).dtype,
        [str(v) for v in m.logcumsumexp(special, 0).tolist()],
        [str(v) for v in m.logcumsumexp(with_nan, 0).tolist()],
        [round(v, 4) for v in scan.tolist()],
    ]


def test_logcumsumexp_of_complex_values():
    lcse, dtype, special, with_nan, scan = _complex_logcumsumexp(rg)
    assert lcse == [1 + 1j, 1.0775 + 0j, 0.9453 + 0.0202j]  # log(e^(1+i) + e^(1-i)) = 1 + log(2 cos 1)
    assert dtype is rg.complex128
    # -inf: e^z is 0 whatever its angle (the first angle kept); +inf of two angles: inf + nan j
    assert special == ["(-inf+0j)", "(-inf+0j)", "(1+1j)", "(inf+1j)", "(inf+nanj)", "(nan+nanj)"]
    assert with_nan == ["(nan+nanj)", "(nan+nanj)"]
    assert scan == [1.0, -2.75, -0.2]


def test_logcumsumexp_of_complex_values_vs_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = _complex_logcumsumexp(rg), _complex_logcumsumexp(torch)
    assert ours[0] == theirs[0] and ours[2:] == theirs[2:]
    assert str(ours[1]) == str(theirs[1]).replace("torch", "retrograd")
    rng = np.random.default_rng(1)
    for dtype in (np.complex64, np.complex128):
        a = (rng.standard_normal((20, 4)) * 5 + 4j * rng.standard_normal((20, 4))).astype(dtype)
        for dim in (0, 1):
            expected = torch.logcumsumexp(torch.from_numpy(a), dim).numpy()
            got = rg.logcumsumexp(rg.from_numpy(a), dim).numpy()
            np.testing.assert_allclose(got, expected, rtol=1e-6 if dtype == np.complex64 else 1e-14)


EINSUM_MIXED = ["ij,ij->ij", "ij,j->ij", "i,j->ij", "ij,k->k", "ij,ij->i", "ij,jk->ik", "hn,hnl->hl"]


def _einsum_of_mixed_dtypes(m):
    """A pure product promotes (PyTorch's einsum multiplies); a contraction wants one dtype (its bmm)."""
    z = m.tensor([[1 + 1j, 2 - 1j, 0.5j], [-1 + 0j, 1j, 3 + 0j]], requires_grad=True)
    r = m.tensor([[2.0, -1.0, 0.5], [1.0, 3.0, -2.0]], requires_grad=True)
    others = {"ij,j->ij": r[0], "i,j->ij": r[0], "ij,k->k": r[0], "ij,jk->ik": r.T, "hn,hnl->hl": r[..., None]}
    results = []
    for eq in EINSUM_MIXED:
        a = z[0] if eq.startswith("i,") else z
        try:
            out = m.einsum(eq, a, others.get(eq, r))
        except RuntimeError as e:
            results.append(str(e))
            continue
        (out * out.conj()).real.sum().backward()
        results.append((str(out.dtype).split(".")[1], out.tolist(), r.grad.tolist(), z.grad.tolist()))
        r.grad = z.grad = None
    results.append(str(m.einsum("ij,ij->ij", r.double(), r).dtype).split(".")[1])
    return results


def test_einsum_of_mixed_dtypes():
    got = dict(zip(EINSUM_MIXED, _einsum_of_mixed_dtypes(rg)))
    dtype, out, r_grad, z_grad = got["ij,ij->ij"]
    assert dtype == "complex64" and out[0] == [2 + 2j, -2 + 1j, 0.25j]
    assert r_grad[0] == [8.0, -10.0, 0.25] and z_grad[0] == [8 + 8j, 4 - 2j, 0.25j]  # 2|z|²r, 2r²z
    assert got["i,j->ij"][0] == got["ij,k->k"][0] == "complex64"
    refused = "expected scalar type ComplexFloat but found Float"
    assert got["ij,ij->i"] == got["ij,jk->ik"] == got["hn,hnl->hl"] == refused
    assert _einsum_of_mixed_dtypes(rg)[-1] == "float64"


def test_einsum_of_mixed_dtypes_vs_torch():
    torch = pytest.importorskip("torch")
    assert _einsum_of_mixed_dtypes(rg) == _einsum_of_mixed_dtypes(torch)
