"""Array access for the fused kernels of nn and optim (optimizer updates that run on arrays).

nn and optim work on Tensors through the public API. The one exception is a
fused in-place kernel, such as an optimizer's update on its fast path, which
changes the parameters' and buffers' arrays directly with NumPy's augmented
assignments (no temporaries beyond the formula's, nothing recorded). These
helpers are the whole of that access: read the arrays, bump the version
counters after changing them, wrap a new array as a tensor; and the argument
preparation of the fused kernels that nn.functional calls with arrays.
"""

from __future__ import annotations

from typing import Any

from ..backend import namespace
from ..dtypes import bfloat16, float16
from ..engine.vmap_hook import NOT_BATCHED
from ..engine.vmap_hook import batched as _batched
from ..engine.vmap_hook import hook as _vmap
from ..tensor import Tensor
from .fused import loss as _loss
from .fused import normalization as _norm

__all__ = [
    "array_namespace",
    "arrays_of",
    "bump_versions",
    "tensor_over",
    "binary_cross_entropy",
    "normalize",
    "cpu_batch_norm",
    "layer_norm",
]


def array_namespace(t: Tensor) -> Any:
    """The array module (NumPy for "cpu") that holds `t`'s data."""
    return namespace(t._data)


def arrays_of(*tensors: Tensor | None) -> list[Any]:
    """The arrays behind `tensors` (None stays None), for a kernel that changes them in place."""
    return [None if t is None else t._data for t in tensors]


def bump_versions(*tensors: Tensor | None) -> None:
    """Count an in-place change made on the arrays, so saved tensors that are now stale are caught."""
    for t in tensors:
        if t is not None:
            t._version_counter.value += 1


def tensor_over(array: Any) -> Tensor:
    """A tensor (not requiring grad) over `array`, without copying it."""
    return Tensor._make(array)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None, reduction: str) -> Tensor:
    """The fused binary cross-entropy kernel (`ops.fused.loss`), reduced, its weight given as a tensor."""
    return _loss.binary_cross_entropy(input, target, None if weight is None else weight._data, reduction)


def normalize(
    kind: str,
    input: Tensor,
    weight: Tensor | None,
    bias: Tensor | None,
    view: tuple,
    dims: tuple,
    eps: float,
    stats: tuple[Tensor, Tensor] | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """The fused normalisation kernel `kind` ("layer", "batch", "group"; `ops.fused.normalization`) of `input`.

    `input` is seen as `view` and normalised over `dims`, by its own statistics or,
    given `stats`, by that (mean, var) pair (batch norm in eval mode: no gradient
    flows through them). Returns the output and the mean and biased variance used.
    """
    if _vmap.active:
        if kind != "layer":  # the kernels see batched arrays, of more dims than the (N, C, *) input
            weight, bias = (_channel_shaped(t, input.dim()) for t in (weight, bias))
        r = _batched("normalize", normalize, kind, input, weight, bias, view, dims, eps, stats)
        if r is not NOT_BATCHED:
            return r
    if stats is None:
        mean, var, rstd = _norm.statistics(input, view, dims, eps)
    else:
        mean, var = Tensor._make(stats[0]._data), Tensor._make(stats[1]._data)
        # PyTorch's CPU kernel keeps 1/√(var + eps) of given float16/bfloat16 statistics in float32
        rstd = _norm.rstd(stats[1].float() if stats[1].dtype in (float16, bfloat16) else stats[1], eps)
    out = _norm.normalize(kind, input, weight, bias, view, dims, mean._data, rstd._data, eps, fixed=stats is not None)
    return out, mean, var


def _channel_shaped(t: Tensor | None, nd: int) -> Tensor | None:
    """A batch or group norm's (C,) parameter broadcast against an (N, C, *) input of `nd` dims:
    (C, 1, ...), or (1, C) for (N, C) input (never 1-D, which the kernels shape by the input's dims)."""
    if t is None or t.dim() != 1:
        return t
    return t.reshape(t.shape + (1,) * (nd - 2) if nd > 2 else (1,) + t.shape)


def layer_norm(input: Tensor, weight: Tensor | None, bias: Tensor | None, view: tuple, eps: float) -> Tensor:
    """The fused layer-norm kernel (`ops.fused.normalization`): `input` seen as `view` (B, D),
    normalised over each row by its own statistics, then `* weight + bias` (of the rows' shape)."""
    if _vmap.active:
        return normalize("layer", input, weight, bias, view, (1,), eps)[0]
    return _norm.layer_norm(input, weight, bias, view, eps)


def cpu_batch_norm(
    input: Tensor, weight: Tensor | None, bias: Tensor | None, eps: float
) -> tuple[Tensor, Tensor, Tensor] | None:
    """Batch norm of (N, C, *) `input` by its own statistics with PyTorch's CPU arithmetic
    (`kernels.batch_norm_cpu`): the output, and the (1, C, 1, ...) mean and sum of squared
    deviations; None where that kernel does not take `input` (then `normalize` serves)."""
    if _vmap.active or (weight is not None and weight.dim() != 1) or (bias is not None and bias.dim() != 1):
        return None
    stats = _norm.cpu_batch_statistics(input, eps)
    if stats is None:
        return None
    mean, var_sum, rstd = stats
    dims = (0,) + tuple(range(2, input.dim()))
    if weight is None and bias is not None:
        from .creation import ones_like

        weight = ones_like(bias)
    out = _norm.normalize("batch", input, weight, bias, tuple(input.shape), dims, mean._data, rstd._data, eps)
    return out, mean, var_sum

