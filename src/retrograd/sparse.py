"""retrograd.sparse: PyTorch's torch.sparse namespace for sparse COO tensors.

The tensors and their ops live in `retrograd.ops.sparse` (see its modules for the design: a
sparse tensor is a Tensor whose data is a `backend.sparse.SparseCOO`). Here are the spellings
torch.sparse gives them: `mm` (whose sparse operand gets a sparse gradient), `sum`, and the
legacy constructors `FloatTensor(indices, values, size)` and friends.

>>> import retrograd as torch
>>> a = torch.sparse_coo_tensor([[0, 1], [1, 0]], [2.0, 3.0], (2, 2))
>>> torch.sparse.mm(a, torch.ones(2, 1))
tensor([[2.],
        [3.]])
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy

from . import dtypes as _dt
from ._torch_function import publish as _publish
from ._user_frames import warn_once
from .ops.sparse import invariants as _invariants
from .ops.sparse.addmm import sparse_addmm
from .ops.sparse.arithmetic import sparse_mm, sparse_sum
from .ops.sparse.compressed import is_compressed as _is_compressed
from .ops.sparse.compressed_ops import sparse_addmm as _compressed_addmm
from .ops.sparse.compressed_ops import sparse_mm as _compressed_mm
from .ops.sparse.dispatch import is_sparse
from .ops.sparse.layout import sparse_coo_tensor
from .ops.sparse.mm_reduce import sparse_mm_reduce
from .ops.sparse.softmax import sparse_log_softmax, sparse_softmax
from .tensor import Tensor

__all__ = [
    "mm",
    "addmm",
    "sum",
    "softmax",
    "log_softmax",
    "check_sparse_tensor_invariants",
    "FloatTensor",
    "DoubleTensor",
    "LongTensor",
]


def mm(mat1: Tensor, mat2: Tensor, reduce: str | None = None) -> Tensor:
    """Sparse (n, m) @ dense (m, p) -> dense (n, p); a sparse `mat1` gets a sparse gradient.

    Args:
        mat1 (Tensor): a 2-D sparse COO, CSR or CSC matrix (a dense one gives `mat1.mm(mat2)`).
        mat2 (Tensor): a dense `(m, p)` matrix of the same dtype.
        reduce (str, optional): how each row combines its terms `mat1[i, k] * mat2[k]`: "sum",
            "mean", "amax" or "amin" (a row without entries gives 0). PyTorch takes it for a CSR
            `mat1` only; without it the terms are summed.

    Returns:
        Tensor: the dense product, recorded as SparseAddmmBackward0.

    Examples:
        >>> a = retrograd.sparse_coo_tensor([[0], [1]], [2.0], (2, 2))
        >>> retrograd.sparse.mm(a, retrograd.eye(2))
        tensor([[0., 2.],
                [0., 0.]])
        >>> retrograd.sparse.mm(a.to_sparse_csr(), retrograd.eye(2), "mean")
        tensor([[0., 2.],
                [0., 0.]])
    """
    if reduce is not None:
        return sparse_mm_reduce(mat1, mat2, reduce)
    if _is_compressed(mat1):
        return _compressed_mm(mat1, mat2)
    return sparse_mm(mat1, mat2)


def addmm(mat: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """beta·mat + alpha·(mat1 @ mat2) for a sparse (COO, CSR, CSC) `mat1`, which gets a sparse gradient.

    Args:
        mat (Tensor): the dense tensor added, broadcastable to `(n, p)`; ignored when beta is 0.
        mat1 (Tensor): a 2-D sparse COO matrix `(n, m)`.
        mat2 (Tensor): a dense `(m, p)` matrix of the same dtype.
        beta (number): the multiplier of `mat` (default 1).
        alpha (number): the multiplier of the product (default 1).

    Returns:
        Tensor: the dense `(n, p)` result, recorded as SparseAddmmBackward0.

    Examples:
        >>> a = retrograd.sparse_coo_tensor([[0, 1], [1, 0]], [2.0, 3.0], (2, 2))
        >>> retrograd.sparse.addmm(retrograd.ones(2, 1), a, retrograd.ones(2, 1), beta=0.5)
        tensor([[2.5000],
                [3.5000]])
    """
    if _is_compressed(mat1):
        return _compressed_addmm(mat, mat1, mat2, beta=beta, alpha=alpha)
    return sparse_addmm(mat, mat1, mat2, beta=beta, alpha=alpha)


def sum(input: Tensor, dim: Any = None, dtype: Any = None) -> Tensor:
    """The sum of a sparse tensor's entries: all of them (a dense 0-d tensor) or over `dim`.

    Args:
        input (Tensor): a sparse COO tensor.
        dim (int or tuple of int, optional): the dims to sum; the result stays sparse while
            some sparse dims remain.
        dtype (dtype, optional): the dtype to sum in.

    Returns:
        Tensor: dense when every sparse dim is summed, else sparse COO (coalesced).

    Examples:
        >>> a = retrograd.sparse_coo_tensor([[0, 1, 1], [1, 0, 1]], [1.0, 2.0, 3.0], (2, 2))
        >>> retrograd.sparse.sum(a)
        tensor(6.)
        >>> retrograd.sparse.sum(a, 1).to_dense()
        tensor([1., 5.])
    """
    if not is_sparse(input):  # (PyTorch's sum coalesces first, and says so)
        got = {"sparse_csr": "SparseCsr", "sparse_csc": "SparseCsc"}.get(input.layout._name, "Strided")
        raise RuntimeError(f"coalesce expected sparse coordinate tensor layout but got {got}")
    return sparse_sum(input, dim, dtype)


def softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Softmax along `dim` over a sparse tensor's stored entries (the others count as -inf).

    Args:
        input (Tensor): a sparse COO tensor without dense dims.
        dim (int): the sparse dim to normalise along.
        dtype (dtype, optional): cast the input to this dtype first.

    Returns:
        Tensor: sparse COO with the input's coalesced entries (SparseSoftmaxBackward0).

    Examples:
        >>> a = retrograd.sparse_coo_tensor([[0, 0], [0, 2]], [1.0, 1.0], (2, 3))
        >>> retrograd.sparse.softmax(a, 1).to_dense()
        tensor([[0.5000, 0.0000, 0.5000],
                [0.0000, 0.0000, 0.0000]])
    """
    return sparse_softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Log-softmax along `dim` over a sparse tensor's stored entries (SparseLogSoftmaxBackward0).

    Args:
        input (Tensor): a sparse COO tensor without dense dims.
        dim (int): the sparse dim to normalise along.
        dtype (dtype, optional): cast the input to this dtype first.

    Returns:
        Tensor: sparse COO with the input's coalesced entries.

    Examples:
        >>> a = retrograd.sparse_coo_tensor([[0, 0], [0, 2]], [1.0, 1.0], (2, 3))
        >>> retrograd.sparse.log_softmax(a, 1).coalesce().values()
        tensor([-0.6931, -0.6931])
    """
    return sparse_log_softmax(input, dim, dtype)


class check_sparse_tensor_invariants:
    """The switch of sparse invariant checks in the sparse constructors: a context manager, a
    decorator, or `enable()`/`disable()`/`is_enabled()` called on the class.

    A constructor's own `check_invariants` argument overrides the switch. PyTorch leaves the
    checks off by default (and warns once that they are implicitly off, until the switch is set);
    retrograd checks the indices against the size unless the switch or the argument says not to.

    Args:
        enable (bool): the switch's state inside the `with` block or the decorated function.

    Examples:
        >>> with retrograd.sparse.check_sparse_tensor_invariants():
        ...     retrograd.sparse.check_sparse_tensor_invariants.is_enabled()
        True
    """

    def __init__(self, enable: bool = True) -> None:
        self.state = enable
        self.saved_state: bool | None = None

    @staticmethod
    def is_enabled() -> bool:
        """Whether the checks are switched on (off until a program enables them)."""
        return _invariants.checks_enabled()

    @staticmethod
    def enable() -> None:
        """Switch the checks on for every constructor called without `check_invariants`."""
        _invariants.set_checks_enabled(True)

    @staticmethod
    def disable() -> None:
        """Switch the checks off for every constructor called without `check_invariants`."""
        _invariants.set_checks_enabled(False)

    def __enter__(self) -> None:
        if self.saved_state is not None:
            raise RuntimeError(
                "This context manager instance is already activated. Use a different context manager instance for "
                "context nesting."
            )
        self.saved_state = self.is_enabled()
        _invariants.set_checks_enabled(self.state)

    def __exit__(self, *exc: Any) -> None:
        if self.saved_state is None:
            raise AssertionError("saved_state should not be None on exit")
        _invariants.set_checks_enabled(self.saved_state)
        self.saved_state = None

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            with type(self)(self.state):
                return function(*args, **kwargs)

        return checked


_DEPRECATED = (
    "torch.sparse.SparseTensor(indices, values, shape, *, device=) is deprecated.  Please use "
    "torch.sparse_coo_tensor(indices, values, shape, dtype=, device=)."
)


class _SparseTensorType(type):
    """The metaclass of the legacy sparse types: calling one builds a sparse COO tensor of its dtype."""

    dtype: _dt.dtype

    def __call__(cls, *args: Any, device: Any = None) -> Tensor:  # type: ignore[override]
        if args and all(isinstance(n, int) for n in args):  # sizes: an empty sparse tensor
            index = Tensor._make(numpy.zeros((len(args), 0), "int64"))
            return sparse_coo_tensor(index, Tensor._make(numpy.zeros(0, cls.dtype.np)), args)
        if len(args) not in (2, 3) or not all(isinstance(a, Tensor) for a in args[:2]):
            raise TypeError(f"{cls.__name__}(): expected (indices, values[, size]) or sizes")
        warn_once("sparse.SparseTensor", _DEPRECATED)  # once per process, as PyTorch's TORCH_WARN_ONCE
        # PyTorch's legacy path checks the indices only where the program turned the checks on
        # (and so never gives the warning that they are implicitly off)
        return sparse_coo_tensor(*args, dtype=cls.dtype, device=device, check_invariants=_invariants.checks_enabled())

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, Tensor) and is_sparse(obj) and obj.dtype is cls.dtype


def _sparse_type(name: str, dtype: _dt.dtype) -> _SparseTensorType:
    doc = f"The legacy constructor of {dtype} sparse COO tensors: `(indices, values[, size])` or sizes."
    return _SparseTensorType(name, (), {"dtype": dtype, "__module__": "retrograd.sparse", "__doc__": doc})


FloatTensor = _sparse_type("FloatTensor", _dt.float32)
DoubleTensor = _sparse_type("DoubleTensor", _dt.float64)
LongTensor = _sparse_type("LongTensor", _dt.int64)


_publish(globals())  # each function checks its arguments for `__torch_function__`
