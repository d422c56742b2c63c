"""The linear-algebra functions PyTorch removed in 1.9 but still names: each raises its advice.

Old tutorials call `torch.lstsq(B, A)`, `torch.symeig(A)`, `torch.eig(A)`, `torch.solve(B, A)`
and `torch.matrix_rank(A)`. PyTorch keeps these names (and the Tensor methods) so that such code
fails with a RuntimeError saying what replaced them, not an AttributeError; so does retrograd,
in PyTorch's words (with the package's own name where retrograd is not standing in for torch).
"""

from __future__ import annotations

from typing import Any, NoReturn

from ..._display_name import package_name

__all__ = ["eig", "lstsq", "matrix_rank", "solve", "symeig"]

_REMOVED = "This function was deprecated since version 1.9 and is now removed."


def _removed(advice: str) -> RuntimeError:
    return RuntimeError(_REMOVED + advice.replace("{lib}", package_name()))


def matrix_rank(input: Any, tol: Any = None, symmetric: bool = False, *, out: Any = None) -> NoReturn:
    """Removed: use `linalg.matrix_rank` (whose `hermitian` was `symmetric`). Always raises RuntimeError.

    Examples:
        >>> retrograd.matrix_rank(retrograd.eye(2))
        Traceback (most recent call last):
        ...
        RuntimeError: This function was deprecated since version 1.9 and is now removed...
    """
    raise _removed(
        "\nPlease use the `{lib}.linalg.matrix_rank` function instead. "
        "The parameter 'symmetric' was renamed in `{lib}.linalg.matrix_rank()` to 'hermitian'."
    )


def solve(input: Any, A: Any, *, out: Any = None) -> NoReturn:
    """Removed: `solve(B, A).solution` is `linalg.solve(A, B)`. Always raises RuntimeError.

    Examples:
        >>> retrograd.solve(retrograd.ones(2, 1), retrograd.eye(2))
        Traceback (most recent call last):
        ...
        RuntimeError: This function was deprecated since version 1.9 and is now removed...
    """
    raise _removed(
        " `{lib}.solve` is deprecated in favor of `{lib}.linalg.solve`. "
        "`{lib}.linalg.solve` has its arguments reversed and does not return the LU factorization.\n\n"
        "To get the LU factorization see `{lib}.lu`, which can be used with `{lib}.lu_solve` or "
        "`{lib}.lu_unpack`.\nX = {lib}.solve(B, A).solution should be replaced with:\nX = {lib}.linalg.solve(A, B)"
    )


def lstsq(input: Any, A: Any, *, out: Any = None) -> NoReturn:
    """Removed: `lstsq(B, A).solution[:n]` is `linalg.lstsq(A, B).solution`. Always raises RuntimeError.

    Examples:
        >>> retrograd.lstsq(retrograd.ones(3, 1), retrograd.ones(3, 2))
        Traceback (most recent call last):
        ...
        RuntimeError: This function was deprecated since version 1.9 and is now removed...
    """
    raise _removed(
        " `{lib}.lstsq` is deprecated in favor of `{lib}.linalg.lstsq`.\n"
        "`{lib}.linalg.lstsq` has reversed arguments and does not return the QR decomposition in "
        "the returned tuple (although it returns other information about the problem).\n\n"
        "To get the QR decomposition consider using `{lib}.linalg.qr`.\n\n"
        "The returned solution in `{lib}.lstsq` stored the residuals of the solution in the "
        "last m - n columns of the returned value whenever m > n. In {lib}.linalg.lstsq, "
        "the residuals are in the field 'residuals' of the returned named tuple.\n\n"
        "The unpacking of the solution, as in\nX, _ = {lib}.lstsq(B, A).solution[:A.size(1)]\n"
        "should be replaced with:\nX = {lib}.linalg.lstsq(A, B).solution"
    )


def symeig(input: Any, eigenvectors: bool = False, upper: bool = True, *, out: Any = None) -> NoReturn:
    """Removed: use `linalg.eigvalsh` or `linalg.eigh` (lower triangle by default). Always raises RuntimeError.

    Examples:
        >>> retrograd.symeig(retrograd.eye(2))
        Traceback (most recent call last):
        ...
        RuntimeError: This function was deprecated since version 1.9 and is now removed...
    """
    raise _removed(
        " The default behavior has changed from using the upper triangular portion of the matrix by default "
        "to using the lower triangular portion.\n\n"
        "L, _ = {lib}.symeig(A, upper=upper) should be replaced with:\n"
        "L = {lib}.linalg.eigvalsh(A, UPLO='U' if upper else 'L')\n\nand\n\n"
        "L, V = {lib}.symeig(A, eigenvectors=True) should be replaced with:\n"
        "L, V = {lib}.linalg.eigh(A, UPLO='U' if upper else 'L')"
    )


def eig(self: Any, eigenvectors: bool = False, *, e: Any = None, v: Any = None) -> NoReturn:
    """Removed: use `linalg.eigvals` or `linalg.eig` (complex results). Always raises RuntimeError.

    Examples:
        >>> retrograd.eig(retrograd.eye(2))
        Traceback (most recent call last):
        ...
        RuntimeError: This function was deprecated since version 1.9 and is now removed...
    """
    raise _removed(
        " `{lib}.linalg.eig` returns complex tensors of dtype `cfloat` or `cdouble` rather than real tensors "
        "mimicking complex tensors.\n\nL, _ = {lib}.eig(A) should be replaced with:\n"
        "L_complex = {lib}.linalg.eigvals(A)\n\nand\n\n"
        "L, V = {lib}.eig(A, eigenvectors=True) should be replaced with:\n"
        "L_complex, V_complex = {lib}.linalg.eig(A)"
    )
