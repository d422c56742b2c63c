"""weight_norm's kernel, `w = v · g / ‖v‖` with the norm over every dim of v but `dim`, as one node.

PyTorch records `_weight_norm(v, g, dim)` as one WeightNormInterfaceBackward0 node with edges to
v and g (over all of v, dim -1, it composes ordinary ops instead). With n = ‖v‖ (the other dims
kept as 1s), incoming gradient G and S = Σ G·v over the other dims:

    dv = (g / n) · (G - v · S / n²)        dg = S / n

The forward takes n as computed by `norm_except_dim` (so w has the bits of the composed ops);
the rule recomputes it from v with ops, so that a recorded backward sees its dependence on v.
"""

from __future__ import annotations

from typing import Any

from ..engine.grad_mode import no_grad
from ..engine.primitive import Primitive, not_a_tensor
from ..engine.vmap_hook import hook as _vmap
from ..tensor import Tensor
from .kernels.arg_types import check_tensors, int_arg
from .kernels.operands import numpy_alias
from .reduction.norms import vector_norm

__all__ = ["norm_except_dim", "_weight_norm"]


def norm_except_dim(v: Tensor, pow: float = 2, dim: int = 0, *, axis: int | None = None) -> Tensor:
    """The `pow`-norm of `v` over every dim but `dim` (kept, the others as 1s); `dim` -1: over all of v.

    Args:
        v (Tensor): the tensor.
        pow (float): the norm's order (default 2).
        dim (int): the dim left out of the norm (default 0), or -1 for one norm of everything.
        axis (int, optional): NumPy's name for `dim`, as PyTorch accepts it.

    Returns:
        Tensor: `v`'s shape with 1 in every dim but `dim` (0-d for -1).

    Examples:
        >>> retrograd.norm_except_dim(retrograd.tensor([[3.0, 4.0], [0.0, 1.0]]), 2, 0)
        tensor([[5.],
                [1.]])
    """
    if not isinstance(v, Tensor):
        raise not_a_tensor("norm_except_dim", v, "v")
    if axis is not None:
        dim = numpy_alias("norm_except_dim", dim, 0, axis, "axis")
    if type(pow) is not int or type(dim) is not int:  # (the parser's TypeError; a 0-d integer tensor passes)
        pow, dim = int_arg("norm_except_dim", "pow", 2, pow), int_arg("norm_except_dim", "dim", 3, dim)
    if dim == -1:
        return vector_norm(v, pow)
    v.size(dim)  # PyTorch's IndexError for a dim out of range, or any dim of a 0-d v
    dim %= v.dim()
    if v.shape[dim] == 0:  # PyTorch views v as (v.size(dim), -1) (or (-1, v.size(dim)) for the last dim)
        shape = "[-1, 0]" if 0 < dim == v.dim() - 1 else "[0, -1]"
        raise RuntimeError(
            f"cannot reshape tensor of 0 elements into shape {shape} because the unspecified dimension size -1 "
            "can be any value and is ambiguous"
        )
    return vector_norm(v, pow, dim=_others(v.dim(), dim), keepdim=True)


def _others(ndim: int, dim: int) -> tuple:
    return tuple(d for d in range(ndim) if d != dim)


def _forward(xp: Any, v: Any, g: Any, norm: Any, dim: int) -> Any:
    return v * (g / norm)


def _rule(grad: Tensor, v: Tensor, g: Tensor, norm: Any, dim: int) -> tuple:
    n = norm_except_dim(v, 2, dim)
    s = (grad * v).sum(_others(v.dim(), dim), keepdim=True)
    return (g / n) * (grad - v * (s / (n * n))), s / n


_WEIGHT_NORM = Primitive("_weight_norm", _forward, [_rule], inputs=("v", "g"),
                         node_name="WeightNormInterfaceBackward0", joint=True)


def _weight_norm(v: Tensor, g: Tensor, dim: int = 0) -> Tensor:
    """`v · (g / norm_except_dim(v, 2, dim))`: PyTorch's `_weight_norm`, one node unless `dim` is -1.

    Args:
        v (Tensor): the direction.
        g (Tensor): the magnitude, 1 in every dim but `dim` (0-d for dim -1).
        dim (int): the dim whose slices are normalised one by one, or -1 for all of v at once.

    Returns:
        Tensor: the weight, `v`'s shape.

    Examples:
        >>> v = retrograd.tensor([[3.0, 4.0]], requires_grad=True)
        >>> w = retrograd._weight_norm(v, retrograd.tensor([[10.0]]), 0)
        >>> w, w.grad_fn.name()
        (tensor([[6., 8.]], grad_fn=<WeightNormInterfaceBackward0>), 'WeightNormInterfaceBackward0')
    """
    if not (isinstance(v, Tensor) and isinstance(g, Tensor)):
        check_tensors("_weight_norm", v=v, g=g)
    if type(dim) is not int:  # (the parser's TypeError; a 0-d integer tensor passes)
        dim = int_arg("_weight_norm", "dim", 3, dim)
    if dim == -1 or _vmap.active:  # (under vmap the ops' batching rules do it: the node reads no arrays)
        return v * (g / norm_except_dim(v, 2, dim))
    v.size(dim)  # PyTorch's IndexError for a dim out of range, or any dim of a 0-d v
    dim %= v.dim()
    if g.dtype != v.dtype and dim in (0, v.dim() - 1):  # PyTorch's fused kernel (the first and last dims) casts nothing
        raise RuntimeError(f"expected scalar type {v.dtype.kind_name} but found {g.dtype.kind_name}")
    with no_grad():
        norm = norm_except_dim(v, 2, dim)
    return _WEIGHT_NORM(v, g, norm=norm._data, dim=dim)
