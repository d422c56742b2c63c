"""Adam/AdamW with `fused=True` on float16/bfloat16 parameters, as PyTorch's fused CPU kernel runs it.

PyTorch's fused CPU Adam (`_fused_adam_`/`_fused_adamw_`) reads a half parameter, its gradient and
its moments into float32 and runs the whole update there: the decayed parameter, the moments and the
denominator are never rounded to the half dtype on the way, only the stored moments and the new
parameter are (once each). The single-tensor and foreach updates instead round after every in-place
op, so on bfloat16 weights the two differ by an ulp in many elements after a step or two.

In float32 (x̄ = the stored half value widened, w = 1 - β₁; [a·b + c] rounded once, as the
kernel's explicit fmadd and the multiply-adds its compiler contracts):

    p ← p̄ · (1 - lr·λ)           (AdamW; Adam takes g ← [p̄·λ + g] instead)
    m ← [w·(g - m̄) + m̄]          (w ≥ 0.5: the mirror form [(w - 1)·(g - m̄) + g])
    v ← [((1 - β₂)·g)·g + v̄·β₂]
    p ← p + ((-lr/(1 - β₁ᵗ))·m) / (√v / √(1 - β₂ᵗ) + eps)     (√ of the running maximum with amsgrad)

That is the kernel's vectorised loop. Its scalar loop, for the last numel % 16 (AVX2) or 32 (AVX-512)
elements, rounds v's multiply-add twice; the two differ in the stored half value about once in 10⁴
elements, so the vectorised form is used for all.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine.bfloat16 import BF16, F16

_F32 = np.float32


def is_half(param: Any) -> bool:
    """Whether `param` is a float16/bfloat16 NumPy array (the arrays PyTorch's fused kernel widens)."""
    return isinstance(param, np.ndarray) and (param.dtype == BF16 or param.dtype == F16)


def _fma(x: Any, y: Any, z: Any) -> Any:
    """x·y + z on float32 values, rounded once (the product is exact in float64; the double
    rounding that leaves differs from a true fused multiply-add about once in 2**29)."""
    wide = np.multiply(x, y, dtype=np.float64)
    wide += z
    return wide.astype(_F32)


def _lerp(start: Any, end: Any, weight: float) -> Any:
    """start + weight·(end - start) as the kernel's fmadd (the difference rounded first);
    weight ≥ 0.5: end + (weight - 1)·(end - start)."""
    w = _F32(weight)
    if abs(w) < 0.5:
        return _fma(end - start, w, start)
    return _fma(end - start, w - _F32(1), end)


def fused_adam_half(param: Any, grad: Any, exp_avg: Any, exp_avg_sq: Any, max_exp_avg_sq: Any, *, step: float,
                    lr: float, beta1: float, beta2: float, eps: float, weight_decay: float, decoupled: bool,
                    maximize: bool) -> None:
    """One fused Adam (`decoupled=False`) or AdamW step on half arrays, in place (see the module's notes).

    `max_exp_avg_sq` is None without amsgrad.
    """
    g = grad.astype(_F32)
    p = param.astype(_F32)
    if maximize:
        g = -g
    if weight_decay != 0:
        if decoupled:
            p *= _F32(1 - lr * weight_decay)
        else:
            g = _fma(p, _F32(weight_decay), g)
    m = _lerp(exp_avg.astype(_F32), g, 1 - beta1)
    v = _fma(_F32(1 - beta2) * g, g, exp_avg_sq.astype(_F32) * _F32(beta2))
    exp_avg[...] = m
    exp_avg_sq[...] = v
    if max_exp_avg_sq is not None:
        v = np.maximum(max_exp_avg_sq.astype(_F32), v)
        max_exp_avg_sq[...] = v
    denom = np.sqrt(v) / _F32((1 - beta2**step) ** 0.5) + _F32(eps)
    p += _F32(-lr / (1 - beta1**step)) * m / denom
    param[...] = p
