"""index_reduce: slices of `source` reduced into `input` at the positions `index` gives along a dim.

It is scatter_reduce with the 1-D index spread over source's shape, so its gradients are
scatter_reduce's (PyTorch's rules: ties of amax/amin share the gradient; prod handles zeros).
"""

from __future__ import annotations

import warnings

import numpy as np

from ..._user_frames import user_stacklevel
from ...backend import namespace
from ...engine.primitive import Primitive
from ...engine.vmap_hook import NOT_BATCHED, batched
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor
from ..kernels.arg_types import bool_arg
from ..kernels.operands import wrap_dim
from .gather_scatter import _key_along, _scatter_reduce_forward, _scatter_reduce_rule

# scatter_reduce's arithmetic and gradients, recorded as PyTorch records index_reduce
_index_reduce = Primitive(
    "index_reduce", _scatter_reduce_forward, [_scatter_reduce_rule(0), _scatter_reduce_rule(1)],
    inputs=("a", "v"), node_name="IndexReduceBackward0",
)

__all__ = ["index_reduce"]

_REDUCTIONS = ("prod", "mean", "amax", "amin")


def _check(input: Tensor, d: int, index: Tensor, source: Tensor, reduce: str) -> None:
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f"index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.")
    if index._data.dtype not in (np.int64, np.int32):
        raise RuntimeError(f"index_reduce_(): Expected dtype int32/int64 for index but got: {index.dtype.kind_name}")
    if input.dtype is not source.dtype:
        raise RuntimeError(
            f"index_reduce_(): self ({input.dtype.kind_name}) and source ({source.dtype.kind_name}) must have the "
            "same scalar type"
        )
    if index._data.ndim > 1:
        raise IndexError("index_reduce_(): Index is supposed to be a vector")
    n_source = source._data.shape[d] if source._data.ndim else 1
    if index._data.size != n_source:
        raise RuntimeError(
            f"index_reduce_(): Number of indices ({index._data.size}) should be equal to source.size(dim): "
            f"({n_source}), for dim: {d}"
        )
    a_shape, s_shape = list(input._data.shape), list(source._data.shape)
    if len(a_shape) != len(s_shape) or a_shape[:d] + a_shape[d + 1 :] != s_shape[:d] + s_shape[d + 1 :]:
        raise RuntimeError(
            "source tensor shape must match self tensor shape, excluding the specified dimension. Got self.shape = "
            f"{a_shape} source.shape = {s_shape}"
        )


def _check_in_range(input: Tensor, d: int, index: Tensor) -> None:
    size = input._data.shape[d] if input._data.ndim else 1
    if index._data.size and (index._data.min() < -size or index._data.max() >= size):
        raise IndexError("index out of range in self")


_beta_warned = False


def _warn_beta_once() -> None:
    """PyTorch's warning that index_reduce is in beta, given once per process as PyTorch does."""
    global _beta_warned
    _beta_warned = True
    warnings.warn("index_reduce() is in beta and the API may change at any time.", UserWarning,
                  stacklevel=user_stacklevel())


def index_reduce(
    input: Tensor, dim: int, index: Tensor, source: Tensor, reduce: str, *, include_self: bool = True
) -> Tensor:
    """A copy of input where slice `index[i]` along `dim` is reduced with slice i of `source`.

    `reduce` is 'prod', 'mean', 'amax' or 'amin'; with `include_self=False` input's own values at
    the indexed slices take no part. Integer 'mean' rounds down, as in PyTorch. (PyTorch marks this
    op as beta and warns once.)

    Args:
        input (Tensor): the tensor to reduce into.
        dim (int): the dim that `index` selects along.
        index (Tensor): a 1-D int64 tensor, one entry per slice of `source`.
        source (Tensor): the slices; `input`'s shape except in `dim`, `input`'s dtype.
        reduce (str): 'prod', 'mean', 'amax' or 'amin'.
        include_self (bool): whether `input`'s values at the indexed slices take part (default True).

    Returns:
        Tensor: a new tensor of `input`'s shape.

    Examples:
        >>> x = retrograd.tensor([1.0, 2.0, 3.0])
        >>> retrograd.index_reduce(x, 0, retrograd.tensor([0, 0, 1]), retrograd.tensor([4.0, 5.0, 6.0]), "prod")
        tensor([20., 12.,  3.])
    """
    if type(include_self) is not bool:  # PyTorch's parser: no truthy stand-ins
        include_self = bool_arg("index_reduce", "include_self", None, include_self)
    if _vmap.active and (
        r := batched("loop", index_reduce, input, dim, index, source, reduce, include_self=include_self)
    ) is not NOT_BATCHED:
        return r
    d = wrap_dim(dim, max(input._data.ndim, 1))
    _check(input, d, index, source, reduce)
    # PyTorch checks the arguments first and warns in the kernel, before it finds an index out of range.
    if not _beta_warned:
        _warn_beta_once()
    _check_in_range(input, d, index)
    shape = [1] * source._data.ndim
    shape[d] = -1
    xp = namespace(index._data)
    idx = xp.broadcast_to(index._data.astype(np.int64).reshape(shape), source._data.shape)
    _, key = _key_along(input, d, Tensor._make(xp.ascontiguousarray(idx)), "scatter_reduce", source)
    return _index_reduce(input, source, key=key, reduce=reduce, include_self=bool(include_self))
