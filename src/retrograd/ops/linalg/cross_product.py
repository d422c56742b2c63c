"""The cross product of 3-vectors along a dimension (`torch.cross`, `torch.linalg.cross`).

One primitive (`np.cross`) whose derivatives are cross products again: for y = a × b,
dL/da = b × g and dL/db = g × a, so it is differentiable to any order.
"""

from __future__ import annotations

from typing import Any

from ..._user_frames import warn_once
from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..kernels.arg_types import check_tensors
from ..kernels.operands import wrap_dim
from ..kernels.out_arg import SAME, write_out
from .common import broadcast_batch, check_same_dtype

__all__ = ["cross"]


_cross: Primitive = Primitive(
    "linalg_cross", lambda xp, a, b, dim: xp.cross(a, b, axis=dim),
    [lambda g, b, dim: _cross(b, g, dim=dim),   # d(a×b)·g/da = b × g
     lambda g, a, dim: _cross(g, a, dim=dim)],  # d(a×b)·g/db = g × a
    inputs=("a", "b"),
    quiet=True,
    holomorphic=True,
)


def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1, out: Any = None) -> Tensor:
    """Cross product of 3-vectors along `dim`, broadcasting the other dims.

    Args:
        input (Tensor): a tensor whose `dim` has size 3.
        other (Tensor): the same number of dims, `dim` of size 3; broadcasts with `input`.
        dim (int): the dim holding the vectors (default -1).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape.

    Examples:
        >>> retrograd.linalg.cross(retrograd.tensor([1, 0, 0]), retrograd.tensor([0, 1, 0]))
        tensor([0, 0, 1])
    """
    if out is not None:
        return write_out(out, linalg_cross, locals(), SAME)
    if input._data.ndim != other._data.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    n = input._data.ndim
    d = wrap_dim(dim, n)
    la, lb = input._data.shape[d], other._data.shape[d]
    if la != 3 or lb != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got {la} and {lb}")
    broadcast_batch(input._data.shape, other._data.shape)
    check_same_dtype(input, other)
    if input._data.dtype.kind == "b":  # PyTorch's kernel has no bool version (NumPy's raises its own TypeError)
        raise NotImplementedError("\"cross\" not implemented for 'Bool'")
    return _cross(input, other, dim=d - n)


def cross(input: Tensor, other: Tensor, dim: int | None = None, *, out: Any = None) -> Tensor:
    """Cross product along `dim` (default, deprecated: the first dim of size 3).

    Args:
        input (Tensor): a tensor with a dim of size 3.
        other (Tensor): a tensor of the same number of dims; broadcasts with `input`.
        dim (int, optional): the dim holding the vectors; None takes the first dim of size 3 (with
            PyTorch's deprecation warning).
        out (Tensor, optional): a tensor to write the result into.

    Returns:
        Tensor: the broadcast shape.

    Examples:
        >>> a = retrograd.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
        >>> retrograd.cross(a, retrograd.tensor([[0.0, 1.0, 0.0]]), dim=1)
        tensor([[0., 0., 1.],
                [0., 0., 0.]])
    """
    check_tensors("cross", input=input, other=other)
    if out is not None:
        return write_out(out, cross, locals(), SAME)
    if dim is None:
        shape = broadcast_batch(input._data.shape, other._data.shape)
        warn_once("cross: no dim", _NO_DIM)  # before the search for a size-3 dim, which may fail
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(input, other, dim=dim)


_NO_DIM = (
    "Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
    "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
    "with that of linalg.cross in a future release."
)
