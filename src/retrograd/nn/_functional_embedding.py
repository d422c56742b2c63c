"""embedding and one_hot of torch.nn.functional.

Part of `functional_layers` (split for size). The lookup `W[idx]` and its
derivative, the sum of the incoming rows per index, are each other's
derivative, so both are primitives and gradients of any order work:

    embedding:        out[p] = W[idx[p]]
    dense backward:   dW[i] = Σ_{p: idx[p] = i} s[p] · g[p]    (s: 0 at padding_idx, 1/count with
                                                                scale_grad_by_freq, else 1)
    its derivative:   d(dW)/dg = s[p] · gg[idx[p]]

The dense backward sums rows with one sort and `add.reduceat` (much faster
than an unbuffered scatter-add).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine.grad_mode import no_grad
from ..engine.primitive import Primitive
from ..ops.linalg.common import TYPE_NAME
from ..tensor import Tensor

__all__ = ["embedding", "one_hot"]


def _row_scale(idx: Any, padding_idx: int | None, counts: Any, dtype: Any) -> Any:
    """s per looked-up position (idx.shape + (1,)), or None when every s is 1."""
    if padding_idx is None and counts is None:
        return None
    s = np.ones(idx.shape, dtype=dtype)
    if counts is not None:
        s = s / counts[idx].astype(dtype)
    if padding_idx is not None:
        s = np.where(idx == padding_idx, np.zeros((), dtype), s)
    return s[..., None]


def _sum_rows(xp: Any, g: Any, idx: Any, n: int, scale: Any) -> Any:
    """(n, D) array holding, at each index i, the sum of the rows of g (scaled) looked up at i."""
    if scale is not None:
        g = g * scale
    rows = g.reshape(-1, g.shape[-1])
    flat = idx.reshape(-1)
    out = xp.zeros((n, rows.shape[1]), dtype=g.dtype)
    if flat.size:
        order = xp.argsort(flat, kind="stable")
        ordered = flat[order]
        starts = xp.flatnonzero(xp.concatenate(([True], ordered[1:] != ordered[:-1])))
        out[ordered[starts]] = xp.add.reduceat(rows[order], starts, axis=0)
    return out


def _lookup_rule(g: Tensor, w_shape: tuple, idx: Any, scale: Any) -> Tensor:
    return _dense_backward(g, idx=idx, n=w_shape[0], scale=scale)


def _dense_rule(gg: Tensor, idx: Any, scale: Any) -> Tensor:
    looked = _lookup(gg, idx=idx, scale=None)
    return looked if scale is None else looked * Tensor._make(scale)


_lookup = Primitive("embedding", lambda xp, w, idx, scale: w[idx], [_lookup_rule], inputs=("w",))
_dense_backward = Primitive(
    "embedding_dense_backward", lambda xp, g, idx, n, scale: _sum_rows(xp, g, idx, n, scale), [_dense_rule],
    inputs=("g",),
)


def _renorm_rows(weight: Tensor, idx: Any, max_norm: float, norm_type: float) -> None:
    """Rescale (in place, unrecorded) the rows used whose norm exceeds `max_norm`, as PyTorch does."""
    rows = np.unique(idx)
    data = weight._data[rows]
    norms = np.linalg.norm(data, ord=norm_type, axis=1) if data.size else np.zeros(0)
    scale = np.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(data.dtype)
    with no_grad():
        weight._data[rows] = data * scale[:, None]
        weight._version.value += 1


def _check_embedding(input: Tensor, weight: Tensor, padding_idx: int | None) -> int | None:
    if input._data.dtype.name not in ("int64", "int32"):
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; "
            f"but got torch.{TYPE_NAME[input.dtype.name]}Tensor instead (while checking arguments for embedding)"
        )
    if weight._data.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    n = weight._data.shape[0]
    if padding_idx is not None:
        if padding_idx > 0 and padding_idx >= n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        if padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = n + padding_idx
    idx = input._data
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError("index out of range in self")
    return padding_idx


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of `weight` (V, D) picked by integer `input` (*) -> (*, D).

    The padding_idx row gets no gradient; `scale_grad_by_freq` divides each row's
    gradient by how often it occurs in `input`; `max_norm` first rescales (in place)
    the rows used to norm at most `max_norm`. `sparse` is accepted; gradients are dense.
    """
    padding_idx = _check_embedding(input, weight, padding_idx)
    idx = input._data.astype(np.int64, copy=False)
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    counts = np.bincount(idx.reshape(-1), minlength=weight._data.shape[0]) if scale_grad_by_freq else None
    scale = _row_scale(idx, padding_idx, counts, weight._data.dtype)
    return _lookup(weight, idx=idx, scale=scale)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 (*, num_classes) with a 1 at each value of the int64 `tensor` (*)."""
    if tensor._data.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    idx = tensor._data
    if num_classes == -1:
        if idx.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(idx.max()) + 1
    if idx.size:
        if idx.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if idx.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(idx.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, idx[..., None], 1, axis=-1)
    return Tensor._make(out)
