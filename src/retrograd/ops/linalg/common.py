"""Shared pieces of the linear-algebra modules: checks, error types, constants."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ... import dtypes as _dt
from ..._display_name import public_class
from ...backend.sparse import SparseCOO
from ...backend.sparse_compressed import SparseCompressed
from ...tensor import Tensor


class LinAlgError(RuntimeError):
    """The error a linear-algebra function raises for a matrix it cannot handle: singular, not positive-definite, ...

    A subclass of RuntimeError, so `except RuntimeError` catches it too; the message names the
    function and the failing pivot or minor, as PyTorch's does.

    Args:
        *args (str): the message (built by the function that raises it).

    Returns:
        (LinAlgError): the exception.

    Examples:
        >>> try:
        ...     retrograd.linalg.inv(retrograd.zeros(2, 2))
        ... except retrograd.linalg.LinAlgError as e:
        ...     print(isinstance(e, RuntimeError), str(e).split(":")[0])
        True linalg.inv
    """


# PyTorch's class is torch._C._LinAlgError (torch.linalg.LinAlgError names it), so programs that
# print `type(e).__name__` print "_LinAlgError".
LinAlgError.__name__ = LinAlgError.__qualname__ = "_LinAlgError"
public_class(LinAlgError, "_C")  # an uncaught one's traceback names `torch._C._LinAlgError` under the alias


def check_same_dtype(a: Tensor, b: Tensor) -> None:
    """PyTorch's 'expected scalar type X but found Y' for kernels that do not promote."""
    if a._data.dtype != b._data.dtype:
        raise RuntimeError(f"expected scalar type {a.dtype.kind_name} but found {b.dtype.kind_name}")


