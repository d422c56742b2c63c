"""Compositions of joins: hstack/vstack/dstack/column_stack, atleast_nd, meshgrid,
block_diag, cartesian_prod, combinations.

All but `block_diag` are built from `cat`, `stack` and views, so their
gradients come from those ops; `block_diag` is one node whose derivative hands
each input its block of g.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from ... import dtypes as _dt
from ..._user_frames import warn_once
from ...engine.primitive import Primitive, not_a_tensor
from ...tensor import Tensor
from ..indexing.masking import select_along
from ..kernels.arg_types import check_elements, int_arg, invalid_combination
from ..kernels.out_arg import CAT, write_out
from .slicing import cat, common_dtype, stack, take_view, tensor_list

__all__ = [
    "hstack", "vstack", "row_stack", "dstack", "column_stack", "atleast_1d", "atleast_2d",
    "atleast_3d", "meshgrid", "block_diag", "cartesian_prod", "combinations",
]


def _atleast(name: str, tensors: tuple, fix: Callable[[Tensor], Tensor]) -> Any:
    if len(tensors) == 1 and isinstance(tensors[0], Tensor):
        return fix(tensors[0])
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    elif len(tensors) == 1:
        raise invalid_combination(name, tensors, ("Tensor input", "tuple of Tensors tensors"))
    check_elements(tensors)
    return tuple(fix(t) for t in tensors)


def _fix_1d(t: Tensor) -> Tensor:
    return t.reshape(1) if t._data.ndim == 0 else t


def _fix_2d(t: Tensor) -> Tensor:
    n = t._data.ndim
    return t.reshape(1, 1) if n == 0 else t.unsqueeze(0) if n == 1 else t


def _fix_3d(t: Tensor) -> Tensor:
    n = t._data.ndim
    if n == 0:
        return t.reshape(1, 1, 1)
    if n == 1:
        return t.reshape(1, t._data.shape[0], 1)
    return t.unsqueeze(-1) if n == 2 else t


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least 1 dim: () -> (1,). One tensor in, one out; else a tuple.

    Args:
        *tensors (Tensor): the tensors (or one list or tuple of them); others keep their shape.

    Returns:
        Tensor or tuple of Tensor: a view per input, one tensor when given one.

    Examples:
        >>> retrograd.atleast_1d(retrograd.tensor(5))
        tensor([5])
        >>> retrograd.atleast_1d(retrograd.tensor(1.0), retrograd.tensor([2.0, 3.0]))
        (tensor([1.]), tensor([2., 3.]))
    """
    return _atleast("atleast_1d", tensors, _fix_1d)


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least 2 dims: () -> (1, 1), (N,) -> (1, N).

    Args:
        *tensors (Tensor): the tensors (or one list or tuple of them); others keep their shape.

    Returns:
        Tensor or tuple of Tensor: a view per input, one tensor when given one.

    Examples:
        >>> retrograd.atleast_2d(retrograd.tensor([1, 2]))
        tensor([[1, 2]])
    """
    return _atleast("atleast_2d", tensors, _fix_2d)


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least 3 dims: () -> (1, 1, 1), (N,) -> (1, N, 1), (N, M) -> (N, M, 1).

    Args:
        *tensors (Tensor): the tensors (or one list or tuple of them); others keep their shape.

    Returns:
        Tensor or tuple of Tensor: a view per input, one tensor when given one.

    Examples:
        >>> retrograd.atleast_3d(retrograd.tensor([1, 2])).shape
        retrograd.Size([1, 2, 1])
        >>> retrograd.atleast_3d(retrograd.zeros(2, 3)).shape
        retrograd.Size([2, 3, 1])
    """
    return _atleast("atleast_3d", tensors, _fix_3d)


