"""`torch._higher_order_ops.associative_scan`: an inclusive scan with an associative operator.

`associative_scan(combine_fn, xs, dim)` gives `ys` with `ys[0] = xs[0]` and
`ys[i] = combine_fn(ys[i - 1], xs[i])` along `dim`, for a tensor or a pytree of same-shape
tensors. As PyTorch's `combine_mode="generic"`, it runs `combine_fn` (vectorised with vmap) on
half the elements at a time, pairing neighbours level by level and then filling in the rest,
so results carry PyTorch's rounding, not that of a left-to-right loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import ops
from ..func.vmap import vmap
from ..tensor import Tensor
from ..utils import _pytree as pytree

__all__ = ["associative_scan"]

_MODES = ("pointwise", "generic")


def associative_scan(
    combine_fn: Callable[[Any, Any], Any],
    xs: Any,
    dim: int,
    reverse: bool = False,
    combine_mode: str = "pointwise",
) -> Any:
    """Inclusive scan of `xs` along `dim` with the associative `combine_fn`.

    Args:
        combine_fn (callable): `(pytree, pytree) -> pytree` of tensors, associative and pure.
        xs (Tensor or pytree of Tensors): the inputs, all of one shape.
        dim (int): the dimension to scan over.
        reverse (bool): scan from the end of `dim` (default False).
        combine_mode (str): `'generic'`, or `'pointwise'` (CUDA tensors only, as in PyTorch).

    Returns:
        the scanned pytree, shaped as `xs`.

    Examples:
        >>> from retrograd._higher_order_ops.associative_scan import associative_scan
        >>> associative_scan(lambda a, b: a + b, retrograd.tensor([1.0, 2.0, 3.0]), 0, combine_mode="generic")
        tensor([1., 3., 6.])
    """
    leaves, spec = pytree.tree_flatten(xs)
    dim = _canonical_dim(dim, leaves[0].ndim)  # before the checks, as PyTorch (no leaves: IndexError)
    _check(combine_fn, leaves, dim, reverse, combine_mode)
    leaves = [ops.movedim(x, dim, 0) for x in leaves]
    if reverse:
        leaves = [ops.flip(x, [0]) for x in leaves]
    batched = vmap(combine_fn, in_dims=(0, 0), out_dims=0)

    def combine(left: list[Tensor], right: list[Tensor]) -> list[Tensor]:
        out = batched(pytree.tree_unflatten(left, spec), pytree.tree_unflatten(right, spec))
        return pytree.tree_leaves(out)

    out = _scan(combine, leaves)
    if reverse:
        out = [ops.flip(x, [0]) for x in out]
    return pytree.tree_unflatten([ops.movedim(x, 0, dim) for x in out], spec)


def _canonical_dim(dim: Any, ndim: int) -> Any:
    """`dim` counted from 0; IndexError outside `[-ndim, ndim)` (a 0-d tensor counts as 1-d)."""
    if not isinstance(dim, int):
        return dim  # _check names the type
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


def _check(combine_fn: Any, leaves: list[Any], dim: Any, reverse: Any, combine_mode: str) -> None:
    """PyTorch's argument checks, with its exception types and messages."""
    if not callable(combine_fn):
        raise ValueError(f"Combine_fn must be a callable, but got {combine_fn}")
    if not isinstance(dim, int):
        raise ValueError("Dim must be an int, but got " + str(type(dim)))
    if not isinstance(reverse, bool):
        raise RuntimeError("Reverse must be a bool, but got " + str(type(reverse)))
    if combine_mode not in _MODES:
        raise ValueError(f"Combine_mode must either 'pointwise' or 'generic', but got {combine_mode}")
    if any(not isinstance(x, Tensor) for x in leaves):
        raise ValueError("xs leaves must be a Tensor")
    if combine_mode == "pointwise" and not all(x.device.type in ("cuda", "xpu") for x in leaves):
        raise ValueError("For combine_mode='pointwise', all input tensors need to be on CUDA or XPU")
    if any(x.ndim <= dim or x.shape[dim] == 0 for x in leaves):
        raise ValueError("All xs leaves must at least have 'dim' number of dimensions and scan dimension > 0")


def _scan(combine: Callable[[list[Tensor], list[Tensor]], list[Tensor]], leaves: list[Tensor]) -> list[Tensor]:
    """Scan along dim 0: combine neighbour pairs level by level, then fill each level back in.

    Going down, level k+1 holds `combine(level[0::2], level[1::2])` (pairs of neighbours) until
    one element is left; going up, a level's scan interleaves the scanned level above it (its
    odd positions) with `combine(those, level[2::2])` after the level's first element (its even
    positions).
    """
    levels = []
    while leaves[0].shape[0] >= 2:
        levels.append(leaves)
        leaves = combine([x[0:-1:2] for x in leaves], [x[1::2] for x in leaves])
    scanned = leaves
    for level in reversed(levels):
        n = level[0].shape[0]
        odd = scanned
        left = [x[:-1] for x in odd] if n % 2 == 0 else odd
        even = combine(left, [x[2::2] for x in level])
        even = [ops.cat([x[0:1], e]) if e.numel() > 0 else x[0:1] for x, e in zip(level, even)]
        scanned = [_interleave(e, o) for e, o in zip(even, odd)]
    return scanned


def _interleave(even: Tensor, odd: Tensor) -> Tensor:
    """`even[0], odd[0], even[1], odd[1], ...` along dim 0 (`even` may be one longer)."""
    n = even.shape[0] + odd.shape[0]
    if odd.shape[0] < even.shape[0]:
        odd = ops.cat([odd, ops.zeros_like(even[:1])])
    return ops.stack([even, odd], 1).flatten(0, 1)[:n]
