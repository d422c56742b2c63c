"""PyTorch's refusals in the solvers and factorizations flows use: LU zero pivots, torch.lu, misshapen solves."""

from __future__ import annotations

import warnings

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None

_HINT = (
    " is zero and using it on lu_solve would result in a division by zero. If you still want to perform the "
    "factorization, consider calling linalg.lu(A, pivot) or linalg.lu_factor_ex(A, pivot)"
)


def _batch(m):
    """Three 3x3 matrices: the identity, one whose last pivot is zero, one whose first is."""
    B = m.eye(3).repeat(3, 1, 1)
    B[1, 2, 2] = 0
    B[2, 0, 0] = 0
    return B


def _raised(f):
    try:
        f()
    except Exception as e:  # noqa: BLE001 - the type and message are what is compared
        return type(e).__name__, str(e)
    return None


def _zero_pivot_cases(m):
    return [
        lambda: m.linalg.lu_factor(m.zeros(3, 3)),
        lambda: m.linalg.lu_factor_ex(m.zeros(3, 3), check_errors=True),
        lambda: m.linalg.lu_factor(_batch(m)),
        lambda: m.linalg.lu_factor_ex(_batch(m), check_errors=True),
        lambda: m.linalg.lu_factor(_batch(m)[[0, 2, 1]]),
    ]


def test_lu_factor_zero_pivot_is_a_runtime_error_naming_the_first_bad_matrix():
    got = [_raised(f) for f in _zero_pivot_cases(rg)]
    assert got == [
        ("RuntimeError", "torch.linalg.lu_factor: U[1,1]" + _HINT),
        ("RuntimeError", "torch.linalg.lu_factor_ex: U[1,1]" + _HINT),
        ("RuntimeError", "torch.linalg.lu_factor: (Batch element 1): U[3,3]" + _HINT),
        ("RuntimeError", "torch.linalg.lu_factor_ex: (Batch element 1): U[3,3]" + _HINT),
        ("RuntimeError", "torch.linalg.lu_factor: (Batch element 1): U[1,1]" + _HINT),
    ]


def _legacy_lu(m):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = m.lu(m.zeros(2, 2))
        infos = m.lu(_batch(m), get_infos=True)
        out = (m.empty(0), m.empty(0, dtype=m.int32))
        written = m.lu(m.tensor([[1.0, 2.0], [3.0, 4.0]]), out=out)
        errors = [
            _raised(lambda: m.lu(m.eye(2), out=[m.empty(0)] * 3)),
            _raised(lambda: m.lu(m.eye(2), get_infos=True, out=out)),
            _raised(lambda: m.lu(m.eye(2), out=m.empty(2, 2))),  # len 2: past the count check
        ]
    return plain, infos, out, written, errors


def test_torch_lu_reports_zero_pivots_without_raising():
    plain, infos, out, written, errors = _legacy_lu(rg)
    assert type(plain) is tuple and len(plain) == 2 and plain[1].tolist() == [1, 2]
    assert type(infos).__name__ == "_lu_with_info" and infos.info.tolist() == [0, 3, 1]
    assert repr(infos).startswith("retrograd.return_types._lu_with_info(\nLU=tensor(")
    assert written is out and out[1].tolist() == [2, 2] and out[0].shape == (2, 2)
    assert errors == [
        ("TypeError", "expected tuple of 2 elements but got 3"),
        ("TypeError", "expected tuple of 3 elements but got 2"),
        ("TypeError", "argument 'out' must be tuple of Tensors, not Tensor"),
    ]


def _solve_triangular_errors(m):
    A, B = m.eye(2), m.ones(2, 1)
    return [
        _raised(lambda: m.linalg.solve_triangular(A, B)),
        _raised(lambda: m.linalg.solve_triangular(A, B, upper=None)),
        _raised(lambda: m.linalg.solve_triangular(A, B, upper=1)),
        _raised(lambda: m.linalg.solve_triangular(A, B, upper=True, left=0)),
        _raised(lambda: m.linalg.solve_triangular(A, B, upper=True, unitriangular="no")),
    ]


