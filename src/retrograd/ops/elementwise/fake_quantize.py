"""Fake quantization for quantization-aware training: round onto an integer grid and back.

`q = nearbyint(x * (1 / scale)) + zero_point`, `out = (clamp(q, quant_min, quant_max) - zero_point) * scale`,
in the input's floating dtype, as PyTorch's CPU kernels compute it: `1 / scale` in float32 (the
scale is a C++ float there), the product in float32 for half, bfloat16 and float32 inputs, in
float64 for float64 inputs; a float zero point (per channel) is added before rounding. The
gradient is the straight-through estimator: `g` where `quant_min <= q <= quant_max`, 0 where the
clamp cut (PyTorch's cached mask, `grad_fn._saved_mask`). Half-way values round to even.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...engine.primitive import Primitive
from ...tensor import Tensor
from ..activation.smooth import floating
from ..kernels.arg_types import check_tensors, int_arg

__all__ = ["fake_quantize_per_tensor_affine", "fake_quantize_per_channel_affine"]


def _forward(
    xp: Any, a: Any, scale: Any, zero_point: Any, quant_min: int, quant_max: int, per_tensor: bool
) -> tuple[Any, Any]:
    """(the fake-quantized values, the mask of those the clamp left alone); scale and zero_point broadcast to `a`.

    A NaN becomes quant_min (C++'s int64 cast of it); so does +inf per channel, where the per-tensor
    kernel clamps it to quant_max."""
    compute = np.promote_types(a.dtype, np.float32)  # half and bfloat16 multiply in float32, as in C++
    inv_scale = (np.float32(1.0) / xp.asarray(scale, dtype=np.float32)).astype(compute)
    zero = xp.asarray(zero_point)
    if zero.dtype.kind == "f":  # a float zero point shifts before rounding
        q = xp.rint(a.astype(compute) * inv_scale + zero.astype(compute)).astype(np.float64)
    else:
        q = xp.rint(a.astype(compute) * inv_scale).astype(np.float64) + zero
    q = xp.where(xp.isnan(q) if per_tensor else ~xp.isfinite(q), float(np.iinfo(np.int64).min), q)
    mask = (q >= quant_min) & (q <= quant_max)
    out = (xp.clip(q, quant_min, quant_max) - zero) * xp.asarray(scale, dtype=np.float32).astype(np.float64)
    return out.astype(a.dtype), mask


# d out / d x = 1 inside the quantization range, 0 where the clamp cut (straight-through estimator)
def _rule(g: Tensor, mask: Any) -> Tensor:
    return g * Tensor._make(mask)


def _fake_quantizer(name: str, node: str) -> Primitive:
    """One fake-quantize primitive, its mask saved for the straight-through gradient."""
    return Primitive(name, _forward, [_rule], extras=("mask",), saves_number=True, node_name=node)


# PyTorch records three nodes: per tensor (number or tensor qparams) and per channel
_per_tensor = _fake_quantizer("fake_quantize_per_tensor_affine", "FakeQuantizePerTensorAffineCachemaskBackward0")
_per_tensor_qparams = _fake_quantizer(
    "fake_quantize_per_tensor_affine", "FakeQuantizePerTensorAffineCachemaskTensorQparamsBackward0"
)
_per_channel = _fake_quantizer("fake_quantize_per_channel_affine", "FakeQuantizePerChannelAffineCachemaskBackward0")


def _check_range(zero_min: float, zero_max: float, quant_min: int, quant_max: int) -> None:
    if quant_min > quant_max:
        raise RuntimeError("`quant_min` should be less than or         equal to `quant_max`.")
    if zero_min < quant_min or zero_max > quant_max:
        raise RuntimeError("`zero_point` must be between `quant_min` and `quant_max`.")


def fake_quantize_per_tensor_affine(
    input: Tensor, scale: float | Tensor, zero_point: int | Tensor, quant_min: int, quant_max: int
) -> Tensor:
    """`input` rounded onto the grid `(q - zero_point) * scale`, q an integer in [quant_min, quant_max].

    `scale` is a number or a one-element float Tensor, `zero_point` an integer or a one-element
    Tensor; the result has `input`'s shape and floating dtype. The gradient passes where the value
    was inside the grid's range and is 0 where it was clamped.

    Example:
        >>> import retrograd
        >>> x = retrograd.tensor([0.0552, 0.9730, 0.3973, -1.0780])
        >>> retrograd.fake_quantize_per_tensor_affine(x, 0.1, 0, 0, 255)
        tensor([0.1000, 1.0000, 0.4000, 0.0000])
    """
    op = _per_tensor
    if isinstance(scale, Tensor) or isinstance(zero_point, Tensor):
        op = _per_tensor_qparams
        scale = scale.item() if isinstance(scale, Tensor) else scale
        zero_point = zero_point.item() if isinstance(zero_point, Tensor) else zero_point
    zero = int(zero_point)
    _check_range(zero, zero, quant_min, quant_max)
    floating(input, "fake_quantize_tensor_cachemask_kernel_type_handling")
    return op(input, scale=float(scale), zero_point=zero, quant_min=quant_min, quant_max=quant_max, per_tensor=True)


def fake_quantize_per_channel_affine(
    input: Tensor, scale: Tensor, zero_point: Tensor, axis: int, quant_min: int, quant_max: int
) -> Tensor:
    """`input` fake-quantized with one (scale, zero_point) pair per index of dimension `axis`.

    `scale` is a 1-D float32 Tensor and `zero_point` a 1-D int32 (or float32/float16) Tensor, both
    of length `input.size(axis)`; the result has `input`'s shape and dtype. A float zero point is
    added before rounding: `q = nearbyint(x / scale + zero_point)`.

    Example:
        >>> import retrograd
        >>> w = retrograd.tensor([[0.33, -0.71], [2.2, -0.05]])
        >>> zero = retrograd.tensor([0, 1], dtype=retrograd.int32)
        >>> retrograd.fake_quantize_per_channel_affine(w, retrograd.tensor([0.1, 0.5]), zero, 0, -128, 127)
        tensor([[ 0.3000, -0.7000],
                [ 2.0000,  0.0000]])
    """
    fn = "fake_quantize_per_channel_affine"  # PyTorch's parser first: three tensors, three ints
    check_tensors(fn, input=input, scale=scale, zero_point=zero_point)
    axis, quant_min, quant_max = (int_arg(fn, name, position, value) for name, position, value in
                                  (("axis", 4, axis), ("quant_min", 5, quant_min), ("quant_max", 6, quant_max)))
    if zero_point.dtype.kind_name not in ("Int", "Float", "Half"):
        raise RuntimeError(f"Zero-point must be Int32, Float or Half, found {zero_point.dtype.kind_name}")
    if scale.dim() != 1:
        raise RuntimeError("scale should be a 1-D tensor")
    if zero_point.dim() != 1:
        raise RuntimeError("zero point should be a 1-D tensor")
    if scale.numel() != zero_point.numel():
        raise RuntimeError("scale and zero-point need to have the same dimensions")
    if scale.numel() != input.size(axis):
        raise RuntimeError("dimensions of scale and zero-point are not consistent with input tensor")
    zero = zero_point._data
    if zero.dtype.kind == "f":
        _check_range(quant_min, quant_min, quant_min, quant_max)
    else:
        _check_range(int(zero.min()), int(zero.max()), quant_min, quant_max)
    if not 0 <= axis <= input.dim():
        raise RuntimeError("`axis` must be between 0 and number of dimensions of input")
    if scale.dtype.kind_name not in ("Float", "BFloat16"):
        raise RuntimeError(f"Scale must be Float or BFloat16, found {scale.dtype.kind_name}")
    floating(input, "fake_quantize_channel_cachemask_cpu_type_handling")
    along = (-1,) + (1,) * (input.dim() - 1 - axis)  # the channel dimension, broadcast against input
    return _per_channel(
        input,
        scale=scale._data.reshape(along),
        zero_point=zero.reshape(along),
        quant_min=quant_min,
        quant_max=quant_max,
        per_tensor=False,
    )
