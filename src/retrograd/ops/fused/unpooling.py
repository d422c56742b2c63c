"""Max unpooling as one op per rank (PyTorch's MaxUnpool2DBackward0 / MaxUnpool3DBackward0 nodes).

Each plane of the input (the leading dims, then the pooled dims) goes to zeros of the unpooled
size, every value at its flat index in the plane; where two values share an index the later one
stays. The gradient gathers from the same places, with `gather` itself, so that derivatives of
any order are recorded. The indices are the op's second input (no gradient), so a recording by
`retrograd.compile` reads them on every call rather than freezing one step's.
"""

from __future__ import annotations

import math
from typing import Any

from ...engine.primitive import Primitive
from ...tensor import Tensor

__all__: list[str] = []  # reached through retrograd.nn.functional.max_unpool1d/2d/3d


def _unpool_forward(xp: Any, a: Any, idx: Any, sizes: tuple[int, ...]) -> Any:
    lead = a.shape[: a.ndim - len(sizes)]
    out = xp.zeros((*lead, math.prod(sizes)), dtype=a.dtype)
    xp.put_along_axis(out, idx.reshape(*lead, -1), a.reshape(*lead, -1), axis=-1)
    return out.reshape(*lead, *sizes)


def _gathered(g: Tensor, idx: Tensor, sizes: tuple[int, ...]) -> Tensor:
    """d(unpool)/d(input): the incoming gradient at each value's index, in the input's shape."""
    lead = tuple(idx.shape[: idx.dim() - len(sizes)])
    return g.reshape(*lead, -1).gather(-1, idx.reshape(*lead, -1)).reshape(idx.shape)


_UNPOOL = {
    nd: Primitive(f"max_unpool{nd}d", _unpool_forward, [_gathered, None], inputs=("a", "idx"),
                  node_name=f"MaxUnpool{nd}DBackward0")
    for nd in (2, 3)
}


def max_unpool(input: Tensor, indices: Tensor, sizes: list[int]) -> Tensor:
    """`input` (N, C, *S) or (C, *S) scattered to its flat `indices` in zeros of spatial shape `sizes`
    (2 or 3 dims; the caller has checked the arguments)."""
    return _UNPOOL[len(sizes)](input, indices, sizes=tuple(sizes))
