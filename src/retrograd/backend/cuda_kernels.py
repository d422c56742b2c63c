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
    # layer norm's affine output from the statistics (mean, rstd broadcast along the normalised dim)
    "layer_norm": ("T a, T mean, T rstd, T w, T b", "T y", "y = (a - mean) * rstd * w + b"),
    # the normalisation kernels' input gradient from gh = g·w, x̂ and the two row means of gh and gh·x̂
    "norm_backward": ("T gh, T xhat, T m1, T m2, T rstd", "T dx", "dx = (gh - m1 - xhat * m2) * rstd"),
    # one LSTM time step over (N, H) elements: z (N, 4H) holds the pre-activations of the gates
    # i, f, g, o and is overwritten with the activated gates (the backward reads them)
    "lstm_cell": (
        "T c_prev, int32 H",
        "raw T z, T c, T tanh_c, T h",
        """
        int base = (i / H) * 4 * H + i % H;
        T gi = T(1) / (T(1) + exp(-z[base]));
        T gf = T(1) / (T(1) + exp(-z[base + H]));
        T gg = tanh(z[base + 2 * H]);
        T go = T(1) / (T(1) + exp(-z[base + 3 * H]));
        z[base] = gi; z[base + H] = gf; z[base + 2 * H] = gg; z[base + 3 * H] = go;
        c = gf * c_prev + gi * gg;
        tanh_c = tanh(c);
        h = go * tanh_c
        """,
    ),
    # its backward: dh = dh + g_out, dc = dc + dh·o·(1 - tanh²c); the gates' gradients into dz
    # (N, 4H); dc carried to the previous step (dc·f), in place
    "lstm_cell_backward": (
        "raw T a, T c_prev, T tanh_c, T g_out, int32 H",
        "raw T dz, T dh, T dc",
        """
        int base = (i / H) * 4 * H + i % H;
        T gi = a[base], gf = a[base + H], gg = a[base + 2 * H], go = a[base + 3 * H];
        T dh_t = dh + g_out;
        T dc_t = dc + dh_t * go * (T(1) - tanh_c * tanh_c);
        dz[base] = dc_t * gg * gi * (T(1) - gi);
        dz[base + H] = dc_t * c_prev * gf * (T(1) - gf);
        dz[base + 2 * H] = dc_t * gi * (T(1) - gg * gg);
        dz[base + 3 * H] = dh_t * tanh_c * go * (T(1) - go);
        dh = dh_t;
        dc = dc_t * gf
        """,
    ),
    # one GRU time step over (N, H) elements: g (N, 3H) holds the input side x W_ihᵀ + b_ih of the
    # gates r, z, n and is overwritten with the activated gates; hw (N, 3H) is h W_hhᵀ + b_hh, and
    # its n part is kept in hn (the backward reads both)
    "gru_cell": (
        "T h_prev, raw T hw, int32 H",
        "raw T g, T hn, T h",
        """
        int base = (i / H) * 3 * H + i % H;
        T gr = T(1) / (T(1) + exp(-(g[base] + hw[base])));
        T gz = T(1) / (T(1) + exp(-(g[base + H] + hw[base + H])));
        T hn_t = hw[base + 2 * H];
        T gn = tanh(g[base + 2 * H] + gr * hn_t);
        g[base] = gr; g[base + H] = gz; g[base + 2 * H] = gn;
        hn = hn_t;
        h = gn + (h_prev - gn) * gz
        """,
    ),
    # its backward: dh = dh + g_out; the gates' gradients on the input side into dxw (N, 3H) and on
    # the hidden side into dhw (the n part scaled by r); dh·z carried to the previous step, in place
    # (the caller adds dhw W_hh)
    "gru_cell_backward": (
        "raw T a, T h_prev, T hn, T g_out, int32 H",
        "raw T dxw, raw T dhw, T dh",
        """
        int base = (i / H) * 3 * H + i % H;
        T gr = a[base], gz = a[base + H], gn = a[base + 2 * H];
        T dh_t = dh + g_out;
        T dn = dh_t * ((T(1) - gz) * (T(1) - gn * gn));
        T dr = dn * (hn * gr * (T(1) - gr));
        T dzg = dh_t * ((h_prev - gn) * gz * (T(1) - gz));
        dxw[base] = dr; dxw[base + H] = dzg; dxw[base + 2 * H] = dn;
        dhw[base] = dr; dhw[base + H] = dzg; dhw[base + 2 * H] = dn * gr;
        dh = dh_t * gz
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