def broadcast_batch(sa: tuple, sb: tuple) -> tuple:
    """The broadcast of two shapes, with PyTorch's error when they do not broadcast."""
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    for i, (x, y) in enumerate(zip(pa, pb)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(
                f"The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton dimension {i}"
            )
    return tuple(max(x, y) if min(x, y) != 0 else 0 for x, y in zip(pa, pb))


def check_solve_shapes(A: Tensor, B: Tensor, left: bool, fname: str) -> tuple:
    """PyTorch's shape checks of A X = B (X A = B when not `left`), in its order: B's rows (columns)
    against A's order, then the batch dims (its error names B's batch size first). The batch shape."""
    n = A.shape[-1]
    if (B.shape[-2] if left else B.shape[-1]) != n:
        raise RuntimeError(
            f"{fname}: Incompatible shapes of A and B for the equation {'AX = B' if left else 'XA = B'} "
            f"({n}x{n} and {B.shape[-2]}x{B.shape[-1]})"
        )
    return broadcast_batch(B.shape[:-2], A.shape[:-2])


# PyTorch's CPU LAPACK kernels have no float16/bfloat16 versions. Most ops refuse those dtypes
# when they dispatch to their kernel; inv, the log-determinants and the spectral matrix norms
# refuse them up front; matrix_rank with its generic dtype message (lstsq checks its own). {} is the dtype.
def _kernel(name: str) -> tuple[type[Exception], str]:
    return NotImplementedError, f"\"{name}\" not implemented for '{{}}'"


def _refused(name: str) -> tuple[type[Exception], str]:
    return RuntimeError, f"{name}: Low precision dtypes not supported. Got {{}}"


_LOW_PRECISION: dict[str, tuple[type[Exception], str]] = {
    "linalg.qr": _kernel("geqrf_cpu"), "geqrf": _kernel("geqrf_cpu"),
    "torch.linalg.householder_product": _kernel("orgqr_cpu"), "ormqr": _kernel("ormqr_cpu"),
    "linalg.svd": _kernel("linalg_svd_cpu"), "linalg.svdvals": _kernel("linalg_svd_cpu"),
    "linalg.eigh": _kernel("linalg_eigh_cpu"), "linalg.eig": _kernel("linalg_eig_out_cpu"),
    "linalg.eigvals": _kernel("linalg_eig_out_cpu"),
    "linalg.cholesky": _kernel("cholesky_cpu"), "linalg.cholesky_ex": _kernel("cholesky_cpu"),
    "cholesky": _kernel("cholesky_cpu"), "cholesky_solve": _kernel("cholesky_solve_cpu"),
    "cholesky_inverse": _kernel("cholesky_inverse_out_cpu"),
    "linalg.det": _kernel("lu_cpu"), "linalg.solve": _kernel("lu_cpu"), "linalg.solve_ex": _kernel("lu_cpu"),
    "linalg.lu": _kernel("lu_cpu"), "linalg.lu_factor": _kernel("lu_cpu"),
    "linalg.solve_triangular": _kernel("triangular_solve_cpu"),
    "torch.linalg.ldl_factor": _kernel("ldl_factor_kernel_cpu"),
    "linalg.inv": _refused("linalg.inv"), "linalg.inv_ex": _refused("linalg.inv"),
    "linalg.slogdet": _refused("linalg.slogdet"), "logdet": _refused("logdet"),
    "linalg.matrix_norm": _refused("linalg.matrix_norm"),
    "torch.linalg.matrix_rank": (RuntimeError, "This function doesn't handle types other than float and double"),
}  # fmt: skip


def refuse_low_precision(a: Tensor, fname: str) -> None:
    """PyTorch's error for a float16/bfloat16 matrix on the CPU, where `fname` has no such kernel."""
    if a.dtype in (_dt.float16, _dt.bfloat16) and a.device.type == "cpu" and fname in _LOW_PRECISION:
        error, message = _LOW_PRECISION[fname]
        raise error(message.format(a.dtype.kind_name))


def check_matrix(
    a: Tensor, fname: str, *, square: bool = True, floating: bool = True, kernel_of: str | None = None
) -> None:
    """At least 2-D, (optionally) square batches, (optionally) a floating dtype that has a CPU kernel.

    `kernel_of` names the function whose low-precision refusal applies when it is not `fname`'s
    own (linalg.cond refuses as linalg.svd or linalg.inv, by its p).
    """
    shape = a._data.shape
    if len(shape) < 2:
        raise RuntimeError(f"{fname}: The input tensor A must have at least 2 dimensions.")
    if square and shape[-1] != shape[-2]:
        raise RuntimeError(
            f"{fname}: A must be batches of square matrices, but they are {shape[-2]} by {shape[-1]} matrices"
        )
    refuse_low_precision(a, fname if kernel_of is None else kernel_of)
    if floating and a._data.dtype.kind not in "fc" and a.dtype is not _dt.bfloat16:  # (an ml_dtypes array)
        name = a.dtype.kind_name
        raise RuntimeError(f"{fname}: Expected a floating point or complex tensor as input. Got {name}")


def floating_kernel(t: Tensor, kernel: str) -> None:
    """PyTorch's error where a LAPACK kernel (dispatched on floating and complex dtypes only) gets another dtype."""
    if t._data.dtype.kind not in "fc" and t.dtype is not _dt.bfloat16:  # (an ml_dtypes array)
        raise NotImplementedError(f"\"{kernel}\" not implemented for '{t.dtype.kind_name}'")


def not_bool(t: Tensor, kernel: str) -> None:
    """PyTorch has no bool kernels for the matrix products."""
    if t._data.dtype.kind == "b":
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


def _size(shape: Sequence[int]) -> str:
    return "x".join(str(s) for s in shape)


def check_mm(a: Tensor, b: Tensor, a_shape: tuple | None = None) -> None:
    """mm's dtype, shape and bool checks (`a_shape`: the folded shape of a batched `a`)."""
    a_shape = a._data.shape if a_shape is None else a_shape
    mixed = a._data.dtype != b._data.dtype
    if mixed and type(a._data) in (SparseCOO, SparseCompressed):  # (PyTorch's sparse kernel checks b against a)
        raise RuntimeError(f"expected scalar type {a.dtype.kind_name} but found {b.dtype.kind_name}")
    # the sizes first for dense operands (the sparse kernel checks them later, with its own messages)
    if type(b._data) is not SparseCOO and a_shape[-1] != b._data.shape[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_size(a_shape)} and {_size(b._data.shape)})")
    if mixed:
        raise RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: {a.dtype.c10_name} != {b.dtype.c10_name}"
        )
    if type(b._data) is SparseCOO:
        return
    not_bool(a, "addmm_impl_cpu_")


