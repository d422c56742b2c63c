"""The old top-level linear-algebra functions (torch.svd, torch.qr, torch.lu, torch.cholesky, ...), the
products (bmm, outer, addbmm) and the weight-norm kernels answer wrongly typed or shaped arguments as
PyTorch does: the parser's TypeError for a bool, int, float, Number or Tensor argument, PyTorch's
errors for dims and dtypes, never a silent result or an error from deep inside.

Each expression runs on retrograd (and on PyTorch where installed) with `t` a (2, 3) float tensor,
`v` a float vector of 3 and `lib` the library; the exception type and message are spelled out here."""

from __future__ import annotations

import ast
import subprocess
import sys
import warnings

import pytest

import retrograd as rg

try:
    import torch
except ImportError:
    torch = None


_NUCLEAR_NORM = (
    "nuclear_norm() received an invalid combination of arguments - got ({}), but expected one of:\n"
    " * (Tensor input, tuple of ints dim, bool keepdim = False, *, Tensor out = None)\n"
    " * (Tensor input, bool keepdim = False, *, Tensor out = None)\n"
)
_CUTOFFS = (
    "{fn}() received an invalid combination of arguments - got ({{}}), but expected one of:\n"
    " * (Tensor input, *, Tensor atol = None, Tensor rtol = None, bool hermitian = False, Tensor out = None)\n"
    " * (Tensor input, *, float atol = None, float rtol = None, bool hermitian = False, Tensor out = None)\n"
    " * (Tensor input, Tensor {old}, bool hermitian = False, *, Tensor out = None)\n"
    " * (Tensor input, float {old}, bool hermitian = False, *, Tensor out = None)\n"
)
_PINV = _CUTOFFS.format(fn="linalg_pinv", old="rcond")
_MATRIX_RANK = _CUTOFFS.format(fn="linalg_matrix_rank", old="tol")
_LU_PIVOTS = (
    "torch.lu_unpack: LU_pivots is expected to be a contiguous tensor of torch.int32 dtype.\n"
    "Note: this function is intended to be used with the output produced by torch.linalg.lu_factor"
)

