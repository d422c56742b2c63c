"""tanh's and sigmoid's derivatives, written with their outputs y, as PyTorch's `tanh_backward` and
`sigmoid_backward` kernels: g (1 - y²) and g (1 - y) y, each one primitive (one op call instead of
three) rounded as PyTorch's CPU kernels round, with their own derivatives recorded as PyTorch
records them. Batched under vmap they are elementwise ops too, so `jacrev`'s rows have the bits of
plain backward passes, as in PyTorch; complex gradients compose tensor ops instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.bfloat16 import forward as bf16_forward
from ...engine.primitive import Primitive
from ...engine.vmap_hook import hook as _vmap
from ...tensor import Tensor

__all__ = ["tanh_rule", "sigmoid_rule", "tanh_backward_array", "sigmoid_backward_array"]

_FLOAT32 = np.dtype(np.float32)
_OPMATH_FLOAT32 = (_FLOAT32, np.dtype(np.float16))  # dtypes PyTorch's CPU kernels compute in float32


def _times(d: Any, g: Any) -> Any:
    """d · g, into d's memory when d already has the product's shape (under vmap g may be the larger)."""
    if d.shape == g.shape or d.shape == np.broadcast_shapes(d.shape, g.shape):
        d *= g
        return d
    return d * g


def tanh_backward_array(xp: Any, g: Any, y: Any) -> Any:
    """g (1 - y²) as PyTorch's CPU kernel rounds it: 1 - y·y is one fused multiply-add, and float16
    is computed in float32 (its opmath type) and rounded once at the end."""
    if xp is np and y.dtype in _OPMATH_FLOAT32:
        d = np.asarray(y, dtype=np.float64)  # y·y is exact in float64: 1 - y·y there is the fused result
        d *= d
        np.subtract(1.0, d, out=d)
        return _times(d.astype(_FLOAT32), g).astype(y.dtype, copy=False)
    return _times(1 - y * y, g)


def sigmoid_backward_array(xp: Any, g: Any, y: Any) -> Any:
    """(g (1 - y)) y, multiplied in PyTorch's kernel's order (y (1 - y) first changes about a third
    of the last bits); float16 rounds after each step here, as PyTorch's kernel does."""
    return _times(_times(1 - y, g), y)


_tanh_backward = Primitive(
    "tanh_backward", tanh_backward_array,
    [lambda gg, y: _tanh_backward(gg, y), lambda gg, g, y: gg * g * (-2 * y)],
    inputs=("g", "y"), node_name="TanhBackwardBackward0",
)
def _sigmoid_backward_half(xp: Any, g: Any, y: Any) -> Any:
    # float16 steps rounded one by one, as PyTorch's Half kernel; bfloat16 in float32, rounded once
    if g.dtype is y.dtype and g.dtype == np.float16:
        return sigmoid_backward_array(xp, g, y)
    return bf16_forward(sigmoid_backward_array, xp, (g, y), {})


_sigmoid_backward = Primitive(
    "sigmoid_backward", sigmoid_backward_array,
    [lambda gg, y: _sigmoid_backward(gg, y), lambda gg, g, y: gg * g * (1 - 2 * y)],
    inputs=("g", "y"), node_name="SigmoidBackwardBackward0", half_forward=_sigmoid_backward_half,
)


def _plain_or_batched(t: Tensor) -> bool:
    return type(t) is Tensor or (_vmap.is_batched is not None and _vmap.is_batched(t))


def tanh_rule(g: Tensor, out: Tensor) -> Tensor:
    if _plain_or_batched(g) and _plain_or_batched(out) and out._data.dtype.kind != "c":
        return _tanh_backward(g, out)
    return g * (1 - out * out)  # 1 - tanh²a (complex, or a subclass that sees each op)


def sigmoid_rule(g: Tensor, out: Tensor) -> Tensor:
    if _plain_or_batched(g) and _plain_or_batched(out) and out._data.dtype.kind != "c":
        return _sigmoid_backward(g, out)
    return g * (out * (1 - out))  # σ(1-σ)
