"""Fused CUDA kernels for the composites a training step runs every time.

On a GPU each array expression is a kernel launch, and for the small element-wise pieces of
a step (an activation's derivative, a softmax's backward, an optimizer's update) the launch
costs more than the arithmetic. Where CuPy is the array library, these composites run as one
`cupy.ElementwiseKernel` each instead of three to ten launches. Ops ask `kernel(xp, name)`,
which gives None for NumPy and the stand-in device, and then compute the same formula with
array expressions: the fused and the composed paths are the same maths, and the GPU tests
check one against the other.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy

# name -> (in_params, out_params, operation): CuPy's ElementwiseKernel pieces. T is the float type.
_SOURCES: dict[str, tuple[str, str, str]] = {
    # relu's derivative: g where the output is positive (PyTorch's threshold_backward)
    "relu_backward": ("T g, T y", "T dx", "dx = y <= 0 ? T(0) : g"),
    # log_softmax's derivative given s = Σ g along the dim: g - e^y · s
    "log_softmax_backward": ("T g, T y, T s", "T dx", "dx = g - exp(y) * s"),
    # the exact GELU, a·Φ(a), and its derivative Φ(a) + a·φ(a)
    "gelu": ("T a", "T y", "y = T(0.5) * a * (T(1) + erf(a * T(0.70710678118654752440)))"),
    "gelu_backward": (
        "T g, T a",
        "T dx",
        """
        T cdf = T(0.5) * (T(1) + erf(a * T(0.70710678118654752440)));
        T pdf = exp(T(-0.5) * a * a) * T(0.39894228040143267794);
        dx = g * (cdf + a * pdf)
        """,
    ),
    # the tanh approximation and its derivative
    "gelu_tanh": (
        "T a",
        "T y",
        "y = T(0.5) * a * (T(1) + tanh(T(0.79788456080286535588) * (a + T(0.044715) * a * a * a)))",
    ),
    "gelu_tanh_backward": (
        "T g, T a",
        "T dx",
        """
        T c = fmin(fmax(a, T(-10)), T(10));
        T t = tanh(T(0.79788456080286535588) * (c + T(0.044715) * c * c * c));
        T inner = (T(1) + T(3 * 0.044715) * c * c) * T(0.79788456080286535588);
        dx = g * (T(0.5) * (T(1) + t) + T(0.5) * a * (T(1) - t * t) * inner)
        """,
    ),
    # one Adam/AdamW step (weight decay already applied to grad or param by the caller), in the
    # order of the composed update: lerp, v·β2 + (1-β2)·g², p - step·m / (√v / bc2 + eps)
    "adam": (
        "T grad, T w1, T beta2, T w2, T step_size, T bc2_sqrt, T eps",
        "T param, T exp_avg, T exp_avg_sq",
        """
        exp_avg = exp_avg + w1 * (grad - exp_avg);
        exp_avg_sq = exp_avg_sq * beta2 + (grad * w2) * grad;
        param = param + (exp_avg * -step_size) / (sqrt(exp_avg_sq) / bc2_sqrt + eps)
        """,
    ),
}

_FLOATS = (numpy.dtype(numpy.float32), numpy.dtype(numpy.float64))


@functools.cache
def _build(xp: Any, name: str) -> Any:
    params, outs, body = _SOURCES[name]
    return xp.ElementwiseKernel(params, outs, body, f"retrograd_{name}")


def kernel(xp: Any, name: str, *arrays: Any) -> Any:
    """The fused kernel `name` for arrays of `xp`, or None (not CuPy, or not float32/float64 data)."""
    if xp is numpy or getattr(xp, "ElementwiseKernel", None) is None:  # NumPy first: the CPU's hot path
        return None
    dt = arrays[0].dtype if arrays else None
    if dt is not None and (dt not in _FLOATS or any(a.dtype != dt for a in arrays)):
        return None
    return _build(xp, name)