ERRORS = {
    # linalg.pinv's older overload (rcond, hermitian) takes neither atol nor rtol, and hermitian is a bool
    "lib.linalg.pinv(t, rcond=0.1, rtol=0.1)": ("TypeError", _PINV.format("Tensor, rtol=float, rcond=float")),
    "lib.linalg.pinv(t, rcond=0.1, atol=0.1)": ("TypeError", _PINV.format("Tensor, atol=float, rcond=float")),
    "lib.linalg.pinv(t, 0.1, 0.2)": ("TypeError", _PINV.format("Tensor, float, float")),
    "lib.linalg.pinv(t, hermitian=1)": ("TypeError", _PINV.format("Tensor, hermitian=int")),
    "lib.linalg.matrix_rank(t, tol=0.1, atol=0.1)": ("TypeError", _MATRIX_RANK.format("Tensor, atol=float, tol=float")),
    "lib.linalg.matrix_rank(t, 0.1, 0.2)": ("TypeError", _MATRIX_RANK.format("Tensor, float, float")),
    # bool arguments: the parser takes only a Python bool
    "lib.svd(t, 1.5)": ("TypeError", "svd(): argument 'some' (position 2) must be bool, not float"),
    "lib.svd(t, True, 1)": ("TypeError", "svd(): argument 'compute_uv' (position 3) must be bool, not int"),
    "lib.svd(v, v, v)": ("TypeError", "svd(): argument 'some' (position 2) must be bool, not Tensor"),
    "lib.qr(t, None)": ("TypeError", "qr(): argument 'some' (position 2) must be bool, not NoneType"),
    "lib.cholesky(t, 'a')": ("TypeError", "cholesky(): argument 'upper' (position 2) must be bool, not str"),
    "lib.cholesky_inverse(t, -2)": (
        "TypeError", "cholesky_inverse(): argument 'upper' (position 2) must be bool, not int"),
    "lib.cholesky_solve(v, v, v)": (
        "TypeError", "cholesky_solve(): argument 'upper' (position 3) must be bool, not Tensor"),
    "lib.triangular_solve(v, v, v)": (
        "TypeError", "triangular_solve(): argument 'upper' (position 3) must be bool, not Tensor"),
    "lib.lu_unpack(v, v, v)": (
        "TypeError", "lu_unpack(): argument 'unpack_data' (position 3) must be bool, not Tensor"),
    "lib.lu(t, 5)": ("TypeError", "_lu_with_info(): argument 'pivot' must be bool, not int"),
    "lib.lu(t, None)": ("TypeError", "_lu_with_info(): argument 'pivot' must be bool, not NoneType"),
    # torch.linalg's keyword-only flags (a GP's `upper=None` from an unset option)
    "lib.linalg.cholesky(t, upper=None)": (
        "TypeError", "linalg_cholesky(): argument 'upper' must be bool, not NoneType"),
    "lib.linalg.cholesky(t, upper=1)": ("TypeError", "linalg_cholesky(): argument 'upper' must be bool, not int"),
    "lib.linalg.cholesky_ex(t, upper=None)": (
        "TypeError", "linalg_cholesky_ex(): argument 'upper' must be bool, not NoneType"),
    "lib.linalg.cholesky_ex(t, check_errors=0)": (
        "TypeError", "linalg_cholesky_ex(): argument 'check_errors' must be bool, not int"),
    "lib.linalg.solve_triangular(t, t, upper=None)": (
        "TypeError", "linalg_solve_triangular(): argument 'upper' must be bool, not NoneType"),
    "lib.linalg.solve_triangular(t, t, upper=True, left='no')": (
        "TypeError", "linalg_solve_triangular(): argument 'left' must be bool, not str"),
    "lib.linalg.solve_triangular(t, t, upper=True, unitriangular=v)": (
        "TypeError", "linalg_solve_triangular(): argument 'unitriangular' must be bool, not Tensor"),
    # torch.lu reads get_infos' truth value before anything else
    "lib.lu(v, v, v)": ("RuntimeError", "Boolean value of Tensor with more than one value is ambiguous"),
    # int, float and Number arguments
    "lib.matrix_power(t, 1.5)": ("TypeError", "matrix_power(): argument 'n' (position 2) must be int, not float"),
    "lib.matrix_power(t, None)": ("TypeError", "matrix_power(): argument 'n' (position 2) must be int, not NoneType"),
    "lib.pinverse(t, 'a')": ("TypeError", "pinverse(): argument 'rcond' (position 2) must be float, not str"),
    "lib.pinverse(t, lib.ones(3))": (
        "TypeError", "pinverse(): argument 'rcond' (position 2) must be float, not Tensor"),
    "lib.cdist(v, v, v)": ("TypeError", "cdist(): argument 'p' (position 3) must be float, not Tensor"),
    "lib.dist(v, v, v)": ("TypeError", "dist(): argument 'p' (position 3) must be Number, not Tensor"),
    "lib.norm(v, v)": ("TypeError", "linalg_vector_norm(): argument 'ord' (position 2) must be Number, not Tensor"),
    "lib.linalg.vector_norm(v, None)": (
        "TypeError", "linalg_vector_norm(): argument 'ord' (position 2) must be Number, not NoneType"),
    "lib.norm_except_dim(t, 1.5)": (
        "TypeError", "norm_except_dim(): argument 'pow' (position 2) must be int, not float"),
    "lib.norm_except_dim(t, 2, v)": (
        "TypeError", "norm_except_dim(): argument 'dim' (position 3) must be int, not Tensor"),
    "lib._weight_norm(v, v, v)": ("TypeError", "_weight_norm(): argument 'dim' (position 3) must be int, not Tensor"),
    "lib.nuclear_norm(t, 'a')": ("TypeError", _NUCLEAR_NORM.format("Tensor, str")),
    "lib.nuclear_norm(t, (0, 1), 1)": ("TypeError", _NUCLEAR_NORM.format("Tensor, tuple, int")),
    "lib.nuclear_norm(v)": ("RuntimeError", "linalg.matrix_norm: The input tensor A must have at least 2 dimensions."),
    # Tensor arguments: the parser's error before the products read a shape
    "lib.bmm(t, 1.5)": ("TypeError", "bmm(): argument 'mat2' (position 2) must be Tensor, not float"),
    "lib.bmm(t, None)": ("TypeError", "bmm(): argument 'mat2' (position 2) must be Tensor, not NoneType"),
    "lib.outer(t, -2)": ("TypeError", "outer(): argument 'vec2' (position 2) must be Tensor, not int"),
    "lib.addbmm(v, 1.0, v)": ("TypeError", "addbmm(): argument 'batch1' (position 2) must be Tensor, not float"),
    # addbmm/baddbmm read the batches' sizes (to expand input) before checking their dims
    "lib.addbmm(v, v, v)": ("IndexError", "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    "lib.baddbmm(v, t, lib.ones(3, 4))": (
        "IndexError", "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    # dims and dtypes, with PyTorch's errors
    "lib.linalg.cholesky_ex(t)": (  # cholesky_ex's checks name linalg.cholesky
        "RuntimeError", "linalg.cholesky: A must be batches of square matrices, but they are 2 by 3 matrices"),
    "lib.linalg.cholesky_ex(v)": (
        "RuntimeError", "linalg.cholesky: The input tensor A must have at least 2 dimensions."),
    "lib.linalg.cholesky_ex(lib.eye(2).long())": (
        "RuntimeError", "linalg.cholesky: Expected a floating point or complex tensor as input. Got Long"),
    "lib.cholesky(t.long())": (
        "RuntimeError", "cholesky: A must be batches of square matrices, but they are 2 by 3 matrices"),
    "lib.cholesky(lib.ones(2, 2, dtype=lib.int64))": (
        "NotImplementedError", "\"cholesky_cpu\" not implemented for 'Long'"),
    "lib.cholesky_inverse(lib.eye(2).bool())": (
        "NotImplementedError", "\"cholesky_inverse_out_cpu\" not implemented for 'Bool'"),
    "lib.lu(lib.eye(2).long())": ("NotImplementedError", "\"lu_cpu\" not implemented for 'Long'"),
    "lib.geqrf(lib.eye(2).bool())": ("NotImplementedError", "\"geqrf_cpu\" not implemented for 'Bool'"),
    "lib.geqrf(v)": ("RuntimeError", "torch.geqrf: input must have at least 2 dimensions."),
    "lib.ormqr(v, v, v)": ("RuntimeError", "torch.ormqr: input must have at least 2 dimensions."),
    "lib.lu_unpack(t, lib.ones(4, 5))": ("RuntimeError", _LU_PIVOTS),
    "lib.lu_unpack(v, lib.ones(4, 5))": (
        "RuntimeError", "torch.lu_unpack: Expected tensor with 2 or more dimensions. Got size: [3] instead"),
    "lib.chain_matmul(lib.tensor(1.5))": ("RuntimeError", "Tensor dimension is 0, expected 2 instead."),
    "lib.chain_matmul(t, v)": ("RuntimeError", "Tensor dimension is 1, expected 2 instead."),
    "lib.norm_except_dim(lib.tensor(1.5))": ("IndexError", "Dimension specified as 0 but tensor has no dimensions"),
    "lib.norm_except_dim(lib.ones(0, 3))": (
        "RuntimeError",
        "cannot reshape tensor of 0 elements into shape [0, -1] because the unspecified dimension size -1 can be any "
        "value and is ambiguous",
    ),
    "lib._weight_norm(t.double(), t.long())": ("RuntimeError", "expected scalar type Double but found Long"),
    # einsum's sublists: numbers in [0, 52), compared as PyTorch compares them
    "lib.einsum(t, [-1, 0])": (
        "ValueError", "einsum(): subscript in subscript list is not within the valid range [0, 52)"),
    "lib.einsum(t, lib.ones(4, 5))": ("RuntimeError", "Boolean value of Tensor with more than one value is ambiguous"),
}  # fmt: skip


def _scope(lib):
    return {"lib": lib, "t": lib.linspace(-1, 1, 6).reshape(2, 3), "v": lib.ones(3)}


def _raised(lib, expression):
    with warnings.catch_warnings(), pytest.raises(Exception) as info:
        warnings.simplefilter("ignore")
        eval(expression, _scope(lib))
    return type(info.value).__name__, str(info.value)


@pytest.mark.parametrize("expression", ERRORS)
def test_bad_argument_raises_pytorchs_error(expression):
    assert _raised(rg, expression) == ERRORS[expression]


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("expression", ERRORS)
def test_bad_argument_error_vs_torch(expression):
    assert _raised(torch, expression) == ERRORS[expression]


ACCEPTED = {
    # the forms PyTorch takes still run: methods, keywords, 0-d tensors for numbers, empty matrices
    "tuple(t.svd(some=False).U.shape)": (2, 2),
    "tuple(t.qr(True).R.shape)": (2, 3),
    "lib.pinverse(lib.eye(2) * 2, lib.tensor(0.1)).tolist()": [[0.5, 0.0], [0.0, 0.5]],
    # linalg.pinv(A, rcond, hermitian): rtol = rcond and no absolute cutoff (σ = 2 and 0.1 kept, 0.01 dropped)
    "lib.linalg.pinv(lib.diag(lib.tensor([2.0, 0.1, 0.01])), 0.01).diagonal().tolist()": [0.5, 10.0, 0.0],
    "lib.linalg.pinv(lib.diag(lib.tensor([2.0, 0.1, 0.01])), rcond=0.1).diagonal().tolist()": [0.5, 0.0, 0.0],
    "lib.linalg.pinv(lib.eye(2) * 4, lib.tensor(0.5), True).tolist()": [[0.25, 0.0], [0.0, 0.25]],
    # linalg.matrix_rank(A, tol, hermitian): atol = tol and no relative cutoff
    "lib.linalg.matrix_rank(lib.diag(lib.tensor([2.0, 0.1, 0.01])), 0.05).item()": 2,
    "lib.linalg.matrix_rank(lib.diag(lib.tensor([2.0, 0.1, 0.01])), tol=0.001).item()": 3,
    "lib.linalg.matrix_rank(lib.eye(3) * 1e-3, lib.tensor(0.01), True).item()": 0,
    "lib.matrix_power(lib.eye(2) * 2, lib.tensor(3)).tolist()": [[8.0, 0.0], [0.0, 8.0]],
    "lib.dist(v, v * 0, lib.tensor(1)).item()": 3.0,
    "round(lib.cdist(t, t, lib.tensor(1.0))[0, 1].item(), 4)": 3.6,
    "lib.norm(v, lib.tensor(1.0)).item()": 3.0,
    "lib.nuclear_norm(lib.eye(2) * 3, [0, 1], True).tolist()": [[6.0]],
    "lib.nuclear_norm(lib.eye(2), True).tolist()": [[2.0]],
    # without dim, a batch of matrices: the last two dims (PyTorch 2.13; older releases wanted 2-D)
    "[round(x, 4) for x in lib.nuclear_norm(lib.stack([lib.eye(2) * 3, lib.eye(2)])).tolist()]": [6.0, 2.0],
    "tuple(lib.nuclear_norm(lib.ones(4, 2, 3), keepdim=True).shape)": (4, 1, 1),
    "tuple(lib.ones(2, 3, 4).bmm(lib.ones(2, 4, 5)).shape)": (2, 3, 5),
    "tuple(v.outer(lib.ones(2)).shape)": (3, 2),
    "tuple(lib.ger(v, lib.ones(2)).shape)": (3, 2),
    "tuple(lib.addbmm(lib.zeros(3, 5), lib.ones(2, 3, 4), lib.ones(2, 4, 5)).shape)": (3, 5),
    "lib.norm_except_dim(lib.tensor([[3.0, 4.0]]), 2, -1).item()": 5.0,
    "lib.norm_except_dim(lib.ones(3, 0), 2, 0).tolist()": [[0.0], [0.0], [0.0]],
    "tuple(lib.cholesky(lib.zeros(0, 3)).shape)": (0, 3),  # PyTorch returns before its checks
    "[tuple(r.shape) for r in lib.geqrf(lib.zeros(0, 3))]": [(0, 3), (0,)],
    "[tuple(r.shape) for r in lib.lu(lib.zeros(2, 0, 3))]": [(2, 0, 3), (2, 0)],
    "[tuple(r.shape) for r in lib.linalg.lu(lib.zeros(3, 0))]": [(3, 3), (3, 0), (0, 0)],
    "len(lib.lu(lib.eye(2), True, lib.tensor(1)))": 3,
    # sublist subscripts 0-25 are 'A'-'Z' and 26-51 'a'-'z': the implicit output follows the numbers' order
    "tuple(lib.einsum(t, [27, 1]).shape)": (3, 2),
    "tuple(lib.einsum(t, [1, 27]).shape)": (2, 3),
}


def _value(lib, expression):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return eval(expression, _scope(lib))


@pytest.mark.parametrize("expression", ACCEPTED)
def test_well_formed_arguments_still_run(expression):
    assert _value(rg, expression) == ACCEPTED[expression]


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
@pytest.mark.parametrize("expression", ACCEPTED)
def test_well_formed_arguments_vs_torch(expression):
    assert _value(torch, expression) == ACCEPTED[expression]


_NUCLEAR_NORM_DEPRECATED = (
    "at::nuclear_norm is deprecated and it is just left for JIT compatibility. It will be removed in a future "
    "PyTorch release. Please use `linalg.matrix_norm(A, 'nuc', dim, keepdim)` instead"
)
_NUCLEAR_NORM_TWICE = """
import warnings
import {lib}
warnings.simplefilter("always")
with warnings.catch_warnings(record=True) as seen:
    {lib}.nuclear_norm({lib}.eye(2))
    {lib}.nuclear_norm({lib}.eye(2), (0, 1))
    {lib}.eye(2).norm(p="nuc")
print([(w.category.__name__, str(w.message).split(" (Triggered")[0]) for w in seen])
"""


def _nuclear_norm_warnings(lib):
    """The warnings of three nuclear norms, in a fresh process (PyTorch's warning is once per process)."""
    run = subprocess.run([sys.executable, "-c", _NUCLEAR_NORM_TWICE.format(lib=lib)], capture_output=True, text=True,
                         check=True)
    return ast.literal_eval(run.stdout.strip().splitlines()[-1])


def test_nuclear_norm_warns_once_that_it_is_deprecated():
    assert _nuclear_norm_warnings("retrograd") == [("UserWarning", _NUCLEAR_NORM_DEPRECATED)]


@pytest.mark.skipif(torch is None, reason="PyTorch not installed")
def test_nuclear_norm_deprecation_vs_torch():
    assert _nuclear_norm_warnings("torch") == [("UserWarning", _NUCLEAR_NORM_DEPRECATED)]
