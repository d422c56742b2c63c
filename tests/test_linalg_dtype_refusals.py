"""linalg on float16/bfloat16 CPU tensors, and lstsq's argument checks: PyTorch's errors, in its order.

PyTorch's CPU LAPACK kernels have no half-precision versions, so each decomposition refuses
float16 and bfloat16 (the kernel's name, or "Low precision dtypes not supported"), while
matrix_exp and the elementwise matrix norms accept them. lstsq checks its arguments in a
fixed order with its own messages.
"""

from __future__ import annotations

import sys
import warnings

import pytest

import retrograd as rg

try:
    import torch
except ImportError:  # pragma: no cover - CI runs once without torch
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed")

CALLS = {
    "qr": lambda m, a: m.linalg.qr(a),
    "svd": lambda m, a: m.linalg.svd(a),
    "svdvals": lambda m, a: m.linalg.svdvals(a),
    "eigh": lambda m, a: m.linalg.eigh(a),
    "eigvalsh": lambda m, a: m.linalg.eigvalsh(a),
    "eigvals": lambda m, a: m.linalg.eigvals(a),
    "inv": lambda m, a: m.linalg.inv(a),
    "inv_ex": lambda m, a: m.linalg.inv_ex(a),
    "cholesky": lambda m, a: m.linalg.cholesky(a),
    "cholesky_ex": lambda m, a: m.linalg.cholesky_ex(a),
    "det": lambda m, a: m.linalg.det(a),
    "slogdet": lambda m, a: m.linalg.slogdet(a),
    "logdet": lambda m, a: m.logdet(a),
    "solve": lambda m, a: m.linalg.solve(a, a),
    "solve_ex": lambda m, a: m.linalg.solve_ex(a, a),
    "lstsq": lambda m, a: m.linalg.lstsq(a, a),
    "pinv": lambda m, a: m.linalg.pinv(a),
    "matrix_rank": lambda m, a: m.linalg.matrix_rank(a),
    "lu": lambda m, a: m.linalg.lu(a),
    "lu_factor": lambda m, a: m.linalg.lu_factor(a),
    "solve_triangular": lambda m, a: m.linalg.solve_triangular(a, a, upper=True),
    "cholesky_solve": lambda m, a: m.cholesky_solve(a, a),
    "cholesky_inverse": lambda m, a: m.cholesky_inverse(a),
    "ldl_factor": lambda m, a: m.linalg.ldl_factor(a),
    "householder_product": lambda m, a: m.linalg.householder_product(a, a[:, 0]),
    "geqrf": lambda m, a: m.geqrf(a),
    "ormqr": lambda m, a: m.ormqr(a, a[:, 0], a),
    "cond": lambda m, a: m.linalg.cond(a),
    "cond_fro": lambda m, a: m.linalg.cond(a, "fro"),
    "matrix_norm_2": lambda m, a: m.linalg.matrix_norm(a, ord=2),
    "matrix_norm_nuc": lambda m, a: m.linalg.matrix_norm(a, ord="nuc"),
    "matrix_power_inverse": lambda m, a: m.linalg.matrix_power(a, -1),
    "matrix_exp": lambda m, a: m.linalg.matrix_exp(a),
    "matrix_norm_fro": lambda m, a: m.linalg.matrix_norm(a),
}


def _outcome(m, name, dtype):
    try:
        CALLS[name](m, m.eye(3, dtype=getattr(m, dtype)) * 2)
    except Exception as e:  # noqa: BLE001 - the error is what we compare
        return type(e).__name__, str(e)
    return "ok", ""


def test_half_precision_decompositions_are_refused():
    assert _outcome(rg, "qr", "float16") == ("NotImplementedError", "\"geqrf_cpu\" not implemented for 'Half'")
    assert _outcome(rg, "cholesky_ex", "bfloat16") == (
        "NotImplementedError", "\"cholesky_cpu\" not implemented for 'BFloat16'"
    )
    refused = ("RuntimeError", "linalg.inv: Low precision dtypes not supported. Got Half")
    assert _outcome(rg, "inv", "float16") == refused
    assert _outcome(rg, "cond_fro", "float16") == (
        "RuntimeError", "linalg.inv: Low precision dtypes not supported. Got Half"
    )
    assert _outcome(rg, "lstsq", "float16") == ("RuntimeError", "This function doesn't handle types other than float "
                                                                "and double")
    assert _outcome(rg, "matrix_exp", "float16") == ("ok", "")
    assert _outcome(rg, "matrix_exp", "bfloat16") == ("ok", "")  # computed in float32, rounded to bfloat16
    assert _outcome(rg, "matrix_norm_fro", "float16") == ("ok", "")


