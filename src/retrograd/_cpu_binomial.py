"""PyTorch's CPU binomial sampler (`sample_binomial` in ATen's Distributions.h), on a `Generator`.

One draw per (count, prob) pair, in order, each from double uniforms (the low 53 bits of
64-bit draws): the BTRS transformed rejection of Hormann (1993) where count·min(p, 1−p) >= 10,
the sum-of-geometrics inversion below. For p > ½ it samples count − Binomial(count, 1 − p).
PyTorch computes some intermediates in the input's dtype (`scalar_t`) and the rest in double;
`narrow` rounds to the input's dtype where it does, so float32 draws match PyTorch's bits too.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ._cpu_sampling import unit64
from ._generator import Generator

# log k! − [(k + ½) log(k + 1) − (k + 1) + ½ log 2π] for k = 0..9 (Stirling's series beyond)
_STIRLING_TAIL = (
    0.0810614667953272,
    0.0413406959554092,
    0.0276779256849983,
    0.02079067210376509,
    0.0166446911898211,
    0.0138761288230707,
    0.0118967099458917,
    0.0104112652619720,
    0.00925546218271273,
    0.00833056343336287,
)

Narrow = Callable[[float], float]


def _stirling_tail(k: float) -> float:
    if k <= 9:
        return _STIRLING_TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _uniform(gen: Generator) -> float:
    return float(unit64(gen, 1)[0])


def _inversion(gen: Generator, count: float, prob: float, narrow: Narrow) -> float:
    """The number of geometric(prob) waiting times that fit into `count` trials."""
    log_q = narrow(math.log1p(-prob))
    geom_sum, num_geom = 0.0, 0.0
    while True:
        u = _uniform(gen)
        geom_sum += math.ceil(math.log(u) / log_q) if u > 0 else math.inf
        if geom_sum > count:
            return num_geom
        num_geom += 1


def _btrs(gen: Generator, count: float, prob: float, narrow: Narrow) -> float:
    """Hormann's BTRS (prob <= ½, count·prob >= 10), as PyTorch writes it."""
    stddev = narrow(math.sqrt(narrow(narrow(count * prob) * narrow(1 - prob))))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * prob
    c = narrow(count * prob) + 0.5
    v_r = 0.92 - 4.2 / b
    r = narrow(prob / narrow(1 - prob))
    alpha = (2.83 + 5.1 / b) * stddev
    m = math.floor(narrow(narrow(count + 1) * prob))
    while True:
        u = _uniform(gen) - 0.5
        v = _uniform(gen)
        us = 0.5 - abs(u)
        k = float(math.floor((2 * a / us + b) * u + c))
        if k < 0 or k > count:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        log_v = math.log(v * alpha / (a / (us * us) + b))
        bound = (
            (m + 0.5) * math.log((m + 1) / (r * (count - m + 1)))
            + (count + 1) * math.log((count - m + 1) / (count - k + 1))
            + (k + 0.5) * math.log(r * (count - k + 1) / (k + 1))
            + _stirling_tail(m)
            + _stirling_tail(count - m)
            - _stirling_tail(k)
            - _stirling_tail(count - k)
        )
        if log_v <= bound:
            return k


def _binomial_one(gen: Generator, count: float, prob: float, narrow: Narrow) -> float:
    if count <= 0 or prob <= 0:
        return 0.0
    if prob >= 1:
        return count
    if prob <= 0.5:
        if narrow(count * prob) >= 10:
            return _btrs(gen, count, prob, narrow)
        return _inversion(gen, count, prob, narrow)
    if prob > 0.5:
        q = narrow(1.0 - prob)
        if narrow(count * q) >= 10:
            return count - _btrs(gen, count, q, narrow)
        return count - _inversion(gen, count, q, narrow)
    return math.nan


def binomial(gen: Generator, counts: list[float], probs: list[float], np_dtype: np.dtype) -> np.ndarray:
    """One Binomial(count, prob) draw per pair, in order, as `np_dtype` (float32 or float64)."""
    narrow: Narrow
    if np.dtype(np_dtype) == np.float64:
        narrow = float
    else:
        f32 = np.float32

        def narrow(x: float) -> float:
            return float(f32(x))

    out = [_binomial_one(gen, c, p, narrow) for c, p in zip(counts, probs)]
    return np.array(out, dtype=np_dtype)
