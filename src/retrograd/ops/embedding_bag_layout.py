"""Where each index of an `embedding_bag` goes: its bag, from the offsets, and each bag's size.

A primitive of its own (no gradient: integer inputs), so the checks of the indices and offsets and
the bags they make are worked out from the arrays every time it runs, generated code included:
`retrograd.compile` replays it for new offsets rather than freezing the first call's bags.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..backend import as_device, namespace, to_device
from ..engine.primitive import Primitive
from ..tensor import Tensor
from .embeddings import bag_max_rows

__all__: list = []


def check_range(idx: np.ndarray, n_rows: int, fast: bool) -> None:
    """PyTorch's error for an index out of [0, n_rows): its fast kernel's (sum and mean of float32
    and half rows with no padding_idx) names the position, the others the index only."""
    bad = np.flatnonzero((idx < 0) | (idx >= n_rows))
    if not bad.size:
        return
    if fast:
        raise RuntimeError(
            f"Index {bad[0]} of input takes value {idx[bad[0]]} which is not in the valid range [0, {n_rows})"
        )
    raise RuntimeError(f"embedding_bag: Expected idx >= 0 && idx < num_embeddings but found idx to be {idx[bad[0]]}")


def bags(offsets: np.ndarray, n: int, include_last_offset: bool, kind: str) -> tuple[np.ndarray, int]:
    """Each index's bag (the number of bags for indices in none) and the number of bags.

    `kind` names the offsets' legacy tensor type, which PyTorch's message prints.
    """
    if offsets.size and offsets[0] != 0:
        raise RuntimeError(
            "offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from position 0. "
            f"However, got {offsets[0]}\n[ torch.{kind}{{}} ]"
        )
    if offsets.size and offsets[-1] > n:
        raise RuntimeError(
            f"offsets[-1] can not be greater than input's length {n} but got offsets[-1] of {offsets[-1]}"
        )
    if np.any(np.diff(offsets) < 0):
        raise RuntimeError("offsets must be non-decreasing")
    n_bags = max(offsets.size - 1, 0) if include_last_offset else offsets.size
    starts = offsets[:n_bags]
    bag = np.searchsorted(starts, np.arange(n), side="right") - 1
    bag[bag < 0] = n_bags
    return bag, n_bags


def _layout(
    xp: Any, idx: Any, offsets: Any, n_rows: int, pad: int | None, last: bool, kind: str, fast: bool, dtype: Any
) -> tuple[Any, Any]:
    # worked out on the host, as PyTorch's CPU kernel: the checks raise its errors
    cpu = as_device("cpu")
    host_idx = np.asarray(to_device(idx, cpu), dtype=np.int64)
    bag, n_bags = bags(np.asarray(to_device(offsets, cpu), dtype=np.int64), host_idx.size, last, kind)
    check_range(host_idx, n_rows, fast)  # after the offsets' checks, as PyTorch
    if pad is not None:
        bag[host_idx == pad] = n_bags  # rows at padding_idx belong to no bag
    sizes = np.bincount(bag, minlength=n_bags + 1)[:n_bags].clip(1)[:, None].astype(dtype)
    return xp.asarray(bag), xp.asarray(sizes)


_LAYOUT = Primitive("embedding_bag_layout", _layout, [None, None], inputs=("idx", "offsets"), n_outputs=2)


def bag_layout(
    idx: Tensor, offsets: Tensor, weight: Tensor, pad: int | None, last: bool, kind: str, fast: bool
) -> tuple[Any, Any]:
    """(bag, sizes) arrays for the 1-D indices `idx` into `weight`'s rows split at `offsets`: each
    position's bag (the number of bags for a position in none: before the first offset, or at
    `pad`), and each bag's size, at least 1, as an (n_bags, 1) array of `weight`'s dtype (what
    'mean' divides by)."""
    n_rows, dtype = weight.shape[0], weight._data.dtype
    bag, sizes = _LAYOUT(idx, offsets, n_rows=n_rows, pad=pad, last=last, kind=kind, fast=fast, dtype=dtype)
    return bag._data, sizes._data


def _host(t: Tensor) -> np.ndarray:
    return np.asarray(to_device(t._data, as_device("cpu")), dtype=np.int64)


def _counts(indices: Tensor, offsets: Tensor, mode: int, pad: int | None, last: bool, fast: bool, grad: bool) -> tuple:
    """offset2bag and bag_size of ATen's embedding_bag, on the host (see `aten_results`)."""
    idx, offs = _host(indices), _host(offsets)
    n_bags = offs.size - 1 if last else offs.size
    position_bag = np.searchsorted(offs[:n_bags], np.arange(idx.size), side="right") - 1
    offset2bag = position_bag[:0] if mode == 0 and fast else position_bag
    if mode == 0:
        return offset2bag, np.zeros(n_bags if grad else offs.size, np.int64)
    counted = position_bag[(position_bag >= 0) & (idx != (-1 if pad is None else pad))]
    return offset2bag, np.bincount(counted, minlength=n_bags)[:n_bags]


def aten_results(
    weight: Tensor, indices: Tensor, offsets: Tensor, bag: Any, mode: int, pad: int | None, last: bool, fast: bool,
    grad: bool, index_dtype: Any,
) -> tuple[Tensor, Tensor, Tensor]:
    """offset2bag, bag_size and max_indices of ATen's embedding_bag, as PyTorch's CPU kernel fills them.

    `bag` is `bag_layout`'s; `mode` ATen's number; `fast`: PyTorch's fast path, where 'sum' works out
    no offset2bag; `grad`: the weight or the per-sample weights need a gradient (bag_size for
    'sum' then has a zero per bag, else one per offset). In `index_dtype`, on the indices' device."""
    offset2bag, bag_size = _counts(indices, offsets, mode, pad, last, fast, grad)
    if mode == 2:  # the row each maximum came from
        rows = bag_max_rows(weight._data, indices._data.astype(np.int64), bag, bag_size.size)
        max_indices = np.asarray(to_device(rows, as_device("cpu")))
    else:
        max_indices = bag_size.copy()
    xp = namespace(indices._data)
    o2b, size, maxi = (Tensor._make(xp.asarray(a.astype(index_dtype.np))) for a in (offset2bag, bag_size, max_indices))
    return o2b, size, maxi