@needs_torch
@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_linalg_vs_torch(name, dtype):
    assert _outcome(rg, name, dtype) == _outcome(torch, name, dtype)


LSTSQ_SHAPES = [
    ((3,), (3, 1)), ((3, 2), ()), ((3, 2), (4, 1)), ((3, 2), (4,)), ((3, 2), (5, 3, 1)), ((2, 3, 2), (3, 2)),
    ((4, 3, 2), (3, 1)), ((1, 3, 2), (5, 3)), ((3, 3, 2), (3, 2)), ((2, 3, 2), (2, 3)), ((1, 3, 2), (4, 3, 1)),
]


def _lstsq(m, a_shape, b_shape, **kwargs):
    A, B = m.ones(a_shape), m.ones(b_shape)
    try:
        return tuple(m.linalg.lstsq(A, B, **kwargs).solution.shape)
    except RuntimeError as e:
        return str(e)


def test_lstsq_argument_checks():
    assert _lstsq(rg, (3, 2), (4, 1)) == "torch.linalg.lstsq: input.size(-2) should match other.size(-2)"
    assert _lstsq(rg, (3, 2), (4,)) == "torch.linalg.lstsq: input.size(-2) should match other.size(-1)"
    assert _lstsq(rg, (3, 2), (4, 1), driver="qr") == (
        "torch.linalg.lstsq: input.size(-2) should match other.size(-2)"  # the shapes are checked first
    )
    assert _lstsq(rg, (3, 2), (3, 1), driver="qr") == (
        "torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)"
    )
    # B one dim short of A holds vectors only when its shape is A's less the last dim
    assert _lstsq(rg, (3, 3, 2), (3, 2)) == (3, 2, 2)
    assert _lstsq(rg, (2, 3, 2), (2, 3)) == (2, 2)
    with pytest.raises(RuntimeError, match="Expected input and other to have the same dtype, but got input's dtype "
                                           "Double and other's dtype Float"):
        rg.linalg.lstsq(rg.ones(3, 2, dtype=rg.float64), rg.ones(3, 1))


@needs_torch
@pytest.mark.parametrize("shapes", LSTSQ_SHAPES)
@pytest.mark.parametrize("driver", [None, "qr"])
def test_lstsq_argument_checks_vs_torch(shapes, driver):
    assert _lstsq(rg, *shapes, driver=driver) == _lstsq(torch, *shapes, driver=driver)


PIVOTS = {"zero": [0, 2, 3], "too_large": [1, 2, 4], "too_small": [-4, -4, 3], "valid": [1, 2, 3]}
PIVOT_CALLS = {
    "linalg.lu_solve": lambda m, A, p: m.linalg.lu_solve(A, p, A),
    "ldl_solve": lambda m, A, p: m.linalg.ldl_solve(A, p, A),
    "lu_unpack": lambda m, A, p: m.lu_unpack(A, p),
}


def _with_pivots(m, call, pivots):
    try:
        out = PIVOT_CALLS[call](m, m.eye(3) * 2, m.tensor(PIVOTS[pivots], dtype=m.int32))
    except RuntimeError as e:
        return str(e)
    return [t.numpy().tolist() for t in (out if isinstance(out, tuple) else (out,))]


def test_pivots_a_factorization_cannot_produce_are_refused():
    assert _with_pivots(rg, "linalg.lu_solve", "zero") == (
        "Pivots given to lu_solve must all be greater or equal to 1. Did you properly pass the result of lu_factor?"
    )
    assert _with_pivots(rg, "linalg.lu_solve", "too_large").startswith(
        "Pivots given to lu_solve must all be smaller or equal to LU.size(-2)."
    )
    assert _with_pivots(rg, "ldl_solve", "too_large").startswith(
        "Pivots given to ldl_solve must all satisfy |pivot| <= LD.size(-2)."
    )
    assert _with_pivots(rg, "ldl_solve", "too_small").startswith(
        "Pivots given to ldl_solve must all satisfy |pivot| <= LD.size(-2)."  # |-4| > 3
    )
    assert _with_pivots(rg, "lu_unpack", "zero") == (
        "pivots passed to lu_unpack must be between 1 and LU.size(-2) inclusive.Did you properly pass the result of "
        "lu_factor?"
    )


@needs_torch
@pytest.mark.parametrize("call", list(PIVOT_CALLS))
@pytest.mark.parametrize("pivots", list(PIVOTS))
def test_pivot_checks_vs_torch(call, pivots):
    assert _with_pivots(rg, call, pivots) == _with_pivots(torch, call, pivots)


def test_lu_solve_warns_it_is_deprecated():
    A = rg.tensor([[1.0, 2.0], [3.0, 4.0]])
    with pytest.warns(UserWarning, match=r"torch.lu_solve is deprecated in favor of torch.linalg.lu_solveand will"):
        rg.lu_solve(rg.ones(2, 1), *rg.linalg.lu_factor(A))


