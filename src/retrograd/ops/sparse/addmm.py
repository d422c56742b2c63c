"""`torch.addmm(input, sparse, dense)` and `torch.sparse.addmm`: beta·input + alpha·(sparse @ dense).

As PyTorch's CPU kernel, the result starts as beta·input (broadcast; beta = 0 ignores input, NaNs
included) and each stored entry adds (alpha·value)·dense[column] to its row, in entry order.
`torch.addmm` records AddmmBackward0, whose sparse operand gets the dense gradient alpha·G Bᵀ;
`torch.sparse.addmm` records SparseAddmmBackward0, which reads that gradient at the sparse
operand's entries (a sparse gradient).
"""

from __future__ import annotations

from typing import Any

import numpy

from ...backend import sparse as _sp
from ...engine.primitive import SPARSE_KERNELS as KERNELS
from ...engine.primitive import Primitive
from ...tensor import Tensor
from .arithmetic import _check_product, _entries_grad, mm
from .dispatch import is_sparse, missing
from .layout import to_dense

__all__: list[str] = []


def _forward(xp: Any, c: Any, a: Any, b: Any, beta: Any, alpha: Any) -> Any:
    shape = (a.shape[0], b.shape[1])
    dtype = numpy.result_type(a.values, b)
    start = numpy.zeros(shape, dtype) if beta == 0 else numpy.broadcast_to(c, shape).astype(dtype, copy=True)
    if beta not in (0, 1):
        start *= dtype.type(beta)
    return _sp.matmul(a, b, out=start, alpha=alpha)


def _primitive(node: str, sparse_grad: bool) -> Primitive:
    def grad_a(g: Tensor, a: Tensor, b: Tensor, alpha: Any) -> Tensor:
        # d/dA = alpha G Bᵀ: all of it (AddmmBackward0) or at A's entries (SparseAddmmBackward0)
        return (_entries_grad(g, a, b) if sparse_grad else to_dense(g).mm(b.t())) * alpha

    return Primitive(
        f"_sparse_{node}",
        _forward,
        [
            lambda g, beta: g * beta,  # d/d input = beta (summed down to input's shape by the engine)
            grad_a,
            lambda g, a, alpha: mm(a.t(), to_dense(g)) * alpha,  # d/dB = alpha Aᵀ G
        ],
        inputs=("c", "a", "b"),
        node_name=node,
    )


_addmm = _primitive("AddmmBackward0", sparse_grad=False)
_sparse_addmm = _primitive("SparseAddmmBackward0", sparse_grad=True)


def sparse_addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """`torch.sparse.addmm`: beta·input + alpha·(mat1 @ mat2) for a sparse `mat1` (a sparse gradient)."""
    if not is_sparse(mat1) or is_sparse(mat2) or is_sparse(input):
        raise missing("addmm")
    _check_product(mat1, mat2, "addmm")
    return _sparse_addmm(input, mat1, mat2, beta=beta, alpha=alpha)


def _addmm_kernel(tensors: tuple, attrs: dict) -> Tensor:
    c, a, b = tensors
    if not is_sparse(a) or is_sparse(b) or is_sparse(c):
        raise missing("addmm")
    _check_product(a, b, "addmm")
    return _addmm(c, a, b, beta=attrs.get("beta", 1), alpha=attrs.get("alpha", 1))


KERNELS["addmm"] = _addmm_kernel