def check_mv(a: Tensor, v: Tensor) -> None:
    """mv's dtype, shape and bool checks (a batched `a` counts all its rows)."""
    if a._data.dtype != v._data.dtype and type(a._data) in (SparseCOO, SparseCompressed):
        raise RuntimeError(f"expected scalar type {a.dtype.kind_name} but found {v.dtype.kind_name}")
    rows = math.prod(a._data.shape[:-1])
    if a._data.shape[-1] != v._data.shape[0]:
        raise RuntimeError(
            f"size mismatch, got input ({rows}), mat ({rows}x{a._data.shape[-1]}), vec ({v._data.shape[0]})"
        )
    if a._data.dtype != v._data.dtype:
        va, aa = v.dtype.kind_name, a.dtype.kind_name
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got {va}, {aa}, and {va}")
    not_bool(a, "addmv_impl_cpu")


def check_bmm_dims(a: Tensor, b: Tensor) -> None:
    """bmm's first check: two batches of matrices."""
    if a._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b._data.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")


def check_bmm(a: Tensor, b: Tensor, kind: str = "bmm") -> bool:
    """bmm's checks without running it; True for an empty product of two dtypes (see `check_bmm_dtypes`)."""
    check_bmm_dims(a, b)
    sa, sb = a._data.shape, b._data.shape
    if sb[:2] != (sa[0], sa[2]):
        raise RuntimeError(
            "Expected size for first two dimensions of batch2 tensor to be: "
            f"[{sa[0]}, {sa[2]}] but got: [{sb[0]}, {sb[1]}]."
        )
    empty = check_bmm_dtypes(a, b, sa[0], kind)
    not_bool(a, "bmm")
    return empty


# the dtypes PyTorch's batched product hands to MKL's batched gemm when it is large
_GEMM_DTYPES = (_dt.float32, _dt.float64, _dt.complex64, _dt.complex128)


def _gemm_ready(t: Tensor) -> bool:
    """PyTorch's test that each matrix of a batch is row- or column-major (its MKL bmm path)."""
    if type(t) is not Tensor:  # a vmap batch: its layout is not the per-example one
        return True
    (n, m), (sn, sm) = t.shape[-2:], t.stride()[-2:]
    return (sm == 1 and (n == 1 or sn >= m)) or (sn == 1 and (m == 1 or sm >= n))


def check_bmm_dtypes(a: Tensor, b: Tensor, batch: int, kind: str = "bmm") -> bool:
    """PyTorch's error for a batched product of (batch, n, k) and (batch, k, p) matrices of two dtypes.

    Its message depends on the kernel the product's size picks: the loop for k·n·p < 400 reads `a`'s
    dtype, MKL's batched gemm (float and complex `b`, each matrix row- or column-major) reads `b`'s,
    and otherwise one mm per matrix compares them (bmm's and baddbmm's messages differ there). Nothing
    is checked when there is nothing to compute: True then, and PyTorch returns zeros in `b`'s dtype.
    """
    if a._data.dtype == b._data.dtype:
        return False
    n, k, p = a.shape[-2], a.shape[-1], b.shape[-1]
    if batch * n * p == 0 or k == 0:
        return True
    da, db = a.dtype, b.dtype
    if k * n * p < 400:
        raise RuntimeError(f"expected scalar type {da.kind_name} but found {db.kind_name}")
    if db in _GEMM_DTYPES and _gemm_ready(a) and _gemm_ready(b):
        raise RuntimeError(f"expected scalar type {db.kind_name} but found {da.kind_name}")
    if kind == "bmm":
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {da.c10_name} != {db.c10_name}")
    raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {da.kind_name} and {db.kind_name}")