def test_solve_triangular_requires_a_bool_upper():
    assert _solve_triangular_errors(rg) == [
        ("TypeError", 'linalg_solve_triangular() missing 1 required positional arguments: "upper"'),
        ("TypeError", "linalg_solve_triangular(): argument 'upper' must be bool, not NoneType"),
        ("TypeError", "linalg_solve_triangular(): argument 'upper' must be bool, not int"),
        ("TypeError", "linalg_solve_triangular(): argument 'left' must be bool, not int"),
        ("TypeError", "linalg_solve_triangular(): argument 'unitriangular' must be bool, not str"),
    ]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_lu_errors_vs_torch():
    assert [_raised(f) for f in _zero_pivot_cases(rg)] == [_raised(f) for f in _zero_pivot_cases(torch)]
    assert _solve_triangular_errors(rg) == _solve_triangular_errors(torch)
    ours, theirs = _legacy_lu(rg), _legacy_lu(torch)
    assert ours[0][0].tolist() == theirs[0][0].tolist() and ours[0][1].tolist() == theirs[0][1].tolist()
    assert type(ours[0]) is type(theirs[0]) is tuple
    assert ours[1].info.tolist() == theirs[1].info.tolist() and ours[1].LU.tolist() == theirs[1].LU.tolist()
    assert repr(ours[1]).replace("retrograd", "torch") == repr(theirs[1])
    assert [t.tolist() for t in ours[2]] == [t.tolist() for t in theirs[2]]
    assert ours[4] == theirs[4]