def _nonempty(name: str, tensors: Any) -> list[Tensor]:
    tensors = tensor_list(name, tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def hstack(tensors: Any, *, out: Any = None) -> Tensor:
    """Join tensors column-wise: along dim 1, or dim 0 when they are 1-D.

    Args:
        tensors (sequence of Tensor): the tensors to join; dtypes promote.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a new tensor.

    Examples:
        >>> retrograd.hstack([retrograd.tensor([1, 2]), retrograd.tensor([3])])
        tensor([1, 2, 3])
        >>> retrograd.hstack([retrograd.tensor([[1], [2]]), retrograd.tensor([[3], [4]])])
        tensor([[1, 3],
                [2, 4]])
    """
    if out is not None:
        return write_out(
            out,
            hstack,
            locals(),
            CAT,
        )
    ts = atleast_1d(_nonempty("hstack", tensors))
    return cat(ts, 0 if ts[0]._data.ndim == 1 else 1)


def vstack(tensors: Any, *, out: Any = None) -> Tensor:
    """Join tensors row-wise, along dim 0, after making each at least 2-D (`atleast_2d`).

    Args:
        tensors (sequence of Tensor): the tensors to join; dtypes promote.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a new tensor with at least 2 dims.

    Examples:
        >>> retrograd.vstack([retrograd.tensor([1, 2]), retrograd.tensor([3, 4])])
        tensor([[1, 2],
                [3, 4]])
    """
    if out is not None:
        return write_out(
            out,
            vstack,
            locals(),
            CAT,
        )
    return cat(atleast_2d(_nonempty("vstack", tensors)), 0)


def row_stack(tensors: Any, *, out: Any = None) -> Tensor:
    """Alias of `vstack`: join tensors along dim 0 after making each at least 2-D.

    Args:
        tensors (sequence of Tensor): the tensors to join; dtypes promote.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a new tensor with at least 2 dims.

    Examples:
        >>> retrograd.row_stack([retrograd.tensor([1, 2]), retrograd.tensor([3, 4])])
        tensor([[1, 2],
                [3, 4]])
    """
    if out is not None:
        return write_out(
            out,
            row_stack,
            locals(),
            CAT,
        )
    return vstack(tensors)


def dstack(tensors: Any, *, out: Any = None) -> Tensor:
    """Join tensors depth-wise, along dim 2, after making each at least 3-D (`atleast_3d`).

    Args:
        tensors (sequence of Tensor): the tensors to join; dtypes promote.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a new tensor with at least 3 dims.

    Examples:
        >>> retrograd.dstack([retrograd.tensor([1, 2]), retrograd.tensor([3, 4])])
        tensor([[[1, 3],
                 [2, 4]]])
    """
    if out is not None:
        return write_out(
            out,
            dstack,
            locals(),
            CAT,
        )
    return cat(atleast_3d(_nonempty("dstack", tensors)), 2)


def column_stack(tensors: Any, *, out: Any = None) -> Tensor:
    """Join tensors as columns: 0-d and 1-D inputs become (N, 1) columns, then `hstack`.

    Args:
        tensors (sequence of Tensor): the tensors to join; dtypes promote.
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: a new 2-D (or higher) tensor.

    Examples:
        >>> retrograd.column_stack([retrograd.tensor([1, 2]), retrograd.tensor([3, 4])])
        tensor([[1, 3],
                [2, 4]])
    """
    if out is not None:
        return write_out(
            out,
            column_stack,
            locals(),
            CAT,
        )
    ts = _nonempty("column_stack", tensors)
    return cat([t.reshape(t._data.size, 1) if t._data.ndim <= 1 else t for t in ts], 1)


def meshgrid(*tensors: Any, indexing: str | None = None) -> tuple[Tensor, ...]:
    """Grids from 1-D tensors: N tensors of shape (n1, ..., nN) ('ij'), first two swapped for 'xy'.

    Args:
        *tensors (Tensor): 1-D (or 0-d) tensors, or one list or tuple of them.
        indexing (str, optional): 'ij' (matrix indexing) or 'xy' (Cartesian); None warns and uses 'ij'.

    Returns:
        tuple of Tensor: one broadcast view per input; the k-th varies along dim k.

    Examples:
        >>> x, y = retrograd.meshgrid(retrograd.tensor([1, 2, 3]), retrograd.tensor([4, 5]), indexing="ij")
        >>> x
        tensor([[1, 1],
                [2, 2],
                [3, 3]])
        >>> y
        tensor([[4, 5],
                [4, 5],
                [4, 5]])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    check_elements(tensors)
    if indexing is None:
        warn_once(  # once per process, as PyTorch's TORCH_WARN_ONCE
            "meshgrid: no indexing",
            "torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
        )
        indexing = "ij"
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}")
    if any(t._data.dtype != tensors[0]._data.dtype for t in tensors):
        raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) > 1:
        axes[0], axes[1] = 1, 0  # 'xy': the first tensor varies along columns
    sizes = [0] * len(tensors)
    for t, ax in zip(tensors, axes):
        sizes[ax] = t._data.size
    grids = []
    for t, ax in zip(tensors, axes):
        shape = [1] * len(tensors)
        shape[ax] = -1
        grids.append(t.reshape(shape).expand(sizes))
    return tuple(grids)


def _place_blocks(xp: Any, *arrays: Any, boxes: tuple, shapes: tuple, size: tuple, dt: Any) -> Any:
    out = xp.zeros(size, dtype=dt)
    for a, (r0, r1, c0, c1) in zip(arrays, boxes):
        out[r0:r1, c0:c1] = a.reshape(r1 - r0, c1 - c0)
    return out


def _block_rule(i: int) -> Any:
    def rule(g: Tensor, boxes: tuple, shapes: tuple) -> Tensor:
        r0, r1, c0, c1 = boxes[i]
        return take_view(g, (slice(r0, r1), slice(c0, c1))).reshape(shapes[i])

    return rule


@lru_cache(maxsize=64)
def _block_diag_op(n: int) -> Primitive:
    # d/d(input i) = the block of g where input i was placed
    names = tuple(f"t{i}" for i in range(n))
    return Primitive("block_diag", _place_blocks, [_block_rule(i) for i in range(n)], inputs=names)


def block_diag(*tensors: Tensor) -> Tensor:
    """Tensors (0-d, 1-D as a row, or 2-D) as blocks along the diagonal of a zero matrix.

    Args:
        *tensors (Tensor): the blocks; dtypes promote.

    Returns:
        Tensor: a 2-D tensor whose size is the sum of the blocks' sizes in each dim.

    Examples:
        >>> retrograd.block_diag(retrograd.tensor([[1, 2], [3, 4]]), retrograd.tensor(5))
        tensor([[1, 2, 0],
                [3, 4, 0],
                [0, 0, 5]])
    """
    check_elements(tensors)
    boxes, r, c = [], 0, 0
    for i, t in enumerate(tensors):
        n = t._data.ndim
        if n > 2:
            raise RuntimeError(
                f"torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has {n} dimensions"
            )
        h, w = (1, 1) if n == 0 else (1, t._data.shape[0]) if n == 1 else t._data.shape
        boxes.append((r, r + h, c, c + w))
        r, c = r + h, c + w
    if not tensors:
        return Tensor._make(np.zeros((1, 0), dtype=_dt.get_default_dtype().np))
    op = _block_diag_op(len(tensors))
    shapes = tuple(t._data.shape for t in tensors)
    return op(*tensors, boxes=tuple(boxes), shapes=shapes, size=(r, c), dt=common_dtype(tensors).np)


def _check_vector(t: Tensor) -> None:
    if t._data.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {list(t._data.shape)}")


def cartesian_prod(*tensors: Tensor) -> Tensor:
    """All tuples of one element from each 1-D tensor, as rows: (n1 * ... * nN, N).

    Args:
        *tensors (Tensor): 1-D tensors; a single one is returned as it is.

    Returns:
        Tensor: the product, row by row in lexicographic order.

    Examples:
        >>> retrograd.cartesian_prod(retrograd.tensor([1, 2]), retrograd.tensor([3, 4]))
        tensor([[1, 3],
                [1, 4],
                [2, 3],
                [2, 4]])
    """
    check_elements(tensors)
    for t in tensors:
        _check_vector(t)
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.flatten() for g in grids], 1)


def combinations(input: Tensor, r: int = 2, with_replacement: bool = False) -> Tensor:
    """All length-`r` combinations of a 1-D tensor's elements, as rows: (C(n, r), r).

    Args:
        input (Tensor): a 1-D tensor.
        r (int): the length of each combination (default 2).
        with_replacement (bool): whether an element may repeat within a combination (default False).

    Returns:
        Tensor: one combination per row, in the order of `itertools.combinations`.

    Examples:
        >>> retrograd.combinations(retrograd.tensor([1, 2, 3]))
        tensor([[1, 2],
                [1, 3],
                [2, 3]])
        >>> retrograd.combinations(retrograd.tensor([1, 2]), with_replacement=True)
        tensor([[1, 1],
                [1, 2],
                [2, 2]])
    """
    if not isinstance(input, Tensor):
        raise not_a_tensor("combinations", input)
    if type(r) is not int:
        r = int_arg("combinations", "r", 2, r)
    _check_vector(input)
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return Tensor._make(np.empty((0,), dtype=input._data.dtype))
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    flat = np.fromiter(itertools.chain.from_iterable(pick(range(input._data.shape[0]), r)), dtype=np.int64)
    index = flat.reshape(-1, r)
    return stack([select_along(input, index[:, j], 0) for j in range(r)], 1)
