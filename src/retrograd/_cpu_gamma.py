"""PyTorch's CPU gamma sampler (`sample_gamma` in ATen's Distributions.h), on a `Generator`.

Marsaglia and Tsang's (2000) acceptance-rejection, one draw per concentration, in order: double
normals (Box-Muller, the second value cached on the generator as PyTorch's is) and double
uniforms (the low 53 bits of 64-bit draws). A concentration below 1 is boosted by one and the
draw scaled by u^(1/α). PyTorch takes α and the constants 1/3 and 0.0331 as float literals;
`f32` keeps α's arithmetic in float32 where PyTorch's `scalar_t` is float, so float32 draws
match its bits too. `dirichlet` is `_sample_dirichlet`: double gammas, normalised per row.
"""

from __future__ import annotations

import math

import numpy as np

from ._cpu_sampling import normal_scalar, unit64
from ._generator import Generator

_F32 = np.float32
_THIRD_F = float(_F32(1.0) / _F32(3.0))  # `1.0f / 3.0f`
_C_F = float(_F32(0.0331))  # `0.0331f`


def _uniform(gen: Generator) -> float:
    return float(unit64(gen, 1)[0])


def _normal(gen: Generator) -> float:
    return float(normal_scalar(gen, 1, 0.0, 1.0)[0])


def _gamma_one(gen: Generator, alpha: float, f32: bool) -> float:
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        inverse = float(_F32(1.0) / _F32(alpha)) if f32 else 1.0 / alpha
        scale *= (1.0 - _uniform(gen)) ** inverse
        alpha = float(_F32(alpha) + _F32(1.0)) if f32 else alpha + 1.0
    d = float(_F32(alpha) - _F32(_THIRD_F)) if f32 else alpha - _THIRD_F
    c = 1.0 / math.sqrt(9.0 * d) if d > 0 else math.nan  # C++'s sqrt of α ≤ 0 (or nan): nan, no error
    while True:
        while True:  # C++'s `do ... while (y <= 0)`: a nan y leaves the loop
            x = _normal(gen)
            y = 1.0 + c * x
            if not y <= 0:
                break
        v = y * y * y
        u = 1.0 - _uniform(gen)
        xx = x * x
        if u < 1.0 - _C_F * xx * xx:
            return scale * d * v
        if math.log(u) < 0.5 * xx + d * (1.0 - v + math.log(v)):
            return scale * d * v


def standard_gamma(gen: Generator, alphas: list[float], np_dtype: np.dtype) -> np.ndarray:
    """Gamma(α, 1) draws for each α, in `np_dtype`, at least its smallest normal number (as PyTorch)."""
    f32 = np.dtype(np_dtype) == np.float32
    draws = np.array([_gamma_one(gen, a, f32) for a in alphas], dtype=np.float64).astype(np_dtype)
    return np.fmax(draws, np.finfo(np_dtype).tiny)  # std::max(tiny, nan) is tiny, as fmax


def dirichlet(gen: Generator, alphas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(samples in alphas' dtype, the double gammas behind them) for rows of concentrations (..., K)."""
    gammas = np.array([_gamma_one(gen, float(a), False) for a in alphas.ravel()], dtype=np.float64)
    gammas = np.fmax(gammas, np.finfo(np.float64).tiny).reshape(alphas.shape)
    ratio = (gammas / gammas.sum(-1, keepdims=True)).astype(alphas.dtype)
    kind = alphas.dtype.type
    top = np.nextafter(kind(1.0), kind(0.0))
    return np.minimum(top, np.maximum(np.finfo(alphas.dtype).tiny, ratio)), gammas