def _lu_warnings(m):
    """The warnings of three `torch.lu` calls (old code's packed LU), as in a new process for retrograd."""
    A = m.tensor([[1.0, 2.0], [3.0, 4.0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        m.lu(A)
        m.lu(A, get_infos=True)
        m.lu(A)
    return [(w.category, str(w.message).split(" (Triggered internally")[0]) for w in caught]


def test_lu_warns_once_per_process_with_the_replacements(monkeypatch):
    monkeypatch.setattr(sys.modules["retrograd._user_frames"], "_warned_once", set())  # as in a new process
    assert _lu_warnings(rg) == [(UserWarning, (
        "torch.lu is deprecated in favor of torch.linalg.lu_factor / torch.linalg.lu_factor_ex and will be removed "
        "in a future PyTorch release.\nLU, pivots = torch.lu(A, compute_pivots)\nshould be replaced with\n"
        "LU, pivots = torch.linalg.lu_factor(A, compute_pivots)\nand\n"
        "LU, pivots, info = torch.lu(A, compute_pivots, get_infos=True)\nshould be replaced with\n"
        "LU, pivots, info = torch.linalg.lu_factor_ex(A, compute_pivots)"))]
    assert _lu_warnings(rg) == []


@needs_torch
def test_lu_warning_vs_torch(monkeypatch):
    monkeypatch.setattr(sys.modules["retrograd._user_frames"], "_warned_once", set())
    ours, theirs = _lu_warnings(rg), _lu_warnings(torch)
    assert theirs in ([], ours)  # PyTorch says it once per process: an earlier test may have seen it


def _integer_refusals(m):
    outcomes = []
    for f in (
        lambda: m.linalg.eig(m.ones(2, 2, dtype=m.int64)),
        lambda: m.linalg.eig(m.ones(2, dtype=m.bool)),  # the dtype is looked at before the shape
        lambda: m.linalg.eigvals(m.ones(2, 3, dtype=m.uint8)),
        lambda: m.linalg.solve_triangular(m.ones(2, 2, dtype=m.int32), m.ones(2, 1), upper=True),
        lambda: m.linalg.solve_triangular(m.ones(2, 2, dtype=m.int64), m.ones(2), upper=True),
    ):
        try:
            f()
            outcomes.append("ok")
        except Exception as e:  # noqa: BLE001 - the error is what we compare
            outcomes.append((type(e).__name__, str(e)))
    return outcomes


def test_integer_matrices_are_refused_by_eig_and_solve_triangular():
    assert _integer_refusals(rg) == [
        ("RuntimeError", "Unknown Complex ScalarType for Long"),
        ("RuntimeError", "Unknown Complex ScalarType for Bool"),
        ("RuntimeError", "Unknown Complex ScalarType for Byte"),
        ("NotImplementedError", "\"triangular_solve_cpu\" not implemented for 'Int'"),
        ("RuntimeError", "linalg.solve_triangular: The input tensor B must have at least 2 dimensions."),
    ]


@needs_torch
def test_integer_matrices_refusals_vs_torch():
    assert _integer_refusals(rg) == _integer_refusals(torch)


def _vector_right_hand_sides(m):
    LU, piv = m.linalg.lu_factor(m.eye(3))
    LD, ldl_piv = m.linalg.ldl_factor(m.eye(3))
    outcomes = []
    for f in (
        lambda: m.linalg.lu_solve(LU, piv, m.ones(3)),
        lambda: m.linalg.lu_solve(LU, piv, m.tensor(1.0), left=False),
        lambda: m.linalg.ldl_solve(LD, ldl_piv, m.ones(3)),
        lambda: m.linalg.ldl_solve(LD, ldl_piv, m.tensor(2.0)),
    ):
        try:
            f()
            outcomes.append("ok")
        except Exception as e:  # noqa: BLE001 - the error is what we compare
            outcomes.append((type(e).__name__, str(e)))
    return outcomes


def test_lu_and_ldl_solve_refuse_a_vector_b():
    lu = ("RuntimeError", "linalg.lu_solve: The input tensor B must have at least 2 dimensions.")
    assert _vector_right_hand_sides(rg) == [
        lu,
        lu,
        ("IndexError", "Dimension out of range (expected to be in range of [-1, 0], but got -2)"),
        ("IndexError", "Dimension specified as -2 but tensor has no dimensions"),
    ]


@needs_torch
def test_lu_and_ldl_solve_vector_b_vs_torch():
    assert _vector_right_hand_sides(rg) == _vector_right_hand_sides(torch)
