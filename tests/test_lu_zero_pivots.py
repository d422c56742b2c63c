"""lu_factor's refusal of a zero pivot, torch.lu (which refuses none), and solve_triangular's flags."""

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
