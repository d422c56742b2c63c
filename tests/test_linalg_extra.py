"""The torch.linalg functions added with complex support: errors, dtypes, refused derivatives."""

from __future__ import annotations

import numpy as np
import pytest

import retrograd as rg


def test_eig_is_complex_and_reconstructs():
    A = rg.tensor(np.array([[0.0, -1.0], [1.0, 0.0]]))
    w, V = rg.linalg.eig(A)
    assert w.dtype is rg.complex128 and V.dtype is rg.complex128
    np.testing.assert_allclose(sorted(w.numpy().imag), [-1.0, 1.0])
    back = V @ (w.unsqueeze(-1) * rg.linalg.inv(V))
    np.testing.assert_allclose(back.numpy(), A.numpy(), atol=1e-12)
    assert rg.linalg.eigvals(rg.ones(2, 2)).dtype is rg.complex64


def test_lu_reconstructs_and_reports_zero_pivots():
    A = rg.tensor(np.random.default_rng(0).standard_normal((2, 4, 3)))
    P, L, U = rg.linalg.lu(A)
    np.testing.assert_allclose((P @ L @ U).numpy(), A.numpy(), atol=1e-12)
    singular = rg.zeros(3, 3)
    assert int(rg.linalg.lu_factor_ex(singular).info) == 1
    with pytest.raises(rg.linalg.LinAlgError):
        rg.linalg.lu_factor(singular)
    assert rg.linalg.lu_factor(rg.eye(3)).pivots.dtype is rg.int32


def test_ex_variants_report_instead_of_raising():
    bad = rg.tensor([[1.0, 2.0], [2.0, 1.0]])
    assert int(rg.linalg.cholesky_ex(bad).info) == 2
    with pytest.raises(rg.linalg.LinAlgError):
        rg.linalg.cholesky_ex(bad, check_errors=True)
    assert int(rg.linalg.solve_ex(rg.zeros(2, 2), rg.ones(2, 1)).info) == 1


def test_ldl_refuses_derivatives_like_pytorch():
    A = rg.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
    LD, piv = rg.linalg.ldl_factor(A)
    with pytest.raises(RuntimeError, match="derivative for aten::linalg_ldl_factor_ex is not implemented"):
        LD.sum().backward()


def test_argument_errors():
    with pytest.raises(RuntimeError, match="must have at least 2 dimensions"):
        rg.linalg.solve_triangular(rg.eye(2), rg.ones(2), upper=True)
    with pytest.raises(RuntimeError, match="Expected a floating point or complex tensor as input"):
        rg.linalg.eig(rg.ones(2, 2, dtype=rg.int64))
    with pytest.raises(RuntimeError, match="Expected a strictly positive integer for 'ind'"):
        rg.linalg.tensorinv(rg.eye(4), ind=0)
    with pytest.raises(RuntimeError, match="input.shape\\[-2\\] must be greater than or equal to input.shape\\[-1\\]"):
        rg.linalg.householder_product(rg.ones(2, 3), rg.ones(2))