def _method_results(m):
    A = m.tensor([[1.0, 2.0], [3.0, 4.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return A.lu(), A.lu(get_infos=True)


def test_tensor_lu_returns_a_plain_tuple():
    two, three = _method_results(rg)
    assert type(two) is tuple and type(three) is tuple and len(three) == 3
    assert three[0].tolist() == [[3.0, 4.0], [pytest.approx(1 / 3), pytest.approx(2 / 3)]]
    assert three[1].tolist() == [2, 2] and three[2].tolist() == 0


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_tensor_lu_vs_torch():
    ours, theirs = _method_results(rg), _method_results(torch)
    assert [type(r) for r in ours] == [type(r) for r in theirs]
    assert [[t.tolist() for t in r] for r in ours] == [[t.tolist() for t in r] for r in theirs]


def _shape_cases(m):
    """Misshapen and mistyped solves: each a silent wrong answer or another message before."""
    A = m.eye(3) * 2
    LU, piv = m.linalg.lu_factor(A)
    b = m.ones(3, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [
            _raised(lambda: m.linalg.solve_triangular(A, m.ones(4, 2), upper=True)),
            _raised(lambda: m.linalg.solve_triangular(A, m.ones(3, 2), upper=True, left=False)),
            _raised(lambda: m.linalg.solve_triangular(m.eye(3).repeat(2, 1, 1), m.ones(3, 3, 2), upper=True)),
            _raised(lambda: m.triangular_solve(m.ones(4, 2), A)),
            _raised(lambda: m.triangular_solve(m.ones(3), A)),
            _raised(lambda: m.triangular_solve(b, m.ones(3))),
            _raised(lambda: m.triangular_solve(b, m.ones(3, 4))),
            _raised(lambda: m.triangular_solve(b.double(), A)),
            _raised(lambda: m.linalg.lu_solve(LU, piv[:2], b)),
            _raised(lambda: m.linalg.lu_solve(LU.expand(2, 3, 3), piv, b)),
            _raised(lambda: m.linalg.lu_solve(LU, piv.long(), b)),
            _raised(lambda: m.linalg.lu_solve(LU.double(), piv.long(), b)),
            _raised(lambda: m.linalg.lu_solve(m.ones(3, 4), piv, b)),
            _raised(lambda: m.linalg.lu_solve(LU.long(), piv, b.long())),
            _raised(lambda: m.linalg.lu_solve(LU.half(), piv, b.half())),
            _raised(lambda: m.linalg.lu_solve(LU, piv, b, left=1)),
            _raised(lambda: m.linalg.lu_factor(m.ones(3, 3, dtype=m.int64))),
            _raised(lambda: m.linalg.lu_factor_ex(m.ones(3))),
            _raised(lambda: m.linalg.lu(m.ones(3))),
            _raised(lambda: m.linalg.lu_factor(m.eye(2), pivot=1)),
            _raised(lambda: m.linalg.lu_factor_ex(m.eye(2), check_errors=1)),
            _raised(lambda: m.linalg.lu(m.eye(2), pivot=None)),
        ]


def test_misshapen_solves_are_refused_with_pytorchs_messages():
    assert _shape_cases(rg) == [
        ("RuntimeError", "linalg.solve_triangular: Incompatible shapes of A and B for the equation AX = B "
                         "(3x3 and 4x2)"),
        ("RuntimeError", "linalg.solve_triangular: Incompatible shapes of A and B for the equation XA = B "
                         "(3x3 and 3x2)"),
        ("RuntimeError", "The size of tensor a (3) must match the size of tensor b (2) at non-singleton dimension 0"),
        ("RuntimeError", "Incompatible matrix sizes for triangular_solve: each A matrix is 3 by 3 but each b matrix "
                         "is 4 by 2"),
        ("RuntimeError", "torch.triangular_solve: Expected b to have at least 2 dimensions, but it has 1 dimensions "
                         "instead"),
        ("RuntimeError", "torch.triangular_solve: Expected A to have at least 2 dimensions, but it has 1 dimensions "
                         "instead"),
        ("RuntimeError", "A must be batches of square matrices, but they are 3 by 4 matrices"),
        ("RuntimeError", "Expected b and A to have the same dtype, but found b of type Double and A of type Float "
                         "instead."),
        ("RuntimeError", "linalg.lu_solve: Number of pivots per batch should be same as the dimension of the matrix"),
        ("RuntimeError", "linalg.lu_solve: Expected LU.shape[:-1] and pivots.shape to be the same, but got pivots "
                         "with shape [3] instead"),
        ("RuntimeError", "linalg.lu_solve: pivots should be a Tensor of scalar type torch.int32"),
        ("RuntimeError", "linalg.lu_solve: Expected LU and B to have the same dtype, but found LU of type Double and "
                         "B of type Float instead"),
        ("RuntimeError", "torch.linalg.lu_solve: A must be batches of square matrices, but they are 3 by 4 matrices"),
        ("RuntimeError", "torch.linalg.lu_solve: Expected a floating point or complex tensor as input. Got Long"),
        ("NotImplementedError", "\"linalg.lu_solve_cpu\" not implemented for 'Half'"),
        ("TypeError", "linalg_lu_solve(): argument 'left' must be bool, not int"),
        ("NotImplementedError", "\"lu_cpu\" not implemented for 'Long'"),
        ("RuntimeError", "torch.lu_factor: Expected tensor with 2 or more dimensions. Got size: [3] instead"),
        ("RuntimeError", "linalg.lu: Expected tensor with 2 or more dimensions. Got size: [3] instead"),
        ("TypeError", "linalg_lu_factor(): argument 'pivot' must be bool, not int"),
        ("TypeError", "linalg_lu_factor_ex(): argument 'check_errors' must be bool, not int"),
        ("TypeError", "linalg_lu(): argument 'pivot' must be bool, not NoneType"),
    ]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_misshapen_solves_vs_torch():
    assert _shape_cases(rg) == _shape_cases(torch)


def _householder_and_cholesky_cases(m):
    A, tau = m.ones(2, 3, 2), m.ones(2, 2)
    L = m.eye(3)
    return [
        _raised(lambda: m.linalg.householder_product(A, m.ones(3, 2))),
        _raised(lambda: m.linalg.householder_product(A, m.ones(2))),
        _raised(lambda: m.linalg.householder_product(A[0], tau)),
        _raised(lambda: m.linalg.householder_product(A[0], m.ones(1))[0, 0].item() == 0.0),
        _raised(lambda: m.linalg.householder_product(A[0, 0], m.ones(1))),
        _raised(lambda: m.linalg.householder_product(A, tau.double())),
        _raised(lambda: m.cholesky_solve(m.ones(2, 3, 2), L.expand(3, 3, 3))),
        _raised(lambda: m.linalg.cholesky_ex(m.ones(2, 3))),
        _raised(lambda: m.linalg.cholesky_ex(m.ones(3))),
    ]


def test_householder_and_cholesky_refusals():
    prefix = "torch.linalg.householder_product: "
    assert _householder_and_cholesky_cases(rg) == [
        ("RuntimeError", prefix + "Expected batch dimensions of tau to be equal to input.shape[:-2], but got [3]"),
        ("RuntimeError", prefix + "Expected tau to have one dimension less than input, but got tau.ndim equal to 1 "
                                  "and input.ndim is equal to 3"),
        ("RuntimeError", prefix + "Expected tau to have one dimension less than input, but got tau.ndim equal to 2 "
                                  "and input.ndim is equal to 2"),
        None,
        ("RuntimeError", prefix + "input must have at least 2 dimensions."),
        ("RuntimeError", prefix + "tau dtype Double does not match input dtype Float"),
        ("RuntimeError", "The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0"),
        ("RuntimeError", "linalg.cholesky: A must be batches of square matrices, but they are 2 by 3 matrices"),
        ("RuntimeError", "linalg.cholesky: The input tensor A must have at least 2 dimensions."),
    ]


@pytest.mark.skipif(torch is None, reason="PyTorch is not installed")
def test_householder_and_cholesky_refusals_vs_torch():
    assert _householder_and_cholesky_cases(rg) == _householder_and_cholesky_cases(torch)
