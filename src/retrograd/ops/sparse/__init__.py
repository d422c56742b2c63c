"""Sparse COO tensors (layout `sparse_coo`) and compressed ones (`sparse_csr`, `sparse_csc`).

- `layout`: sparse_coo_tensor, to_dense/to_sparse, coalesce, indices/values and friends
- `arithmetic`: sparse @ dense products, sums, add/sub/neg/transpose/clone/cast on sparse tensors
- `multiply`: elementwise products with numbers, dense and sparse tensors; division by a number
- `valuewise`: the elementwise functions with f(0) = 0 (abs, sqrt, pow, relu, tanh, ...) on the values
- `restructure`: index_select, select, cat, stack and unsqueeze along the sparse dims
- `addmm`: beta·input + alpha·(sparse @ dense), as torch.addmm and torch.sparse.addmm
- `row_products`: torch.sspaddmm and torch.smm, the sparse-result products (not differentiable)
- `compressed`, `compressed_ops`: the CSR/CSC layouts: constructors, conversions, accessors, products
- `softmax`: torch.sparse.softmax/log_softmax along a sparse dim
- `norm`: torch.norm / Tensor.norm of a sparse COO tensor (PyTorch's norm_sparse; loaded by `norm`)
- `dispatch`: `is_sparse` and the SparseCPU error; the sparse modules register their ops in the
  engine's `SPARSE_KERNELS`, which hands a dense primitive's sparse inputs to them

`__all__` holds the top-level names (`sparse_coo_tensor`, `spmm`); `retrograd.sparse` gathers
the `torch.sparse` ones.
"""

from __future__ import annotations

from . import (  # noqa: F401  (softmax: only torch.sparse's names)
    addmm,
    arithmetic,
    compressed,
    compressed_ops,
    layout,
    multiply,
    restructure,
    row_products,
    softmax,
    valuewise,
)
from .arithmetic import *  # noqa: F403
from .compressed import *  # noqa: F403
from .layout import *  # noqa: F403
from .row_products import *  # noqa: F403

__all__: list[str] = []
__all__ += layout.__all__
__all__ += arithmetic.__all__
__all__ += compressed.__all__
__all__ += row_products.__all__
