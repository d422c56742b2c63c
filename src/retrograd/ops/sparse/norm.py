"""`torch.norm` and `Tensor.norm` of a sparse COO tensor: PyTorch's norm_sparse.

PyTorch's `torch.norm` takes its legacy path for a layout other than strided, and the SparseCPU
kernel of `aten::norm` is the p-norm of the coalesced values, over all dims only (no `dim`
short of all of them, no `keepdim`, no `dtype`). So `0` counts the stored entries and `-inf` is
the smallest stored magnitude. The node is NormBackward1 on the sparse input, and, as PyTorch's,
its backward fails (PyTorch's norm_backward runs a masked_fill_ that SparseCPU lacks).
"""

from __future__ import annotations

from typing import Any

from ...backend import sparse as _sp
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..reduction.along import reduce_dims
from ..reduction.norms import _vector_norm_array
from .dispatch import missing

__all__: list[str] = []


def _values_norm(xp: Any, a: Any, ord: float) -> Any:
    vals = _sp.coalesce(a).values
    return _vector_norm_array(xp, vals, ord, tuple(range(vals.ndim)), False)


def _refused(g: Tensor, a: Tensor) -> Tensor:
    raise missing("masked_fill_.Scalar")


_norm = Primitive("norm_sparse", _values_norm, [_refused], inputs=("a",), node_name="NormBackward1", quiet=True)


def _order(p: Any, dtype: Any) -> Any:
    """The number `p` stands for; PyTorch's errors for the orders its Python wrapper refuses."""
    if not isinstance(p, str):
        return 2.0 if p is None else p
    if p == "fro":
        if dtype is not None:
            raise ValueError("dtype argument is not supported in frobenius norm")
        return 2.0
    if p == "nuc":
        if dtype is not None:
            raise ValueError("dtype argument is not supported in nuclear norm")
        raise missing("_linalg_svd")
    raise RuntimeError(f"only valid string values are 'fro' and 'nuc', found {p}")


def sparse_norm(input: Tensor, p: Any, dim: Any, keepdim: bool, dtype: Any) -> Tensor:
    """The p-norm of sparse COO `input`'s coalesced values, a 0-d tensor (see the module's doc)."""
    order = _order(p, dtype)
    ndim = input.dim()
    if dim is not None and sorted(set(reduce_dims(ndim, dim))) != list(range(ndim)):
        raise RuntimeError(
            "norm_sparse currently only supports full reductions, so 'dim' must either be empty or contain all "
            "dimensions of the input"
        )
    if keepdim:
        raise RuntimeError("norm_sparse currently does not support keepdim=True")
    if dtype is not None:
        raise RuntimeError("norm_sparse currently does not support 'dtype' argument")
    return _norm(input, ord=float(order))