def in_dtype_of(t: Tensor, other: Tensor) -> Tensor:
    """`t` cast to `other`'s dtype, for an empty product of two dtypes (a complex `t` drops its imaginary
    part without the cast's warning: there are no values)."""
    return (t.real if t.is_complex() and not other.is_complex() else t).to(other.dtype)


def batch_prefix(index: int, batched: bool) -> str:
    """The '(Batch element i): ' PyTorch puts in errors about one matrix of a batch."""
    return f"(Batch element {index}): " if batched else ""


def eye_like(t: Tensor, n: int, m: int | None = None, k: int = 0) -> Tensor:
    """A constant (n, m) identity (shifted by `k` columns) in `t`'s dtype and backend."""
    xp = _xp(t)
    return Tensor._make(xp.eye(n, m if m is not None else n, k, dtype=t._data.dtype))


def tril_mask(t: Tensor, n: int, k: int = 0) -> Tensor:
    """A constant (n, n) 0/1 matrix that keeps the lower triangle (diagonal offset `k`)."""
    xp = _xp(t)
    return Tensor._make(xp.tri(n, n, k, dtype=t._data.dtype))


def const(t: Tensor, array: Any) -> Tensor:
    """A constant tensor holding `array` (converted to `t`'s dtype)."""
    return Tensor._make(_xp(t).asarray(array, dtype=t._data.dtype))


def _xp(t: Tensor) -> Any:
    from ... import backend

    return backend.namespace(t._data)


def is_zero_leaf(g: Tensor) -> bool:
    """True for the zeros the engine passes for an output that got no gradient.

    A gradient batched by vmap is never taken for one: its values cannot be looked at, and the
    full formula gives zeros for zeros anyway.
    """
    return type(g) is Tensor and g._grad_fn is None and not g._requires_grad and not g._data.any()


def phase_free(x: Tensor, y: Tensor | None = None) -> bool:
    """Whether a loss leaves the phases of complex singular/eigen vectors alone: Im diag(Vᴴ V̄) ≈ y (None: 0).

    PyTorch's test (`allclose` with rtol = atol = 1e-2, so a nan fails it) for x = Im diag(Vᴴ V̄).
    Batched tensors (vmap) pass, their values cannot be looked at (PyTorch skips tensor subclasses).
    """
    if type(x) is not Tensor or (y is not None and type(y) is not Tensor):
        return True
    other = 0 if y is None else y._data
    return bool((abs(x._data - other) <= 1e-2 + 1e-2 * abs(other)).all())


def eigenvector_phase_error(op: str) -> RuntimeError:
    """PyTorch's error for a loss that depends on the phases of complex eigenvectors."""
    return RuntimeError(
        f"{op}: The eigenvectors in the complex case are specified up to multiplication by e^{{i phi}}. "
        "The specified loss function depends on this quantity, so it is ill-defined."
    )


def svd_arrays(xp: Any, a: Any, **kwargs: Any) -> Any:
    """`xp.linalg.svd(a, **kwargs)`, refusing a NaN as PyTorch's LAPACK call does.

    LAPACK's gesdd reports a matrix holding NaN as a bad argument, which PyTorch raises as the
    LinAlgError below (naming the first such matrix of a batch); NumPy's own "SVD did not
    converge" would otherwise escape. Infinities alone give NaN values in both, no error.
    """
    try:
        return xp.linalg.svd(a, **kwargs)
    except getattr(xp.linalg, "LinAlgError", ()):
        bad = xp.isnan(a).any(axis=(-2, -1)).reshape(-1)
        index = int(bad.argmax()) if bad.size else 0
        raise LinAlgError(
            f"linalg.svd: {batch_prefix(index, a.ndim > 2)}The algorithm failed to converge because the input "
            "matrix contained non-finite values."
        ) from None
