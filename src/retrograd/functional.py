"""`torch.functional`: the module where PyTorch writes `einsum`, `split`, `norm`, `meshgrid` and
friends in Python. They are the same objects as `retrograd.einsum` and so on, so code that
compares a recorded call against `torch.functional.einsum` (opt_einsum_fx) finds them equal.

Examples:
    >>> import retrograd
    >>> retrograd.functional.einsum is retrograd.einsum
    True
"""

from __future__ import annotations

# the public faces, as `retrograd` hands them out (they check their arguments for `__torch_function__`)
from . import (
    atleast_1d,
    atleast_2d,
    atleast_3d,
    block_diag,
    broadcast_shapes,
    broadcast_tensors,
    cartesian_prod,
    cdist,
    chain_matmul,
    einsum,
    istft,
    lu,
    meshgrid,
    norm,
    pca_lowrank,
    split,
    stft,
    svd_lowrank,
    tensordot,
    unique,
    unique_consecutive,
    unravel_index,
)

__all__ = [
    "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors", "cartesian_prod",
    "block_diag", "cdist", "chain_matmul", "einsum", "istft", "lu", "norm", "meshgrid", "pca_lowrank",
    "split", "stft", "svd_lowrank", "tensordot", "unique", "unique_consecutive", "unravel_index",
]  # fmt: skip
