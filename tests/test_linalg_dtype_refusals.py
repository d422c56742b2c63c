"""linalg on float16/bfloat16 CPU tensors, and lstsq's argument checks: PyTorch's errors, in its order.

PyTorch's CPU LAPACK kernels have no half-precision versions, so each decomposition refuses
float16 and bfloat16 (the kernel's name, or "Low precision dtypes not supported"), while
matrix_exp and the elementwise matrix norms accept them. lstsq checks its arguments in a
fixed order with its own messages.
"""

from __future__ import annotations

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
# bfloat16 needs kernels the NumPy backend does not have for these two (see the report)
ACCEPTED = {"matrix_exp", "matrix_norm_fro"}


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
    assert _outcome(rg, "matrix_norm_fro", "float16") == ("ok", "")


@needs_torch
@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_linalg_vs_torch(name, dtype):
    if dtype == "bfloat16" and name in ACCEPTED:
        pytest.skip("PyTorch computes these in bfloat16; retrograd's NumPy backend refuses")
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
