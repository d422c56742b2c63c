"""The memory layout of a convolution's result, as PyTorch's CPU convolutions choose it.

PyTorch computes a convolution in channels-last order when its input or its weight suggests
that format (`Tensor.suggest_memory_format`), and returns the result in it: a model moved to
`channels_last` keeps channels-last activations from layer to layer, so `is_contiguous()`,
`stride()` and what `view` accepts all depend on it. The kernels here compute row-major
results; `as_operands_suggest` lays one out again where PyTorch's would be channels-last.

For 5-D tensors only the oneDNN kernels keep `channels_last_3d`; PyTorch has none for float64
(nor complex128), whose results stay row-major. On the meta device PyTorch's results are always
row-major, and on CUDA cuDNN has rules of its own: results there stay row-major here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._layouts import suggested_format
from .placement import laid_out


def _suggested(a: Any) -> str:
    return suggested_format(a.shape, tuple(s // a.itemsize for s in a.strides))


def result_format(xp: Any, a: Any, w: Any) -> str | None:
    """'channels_last' / 'channels_last_3d' when the result of a CPU convolution of `a` with `w`
    (either way round: input and weight, or gradient and weight) is laid out so; else None."""
    if xp is not np or a.ndim not in (4, 5):
        return None
    if a.ndim == 5 and a.dtype.name in ("float64", "complex128"):
        return None  # float64: the 3-D kernels without a channels-last variant
    for operand in (a, w):
        name = _suggested(operand)
        if name != "contiguous_format":
            return name
    return None


def as_operands_suggest(xp: Any, y: Any, a: Any, w: Any) -> Any:
    """`y`, the result of convolving `a` with `w`, in the layout PyTorch gives it."""
    name = result_format(xp, a, w)
    return y if name is None else laid_out(xp, y, name)


def as_input_suggests(xp: Any, y: Any, a: Any) -> Any:
    """`y`, the result of pooling `a`, channels-last where `a` suggests it (PyTorch's CPU max
    pooling keeps its input's format: a channels-last ResNet's stem stays channels-last)."""
    if xp is not np or a.ndim not in (4, 5) or a.flags.c_contiguous:
        return y
    name = _suggested(a)
    return y if name == "contiguous_format" else laid_out(xp, y, name)
